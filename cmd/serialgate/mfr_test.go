//go:build !decodeonly

package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serialgate/serialgate/internal/testenv"
	"github.com/serialgate/serialgate/receiver"
)

// syncBuf is a buffer a running command writes to while the test reads.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func loopbackAddr(t *testing.T) string { return testenv.FreeAddr(t) }

// start runs a serving command until the test ends and waits for addr.
func start(t *testing.T, addr string, args ...string) *syncBuf {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errb := &syncBuf{}
	done := make(chan int, 1)
	go func() { done <- Main(ctx, args, strings.NewReader(""), io.Discard, errb) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Error("command did not stop")
		}
	})
	for i := 0; i < 200; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return errb
		}
		select {
		case code := <-done:
			t.Fatalf("exit %d: %s", code, errb.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("%v never listened: %s", args, errb.String())
	return nil
}

// `serialgate sandbox --listen ADDR` alone answers the spec's two example
// requests (test device filled in) with 200.
func TestSandboxCommandSpecExamples(t *testing.T) {
	addr := loopbackAddr(t)
	logs := start(t, addr, "sandbox", "--listen", addr)
	j, _ := os.ReadFile("../../drs/testdata/token-request.json")
	f, _ := os.ReadFile("../../drs/testdata/token-request.form")
	jb := strings.NewReplacer("<deviceSerialNumber>", "TestAmazonPreReg001", "<deviceModel>", "DRS_Test_Device").Replace(string(j))
	fb := strings.NewReplacer("%3CdeviceSerialNumber%3E", "TestAmazonPreReg001", "%3CdeviceModel%3E", "DRS_Test_Device").Replace(strings.TrimSpace(string(f)))
	for ct, body := range map[string]string{"application/json": jb, "application/x-www-form-urlencoded": fb} {
		resp, err := http.Post("http://"+addr+"/auth/o2/token", ct, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), `"token_type":"bearer"`) || !strings.Contains(string(b), `"expires_in":3600`) {
			t.Errorf("%s: %d %s", ct, resp.StatusCode, b)
		}
		if strings.Contains(logs.String(), "Y76SDl2F") {
			t.Error("the secret reached the log")
		}
	}
}

// Secrets from a config file's environment variable; models from the rules.
func TestSandboxCommandConfig(t *testing.T) {
	t.Setenv("ACME_SECRET_TEST", "acme-from-env")
	cfg := write(t, "sandbox.yaml", "clients:\n  - client_id: amzn1.application-oa2-client.0000000000000001\n    client_secret_env: ACME_SECRET_TEST\n")
	addr := loopbackAddr(t)
	logs := start(t, addr, "sandbox", "--listen", addr, "--config", cfg)
	post := func(secret, serial, model string) int {
		body := `{"grant_type":"device_preregistration","client_id":"amzn1.application-oa2-client.0000000000000001","client_secret":"` + secret +
			`","scope":"dash:replenish","scope_data":{"device_serial_number":"` + serial + `","device_model":"` + model + `"}}`
		resp, err := http.Post("http://"+addr+"/auth/o2/token", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := post("acme-from-env", "AC2000000001", "ACME_PURIFIER_200"); c != 400 { // onboarded, not pre-registered (no store)
		t.Errorf("status %d", c)
	}
	if c := post("wrong", "AC2000000001", "ACME_PURIFIER_200"); c != 401 {
		t.Errorf("wrong secret: %d", c)
	}
	if strings.Contains(logs.String(), "acme-from-env") {
		t.Error("secret logged")
	}
	bad := write(t, "bad.yaml", "clients:\n  - client_id: x\n    client_secret_env: SURELY_UNSET_VAR_1234\n")
	if code, _, errs := run(t, "", "sandbox", "--config", bad); code != exitUsage || !strings.Contains(errs, "SURELY_UNSET_VAR_1234") {
		t.Errorf("unset env: %d %s", code, errs)
	}
	typo := write(t, "typo.yaml", "client:\n  - client_id: x\n")
	if code, _, _ := run(t, "", "sandbox", "--config", typo); code != exitUsage {
		t.Errorf("unknown key: %d", code)
	}
}

func TestReceiveFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"receive"}, "no --topic"},
		{[]string{"receive", "--topic", "arn:x", "--signing-hosts", "ftp://x"}, "signing host pattern"},
		{[]string{"receive", "--topic", "arn:x", "--token-endpoint", "http://127.0.0.1:1/"}, "--client-id"},
		{[]string{"receive", "--topic", "arn:x", "--tls-cert", "c.pem"}, "--tls-key"},
		{[]string{"receive", "--topic", "arn:x", "--forward", "http://127.0.0.1:1/", "--forward-cmd", "cat"}, "choose one"},
		{[]string{"receive", "--topic", "arn:x", "--forward-cmd", "cat", "--forward-timeout", "0s"}, "--forward-timeout"},
	} {
		code, _, errs := run(t, "", tc.args...)
		if code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, %q, want %q", tc.args, code, errs, tc.want)
		}
	}
}

// The whole chain, in process: every step passes.
func TestCertify(t *testing.T) {
	code, out, errs := run(t, "", "certify")
	if code != 0 || strings.Contains(out, "FAIL") || !strings.Contains(out, "16 of 16 steps passed") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
}

// Against a token endpoint that fails, certify fails the token steps
// and shows the request (secret masked) and the response.
func TestCertifyShowsFailingExchange(t *testing.T) {
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		http.Error(w, `{"error":"server_error","error_description":"down for maintenance"}`, http.StatusServiceUnavailable)
	}))
	defer broken.Close()
	t.Setenv(clientSecretEnv, "certify-secret-xyz")
	code, out, _ := run(t, "", "certify", "--sandbox", broken.URL+"/auth/o2/token")
	if code != exitInvalid {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"PASS  station scan recorded", "FAIL  pull flow: token exchange (JSON)", "POST /auth/o2/token", "503 Service Unavailable", "down for maintenance"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "certify-secret-xyz") {
		t.Errorf("output shows the secret:\n%s", out)
	}
}

// journalCount counts a notification's entries in the journal.
func journalCount(t *testing.T, path, id string) int {
	t.Helper()
	entries, err := readJournalFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.Kind == receiver.KindNotification && e.NotificationID == id {
			n++
		}
	}
	return n
}
