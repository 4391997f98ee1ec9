package ui_test

import (
	"context"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/pattern"
	"github.com/serialgate/serialgate/rules"
	"github.com/serialgate/serialgate/station"
	"github.com/serialgate/serialgate/ui"
	"github.com/serialgate/serialgate/validate"
)

// memRecord is an in-memory Recorder: a serial recorded once is a
// duplicate after.
type memRecord struct {
	mu      sync.Mutex
	n       int64
	seen    map[string]station.Previous
	entries []station.Entry
	fail    error
}

func (m *memRecord) Record(ctx context.Context, e station.Entry) (station.Receipt, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return station.Receipt{}, m.fail
	}
	if m.seen == nil {
		m.seen = map[string]station.Previous{}
	}
	m.n++
	m.entries = append(m.entries, e)
	if e.Verdict.OK {
		if p, ok := m.seen[e.Verdict.Serial]; ok {
			return station.Receipt{RecordID: m.n, Duplicate: &p}, nil
		}
		m.seen[e.Verdict.Serial] = station.Previous{RecordID: m.n, Station: e.Station, Time: e.Time}
	}
	return station.Receipt{RecordID: m.n}, nil
}

func (m *memRecord) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}

// feed is a source the test writes scans to.
type feed chan serialgate.Scan

func (f feed) Next(ctx context.Context) (serialgate.Scan, error) {
	select {
	case sc := <-f:
		return sc, nil
	case <-ctx.Done():
		return serialgate.Scan{}, ctx.Err()
	}
}

func testRules(t testing.TB) *validate.Set {
	t.Helper()
	data, err := os.ReadFile("testdata/rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rules.Parse("testdata/rules.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	set, err := validate.Compile(rs, pattern.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// rig is a running station with its API and screen.
type rig struct {
	st     *station.Station
	rec    *memRecord
	api    *station.API
	screen *ui.Screen
	wedge  *ui.Wedge
	feed   feed
	health *ui.Health
	hmu    sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

func (r *rig) setHealth(h ui.Health) {
	r.hmu.Lock()
	r.health = &h
	r.hmu.Unlock()
}

// newRig starts a verify station for ACME_PURIFIER_200 fed by a feed and a
// wedge. token is the API's access token ("" for none).
func newRig(t testing.TB, token string, opts ui.Options) *rig {
	t.Helper()
	set := testRules(t)
	line, err := station.NewLine(station.Verify, set, set.ByModel("ACME_PURIFIER_200"), nil)
	if err != nil {
		t.Fatal(err)
	}
	return startRig(t, token, opts, line, nil)
}

// newPreregRig starts a pre-registration station with one order of three
// ACME_PURIFIER_200.
func newPreregRig(t testing.TB) *rig {
	t.Helper()
	set := testRules(t)
	orders := []station.Order{{ID: "114-1", ASIN: "B0ACME0200", Quantity: 3, CustomerID: "amzn1.account.A1"}}
	line, err := station.NewLine(station.Prereg, set, nil, orders)
	if err != nil {
		t.Fatal(err)
	}
	events := func(r serialgate.Registration) (serialgate.Event, error) {
		return serialgate.Event{ID: "ev-" + r.Serial, Type: "DeviceRegisteredNotification", Body: []byte("{}")}, nil
	}
	return startRig(t, "", ui.Options{}, line, events)
}

func startRig(t testing.TB, token string, opts ui.Options, line *station.Line, events station.Eventer) *rig {
	t.Helper()
	var err error
	r := &rig{rec: &memRecord{}, feed: make(feed), done: make(chan struct{})}
	r.setHealth(ui.Health{Sources: []ui.SourceHealth{{Name: "wedge", Kind: "wedge", OK: true}}, Store: ui.StoreHealth{OK: true},
		Sinks: []ui.SinkHealth{{Name: "sns"}}})
	r.st = &station.Station{ID: "bench-1", LineID: "L1", Line: line, Record: r.rec, Hub: &station.Hub{}, Events: events}
	r.st.Start()
	r.api = &station.API{Station: r.st, Token: token, KeepAlive: time.Second, Health: func(context.Context) any {
		r.hmu.Lock()
		defer r.hmu.Unlock()
		return *r.health
	}}
	if opts.Wedge == nil {
		opts.Wedge = &ui.Wedge{}
	}
	r.wedge = opts.Wedge
	r.screen, err = ui.New(r.api, opts)
	if err != nil {
		t.Fatal(err)
	}
	r.st.Results = r.screen.Observe
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() {
		defer close(r.done)
		r.st.Run(ctx, map[string]station.Source{"feed": r.feed, "wedge": r.wedge})
	}()
	t.Cleanup(r.stop)
	return r
}

func (r *rig) stop() {
	r.cancel()
	<-r.done
}

// scan feeds one scan and waits until it is recorded (or shown, for a model
// scan).
func (r *rig) scan(t testing.TB, text string) station.Result {
	t.Helper()
	sub := r.st.Hub.Subscribe()
	defer r.st.Hub.Unsubscribe(sub)
	r.feed <- serialgate.Scan{Text: text, Source: "feed"}
	select {
	case res := <-sub.C:
		return res
	case <-time.After(10 * time.Second):
		t.Fatalf("scan %q: no result", text)
	}
	return station.Result{}
}

// fast are the gaps of a scanner typing text: 5 ms a key.
func fast(text string) []time.Duration {
	g := make([]time.Duration, len([]rune(text)))
	for i := range g {
		g[i] = 5 * time.Millisecond
	}
	return g
}

func serve(t testing.TB, h *ui.Screen) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	return srv
}
