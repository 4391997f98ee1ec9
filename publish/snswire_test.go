package publish

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkv4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/serialgate/serialgate/drs"
	"github.com/serialgate/serialgate/internal/sigv4"
)

const (
	wireSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYWIRESECRET"
	wireToken  = "FwoGZXIvYXdzEWIRESESSIONTOKENxyz"
)

// TestSNSWire checks the request the sink sends, as a server sees it: the
// Query API form of the AWS SDK's Publish, a signature the SDK's signer
// agrees with for the credentials of the environment, and the answers read.
func TestSNSWire(t *testing.T) {
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDWIRE", "AWS_SECRET_ACCESS_KEY": wireSecret, "AWS_SESSION_TOKEN": wireToken,
		"AWS_REGION": "eu-central-1", "AWS_PROFILE": "", "AWS_ENDPOINT_URL_SNS": "", "AWS_ENDPOINT_URL": "",
	} {
		t.Setenv(k, v)
	}
	type exchange struct {
		form   url.Values
		header http.Header
	}
	got := make(chan exchange, 1)
	answer := `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>`
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		// What the SDK's signer makes of the same request.
		check, _ := http.NewRequest(r.Method, "http://"+r.Host+r.URL.RequestURI(), bytes.NewReader(body))
		for _, h := range []string{"Content-Type"} {
			check.Header.Set(h, r.Header.Get(h))
		}
		at, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
		if err != nil {
			t.Errorf("X-Amz-Date %q", r.Header.Get("X-Amz-Date"))
		}
		creds := aws.Credentials{AccessKeyID: "AKIDWIRE", SecretAccessKey: wireSecret, SessionToken: wireToken}
		if err := sdkv4.NewSigner().SignHTTP(t.Context(), creds, check, sigv4.PayloadHash(body), "sns", "eu-central-1", at); err != nil {
			t.Error(err)
		}
		if r.Header.Get("Authorization") != check.Header.Get("Authorization") {
			t.Errorf("Authorization\n%s\nthe SDK signs\n%s", r.Header.Get("Authorization"), check.Header.Get("Authorization"))
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			t.Error(err)
		}
		got <- exchange{form, r.Header.Clone()}
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	defer srv.Close()

	ev := testEvents(t, 1)[0]
	ev.Type, ev.Version = drs.TypeItemShipped, drs.V2
	s := &SNS{TopicARN: "arn:aws:sns:eu-central-1:123456789012:drs.fifo", Endpoint: srv.URL}
	if err := s.Publish(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
	x := <-got
	want := url.Values{
		"Action": {"Publish"}, "Version": {"2010-03-31"}, "TopicArn": {s.TopicARN}, "Message": {string(ev.Body)},
		"MessageAttributes.entry.1.Name": {"type"}, "MessageAttributes.entry.1.Value.DataType": {"String"},
		"MessageAttributes.entry.1.Value.StringValue": {drs.TypeItemShipped},
		"MessageAttributes.entry.2.Name":              {"version"}, "MessageAttributes.entry.2.Value.DataType": {"String"},
		"MessageAttributes.entry.2.Value.StringValue": {"2.0"},
		"MessageDeduplicationId":                      {ev.ID}, "MessageGroupId": {ev.Manufacturer},
	}
	if fmt.Sprint(x.form) != fmt.Sprint(want) {
		t.Errorf("form\n%v\nwant\n%v", x.form, want)
	}
	if x.header.Get("X-Amz-Security-Token") != wireToken || x.header.Get("Content-Type") != "application/x-www-form-urlencoded" ||
		!strings.Contains(x.header.Get("Authorization"), "Credential=AKIDWIRE/") {
		t.Errorf("headers %v", x.header)
	}

	// A refusal names the topic, the event, SNS's code, message and
	// request ID, and not the secrets SNS echoed.
	status = http.StatusForbidden
	answer = `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code>` +
		`<Message>The Canonical String for this request should have been 'POST / x-amz-security-token:` + wireToken + `' key ` + wireSecret + `</Message></Error>` +
		`<RequestId>req-42</RequestId></ErrorResponse>`
	err := s.Publish(t.Context(), ev)
	<-got
	var apiErr *SNSError
	if !errors.As(err, &apiErr) || apiErr.Code != "SignatureDoesNotMatch" || apiErr.RequestID != "req-42" || apiErr.Status != 403 {
		t.Fatalf("error %#v", err)
	}
	for _, part := range []string{ev.ID, s.TopicARN, "SNS answered 403 SignatureDoesNotMatch: The Canonical String", "(request req-42)"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not say %q", err, part)
		}
	}
	if strings.Contains(err.Error(), wireToken) || strings.Contains(err.Error(), wireSecret) {
		t.Errorf("a secret in the error: %s", err)
	}

	// A 200 that is no Publish answer is not an acknowledgement.
	status, answer = http.StatusOK, "<html>captive portal</html>"
	if err := s.Publish(t.Context(), ev); err == nil {
		t.Error("a 200 without a MessageId was taken for a publish")
	}
	<-got
}

func TestSNSResolve(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent/config")
	t.Setenv("AWS_PROFILE", "")
	ev := testEvents(t, 1)[0]
	err := (&SNS{TopicARN: topicARN("drs")}).Publish(t.Context(), ev)
	if err == nil || !strings.Contains(err.Error(), "no AWS region") {
		t.Errorf("no region anywhere: %v", err)
	}
	t.Setenv("AWS_REGION", "cn-north-1")
	s := &SNS{TopicARN: topicARN("drs")}
	if err := s.resolve(); err != nil || s.endpoint != "https://sns.cn-north-1.amazonaws.com.cn" || s.region != "cn-north-1" {
		t.Errorf("endpoint %q region %q, %v", s.endpoint, s.region, err)
	}
	s = &SNS{TopicARN: topicARN("drs"), Region: "us-east-2", Endpoint: "localhost:4100"}
	if err := s.resolve(); err == nil {
		t.Error("an endpoint without a scheme")
	}
}

// FuzzSNSAnswers: the answer parsers never panic, a MessageId is only
// found in a Publish result, and an error never carries the secrets.
func FuzzSNSAnswers(f *testing.F) {
	f.Add([]byte(`<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>`))
	f.Add([]byte(`<ErrorResponse><Error><Code>NotFound</Code><Message>Topic does not exist ` + wireToken + `</Message></Error><RequestId>r</RequestId></ErrorResponse>`))
	f.Add([]byte(`<ErrorResponse><Error><Type>Not Found</Type><Code>AWS.SimpleNotificationService.NonExistentTopic</Code><Message>x</Message></Error></ErrorResponse>`))
	f.Add([]byte("not xml " + wireSecret))
	f.Add([]byte(`<ErrorResponse><Error><Code>C</Code></Error><RequestId>` + wireSecret + `</RequestId></ErrorResponse>`))
	creds := sigv4.Credentials{AccessKeyID: "AKID", SecretAccessKey: wireSecret, SessionToken: wireToken}
	f.Fuzz(func(t *testing.T, answer []byte) {
		if id, err := parseSNSPublished(answer); err == nil && (id == "" || !bytes.Contains(answer, []byte("MessageId"))) {
			t.Fatalf("MessageId %q from %q", id, answer)
		}
		e := parseSNSError(400, answer, creds)
		if s := e.Error(); strings.Contains(s, wireSecret) || strings.Contains(s, wireToken) || !strings.HasPrefix(s, "SNS answered 400") {
			t.Fatalf("error %q", s)
		}
	})
}
