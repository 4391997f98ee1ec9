package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serialgate/serialgate/drs"
)

// The spec's two example requests, byte for byte from drs/testdata (copied
// from drs-preregistration.txt), with only the placeholders <deviceSerialNumber>
// and <deviceModel> filled in with the allow-listed test device.
func specExamples(t *testing.T) (jsonBody, formBody string) {
	t.Helper()
	j, err := os.ReadFile("../drs/testdata/token-request.json")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.ReadFile("../drs/testdata/token-request.form")
	if err != nil {
		t.Fatal(err)
	}
	jsonBody = strings.NewReplacer("<deviceSerialNumber>", drs.TestDeviceSerial, "<deviceModel>", drs.TestDeviceModel).Replace(string(j))
	formBody = strings.NewReplacer("%3CdeviceSerialNumber%3E", drs.TestDeviceSerial, "%3CdeviceModel%3E", drs.TestDeviceModel).Replace(strings.TrimSpace(string(f)))
	if jsonBody == string(j) || formBody == strings.TrimSpace(string(f)) {
		t.Fatal("placeholders not found in the spec examples")
	}
	return jsonBody, formBody
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// logBuf collects the server's log to check that no secret reaches it.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Write(p) }
func (l *logBuf) String() string              { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

const (
	acmeID     = "amzn1.application-oa2-client.0000000000000001"
	acmeSecret = "acme-secret-9f8e7d"
)

func newServer(t *testing.T, s *Server) (*httptest.Server, *logBuf) {
	t.Helper()
	lb := &logBuf{}
	s.Log = slog.New(slog.NewTextHandler(lb, nil))
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, lb
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func post(t *testing.T, url, ctype, body string) reply {
	t.Helper()
	resp, err := http.Post(url, ctype, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, b}
}

func (r reply) token(t *testing.T) drs.Token {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	tok, err := drs.DecodeToken(r.body)
	if err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	if tok.ExpiresIn != 3600 || tok.TokenType != "bearer" || !strings.HasPrefix(tok.AccessToken, "Atza|") || !strings.HasPrefix(tok.RefreshToken, "Atzr|") {
		t.Errorf("token %s", r.body)
	}
	return tok
}

func (r reply) err(t *testing.T, status int, code, desc string) {
	t.Helper()
	var e ErrorBody
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("status %d, body %q: %v", r.status, r.body, err)
	}
	if r.status != status || e.Error != code || (desc != "" && e.Description != desc) {
		t.Errorf("got %d %+v, want %d %s %q", r.status, e, status, code, desc)
	}
}

// With no configuration at all, the spec's two examples (test device
// filled in) answer 200 with the spec's token shape.
func TestSpecExamples(t *testing.T) {
	srv, lb := newServer(t, &Server{})
	j, f := specExamples(t)
	a := post(t, srv.URL+"/auth/o2/token", "application/json", j).token(t)
	b := post(t, srv.URL+"/auth/o2/token", "application/x-www-form-urlencoded", f).token(t)
	if a.AccessToken == b.AccessToken || a.RefreshToken == b.RefreshToken {
		t.Error("two exchanges gave the same tokens")
	}
	// The pre-prod endpoint's spelling.
	post(t, srv.URL+"/auth/O2/token", "application/json", j).token(t)
	// The examples verbatim, placeholders and all, name a model nobody onboarded.
	raw, _ := os.ReadFile("../drs/testdata/token-request.json")
	post(t, srv.URL+"/auth/o2/token", "application/json", string(raw)).err(t, 400, CodeModelNotOnboarded, DescModelNotOnboarded)
	for _, secret := range []string{TestClientSecret, a.AccessToken, a.RefreshToken, b.AccessToken} {
		if strings.Contains(lb.String(), secret) {
			t.Errorf("log holds a secret or token:\n%s", lb.String())
		}
	}
	if !strings.Contains(lb.String(), "status=200") {
		t.Errorf("log:\n%s", lb.String())
	}
}

// The three documented errors, and the test device's model onboarded with
// the test client only.
func TestDocumentedErrors(t *testing.T) {
	reg := RegistryFunc(func(_ context.Context, model, serial string) (bool, error) {
		return model == "ACME_PURIFIER_200" && serial == "AC2000000001", nil
	})
	srv, _ := newServer(t, &Server{Registry: reg, Clients: []Client{{ID: acmeID, Secret: acmeSecret, Models: []string{"ACME_PURIFIER_200", "ACME_FILTER_POD"}}}})
	u := srv.URL + TokenPath
	req := func(id, secret, serial, model string) string {
		b, err := drs.NewTokenRequest(id, secret, serial, model).Encode()
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	post(t, u, "application/json", req(acmeID, acmeSecret, "AC2000000001", "ACME_PURIFIER_200")).token(t)
	post(t, u, "application/json", req(acmeID, acmeSecret, "AC2000000002", "ACME_PURIFIER_200")).err(t, 400, CodeNotPreregistered, DescNotPreregistered)
	post(t, u, "application/json", req(acmeID, acmeSecret, "AC2000000001", "ACME_FILTER_POD")).err(t, 400, CodeNotPreregistered, DescNotPreregistered)
	post(t, u, "application/json", req(acmeID, acmeSecret, "X1", "NOBODYS_MODEL")).err(t, 400, CodeModelNotOnboarded, DescModelNotOnboarded)
	post(t, u, "application/json", req(acmeID, acmeSecret, drs.TestDeviceSerial, drs.TestDeviceModel)).err(t, 400, CodeOtherCredentials, DescOtherCredentials)
	post(t, u, "application/json", req(TestClientID, TestClientSecret, "AC2000000001", "ACME_PURIFIER_200")).err(t, 400, CodeOtherCredentials, DescOtherCredentials)
	post(t, u, "application/json", req(TestClientID, TestClientSecret, "OTHER", drs.TestDeviceModel)).err(t, 400, CodeNotPreregistered, DescNotPreregistered)
}

func TestCredentials(t *testing.T) {
	srv, lb := newServer(t, &Server{Clients: []Client{{ID: acmeID, Secret: acmeSecret}}})
	u := srv.URL + TokenPath
	for _, tc := range []struct{ id, secret string }{
		{TestClientID, "Y76SDl2G"},
		{TestClientID, "y76sdl2f"},
		{TestClientID, TestClientSecret + "x"},
		{TestClientID, acmeSecret},
		{"nobody", TestClientSecret},
	} {
		b, _ := drs.NewTokenRequest(tc.id, tc.secret, drs.TestDeviceSerial, drs.TestDeviceModel).Encode()
		r := post(t, u, "application/json", string(b))
		r.err(t, 401, CodeInvalidClient, "")
		if r.header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		if strings.Contains(string(r.body), tc.secret) || strings.Contains(lb.String(), tc.secret) {
			t.Errorf("secret %q echoed", tc.secret)
		}
	}
}

// Form and JSON carry the same request; the device may sit directly in
// scope_data (the field list) or in product_instance_attributes (the examples).
func TestContentTypes(t *testing.T) {
	srv, _ := newServer(t, &Server{})
	u := srv.URL + TokenPath
	flat := `{"device_serial_number":"TestAmazonPreReg001","device_model":"DRS_Test_Device"}`
	nested := `{"product_instance_attributes":` + flat + `}`
	form := func(sd string) string {
		return url.Values{"grant_type": {GrantPreregistration}, "client_id": {TestClientID}, "client_secret": {TestClientSecret},
			"scope": {"dash:replenish"}, "scope_data": {sd}}.Encode()
	}
	js := func(sd string) string {
		return `{"grant_type":"device_preregistration","client_id":"foodev","client_secret":"Y76SDl2F","scope":"dash:replenish","scope_data":` + sd + `}`
	}
	for name, tc := range map[string]struct{ ctype, body string }{
		"form nested":         {"application/x-www-form-urlencoded", form(nested)},
		"form flat":           {"application/x-www-form-urlencoded; charset=UTF-8", form(flat)},
		"json nested":         {"application/json", js(nested)},
		"json flat":           {"application/json; charset=utf-8", js(flat)},
		"json string":         {"application/json", js(strings.ReplaceAll(`"`+strings.ReplaceAll(nested, `"`, `\"`)+`"`, "", ""))},
		"json both, agreeing": {"application/json", js(`{"device_serial_number":"TestAmazonPreReg001","product_instance_attributes":` + flat + `}`)},
	} {
		t.Run(name, func(t *testing.T) { post(t, u, tc.ctype, tc.body).token(t) })
	}
	for name, tc := range map[string]struct{ ctype, body, code string }{
		"no content type":    {"", js(nested), CodeInvalidRequest},
		"text/plain":         {"text/plain", js(nested), CodeInvalidRequest},
		"latin1":             {"application/json; charset=latin1", js(nested), CodeInvalidRequest},
		"not json":           {"application/json", "{", CodeInvalidRequest},
		"array":              {"application/json", "[]", CodeInvalidRequest},
		"number secret":      {"application/json", `{"grant_type":"device_preregistration","client_id":"foodev","client_secret":5}`, CodeInvalidRequest},
		"no serial":          {"application/json", js(`{"device_model":"DRS_Test_Device"}`), CodeInvalidRequest},
		"no scope_data":      {"application/json", js(`null`), CodeInvalidRequest},
		"scope_data garbage": {"application/x-www-form-urlencoded", form("{x"), CodeInvalidRequest},
		"disagreeing":        {"application/json", js(`{"device_serial_number":"OTHER","product_instance_attributes":` + flat + `}`), CodeInvalidRequest},
		"duplicate key":      {"application/json", `{"client_id":"x",` + js(nested)[1:], CodeInvalidRequest},
		"duplicate form key": {"application/x-www-form-urlencoded", form(nested) + "&client_id=foodev", CodeInvalidRequest},
		"wrong scope":        {"application/json", strings.Replace(js(nested), "dash:replenish", "profile", 1), CodeInvalidScope},
		"wrong grant":        {"application/json", strings.Replace(js(nested), "device_preregistration", "authorization_code", 1), CodeUnsupportedGrantType},
		"no client_id":       {"application/json", strings.Replace(js(nested), `"client_id":"foodev",`, "", 1), CodeInvalidRequest},
	} {
		t.Run(name, func(t *testing.T) { post(t, u, tc.ctype, tc.body).err(t, 400, tc.code, "") })
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("GET: %d", resp.StatusCode)
	}
}

func TestOversizedBody(t *testing.T) {
	srv, _ := newServer(t, &Server{MaxBody: 1024})
	j, _ := specExamples(t)
	big := strings.Replace(j, `"scope":"dash:replenish",`, `"scope":"dash:replenish","pad":"`+strings.Repeat("x", 2000)+`",`, 1)
	post(t, srv.URL+TokenPath, "application/json", big).err(t, 413, CodeInvalidRequest, "")
	post(t, srv.URL+TokenPath, "application/json", j).token(t) // the limit leaves room for a real request
	// The default limit, 64 KiB.
	srv2, _ := newServer(t, &Server{})
	post(t, srv2.URL+TokenPath, "application/json", `{"x":"`+strings.Repeat("x", 70<<10)+`"}`).err(t, 413, CodeInvalidRequest, "")
}

// Refresh renews; an access token expires after expires_in; a refresh
// token that expired, is unknown, or is another client's is refused.
func TestRefreshAndExpiry(t *testing.T) {
	clk := &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	srv, lb := newServer(t, &Server{Now: clk.now, RefreshTTL: 48 * time.Hour, Clients: []Client{{ID: acmeID, Secret: acmeSecret}}})
	u := srv.URL + TokenPath
	j, _ := specExamples(t)
	tok := post(t, u, "application/json", j).token(t)
	info := func(access string) reply {
		resp, err := http.Get(srv.URL + TokenInfoPath + "?access_token=" + url.QueryEscape(access))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return reply{resp.StatusCode, resp.Header, b}
	}
	if r := info(tok.AccessToken); r.status != 200 || !strings.Contains(string(r.body), `"aud":"foodev"`) || !strings.Contains(string(r.body), `"exp":3600`) {
		t.Fatalf("token info: %d %s", r.status, r.body)
	}
	info(tok.RefreshToken).err(t, 400, CodeInvalidToken, "") // a refresh token is no access token
	refresh := func(id, secret, rt, ctype string) reply {
		if ctype == "application/json" {
			b, _ := json.Marshal(map[string]string{"grant_type": "refresh_token", "client_id": id, "client_secret": secret, "refresh_token": rt})
			return post(t, u, ctype, string(b))
		}
		return post(t, u, ctype, url.Values{"grant_type": {"refresh_token"}, "client_id": {id}, "client_secret": {secret}, "refresh_token": {rt}}.Encode())
	}
	clk.add(3599 * time.Second)
	if r := info(tok.AccessToken); r.status != 200 {
		t.Fatalf("token info a second before expiry: %d %s", r.status, r.body)
	}
	clk.add(time.Second)
	info(tok.AccessToken).err(t, 400, CodeInvalidToken, "") // expired: reuse refused
	r2 := refresh(TestClientID, TestClientSecret, tok.RefreshToken, "application/x-www-form-urlencoded").token(t)
	if r2.RefreshToken != tok.RefreshToken || r2.AccessToken == tok.AccessToken {
		t.Error("refresh: want a new access token and the same refresh token")
	}
	if r := info(r2.AccessToken); r.status != 200 || !strings.Contains(string(r.body), `"device_serial_number":"TestAmazonPreReg001"`) {
		t.Errorf("refreshed token info: %d %s", r.status, r.body)
	}
	refresh(TestClientID, TestClientSecret, tok.RefreshToken, "application/json").token(t)
	refresh(acmeID, acmeSecret, tok.RefreshToken, "application/json").err(t, 400, CodeInvalidGrant, "")
	refresh(TestClientID, TestClientSecret, "Atzr|unknown", "application/json").err(t, 400, CodeInvalidGrant, "")
	refresh(TestClientID, TestClientSecret, tok.AccessToken, "application/json").err(t, 400, CodeInvalidGrant, "")
	refresh(TestClientID, "wrong", tok.RefreshToken, "application/json").err(t, 401, CodeInvalidClient, "")
	clk.add(48 * time.Hour)
	refresh(TestClientID, TestClientSecret, tok.RefreshToken, "application/json").err(t, 400, CodeInvalidGrant, "")
	if strings.Contains(lb.String(), tok.RefreshToken) || strings.Contains(lb.String(), tok.AccessToken) {
		t.Error("a token reached the log")
	}
}

// The server keeps tokens only as hashes.
func TestTokensStoredAsHashes(t *testing.T) {
	s := &Server{}
	srv, _ := newServer(t, s)
	j, _ := specExamples(t)
	tok := post(t, srv.URL+TokenPath, "application/json", j).token(t)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tokens) != 2 {
		t.Fatalf("%d tokens kept", len(s.tokens))
	}
	for h, g := range s.tokens {
		for _, raw := range []string{tok.AccessToken, tok.RefreshToken} {
			if bytes.Contains(h[:], []byte(raw)) || strings.Contains(g.serial+g.model+g.clientID, raw) {
				t.Error("a raw token is kept")
			}
		}
	}
}

func TestCheck(t *testing.T) {
	for _, s := range []*Server{
		{Clients: []Client{{Secret: "a"}}},
		{Clients: []Client{{ID: "a", Secret: "x"}, {ID: "a", Secret: "y"}}},
		{Clients: []Client{{ID: "a", Secret: "x", Models: []string{"M"}}, {ID: "b", Secret: "y", Models: []string{"M"}}}},
		{Clients: []Client{{ID: "a", Secret: "x", Models: []string{drs.TestDeviceModel}}}},
	} {
		if s.Check() == nil {
			t.Errorf("%v: no error", s.Clients)
		}
	}
	if got := (Client{ID: "a", Secret: "topsecret"}).String(); strings.Contains(got, "topsecret") {
		t.Error(got)
	}
	if got := (Request{ClientSecret: "topsecret", RefreshToken: "rt"}).GoString(); strings.Contains(got, "topsecret") || strings.Contains(got, "rt\"") {
		t.Error(got)
	}
}
