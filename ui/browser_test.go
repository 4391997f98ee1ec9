//go:build browser

package ui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/internal/testenv"
	"github.com/serialgate/serialgate/ui"
)

var update = flag.Bool("update", false, "write docs/screen.png from the browser tests")

// browser starts a headless Chromium for the test, with a fresh profile and
// a 1280×800 window (the touch panel). The page's CSP is bypassed so that
// a markup bug in the page would run the XSS payloads rather than be
// blocked by the policy: the tests check the page, not only the header.
func browser(t *testing.T) (context.Context, *atomic.Int32) {
	t.Helper()
	path := "/usr/bin/chromium"
	if _, err := os.Stat(path); err != nil {
		p, err := exec.LookPath("chromium")
		if err != nil {
			testenv.Missing(t, "chromium", "chromium")
		}
		path = p
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	dialogs := new(atomic.Int32)
	events := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			dialogs.Add(1)
			t.Logf("dialog opened: %q", ev.Message)
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	if _, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	return ctx, dialogs
}

func artifacts(t *testing.T) string {
	if d := os.Getenv("SERIALGATE_ARTIFACTS"); d != "" {
		d = filepath.Join(d, "ui")
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func shot(t *testing.T, ctx context.Context, dir, name string) []byte {
	t.Helper()
	chromedp.Do(ctx, chromedp.Sleep(350*time.Millisecond)) // the verdict's shape has popped
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
	return png
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// waitJS waits until the expression is truthy.
func waitJS(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('word').textContent + ' | ' + document.getElementById('serial').textContent + ' | ' + document.getElementById('conn').textContent`))
		t.Fatalf("%s: %v (screen: %s)", what, err, state)
	}
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func open(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "live", `document.body.dataset.live === '1'`)
}

// waitVerdict waits for the banner to show word and serial.
func waitVerdict(t *testing.T, ctx context.Context, word, serial string) {
	t.Helper()
	waitJS(t, ctx, word+" "+serial, fmt.Sprintf(`document.getElementById('word').textContent === %s && document.getElementById('serial').textContent === %s`, js(word), js(serial)))
}

// fits tells whether the banner shows its word, serial, reason and next
// step whole, within the screen.
func fits(t *testing.T, ctx context.Context) bool {
	return eval[bool](t, ctx, `(() => {
		const b = document.getElementById('banner').getBoundingClientRect();
		const w = document.getElementById('word');
		const n = document.getElementById('next').getBoundingClientRect();
		return n.bottom <= b.bottom && b.bottom <= innerHeight && w.scrollWidth <= w.clientWidth + 1 && w.getBoundingClientRect().right <= b.right;
	})()`)
}

func bannerColor(t *testing.T, ctx context.Context) string {
	return eval[string](t, ctx, `getComputedStyle(document.getElementById('banner')).backgroundColor`)
}

func TestBrowserVerdicts(t *testing.T) {
	ctx, dialogs := browser(t)
	dir := artifacts(t)
	r := newRig(t, "", ui.Options{})
	srv := serve(t, r.screen)
	open(t, ctx, srv.URL)
	shot(t, ctx, dir, "ready.png")

	r.scan(t, "AC2000000001")
	waitVerdict(t, ctx, "PASS", "AC2000000001")
	if c := bannerColor(t, ctx); c != "rgb(0, 158, 115)" {
		t.Errorf("pass banner colour %s", c)
	}
	if !eval[bool](t, ctx, `getComputedStyle(document.querySelector('#banner .i-pass')).display !== 'none'`) {
		t.Error("pass: no circle ✓")
	}
	if got := eval[string](t, ctx, `document.getElementById('next').textContent`); got != "ship the box" {
		t.Errorf("pass next %q", got)
	}
	png := shot(t, ctx, dir, "pass.png")
	if *update {
		if err := os.WriteFile("../docs/screen.png", png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	r.scan(t, "AC200000001")
	waitVerdict(t, ctx, "FAIL", "AC200000001")
	if c := bannerColor(t, ctx); c != "rgb(213, 94, 0)" {
		t.Errorf("fail banner colour %s", c)
	}
	if !eval[bool](t, ctx, `getComputedStyle(document.querySelector('#banner .i-fail')).display !== 'none'`) {
		t.Error("fail: no octagon ✕")
	}
	if got := eval[string](t, ctx, `document.getElementById('reason').textContent`); got == "" {
		t.Error("fail: no reason")
	}
	shot(t, ctx, dir, "fail.png")

	r.scan(t, "BK2024W0112345")
	waitVerdict(t, ctx, "WRONG MODEL", "BK2024W0112345")
	if !fits(t, ctx) {
		t.Error("wrong model: the banner is cut")
	}
	shot(t, ctx, dir, "wrong-model.png")
	r.scan(t, "AC2000000001")
	waitVerdict(t, ctx, "DUPLICATE", "AC2000000001")
	shot(t, ctx, dir, "duplicate.png")

	waitJS(t, ctx, "counts", `document.getElementById('c-scans').textContent === '4' && document.getElementById('c-pass').textContent === '1' && document.getElementById('c-dup').textContent === '1' && document.getElementById('h-scans').textContent === '4'`)
	if n := eval[int](t, ctx, `document.querySelectorAll('#recent-rows tr').length`); n != 4 {
		t.Errorf("%d recent rows", n)
	}
	if n := eval[int](t, ctx, `window.__latencies.length`); n != 4 {
		t.Errorf("%d latencies", n)
	}
	// Both screen sizes hold the page without scrolling.
	for _, size := range [][2]int64{{1280, 800}, {1920, 1080}} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(size[0], size[1])); err != nil {
			t.Fatal(err)
		}
		if !eval[bool](t, ctx, `document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth`) {
			t.Errorf("%dx%d: the page scrolls", size[0], size[1])
		}
		for _, v := range [][2]string{{"WRONG MODEL", "BK2024W0112345"}, {"DUPLICATE", "AC2000000001"}} { // the longest reason, a long word
			serial := v[1]
			r.scan(t, serial)
			waitVerdict(t, ctx, v[0], serial)
			if !fits(t, ctx) {
				t.Errorf("%dx%d: the banner of %s is cut", size[0], size[1], serial)
			}
		}
		shot(t, ctx, dir, fmt.Sprintf("duplicate-%dx%d.png", size[0], size[1]))
	}
	// A sink's backlog and a gone scanner raise the alarm.
	r.setHealth(ui.Health{Sources: []ui.SourceHealth{{Name: "scanner", Kind: "serial", OK: false, Error: "unplugged"}}, Store: ui.StoreHealth{OK: true},
		Sinks: []ui.SinkHealth{{Name: "sns", Pending: 250, LastError: "timeout"}}})
	waitJS(t, ctx, "alarm", `!document.getElementById('alarm').hidden && document.getElementById('alarm-text').textContent.includes('SCANNER GONE: scanner') && document.getElementById('alarm-text').textContent.includes('250 events waiting')`)
	shot(t, ctx, dir, "alarm-1920x1080.png")
	if d := dialogs.Load(); d != 0 {
		t.Errorf("%d dialogs", d)
	}
}

func TestBrowserOrder(t *testing.T) {
	ctx, _ := browser(t)
	dir := artifacts(t)
	r := newPreregRig(t)
	srv := serve(t, r.screen)
	open(t, ctx, srv.URL)
	r.scan(t, "AC2000000001")
	waitVerdict(t, ctx, "NO ORDER", "AC2000000001")
	r.scan(t, "114-1")
	waitVerdict(t, ctx, "ORDER", "114-1")
	waitJS(t, ctx, "order shown", `document.getElementById('target-value').textContent === '114-1 · B0ACME0200' && document.getElementById('progress-text').textContent === '0 / 3'`)
	r.scan(t, "AC2000000001")
	waitVerdict(t, ctx, "PASS", "AC2000000001")
	r.scan(t, "AC2000000002")
	waitVerdict(t, ctx, "PASS", "AC2000000002")
	waitJS(t, ctx, "progress", `document.getElementById('progress-text').textContent === '2 / 3' && document.getElementById('next').textContent.includes('1 left')`)
	shot(t, ctx, dir, "order.png")
}

func TestBrowserXSS(t *testing.T) {
	ctx, dialogs := browser(t)
	dir := artifacts(t)
	r := newRig(t, "", ui.Options{})
	srv := serve(t, r.screen)
	open(t, ctx, srv.URL)
	for i, payload := range []string{`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`, `"><svg onload=alert(1)>`} {
		r.scan(t, payload)
		waitVerdict(t, ctx, "FAIL", payload)
		if got := eval[string](t, ctx, `document.querySelector('#recent-rows tr td:nth-child(3)').textContent`); got != payload {
			t.Errorf("recent row %q, want %q", got, payload)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll('#banner img, #recent img, #banner script, #recent script, #banner svg:not(.i), #recent svg').length`); n != 0 {
			t.Errorf("%q made %d elements", payload, n)
		}
		shot(t, ctx, dir, fmt.Sprintf("xss-%d.png", i+1))
	}
	// Give an injected handler time to fire had there been one.
	chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond))
	if d := dialogs.Load(); d != 0 {
		t.Errorf("%d alert dialogs opened", d)
	}
}

func TestBrowserReconnect(t *testing.T) {
	ctx, _ := browser(t)
	dir := artifacts(t)
	r := newRig(t, "", ui.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	start := func(ln net.Listener) *httptest.Server {
		srv := httptest.NewUnstartedServer(r.screen)
		srv.Listener.Close()
		srv.Listener = ln
		srv.Start()
		return srv
	}
	srv := start(ln)
	open(t, ctx, srv.URL)
	r.scan(t, "AC2000000001")
	waitVerdict(t, ctx, "PASS", "AC2000000001")

	srv.CloseClientConnections()
	srv.Close()
	waitJS(t, ctx, "disconnected", `document.body.dataset.live === '0' && !document.getElementById('alarm').hidden`)
	shot(t, ctx, dir, "disconnected.png")
	// A scan while the screen is away; it shows once the screen is back.
	r.scan(t, "AC2000000002")

	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv2 := start(ln2)
	defer func() { srv2.CloseClientConnections(); srv2.Close() }()
	waitJS(t, ctx, "reconnected", `document.body.dataset.live === '1'`)
	waitVerdict(t, ctx, "PASS", "AC2000000002")
	r.scan(t, "AC2000000003")
	waitVerdict(t, ctx, "PASS", "AC2000000003")
	waitJS(t, ctx, "alarm gone", `document.getElementById('alarm').hidden`)
	shot(t, ctx, dir, "reconnected.png")
}

// TestBrowserStaleState: a state the page fetched before a scan, answered
// after the scan's verdict came on the event stream, must not paint the
// verdict over. The state is taken at once and answered a second later.
func TestBrowserStaleState(t *testing.T) {
	ctx, _ := browser(t)
	r := newRig(t, "", ui.Options{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != "/api/state" {
			r.screen.ServeHTTP(w, req)
			return
		}
		rec := httptest.NewRecorder()
		r.screen.ServeHTTP(rec, req)
		time.Sleep(time.Second)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	})
	srv := httptest.NewServer(slow)
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	open(t, ctx, srv.URL)
	r.scan(t, "AC2000000001")
	waitVerdict(t, ctx, "PASS", "AC2000000001")
	// The state fetched at load arrives now; the verdict must stay.
	chromedp.Do(ctx, chromedp.Sleep(1500*time.Millisecond))
	if got := eval[string](t, ctx, `document.getElementById('word').textContent + ' ' + document.getElementById('serial').textContent`); got != "PASS AC2000000001" {
		t.Errorf("after the late state the banner shows %q, want PASS AC2000000001", got)
	}
}

func TestBrowserLock(t *testing.T) {
	ctx, _ := browser(t)
	dir := artifacts(t)
	r := newRig(t, "tok3n", ui.Options{PIN: "2468", LockOnDuplicate: true})
	srv := serve(t, r.screen)
	open(t, ctx, srv.URL+"/?token=tok3n")
	if loc := eval[string](t, ctx, `location.href`); loc != srv.URL+"/" {
		t.Errorf("the token stays in the address bar: %s", loc)
	}
	r.scan(t, "AC2000000001")
	r.scan(t, "AC2000000001")
	waitVerdict(t, ctx, "DUPLICATE", "AC2000000001")
	waitJS(t, ctx, "locked", `!document.getElementById('lock').hidden && document.getElementById('lock-serial').textContent === 'Serial: AC2000000001'`)
	shot(t, ctx, dir, "locked.png")

	// A reload keeps the lock (and the token, from sessionStorage).
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "live again", `document.body.dataset.live === '1'`)
	waitJS(t, ctx, "still locked", `!document.getElementById('lock').hidden`)

	// A wrong PIN on the keypad.
	for _, k := range []string{"1", "1", "1", "1"} {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(fmt.Sprintf(`[...document.querySelectorAll("#keypad button")].find(b => b.textContent === %s)`, js(k))))); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("unlock"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "wrong PIN", `document.getElementById('lock-error').textContent === 'wrong PIN'`)
	if !r.screen.Locked() || eval[bool](t, ctx, `document.getElementById('lock').hidden`) {
		t.Fatal("a wrong PIN unlocked")
	}
	shot(t, ctx, dir, "locked-wrong-pin.png")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("pin"), "2468\r")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "unlocked", `document.getElementById('lock').hidden`)
	if r.screen.Locked() {
		t.Error("the server is still locked")
	}
	shot(t, ctx, dir, "unlocked.png")
}

func TestBrowserWedge(t *testing.T) {
	ctx, _ := browser(t)
	dir := artifacts(t)
	r := newRig(t, "", ui.Options{})
	srv := serve(t, r.screen)
	open(t, ctx, srv.URL)
	waitJS(t, ctx, "wedge on", `document.body.dataset.wedge === 'on'`)
	// chromedp types as fast as a scanner.
	if err := chromedp.Do(ctx, chromedp.KeyEvent("AC2000000005\r")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('serial').textContent === 'AC2000000005'`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("no scan from the wedge: %v; the page sent %s, toast %q", err, eval[string](t, ctx, `JSON.stringify(window.__lastScan || null)`),
			eval[string](t, ctx, `document.getElementById('toast').textContent`))
	}
	if e := r.rec.entries[len(r.rec.entries)-1]; e.Source != "wedge" {
		t.Errorf("source %q", e.Source)
	}
	shot(t, ctx, dir, "wedge.png")
	// A person typing slowly is not a scan.
	n := r.rec.count()
	for _, c := range "AC2000000006" {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(string(c)), chromedp.Sleep(80*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "typing refused", `!document.getElementById('toast').hidden && document.getElementById('toast').textContent.includes('slowly')`)
	shot(t, ctx, dir, "wedge-typed.png")
	if r.rec.count() != n {
		t.Error("slow typing was recorded as a scan")
	}
}

func TestBrowserPreview(t *testing.T) {
	ctx, _ := browser(t)
	dir := artifacts(t)
	img := image.NewGray(image.Rect(0, 0, 320, 240))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	for x := 60; x < 260; x++ {
		for y := 90; y < 150; y++ {
			if (x/6)%2 == 0 {
				img.SetGray(x, y, color.Gray{0})
			}
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, nil)
	r := newRig(t, "", ui.Options{Preview: func(context.Context) (ui.Frame, error) {
		return ui.Frame{JPEG: buf.Bytes(), Width: 320, Height: 240,
			Boxes: []ui.Box{{Text: "<b>AC2000000001</b>", Points: []image.Point{{60, 90}, {260, 90}, {260, 150}, {60, 150}}, Chosen: true},
				{Text: "4006381333931", Points: []image.Point{{60, 170}, {200, 170}, {200, 210}, {60, 210}}}}}, nil
	}})
	srv := serve(t, r.screen)
	open(t, ctx, srv.URL)
	waitJS(t, ctx, "preview", `!document.getElementById('preview').hidden && document.querySelectorAll('#preview-boxes polygon').length === 2 && document.getElementById('preview-img').naturalWidth === 320`)
	if got := eval[string](t, ctx, `document.querySelector('#preview-boxes text.chosen').textContent`); got != "\u2605 SERIAL: <b>AC2000000001</b>" {
		t.Errorf("the judged barcode's label %q", got)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#preview-boxes polygon.chosen').length`); n != 1 {
		t.Errorf("%d outlines marked as the serial, want 1", n)
	}
	shot(t, ctx, dir, "preview.png")
}

// TestBrowserLatency scans at 10 a second and reads the page's latency
// probe. bench/ui.sh runs it with SERIALGATE_UI_SCANS=1000; it asserts
// nothing about time.
func TestBrowserLatency(t *testing.T) {
	n := 30
	if s := os.Getenv("SERIALGATE_UI_SCANS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ctx, _ := browser(t)
	r := newRig(t, "", ui.Options{})
	srv := serve(t, r.screen)
	open(t, ctx, srv.URL)
	// The first result after the page loads pays for fonts and audio: warm
	// up, then measure.
	r.scan(t, "AC2999999999")
	waitJS(t, ctx, "warm", `window.__latencies.length === 1`)
	eval[int](t, ctx, `window.__latencies.length = 0`)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for i := range n {
		<-tick.C
		r.feed <- serialgate.Scan{Time: time.Now(), Text: fmt.Sprintf("AC2%09d", i)}
	}
	waitJS(t, ctx, "all painted", fmt.Sprintf(`window.__latencies.length >= %d`, n))
	pct := func(expr string) (p50, p99, max float64) {
		lat := eval[[]float64](t, ctx, `window.__latencies.map(x => `+expr+`)`)
		sort.Float64s(lat)
		p := func(q float64) float64 { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
		return p(0.50), p(0.99), lat[len(lat)-1]
	}
	p50, p99, mx := pct("x.latency_ms")
	r50, r99, rmx := pct("x.recv_latency_ms")
	line := fmt.Sprintf("ui latency: scans %d painted p50 %.1f ms p99 %.1f ms max %.1f ms; received p50 %.1f ms p99 %.1f ms max %.1f ms", n, p50, p99, mx, r50, r99, rmx)
	t.Log(line)
	fmt.Println(line)
}

// The model picker: a supervisor switches the line's model on the screen
// with the PIN; a wrong PIN changes nothing.
func TestBrowserModelPicker(t *testing.T) {
	ctx, _ := browser(t)
	dir := artifacts(t)
	r := newRig(t, "", ui.Options{PIN: "2468"})
	srv := serve(t, r.screen)
	open(t, ctx, srv.URL)
	waitJS(t, ctx, "the button", `!document.getElementById('change-model').hidden`)
	click := func(sel string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.JSPath(sel))); err != nil {
			t.Fatal(err)
		}
	}
	click(`document.getElementById('change-model')`)
	waitJS(t, ctx, "the picker", `!document.getElementById('models').hidden && !document.getElementById('model-pin').hidden`)
	kettle := `[...document.querySelectorAll("#model-list button")].find(b => b.textContent === "KW_BREW_KETTLE")`
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("model-pin"), "1111")); err != nil {
		t.Fatal(err)
	}
	click(kettle)
	waitJS(t, ctx, "refused", `document.getElementById('model-error').textContent.includes('PIN')`)
	if m := r.st.State().Model; m != "ACME_PURIFIER_200" {
		t.Fatalf("a wrong PIN changed the model to %s", m)
	}
	shot(t, ctx, dir, "model-picker.png")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("model-pin"), "2468")); err != nil {
		t.Fatal(err)
	}
	click(kettle)
	waitJS(t, ctx, "changed", `document.getElementById('models').hidden && document.getElementById('target-value').textContent === 'KW_BREW_KETTLE'`)
	if m := r.st.State().Model; m != "KW_BREW_KETTLE" {
		t.Errorf("the station's model is %s", m)
	}
}
