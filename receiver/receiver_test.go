package receiver

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serialgate/serialgate/drs"
)

const topic = "arn:aws:sns:us-east-1:123456789012:drs-notifications"

// signer is a test CA of the test's own, a signing certificate it issued,
// served over HTTPS by a loopback server that also answers SubscribeURLs.
type signer struct {
	key      *rsa.PrivateKey
	certPEM  []byte
	srv      *httptest.Server
	fetches  atomic.Int32
	confirms atomic.Int32
}

func newSigner(t *testing.T) *signer {
	t.Helper()
	return newSignerUntil(t, time.Now().Add(time.Hour))
}

// newSignerUntil issues a signing certificate valid until notAfter.
func newSignerUntil(t *testing.T, notAfter time.Time) *signer {
	t.Helper()
	caKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "serialgate test SNS CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "sns.us-east-1.amazonaws.com"},
		NotBefore: notAfter.Add(-2 * time.Hour), NotAfter: notAfter, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	s := &signer{key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
	s.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, ".pem"):
			s.fetches.Add(1)
			w.Write(s.certPEM)
		case r.URL.Query().Get("Action") == "ConfirmSubscription":
			s.confirms.Add(1)
			fmt.Fprint(w, "<ConfirmSubscriptionResponse/>")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *signer) certURL() string { return s.srv.URL + "/SimpleNotificationService-test.pem" }

// signV2 signs with drs.Envelope.Sign (SHA256withRSA).
func (s *signer) signV2(t *testing.T, e *drs.Envelope) {
	t.Helper()
	if err := e.Sign(s.key, s.certURL()); err != nil {
		t.Fatal(err)
	}
}

// signV1 signs as SNS's SignatureVersion 1: SHA1withRSA over the same
// string to sign.
func (s *signer) signV1(t *testing.T, e *drs.Envelope) {
	t.Helper()
	e.SignatureVersion, e.SigningCertURL = "1", s.certURL()
	h := sha1.Sum(e.StringToSign())
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA1, h[:])
	if err != nil {
		t.Fatal(err)
	}
	e.Signature = base64.StdEncoding.EncodeToString(sig)
}

func newReceiver(t *testing.T, s *signer, journal string) *Receiver {
	t.Helper()
	allow, err := ParseAllowList(strings.Replace(s.srv.URL, "127.0.0.1", "127.0.0.1", 1))
	if err != nil {
		t.Fatal(err)
	}
	var j *Journal
	if journal != "" {
		if j, err = OpenJournal(journal); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { j.Close() })
	}
	return &Receiver{Topics: []string{topic}, Allow: allow, HTTP: s.srv.Client(), Journal: j}
}

func notification(t *testing.T, file, id string) *drs.Envelope {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../drs/testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	msg := strings.ReplaceAll(string(b), "amzn1.dash.notification.v1.xxxxxxxxxxxxx13", id)
	e := &drs.Envelope{Type: drs.MessageNotification, MessageID: "m-" + id, TopicARN: topic, Message: msg,
		Timestamp: "2026-01-02T03:04:05.678Z"}
	if strings.Contains(file, "-v2") {
		e.MessageAttributes = map[string]drs.Attribute{"version": {Type: "String", Value: drs.V2}}
	}
	return e
}

func deliver(t *testing.T, url string, e *drs.Envelope) (int, string) {
	t.Helper()
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	return deliverRaw(t, url, e.Type, b)
}

func deliverRaw(t *testing.T, url, typ string, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", drs.ContentType)
	req.Header.Set(drs.HeaderMessageType, typ)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func readJournal(t *testing.T, path string) []Entry {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []Entry
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l == "" {
			continue
		}
		var e Entry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("journal line %q: %v", l, err)
		}
		out = append(out, e)
	}
	return out
}

// Every documented notification type and version, signed with
// SignatureVersion 1 and 2, is verified, parsed and journaled once.
func TestNotifications(t *testing.T) {
	s := newSigner(t)
	path := filepath.Join(t.TempDir(), "n.jsonl")
	rc := newReceiver(t, s, path)
	srv := httptest.NewServer(rc)
	defer srv.Close()
	files := []string{"order-placed-v1.json", "order-placed-v2.json", "order-cancelled.json", "device-registered.json",
		"device-deregistered.json", "subscription-changed-v1.json", "subscription-changed-v2.json", "item-shipped-v1.json",
		"item-shipped-v2.json", "preregistration-device-registered.json"}
	want := map[string]string{}
	for i, f := range files {
		for _, v := range []string{"1", "2"} {
			id := fmt.Sprintf("n%d-sv%s", i, v)
			e := notification(t, f, id)
			if v == "1" {
				s.signV1(t, e)
			} else {
				s.signV2(t, e)
			}
			if code, body := deliver(t, srv.URL, e); code != 200 {
				t.Fatalf("%s sv%s: %d %s", f, v, code, body)
			}
			want[id] = f
		}
	}
	got := readJournal(t, path)
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for _, e := range got {
		f := want[e.NotificationID]
		if e.Kind != KindNotification || f == "" || e.Serial == "" || e.Model == "" || len(e.Message) == 0 {
			t.Errorf("entry %+v", e)
		}
		if wantV := map[bool]string{true: "2.0", false: "1.0"}[strings.Contains(f, "-v2")]; e.Version != wantV {
			t.Errorf("%s: version %s", f, e.Version)
		}
	}
	if n := s.fetches.Load(); n != 1 {
		t.Errorf("certificate fetched %d times, want once (cached)", n)
	}
}

// Forged, tampered and replayed messages; a certificate on a host not
// allowed; a topic not configured; oversized and raw bodies.
func TestSecurity(t *testing.T) {
	s := newSigner(t)
	other := newSigner(t) // a key SNS never had, served from another origin
	path := filepath.Join(t.TempDir(), "n.jsonl")
	rc := newReceiver(t, s, path)
	srv := httptest.NewServer(rc)
	defer srv.Close()

	forged := notification(t, "device-registered.json", "forged")
	other.signV2(t, forged)
	forged.SigningCertURL = s.certURL() // claims SNS's certificate
	if code, _ := deliver(t, srv.URL, forged); code != 403 {
		t.Errorf("forged signature: %d", code)
	}
	for _, tamper := range []func(e *drs.Envelope){
		func(e *drs.Envelope) { e.Message = strings.Replace(e.Message, "mySerialNumber", "AC2000000001", 1) },
		func(e *drs.Envelope) { e.TopicARN = topic + "x" },
		func(e *drs.Envelope) { e.Timestamp = "2030-01-02T03:04:05.678Z" },
		func(e *drs.Envelope) { e.MessageID = "other" },
		func(e *drs.Envelope) { e.Subject = "hello" },
		func(e *drs.Envelope) { e.SignatureVersion = "1" }, // downgraded
		func(e *drs.Envelope) { e.SignatureVersion = "3" },
		func(e *drs.Envelope) { e.Signature = "" },
		func(e *drs.Envelope) { e.Signature = "!!" },
	} {
		e := notification(t, "device-registered.json", "tampered")
		s.signV2(t, e)
		tamper(e)
		if code, body := deliver(t, srv.URL, e); code != 403 {
			t.Errorf("tampered %+v: %d %s", e, code, body)
		}
	}
	// The certificate URL on another origin is never fetched.
	e := notification(t, "device-registered.json", "elsewhere")
	other.signV2(t, e)
	if code, body := deliver(t, srv.URL, e); code != 403 || !strings.Contains(body, "not on the allowed origins") || other.fetches.Load() != 0 {
		t.Errorf("cert on another origin: %d %q, %d fetches", code, body, other.fetches.Load())
	}
	// An unconfigured topic is refused before anything is fetched.
	e = notification(t, "device-registered.json", "topic")
	e.TopicARN = "arn:aws:sns:us-east-1:999999999999:someone-else"
	s.signV2(t, e)
	if code, _ := deliver(t, srv.URL, e); code != 403 {
		t.Errorf("unconfigured topic: %d", code)
	}
	// Replays: the same notification twice, and again after a restart.
	e = notification(t, "device-registered.json", "once")
	s.signV2(t, e)
	for i := 0; i < 2; i++ {
		if code, _ := deliver(t, srv.URL, e); code != 200 {
			t.Fatalf("delivery %d: %d", i, code)
		}
	}
	e2 := notification(t, "device-registered.json", "once") // a new SNS message, same notification
	e2.MessageID = "resent"
	s.signV1(t, e2)
	if code, _ := deliver(t, srv.URL, e2); code != 200 {
		t.Fatal(code)
	}
	rc.Journal.Close()
	rc2 := newReceiver(t, s, path)
	srv2 := httptest.NewServer(rc2)
	defer srv2.Close()
	if code, _ := deliver(t, srv2.URL, e); code != 200 {
		t.Fatal(code)
	}
	if got := readJournal(t, path); len(got) != 1 || got[0].NotificationID != "once" {
		t.Errorf("journal after replays: %+v", got)
	}
	// Oversized, raw delivery, header and body disagreeing, not JSON, GET.
	rc2.MaxBody = 4096
	big := notification(t, "device-registered.json", "big")
	big.Message = strings.Replace(big.Message, "mySerialNumber", strings.Repeat("x", 5000), 1)
	s.signV2(t, big)
	if code, _ := deliver(t, srv2.URL, big); code != 413 {
		t.Errorf("oversized: %d", code)
	}
	ok := notification(t, "device-registered.json", "hdr")
	s.signV2(t, ok)
	b, _ := json.Marshal(ok)
	if code, _ := deliverRaw(t, srv2.URL, drs.MessageSubscriptionConfirmation, b); code != 400 {
		t.Errorf("header type mismatch: %d", code)
	}
	if code, _ := deliverRaw(t, srv2.URL, drs.MessageNotification, []byte("{")); code != 400 {
		t.Errorf("not JSON: %d", code)
	}
	req, _ := http.NewRequest(http.MethodPost, srv2.URL, bytes.NewReader([]byte(ok.Message)))
	req.Header.Set(drs.HeaderRawDelivery, "true")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 400 {
		t.Errorf("raw delivery: %v %v", resp, err)
	}
	if resp, err := http.Get(srv2.URL); err != nil || resp.StatusCode != 405 {
		t.Errorf("GET: %v %v", resp, err)
	}
	// A signed message that is no DRS notification.
	bad := notification(t, "device-registered.json", "bad")
	bad.Message = `{"hello":"world"}`
	s.signV2(t, bad)
	if code, _ := deliver(t, srv2.URL, bad); code != 400 {
		t.Errorf("not a notification: %d", code)
	}
}

// A signing certificate past its dates still verifies, as goaws's does
// seconds after it starts: its trust comes from the allow-listed origin.
func TestExpiredSigningCertificate(t *testing.T) {
	s := newSignerUntil(t, time.Now().Add(-time.Minute))
	rc := newReceiver(t, s, "")
	srv := httptest.NewServer(rc)
	defer srv.Close()
	e := notification(t, "device-registered.json", "expired-cert")
	s.signV1(t, e)
	if code, body := deliver(t, srv.URL, e); code != 200 {
		t.Fatalf("signed with an expired certificate: %d %s", code, body)
	}
	if !rc.Journal.Seen("expired-cert") {
		t.Error("not journaled")
	}
}

func confirmation(s *signer, typ, topicARN, subscribeURL string) *drs.Envelope {
	return &drs.Envelope{Type: typ, MessageID: "c-1", Token: "2336412f37fb687f5d51e6e2425f004aed",
		TopicARN: topicARN, Message: "You have chosen to subscribe to the topic.", SubscribeURL: subscribeURL,
		Timestamp: "2026-01-02T03:04:05.678Z"}
}

func TestSubscription(t *testing.T) {
	s := newSigner(t)
	path := filepath.Join(t.TempDir(), "n.jsonl")
	rc := newReceiver(t, s, path)
	srv := httptest.NewServer(rc)
	defer srv.Close()
	sub := s.srv.URL + "/?Action=ConfirmSubscription&TopicArn=" + url.QueryEscape(topic) + "&Token=2336412f"
	c := confirmation(s, drs.MessageSubscriptionConfirmation, topic, sub)
	s.signV1(t, c)
	if code, body := deliver(t, srv.URL, c); code != 200 || s.confirms.Load() != 1 {
		t.Fatalf("confirmation: %d %s, %d visits", code, body, s.confirms.Load())
	}
	// Another topic: not confirmed.
	c = confirmation(s, drs.MessageSubscriptionConfirmation, "arn:aws:sns:us-east-1:999999999999:other", sub)
	s.signV2(t, c)
	if code, _ := deliver(t, srv.URL, c); code != 403 || s.confirms.Load() != 1 {
		t.Errorf("other topic: %d, %d visits", code, s.confirms.Load())
	}
	// A SubscribeURL off the allowed origins is not visited.
	c = confirmation(s, drs.MessageSubscriptionConfirmation, topic, "http://169.254.169.254/latest/meta-data/?Action=ConfirmSubscription")
	s.signV2(t, c)
	if code, _ := deliver(t, srv.URL, c); code != 403 {
		t.Errorf("SubscribeURL elsewhere: %d", code)
	}
	// An unsubscribe confirmation is recorded, its URL not visited.
	c = confirmation(s, drs.MessageUnsubscribeConfirmation, topic, sub)
	s.signV2(t, c)
	if code, _ := deliver(t, srv.URL, c); code != 200 || s.confirms.Load() != 1 {
		t.Errorf("unsubscribe: %d, %d visits", code, s.confirms.Load())
	}
	got := readJournal(t, path)
	if len(got) != 2 || got[0].Kind != KindSubscription || got[1].Kind != KindUnsubscribe || got[0].SignatureVersion != "1" {
		t.Errorf("journal %+v", got)
	}
}

// Forward failing answers 502 and journals nothing, so SNS redelivers;
// the push flow's tokens are journaled as hashes only.
func TestForwardAndPushFlow(t *testing.T) {
	s := newSigner(t)
	path := filepath.Join(t.TempDir(), "n.jsonl")
	rc := newReceiver(t, s, path)
	var fail atomic.Bool
	fail.Store(true)
	var forwarded []string
	rc.Forward = func(_ context.Context, n Notification) error {
		if fail.Load() {
			return errors.New("downstream is down")
		}
		forwarded = append(forwarded, n.Entry.NotificationID)
		return nil
	}
	rc.Exchange = func(_ context.Context, serial, model string) TokenResult {
		if serial == "DeviceSerialNumber" {
			return TokenResult{AccessToken: "Atza|secret-access", RefreshToken: "Atzr|secret-refresh", ExpiresIn: 3600, Status: 200}
		}
		return TokenResult{Status: 400, Err: errors.New("device serial number not preregistered")}
	}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	e := notification(t, "preregistration-device-registered.json", "push-1")
	s.signV2(t, e)
	if code, _ := deliver(t, srv.URL, e); code != 502 {
		t.Fatalf("forward down: %d", code)
	}
	fail.Store(false)
	if code, _ := deliver(t, srv.URL, e); code != 200 {
		t.Fatalf("redelivery: %d", code)
	}
	e = notification(t, "device-registered.json", "push-2")
	s.signV2(t, e)
	deliver(t, srv.URL, e)
	o := notification(t, "order-cancelled.json", "no-push")
	s.signV2(t, o)
	deliver(t, srv.URL, o)
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), "secret-access") || strings.Contains(string(raw), "secret-refresh") {
		t.Error("journal holds a raw token")
	}
	got := readJournal(t, path)
	if len(forwarded) != 3 || len(got) != 5 {
		t.Fatalf("forwarded %v, journal %+v", forwarded, got)
	}
	tok := got[1]
	if tok.Kind != KindToken || tok.OK == nil || !*tok.OK || tok.AccessTokenSHA256 != hash("Atza|secret-access") || tok.Serial != "DeviceSerialNumber" {
		t.Errorf("token entry %+v", tok)
	}
	if f := got[3]; f.Kind != KindToken || f.OK == nil || *f.OK || f.Status != 400 || f.Error == "" {
		t.Errorf("failed exchange entry %+v", f)
	}
}

func TestAllowList(t *testing.T) {
	l, err := ParseAllowList(DefaultAllowList)
	if err != nil {
		t.Fatal(err)
	}
	for raw, want := range map[string]bool{
		"https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem":     true,
		"https://SNS.eu-west-1.AmazonAWS.com/x.pem":                                 true,
		"https://sns.cn-north-1.amazonaws.com.cn/x.pem":                             true,
		"https://sns.us-east-1.amazonaws.com:443/x.pem":                             true,
		"http://sns.us-east-1.amazonaws.com/x.pem":                                  false,
		"https://sns.us-east-1.amazonaws.com:8443/x.pem":                            false,
		"https://sns.my-bucket.s3.amazonaws.com/x.pem":                              false, // an S3 bucket anyone can name
		"https://sns.evil.com/x.pem":                                                false,
		"https://sns.us-east-1.amazonaws.com.evil.com/x.pem":                        false,
		"https://user@sns.us-east-1.amazonaws.com/x.pem":                            false,
		"https://evil.com/sns.us-east-1.amazonaws.com/x.pem":                        false,
		"https://sns.us_east.amazonaws.com/x.pem":                                   false,
		"https://sns..amazonaws.com/x.pem":                                          false,
		"https://s3.amazonaws.com/sns.us-east-1.amazonaws.com/x.pem":                false,
		"https://sns.us-east-1.amazonaws.com%2eevil.com/x.pem":                      false,
		"https://sns.us-east-1.amazonaws.com\\@evil.com/x.pem":                      false,
		"https://sns.us-east-1.amazonaws.com#@evil.com/x.pem":                       true, // the fragment names no host
		"https://sns.xn--us-east-1-.amazonaws.com/x.pem":                            true, // still one label under amazonaws.com
		"https://sns.us-east-1.amazonaws.com./x.pem":                                false,
		"https://[::1]/x.pem":                                                       false,
		"https://sns.us-east-1.amazonaws.com/x.pem?redirect=https://evil.com/a.pem": true,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			if want {
				t.Errorf("%s: %v", raw, err)
			}
			continue
		}
		if got := l.Allows(u); got != want {
			t.Errorf("%s: %v, want %v", raw, got, want)
		}
	}
	goaws, err := ParseAllowList("http://localhost:4100")
	if err != nil {
		t.Fatal(err)
	}
	for raw, want := range map[string]bool{
		"http://localhost:4100/SimpleNotificationService/x.pem": true,
		"http://localhost:4101/x.pem":                           false,
		"http://localhost/x.pem":                                false,
		"https://localhost:4100/x.pem":                          false,
	} {
		u, _ := url.Parse(raw)
		if got := goaws.Allows(u); got != want {
			t.Errorf("goaws %s: %v, want %v", raw, got, want)
		}
	}
	for _, bad := range []string{"", "sns.*.amazonaws.com", "ftp://x", "https://*.com", "https://*", "https://sns.*", "https://a/b", "https://s*s.amazonaws.com", "https://x:"} {
		if _, err := ParseAllowList(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// A torn last line (a crash mid-write) does not lose the journal.
func TestJournalTornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.jsonl")
	os.WriteFile(path, []byte(`{"kind":"notification","notification_id":"a"}`+"\n"+`{"kind":"notif`), 0o600)
	j, err := OpenJournal(path)
	if err != nil {
		t.Fatal(err)
	}
	if !j.Seen("a") {
		t.Error("lost a")
	}
	if err := j.Append(Entry{Kind: KindNotification, NotificationID: "b"}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	j, err = OpenJournal(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer j.Close()
	if !j.Seen("a") || !j.Seen("b") {
		t.Error("lost an ID")
	}
}
