package drs

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"

	"github.com/serialgate/serialgate"
)

// The SNS message types, the Type field of an Envelope and the
// x-amz-sns-message-type header.
const (
	MessageNotification             = "Notification"
	MessageSubscriptionConfirmation = "SubscriptionConfirmation"
	MessageUnsubscribeConfirmation  = "UnsubscribeConfirmation"
)

// The headers SNS sets on each POST to an HTTP/HTTPS endpoint. The body
// is authoritative; the headers let a receiver route before parsing it.
const (
	HeaderMessageType     = "x-amz-sns-message-type"
	HeaderMessageID       = "x-amz-sns-message-id"
	HeaderTopicARN        = "x-amz-sns-topic-arn"
	HeaderSubscriptionARN = "x-amz-sns-subscription-arn"
	// HeaderRawDelivery is "true" on a raw message delivery: the body is
	// the bare Message, without envelope or message attributes.
	HeaderRawDelivery = "x-amz-sns-rawdelivery"
)

// ContentType is the Content-Type SNS posts with unless the subscription's
// delivery policy sets another.
const ContentType = "text/plain; charset=UTF-8"

// Envelope is the JSON document SNS posts to a subscribed HTTP/HTTPS
// endpoint: a Notification, a SubscriptionConfirmation or an
// UnsubscribeConfirmation, told apart by Type. The fields are those of the
// SNS developer guide ("HTTP/HTTPS notification JSON format", "HTTP/HTTPS
// subscription confirmation JSON format"), in the order SNS writes them.
// Fields of one type only are omitted from the others when empty.
type Envelope struct {
	Type      string `json:"Type"`
	MessageID string `json:"MessageId"`
	// Token confirms a subscription through the ConfirmSubscription
	// action (confirmations only).
	Token    string `json:"Token,omitempty"`
	TopicARN string `json:"TopicArn"`
	// Subject is optional, and absent from the JSON when not given; SNS
	// refuses an empty subject, so "" means absent.
	Subject string `json:"Subject,omitempty"`
	// Message is the notification body, or for a confirmation a sentence
	// saying what to do.
	Message string `json:"Message"`
	// SubscribeURL is the URL that confirms the subscription
	// (confirmations only).
	SubscribeURL     string `json:"SubscribeURL,omitempty"`
	Timestamp        string `json:"Timestamp"` // when the message was published, RFC 3339, GMT
	SignatureVersion string `json:"SignatureVersion"`
	Signature        string `json:"Signature"` // base64
	SigningCertURL   string `json:"SigningCertURL"`
	// UnsubscribeURL ends the subscription (notifications only).
	UnsubscribeURL    string               `json:"UnsubscribeURL,omitempty"`
	MessageAttributes map[string]Attribute `json:"MessageAttributes,omitempty"`
}

// DecodeEnvelope reads the body SNS posted. It requires Type (one of the
// three), MessageId, TopicArn, an RFC 3339 Timestamp and, for
// confirmations, Token and SubscribeURL; it does not check the signature
// (see Verify). Keys it does not know are ignored; known keys must be
// spelled as SNS spells them.
func DecodeEnvelope(body []byte) (*Envelope, error) {
	const what = "SNS message"
	var e Envelope
	if err := json.Unmarshal(body, &e); err != nil {
		return nil, jsonError(what, body, err)
	}
	if err := checkKeys(body, reflect.TypeOf(e)); err != nil {
		err.What = what
		return nil, err
	}
	if len(e.MessageAttributes) == 0 {
		e.MessageAttributes = nil // absent, empty and null are one thing
	}
	if err := e.validate(); err != nil {
		err.Op, err.What = "decode", what
		return nil, err
	}
	return &e, nil
}

// Encode writes the envelope's JSON, refusing one DecodeEnvelope would refuse.
func (e *Envelope) Encode() ([]byte, error) {
	if err := e.validate(); err != nil {
		err.Op, err.What = "encode", "SNS message"
		return nil, err
	}
	return marshal(e)
}

func (e *Envelope) validate() *Error {
	var c checker
	switch e.Type {
	case "":
		c.fail("Type", ErrMissing)
	case MessageNotification, MessageSubscriptionConfirmation, MessageUnsubscribeConfirmation:
	default:
		c.fail("Type", fmt.Errorf("%w %q", ErrUnknownType, e.Type))
	}
	c.str("MessageId", e.MessageID)
	if e.Type == MessageSubscriptionConfirmation || e.Type == MessageUnsubscribeConfirmation {
		c.str("Token", e.Token)
	}
	c.str("TopicArn", e.TopicARN)
	if e.Type == MessageSubscriptionConfirmation || e.Type == MessageUnsubscribeConfirmation {
		c.str("SubscribeURL", e.SubscribeURL)
	}
	c.time("Timestamp", Timestamp(e.Timestamp), true)
	return c.err
}

// Version returns the "version" message attribute ("" when there is
// none), the version Decode wants. The attribute must be a String.
func (e *Envelope) Version() (string, error) {
	a, ok := e.MessageAttributes["version"]
	if !ok {
		return "", nil
	}
	if a.Type != "String" {
		return "", &Error{Op: "decode", What: "SNS message", Field: "MessageAttributes.version.Type", Offset: -1,
			Err: fmt.Errorf("%q, want \"String\"", a.Type)}
	}
	return a.Value, nil
}

// Notification decodes the DRS notification a Notification envelope
// carries, at the version its message attributes give.
func (e *Envelope) Notification() (Notification, error) {
	if e.Type != MessageNotification {
		return nil, &Error{Op: "decode", What: "SNS message", Field: "Type", Offset: -1,
			Err: fmt.Errorf("%q carries no notification", e.Type)}
	}
	v, err := e.Version()
	if err != nil {
		return nil, err
	}
	return Decode([]byte(e.Message), v)
}

// Confirmation is what a receiver needs to answer a SubscriptionConfirmation
// (or to resubscribe after an UnsubscribeConfirmation): visit SubscribeURL,
// or call ConfirmSubscription with TopicARN and Token.
type Confirmation struct {
	TopicARN     string
	Token        string
	SubscribeURL *url.URL
}

// Confirmation returns the confirmation a SubscriptionConfirmation or
// UnsubscribeConfirmation envelope carries. SubscribeURL must be an
// absolute http or https URL; that it names an SNS host the receiver
// trusts, and that the envelope's signature holds, are the receiver's to
// check before visiting it.
func (e *Envelope) Confirmation() (Confirmation, error) {
	fail := func(field string, err error) (Confirmation, error) {
		return Confirmation{}, &Error{Op: "decode", What: "SNS message", Field: field, Offset: -1, Err: err}
	}
	if e.Type != MessageSubscriptionConfirmation && e.Type != MessageUnsubscribeConfirmation {
		return fail("Type", fmt.Errorf("%q is no subscription confirmation", e.Type))
	}
	if e.Token == "" {
		return fail("Token", ErrMissing)
	}
	u, err := url.Parse(e.SubscribeURL)
	if err != nil {
		return fail("SubscribeURL", err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fail("SubscribeURL", fmt.Errorf("%q is not an absolute http or https URL", e.SubscribeURL))
	}
	return Confirmation{TopicARN: e.TopicARN, Token: e.Token, SubscribeURL: u}, nil
}

// NotificationEnvelope wraps an outbox event in a Notification envelope
// for topicARN, as an SNS HTTP subscriber receives it: Message is the
// event's body byte for byte, MessageAttributes those of its type and
// version. MessageId is a name-based UUID of the topic and the event ID,
// and Timestamp the event's time, so every delivery of an event carries
// the same envelope, as SNS keeps the original MessageId on a retry. The
// signature fields and UnsubscribeURL are left to the sink (see Sign).
func NotificationEnvelope(ev serialgate.Event, topicARN string) (*Envelope, error) {
	fail := func(field string, err error) (*Envelope, error) {
		return nil, &Error{Op: "encode", What: "SNS message", Field: field, Offset: -1, Err: err}
	}
	switch {
	case topicARN == "":
		return fail("TopicArn", ErrMissing)
	case ev.ID == "":
		return fail("Event.ID", ErrMissing)
	case len(ev.Body) == 0:
		return fail("Event.Body", ErrMissing)
	case ev.Time.IsZero():
		return fail("Event.Time", ErrMissing)
	}
	attrs, err := MessageAttributes(ev.Type, ev.Version)
	if err != nil {
		return fail("MessageAttributes", err)
	}
	return &Envelope{
		Type:              MessageNotification,
		MessageID:         nameUUID("SNS MessageId", topicARN, ev.ID),
		TopicARN:          topicARN,
		Message:           string(ev.Body),
		Timestamp:         string(FormatTime(ev.Time)),
		MessageAttributes: attrs,
	}, nil
}

// StringToSign returns the bytes SNS signs: each signed field's name and
// value on lines of their own, in byte order of the names. A Notification
// signs Message, MessageId, Subject (when present), Timestamp, TopicArn
// and Type; a confirmation signs Message, MessageId, SubscribeURL,
// Timestamp, Token, TopicArn and Type.
func (e *Envelope) StringToSign() []byte {
	var b strings.Builder
	add := func(name, value string) {
		b.WriteString(name)
		b.WriteByte('\n')
		b.WriteString(value)
		b.WriteByte('\n')
	}
	add("Message", e.Message)
	add("MessageId", e.MessageID)
	if e.Type == MessageNotification {
		if e.Subject != "" {
			add("Subject", e.Subject)
		}
	} else {
		add("SubscribeURL", e.SubscribeURL)
	}
	add("Timestamp", e.Timestamp)
	if e.Type != MessageNotification {
		add("Token", e.Token)
	}
	add("TopicArn", e.TopicARN)
	add("Type", e.Type)
	return []byte(b.String())
}

// ErrSignature is a signature that does not verify.
var ErrSignature = errors.New("signature does not verify")

// signatureHash is the hash of a SignatureVersion: SHA1withRSA for "1",
// SHA256withRSA for "2".
func signatureHash(version string) (crypto.Hash, error) {
	switch version {
	case "1":
		return crypto.SHA1, nil
	case "2":
		return crypto.SHA256, nil
	}
	return 0, fmt.Errorf("%w %q (want \"1\" or \"2\")", ErrUnknownVersion, version)
}

func digest(h crypto.Hash, b []byte) []byte {
	if h == crypto.SHA1 {
		s := sha1.Sum(b)
		return s[:]
	}
	s := sha256.Sum256(b)
	return s[:]
}

// Sign signs the envelope as SNS does with SignatureVersion "2"
// (SHA256withRSA): it sets SignatureVersion, SigningCertURL and Signature.
// key is the private key of the certificate at certURL, an RSA key.
func (e *Envelope) Sign(key crypto.Signer, certURL string) error {
	if _, ok := key.Public().(*rsa.PublicKey); !ok {
		return fmt.Errorf("sign SNS message: %T is not an RSA key", key.Public())
	}
	e.SignatureVersion = "2"
	e.SigningCertURL = certURL
	sig, err := key.Sign(rand.Reader, digest(crypto.SHA256, e.StringToSign()), crypto.SHA256)
	if err != nil {
		e.Signature = ""
		return fmt.Errorf("sign SNS message: %w", err)
	}
	e.Signature = base64.StdEncoding.EncodeToString(sig)
	return nil
}

// Verify checks the envelope's signature against the certificate its
// SigningCertURL names, which the caller fetched over HTTPS from a host it
// trusts (sns.<region>.amazonaws.com). It does not fetch anything.
func (e *Envelope) Verify(cert *x509.Certificate) error {
	fail := func(field string, err error) error {
		return &Error{Op: "verify", What: "SNS message", Field: field, Offset: -1, Err: err}
	}
	h, err := signatureHash(e.SignatureVersion)
	if err != nil {
		return fail("SignatureVersion", err)
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return fail("SigningCertURL", fmt.Errorf("certificate key is %T, not RSA", cert.PublicKey))
	}
	sig, err := base64.StdEncoding.DecodeString(e.Signature)
	if err != nil {
		return fail("Signature", fmt.Errorf("not base64: %w", err))
	}
	if err := rsa.VerifyPKCS1v15(pub, h, digest(h, e.StringToSign()), sig); err != nil {
		return fail("Signature", fmt.Errorf("%w: %w", ErrSignature, err))
	}
	return nil
}
