//go:build !decodeonly

package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/serialgate/serialgate/drs"
	"github.com/serialgate/serialgate/lwa"
	"github.com/serialgate/serialgate/receiver"
	"github.com/serialgate/serialgate/record"
	"github.com/serialgate/serialgate/sandbox"
)

// The device certify scans: a model of the sample rules whose
// manufacturer (Acme Devices) is onboarded with an LWA client.
const (
	certifyClientID = "amzn1.application-oa2-client.0000000000000001"
	certifyModel    = "ACME_PURIFIER_200"
	certifyASIN     = "B0ACME0200"
	certifyTopic    = "arn:aws:sns:us-east-1:000000000000:serialgate-certify"
)

func runCertify(e *env, args []string) int {
	fl := newFlags(e, "certify", "",
		"Runs the pre-registration chain end to end and prints a pass/fail checklist:\n"+
			"a station scans a test serial (prereg workflow, simulated scanner) → its event → an SNS\n"+
			"stand-in that signs it → the receiver (signature, parsing, dedup, push-flow tokens) →\n"+
			"the token exchange (pull flow, JSON and form, refresh) → the three documented errors.\n"+
			"By default everything runs in this process on loopback with a temporary SQLite store.\n"+
			"With --sandbox, the token steps run against that endpoint (it must read --store);\n"+
			"with --receiver, the SNS stand-in delivers there (allow-list the origin certify prints);\n"+
			"with --sns, the event goes through that SNS emulator (goaws): certify creates its topic there,\n"+
			"subscribes the local receiver over HTTP, and the station publishes with its SNS sink\n"+
			"(AWS credentials from the environment; goaws takes any).\n"+
			"Exit 0 only when every step passes.")
	sandboxURL := fl.String("sandbox", "", "token endpoint to certify instead of a local sandbox (…/auth/o2/token)")
	receiverURL := fl.String("receiver", "", "SNS endpoint to certify instead of a local receiver")
	store := fl.String("store", "", "the record the station writes and the sandbox reads (default: a temporary SQLite file)")
	clientID := fl.String("client-id", certifyClientID, "LWA client ID the device's model is onboarded with")
	clientSecret := fl.String("client-secret", "", "its secret (default: random, for the local sandbox; else $"+clientSecretEnv+")")
	serial := fl.String("serial", "", "serial to scan (default: a random AC2 serial of "+certifyModel+")")
	snsListen := fl.String("sns-listen", "127.0.0.1:0", "address of the SNS stand-in (its certificate and SubscribeURL origin)")
	snsEndpoint := fl.String("sns", "", "SNS emulator endpoint (e.g. goaws at http://127.0.0.1:4100) to run the SNS leg through instead of the stand-in")
	signingHosts := fl.String("signing-hosts", "", "with --sns: the origins of its signing certificates and SubscribeURLs (default: the --sns origin)")
	verbose := fl.Bool("v", false, "log every component to standard error")
	if code, ok := parse(fl, args, nil); !ok {
		return code
	}
	c := &certifyRun{e: e, out: e.stdout, clientID: *clientID, secret: *clientSecret, serial: *serial, sandboxURL: *sandboxURL, receiverURL: *receiverURL, store: *store,
		snsEndpoint: *snsEndpoint, signingHosts: *signingHosts}
	if c.snsEndpoint != "" && c.receiverURL != "" {
		fmt.Fprintln(e.stderr, "serialgate certify: --sns runs its own receiver: subscribe yours to the emulator's topic instead of --receiver")
		return exitUsage
	}
	if c.signingHosts != "" && c.snsEndpoint == "" {
		fmt.Fprintln(e.stderr, "serialgate certify: --signing-hosts goes with --sns")
		return exitUsage
	}
	c.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	if *verbose {
		c.log = slog.New(slog.NewTextHandler(e.stderr, nil))
	}
	if err := c.setup(*snsListen); err != nil {
		fmt.Fprintln(e.stderr, "serialgate certify:", err)
		c.close()
		return exitUsage
	}
	defer c.close()
	c.steps()
	fmt.Fprintf(c.out, "\n%d of %d steps passed\n", c.passed, c.total)
	if c.passed != c.total {
		return exitInvalid
	}
	return exitOK
}

type certifyRun struct {
	e        *env
	out      io.Writer
	log      *slog.Logger
	clientID string
	secret   string
	serial   string
	store    string

	sandboxURL, receiverURL string
	snsEndpoint             string
	signingHosts            string
	dir                     string
	journal                 string
	sns                     snsLeg
	lwaHTTP                 *recorder
	closers                 []func()
	passed, total           int
}

func (c *certifyRun) close() {
	for i := len(c.closers) - 1; i >= 0; i-- {
		c.closers[i]()
	}
	c.closers = nil
}

// serve starts h on a loopback port and returns its base URL.
func (c *certifyRun) serve(addr string, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	c.closers = append(c.closers, func() { srv.Close() })
	return "http://" + ln.Addr().String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (c *certifyRun) setup(snsListen string) error {
	dir, err := os.MkdirTemp("", "serialgate-certify-")
	if err != nil {
		return err
	}
	c.dir = dir
	c.closers = append(c.closers, func() { os.RemoveAll(dir) })
	if c.store == "" {
		c.store = "sqlite:" + filepath.Join(dir, "record.db")
	}
	if c.serial == "" {
		var b [4]byte
		rand.Read(b[:])
		c.serial = fmt.Sprintf("AC2%09d", (uint32(b[0])<<24|uint32(b[1])<<16|uint32(b[2])<<8|uint32(b[3]))%1000000000)
	}
	if c.secret == "" {
		if c.sandboxURL != "" {
			c.secret = os.Getenv(clientSecretEnv)
			if c.secret == "" {
				return fmt.Errorf("--sandbox needs the client secret in $%s or --client-secret", clientSecretEnv)
			}
		} else {
			c.secret = randomHex(16)
		}
	}
	if c.sandboxURL == "" {
		sb, closeFn, err := buildSandbox(c.e.ctx, &sandboxConfig{Store: c.store,
			Clients: []sandboxClientConfig{{ClientID: c.clientID, ClientSecret: c.secret}}}, c.log)
		if err != nil {
			return fmt.Errorf("sandbox: %w", err)
		}
		c.closers = append(c.closers, func() { closeFn() })
		base, err := c.serve("127.0.0.1:0", sb)
		if err != nil {
			return err
		}
		c.sandboxURL = base + sandbox.TokenPath
	}
	c.lwaHTTP = &recorder{secrets: []string{c.secret, sandbox.TestClientSecret}}
	if c.snsEndpoint != "" {
		return c.setupEmulator()
	}
	sns, err := newSNSStandIn(certifyTopic)
	if err != nil {
		return err
	}
	c.sns = sns
	if sns.base, err = c.serve(snsListen, sns); err != nil {
		return err
	}
	if c.receiverURL == "" {
		rc, err := c.receiver(certifyTopic, sns.base)
		if err != nil {
			return err
		}
		if c.receiverURL, err = c.serve("127.0.0.1:0", rc); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(c.out, "SNS stand-in: %s (allow-list it: --signing-hosts %s --topic %s)\n", sns.base, sns.base, certifyTopic)
	}
	sns.target = c.receiverURL
	return nil
}

// setupEmulator makes the SNS leg go through an SNS emulator: the topic
// created there, the local receiver behind a tap that keeps deliveries.
func (c *certifyRun) setupEmulator() error {
	em, err := newSNSEmulator(c.e.ctx, c.snsEndpoint, certifyTopic[strings.LastIndexByte(certifyTopic, ':')+1:])
	if err != nil {
		return err
	}
	c.sns = em
	hosts := c.signingHosts
	if hosts == "" {
		hosts = em.origin()
	}
	rc, err := c.receiver(em.topic, hosts)
	if err != nil {
		return err
	}
	em.next, em.journal = rc, c.journal
	if em.target, err = c.serve("127.0.0.1:0", em); err != nil {
		return err
	}
	c.receiverURL = em.target + "/"
	em.target = c.receiverURL
	return nil
}

// receiver builds the local SNS endpoint with its journal and push flow.
func (c *certifyRun) receiver(topic, signingHosts string) (*receiver.Receiver, error) {
	c.journal = filepath.Join(c.dir, "notifications.jsonl")
	rc, err := buildReceiver(receiveOptions{Topics: []string{topic}, SigningHosts: signingHosts, Out: c.journal,
		TokenEndpoint: c.sandboxURL, ClientID: c.clientID, ClientSecret: c.secret}, c.log)
	if err != nil {
		return nil, fmt.Errorf("receiver: %w", err)
	}
	c.closers = append(c.closers, func() { rc.Journal.Close() })
	return rc, nil
}

// check prints one checklist line; on failure, the evidence.
func (c *certifyRun) check(name string, err error, evidence ...string) bool {
	c.total++
	if err == nil {
		c.passed++
		fmt.Fprintf(c.out, "PASS  %s\n", name)
		return true
	}
	fmt.Fprintf(c.out, "FAIL  %s: %v\n", name, err)
	for _, ev := range evidence {
		if ev = strings.TrimSpace(ev); ev != "" {
			fmt.Fprintf(c.out, "      %s\n", strings.ReplaceAll(ev, "\n", "\n      "))
		}
	}
	return false
}

func (c *certifyRun) steps() {
	ctx := c.e.ctx
	fmt.Fprintf(c.out, "certify: device %s / %s, client %s\n  token endpoint %s\n  SNS leg: %s\n  SNS endpoint %s\n\n", certifyModel, c.serial, c.clientID, c.sandboxURL, c.sns, c.receiverURL)

	// 1. The subscription is confirmed.
	req, resp, err := c.sns.subscribe(ctx)
	if err == nil && !c.sns.confirmed() {
		err = errors.New("the endpoint answered but never visited the SubscribeURL")
	}
	c.check("SNS subscription confirmed through its SubscribeURL", err, req, resp)

	// 2. The station records the scan and its event.
	manifest := filepath.Join(c.dir, "orders.csv")
	scans := filepath.Join(c.dir, "scans.txt")
	order := "CERT-" + randomHex(4)
	os.WriteFile(manifest, []byte("order_id,asin,quantity,directed_customer_id\n"+order+","+certifyASIN+",1,amzn1.account.CERTIFY\n"), 0o600)
	os.WriteFile(scans, []byte(order+"\n"+c.serial+"\n"), 0o600)
	var sout, serr bytes.Buffer
	code := Main(ctx, []string{"station", "--station", "certify", "--workflow", "prereg", "--manifest", manifest,
		"--source", "sim:" + scans + "?rate=1000", "--store", c.store, "--sink", c.sns.sink(), "--format", "jsonl"},
		strings.NewReader(""), &sout, &serr)
	var eventID string
	err = nil
	if code != 0 {
		err = fmt.Errorf("station exit %d", code)
	} else {
		for _, l := range strings.Split(sout.String(), "\n") {
			var r struct {
				Serial, Verdict string
				EventID         string `json:"event_id"`
			}
			if json.Unmarshal([]byte(l), &r) == nil && r.Serial == c.serial && r.Verdict == "pass" {
				eventID = r.EventID
			}
		}
		if eventID == "" {
			err = errors.New("no pass with an event for the serial")
		} else if st, oerr := record.Open(ctx, c.store); oerr != nil {
			err = oerr
		} else {
			p, serr := st.Seen(ctx, certifyModel, c.serial)
			st.Close()
			if serr != nil || p == nil {
				err = fmt.Errorf("the record does not hold the serial: %v", serr)
			}
		}
	}
	c.check("station scan recorded with its DeviceRegisteredNotification event", err, "station output: "+sout.String(), "station log: "+lastLines(serr.String(), 8))

	// 3. The event reached the SNS stand-in and the receiver took it.
	d, ok := c.sns.delivery(ctx, eventID)
	err = nil
	if !ok {
		err = errors.New("the station's event never reached SNS")
	} else if d.status != http.StatusOK {
		err = fmt.Errorf("the SNS endpoint answered %d", d.status)
	}
	c.check(fmt.Sprintf("event delivered: station → %s → SNS endpoint 200", c.sns), err, d.request, d.response)

	if c.journal != "" {
		// 4. The receiver verified, parsed and journaled it, once.
		entries, jerr := readJournalFile(c.journal)
		n, tok := 0, (*receiver.Entry)(nil)
		for i, en := range entries {
			if en.Kind == receiver.KindNotification && en.NotificationID == eventID {
				n++
				if en.NotificationType != drs.TypeDeviceRegistered || en.Serial != c.serial || en.Model != certifyModel {
					jerr = fmt.Errorf("journaled as %+v", en)
				}
			}
			if en.Kind == receiver.KindToken && en.Serial == c.serial {
				tok = &entries[i]
			}
		}
		if jerr == nil && n != 1 {
			jerr = fmt.Errorf("journaled %d times", n)
		}
		c.check("receiver verified the signature and parsed the DeviceRegisteredNotification", jerr)
		// 5. The push flow exchanged the device for tokens.
		err = nil
		switch {
		case tok == nil:
			err = errors.New("no token exchange journaled")
		case tok.OK == nil || !*tok.OK:
			err = fmt.Errorf("status %d: %s", tok.Status, tok.Error)
		case tok.AccessTokenSHA256 == "" || tok.RefreshTokenSHA256 == "":
			err = errors.New("tokens not kept")
		}
		c.check("push flow: receiver exchanged the registered device for tokens (200)", err)
	}

	// 6. Security: a replay is dropped, a tampered message refused.
	if d.body != nil {
		status, body := c.sns.post(ctx, d.body)
		err = nil
		if status != http.StatusOK {
			err = fmt.Errorf("replay answered %d %s", status, body)
		} else if c.journal != "" {
			entries, _ := readJournalFile(c.journal)
			n := 0
			for _, en := range entries {
				if en.Kind == receiver.KindNotification && en.NotificationID == eventID {
					n++
				}
			}
			if n != 1 {
				err = fmt.Errorf("replay journaled: %d entries", n)
			}
		}
		c.check("replayed notification acknowledged and dropped", err)
		var env drs.Envelope
		json.Unmarshal(d.body, &env)
		env.Message = strings.Replace(env.Message, c.serial, c.serial+"X", 1)
		tb, _ := json.Marshal(env)
		status, body = c.sns.post(ctx, tb)
		err = nil
		if status != http.StatusForbidden {
			err = fmt.Errorf("tampered message answered %d %s", status, body)
		}
		c.check("tampered message refused (403)", err)
	}

	// 7. The pull flow, as a companion app's backend calls it.
	for _, form := range []bool{false, true} {
		name := "JSON"
		if form {
			name = "form"
		}
		cl := &lwa.Client{Endpoint: c.sandboxURL, HTTP: &http.Client{Transport: c.lwaHTTP, Timeout: 15 * time.Second}, Form: form, Retries: -1}
		t, err := cl.Exchange(ctx, c.clientID, c.secret, c.serial, certifyModel)
		c.check("pull flow: token exchange ("+name+") 200 with access and refresh tokens", err, c.lwaHTTP.last()...)
		if err == nil {
			_, err = cl.Refresh(ctx, c.clientID, c.secret, t.RefreshToken)
			c.check("refresh_token grant ("+name+") 200", err, c.lwaHTTP.last()...)
		}
	}
	cl := &lwa.Client{Endpoint: c.sandboxURL, HTTP: &http.Client{Transport: c.lwaHTTP, Timeout: 15 * time.Second}, Retries: -1}
	_, err = cl.Exchange(ctx, sandbox.TestClientID, sandbox.TestClientSecret, drs.TestDeviceSerial, drs.TestDeviceModel)
	c.check("allow-listed test device "+drs.TestDeviceModel+" / "+drs.TestDeviceSerial+" with the test credentials 200", err, c.lwaHTTP.last()...)

	// 8. The three documented errors.
	for _, tc := range []struct {
		name                  string
		id, secret, sn, model string
		want                  error
	}{
		{"error: DeviceSerialNumber not preregistered (400)", c.clientID, c.secret, "AC2999999999", certifyModel, lwa.ErrNotPreregistered},
		{"error: Device Model not onboarded (400)", c.clientID, c.secret, c.serial, "CERTIFY_UNKNOWN_MODEL", lwa.ErrModelNotOnboarded},
		{"error: Device Model Onboarded with different credentials (400)", c.clientID, c.secret, drs.TestDeviceSerial, drs.TestDeviceModel, lwa.ErrOtherCredentials},
		{"error: wrong client secret (401)", c.clientID, c.secret + "-wrong", c.serial, certifyModel, lwa.ErrInvalidClient},
	} {
		_, err := cl.Exchange(ctx, tc.id, tc.secret, tc.sn, tc.model)
		if errors.Is(err, tc.want) {
			err = nil
		} else if err == nil {
			err = errors.New("answered 200")
		} else {
			err = fmt.Errorf("want %q, got: %w", tc.want, err)
		}
		c.check(tc.name, err, c.lwaHTTP.last()...)
	}
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}

func readJournalFile(path string) ([]receiver.Entry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []receiver.Entry
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		var e receiver.Entry
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			return nil, fmt.Errorf("journal line %q: %w", l, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// recorder is an http.RoundTripper that keeps the last exchange, with
// secrets and tokens masked, to show when a step fails.
type recorder struct {
	secrets []string
	mu      sync.Mutex
	req     string
	resp    string
}

var tokenRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`Atz[ar]\|[A-Za-z0-9_\-]+`) })

// maskSecrets replaces the secrets and anything shaped like an LWA token.
func maskSecrets(s string, secrets []string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "…")
		}
	}
	return tokenRE().ReplaceAllString(s, "Atz…")
}

func (r *recorder) mask(s string) string { return maskSecrets(s, r.secrets) }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	dump, _ := httputil.DumpRequestOut(req, true)
	resp, err := http.DefaultTransport.RoundTrip(req)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.req = "request:\n" + r.mask(string(dump))
	if err != nil {
		r.resp = "response: " + err.Error()
		return nil, err
	}
	rd, _ := httputil.DumpResponse(resp, true)
	r.resp = "response:\n" + r.mask(string(rd))
	return resp, nil
}

func (r *recorder) last() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return []string{r.req, r.resp}
}

// snsStandIn plays Amazon SNS for certify: it takes the station's
// webhook posts at /publish, signs each envelope for its own topic
// (SignatureVersion 2) with a certificate it serves itself, delivers it to
// the SNS endpoint, and answers the station with the endpoint's status.
type snsStandIn struct {
	topic   string
	key     *rsa.PrivateKey
	certPEM []byte
	token   string
	base    string // its URL
	target  string // the SNS endpoint
	client  *http.Client

	mu         sync.Mutex
	deliveries map[string]snsDelivery // by notificationId
	confirms   int
}

type snsDelivery struct {
	status            int
	body              []byte
	request, response string
}

func newSNSStandIn(topic string) (*snsStandIn, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "serialgate certify SNS stand-in"},
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	return &snsStandIn{topic: topic, key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		token: randomHex(32), client: &http.Client{Timeout: 30 * time.Second}, deliveries: map[string]snsDelivery{}}, nil
}

func (s *snsStandIn) certURL() string { return s.base + "/SimpleNotificationService-certify.pem" }

func (s *snsStandIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/SimpleNotificationService-certify.pem":
		w.Write(s.certPEM)
	case r.Method == http.MethodGet && r.URL.Query().Get("Action") == "ConfirmSubscription":
		if r.URL.Query().Get("Token") != s.token || r.URL.Query().Get("TopicArn") != s.topic {
			http.Error(w, "bad token", http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.confirms++
		s.mu.Unlock()
		fmt.Fprint(w, "<ConfirmSubscriptionResponse/>")
	case r.Method == http.MethodPost && r.URL.Path == "/publish":
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		env, err := drs.DecodeEnvelope(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		env.TopicARN = s.topic // SNS delivers with its topic's ARN
		env.UnsubscribeURL = s.base + "/?Action=Unsubscribe"
		if err := env.Sign(s.key, s.certURL()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		signed, _ := json.Marshal(env)
		status, resp := s.post(r.Context(), signed)
		id := ""
		if n, err := env.Notification(); err == nil {
			id = n.Info().NotificationID
		}
		s.mu.Lock()
		s.deliveries[id] = snsDelivery{status: status, body: signed, request: "delivered:\n" + string(signed), response: fmt.Sprintf("answer: %d %s", status, resp)}
		s.mu.Unlock()
		w.WriteHeader(status)
		fmt.Fprint(w, resp)
	default:
		http.NotFound(w, r)
	}
}

func (s *snsStandIn) String() string { return "SNS stand-in (signed, SignatureVersion 2)" }

func (s *snsStandIn) sink() string { return s.base + "/publish" }

func (s *snsStandIn) post(ctx context.Context, body []byte) (int, string) {
	return deliverSNS(ctx, s.client, s.target, body)
}

// deliverSNS posts an envelope to an SNS endpoint as SNS does.
func deliverSNS(ctx context.Context, client *http.Client, target string, body []byte) (int, string) {
	var env drs.Envelope
	json.Unmarshal(body, &env)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", drs.ContentType)
	req.Header.Set(drs.HeaderMessageType, env.Type)
	req.Header.Set(drs.HeaderMessageID, env.MessageID)
	req.Header.Set(drs.HeaderTopicARN, env.TopicARN)
	resp, err := client.Do(req)
	if err != nil {
		return http.StatusBadGateway, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// subscribe sends the SubscriptionConfirmation.
func (s *snsStandIn) subscribe(ctx context.Context) (req, resp string, err error) {
	env := &drs.Envelope{Type: drs.MessageSubscriptionConfirmation, MessageID: randomHex(16), Token: s.token, TopicARN: s.topic,
		Message:      "You have chosen to subscribe to the topic " + s.topic + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.",
		SubscribeURL: s.base + "/?Action=ConfirmSubscription&TopicArn=" + s.topic + "&Token=" + s.token,
		Timestamp:    string(drs.FormatTime(time.Now()))}
	if err := env.Sign(s.key, s.certURL()); err != nil {
		return "", "", err
	}
	b, _ := json.Marshal(env)
	status, body := s.post(ctx, b)
	req, resp = "delivered:\n"+string(b), fmt.Sprintf("answer: %d %s", status, body)
	if status != http.StatusOK {
		return req, resp, fmt.Errorf("the SNS endpoint answered %d", status)
	}
	return req, resp, nil
}

func (s *snsStandIn) confirmed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.confirms > 0
}

func (s *snsStandIn) delivery(_ context.Context, id string) (snsDelivery, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.deliveries[id]
	return d, ok
}
