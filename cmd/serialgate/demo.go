//go:build !decodeonly

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/decode"
	"github.com/serialgate/serialgate/labels/render"
	"github.com/serialgate/serialgate/scanner"
)

func runDemo(e *env, args []string) int {
	fl := newFlags(e, "demo", "",
		"Runs a fulfillment station with everything built in: a temporary SQLite store, the\n"+
			"sample rules, a manifest of orders, a simulated hand scanner reading packing slips and\n"+
			"a camera-free picture source showing box labels (drawn and decoded as a camera's frames\n"+
			"would be): good, bad, duplicate, wrong-model and over-scanned boxes. The operator screen\n"+
			"runs on 127.0.0.1, and each device pre-registered becomes a DeviceRegisteredNotification\n"+
			"written to a JSON lines file. Ctrl-C stops it.")
	listen := fl.String("listen", "127.0.0.1:8080", "the screen's address (a free port is taken if this one is busy)")
	rate := fl.Float64("rate", 0.5, "scans per second")
	scans := fl.Int("scans", 0, "stop after this many scans (0: run until Ctrl-C)")
	keep := fl.Bool("keep", false, "keep the demo's store, manifest and events file when it stops")
	if code, ok := parse(fl, args, nil); !ok {
		return code
	}
	if *rate <= 0 || *rate > 1000 {
		fmt.Fprintln(e.stderr, "serialgate demo: --rate: want a number of scans per second from 0 to 1000")
		return exitUsage
	}
	dir, err := os.MkdirTemp("", "serialgate-demo-")
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate demo:", err)
		return exitUsage
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	script := newDemoScript()
	manifest := filepath.Join(dir, "orders.csv")
	if err := os.WriteFile(manifest, []byte(script.manifest()), 0o644); err != nil {
		fmt.Fprintln(e.stderr, "serialgate demo:", err)
		return exitUsage
	}
	addr, err := freeAddr(*listen)
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate demo:", err)
		return exitUsage
	}
	events := filepath.Join(dir, "events.jsonl")
	src := &demoSource{script: script, every: time.Duration(float64(time.Second) / *rate), limit: *scans,
		dec: decode.New(decode.Options{})}
	c := &stationConfig{Station: "demo", Line: "demo-bench", Workflow: "prereg", Manifest: manifest,
		Store: "sqlite:" + filepath.Join(dir, "demo.db"), Listen: addr,
		Duplicates: duplicateConfig{Policy: "reject"},
		Sinks:      []sinkConfig{{Name: "events-file", Type: "file", URL: events}},
		extra:      map[string]serialgate.Source{"demo": src}}
	st, err := newStation(e, c, "text")
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate demo:", err)
		return exitUsage
	}
	if st.wedge != nil {
		// With --scans, the demo ends when its script does: the screen's
		// wedge stops too, and the station delivers what is due and exits.
		src.ended = st.wedge.End
	}
	fmt.Fprintf(e.stdout, "serialgate demo\n  operator screen: http://%s/\n  orders:          %s\n  store:           %s\n  events:          %s\n  Ctrl-C stops it.\n\n",
		addr, manifest, filepath.Join(dir, "demo.db"), events)
	start := time.Now()
	if err := st.run(e.ctx); err != nil && !errors.Is(err, e.ctx.Err()) {
		fmt.Fprintln(e.stderr, "serialgate demo:", err)
		return exitUsage
	}
	fmt.Fprintf(e.stdout, "demo stopped after %s\n", time.Since(start).Round(time.Second))
	return exitOK
}

// demoModel is one of the sample rules' models as the demo plays it: its
// ASIN and how to make a good and a bad serial.
type demoModel struct {
	model, asin, gtin string
	good              func(n int) string
	bad               func(n int) string
}

var demoModels = []demoModel{
	{"ACME_PURIFIER_200", "B0ACME0200", ean13("400638133393"),
		func(n int) string { return fmt.Sprintf("AC2%09d", n) },
		func(n int) string { return fmt.Sprintf("AC2%08d", n) }}, // one digit short
	{"KW_BREW_KETTLE", "B0KETTLE01", ean13("501234567890"),
		func(n int) string { return fmt.Sprintf("BK2026W%02d%05d", 1+n%52, n) },
		func(n int) string { return fmt.Sprintf("BK2026W54%05d", n) }}, // no week 54
	{"ACME_FILTER_POD", "B0ACME0301", ean13("761234567890"),
		func(n int) string { return fmt.Sprintf("FP-%08X", 0xA0000000+n) },
		func(n int) string { return fmt.Sprintf("fp-%08x", 0xA0000000+n) }}, // lower case
}

// ean13 completes 12 digits with their check digit.
func ean13(d string) string {
	sum := 0
	for i, c := range d {
		w := 1
		if i%2 == 1 {
			w = 3
		}
		sum += int(c-'0') * w
	}
	return d + string(rune('0'+(10-sum%10)%10))
}

// demoStep is one scan of the demo: text a hand scanner reads, or a label
// the picture source shows.
type demoStep struct {
	text  string
	label []render.Code
	what  string // what the step shows, for the picture's name
}

// demoScript is the demo's endless play: round r is order DEMO-r of three
// devices of one model.
type demoScript struct {
	rounds int
}

func newDemoScript() *demoScript { return &demoScript{rounds: 500} }

func (s *demoScript) order(r int) (id string, m demoModel) {
	return fmt.Sprintf("DEMO-%04d", r+1), demoModels[r%len(demoModels)]
}

// manifest is the orders file of every round.
func (s *demoScript) manifest() string {
	var b strings.Builder
	b.WriteString("order_id,asin,quantity,directed_customer_id\n")
	for r := range s.rounds {
		id, m := s.order(r)
		fmt.Fprintf(&b, "%s,%s,3,amzn1.account.DEMO%04d\n", id, m.asin, r+1)
	}
	return b.String()
}

// steps are round r's scans: the packing slip, then boxes that pass, fail,
// repeat, belong to another model, complete the order and over-fill it.
func (s *demoScript) steps(r int) []demoStep {
	id, m := s.order(r)
	other := demoModels[(r+1)%len(demoModels)]
	n := 10 * (r + 1)
	box := func(mm demoModel, serial string) []render.Code {
		return []render.Code{{Symbology: serialgate.EAN13, Value: mm.gtin},
			{Symbology: serialgate.Code128, Value: mm.model}, {Symbology: serialgate.Code128, Value: serial}}
	}
	steps := []demoStep{
		{text: id, what: "packing slip"},
		{label: box(m, m.good(n+1)), what: "box label"},
		{label: box(m, m.bad(n+2)), what: "box label with a bad serial"},
		{text: m.good(n + 1), what: "the first box scanned again"},
		{label: box(other, other.good(n+3)), what: "another model's box"},
		{label: box(m, m.good(n+4)), what: "box label"},
		{text: m.good(n + 5), what: "box scanned by hand"},
		{label: box(m, m.good(n+6)), what: "one box too many"},
	}
	if r%3 == 2 {
		// Barcode content is data: the screen shows this as text.
		steps = append(steps, demoStep{label: []render.Code{{Symbology: serialgate.QRCode, Value: "<img src=x onerror=alert(1)>"}}, what: "a label with markup in its QR code"})
	}
	return steps
}

// demoSource plays the script: a hand scanner's text scans and a camera-
// free picture source's labels, in one sequence so that each order's slip
// comes before its boxes. Each label is drawn, then decoded as a camera
// frame would be; the latest picture is on view for the screen's preview.
type demoSource struct {
	script *demoScript
	every  time.Duration
	limit  int
	dec    *decode.Decoder
	ended  func() // called when the script ends

	round, step, done int
	next              time.Time
	mu                sync.Mutex
	frame             scanner.Frame
	have              bool
}

var _ scanner.Framer = (*demoSource)(nil)

func (d *demoSource) Next(ctx context.Context) (serialgate.Scan, error) {
	if d.limit > 0 && d.done >= d.limit || d.round >= d.script.rounds {
		if d.ended != nil {
			d.ended()
		}
		return serialgate.Scan{}, io.EOF
	}
	now := time.Now()
	if d.next.IsZero() {
		d.next = now
	}
	if wait := d.next.Sub(now); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return serialgate.Scan{}, ctx.Err()
		case <-t.C:
		}
	}
	d.next = d.next.Add(d.every)
	if behind := time.Since(d.next); behind > d.every {
		d.next = time.Now()
	}
	steps := d.script.steps(d.round)
	st := steps[d.step]
	if d.step++; d.step == len(steps) {
		d.round, d.step = d.round+1, 0
	}
	d.done++
	if st.label == nil {
		return serialgate.Scan{Time: time.Now(), Source: "demo hand scanner", Text: st.text}, nil
	}
	img, err := render.Compose(st.label)
	if err != nil {
		return serialgate.Scan{}, fmt.Errorf("demo: draw %s: %w", st.what, err)
	}
	found, err := d.dec.Image(img)
	if err != nil {
		return serialgate.Scan{}, fmt.Errorf("demo: decode %s: %w", st.what, err)
	}
	at := time.Now()
	name := fmt.Sprintf("demo picture %d: %s", d.done, st.what)
	d.mu.Lock()
	d.frame, d.have = scanner.Frame{Name: name, Image: img, Codes: found, Time: at}, true
	d.mu.Unlock()
	sc := serialgate.Scan{Time: at, Source: "demo camera", Picture: name, Label: decode.Barcodes(found)}
	if sc.Label == nil {
		sc.Label = []serialgate.Barcode{}
	}
	return sc, nil
}

// Frame is the latest label picture.
func (d *demoSource) Frame() (scanner.Frame, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.frame, d.have
}

// freeAddr returns addr if it can be listened on, else the same host with
// a free port.
func freeAddr(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		defer ln.Close()
		return ln.Addr().String(), nil // the port the system chose, for :0
	}
	host, _, serr := net.SplitHostPort(addr)
	if serr != nil {
		return "", fmt.Errorf("listen %s: %w", addr, err)
	}
	ln, err = net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", fmt.Errorf("listen %s: %w", addr, err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
