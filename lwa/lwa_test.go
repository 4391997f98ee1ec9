package lwa

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serialgate/serialgate/drs"
	"github.com/serialgate/serialgate/sandbox"
)

const (
	acmeID     = "amzn1.application-oa2-client.0000000000000001"
	acmeSecret = "acme-secret-9f8e7d"
)

// sandboxServer is the real token endpoint on loopback, behind a front
// that answers the first fail requests with status, and counts requests
// and their content types.
type front struct {
	*httptest.Server
	requests atomic.Int32
	fail     atomic.Int32
	status   int
	ctypes   chan string
}

func newFront(t *testing.T, status int, fail int32) *front {
	t.Helper()
	sb := &sandbox.Server{
		Clients: []sandbox.Client{{ID: acmeID, Secret: acmeSecret, Models: []string{"ACME_PURIFIER_200"}}},
		Registry: sandbox.RegistryFunc(func(_ context.Context, model, serial string) (bool, error) {
			return serial == "AC2000000001", nil
		}),
	}
	f := &front{status: status, ctypes: make(chan string, 100)}
	f.fail.Store(fail)
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		f.ctypes <- r.Header.Get("Content-Type")
		if f.fail.Add(-1) >= 0 {
			io.Copy(io.Discard, r.Body)
			if f.status == http.StatusServiceUnavailable {
				w.Header().Set("Retry-After", "1")
			}
			http.Error(w, "unavailable", f.status)
			return
		}
		sb.ServeHTTP(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

// sleeps records the waits instead of waiting.
type sleeps []time.Duration

func (s *sleeps) sleep(_ context.Context, d time.Duration) error { *s = append(*s, d); return nil }

func TestExchangeBothContentTypes(t *testing.T) {
	f := newFront(t, 0, 0)
	for _, form := range []bool{false, true} {
		c := &Client{Endpoint: f.URL + "/auth/o2/token", Form: form}
		tok, err := c.Exchange(context.Background(), sandbox.TestClientID, sandbox.TestClientSecret, drs.TestDeviceSerial, drs.TestDeviceModel)
		if err != nil {
			t.Fatal(err)
		}
		if tok.ExpiresIn != 3600 || tok.TokenType != "bearer" {
			t.Errorf("%+v", tok)
		}
		want := "application/json"
		if form {
			want = "application/x-www-form-urlencoded"
		}
		if got := <-f.ctypes; got != want {
			t.Errorf("content type %q, want %q", got, want)
		}
		r, err := c.Refresh(context.Background(), sandbox.TestClientID, sandbox.TestClientSecret, tok.RefreshToken)
		if err != nil || r.AccessToken == tok.AccessToken {
			t.Errorf("refresh: %v", err)
		}
		<-f.ctypes
		if _, err := c.Refresh(context.Background(), sandbox.TestClientID, sandbox.TestClientSecret, "Atzr|nope"); !errors.Is(err, ErrInvalidGrant) {
			t.Errorf("refresh with an unknown token: %v", err)
		}
		<-f.ctypes
	}
}

func TestDocumentedErrorsAreSentinels(t *testing.T) {
	f := newFront(t, 0, 0)
	var s sleeps
	c := &Client{Endpoint: f.URL + "/auth/o2/token", Sleep: s.sleep}
	ctx := context.Background()
	for _, tc := range []struct {
		id, secret, serial, model string
		want                      error
		status                    int
	}{
		{acmeID, acmeSecret, "AC2000000002", "ACME_PURIFIER_200", ErrNotPreregistered, 400},
		{acmeID, acmeSecret, "X", "NOT_ONBOARDED", ErrModelNotOnboarded, 400},
		{acmeID, acmeSecret, drs.TestDeviceSerial, drs.TestDeviceModel, ErrOtherCredentials, 400},
		{acmeID, "wrong-secret-123", "AC2000000001", "ACME_PURIFIER_200", ErrInvalidClient, 401},
	} {
		_, err := c.Exchange(ctx, tc.id, tc.secret, tc.serial, tc.model)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s/%s: %v, want %v", tc.model, tc.serial, err, tc.want)
		}
		var e *Error
		if !errors.As(err, &e) || e.Status != tc.status {
			t.Errorf("%v: not an *Error with status %d", err, tc.status)
		}
		for _, other := range []error{ErrNotPreregistered, ErrModelNotOnboarded, ErrOtherCredentials, ErrInvalidClient} {
			if other != tc.want && errors.Is(err, other) {
				t.Errorf("%v is also %v", err, other)
			}
		}
		if strings.Contains(err.Error(), tc.secret) {
			t.Errorf("error shows the secret: %v", err)
		}
	}
	if n := f.requests.Load(); n != 4 || len(s) != 0 {
		t.Errorf("%d requests, %d sleeps: a 4xx was retried", n, len(s))
	}
	if _, err := c.Exchange(ctx, acmeID, acmeSecret, "AC2000000001", "ACME_PURIFIER_200"); err != nil {
		t.Error(err)
	}
}

// 503 twice, then the answer: three requests, two backoffs that grow.
func TestRetryOn503(t *testing.T) {
	f := newFront(t, http.StatusServiceUnavailable, 2)
	var s sleeps
	c := &Client{Endpoint: f.URL + "/auth/o2/token", Sleep: s.sleep, Backoff: 100 * time.Millisecond}
	if _, err := c.Exchange(context.Background(), sandbox.TestClientID, sandbox.TestClientSecret, drs.TestDeviceSerial, drs.TestDeviceModel); err != nil {
		t.Fatal(err)
	}
	if n := f.requests.Load(); n != 3 || len(s) != 2 {
		t.Fatalf("%d requests, sleeps %v", n, s)
	}
	// Retry-After: 1 s outweighs the backoff.
	if s[0] != time.Second || s[1] != time.Second {
		t.Errorf("sleeps %v, want Retry-After's 1s", s)
	}
	// Without Retry-After the backoff doubles, with jitter in [d/2, d].
	f2 := newFront(t, http.StatusBadGateway, 100)
	s = nil
	c = &Client{Endpoint: f2.URL, Sleep: s.sleep, Backoff: 100 * time.Millisecond, Retries: 3}
	_, err := c.Exchange(context.Background(), "a", "very-secret", "s", "m")
	var e *Error
	if !errors.As(err, &e) || e.Status != 502 || f2.requests.Load() != 4 || len(s) != 3 {
		t.Fatalf("err %v, %d requests, sleeps %v", err, f2.requests.Load(), s)
	}
	for i, d := range s {
		hi := 100 * time.Millisecond << i
		if d < hi/2 || d > hi {
			t.Errorf("sleep %d: %v, want within [%v, %v]", i, d, hi/2, hi)
		}
	}
	if strings.Contains(err.Error(), "very-secret") {
		t.Error(err)
	}
	// Retries < 0: one attempt.
	s = nil
	c.Retries = -1
	if _, err := c.Exchange(context.Background(), "a", "b", "s", "m"); err == nil || len(s) != 0 {
		t.Errorf("%v, sleeps %v", err, s)
	}
}

// A network error (nothing listening) is retried; the context ends it.
func TestRetryOnNetworkError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var s sleeps
	c := &Client{Endpoint: "http://" + addr + "/auth/o2/token", Sleep: s.sleep, Retries: 2}
	_, err = c.Exchange(context.Background(), "a", "s3cr3t-value", "s", "m")
	if err == nil || len(s) != 2 || strings.Contains(err.Error(), "s3cr3t-value") || !strings.Contains(err.Error(), "after 3 attempts") {
		t.Errorf("%v, sleeps %v", err, s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c.Sleep = nil
	if _, err := c.Exchange(ctx, "a", "b", "s", "m"); err == nil {
		t.Error("no error with a cancelled context")
	}
}
