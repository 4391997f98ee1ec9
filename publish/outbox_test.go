package publish

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/drs"
)

// memOutbox is the tests' outbox: the contract record implements, in
// memory, checking how the relay uses it. It leases what Due returns, and
// fails the test when an event is marked sent twice or marked while not
// leased to the relay.
type memOutbox struct {
	t     testing.TB
	lease time.Duration

	mu     sync.Mutex
	sinks  map[string]*sinkRows
	dueErr error                 // returned by Due while set
	onSent func(sink, id string) // called on each MarkSent, under no lock
}

type sinkRows struct {
	rows  []*row
	byID  map[string]*row
	head  int // rows before head are all sent
	sent  int // rows sent
	fails int // failed attempts
}

type row struct {
	ev       serialgate.Event
	attempts int
	lastErr  string
	next     time.Time
	leased   time.Time // leased until
	sent     int       // times marked sent
	fails    []time.Time
}

func newOutbox(t testing.TB, sinks ...string) *memOutbox {
	o := &memOutbox{t: t, lease: time.Minute, sinks: map[string]*sinkRows{}}
	for _, s := range sinks {
		o.sinks[s] = &sinkRows{byID: map[string]*row{}}
	}
	return o
}

// add records events for every sink, as the station's transaction would.
func (o *memOutbox) add(evs ...serialgate.Event) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, e := range evs {
		for _, s := range o.sinks {
			r := &row{ev: e}
			s.rows = append(s.rows, r)
			s.byID[e.ID] = r
		}
	}
}

func (o *memOutbox) Due(ctx context.Context, sink string, now time.Time, limit int) ([]serialgate.Delivery, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.dueErr != nil {
		return nil, o.dueErr
	}
	s, ok := o.sinks[sink]
	if !ok {
		return nil, fmt.Errorf("no sink %q", sink)
	}
	for s.head < len(s.rows) && s.rows[s.head].sent > 0 {
		s.head++
	}
	var out []serialgate.Delivery
	for _, r := range s.rows[s.head:] {
		if len(out) == limit {
			break
		}
		if r.sent > 0 || r.next.After(now) || r.leased.After(now) {
			continue
		}
		r.leased = now.Add(o.lease)
		out = append(out, serialgate.Delivery{Event: r.ev, Sink: sink, Attempts: r.attempts, LastError: r.lastErr})
	}
	return out, nil
}

func (o *memOutbox) find(sink, id string) *row {
	s, ok := o.sinks[sink]
	if !ok {
		o.t.Errorf("mark of unknown sink %q", sink)
		return nil
	}
	r, ok := s.byID[id]
	if !ok {
		o.t.Errorf("mark of unknown event %s", id)
		return nil
	}
	if r.leased.IsZero() {
		o.t.Errorf("%s: event %s marked while not leased", sink, id)
	}
	return r
}

func (o *memOutbox) MarkSent(ctx context.Context, sink string, ids []string, at time.Time) error {
	for _, id := range ids {
		o.mu.Lock()
		r := o.find(sink, id)
		if r != nil {
			r.sent++
			r.leased = time.Time{}
			if r.sent == 1 {
				o.sinks[sink].sent++
			}
			if r.sent > 1 {
				o.t.Errorf("%s: event %s marked sent %d times", sink, id, r.sent)
			}
		}
		f := o.onSent
		o.mu.Unlock()
		if f != nil {
			f(sink, id)
		}
	}
	return nil
}

func (o *memOutbox) MarkFailed(ctx context.Context, sink, id, errText string, next time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	r := o.find(sink, id)
	if r == nil {
		return nil
	}
	if r.sent > 0 {
		o.t.Errorf("%s: event %s marked failed after it was sent", sink, id)
	}
	r.attempts++
	o.sinks[sink].fails++
	r.lastErr = errText
	r.next = next
	r.leased = time.Time{}
	r.fails = append(r.fails, next)
	return nil
}

// unsent counts the sink's events not yet marked sent.
func (o *memOutbox) unsent(sink string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.sinks[sink]
	return len(s.rows) - s.sent
}

// failures counts the sink's failed attempts.
func (o *memOutbox) failures(sink string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.sinks[sink].fails
}

func (o *memOutbox) row(sink, id string) row {
	o.mu.Lock()
	defer o.mu.Unlock()
	return *o.sinks[sink].byID[id]
}

// testEvents builds n DeviceRegisteredNotification events, as the station
// records them, in time order.
func testEvents(t testing.TB, n int) []serialgate.Event {
	t.Helper()
	base := time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)
	evs := make([]serialgate.Event, n)
	for i := range evs {
		mfr := "acme"
		if i%3 == 2 {
			mfr = "globex"
		}
		e, err := drs.RegistrationEvent(serialgate.Registration{
			Serial:       fmt.Sprintf("G030QC%010d", i),
			Model:        "DASH-BTN-1",
			ASIN:         "B01N0Y5H2U",
			OrderID:      fmt.Sprintf("111-%07d", i/10),
			CustomerID:   "amzn1.account.AGXKQ3EXAMPLE",
			Manufacturer: mfr,
			LWAClientID:  "amzn1.application-oa2-client.0123456789abcdef",
			Time:         base.Add(time.Duration(i) * time.Millisecond),
		})
		if err != nil {
			t.Fatal(err)
		}
		e.RecordID = int64(i + 1)
		evs[i] = e
	}
	return evs
}
