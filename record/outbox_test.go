package record

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/serialgate/serialgate"
)

func due(t testing.TB, s *Store, sink string, now time.Time, limit int) []string {
	t.Helper()
	ds, err := s.Due(context.Background(), sink, now, limit)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{}
	for _, d := range ds {
		if d.Sink != sink {
			t.Errorf("Due(%s) returned a delivery to %s", sink, d.Sink)
		}
		ids = append(ids, d.Event.ID)
	}
	return ids
}

// TestOutbox walks deliveries through Due, the lease, MarkSent and
// MarkFailed, and reads the result back from Events and Backlog.
func TestOutbox(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		clock := t0.Add(time.Hour)
		s.now = func() time.Time { return clock }
		if err := s.SetSinks(ctx, []Sink{{Name: "a"}, {Name: "b", Manufacturers: []string{"acme"}}}); err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for i := 1; i <= 3; i++ {
			ev := event(fmt.Sprintf("e%d", i), "acme")
			ev.Time = t0.Add(time.Duration(i) * time.Second)
			rc := record(t, s, pass("st-1", fmt.Sprintf("SN%d", i), t0, ev), Policy{})
			ids = append(ids, rc.RecordID)
		}
		now := t0.Add(time.Minute)

		// Due gives event order, the event whole, and leases what it gives.
		ds, err := s.Due(ctx, "a", now, 2)
		if err != nil {
			t.Fatal(err)
		}
		want := serialgate.Delivery{Sink: "a", Event: serialgate.Event{ID: "e1", Type: "DeviceRegisteredNotification", Version: "2",
			Manufacturer: "acme", Time: t0.Add(time.Second), Body: []byte(`{"notificationId":"e1"}`), RecordID: ids[0]}}
		if len(ds) != 2 || !reflect.DeepEqual(ds[0], want) || ds[1].Event.ID != "e2" {
			t.Fatalf("Due = %+v\nwant e1 (%+v), e2", ds, want)
		}
		if got := due(t, s, "a", now, 10); !reflect.DeepEqual(got, []string{"e3"}) {
			t.Errorf("Due during the lease = %v, want [e3]", got)
		}
		if got := due(t, s, "a", now.Add(29*time.Second), 10); len(got) != 0 {
			t.Errorf("Due before the leases end = %v, want none", got)
		}
		// The leases taken at now end at now+30s: all three are due again.
		if got := due(t, s, "a", now.Add(30*time.Second), 10); !reflect.DeepEqual(got, []string{"e1", "e2", "e3"}) {
			t.Errorf("Due after the leases = %v, want [e1 e2 e3]", got)
		}
		if got := due(t, s, "b", now, 10); !reflect.DeepEqual(got, []string{"e1", "e2", "e3"}) {
			t.Errorf("Due(b) = %v: a lease on a is not one on b", got)
		}

		// e1 sent, e2 failed twice with a backoff, e3 left leased.
		sentAt := now.Add(31 * time.Second)
		if err := s.MarkSent(ctx, "a", []string{"e1"}, sentAt); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkSent(ctx, "a", []string{"e1"}, sentAt.Add(time.Hour)); err != nil {
			t.Errorf("second MarkSent: %v", err)
		}
		next := now.Add(10 * time.Minute)
		if err := s.MarkFailed(ctx, "a", "e2", "connection refused", now.Add(5*time.Minute)); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(time.Second)
		if err := s.MarkFailed(ctx, "a", "e2", "HTTP 503", next); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkFailed(ctx, "a", "e1", "late failure", next); err != nil {
			t.Errorf("MarkFailed of a sent delivery: %v", err)
		}
		if got := due(t, s, "a", next.Add(-time.Millisecond), 10); !reflect.DeepEqual(got, []string{"e3"}) {
			t.Errorf("Due before the backoff ends = %v, want [e3]", got)
		}
		ds, err = s.Due(ctx, "a", next, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 1 || ds[0].Event.ID != "e2" || ds[0].Attempts != 2 || ds[0].LastError != "HTTP 503" {
			t.Errorf("Due after the backoff = %+v, want e2 with 2 attempts and its last error", ds)
		}

		evs := events(t, s, Query{})
		if len(evs) != 3 {
			t.Fatalf("%d events, want 3", len(evs))
		}
		wantStates := [][]DeliveryState{
			{{Sink: "a", State: "sent", SentAt: sentAt}, {Sink: "b", State: "pending"}},
			{{Sink: "a", State: "failed", Attempts: 2, LastError: "HTTP 503", NextAt: next}, {Sink: "b", State: "pending"}},
			{{Sink: "a", State: "pending"}, {Sink: "b", State: "pending"}},
		}
		for i, e := range evs {
			if !reflect.DeepEqual(e.Deliveries, wantStates[i]) {
				t.Errorf("event %s deliveries %+v\nwant %+v", e.ID, e.Deliveries, wantStates[i])
			}
		}

		hs, err := s.Backlog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantHealth := []SinkHealth{
			{Sink: "a", Pending: 2, Oldest: t0.Add(2 * time.Second), Sent: 1, LastSuccess: sentAt, LastError: "HTTP 503", LastErrorAt: clock},
			{Sink: "b", Pending: 3, Oldest: t0.Add(time.Second)},
		}
		if !reflect.DeepEqual(hs, wantHealth) {
			t.Errorf("Backlog = %+v\nwant %+v", hs, wantHealth)
		}

		if err := s.MarkSent(ctx, "a", []string{"e3", "no-such-event"}, now); !errors.Is(err, ErrNoDelivery) {
			t.Errorf("MarkSent of an unknown event: %v, want ErrNoDelivery", err)
		}
		// The known event of that batch was marked all the same, once.
		hs, err = s.Backlog(ctx)
		if err != nil || len(hs) == 0 || hs[0].Sink != "a" || hs[0].Sent != 2 || hs[0].Pending != 1 {
			t.Errorf("Backlog after a batch with an unknown event = %+v, %v; want a: 2 sent, 1 pending", hs, err)
		}
		if err := s.MarkFailed(ctx, "nobody", "e1", "x", now); !errors.Is(err, ErrNoDelivery) {
			t.Errorf("MarkFailed to an unknown sink: %v, want ErrNoDelivery", err)
		}
	})
}

// TestSinks: a sink added later gets only later events; a sink taken out
// gets no new ones and keeps its backlog.
func TestSinks(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		if err := s.SetSinks(ctx, []Sink{{Name: "a"}, {Name: "b"}}); err != nil {
			t.Fatal(err)
		}
		record(t, s, pass("st-1", "SN1", t0, event("e1", "acme")), Policy{})
		if err := s.SetSinks(ctx, []Sink{{Name: "a", Manufacturers: []string{"other"}}, {Name: "c"}}); err != nil {
			t.Fatal(err)
		}
		record(t, s, pass("st-1", "SN2", t0, event("e2", "acme")), Policy{})
		for sink, want := range map[string][]string{"a": {"e1"}, "b": {"e1"}, "c": {"e2"}} {
			if got := due(t, s, sink, t0, 10); !reflect.DeepEqual(got, want) {
				t.Errorf("Due(%s) = %v, want %v", sink, got, want)
			}
		}
		hs, err := s.Backlog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, h := range hs {
			names = append(names, fmt.Sprintf("%s:%d", h.Sink, h.Pending))
		}
		if want := []string{"a:1", "b:1", "c:1"}; !reflect.DeepEqual(names, want) {
			t.Errorf("Backlog sinks %v, want %v", names, want)
		}
		if err := s.SetSinks(ctx, []Sink{{Name: "x"}, {Name: "x"}}); err == nil {
			t.Error("SetSinks took a name twice")
		}
		if err := s.SetSinks(ctx, []Sink{{}}); err == nil {
			t.Error("SetSinks took a sink with no name")
		}
		if err := s.SetSinks(ctx, nil); err != nil {
			t.Fatal(err)
		}
		record(t, s, pass("st-1", "SN3", t0, event("e3", "acme")), Policy{})
		if evs := events(t, s, Query{}); len(evs[2].Deliveries) != 0 {
			t.Errorf("with no sinks, e3 has deliveries %+v", evs[2].Deliveries)
		}
	})
}

// TestDueConcurrent: relays of two stores on one database take disjoint
// deliveries.
func TestDueConcurrent(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s1, s2 := open(t, url), open(t, url)
		if err := s1.SetSinks(ctx, []Sink{{Name: "a"}}); err != nil {
			t.Fatal(err)
		}
		for i := range 20 {
			record(t, s1, pass("st-1", fmt.Sprintf("SN%d", i), t0, event(fmt.Sprintf("e%02d", i), "acme")), Policy{})
		}
		var mu sync.Mutex
		got := map[string]int{}
		var wg sync.WaitGroup
		for _, s := range []*Store{s1, s2, s1, s2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					ds, err := s.Due(ctx, "a", t0, 3)
					if err != nil {
						t.Error(err)
						return
					}
					if len(ds) == 0 {
						return
					}
					mu.Lock()
					for _, d := range ds {
						got[d.Event.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		var ids []string
		for id, n := range got {
			if n != 1 {
				t.Errorf("%s handed out %d times", id, n)
			}
			ids = append(ids, id)
		}
		sort.Strings(ids)
		if len(ids) != 20 {
			t.Errorf("handed out %d deliveries, want 20: %v", len(ids), ids)
		}
	})
}
