//go:build !decodeonly

package main

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serialgate/serialgate/drs"
	"github.com/serialgate/serialgate/internal/goawstest"
	"github.com/serialgate/serialgate/internal/testenv"
	"github.com/serialgate/serialgate/receiver"
)

// The SNS leg through goaws, every part a real server on loopback: goaws
// with a topic made by CreateTopic, `serialgate receive` subscribed over
// HTTP with goaws's origin allow-listed, `serialgate sandbox` reading the
// station's store, and a station publishing with its SNS sink. The receiver
// confirms the subscription, verifies goaws's SignatureVersion 1 signatures
// (its certificate has expired or will have by the time it is used: the
// receiver does not read certificate dates, so the test holds either way),
// journals the DeviceRegisteredNotification once and stores tokens by the
// push flow. What goaws delivered, replayed, is dropped; tampered, refused.
func TestReceiveGoaws(t *testing.T) {
	endpoint := goawstest.Start(t, nil)
	client := &http.Client{Timeout: 30 * time.Second}
	topic, err := snsCreateTopic(t.Context(), client, endpoint, "drs-acme")
	if err != nil {
		t.Fatal(err)
	}
	if topic != goawstest.TopicARN("drs-acme") {
		t.Fatalf("CreateTopic: %s", topic)
	}
	dir := t.TempDir()
	store := "sqlite:" + filepath.Join(dir, "record.db")
	const secret = "acme-goaws-secret-7"
	t.Setenv(clientSecretEnv, secret)
	cfg := write(t, "sandbox.yaml", "clients:\n  - client_id: "+certifyClientID+"\n    client_secret_env: "+clientSecretEnv+"\n")
	saddr := loopbackAddr(t)
	sandboxLog := start(t, saddr, "sandbox", "--listen", saddr, "--store", store, "--config", cfg)
	raddr := loopbackAddr(t)
	journal := filepath.Join(dir, "notifications.jsonl")
	receiveLog := start(t, raddr, "receive", "--listen", raddr, "--topic", topic, "--signing-hosts", endpoint, "--out", journal,
		"--token-endpoint", "http://"+saddr+"/auth/o2/token", "--client-id", certifyClientID)

	// A second subscriber keeps what goaws delivers, to replay it.
	var mu sync.Mutex
	var tapped [][]byte
	tap := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get(drs.HeaderMessageType) == drs.MessageNotification {
			mu.Lock()
			tapped = append(tapped, b)
			mu.Unlock()
		}
	}))
	defer tap.Close()
	for _, target := range []string{"http://" + raddr + "/", tap.URL} {
		if _, err := snsSubscribe(t.Context(), client, endpoint, topic, target); err != nil {
			t.Fatal(err)
		}
	}
	entries := func() []receiver.Entry {
		e, err := readJournalFile(journal)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return e
	}
	find := func(kind string) *receiver.Entry {
		for _, e := range entries() {
			if e.Kind == kind {
				return &e
			}
		}
		return nil
	}
	testenv.Eventually(t, 15*time.Second, "the subscription confirmed", func() bool { return find(receiver.KindSubscription) != nil })
	if s := find(receiver.KindSubscription); s.TopicARN != topic || s.SignatureVersion != "1" {
		t.Errorf("subscription entry %+v", s)
	}

	// A station scans a device of an order; its SNS sink publishes to goaws.
	serial := "AC2" + "000424242"
	manifest := write(t, "orders.csv", "order_id,asin,quantity,directed_customer_id\nGOAWS-1,"+certifyASIN+",1,amzn1.account.GOAWS\n")
	scans := write(t, "scans.txt", "GOAWS-1\n"+serial+"\n")
	sink := "sns:" + topic + "?region=" + goawstest.Region + "&endpoint=" + endpoint
	code, out, errs := run(t, "", "station", "--workflow", "prereg", "--manifest", manifest, "--source", "sim:"+scans+"?rate=1000",
		"--store", store, "--sink", sink, "--format", "jsonl")
	var eventID string
	for _, r := range decodeLines[struct {
		Serial, Verdict string
		EventID         string `json:"event_id"`
	}](t, out) {
		if r.Serial == serial && r.Verdict == "pass" {
			eventID = r.EventID
		}
	}
	if code != 0 || eventID == "" {
		t.Fatalf("station: exit %d, no event for %s\n%s\n%s", code, serial, out, errs)
	}

	testenv.Eventually(t, 15*time.Second, "the push flow's tokens journaled", func() bool { return find(receiver.KindToken) != nil })
	var got []receiver.Entry
	for _, e := range entries() {
		if e.Kind == receiver.KindNotification {
			got = append(got, e)
		}
	}
	if len(got) != 1 {
		t.Fatalf("notifications journaled: %+v", got)
	}
	n := got[0]
	if n.NotificationID != eventID || n.NotificationType != drs.TypeDeviceRegistered || n.Version != "1.0" || n.Serial != serial ||
		n.Model != certifyModel || n.TopicARN != topic || n.SignatureVersion != "1" || n.MessageID == "" || len(n.Message) == 0 {
		t.Errorf("notification entry %+v", n)
	}
	tok := find(receiver.KindToken)
	if tok.OK == nil || !*tok.OK || tok.Status != 200 || tok.Serial != serial || tok.ExpiresIn != 3600 ||
		len(tok.AccessTokenSHA256) != 64 || len(tok.RefreshTokenSHA256) != 64 {
		t.Errorf("token entry %+v", tok)
	}

	// What goaws delivered: signed by it, version 1, its certificate on its origin.
	var delivered []byte
	testenv.Eventually(t, 5*time.Second, "goaws delivered to the tap", func() bool {
		mu.Lock()
		defer mu.Unlock()
		if len(tapped) > 0 {
			delivered = tapped[0]
		}
		return delivered != nil
	})
	env, err := drs.DecodeEnvelope(delivered)
	if err != nil {
		t.Fatal(err)
	}
	if env.SignatureVersion != "1" || !strings.HasPrefix(env.SigningCertURL, endpoint+"/") {
		t.Errorf("goaws delivered SignatureVersion %q, certificate at %q", env.SignatureVersion, env.SigningCertURL)
	}
	if status, body := deliverSNS(t.Context(), client, "http://"+raddr+"/", delivered); status != 200 {
		t.Errorf("replay: %d %s", status, body)
	}
	message := env.Message
	env.Message = strings.Replace(message, serial, "AC2000000001", 1)
	tampered, _ := json.Marshal(env)
	if status, body := deliverSNS(t.Context(), client, "http://"+raddr+"/", tampered); status != http.StatusForbidden {
		t.Errorf("tampered: %d %s", status, body)
	}
	if n := journalCount(t, journal, eventID); n != 1 {
		t.Errorf("after a replay, journaled %d times", n)
	}

	// goaws's certificate expires seconds after it starts. Once it has,
	// a new message (signed, with a certificate URL of its own) is still
	// verified: SNS certificates are trusted for where they come from.
	resp, err := client.Get(env.SigningCertURL)
	if err != nil {
		t.Fatal(err)
	}
	pemBytes, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		t.Fatalf("goaws's certificate: %q", pemBytes)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, time.Until(cert.NotAfter)+5*time.Second, "goaws's certificate expired", func() bool { return time.Now().After(cert.NotAfter) })
	later := strings.Replace(message, eventID, eventID+"-later", 1)
	var published struct {
		ID string `xml:"PublishResult>MessageId"`
	}
	if err := snsCall(t.Context(), client, endpoint, url.Values{"Action": {"Publish"}, "TopicArn": {topic}, "Message": {later}}, &published); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, 15*time.Second, "the message signed with an expired certificate journaled", func() bool {
		return journalCount(t, journal, eventID+"-later") == 1
	})

	for _, l := range []string{receiveLog.String(), sandboxLog.String()} {
		if strings.Contains(l, secret) || strings.Contains(l, "Atza|") {
			t.Errorf("a secret or token reached the log:\n%s", l)
		}
	}
}

// certify --sns runs its SNS leg through goaws: every step passes.
func TestCertifyGoaws(t *testing.T) {
	endpoint := goawstest.Start(t, nil)
	code, out, errs := run(t, "", "certify", "--sns", endpoint)
	if code != 0 || strings.Contains(out, "FAIL") || !strings.Contains(out, "16 of 16 steps passed") || !strings.Contains(out, "SNS at "+endpoint) {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
}
