package ui

import (
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/serialgate/serialgate/station"
)

//go:embed assets
var assets embed.FS

// Options configure a Screen. The zero value is a screen without a lock,
// wedge or camera preview.
type Options struct {
	// PIN is the supervisor PIN that clears a lock. A lock needs one.
	PIN string
	// LockOnDuplicate locks the screen when a duplicate serial is scanned.
	LockOnDuplicate bool
	// LockAfterFails locks the screen after that many failed scans in a
	// row; 0 never.
	LockAfterFails int
	// Wedge, when set, takes the keystrokes typed into the page as scans.
	Wedge *Wedge
	// Preview, when set, shows the camera's frames with the barcodes found.
	Preview Preview
	// BacklogAlarm is the pending events of one sink that raise the
	// backlog alarm; 0 means 100.
	BacklogAlarm int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Screen is the web operator screen: the page, its assets and its own
// routes, with the station API under /api/.
type Screen struct {
	api   *station.API
	opts  Options
	token [sha256.Size]byte

	mu      sync.Mutex
	lock    locker
	hour    [60]minute
	frame   Frame
	frameNo int64
}

// minute holds one minute's counts for the last hour.
type minute struct {
	at int64 // unix minute
	c  station.Counts
}

// New makes the screen for api's station.
func New(api *station.API, opts Options) (*Screen, error) {
	if api == nil || api.Station == nil {
		return nil, errors.New("ui: the API and its Station are required")
	}
	if (opts.LockOnDuplicate || opts.LockAfterFails > 0) && opts.PIN == "" {
		return nil, errors.New("ui: Options.PIN is required when the screen locks")
	}
	if opts.LockAfterFails < 0 {
		return nil, errors.New("ui: Options.LockAfterFails is negative")
	}
	if opts.BacklogAlarm <= 0 {
		opts.BacklogAlarm = 100
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Screen{api: api, opts: opts, lock: newLocker(opts.PIN, opts.LockOnDuplicate, opts.LockAfterFails)}
	s.token = sha256.Sum256([]byte(api.Token))
	return s, nil
}

// Observe takes one result into the lock and the last hour's counts. Call
// it for every result, from Station.Results.
func (s *Screen) Observe(r station.Result) {
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lock.observe(r, now)
	if !counted(r) || r.Verdict == "store_failed" {
		return
	}
	at := now.Unix() / 60
	m := &s.hour[at%60]
	if m.at != at {
		*m = minute{at: at}
	}
	m.c.Scans++
	switch {
	case r.OK:
		m.c.Pass++
	case r.Verdict == "duplicate":
		m.c.Duplicate++
		m.c.Fail++
	default:
		m.c.Fail++
	}
}

// Status is the screen's server-side state, GET /ui/status.
type Status struct {
	Lock         Lock           `json:"lock"`
	LockPolicy   LockPolicy     `json:"lock_policy"`
	LastHour     station.Counts `json:"last_hour"`
	Wedge        *WedgeStatus   `json:"wedge,omitempty"`
	Camera       bool           `json:"camera"`
	BacklogAlarm int            `json:"backlog_alarm"`
	Token        bool           `json:"token"` // a token is required
	// ModelPIN tells that changing the line's model needs the PIN.
	ModelPIN bool `json:"model_pin"`
}

// LockPolicy says when the screen locks.
type LockPolicy struct {
	Duplicate  bool `json:"duplicate"`
	AfterFails int  `json:"after_fails,omitempty"`
}

// WedgeStatus tells the page how to capture keystrokes.
type WedgeStatus struct {
	MaxGapMS int64 `json:"max_gap_ms"`
	Human    bool  `json:"human"`
}

// Status returns the screen's state.
func (s *Screen) Status() Status {
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Status{Lock: s.lock.lock, Camera: s.opts.Preview != nil, BacklogAlarm: s.opts.BacklogAlarm, Token: s.api.Token != "", ModelPIN: s.opts.PIN != "",
		LockPolicy: LockPolicy{Duplicate: s.opts.LockOnDuplicate, AfterFails: s.opts.LockAfterFails}}
	at := now.Unix() / 60
	for _, m := range s.hour {
		if m.at > at-60 && m.at <= at {
			st.LastHour.Scans += m.c.Scans
			st.LastHour.Pass += m.c.Pass
			st.LastHour.Fail += m.c.Fail
			st.LastHour.Duplicate += m.c.Duplicate
		}
	}
	if w := s.opts.Wedge; w != nil {
		st.Wedge = &WedgeStatus{MaxGapMS: w.maxGap().Milliseconds(), Human: w.Human}
	}
	return st
}

// Unlock clears the lock when pin is the supervisor PIN.
func (s *Screen) Unlock(pin string) error {
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lock.unlock(pin, now)
}

// Locked tells whether the screen is locked.
func (s *Screen) Locked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lock.lock.Locked
}

// security headers for every response of the screen: the page runs only
// its own script, so even a barcode that got into markup could not run.
func secure(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; media-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}

// ServeHTTP routes the screen.
func (s *Screen) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	secure(w)
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/api/"):
		s.api.ServeHTTP(w, r)
		return
	case p == "/" || p == "/index.html":
		s.asset(w, r, "index.html")
		return
	case p == "/ui/screen.js" || p == "/ui/screen.css":
		s.asset(w, r, path.Base(p))
		return
	case !strings.HasPrefix(p, "/ui/"):
		http.NotFound(w, r)
		return
	}
	if !s.authorized(r) {
		http.Error(w, "a valid access token is required", http.StatusUnauthorized)
		return
	}
	if r.Method == http.MethodPost && !s.sameOrigin(r) {
		http.Error(w, "actions must come from the screen itself (JSON, same origin)", http.StatusForbidden)
		return
	}
	switch {
	case p == "/ui/status" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, s.Status())
	case p == "/ui/unlock" && r.Method == http.MethodPost:
		s.unlock(w, r)
	case p == "/ui/scan" && r.Method == http.MethodPost:
		s.scan(w, r)
	case p == "/ui/model" && r.Method == http.MethodPost:
		s.setModel(w, r)
	case p == "/ui/preview.json" && r.Method == http.MethodGet:
		s.previewJSON(w, r)
	case p == "/ui/preview.jpg" && r.Method == http.MethodGet:
		s.previewJPEG(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (s *Screen) asset(w http.ResponseWriter, r *http.Request, name string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	b, err := assets.ReadFile("assets/" + name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(b)
}

// authorized checks the access token, when the API has one, in constant
// time.
func (s *Screen) authorized(r *http.Request) bool {
	if s.api.Token == "" {
		return true
	}
	got := r.URL.Query().Get("token")
	if a := r.Header.Get("Authorization"); strings.HasPrefix(a, "Bearer ") {
		got = strings.TrimPrefix(a, "Bearer ")
	}
	sum := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(sum[:], s.token[:]) == 1
}

// sameOrigin refuses actions another web page could send through the
// operator's browser: they must be JSON (which needs a CORS preflight the
// screen never grants) and, when the browser names an origin, the screen's.
func (s *Screen) sameOrigin(r *http.Request) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/json" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// problem is an error answer the page shows.
type problem struct {
	Error string `json:"error"`
}

func (s *Screen) unlock(w http.ResponseWriter, r *http.Request) {
	var req struct {
		PIN string `json:"pin"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<10)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, problem{"bad request: " + err.Error()})
		return
	}
	switch err := s.Unlock(req.PIN); {
	case errors.Is(err, ErrTooMany):
		writeJSON(w, http.StatusTooManyRequests, problem{err.Error()})
	case err != nil:
		writeJSON(w, http.StatusForbidden, problem{err.Error()})
	default:
		writeJSON(w, http.StatusOK, s.Status())
	}
}

// setModel switches a verify line to another model, the operator's pick
// on the screen. Where a supervisor PIN is set, a model change needs it:
// the model decides which boxes ship.
func (s *Screen) setModel(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Model string `json:"model"`
		PIN   string `json:"pin"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<12)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, problem{"bad request: " + err.Error()})
		return
	}
	if s.opts.PIN != "" {
		now := s.opts.Now()
		s.mu.Lock()
		err := s.lock.check(req.PIN, now)
		s.mu.Unlock()
		switch {
		case errors.Is(err, ErrTooMany):
			writeJSON(w, http.StatusTooManyRequests, problem{err.Error()})
			return
		case err != nil:
			writeJSON(w, http.StatusForbidden, problem{"a supervisor's PIN is needed to change the model: " + err.Error()})
			return
		}
	}
	err := s.api.Station.Do(r.Context(), func(l *station.Line) error {
		if l.Workflow != station.Verify {
			return errors.New("a pre-registration line takes each order's model from its manifest")
		}
		m := l.Rules.ByModel(req.Model)
		if m == nil {
			m = l.Rules.ByASIN(req.Model)
		}
		if m == nil {
			return fmt.Errorf("model %q is not in the rules", req.Model)
		}
		l.SetModel(m)
		return nil
	})
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, problem{err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, s.api.Station.State())
}

// scanRequest is a keyboard-wedge scan: the text typed and the gaps
// between the keys, Enter included, in milliseconds.
type scanRequest struct {
	Text string    `json:"text"`
	Gaps []float64 `json:"gaps_ms"`
}

func (s *Screen) scan(w http.ResponseWriter, r *http.Request) {
	wd := s.opts.Wedge
	if wd == nil {
		writeJSON(w, http.StatusNotFound, problem{"this station takes no keyboard scans"})
		return
	}
	var req scanRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 4*maxWedgeText+1<<16)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, problem{"bad request: " + err.Error()})
		return
	}
	if s.Locked() {
		writeJSON(w, http.StatusLocked, problem{"the screen is locked: a supervisor must enter the PIN"})
		return
	}
	gaps := make([]time.Duration, len(req.Gaps))
	for i, g := range req.Gaps {
		gaps[i] = time.Duration(g * float64(time.Millisecond))
	}
	switch err := wd.Offer(req.Text, gaps); {
	case errors.Is(err, ErrBusy):
		writeJSON(w, http.StatusServiceUnavailable, problem{err.Error()})
	case err != nil:
		writeJSON(w, http.StatusUnprocessableEntity, problem{err.Error()})
	default:
		writeJSON(w, http.StatusAccepted, struct{}{})
	}
}

type previewInfo struct {
	Seq    int64     `json:"seq"`
	Width  int       `json:"width"`
	Height int       `json:"height"`
	Boxes  []Box     `json:"boxes"`
	Time   time.Time `json:"time,omitzero"`
}

// previewJSON takes a new frame from the camera and describes it; the page
// then loads that frame's JPEG by its seq, so boxes and picture match.
func (s *Screen) previewJSON(w http.ResponseWriter, r *http.Request) {
	if s.opts.Preview == nil {
		writeJSON(w, http.StatusNotFound, problem{"this station has no camera preview"})
		return
	}
	f, err := s.opts.Preview(r.Context())
	if err != nil {
		writeJSON(w, http.StatusServiceUnavailable, problem{"camera: " + err.Error()})
		return
	}
	s.mu.Lock()
	s.frameNo++
	s.frame = f
	info := previewInfo{Seq: s.frameNo, Width: f.Width, Height: f.Height, Boxes: f.Boxes, Time: f.Time}
	s.mu.Unlock()
	if info.Boxes == nil {
		info.Boxes = []Box{}
	}
	writeJSON(w, http.StatusOK, info)
}

func (s *Screen) previewJPEG(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f := s.frame
	s.mu.Unlock()
	if f.JPEG == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(f.JPEG)
}

// Assets returns the page's files (index.html, screen.js, screen.css).
func Assets() fs.FS {
	sub, _ := fs.Sub(assets, "assets")
	return sub
}
