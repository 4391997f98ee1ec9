package ui_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"io/fs"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/station"
	"github.com/serialgate/serialgate/ui"
)

func do(t *testing.T, method, url, token, ctype, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func status(t *testing.T, url, token string) ui.Status {
	t.Helper()
	code, body := do(t, "GET", url+"/ui/status", token, "", "")
	if code != 200 {
		t.Fatalf("status: %d %s", code, body)
	}
	var st ui.Status
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestNewValidates(t *testing.T) {
	r := newRig(t, "", ui.Options{})
	if _, err := ui.New(r.api, ui.Options{LockOnDuplicate: true}); err == nil || !strings.Contains(err.Error(), "PIN") {
		t.Errorf("lock without PIN: %v", err)
	}
	if _, err := ui.New(&station.API{}, ui.Options{}); err == nil {
		t.Error("no station: no error")
	}
	if _, err := ui.New(r.api, ui.Options{PIN: "1", LockAfterFails: -1}); err == nil {
		t.Error("negative LockAfterFails: no error")
	}
}

func TestPageAndAssets(t *testing.T) {
	r := newRig(t, "", ui.Options{})
	srv := serve(t, r.screen)
	for _, tc := range []struct{ path, ctype, has string }{
		{"/", "text/html", `<script src="/ui/screen.js"`},
		{"/ui/screen.js", "javascript", "textContent"},
		{"/ui/screen.css", "text/css", "--pass"},
	} {
		resp, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), tc.ctype) || !strings.Contains(string(b), tc.has) {
			t.Errorf("%s: %d %s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: CSP %q", tc.path, csp)
		}
	}
	if code, _ := do(t, "GET", srv.URL+"/nope", "", "", ""); code != 404 {
		t.Errorf("/nope: %d", code)
	}
	if code, body := do(t, "GET", srv.URL+"/api/state", "", "", ""); code != 200 || !strings.Contains(body, `"station":"bench-1"`) {
		t.Errorf("/api/state through the screen: %d %s", code, body)
	}
	// The page never writes markup from data: no innerHTML or the like.
	js, _ := fs.ReadFile(ui.Assets(), "screen.js")
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("} {
		if strings.Contains(string(js), bad) {
			t.Errorf("screen.js uses %s", bad)
		}
	}
}

// TestAssetSize keeps the page light: everything a screen loads under
// 200 kB.
func TestAssetSize(t *testing.T) {
	total := 0
	fs.WalkDir(ui.Assets(), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(ui.Assets(), p)
			total += len(b)
		}
		return nil
	})
	t.Logf("assets: %d bytes", total)
	if total == 0 || total >= 200_000 {
		t.Errorf("assets total %d bytes, want 0 < n < 200000", total)
	}
}

func TestToken(t *testing.T) {
	r := newRig(t, "s3cret", ui.Options{PIN: "1234", LockOnDuplicate: true})
	srv := serve(t, r.screen)
	if code, _ := do(t, "GET", srv.URL+"/", "", "", ""); code != 200 {
		t.Errorf("page without token: %d", code)
	}
	for _, p := range []string{"/ui/status", "/api/state"} {
		if code, _ := do(t, "GET", srv.URL+p, "", "", ""); code != 401 {
			t.Errorf("%s without token: %d", p, code)
		}
		if code, _ := do(t, "GET", srv.URL+p, "wrong", "", ""); code != 401 {
			t.Errorf("%s wrong token: %d", p, code)
		}
		if code, _ := do(t, "GET", srv.URL+p, "s3cret", "", ""); code != 200 {
			t.Errorf("%s with token: %d", p, code)
		}
		if code, _ := do(t, "GET", srv.URL+p+"?token=s3cret", "", "", ""); code != 200 {
			t.Errorf("%s ?token=: %d", p, code)
		}
	}
	if code, _ := do(t, "POST", srv.URL+"/ui/unlock", "", "application/json", `{"pin":"1234"}`); code != 401 {
		t.Errorf("unlock without token: %d", code)
	}
	if code, _ := do(t, "POST", srv.URL+"/ui/scan", "", "application/json", `{"text":"AC2000000001"}`); code != 401 {
		t.Errorf("scan without token: %d", code)
	}
	if code, _ := do(t, "POST", srv.URL+"/api/model", "", "application/json", `{"model":"KW_BREW_KETTLE"}`); code != 401 {
		t.Errorf("model change without token: %d", code)
	}
	if st := status(t, srv.URL, "s3cret"); !st.Token || !st.LockPolicy.Duplicate {
		t.Errorf("status %+v", st)
	}
}

// TestCrossSite refuses actions another web page could post through the
// operator's browser.
func TestCrossSite(t *testing.T) {
	r := newRig(t, "", ui.Options{PIN: "1234", LockOnDuplicate: true})
	srv := serve(t, r.screen)
	if code, _ := do(t, "POST", srv.URL+"/ui/unlock", "", "text/plain", `{"pin":"1234"}`); code != 403 {
		t.Errorf("text/plain unlock: %d", code)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/ui/scan", strings.NewReader(`{"text":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "http://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("cross-origin scan: %d", resp.StatusCode)
	}
}

func TestLockOnDuplicate(t *testing.T) {
	r := newRig(t, "", ui.Options{PIN: "2468", LockOnDuplicate: true})
	srv := serve(t, r.screen)
	if res := r.scan(t, "AC2000000001"); !res.OK {
		t.Fatalf("first scan: %+v", res)
	}
	if status(t, srv.URL, "").Lock.Locked {
		t.Fatal("locked after a pass")
	}
	if res := r.scan(t, "AC2000000001"); res.Verdict != "duplicate" {
		t.Fatalf("second scan: %+v", res)
	}
	st := status(t, srv.URL, "")
	if !st.Lock.Locked || st.Lock.Serial != "AC2000000001" || st.Lock.Reason == "" {
		t.Fatalf("after a duplicate: %+v", st.Lock)
	}
	// Locked: the wedge takes no scans; the lock survives a reload (it is
	// the server's).
	body := fmt.Sprintf(`{"text":"AC2000000002","gaps_ms":%s}`, msJSON(fast("AC2000000002")))
	if code, _ := do(t, "POST", srv.URL+"/ui/scan", "", "application/json", body); code != 423 {
		t.Errorf("wedge scan while locked: %d", code)
	}
	if code, _ := do(t, "POST", srv.URL+"/ui/unlock", "", "application/json", `{"pin":"1111"}`); code != 403 {
		t.Errorf("wrong PIN: %d", code)
	}
	if !status(t, srv.URL, "").Lock.Locked {
		t.Fatal("wrong PIN unlocked")
	}
	if code, b := do(t, "POST", srv.URL+"/ui/unlock", "", "application/json", `{"pin":"2468"}`); code != 200 || strings.Contains(b, `"locked":true`) {
		t.Errorf("right PIN: %d %s", code, b)
	}
	if status(t, srv.URL, "").Lock.Locked {
		t.Fatal("still locked")
	}
}

func TestLockAfterFails(t *testing.T) {
	r := newRig(t, "", ui.Options{PIN: "2468", LockAfterFails: 3})
	r.scan(t, "bad-1")
	r.scan(t, "bad-2")
	r.scan(t, "AC2000000001") // a pass resets the run
	r.scan(t, "bad-3")
	r.scan(t, "bad-4")
	if r.screen.Locked() {
		t.Fatal("locked after two fails in a row")
	}
	r.scan(t, "B0KETTLE01") // a model scan is no fail
	r.scan(t, "ACME_PURIFIER_200")
	if r.screen.Locked() {
		t.Fatal("locked by model scans")
	}
	r.scan(t, "bad-5")
	st := r.screen.Status()
	if !st.Lock.Locked || st.Lock.Fails != 3 || st.Lock.Serial != "bad-5" {
		t.Fatalf("after three fails: %+v", st.Lock)
	}
	r.scan(t, "AC2000000009")
	if st := r.screen.Status(); !st.Lock.Locked || st.Lock.During != 1 {
		t.Fatalf("a pass while locked unlocked: %+v", st.Lock)
	}
	if err := r.screen.Unlock("2468"); err != nil || r.screen.Locked() {
		t.Fatalf("unlock: %v", err)
	}
}

// TestPINTries stops guessing: five wrong PINs in a row refuse tries for a
// minute, even the right one.
func TestPINTries(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	r := newRig(t, "", ui.Options{PIN: "2468", LockAfterFails: 1, Now: func() time.Time { return now }})
	r.scan(t, "bad")
	for i := range 5 {
		if err := r.screen.Unlock(fmt.Sprint(1000 + i)); !errors.Is(err, ui.ErrWrongPIN) {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	if err := r.screen.Unlock("2468"); !errors.Is(err, ui.ErrTooMany) {
		t.Fatalf("sixth try: %v", err)
	}
	now = now.Add(61 * time.Second)
	if err := r.screen.Unlock("2468"); err != nil {
		t.Fatalf("after the wait: %v", err)
	}
}

func TestLastHour(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	r := newRig(t, "", ui.Options{Now: clock})
	r.scan(t, "AC2000000001")
	r.scan(t, "bad")
	now = now.Add(30 * time.Minute)
	r.scan(t, "AC2000000001") // duplicate
	r.scan(t, "B0ACME0200")   // a model scan is not counted
	if h := r.screen.Status().LastHour; h != (station.Counts{Scans: 3, Pass: 1, Fail: 2, Duplicate: 1}) {
		t.Errorf("at 10:30: %+v", h)
	}
	now = now.Add(40 * time.Minute) // 10:70: the first two are over an hour old
	if h := r.screen.Status().LastHour; h != (station.Counts{Scans: 1, Fail: 1, Duplicate: 1}) {
		t.Errorf("at 11:10: %+v", h)
	}
	now = now.Add(2 * time.Hour)
	if h := r.screen.Status().LastHour; h != (station.Counts{}) {
		t.Errorf("at 13:10: %+v", h)
	}
}

func TestWedgeCheck(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		w     *ui.Wedge
		text  string
		gaps  []time.Duration
		want  error
		human bool
	}{
		{"scanner", &ui.Wedge{}, "AC21", ms(4, 6, 5, 8), nil, false},
		{"at the limit", &ui.Wedge{}, "AC21", ms(50, 50, 50, 50), nil, false},
		{"one slow key", &ui.Wedge{}, "AC21", ms(4, 6, 120, 8), ui.ErrTyped, false},
		{"slow enter", &ui.Wedge{}, "AC21", ms(4, 6, 5, 300), ui.ErrTyped, false},
		{"one hiccup in twelve", &ui.Wedge{}, "AC2000000005", ms(900, 8, 6, 4, 4, 29, 3, 2, 3, 3, 1, 3), nil, false},
		{"two hiccups in twelve", &ui.Wedge{}, "AC2000000005", ms(900, 8, 6, 4, 400, 29, 3, 2, 3, 3, 1, 3), ui.ErrTyped, false},
		{"a pause too long", &ui.Wedge{}, "AC2000000005", ms(2100, 8, 6, 4, 4, 29, 3, 2, 3, 3, 1, 3), ui.ErrTyped, false},
		{"fast person", &ui.Wedge{}, "AC2000000005", ms(90, 40, 120, 45, 80, 110, 30, 95, 60, 70, 100, 130), ui.ErrTyped, false},
		{"person", &ui.Wedge{}, "AC21", ms(180, 220, 150, 400), ui.ErrTyped, false},
		{"no timings", &ui.Wedge{}, "AC21", nil, ui.ErrTyped, false},
		{"negative gap", &ui.Wedge{}, "AC21", ms(4, -1, 5, 8), ui.ErrTyped, false},
		{"person allowed", &ui.Wedge{Human: true}, "AC21", ms(180, 220, 150, 400), nil, false},
		{"wider gap setting", &ui.Wedge{MaxGap: 200 * time.Millisecond}, "AC21", ms(180, 120, 150, 190), nil, false},
		{"empty", &ui.Wedge{Human: true}, "\r\n", nil, ui.ErrEmpty, false},
	} {
		if err := tc.w.Check(tc.text, tc.gaps); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

func msJSON(g []time.Duration) string {
	parts := make([]string, len(g))
	for i, d := range g {
		parts[i] = fmt.Sprint(float64(d) / float64(time.Millisecond))
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func TestWedgeScan(t *testing.T) {
	r := newRig(t, "", ui.Options{})
	srv := serve(t, r.screen)
	sub := r.st.Hub.Subscribe()
	defer r.st.Hub.Unsubscribe(sub)
	body := fmt.Sprintf(`{"text":"AC2000000001","gaps_ms":%s}`, msJSON(fast("AC2000000001")))
	if code, b := do(t, "POST", srv.URL+"/ui/scan", "", "application/json", body); code != 202 {
		t.Fatalf("wedge scan: %d %s", code, b)
	}
	select {
	case res := <-sub.C:
		if !res.OK || res.Serial != "AC2000000001" || res.Source != "wedge" {
			t.Errorf("result %+v", res)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no result")
	}
	slow := `{"text":"AC2000000002","gaps_ms":[200,210,190,250,180,220,200,230,210,190,200,300]}`
	if code, b := do(t, "POST", srv.URL+"/ui/scan", "", "application/json", slow); code != 422 || !strings.Contains(b, "slowly") {
		t.Errorf("typed: %d %s", code, b)
	}
	if n := r.rec.count(); n != 1 {
		t.Errorf("%d records, want 1", n)
	}
	// A station without a wedge takes no keyboard scans.
	other, _ := ui.New(r.api, ui.Options{})
	srv2 := serve(t, other)
	if code, _ := do(t, "POST", srv2.URL+"/ui/scan", "", "application/json", body); code != 404 {
		t.Errorf("no wedge: %d", code)
	}
}

func TestWedgeBusy(t *testing.T) {
	w := &ui.Wedge{}
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		err = w.Offer("AC2000000001", fast("AC2000000001"))
	}
	if !errors.Is(err, ui.ErrBusy) {
		t.Fatalf("no loop reading: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sc, err := w.Next(ctx)
	if err != nil || sc.Text != "AC2000000001" || sc.Source != "wedge" || sc.Time.IsZero() {
		t.Errorf("next: %+v %v", sc, err)
	}
	cancel()
	for {
		if _, err := w.Next(ctx); err != nil {
			break
		}
	}
}

func TestPreview(t *testing.T) {
	r := newRig(t, "", ui.Options{})
	srv := serve(t, r.screen)
	if code, _ := do(t, "GET", srv.URL+"/ui/preview.json", "", "", ""); code != 404 {
		t.Errorf("no camera: %d", code)
	}
	jpeg := []byte("\xff\xd8\xff\xe0fake\xff\xd9")
	cam, _ := ui.New(r.api, ui.Options{Preview: func(context.Context) (ui.Frame, error) {
		return ui.Frame{JPEG: jpeg, Width: 640, Height: 480, Boxes: []ui.Box{{Text: "<b>AC2</b>", Points: []image.Point{{10, 10}, {100, 10}, {100, 40}, {10, 40}}}}}, nil
	}})
	srv2 := serve(t, cam)
	if !status(t, srv2.URL, "").Camera {
		t.Error("status: no camera")
	}
	code, body := do(t, "GET", srv2.URL+"/ui/preview.json", "", "", "")
	var info struct {
		Seq           int64
		Width, Height int
		Boxes         []ui.Box
	}
	if err := json.Unmarshal([]byte(body), &info); code != 200 || err != nil || info.Seq != 1 || info.Width != 640 || len(info.Boxes) != 1 || info.Boxes[0].Text != "<b>AC2</b>" {
		t.Errorf("preview.json: %d %s", code, body)
	}
	if code, b := do(t, "GET", srv2.URL+"/ui/preview.jpg?seq=1", "", "", ""); code != 200 || b != string(jpeg) {
		t.Errorf("preview.jpg: %d", code)
	}
}

// TestFrozenBrowser holds an event stream open and never reads it (a
// frozen tab): the scan loop still judges and records every scan at once.
// The stream's writes block on the full socket while the hub drops results
// for it; that is the hub's promise, checked here end to end.
func TestFrozenBrowser(t *testing.T) {
	r := newRig(t, "", ui.Options{})
	srv := serve(t, r.screen)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetReadBuffer(4096) // fill up fast
	}
	fmt.Fprintf(conn, "GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(conn)
	line, err := br.ReadString('\n')
	if err != nil || !strings.Contains(line, "200") {
		t.Fatalf("event stream: %q %v", line, err)
	}
	// Enough results to fill the hub's buffer and the socket's many times
	// over, each with a long serial.
	start := time.Now()
	long := strings.Repeat("X", 2000)
	const n = 3000
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for i := range n {
		select {
		case r.feed <- serialgate.Scan{Text: fmt.Sprintf("%s%06d", long, i)}:
		case <-ctx.Done():
			t.Fatalf("the scan loop stalled after %d scans behind a frozen browser", i)
		}
	}
	t.Logf("fed %v", time.Since(start))
	// The loop took every scan; wait for the last to be recorded.
	for r.rec.count() < n {
		select {
		case <-ctx.Done():
			t.Fatalf("%d of %d recorded", r.rec.count(), n)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Logf("recorded %v", time.Since(start))
}

// The operator picks the line's model on the screen: only a model of the
// rules, only on a verify line, only with the supervisor's PIN where one is
// set, and only with the access token where one is required.
func TestModelPicker(t *testing.T) {
	r := newRig(t, "tok", ui.Options{PIN: "2468"})
	srv := serve(t, r.screen)
	if st := status(t, srv.URL, "tok"); !st.ModelPIN {
		t.Errorf("status does not say the PIN is needed: %+v", st)
	}
	snap := r.st.State()
	if len(snap.Models) < 2 || snap.Model != "ACME_PURIFIER_200" {
		t.Fatalf("state: models %q, model %q", snap.Models, snap.Model)
	}
	post := func(token, body string) (int, string) {
		return do(t, "POST", srv.URL+"/ui/model", token, "application/json", body)
	}
	for _, tc := range []struct {
		token, body string
		code        int
	}{
		{"", `{"model":"KW_BREW_KETTLE","pin":"2468"}`, 401},
		{"tok", `{"model":"KW_BREW_KETTLE"}`, 403},
		{"tok", `{"model":"KW_BREW_KETTLE","pin":"1111"}`, 403},
		{"tok", `{"model":"NO_SUCH_MODEL","pin":"2468"}`, 422},
		{"tok", `{"model":`, 400},
	} {
		if code, body := post(tc.token, tc.body); code != tc.code {
			t.Errorf("%s with token %q: %d %s, want %d", tc.body, tc.token, code, body, tc.code)
		}
	}
	if m := r.st.State().Model; m != "ACME_PURIFIER_200" {
		t.Fatalf("a refused change changed the model to %s", m)
	}
	code, body := post("tok", `{"model":"KW_BREW_KETTLE","pin":"2468"}`)
	if code != 200 || !strings.Contains(body, `"model":"KW_BREW_KETTLE"`) {
		t.Fatalf("change: %d %s", code, body)
	}
	if res := r.scan(t, "BK2024W0112345"); !res.OK || res.Model != "KW_BREW_KETTLE" {
		t.Errorf("a kettle serial after the change: %+v", res)
	}

	p := newPreregRig(t)
	psrv := serve(t, p.screen)
	if code, body := do(t, "POST", psrv.URL+"/ui/model", "", "application/json", `{"model":"KW_BREW_KETTLE"}`); code != 422 || !strings.Contains(body, "manifest") {
		t.Errorf("prereg line: %d %s", code, body)
	}
}
