//go:build !decodeonly

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/drs"
	"github.com/serialgate/serialgate/publish"
	"github.com/serialgate/serialgate/record"
	"github.com/serialgate/serialgate/rules"
	"github.com/serialgate/serialgate/scanner"
	"github.com/serialgate/serialgate/station"
	"github.com/serialgate/serialgate/ui"
	"github.com/serialgate/serialgate/ui/tty"
	"github.com/serialgate/serialgate/validate"
	"golang.org/x/term"
)

// stringList is a flag that may be given several times.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

func runStation(e *env, args []string) int {
	fl := newFlags(e, "station", "",
		"Runs a station: reads scans from the sources, judges each serial, records it\n"+
			"durably and only then shows it; delivers the pre-registration events to the sinks.\n"+
			"Either --config station.yaml, or the common case from flags:\n"+
			"  serialgate station --rules R.yaml --model M --source SPEC --store sqlite:PATH --sink file:EVENTS.jsonl\n"+
			"With --format jsonl each verdict is printed as one JSON line once it is durable:\n"+
			"that line is the acknowledgement.\n\n"+scanner.SpecHelp)
	configFile := fl.String("config", "", "station configuration file (YAML)")
	id := fl.String("station", "", "station id (default: the host name)")
	line := fl.String("line", "", "line id")
	workflow := fl.String("workflow", "verify", "verify (a packaging line) or prereg (orders from a manifest)")
	rulesFile := fl.String("rules", "", "rules file (default: the sample rules built into serialgate)")
	model := fl.String("model", "", "verify: the line's model or ASIN (default: scan or pick it first)")
	manifest := fl.String("manifest", "", "prereg: the orders file (CSV or JSON)")
	var sources, sinks stringList
	fl.Var(&sources, "source", "scan source (repeatable; see below)")
	store := fl.String("store", "sqlite:serialgate.db", "the record: sqlite:PATH or postgres://…")
	fl.Var(&sinks, "sink", "event sink (repeatable): file:PATH, http(s)://URL, sns:TOPIC_ARN[?region=R&endpoint=URL], mqtt://HOST:PORT/TOPIC")
	dup := fl.String("duplicates", "reject", "duplicate policy: reject, warn, or rescan (a re-scan within --rescan-window is the same record)")
	window := fl.Duration("rescan-window", 5*time.Second, "with --duplicates rescan: how long a re-scan of the same label counts as the same record")
	listen := fl.String("listen", "", "serve the station API on this address (e.g. 127.0.0.1:8080)")
	token := fl.String("token", "", "access token the API requires (needed when --listen is not loopback); also $SERIALGATE_TOKEN")
	format := fl.String("format", "text", "output: text or jsonl")
	uiMode := fl.String("ui", "lines", "standard output as lines (see --format), or tty: a full-screen terminal view with colour and bell")
	pin := fl.String("pin", "", "supervisor PIN that clears the screen's lock (also $SERIALGATE_PIN); needed for the lock options")
	lockDup := fl.Bool("lock-on-duplicate", false, "lock the station on a duplicate until a supervisor enters the PIN")
	lockFails := fl.Int("lock-after-fails", 0, "lock the station after this many failed scans in a row (0: never)")
	if code, ok := parse(fl, args, nil); !ok {
		return code
	}
	var c *stationConfig
	if *configFile != "" {
		var err error
		if c, err = loadStationConfig(*configFile); err != nil {
			fmt.Fprintln(e.stderr, "serialgate station:", err)
			return exitUsage
		}
	} else {
		c = &stationConfig{Station: *id, Line: *line, Workflow: *workflow, Rules: *rulesFile, Model: *model, Manifest: *manifest,
			Sources: sources, Store: *store, Listen: *listen, Token: *token, Duplicates: duplicateConfig{Policy: *dup, Window: *window},
			Lock: lockConfig{PIN: *pin, OnDuplicate: *lockDup, AfterFails: *lockFails}}
		for i, s := range sinks {
			sc, err := parseSinkFlag(s, i+1)
			if err != nil {
				fmt.Fprintln(e.stderr, "serialgate station:", err)
				return exitUsage
			}
			c.Sinks = append(c.Sinks, sc)
		}
		if len(c.Sources) == 0 {
			fmt.Fprintln(e.stderr, "serialgate station: no --source: name at least one (for a try, --source sim:)")
			return exitUsage
		}
	}
	if c.Token == "" {
		c.Token = os.Getenv("SERIALGATE_TOKEN")
	}
	if c.Lock.PIN == "" {
		c.Lock.PIN = os.Getenv("SERIALGATE_PIN")
	}
	if (c.Lock.OnDuplicate || c.Lock.AfterFails > 0) && c.Lock.PIN == "" {
		fmt.Fprintln(e.stderr, "serialgate station: a lock needs a supervisor PIN (--pin or $SERIALGATE_PIN)")
		return exitUsage
	}
	if c.Lock.AfterFails < 0 {
		fmt.Fprintln(e.stderr, "serialgate station: --lock-after-fails must not be negative")
		return exitUsage
	}
	if c.Station == "" {
		c.Station, _ = os.Hostname()
	}
	if *format != "text" && *format != "jsonl" {
		fmt.Fprintf(e.stderr, "serialgate station: unknown --format %q (want text or jsonl)\n", *format)
		return exitUsage
	}
	switch {
	case *uiMode != "lines" && *uiMode != "tty":
		fmt.Fprintf(e.stderr, "serialgate station: unknown --ui %q (want lines or tty)\n", *uiMode)
		return exitUsage
	case *uiMode == "tty" && *format == "jsonl":
		fmt.Fprintln(e.stderr, "serialgate station: --ui tty draws a screen; --format jsonl prints lines: pick one")
		return exitUsage
	case *uiMode == "tty":
		*format = "tty"
	}
	st, err := newStation(e, c, *format)
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate station:", err)
		return exitUsage
	}
	if err := st.run(e.ctx); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(e.stderr, "serialgate station:", err)
		return exitUsage
	}
	return exitOK
}

// parseSinkFlag reads a --sink value.
func parseSinkFlag(s string, n int) (sinkConfig, error) {
	kind, rest, _ := strings.Cut(s, ":")
	sc := sinkConfig{Name: fmt.Sprintf("%s-%d", kind, n)}
	switch kind {
	case "file":
		sc.Type, sc.URL = "file", rest
	case "http", "https":
		sc.Type, sc.URL = "http", s
	case "sns":
		arn, q, _ := strings.Cut(rest, "?")
		v, err := url.ParseQuery(q)
		if err != nil {
			return sc, fmt.Errorf("--sink %s: %v", s, err)
		}
		sc.Type, sc.Topic, sc.Region, sc.Endpoint = "sns", arn, v.Get("region"), v.Get("endpoint")
	case "mqtt", "tcp", "mqtts", "ssl":
		u, err := url.Parse(s)
		if err != nil {
			return sc, fmt.Errorf("--sink: %v", err)
		}
		sc.Type, sc.Topic = "mqtt", strings.TrimPrefix(u.Path, "/")
		u.Path = ""
		if u.Scheme == "mqtt" {
			u.Scheme = "tcp"
		}
		sc.URL = u.String()
	default:
		return sc, fmt.Errorf("--sink %q: want file:PATH, http(s)://URL, sns:TOPIC_ARN or mqtt://HOST:PORT/TOPIC", s)
	}
	if sc.URL == "" && sc.Topic == "" {
		return sc, fmt.Errorf("--sink %q: nothing after the kind", s)
	}
	return sc, nil
}

// stationRun is a station wired from its configuration.
type stationRun struct {
	cfg     *stationConfig
	log     *slog.Logger
	store   *record.Store
	station *station.Station
	relay   *publish.Relay
	sources map[string]station.Source
	closers []func() error
	health  *sourceHealth
	// verdicts mirror results to each MQTT sink's verdict and reject topics.
	verdicts []*publish.Verdicts
	screen   *ui.Screen
	preview  *preview // the pictures of the camera and image sources
	tty      *tty.Screen
	wedge    *ui.Wedge
	out      io.Writer
	format   string
}

func newStation(e *env, c *stationConfig, format string) (_ *stationRun, err error) {
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	r := &stationRun{cfg: c, log: log, out: e.stdout, format: format, health: &sourceHealth{state: map[string]error{}, last: map[string]time.Time{}}}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	rs, set, err := loadRules(c.Rules)
	if err != nil {
		return nil, err
	}
	var m *validate.Model
	if c.Model != "" {
		if m = set.ByModel(c.Model); m == nil {
			m = set.ByASIN(c.Model)
		}
		if m == nil {
			return nil, fmt.Errorf("model %q is neither a model nor an ASIN of the rules", c.Model)
		}
	}
	if c.ASIN != "" {
		if m = set.ByASIN(c.ASIN); m == nil {
			return nil, fmt.Errorf("ASIN %q is not in the rules", c.ASIN)
		}
	}
	var orders []station.Order
	if c.Manifest != "" {
		f, err := os.Open(c.Manifest)
		if err != nil {
			return nil, fmt.Errorf("read manifest: %w", err)
		}
		orders, err = station.ReadManifest(c.Manifest, f)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	ln, err := station.NewLine(station.Workflow(c.Workflow), set, m, nil)
	if err != nil {
		return nil, err
	}
	makers := map[string]rules.Manufacturer{}
	for _, mf := range rs.Manufacturers {
		makers[mf.Name] = mf
	}
	ln.Manufacturer = func(m *validate.Model) (string, string) {
		mf := makers[m.Model.Manufacturer]
		return mf.Name, mf.LWAClientID
	}
	policy, err := duplicatePolicy(c.Duplicates)
	if err != nil {
		return nil, err
	}
	if r.store, err = record.Open(e.ctx, c.Store); err != nil {
		return nil, err
	}
	r.closers = append(r.closers, r.store.Close)
	// Orders resume where the record left them: a restart mid-order does
	// not let it be filled twice.
	ln.Registered = func(ids []string) (map[string]int, error) { return r.store.Registered(e.ctx, ids) }
	if err := ln.AddOrders(orders); err != nil {
		return nil, err
	}
	var routes []record.Sink
	pubs := map[string]serialgate.Publisher{}
	for _, sc := range c.Sinks {
		p, closeFn, err := openSink(sc)
		if err != nil {
			return nil, err
		}
		if closeFn != nil {
			r.closers = append(r.closers, closeFn)
		}
		pubs[sc.Name] = p
		if sc.Type == "mqtt" {
			broker, user, pass, _ := mqttBroker(sc.URL)
			lineID := c.Line
			if lineID == "" {
				lineID = c.Station
			}
			r.verdicts = append(r.verdicts, &publish.Verdicts{Broker: broker, Prefix: sc.Topic, Line: lineID, Username: user, Password: pass, Log: log})
		}
		routes = append(routes, record.Sink{Name: sc.Name, Manufacturers: sc.Manufacturers})
	}
	if err := r.store.SetSinks(e.ctx, routes); err != nil {
		return nil, err
	}
	r.relay = &publish.Relay{Outbox: r.store, Sinks: pubs, Log: log}
	r.sources = map[string]station.Source{}
	for i, spec := range c.Sources {
		o, err := scanner.Open(spec, scanner.OpenOptions{Log: log, Terminal: e.terminal()})
		if err != nil {
			return nil, fmt.Errorf("source %s: %w", spec, err)
		}
		r.closers = append(r.closers, o.Close)
		r.showPictures(o.Source)
		name := spec
		if len(c.Sources) > 1 {
			name = fmt.Sprintf("%d:%s", i+1, spec)
		}
		r.sources[name] = r.health.watch(name, o)
	}
	for name, src := range c.extra {
		r.showPictures(src)
		r.sources[name] = r.health.watch(name, src)
	}
	if c.Listen != "" {
		// The screen's page takes keyboard-wedge scans: a station needs no
		// serial scanner.
		r.wedge = &ui.Wedge{Name: "screen"}
		r.sources["screen"] = r.health.watch("screen", r.wedge)
	}
	r.station = &station.Station{
		ID: c.Station, LineID: c.Line, Line: ln, Log: log, Hub: &station.Hub{},
		Record:  &storeRecorder{store: r.store, policy: policy},
		Events:  drs.RegistrationEvent,
		Results: r.print,
	}
	if format == "tty" {
		r.tty = &tty.Screen{Out: e.stdout}
		if f, ok := e.stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			r.tty.Color = true
			if w, h, err := term.GetSize(int(f.Fd())); err == nil {
				r.tty.Width, r.tty.Height = w, h
			}
		}
	}
	if c.Listen != "" {
		api := &station.API{Station: r.station, Token: c.Token, Health: r.healthReport}
		opts := ui.Options{PIN: c.Lock.PIN, LockOnDuplicate: c.Lock.OnDuplicate, LockAfterFails: c.Lock.AfterFails, Wedge: r.wedge}
		if r.preview != nil {
			opts.Preview = r.preview.frame
		}
		if r.screen, err = ui.New(api, opts); err != nil {
			return nil, err
		}
		r.station.Hold = func() string {
			if st := r.screen.Status(); st.Lock.Locked {
				return "the station is locked: " + st.Lock.Reason
			}
			return ""
		}
	}
	return r, nil
}

// showPictures puts a source's pictures (a camera's, an image folder's) on
// the screen's preview.
func (r *stationRun) showPictures(src serialgate.Source) {
	if f, ok := src.(scanner.Framer); ok {
		if r.preview == nil {
			r.preview = &preview{}
		}
		r.preview.framers = append(r.preview.framers, f)
	}
}

func duplicatePolicy(d duplicateConfig) (record.Policy, error) {
	switch d.Policy {
	case "", "reject":
		return record.Policy{Duplicate: record.Reject}, nil
	case "warn":
		return record.Policy{Duplicate: record.Warn}, nil
	case "rescan":
		w := d.Window
		if w <= 0 {
			w = 5 * time.Second
		}
		return record.Policy{Duplicate: record.Reject, Rescan: w}, nil
	}
	return record.Policy{}, fmt.Errorf("unknown duplicate policy %q (want reject, warn or rescan)", d.Policy)
}

// run runs the scan loop, the relay and the API until ctx ends.
func (r *stationRun) run(ctx context.Context) error {
	defer r.close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.station.Start()
	if r.tty != nil {
		r.tty.Show(r.station.State())
	}
	var wg sync.WaitGroup
	errc := make(chan error, 3)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if len(r.relay.Sinks) == 0 {
			return
		}
		if err := r.relay.Run(ctx); err != nil && ctx.Err() == nil {
			errc <- fmt.Errorf("relay: %w", err)
			cancel()
		}
	}()
	for _, v := range r.verdicts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v.Run(ctx)
		}()
	}
	if r.cfg.Listen != "" {
		srv, ln, err := r.server()
		if err != nil {
			return err
		}
		r.log.Info("station API", "addr", "http://"+ln.Addr().String()+"/")
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errc <- err
				cancel()
			}
		}()
		go func() {
			<-ctx.Done()
			sctx, c := context.WithTimeout(context.Background(), time.Second)
			defer c()
			srv.Shutdown(sctx)
		}()
	}
	r.log.Info("station started", "station", r.cfg.Station, "workflow", r.cfg.Workflow, "store", r.store.String(), "sources", len(r.sources), "sinks", len(r.cfg.Sinks))
	err := r.station.Run(ctx, r.sources)
	if err == nil {
		// The sources ended (a simulator or replay played out): give the
		// relay a moment to deliver what is due before stopping. What it
		// cannot deliver stays in the outbox for the next run.
		r.drain(ctx, drainTimeout)
	}
	cancel()
	wg.Wait()
	select {
	case e := <-errc:
		return e
	default:
	}
	return err
}

// drainTimeout bounds how long a station whose sources ended waits for the
// relay.
const drainTimeout = 5 * time.Second

func (r *stationRun) drain(ctx context.Context, limit time.Duration) {
	if len(r.cfg.Sinks) == 0 {
		return
	}
	r.relay.Kick()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		backlog, err := r.store.Backlog(ctx)
		if err != nil {
			return
		}
		pending := 0
		for _, b := range backlog {
			pending += b.Pending
		}
		if pending == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *stationRun) server() (*http.Server, net.Listener, error) {
	ln, err := net.Listen("tcp", r.cfg.Listen)
	if err != nil {
		return nil, nil, fmt.Errorf("listen: %w", err)
	}
	if r.cfg.Token == "" {
		if a, ok := ln.Addr().(*net.TCPAddr); !ok || !a.IP.IsLoopback() {
			ln.Close()
			return nil, nil, fmt.Errorf("listen %s: an address beyond loopback needs an access token (--token or $SERIALGATE_TOKEN)", r.cfg.Listen)
		}
	}
	return &http.Server{Handler: r.screen, ReadHeaderTimeout: 10 * time.Second}, ln, nil
}

// print writes a durable result to standard output: in jsonl, the line is
// the acknowledgement.
func (r *stationRun) print(res station.Result) {
	if res.EventID != "" {
		r.relay.Kick()
	}
	if r.preview != nil {
		r.preview.observe(res)
	}
	if r.screen != nil {
		r.screen.Observe(res)
	}
	for _, v := range r.verdicts {
		v.Verdict(res)
		if !res.OK && res.RecordID != 0 {
			v.Reject(res)
		}
	}
	if r.tty != nil {
		if err := r.tty.Result(res); err != nil {
			r.log.Error("draw the terminal screen", "err", err)
		}
		return
	}
	if r.format == "jsonl" {
		b, _ := json.Marshal(res)
		b = append(b, '\n')
		if _, err := r.out.Write(b); err != nil {
			r.log.Error("write result", "err", err)
		}
		return
	}
	word := strings.ToUpper(strings.ReplaceAll(res.Verdict, "_", " "))
	if res.OK && res.Verdict == "pass" {
		word = "PASS"
	}
	msg := res.Reason
	if msg == "" && res.Model != "" {
		msg = "model " + res.Model
	}
	fmt.Fprintf(r.out, "%-12s %s  %s", word, serialgate.Shown(res.Serial), serialgate.Shown(msg))
	if res.Next != "" {
		fmt.Fprintf(r.out, "  → %s", res.Next)
	}
	fmt.Fprintln(r.out)
}

func (r *stationRun) close() {
	for i := len(r.closers) - 1; i >= 0; i-- {
		r.closers[i]()
	}
	r.closers = nil
}

// healthReport is the /api/health answer the screen reads.
func (r *stationRun) healthReport(ctx context.Context) any {
	h := ui.Health{Sources: r.health.report(), Store: ui.StoreHealth{OK: true}, Sinks: []ui.SinkHealth{}}
	if err := r.store.Check(ctx); err != nil {
		h.Store = ui.StoreHealth{Error: "the record is not available: call a supervisor"}
	}
	backlog, err := r.store.Backlog(ctx)
	if err != nil {
		h.Store = ui.StoreHealth{Error: "the record is not available: call a supervisor"}
	}
	for _, sc := range r.cfg.Sinks {
		p := ui.SinkHealth{Name: sc.Name}
		for _, b := range backlog {
			if b.Sink == sc.Name {
				p.Pending, p.LastSuccess = b.Pending, b.LastSuccess
				if b.LastError != "" && b.LastErrorAt.After(b.LastSuccess) {
					p.LastError = b.LastError
				}
			}
		}
		h.Sinks = append(h.Sinks, p)
	}
	return h
}

// sourceHealth remembers why each source stopped.
type sourceHealth struct {
	mu    sync.Mutex
	names []string
	state map[string]error
	last  map[string]time.Time
}

type watchedSource struct {
	name string
	h    *sourceHealth
	src  serialgate.Source
}

func (h *sourceHealth) watch(name string, src serialgate.Source) station.Source {
	h.mu.Lock()
	h.names = append(h.names, name)
	h.state[name] = nil
	h.mu.Unlock()
	return &watchedSource{name: name, h: h, src: src}
}

func (w *watchedSource) Next(ctx context.Context) (serialgate.Scan, error) {
	sc, err := w.src.Next(ctx)
	w.h.mu.Lock()
	if err != nil && ctx.Err() == nil {
		w.h.state[w.name] = err
	} else if err == nil {
		w.h.last[w.name] = time.Now()
	}
	w.h.mu.Unlock()
	return sc, err
}

func (h *sourceHealth) report() []ui.SourceHealth {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]ui.SourceHealth, len(h.names))
	for i, n := range h.names {
		kind := sourceKind(n)
		out[i] = ui.SourceHealth{Name: n, Kind: kind, OK: h.state[n] == nil, LastScan: h.last[n]}
		if err := h.state[n]; err != nil {
			out[i].Error = "the scanner stopped: " + err.Error()
		}
	}
	return out
}

// storeRecorder records the station's entries in the store.
type storeRecorder struct {
	store  *record.Store
	policy record.Policy
}

func (s *storeRecorder) Record(ctx context.Context, e station.Entry) (station.Receipt, error) {
	v := e.Verdict
	rc, err := s.store.Record(ctx, record.Scan{
		Time: e.Time, Station: e.Station, Line: e.Line, Source: e.Source,
		Serial: v.Serial, Model: v.Model, ASIN: e.ASIN, OrderID: e.OrderID,
		OK: v.OK, Reason: v.Reason, Message: v.Message, Events: e.Events,
	}, s.policy)
	if err != nil {
		return station.Receipt{}, err
	}
	out := station.Receipt{RecordID: rc.RecordID, Same: rc.Same}
	if rc.Duplicate != nil {
		out.Duplicate = &station.Previous{RecordID: rc.Duplicate.RecordID, Station: rc.Duplicate.Station, Time: rc.Duplicate.Time}
		out.Accepted = s.policy.Duplicate == record.Warn
	}
	return out, nil
}

// openSink makes the publisher a sink configuration names, with its Close.
func openSink(sc sinkConfig) (serialgate.Publisher, func() error, error) {
	switch sc.Type {
	case "file":
		f := &publish.File{Path: sc.URL}
		return f, f.Close, nil
	case "http":
		topic := sc.Topic
		if topic == "" {
			// The envelope names a topic; a webhook without one gets a
			// local ARN that says which station sink posted it.
			topic = "arn:aws:sns:local:000000000000:serialgate-" + sc.Name
		}
		return &publish.Webhook{URL: sc.URL, TopicARN: topic}, nil, nil
	case "sns":
		return &publish.SNS{TopicARN: sc.Topic, Region: sc.Region, Endpoint: sc.Endpoint}, nil, nil
	case "mqtt":
		broker, user, pass, err := mqttBroker(sc.URL)
		if err != nil {
			return nil, nil, fmt.Errorf("sink %s: %w", sc.Name, err)
		}
		m := &publish.MQTT{Broker: broker, Topic: sc.Topic + "/events", Username: user, Password: pass}
		return m, m.Close, nil
	}
	return nil, nil, fmt.Errorf("sink %s: unknown type %q", sc.Name, sc.Type)
}

// mqttBroker splits the credentials off a broker URL.
func mqttBroker(raw string) (broker, user, pass string, err error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", "", "", fmt.Errorf("mqtt broker %q: want tcp://HOST:PORT", publishRedacted(raw))
	}
	if u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
		u.User = nil
	}
	if u.Scheme == "mqtt" {
		u.Scheme = "tcp"
	}
	return u.String(), user, pass, nil
}

// publishRedacted drops the userinfo of a URL for a message.
func publishRedacted(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		u.User = url.User("…")
		return u.String()
	}
	return raw
}

// sourceKind is the kind of source a source's name (its spec, perhaps
// numbered "2:serial:…") names, as the screen shows it.
func sourceKind(name string) string {
	if name == "screen" {
		return "wedge"
	}
	if n, rest, ok := strings.Cut(name, ":"); ok && n != "" && strings.Trim(n, "0123456789") == "" {
		name = rest
	}
	kind, _, _ := strings.Cut(name, ":")
	return kind
}
