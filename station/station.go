package station

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/serialgate/serialgate"
)

// Entry is one judged scan as the station records it.
type Entry struct {
	Time    time.Time
	Station string
	Line    string
	Source  string
	Verdict serialgate.Verdict
	ASIN    string
	OrderID string
	// Events are the outbox events the scan causes (a registration's
	// notification), written in the same transaction as the scan.
	Events []serialgate.Event
}

// Receipt is what the record says of an entry once it is durable.
type Receipt struct {
	RecordID int64
	// Duplicate is set when the serial was recorded before (on this station
	// or another sharing the store) and the policy rejected or flagged it:
	// the entry was recorded as a duplicate without its events.
	Duplicate *Previous
	// Accepted is set with Duplicate when the policy only warns: the scan
	// passes, flagged, and the first record keeps the registration.
	Accepted bool
	// Same is set when the policy took a re-scan of the same label within
	// its window as the earlier record, which is returned.
	Same bool
}

// Previous describes the first record of a serial.
type Previous struct {
	RecordID int64
	Station  string
	Time     time.Time
}

// Recorder is the durable record. Record returns only once the entry and
// its events are committed: the station shows nothing before.
type Recorder interface {
	Record(ctx context.Context, e Entry) (Receipt, error)
}

// Eventer turns a registration into its outbox event.
type Eventer func(r serialgate.Registration) (serialgate.Event, error)

// Result is a scan's outcome as the operator screen, the JSON lines output
// and the API show it: the verdict once durable.
type Result struct {
	Time     time.Time         `json:"time"`
	Station  string            `json:"station"`
	Source   string            `json:"source"`
	Serial   string            `json:"serial"`
	Model    string            `json:"model,omitempty"`
	OK       bool              `json:"ok"`
	Verdict  string            `json:"verdict"` // pass, fail, wrong_model, unknown, duplicate, over_scanned, no_order, timed_out, store_failed; model, order for line scans
	Code     serialgate.Reason `json:"reason_code"`
	Reason   string            `json:"reason,omitempty"`
	Next     string            `json:"next,omitempty"`
	RecordID int64             `json:"record_id,omitempty"`
	EventID  string            `json:"event_id,omitempty"`
	Order    *Progress         `json:"order,omitempty"`
	// Picture names the picture of the label the scan came from (a camera
	// frame, an image file), when it came from one.
	Picture string             `json:"picture,omitempty"`
	Barcode serialgate.Barcode `json:"-"` // the barcode judged: for a picture, the one picked among its barcodes
}

// verdictName is the one-word verdict the screen and scripts key on.
func verdictName(v serialgate.Verdict) string {
	switch v.Reason {
	case serialgate.ReasonNone:
		if v.OK {
			return "pass"
		}
	case serialgate.ReasonDuplicate:
		return "duplicate"
	case serialgate.ReasonWrongModel:
		return "wrong_model"
	case serialgate.ReasonUnknownModel:
		return "unknown"
	case serialgate.ReasonTimedOut:
		return "timed_out"
	case serialgate.ReasonOverScanned:
		return "over_scanned"
	case serialgate.ReasonNoOrder:
		return "no_order"
	case serialgate.ReasonStoreFailed:
		return "store_failed"
	case serialgate.ReasonLocked:
		return "locked"
	}
	return "fail"
}

// Station runs the scan loop: each scan from its sources is decided by the
// line, recorded, and only then shown and printed.
type Station struct {
	ID     string
	LineID string
	Line   *Line
	Record Recorder
	Events Eventer
	Log    *slog.Logger
	Now    func() time.Time
	// Results, when set, is called with each result once durable, in scan
	// order, from the scan loop: it must not block for long (the JSON lines
	// output writes to a buffered stdout).
	Results func(Result)
	// Hub fans results out to screens; a slow screen never delays the loop.
	Hub *Hub
	// Hold, when set, is asked before each scan: a non-empty answer (the
	// operator screen's duplicate or repeated-fail lock) refuses the scan
	// from every source, unrecorded, until a supervisor clears it.
	Hold func() string

	mu     sync.Mutex
	counts Counts
	recent []Result
	// The line's state as of the last result, for other goroutines: the
	// line itself belongs to the scan loop.
	model  string
	order  *Progress
	orders []Progress
	models []string

	ctlOnce sync.Once
	ctl     chan func()
}

func (s *Station) control() chan func() {
	s.ctlOnce.Do(func() { s.ctl = make(chan func()) })
	return s.ctl
}

// Do runs f on the scan loop, between scans, and waits for it: the way
// the API changes the line (model, manifest) without racing the loop.
func (s *Station) Do(ctx context.Context, f func(*Line) error) error {
	errc := make(chan error, 1)
	select {
	case s.control() <- func() { errc <- f(s.Line); s.publishState() }:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Counts are the station's tallies since it started.
type Counts struct {
	Scans, Pass, Fail, Duplicate int
}

// Source is what the station reads scans from.
type Source interface {
	Next(ctx context.Context) (serialgate.Scan, error)
}

// recentMax is how many results the station keeps for a screen that
// (re)connects.
const recentMax = 50

// Run reads every source until ctx ends, one goroutine per source feeding
// the one scan loop, so that verdicts are recorded in the order scans
// arrived. A source that fails is logged and stops; the others go on.
func (s *Station) Run(ctx context.Context, sources map[string]Source) error {
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	scans := make(chan serialgate.Scan)
	var wg sync.WaitGroup
	for name, src := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				sc, err := src.Next(ctx)
				if err != nil {
					switch {
					case errors.Is(err, io.EOF):
						s.Log.Info("source ended", "source", name)
					case ctx.Err() == nil:
						s.Log.Error("source stopped", "source", name, "err", err)
					}
					return
				}
				if sc.Source == "" {
					sc.Source = name
				}
				select {
				case scans <- sc:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	ctl := s.control()
	for {
		select {
		case sc := <-scans:
			s.Handle(ctx, sc)
		case f := <-ctl:
			f()
		case <-done:
			return nil
		case <-ctx.Done():
			<-done
			return ctx.Err()
		}
	}
}

// Handle judges, records and shows one scan, and returns its result.
func (s *Station) Handle(ctx context.Context, sc serialgate.Scan) Result {
	if s.Now == nil {
		s.Now = time.Now
	}
	b := sc.Barcode()
	if s.Hold != nil {
		if why := s.Hold(); why != "" {
			res := Result{Time: sc.Time, Station: s.ID, Source: sc.Source, Serial: b.Text, Verdict: "locked",
				Code: serialgate.ReasonLocked, Reason: why, Next: "call a supervisor to unlock the station, then scan this box again", Barcode: b}
			if res.Time.IsZero() {
				res.Time = s.Now()
			}
			s.publish(res, false)
			return res
		}
	}
	var d Decision
	if sc.Picture != "" {
		d = s.Line.DecideLabel(sc.Label)
		b = serialgate.Barcode{}
		if d.Barcode >= 0 && d.Barcode < len(sc.Label) {
			b = sc.Label[d.Barcode]
		}
	} else {
		d = s.Line.Decide(b)
	}
	res := Result{Time: sc.Time, Station: s.ID, Source: sc.Source, Serial: d.Verdict.Serial, Next: d.Next, Barcode: b, Picture: sc.Picture}
	if res.Time.IsZero() {
		res.Time = s.Now()
	}
	switch d.Kind {
	case KindModel:
		s.Line.Commit(d)
		res.Verdict, res.Model, res.OK, res.Serial = "model", d.Model.Model.Model, true, b.Text
		s.publish(res, false)
		return res
	case KindOrder:
		s.Line.Commit(d)
		p, _ := s.Line.CurrentOrder()
		res.Verdict, res.OK, res.Order, res.Serial = "order", true, &p, b.Text
		s.publish(res, false)
		return res
	}
	e := Entry{Time: res.Time.UTC(), Station: s.ID, Line: s.LineID, Source: sc.Source, Verdict: d.Verdict}
	if d.Order != nil {
		e.OrderID, e.ASIN = d.Order.ID, d.Order.ASIN
	}
	if d.Registration != nil && s.Events != nil {
		ev, err := s.Events(*d.Registration)
		if err != nil {
			d.Verdict = failStore(d.Verdict, fmt.Errorf("make event: %w", err))
			e.Verdict = d.Verdict
		} else {
			e.Events = []serialgate.Event{ev}
		}
	}
	rc, err := s.Record.Record(ctx, e)
	switch {
	case err != nil:
		// Not durable, not accepted: the operator must scan the box again.
		s.Log.Error("record scan", "serial", d.Verdict.Serial, "err", err)
		d.Verdict = failStore(d.Verdict, err)
		d.Next = "scan the box again once the record is back; it was not recorded"
	case rc.Duplicate != nil:
		d.Verdict.OK = rc.Accepted
		d.Verdict.Reason = serialgate.ReasonDuplicate
		d.Verdict.Message = fmt.Sprintf("duplicate: serial already recorded on %s at %s", rc.Duplicate.Station, rc.Duplicate.Time.Local().Format("2006-01-02 15:04:05"))
		d.Next = "pull the box: this serial was scanned before"
		if rc.Accepted {
			d.Verdict.Message = "warning: " + d.Verdict.Message
			d.Next = "ship the box if its label is right; a supervisor will check the duplicate"
		}
		res.RecordID = rc.RecordID
	default:
		res.RecordID = rc.RecordID
		if d.Verdict.OK && len(e.Events) > 0 && !rc.Same {
			res.EventID = e.Events[0].ID
			s.Line.Commit(d)
		}
	}
	v := d.Verdict
	res.Serial, res.OK, res.Code, res.Reason, res.Next = v.Serial, v.OK, v.Reason, v.Message, d.Next
	res.Verdict = verdictName(v)
	if d.Model != nil {
		res.Model = d.Model.Model.Model
	} else if v.Model != "" {
		res.Model = v.Model
	}
	if p, ok := s.Line.CurrentOrder(); ok && s.Line.Workflow == Prereg {
		res.Order = &p
	}
	s.publish(res, err == nil)
	return res
}

func failStore(v serialgate.Verdict, err error) serialgate.Verdict {
	v.OK = false
	v.Reason = serialgate.ReasonStoreFailed
	v.Message = "not recorded: " + operatorCause(err)
	return v
}

// operatorCause says in an operator's words why the record failed; the
// full error goes to the log.
func operatorCause(err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return "the station is stopping"
	case isDiskFull(err):
		return "the disk is full: call a supervisor"
	}
	return "the record is not available: call a supervisor"
}

// publish counts a result and hands it to the output and the screens.
func (s *Station) publish(r Result, counted bool) {
	model := ""
	if m := s.Line.Model(); m != nil {
		model = m.Model.Model
	}
	var order *Progress
	if p, ok := s.Line.CurrentOrder(); ok {
		order = &p
	}
	orders := s.Line.Orders()
	s.mu.Lock()
	s.model, s.order, s.orders = model, order, orders
	if counted {
		s.counts.Scans++
		if r.OK {
			s.counts.Pass++
		} else {
			s.counts.Fail++
		}
		if r.Code == serialgate.ReasonDuplicate {
			s.counts.Duplicate++
		}
	}
	s.recent = append(s.recent, r)
	if len(s.recent) > recentMax {
		s.recent = s.recent[len(s.recent)-recentMax:]
	}
	s.mu.Unlock()
	if s.Results != nil {
		s.Results(r)
	}
	if s.Hub != nil {
		s.Hub.Send(r)
	}
}

// Snapshot is the station's state for a screen that connects.
type Snapshot struct {
	Station  string     `json:"station"`
	Line     string     `json:"line,omitempty"`
	Workflow Workflow   `json:"workflow"`
	Model    string     `json:"model,omitempty"`
	Order    *Progress  `json:"order,omitempty"`
	Counts   Counts     `json:"counts"`
	Recent   []Result   `json:"recent"`
	Orders   []Progress `json:"orders,omitempty"`
	// Models are the models a verify line can be switched to.
	Models []string `json:"models,omitempty"`
}

// State returns the station's current state, as of its last result. It is
// safe to call from any goroutine.
func (s *Station) State() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Snapshot{Station: s.ID, Line: s.LineID, Workflow: s.Line.Workflow, Model: s.model, Order: s.order,
		Orders: append([]Progress(nil), s.orders...), Counts: s.counts, Recent: append([]Result(nil), s.recent...), Models: s.models}
}

// Start records the line's initial state for State, before Run.
func (s *Station) Start() {
	if s.Line.Workflow == Verify && s.Line.Rules != nil {
		var names []string
		for _, m := range s.Line.Rules.Models {
			names = append(names, m.Model.Model)
		}
		s.mu.Lock()
		s.models = names
		s.mu.Unlock()
	}
	s.publishState()
}

func (s *Station) publishState() {
	model := ""
	if m := s.Line.Model(); m != nil {
		model = m.Model.Model
	}
	var order *Progress
	if p, ok := s.Line.CurrentOrder(); ok {
		order = &p
	}
	s.mu.Lock()
	s.model, s.order, s.orders = model, order, s.Line.Orders()
	s.mu.Unlock()
}
