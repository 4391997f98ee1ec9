package publish

import (
	"bytes"
	"cmp"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/drs"
	"github.com/serialgate/serialgate/internal/sigv4"
)

// TypeAttribute is the SNS message attribute that carries the event's
// notificationType, so that a subscription's filter policy can select
// notifications by type.
const TypeAttribute = "type"

// SNS publishes each event to an Amazon SNS topic: the event's body as the
// Message, and as MessageAttributes those drs.MessageAttributes gives (the
// "version" attribute of a v2 notification, none for v1, as DRS publishes
// them and as the Webhook sink's envelope carries them) and the
// notificationType as TypeAttribute. To a FIFO topic (".fifo") it
// publishes with the event ID as deduplication ID and the manufacturer as
// message group.
//
// It speaks the SNS Query API itself, signed with Signature Version 4. The
// credentials come from the environment, the shared files (static keys or
// credential_process), the container credentials endpoint or the EC2
// instance metadata service (see sigv4.Provider); SSO and assumed roles
// are not supported. The region comes from Region, else AWS_REGION,
// AWS_DEFAULT_REGION or the profile; the endpoint from Endpoint, else
// AWS_ENDPOINT_URL_SNS, AWS_ENDPOINT_URL or AWS's.
type SNS struct {
	TopicARN string
	Region   string // the AWS region; the configuration's when empty
	Endpoint string // the SNS endpoint URL; AWS's when empty
	// Client sends the requests; one with a 30-second timeout when nil.
	Client *http.Client

	mu       sync.Mutex
	region   string
	endpoint string
	creds    *sigv4.Provider // nil until resolved
}

var _ serialgate.Publisher = (*SNS)(nil)

// snsTimeout bounds a Publish when Client is nil.
const snsTimeout = 30 * time.Second

// resolve finds the region, endpoint and credential source on first use.
// A failure is tried again on the next call.
func (s *SNS) resolve() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.creds != nil {
		return nil
	}
	if s.TopicARN == "" {
		return errors.New("sns sink: TopicARN is empty")
	}
	creds := &sigv4.Provider{}
	region := s.Region
	if region == "" {
		var err error
		if region, err = creds.Region(); err != nil {
			return fmt.Errorf("sns sink %s: %w", s.TopicARN, err)
		}
	}
	endpoint := s.Endpoint
	if endpoint == "" {
		var err error
		if endpoint, err = creds.Endpoint("sns", region); err != nil {
			return fmt.Errorf("sns sink %s: %w", s.TopicARN, err)
		}
	}
	if u, err := url.Parse(endpoint); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("sns sink %s: endpoint %q is not an http or https URL", s.TopicARN, endpoint)
	}
	s.region, s.endpoint, s.creds = region, endpoint, creds
	return nil
}

// snsPublish is the Publish request of an event.
type snsPublish struct {
	TopicARN          string
	Message           string
	MessageAttributes map[string]drs.Attribute
	// A FIFO topic's; empty for a standard topic.
	MessageDeduplicationID, MessageGroupID string
}

// snsInput builds the Publish request of an event.
func snsInput(topicARN string, e serialgate.Event) (*snsPublish, error) {
	if len(e.Body) == 0 {
		return nil, fmt.Errorf("publish event %s to SNS: empty body", e.ID)
	}
	attrs, err := drs.MessageAttributes(e.Type, e.Version)
	if err != nil {
		return nil, fmt.Errorf("publish event %s to SNS: %w", e.ID, err)
	}
	in := &snsPublish{TopicARN: topicARN, Message: string(e.Body), MessageAttributes: make(map[string]drs.Attribute, len(attrs)+1)}
	maps.Copy(in.MessageAttributes, attrs)
	in.MessageAttributes[TypeAttribute] = drs.Attribute{Type: "String", Value: e.Type}
	if strings.HasSuffix(topicARN, ".fifo") {
		in.MessageDeduplicationID = e.ID
		in.MessageGroupID = e.Manufacturer
	}
	return in, nil
}

// form is the request's Query API form: the attributes numbered from 1 in
// name order, as the AWS SDK numbers them.
func (in *snsPublish) form() url.Values {
	f := url.Values{
		"Action":   {"Publish"},
		"Version":  {"2010-03-31"},
		"TopicArn": {in.TopicARN},
		"Message":  {in.Message},
	}
	for i, name := range slices.Sorted(maps.Keys(in.MessageAttributes)) {
		a := in.MessageAttributes[name]
		prefix := "MessageAttributes.entry." + strconv.Itoa(i+1) + "."
		f.Set(prefix+"Name", name)
		f.Set(prefix+"Value.DataType", a.Type)
		if strings.HasPrefix(a.Type, "Binary") {
			f.Set(prefix+"Value.BinaryValue", a.Value)
		} else {
			f.Set(prefix+"Value.StringValue", a.Value)
		}
	}
	if in.MessageDeduplicationID != "" {
		f.Set("MessageDeduplicationId", in.MessageDeduplicationID)
	}
	if in.MessageGroupID != "" {
		f.Set("MessageGroupId", in.MessageGroupID)
	}
	return f
}

// Publish publishes the event and returns once SNS accepted it.
func (s *SNS) Publish(ctx context.Context, e serialgate.Event) error {
	if err := s.resolve(); err != nil {
		return err
	}
	in, err := snsInput(s.TopicARN, e)
	if err != nil {
		return err
	}
	fail := func(err error) error { return fmt.Errorf("publish event %s to %s: %w", e.ID, s.TopicARN, err) }
	creds, err := s.creds.Retrieve(ctx)
	if err != nil {
		return fail(err)
	}
	body := []byte(in.form().Encode())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, bytes.NewReader(body))
	if err != nil {
		return fail(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "serialgate")
	if err := sigv4.Sign(req, creds, sigv4.PayloadHash(body), "sns", s.region, time.Now()); err != nil {
		return fail(err)
	}
	client := s.Client
	if client == nil {
		client = &http.Client{Timeout: snsTimeout}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fail(err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fail(fmt.Errorf("read the answer: %w", err))
	}
	if resp.StatusCode/100 != 2 {
		apiErr := parseSNSError(resp.StatusCode, answer, creds)
		switch apiErr.Code {
		case "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId":
			s.creds.Invalidate() // the next attempt finds them again
		}
		return fail(apiErr)
	}
	if _, err := parseSNSPublished(answer); err != nil {
		return fail(err)
	}
	return nil
}

// parseSNSPublished reads the MessageId of a Publish answer.
func parseSNSPublished(answer []byte) (messageID string, err error) {
	var v struct {
		MessageID string `xml:"PublishResult>MessageId"`
	}
	if err := xml.Unmarshal(answer, &v); err != nil {
		return "", fmt.Errorf("SNS answered 2xx with no Publish result: %v", err)
	}
	if v.MessageID == "" {
		return "", errors.New("SNS answered 2xx without a MessageId")
	}
	return v.MessageID, nil
}

// SNSError is an error answer of SNS.
type SNSError struct {
	Status    int    // the HTTP status
	Code      string // "NotFound", "AuthorizationError", "InvalidParameter"...
	Message   string
	RequestID string
}

func (e *SNSError) Error() string {
	s := "SNS answered " + strconv.Itoa(e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.RequestID != "" {
		s += " (request " + e.RequestID + ")"
	}
	return s
}

// parseSNSError reads an ErrorResponse. A signature mismatch may echo the
// canonical request, session token and all, so the credentials' secrets are
// cut out of the message, which is also bounded.
func parseSNSError(status int, answer []byte, c sigv4.Credentials) *SNSError {
	var v struct {
		Code      string `xml:"Error>Code"`
		Message   string `xml:"Error>Message"`
		RequestID string `xml:"RequestId"`
		ErrorID   string `xml:"Error>RequestId"`
	}
	e := &SNSError{Status: status}
	if xml.Unmarshal(answer, &v) != nil || v.Code == "" {
		e.Message = strings.TrimSpace(string(answer))
	} else {
		e.Code, e.Message, e.RequestID = v.Code, strings.TrimSpace(v.Message), cmp.Or(v.RequestID, v.ErrorID)
	}
	for _, secret := range []string{c.SecretAccessKey, c.SessionToken} {
		if secret != "" {
			for _, f := range []*string{&e.Code, &e.Message, &e.RequestID} {
				*f = strings.ReplaceAll(*f, secret, "REDACTED")
			}
		}
	}
	if len(e.Message) > 512 {
		e.Message = strings.ToValidUTF8(e.Message[:512], "") + "…"
	}
	return e
}
