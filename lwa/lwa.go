// Package lwa is a client of Login with Amazon's token endpoint for the
// DRS pre-registration token exchange (grant_type device_preregistration)
// and for refreshing the tokens it gives: the call a manufacturer's backend
// or companion app makes, against Amazon or against serialgate's sandbox.
//
// It retries, with backoff, what may pass (network errors, 5xx, 429), and
// never a 4xx answer, whose cause a retry does not change. The three
// errors the pre-registration page documents are sentinels to test with
// errors.Is. Neither client secrets nor tokens appear in its errors.
package lwa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/serialgate/serialgate/drs"
)

// The documented errors of the token exchange, each a 400.
var (
	// ErrNotPreregistered: the model is onboarded but the serial was not
	// pre-registered (not sold on Amazon, or pre-registration skipped).
	ErrNotPreregistered = errors.New("device serial number not preregistered")
	// ErrModelNotOnboarded: the model is not onboarded to DRS.
	ErrModelNotOnboarded = errors.New("device model not onboarded")
	// ErrOtherCredentials: the client is not the security profile that
	// onboarded the model.
	ErrOtherCredentials = errors.New("device model onboarded with different credentials")
	// ErrInvalidClient: the client ID or secret was refused (401).
	ErrInvalidClient = errors.New("client authentication failed")
	// ErrInvalidGrant: the refresh token is unknown or expired, or another
	// grant was refused.
	ErrInvalidGrant = errors.New("grant refused")
)

// Error is an error answer of the endpoint. Is matches the sentinel of a
// documented error. It holds no secret: the description is the server's.
type Error struct {
	Op          string // "exchange" or "refresh"
	Status      int
	Code        string // the LWA error code ("invalid_grant", …)
	Description string
	kind        error // a sentinel, or nil
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s token: %d", e.Op, e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// Is reports whether target is the sentinel of this answer.
func (e *Error) Is(target error) bool { return e.kind != nil && target == e.kind }

// Client calls a token endpoint. The zero value is not usable: Endpoint is
// required.
type Client struct {
	// Endpoint is the token URL, e.g. https://api.amazon.com/auth/o2/token.
	Endpoint string
	// HTTP sends the requests (nil: a client with a 30 s timeout).
	HTTP *http.Client
	// Retries is how many times a request that may pass is tried again
	// (zero: 3; negative: never).
	Retries int
	// Backoff is the wait before the first retry, doubled for each next
	// one with jitter, up to 30 s (zero: 500 ms).
	Backoff time.Duration
	// Form sends application/x-www-form-urlencoded instead of JSON.
	Form bool
	// Sleep waits between attempts (nil: a timer that ends with ctx);
	// tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

var defaultHTTP = &http.Client{Timeout: 30 * time.Second}

// Exchange trades a pre-registered device's serial and model for tokens.
func (c *Client) Exchange(ctx context.Context, clientID, clientSecret, serial, model string) (drs.Token, error) {
	req := drs.NewTokenRequest(clientID, clientSecret, serial, model)
	var body []byte
	var ctype string
	var err error
	if c.Form {
		var v url.Values
		if v, err = req.Form(); err == nil {
			body, ctype = []byte(v.Encode()), "application/x-www-form-urlencoded"
		}
	} else {
		ctype = "application/json"
		body, err = req.Encode()
	}
	if err != nil {
		return drs.Token{}, fmt.Errorf("exchange token: %w", err)
	}
	return c.post(ctx, "exchange", ctype, body)
}

// Refresh gets a new access token with a refresh token.
func (c *Client) Refresh(ctx context.Context, clientID, clientSecret, refreshToken string) (drs.Token, error) {
	if clientID == "" || clientSecret == "" || refreshToken == "" {
		return drs.Token{}, errors.New("refresh token: client ID, client secret and refresh token are required")
	}
	f := map[string]string{"grant_type": "refresh_token", "refresh_token": refreshToken, "client_id": clientID, "client_secret": clientSecret}
	var body []byte
	ctype := "application/json"
	if c.Form {
		v := url.Values{}
		for k, s := range f {
			v.Set(k, s)
		}
		body, ctype = []byte(v.Encode()), "application/x-www-form-urlencoded"
	} else {
		body, _ = json.Marshal(f)
	}
	return c.post(ctx, "refresh", ctype, body)
}

// retryable is a failure another attempt may not meet.
type retryable struct {
	err   error
	after time.Duration // Retry-After, when the server gave one
}

func (r *retryable) Error() string { return r.err.Error() }
func (r *retryable) Unwrap() error { return r.err }

func (c *Client) post(ctx context.Context, op, ctype string, body []byte) (drs.Token, error) {
	if c.Endpoint == "" {
		return drs.Token{}, fmt.Errorf("%s token: no endpoint", op)
	}
	retries := c.Retries
	if retries == 0 {
		retries = 3
	}
	backoff := c.Backoff
	if backoff <= 0 {
		backoff = 500 * time.Millisecond
	}
	sleep := c.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	for attempt := 0; ; attempt++ {
		tok, err := c.once(ctx, op, ctype, body)
		var r *retryable
		if err == nil || !errors.As(err, &r) || attempt >= retries || ctx.Err() != nil {
			if r != nil {
				err = r.err
			}
			if err != nil && attempt > 0 {
				err = fmt.Errorf("%w (after %d attempts)", err, attempt+1)
			}
			return tok, err
		}
		d := backoff << attempt
		if d > 30*time.Second || d <= 0 {
			d = 30 * time.Second
		}
		d = d/2 + rand.N(d/2+1) // jitter: many clients do not retry in step
		if r.after > d && r.after <= time.Minute {
			d = r.after
		}
		if err := sleep(ctx, d); err != nil {
			return drs.Token{}, fmt.Errorf("%s token: %w", op, err)
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) once(ctx context.Context, op, ctype string, body []byte) (drs.Token, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Endpoint, bytes.NewReader(body))
	if err != nil {
		return drs.Token{}, fmt.Errorf("%s token: %w", op, stripURL(err))
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Accept", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	resp, err := hc.Do(req)
	if err != nil {
		// The request body holds the secret; a *url.Error quotes only the
		// URL, which holds none, but keep only the cause to be sure.
		return drs.Token{}, &retryable{err: fmt.Errorf("%s token: post %s: %w", op, redact(c.Endpoint), stripURL(err))}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return drs.Token{}, &retryable{err: fmt.Errorf("%s token: read answer: %w", op, err)}
	}
	if resp.StatusCode == http.StatusOK {
		t, err := drs.DecodeToken(data)
		if err != nil {
			return drs.Token{}, fmt.Errorf("%s token: %w", op, err)
		}
		return t, nil
	}
	e := &Error{Op: op, Status: resp.StatusCode}
	var eb struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(data, &eb) == nil {
		e.Code, e.Description = eb.Error, eb.Description
	} else {
		e.Description = strings.TrimSpace(string(data))
		if len(e.Description) > 200 {
			e.Description = e.Description[:200] + "…"
		}
	}
	e.kind = classify(resp.StatusCode, e.Code, e.Description)
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		r := &retryable{err: e}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			r.after = time.Duration(s) * time.Second
		}
		return drs.Token{}, r
	}
	return drs.Token{}, e
}

// The names of the documented errors in the page's error table.
const (
	nameNotPreregistered  = "DeviceSerialNumber not preregistered"
	nameModelNotOnboarded = "Device Model not onboarded"
	nameOtherCredentials  = "Device Model Onboarded with different credentials"
)

// classify finds the sentinel of an answer. The page names its errors but
// prints no body, so they are told apart by the description's leading
// words, which are the page's error names; the codes are the sandbox's
// guess at Amazon's.
func classify(status int, code, desc string) error {
	d := strings.ToLower(desc)
	switch {
	case status == http.StatusBadRequest && strings.HasPrefix(d, strings.ToLower(nameNotPreregistered)):
		return ErrNotPreregistered
	case status == http.StatusBadRequest && strings.HasPrefix(d, strings.ToLower(nameModelNotOnboarded)):
		return ErrModelNotOnboarded
	case status == http.StatusBadRequest && strings.HasPrefix(d, strings.ToLower(nameOtherCredentials)):
		return ErrOtherCredentials
	case status == http.StatusUnauthorized || code == "invalid_client":
		return ErrInvalidClient
	case code == "invalid_grant":
		return ErrInvalidGrant
	}
	return nil
}

func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redact drops userinfo and query from a URL for a message.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(endpoint)"
	}
	u.User, u.RawQuery = nil, ""
	return u.String()
}
