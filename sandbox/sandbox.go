// Package sandbox is a local stand-in for Login with Amazon's token
// endpoint as the DRS pre-registration page describes it: POST
// /auth/o2/token with grant_type device_preregistration (a device's serial
// and model for tokens) or refresh_token, answering with tokens or with
// the page's three documented errors. A manufacturer's QA team points its
// backend and companion app at it to exercise the pull and push flows
// before certification.
//
// Which devices are pre-registered comes from a Registry (the serialgate
// store the stations write); which client onboarded which model, and the
// clients' secrets, from the Server's fields. The allow-listed test device
// DRS_Test_Device / TestAmazonPreReg001 always exchanges with the test
// client.
//
// Tokens are random and opaque; the server keeps only their SHA-256
// hashes, in memory, so a restart forgets them. Neither tokens nor secrets
// are ever logged.
package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/serialgate/serialgate/drs"
)

// Paths the server answers.
const (
	TokenPath     = "/auth/o2/token"
	TokenInfoPath = "/auth/o2/tokeninfo"
)

// The spec example's test credentials, the default TestClient.
const (
	TestClientID     = "foodev"
	TestClientSecret = "Y76SDl2F"
)

// Error codes (RFC 6749 section 5.2) and descriptions of the answers. The
// pre-registration page names its three errors and their status (400) but
// prints no body; the descriptions here are the names in its error table,
// word for word, and the codes the nearest of RFC 6749's.
const (
	CodeInvalidRequest       = "invalid_request"
	CodeInvalidClient        = "invalid_client"
	CodeInvalidGrant         = "invalid_grant"
	CodeUnauthorizedClient   = "unauthorized_client"
	CodeUnsupportedGrantType = "unsupported_grant_type"
	CodeInvalidScope         = "invalid_scope"
	CodeInvalidToken         = "invalid_token"
	CodeServerError          = "server_error"

	// DescNotPreregistered: the device_model has been onboarded but the
	// device_serial_number was not pre-registered (not sold on Amazon, or
	// the customer skipped pre-registration).
	DescNotPreregistered = "DeviceSerialNumber not preregistered"
	// DescModelNotOnboarded: the device_model has not been onboarded to DRS.
	DescModelNotOnboarded = "Device Model not onboarded"
	// DescOtherCredentials: the LWA credentials do not belong to the
	// security profile used to onboard the device_model.
	DescOtherCredentials = "Device Model Onboarded with different credentials"
)

// The codes of the three documented errors.
const (
	CodeNotPreregistered  = CodeInvalidGrant
	CodeModelNotOnboarded = CodeInvalidScope
	CodeOtherCredentials  = CodeUnauthorizedClient
)

// ErrorBody is an error answer, LWA style.
type ErrorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// Client is an LWA client (a security profile) the endpoint knows.
type Client struct {
	ID string
	// Secret authenticates the client; a client without one onboards its
	// models but cannot authenticate.
	Secret string
	// Models are the device models onboarded with this client.
	Models []string
}

// String leaves the secret out.
func (c Client) String() string { return fmt.Sprintf("client %q (%d models)", c.ID, len(c.Models)) }

// GoString is String.
func (c Client) GoString() string { return c.String() }

// Registry tells whether a device was pre-registered (its box scanned in
// the fulfillment workflow): *record.Store's Seen, adapted.
type Registry interface {
	Preregistered(ctx context.Context, model, serial string) (bool, error)
}

// RegistryFunc adapts a function to Registry.
type RegistryFunc func(ctx context.Context, model, serial string) (bool, error)

// Preregistered calls f.
func (f RegistryFunc) Preregistered(ctx context.Context, model, serial string) (bool, error) {
	return f(ctx, model, serial)
}

// Server is the token endpoint, an http.Handler. The zero value serves
// only the test device with the test credentials.
type Server struct {
	// Clients are the known clients, each with the models it onboarded.
	Clients []Client
	// TestClient exchanges tokens for the allow-listed test device, whose
	// model it onboards. Zero: foodev / Y76SDl2F, the spec's example.
	TestClient Client
	// Registry says which devices are pre-registered; nil: none but the
	// test device.
	Registry Registry
	// AccessTTL is an access token's life (zero: one hour, as LWA's
	// expires_in 3600); RefreshTTL a refresh token's (zero: 30 days; LWA's
	// do not expire, but a sandbox must let a test see one that did).
	AccessTTL, RefreshTTL time.Duration
	// MaxBody bounds a request body (zero: 64 KiB).
	MaxBody int64
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Log gets one line per answer, without secrets or tokens (nil: none).
	Log *slog.Logger

	once    sync.Once
	clients map[string]Client // by ID
	models  map[string]string // model → the client ID that onboarded it
	initErr error

	mu     sync.Mutex
	tokens map[[32]byte]*grant // by SHA-256 of the token
}

// grant is what a token stands for.
type grant struct {
	refresh  bool
	clientID string
	serial   string
	model    string
	issued   time.Time
	expires  time.Time
}

func (s *Server) init() {
	s.once.Do(func() {
		s.clients = map[string]Client{}
		s.models = map[string]string{}
		s.tokens = map[[32]byte]*grant{}
		tc := s.TestClient
		if tc.ID == "" && tc.Secret == "" {
			tc.ID, tc.Secret = TestClientID, TestClientSecret
		}
		tc.Models = append([]string{drs.TestDeviceModel}, tc.Models...)
		for _, c := range append([]Client{tc}, s.Clients...) {
			if c.ID == "" {
				s.initErr = fmt.Errorf("sandbox: a client has no ID")
				return
			}
			if _, dup := s.clients[c.ID]; dup {
				s.initErr = fmt.Errorf("sandbox: client %q listed twice", c.ID)
				return
			}
			s.clients[c.ID] = c
			for _, m := range c.Models {
				if other, dup := s.models[m]; dup && other != c.ID {
					s.initErr = fmt.Errorf("sandbox: model %q onboarded by both %q and %q", m, other, c.ID)
					return
				}
				s.models[m] = c.ID
			}
		}
	})
}

// Check validates the configuration, naming the bad field.
func (s *Server) Check() error {
	s.init()
	return s.initErr
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) ttl() (access, refresh time.Duration) {
	access, refresh = s.AccessTTL, s.RefreshTTL
	if access <= 0 {
		access = time.Hour
	}
	if refresh <= 0 {
		refresh = 30 * 24 * time.Hour
	}
	return
}

// ServeHTTP answers the token and token-info endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.init()
	switch {
	case strings.EqualFold(r.URL.Path, TokenPath): // the pre-prod endpoint is spelled /auth/O2/token
		s.serveToken(w, r)
	case r.URL.Path == TokenInfoPath:
		s.serveTokenInfo(w, r)
	default:
		writeError(w, http.StatusNotFound, CodeInvalidRequest, "no such endpoint")
	}
}

// answer is what the server decided, for the log.
type answer struct {
	status int
	code   string
	detail string // log detail: never a secret or token
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	var req Request
	a := s.token(w, r, &req)
	if s.Log != nil {
		s.Log.Info("token request", "status", a.status, "error", a.code, "grant_type", req.GrantType,
			"client_id", req.ClientID, "device_model", req.Model, "device_serial_number", req.Serial, "detail", a.detail)
	}
}

func (s *Server) token(w http.ResponseWriter, r *http.Request, req *Request) answer {
	fail := func(status int, code, desc, detail string) answer {
		writeError(w, status, code, desc)
		return answer{status, code, detail}
	}
	if s.initErr != nil {
		return fail(http.StatusInternalServerError, CodeServerError, "the sandbox is misconfigured", s.initErr.Error())
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return fail(http.StatusMethodNotAllowed, CodeInvalidRequest, "use POST", r.Method)
	}
	max := s.MaxBody
	if max <= 0 {
		max = 64 << 10
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fail(http.StatusRequestEntityTooLarge, CodeInvalidRequest, fmt.Sprintf("request body over %d bytes", max), "")
		}
		return fail(http.StatusBadRequest, CodeInvalidRequest, "unreadable request body", err.Error())
	}
	if *req, err = ParseRequest(r.Header.Get("Content-Type"), body); err == nil {
		err = req.Validate()
	}
	if err != nil {
		return fail(http.StatusBadRequest, CodeInvalidRequest, strings.TrimPrefix(err.Error(), "read token request: "), "")
	}
	switch req.GrantType {
	case GrantPreregistration, GrantRefreshToken:
	default:
		return fail(http.StatusBadRequest, CodeUnsupportedGrantType, fmt.Sprintf("grant_type %q: want %s or %s", req.GrantType, GrantPreregistration, GrantRefreshToken), "")
	}
	c, ok := s.clients[req.ClientID]
	// Compare against some secret even for an unknown client, so that
	// timing does not tell which client IDs exist.
	want := c.Secret
	if !ok || want == "" {
		want = "\x00unknown client"
	}
	if subtle.ConstantTimeCompare([]byte(req.ClientSecret), []byte(want)) != 1 || !ok || c.Secret == "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="serialgate sandbox"`)
		return fail(http.StatusUnauthorized, CodeInvalidClient, "client authentication failed", "")
	}
	if req.GrantType == GrantRefreshToken {
		return s.refresh(w, req)
	}
	if req.Scope != drs.ScopeReplenish {
		return fail(http.StatusBadRequest, CodeInvalidScope, fmt.Sprintf("scope %q: want %s", req.Scope, drs.ScopeReplenish), "")
	}
	owner, onboarded := s.models[req.Model]
	switch {
	case !onboarded:
		return fail(http.StatusBadRequest, CodeModelNotOnboarded, DescModelNotOnboarded, "")
	case owner != req.ClientID:
		return fail(http.StatusBadRequest, CodeOtherCredentials, DescOtherCredentials, "")
	}
	registered := req.Model == drs.TestDeviceModel && req.Serial == drs.TestDeviceSerial
	if !registered && s.Registry != nil {
		registered, err = s.Registry.Preregistered(r.Context(), req.Model, req.Serial)
		if err != nil {
			return fail(http.StatusInternalServerError, CodeServerError, "the registry is not available", err.Error())
		}
	}
	if !registered {
		return fail(http.StatusBadRequest, CodeNotPreregistered, DescNotPreregistered, "")
	}
	now := s.now()
	accessTTL, refreshTTL := s.ttl()
	g := grant{clientID: req.ClientID, serial: req.Serial, model: req.Model, issued: now}
	access, err := s.issue(g, false, now.Add(accessTTL))
	if err != nil {
		return fail(http.StatusInternalServerError, CodeServerError, "cannot issue a token", err.Error())
	}
	refresh, err := s.issue(g, true, now.Add(refreshTTL))
	if err != nil {
		return fail(http.StatusInternalServerError, CodeServerError, "cannot issue a token", err.Error())
	}
	writeJSON(w, http.StatusOK, drs.Token{AccessToken: access, RefreshToken: refresh, TokenType: "bearer", ExpiresIn: int64(accessTTL / time.Second)})
	return answer{status: http.StatusOK}
}

// refresh answers a refresh_token grant: a new access token, and the
// same refresh token, as LWA does.
func (s *Server) refresh(w http.ResponseWriter, req *Request) answer {
	now := s.now()
	s.mu.Lock()
	h := sha256.Sum256([]byte(req.RefreshToken))
	g, ok := s.tokens[h]
	if ok && !now.Before(g.expires) {
		delete(s.tokens, h)
		ok = false
	}
	s.mu.Unlock()
	if !ok || !g.refresh || g.clientID != req.ClientID {
		writeError(w, http.StatusBadRequest, CodeInvalidGrant, "the refresh token is invalid, expired or not this client's")
		return answer{http.StatusBadRequest, CodeInvalidGrant, ""}
	}
	req.Serial, req.Model = g.serial, g.model
	accessTTL, _ := s.ttl()
	access, err := s.issue(grant{clientID: g.clientID, serial: g.serial, model: g.model, issued: now}, false, now.Add(accessTTL))
	if err != nil {
		writeError(w, http.StatusInternalServerError, CodeServerError, "cannot issue a token")
		return answer{http.StatusInternalServerError, CodeServerError, err.Error()}
	}
	writeJSON(w, http.StatusOK, drs.Token{AccessToken: access, RefreshToken: req.RefreshToken, TokenType: "bearer", ExpiresIn: int64(accessTTL / time.Second)})
	return answer{status: http.StatusOK}
}

// issue makes a token for g and keeps its hash.
func (s *Server) issue(g grant, refresh bool, expires time.Time) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	prefix := "Atza|" // the prefixes of the page's example tokens
	if refresh {
		prefix = "Atzr|"
	}
	tok := prefix + base64.RawURLEncoding.EncodeToString(b[:])
	g.refresh, g.expires = refresh, expires
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(g.issued)
	s.tokens[sha256.Sum256([]byte(tok))] = &g
	return tok, nil
}

// sweep forgets expired tokens, a few at a time.
func (s *Server) sweep(now time.Time) {
	n := 0
	for h, g := range s.tokens {
		if !now.Before(g.expires) {
			delete(s.tokens, h)
		}
		if n++; n > 16 {
			return
		}
	}
}

// TokenInfo is the answer of /auth/o2/tokeninfo, LWA's way to check an
// access token: which client it was issued to, for which device, and
// how long it has left.
type TokenInfo struct {
	Audience  string `json:"aud"`
	AppID     string `json:"app_id"`
	ExpiresIn int64  `json:"exp"`
	IssuedAt  int64  `json:"iat"`
	Serial    string `json:"device_serial_number"`
	Model     string `json:"device_model"`
}

// serveTokenInfo answers whether an access token (the access_token
// parameter, or a Bearer Authorization) is valid: an expired or unknown
// one is a 400 invalid_token.
func (s *Server) serveTokenInfo(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("access_token")
	if a := r.Header.Get("Authorization"); tok == "" && len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		tok = a[7:]
	}
	now := s.now()
	h := sha256.Sum256([]byte(tok))
	s.mu.Lock()
	g, ok := s.tokens[h]
	if ok && !now.Before(g.expires) {
		delete(s.tokens, h)
		ok = false
	}
	s.mu.Unlock()
	if !ok || g.refresh {
		if s.Log != nil {
			s.Log.Info("token info", "status", http.StatusBadRequest, "error", CodeInvalidToken)
		}
		writeError(w, http.StatusBadRequest, CodeInvalidToken, "the access token is invalid or expired")
		return
	}
	writeJSON(w, http.StatusOK, TokenInfo{Audience: g.clientID, AppID: g.clientID, ExpiresIn: int64(g.expires.Sub(now) / time.Second),
		IssuedAt: g.issued.Unix(), Serial: g.serial, Model: g.model})
}

func writeError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, ErrorBody{Error: code, Description: desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store") // RFC 6749 section 5.1
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
