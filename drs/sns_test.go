package drs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"
)

var envelopeFiles = []string{
	"sns-notification-order-placed-v2.json",
	"sns-notification-device-registered.json",
	"sns-subscription-confirmation.json",
	"sns-unsubscribe-confirmation.json",
}

// TestEnvelopeGolden decodes each envelope, encodes it and compares the
// result with the file as JSON values; the notifications inside decode to
// the page's examples.
func TestEnvelopeGolden(t *testing.T) {
	for _, file := range envelopeFiles {
		t.Run(file, func(t *testing.T) {
			body := readFile(t, file)
			e, err := DecodeEnvelope(body)
			if err != nil {
				t.Fatal(err)
			}
			out, err := e.Encode()
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, out, body)
			if e.TopicARN == "" || e.MessageID == "" || e.Signature == "" || e.SigningCertURL == "" {
				t.Errorf("fields lost: %+v", e)
			}
		})
	}

	e, err := DecodeEnvelope(readFile(t, "sns-notification-order-placed-v2.json"))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := e.Version(); v != V2 || err != nil {
		t.Errorf("Version = %q, %v", v, err)
	}
	// The Message is the page's example byte for byte.
	if e.Message+"\n" != string(readFile(t, "order-placed-v2.json")) {
		t.Errorf("Message is not order-placed-v2.json:\n%s", e.Message)
	}
	n, err := e.Notification()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(n, golden[0].want) {
		t.Errorf("Notification = %#v", n)
	}

	e, err = DecodeEnvelope(readFile(t, "sns-notification-device-registered.json"))
	if err != nil {
		t.Fatal(err)
	}
	if e.Subject != "DeviceRegisteredNotification" || e.MessageAttributes != nil {
		t.Errorf("Subject %q, attributes %v", e.Subject, e.MessageAttributes)
	}
	n, err = e.Notification()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := n.(*DeviceRegistered); !ok || n.Info().NotificationTime != "2015-10-01T02:23:52.747Z" {
		t.Errorf("Notification = %#v", n)
	}
	if _, err := e.Confirmation(); err == nil {
		t.Error("Confirmation of a Notification: no error")
	}

	for _, file := range envelopeFiles[2:] {
		e, err := DecodeEnvelope(readFile(t, file))
		if err != nil {
			t.Fatal(err)
		}
		c, err := e.Confirmation()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if c.TopicARN != "arn:aws:sns:us-east-1:123456789012:drs-notifications" || len(c.Token) != 128 ||
			c.SubscribeURL.Host != "sns.us-east-1.amazonaws.com" || c.SubscribeURL.Query().Get("Action") != "ConfirmSubscription" {
			t.Errorf("%s: Confirmation = %+v", file, c)
		}
		if _, err := e.Notification(); err == nil {
			t.Errorf("%s: Notification of a confirmation: no error", file)
		}
	}
}

func TestDecodeEnvelopeErrors(t *testing.T) {
	const notif = "sns-notification-order-placed-v2.json"
	const conf = "sns-subscription-confirmation.json"
	tests := []struct {
		name  string
		body  string
		field string
		is    error
		msg   string
	}{
		{name: "empty", body: "", msg: "unexpected end of JSON input"},
		{name: "not an object", body: "[1]", msg: "got JSON array, want an object"},
		{name: "no Type", body: "{}", field: "Type", is: ErrMissing},
		{name: "unknown Type", body: edit(t, notif, `"Type": "Notification"`, `"Type": "Note"`), field: "Type", is: ErrUnknownType},
		{name: "type in lower case", body: edit(t, notif, `"Type": "Notification"`, `"type": "Notification"`), field: "type", is: ErrKeyCase},
		{name: "attribute type in lower case, as printed", body: edit(t, notif, `"Type": "String"`, `"type": "String"`),
			field: "MessageAttributes.version.type", is: ErrKeyCase},
		{name: "attribute value a number, as printed", body: edit(t, notif, `"Value": "2.0"`, `"Value": 2.0`),
			field: "MessageAttributes.version.Value", msg: "got JSON number, want a string"},
		{name: "Message an object", body: edit(t, "sns-notification-device-registered.json", `"Message": "`, `"Message": {"x": "`, `}}",`, `}}"},`),
			field: "Message", msg: "got JSON object, want a string"},
		{name: "no MessageId", body: edit(t, notif, `"MessageId"`, `"Id"`), field: "MessageId", is: ErrMissing},
		{name: "no TopicArn", body: edit(t, notif, `"TopicArn"`, `"Topic"`), field: "TopicArn", is: ErrMissing},
		{name: "bad Timestamp", body: edit(t, notif, `"2016-12-02T21:09:58.702Z"`, `"Fri, 02 Dec 2016 21:09:58 GMT"`), field: "Timestamp", msg: "not an RFC 3339 time"},
		{name: "confirmation without Token", body: edit(t, conf, `"Token"`, `"T"`), field: "Token", is: ErrMissing},
		{name: "confirmation without SubscribeURL", body: edit(t, conf, `"SubscribeURL"`, `"URL"`), field: "SubscribeURL", is: ErrMissing},
		{name: "trailing data", body: readString(t, notif) + "{}", msg: "after top-level value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := DecodeEnvelope([]byte(tt.body))
			if err == nil {
				t.Fatalf("DecodeEnvelope = %+v, want an error", e)
			}
			var de *Error
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not an *Error", err)
			}
			if de.Field != tt.field {
				t.Errorf("Field = %q, want %q (%v)", de.Field, tt.field, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
		})
	}
}

func TestEnvelopeVersionAndConfirmationErrors(t *testing.T) {
	e, err := DecodeEnvelope(readFile(t, "sns-notification-order-placed-v2.json"))
	if err != nil {
		t.Fatal(err)
	}
	e.MessageAttributes["version"] = Attribute{Type: "Number", Value: "2.0"}
	if _, err := e.Version(); err == nil {
		t.Error("Number version attribute: no error")
	}
	if _, err := e.Notification(); err == nil {
		t.Error("Notification with a Number version attribute: no error")
	}
	e.MessageAttributes["version"] = Attribute{Type: "String", Value: "1.0"}
	if _, err := e.Notification(); !errors.Is(err, ErrVersionMismatch) {
		t.Errorf("v2 body under a 1.0 attribute: error %v", err)
	}

	c, err := DecodeEnvelope(readFile(t, "sns-subscription-confirmation.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription", "ftp://sns.example/", "https://", "%zz"} {
		c.SubscribeURL = u
		if _, err := c.Confirmation(); err == nil {
			t.Errorf("SubscribeURL %q: no error", u)
		}
	}
}

// TestNotificationEnvelope wraps the station's event and a v2 event as an
// HTTP subscriber receives them, and reads them back.
func TestNotificationEnvelope(t *testing.T) {
	const topic = "arn:aws:sns:us-east-1:123456789012:drs-notifications"
	ev, err := RegistrationEvent(testRegistration())
	if err != nil {
		t.Fatal(err)
	}
	e, err := NotificationEnvelope(ev, topic)
	if err != nil {
		t.Fatal(err)
	}
	want := &Envelope{
		Type:      "Notification",
		MessageID: "b45d6eb9-40c1-594b-aea9-f76c1c2478ef", // computed with Python, as in TestNotificationID
		TopicARN:  topic,
		Message:   string(ev.Body),
		Timestamp: "2015-10-01T02:23:52.747Z",
	}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("NotificationEnvelope =\n%+v\nwant\n%+v", e, want)
	}
	again, _ := NotificationEnvelope(ev, topic)
	if !reflect.DeepEqual(e, again) {
		t.Error("a second delivery differs")
	}
	b, err := e.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeEnvelope(b)
	if err != nil {
		t.Fatal(err)
	}
	n, err := back.Notification()
	if err != nil {
		t.Fatal(err)
	}
	built, _ := NewDeviceRegistered(testRegistration())
	if !reflect.DeepEqual(n, built) {
		t.Errorf("received %#v", n)
	}

	// A v2 event carries the attribute the page prints (repaired).
	v2, err := NewEvent(golden[0].want, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	e, err = NotificationEnvelope(v2, topic)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = e.Encode()
	jsonEqual(t, []byte(`{"MessageAttributes":`+mustMarshal(t, e.MessageAttributes)+`}`), readFile(t, "order-placed-v2.attributes.json"))
	back, err = DecodeEnvelope(b)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := back.Notification(); err != nil || !reflect.DeepEqual(n, golden[0].want) {
		t.Errorf("v2 received %#v, %v", n, err)
	}

	bad := []struct {
		field string
		f     func()
	}{
		{"TopicArn", func() {}},
		{"Event.ID", func() { ev.ID = "" }},
		{"Event.Body", func() { ev.Body = nil }},
		{"Event.Time", func() { ev.Time = time.Time{} }},
		{"MessageAttributes", func() { ev.Version = "3.0" }},
	}
	for i, tt := range bad {
		ev, _ = RegistrationEvent(testRegistration())
		tt.f()
		arn := topic
		if i == 0 {
			arn = ""
		}
		_, err := NotificationEnvelope(ev, arn)
		var de *Error
		if !errors.As(err, &de) || de.Field != tt.field {
			t.Errorf("%s: error %v", tt.field, err)
		}
	}
}

func mustMarshal(t *testing.T, v any) string {
	b, err := marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestStringToSign checks the signed text against the SNS developer
// guide's field lists and order.
func TestStringToSign(t *testing.T) {
	n := &Envelope{Type: "Notification", MessageID: "id", TopicARN: "arn", Message: "m\nx", Timestamp: "ts",
		SignatureVersion: "2", Signature: "sig", SigningCertURL: "cert", UnsubscribeURL: "unsub",
		MessageAttributes: map[string]Attribute{"version": {"String", "2.0"}}}
	if got, want := string(n.StringToSign()), "Message\nm\nx\nMessageId\nid\nTimestamp\nts\nTopicArn\narn\nType\nNotification\n"; got != want {
		t.Errorf("notification: %q, want %q", got, want)
	}
	n.Subject = "subj"
	if got, want := string(n.StringToSign()), "Message\nm\nx\nMessageId\nid\nSubject\nsubj\nTimestamp\nts\nTopicArn\narn\nType\nNotification\n"; got != want {
		t.Errorf("notification with subject: %q, want %q", got, want)
	}
	c := &Envelope{Type: "SubscriptionConfirmation", MessageID: "id", Token: "tok", TopicARN: "arn", Message: "m",
		SubscribeURL: "sub", Timestamp: "ts", Subject: "ignored"}
	if got, want := string(c.StringToSign()), "Message\nm\nMessageId\nid\nSubscribeURL\nsub\nTimestamp\nts\nToken\ntok\nTopicArn\narn\nType\nSubscriptionConfirmation\n"; got != want {
		t.Errorf("confirmation: %q, want %q", got, want)
	}
}

func testCert(t *testing.T, key crypto.Signer) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sns.test"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(1<<33, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func TestSignVerify(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cert := testCert(t, key)
	for _, file := range envelopeFiles {
		e, err := DecodeEnvelope(readFile(t, file))
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Verify(cert); !errors.Is(err, ErrSignature) {
			t.Errorf("%s: made-up signature: Verify = %v", file, err)
		}
		if err := e.Sign(key, "https://sns.test/cert.pem"); err != nil {
			t.Fatal(err)
		}
		if e.SignatureVersion != "2" || e.SigningCertURL != "https://sns.test/cert.pem" {
			t.Errorf("%s: signed %+v", file, e)
		}
		// Signed, encoded, decoded: it still verifies.
		b, err := e.Encode()
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeEnvelope(b)
		if err != nil {
			t.Fatal(err)
		}
		if err := back.Verify(cert); err != nil {
			t.Errorf("%s: Verify = %v", file, err)
		}
		// Signed fields are covered; unsigned ones are not.
		back.UnsubscribeURL += "x"
		back.MessageAttributes = nil
		if err := back.Verify(cert); err != nil {
			t.Errorf("%s: unsigned fields changed: Verify = %v", file, err)
		}
		for _, f := range []func(*Envelope){
			func(e *Envelope) { e.Message += " " },
			func(e *Envelope) { e.MessageID += "x" },
			func(e *Envelope) { e.Timestamp = "2000-01-01T00:00:00.000Z" },
			func(e *Envelope) { e.TopicARN += "x" },
			func(e *Envelope) {
				if e.Type == MessageNotification {
					e.Subject += "x"
				} else {
					e.Token += "x"
				}
			},
		} {
			c := *back
			f(&c)
			if err := c.Verify(cert); !errors.Is(err, ErrSignature) {
				t.Errorf("%s: tampered: Verify = %v", file, err)
			}
		}
	}

	// SignatureVersion 1 is SHA1withRSA.
	e, _ := DecodeEnvelope(readFile(t, "sns-subscription-confirmation.json"))
	sum := sha1.Sum(e.StringToSign())
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA1, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	e.SignatureVersion, e.Signature = "1", base64.StdEncoding.EncodeToString(sig)
	if err := e.Verify(cert); err != nil {
		t.Errorf("SignatureVersion 1: %v", err)
	}
	e.SignatureVersion = "2"
	if err := e.Verify(cert); !errors.Is(err, ErrSignature) {
		t.Errorf("SHA-1 signature as version 2: %v", err)
	}

	for _, tt := range []struct {
		version, sig, field string
	}{
		{"3", e.Signature, "SignatureVersion"},
		{"", e.Signature, "SignatureVersion"},
		{"1", "not base64!", "Signature"},
	} {
		e.SignatureVersion, e.Signature = tt.version, tt.sig
		var de *Error
		if err := e.Verify(cert); !errors.As(err, &de) || de.Field != tt.field {
			t.Errorf("version %q signature %q: Verify = %v, want an error at %s", tt.version, tt.sig, err, tt.field)
		}
	}

	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Sign(ec, "x"); err == nil {
		t.Error("Sign with an ECDSA key: no error")
	}
	e.SignatureVersion = "2"
	if err := e.Verify(testCert(t, ec)); err == nil {
		t.Error("Verify with an ECDSA certificate: no error")
	}
}
