// Package receiver is a manufacturer's Amazon SNS HTTP/HTTPS endpoint for
// DRS notifications: it confirms subscriptions to the topics it is
// configured for, verifies every message's signature (SignatureVersion 1,
// SHA1withRSA, and 2, SHA256withRSA) against a signing certificate fetched
// only from allow-listed origins, parses each notification with package
// drs, drops redeliveries by notificationId, journals what it accepts
// (JSONL, synced) and hands each notification on: to a forwarder, and for
// a DeviceRegisteredNotification to the push flow's token exchange.
package receiver

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/serialgate/serialgate/drs"
)

// Notification is a verified, parsed DRS notification handed on.
type Notification struct {
	Envelope     *drs.Envelope
	Notification drs.Notification
	Entry        Entry // as journaled
}

// TokenResult is what the push flow's exchange gave: the tokens (kept by
// the receiver only as hashes), or an error and the HTTP status.
type TokenResult struct {
	AccessToken, RefreshToken string
	ExpiresIn                 int64
	Status                    int
	Err                       error
}

// Receiver is the SNS endpoint, an http.Handler.
type Receiver struct {
	// Topics are the topic ARNs whose subscriptions are confirmed and
	// whose messages are accepted; a message of any other topic is
	// refused (403).
	Topics []string
	// Allow lists the origins of signing certificates and SubscribeURLs
	// (nil: DefaultAllowList).
	Allow AllowList
	// HTTP fetches certificates and visits SubscribeURLs (nil: a client
	// with a 10 s timeout that follows no redirect).
	HTTP *http.Client
	// Journal records what is accepted and holds the notification IDs
	// seen (nil: IDs in memory only).
	Journal *Journal
	// Forward, when set, gets each new notification before it is
	// journaled; an error answers SNS with 502, so SNS delivers it again.
	Forward func(ctx context.Context, n Notification) error
	// Exchange, when set, runs the push flow for each new
	// DeviceRegisteredNotification; its result is journaled as a token
	// entry. Its failure does not fail the delivery.
	Exchange func(ctx context.Context, serial, model string) TokenResult
	// MaxBody bounds a request body (zero: 256 KiB, SNS's message limit
	// plus its envelope).
	MaxBody int64
	// CertTTL is how long a fetched certificate is reused (zero: 1 h).
	CertTTL time.Duration
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Log gets a line per message (nil: none).
	Log *slog.Logger

	once   sync.Once
	client *http.Client
	allow  AllowList

	mu    sync.Mutex // serializes dedup, forward and journal
	cmu   sync.Mutex
	certs map[string]cachedCert
}

type cachedCert struct {
	cert    *x509.Certificate
	fetched time.Time
}

func (rc *Receiver) init() {
	rc.once.Do(func() {
		rc.client = rc.HTTP
		if rc.client == nil {
			rc.client = &http.Client{Timeout: 10 * time.Second,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		}
		rc.allow = rc.Allow
		if rc.allow == nil {
			rc.allow, _ = ParseAllowList(DefaultAllowList)
		}
		if rc.Journal == nil {
			rc.Journal = &Journal{}
		}
		rc.certs = map[string]cachedCert{}
	})
}

func (rc *Receiver) now() time.Time {
	if rc.Now != nil {
		return rc.Now()
	}
	return time.Now()
}

// Refusal is why a message was not accepted: the status SNS gets and the
// reason, for the log and the answer body.
type Refusal struct {
	Status int
	Reason string
	Err    error
}

func (r *Refusal) Error() string {
	if r.Err != nil {
		return r.Reason + ": " + r.Err.Error()
	}
	return r.Reason
}

func (r *Refusal) Unwrap() error { return r.Err }

func refuse(status int, reason string, err error) *Refusal {
	return &Refusal{Status: status, Reason: reason, Err: err}
}

// Outcome says what Handle did with an accepted message.
type Outcome struct {
	Type      string // the SNS message type
	Duplicate bool   // a notification already seen: dropped
	Entry     Entry
}

// ServeHTTP reads a POST from SNS and answers 200 when the message was
// accepted (or was a duplicate), else the Refusal's status.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.init()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "use POST", http.StatusMethodNotAllowed)
		return
	}
	max := rc.MaxBody
	if max <= 0 {
		max = 256 << 10
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var tooBig *http.MaxBytesError
		status := http.StatusBadRequest
		if errors.As(err, &tooBig) {
			status = http.StatusRequestEntityTooLarge
		}
		rc.answer(w, nil, refuse(status, "read body", err))
		return
	}
	var out *Outcome
	if r.Header.Get(drs.HeaderRawDelivery) == "true" {
		err = refuse(http.StatusBadRequest, "raw message delivery carries no signature; turn it off for this subscription", nil)
	} else {
		out, err = rc.Handle(r.Context(), r.Header.Get(drs.HeaderMessageType), body)
	}
	rc.answer(w, out, err)
}

func (rc *Receiver) answer(w http.ResponseWriter, out *Outcome, err error) {
	if err != nil {
		var rf *Refusal
		if !errors.As(err, &rf) {
			rf = refuse(http.StatusInternalServerError, "handle message", err)
		}
		if rc.Log != nil {
			rc.Log.Warn("SNS message refused", "status", rf.Status, "reason", rf.Error())
		}
		http.Error(w, rf.Reason, rf.Status)
		return
	}
	if rc.Log != nil {
		rc.Log.Info("SNS message", "type", out.Type, "message_id", out.Entry.MessageID, "topic", out.Entry.TopicARN,
			"notification_type", out.Entry.NotificationType, "notification_id", out.Entry.NotificationID, "duplicate", out.Duplicate)
	}
	w.WriteHeader(http.StatusOK)
}

// Handle checks and acts on one SNS message body. headerType is the
// x-amz-sns-message-type header ("" when absent). Every refusal is a
// *Refusal.
func (rc *Receiver) Handle(ctx context.Context, headerType string, body []byte) (*Outcome, error) {
	rc.init()
	env, err := drs.DecodeEnvelope(body)
	if err != nil {
		return nil, refuse(http.StatusBadRequest, "not an SNS message", err)
	}
	if headerType != "" && headerType != env.Type {
		return nil, refuse(http.StatusBadRequest, fmt.Sprintf("header %s %q, body Type %q", drs.HeaderMessageType, headerType, env.Type), nil)
	}
	if !slices.Contains(rc.Topics, env.TopicARN) {
		return nil, refuse(http.StatusForbidden, fmt.Sprintf("topic %q is not one this endpoint subscribes to", env.TopicARN), nil)
	}
	if err := rc.verify(ctx, env); err != nil {
		return nil, err
	}
	e := Entry{ReceivedAt: rc.now().UTC(), MessageID: env.MessageID, TopicARN: env.TopicARN, SignatureVersion: env.SignatureVersion}
	switch env.Type {
	case drs.MessageSubscriptionConfirmation:
		return rc.confirm(ctx, env, e)
	case drs.MessageUnsubscribeConfirmation:
		// Visiting its SubscribeURL would subscribe again: only record it.
		e.Kind = KindUnsubscribe
		if err := rc.Journal.Append(e); err != nil {
			return nil, refuse(http.StatusInternalServerError, "journal", err)
		}
		return &Outcome{Type: env.Type, Entry: e}, nil
	}
	return rc.notification(ctx, env, e)
}

// verify checks the signature with the certificate SigningCertURL names.
func (rc *Receiver) verify(ctx context.Context, env *drs.Envelope) error {
	if env.SignatureVersion != "1" && env.SignatureVersion != "2" {
		return refuse(http.StatusForbidden, fmt.Sprintf("SignatureVersion %q: want 1 or 2", env.SignatureVersion), nil)
	}
	cert, err := rc.cert(ctx, env.SigningCertURL)
	if err != nil {
		return err
	}
	if err := env.Verify(cert); err != nil {
		return refuse(http.StatusForbidden, "signature does not verify", err)
	}
	return nil
}

// cert returns the certificate at an allow-listed URL, from the cache
// when fetched within CertTTL. Its validity dates are not checked: its
// authenticity comes from the fetch (HTTPS from Amazon's host), and SNS
// emulators such as goaws serve certificates that expire seconds after
// they start.
func (rc *Receiver) cert(ctx context.Context, raw string) (*x509.Certificate, error) {
	u, err := parseAbs(raw)
	if err != nil || !rc.allow.Allows(u) {
		return nil, refuse(http.StatusForbidden, fmt.Sprintf("SigningCertURL %q is not on the allowed origins %s", raw, rc.allow), err)
	}
	ttl := rc.CertTTL
	if ttl <= 0 {
		ttl = time.Hour
	}
	now := rc.now()
	rc.cmu.Lock()
	c, ok := rc.certs[raw]
	rc.cmu.Unlock()
	if ok && now.Sub(c.fetched) < ttl {
		return c.cert, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, refuse(http.StatusForbidden, "SigningCertURL", err)
	}
	resp, err := rc.client.Do(req)
	if err != nil {
		return nil, refuse(http.StatusBadGateway, "fetch signing certificate", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, refuse(http.StatusBadGateway, "fetch signing certificate", fmt.Errorf("%s answered %s", raw, resp.Status))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, refuse(http.StatusBadGateway, "fetch signing certificate", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, refuse(http.StatusBadGateway, "fetch signing certificate", fmt.Errorf("%s holds no PEM certificate", raw))
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, refuse(http.StatusBadGateway, "fetch signing certificate", err)
	}
	rc.cmu.Lock()
	if len(rc.certs) >= 256 { // goaws names a certificate URL per message
		clear(rc.certs)
	}
	rc.certs[raw] = cachedCert{cert: cert, fetched: now}
	rc.cmu.Unlock()
	return cert, nil
}

// confirm visits the SubscribeURL of a SubscriptionConfirmation.
func (rc *Receiver) confirm(ctx context.Context, env *drs.Envelope, e Entry) (*Outcome, error) {
	c, err := env.Confirmation()
	if err != nil {
		return nil, refuse(http.StatusBadRequest, "subscription confirmation", err)
	}
	if !rc.allow.Allows(c.SubscribeURL) {
		return nil, refuse(http.StatusForbidden, fmt.Sprintf("SubscribeURL host %q is not on the allowed origins %s", c.SubscribeURL.Host, rc.allow), nil)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.SubscribeURL.String(), nil)
	if err != nil {
		return nil, refuse(http.StatusBadRequest, "SubscribeURL", err)
	}
	resp, err := rc.client.Do(req)
	if err != nil {
		return nil, refuse(http.StatusBadGateway, "confirm subscription", err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil, refuse(http.StatusBadGateway, "confirm subscription", fmt.Errorf("SubscribeURL answered %s", resp.Status))
	}
	e.Kind = KindSubscription
	if err := rc.Journal.Append(e); err != nil {
		return nil, refuse(http.StatusInternalServerError, "journal", err)
	}
	return &Outcome{Type: env.Type, Entry: e}, nil
}

// notification parses, dedups, forwards and journals a Notification.
func (rc *Receiver) notification(ctx context.Context, env *drs.Envelope, e Entry) (*Outcome, error) {
	n, err := env.Notification()
	if err != nil {
		return nil, refuse(http.StatusBadRequest, "not a DRS notification", err)
	}
	info := n.Info()
	e.Kind = KindNotification
	e.NotificationType, e.Version, e.NotificationID = info.NotificationType, n.MessageVersion(), info.NotificationID
	e.Serial, e.Model = deviceOf(n)
	if json.Valid([]byte(env.Message)) {
		e.Message = json.RawMessage(env.Message)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.Journal.Seen(info.NotificationID) {
		return &Outcome{Type: env.Type, Duplicate: true, Entry: e}, nil
	}
	if rc.Forward != nil {
		if err := rc.Forward(ctx, Notification{Envelope: env, Notification: n, Entry: e}); err != nil {
			return nil, refuse(http.StatusBadGateway, "forward notification", err)
		}
	}
	if err := rc.Journal.Append(e); err != nil {
		return nil, refuse(http.StatusInternalServerError, "journal", err)
	}
	if _, ok := n.(*drs.DeviceRegistered); ok && rc.Exchange != nil {
		rc.pushFlow(ctx, e)
	}
	return &Outcome{Type: env.Type, Entry: e}, nil
}

// pushFlow exchanges the registered device's serial for tokens and
// journals the result, the tokens as hashes.
func (rc *Receiver) pushFlow(ctx context.Context, n Entry) {
	res := rc.Exchange(ctx, n.Serial, n.Model)
	ok := res.Err == nil
	t := Entry{Kind: KindToken, ReceivedAt: rc.now().UTC(), NotificationID: n.NotificationID, Serial: n.Serial, Model: n.Model,
		OK: &ok, Status: res.Status, ExpiresIn: res.ExpiresIn}
	if ok {
		t.AccessTokenSHA256, t.RefreshTokenSHA256 = hash(res.AccessToken), hash(res.RefreshToken)
	} else {
		t.Error = res.Err.Error()
	}
	if err := rc.Journal.Append(t); err != nil && rc.Log != nil {
		rc.Log.Error("journal token exchange", "err", err)
	}
	if rc.Log != nil {
		rc.Log.Info("push flow token exchange", "serial", n.Serial, "model", n.Model, "ok", ok, "status", res.Status, "error", t.Error)
	}
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// deviceOf returns a notification's serial and model.
func deviceOf(n drs.Notification) (serial, model string) {
	var d drs.DeviceInfo
	switch v := n.(type) {
	case *drs.OrderPlacedV1:
		d = v.DeviceInfo
	case *drs.OrderPlacedV2:
		d = v.DeviceInfo
	case *drs.OrderCancelled:
		d = v.DeviceInfo
	case *drs.DeviceRegistered:
		d = v.DeviceInfo
	case *drs.DeviceDeregistered:
		d = v.DeviceInfo
	case *drs.SubscriptionChangedV1:
		d = v.DeviceInfo
	case *drs.SubscriptionChangedV2:
		d = v.DeviceInfo
	case *drs.ItemShippedV1:
		d = v.DeviceInfo
	case *drs.ItemShippedV2:
		d = v.DeviceInfo
	}
	return d.DeviceIdentifier.SerialNumber, d.ProductIdentifier.ModelID
}
