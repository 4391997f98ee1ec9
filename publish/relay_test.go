package publish

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/serialgate/serialgate"
)

var quiet = slog.New(slog.DiscardHandler)

// recorder is a sink that records what it was given and when, failing
// when fail says so and, when block is set, waiting for its context.
type recorder struct {
	mu    sync.Mutex
	order []string               // events acknowledged, in order
	acked map[string]int         // acknowledgements per event
	calls map[string][]time.Time // Publish calls per event
	total int
	fail  func(e serialgate.Event, call int) error
	block bool
	after func() // called before acknowledging
}

func newRecorder() *recorder {
	return &recorder{acked: map[string]int{}, calls: map[string][]time.Time{}}
}

func (r *recorder) Publish(ctx context.Context, e serialgate.Event) error {
	r.mu.Lock()
	r.calls[e.ID] = append(r.calls[e.ID], time.Now())
	n := len(r.calls[e.ID])
	r.total++
	r.mu.Unlock()
	if r.block {
		<-ctx.Done()
		return ctx.Err()
	}
	if r.fail != nil {
		if err := r.fail(e, n); err != nil {
			return err
		}
	}
	if r.after != nil {
		r.after()
	}
	r.mu.Lock()
	r.order = append(r.order, e.ID)
	r.acked[e.ID]++
	r.mu.Unlock()
	return nil
}

func (r *recorder) attempts() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.total
}

func (r *recorder) wasAcked(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.acked[id] > 0
}

// checkAcked makes the outbox fail the test when an event is marked sent
// before its sink acknowledged it.
func checkAcked(t *testing.T, o *memOutbox, sinks map[string]*recorder) {
	o.onSent = func(sink, id string) {
		if !sinks[sink].wasAcked(id) {
			t.Errorf("%s: event %s marked sent before the sink acknowledged it", sink, id)
		}
	}
}

// run starts the relay in the test's bubble and returns its stop function,
// which cancels it and checks that it returned.
func run(t *testing.T, r *Relay) (stop func()) {
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	return func() {
		cancel()
		synctest.Wait()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		default:
			t.Fatal("Run did not return when its context ended")
		}
	}
}

func TestRelayDeliversOnceInOrder(t *testing.T) {
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				evs := testEvents(t, 1000)
				o := newOutbox(t, "a", "b")
				o.add(evs...)
				a, b := newRecorder(), newRecorder()
				checkAcked(t, o, map[string]*recorder{"a": a, "b": b})
				r := &Relay{Outbox: o, Sinks: map[string]serialgate.Publisher{"a": a, "b": b},
					Workers: workers, Batch: 64, Log: quiet}
				stop := run(t, r)
				synctest.Wait() // every loop idle: all that was due is done
				for name, rec := range map[string]*recorder{"a": a, "b": b} {
					if n := o.unsent(name); n != 0 {
						t.Errorf("%s: %d events unsent", name, n)
					}
					if len(rec.order) != len(evs) {
						t.Errorf("%s: %d acknowledgements, want %d", name, len(rec.order), len(evs))
					}
					for _, e := range evs {
						if rec.acked[e.ID] != 1 {
							t.Fatalf("%s: event %s delivered %d times", name, e.ID, rec.acked[e.ID])
						}
					}
					if workers == 1 {
						for i, id := range rec.order {
							if id != evs[i].ID {
								t.Fatalf("%s: delivery %d is event %s, want %s (event order)", name, i, id, evs[i].ID)
							}
						}
					} else {
						// Batches are taken in order: a delivery overtakes
						// others of its batch at most.
						pos := map[string]int{}
						for i, e := range evs {
							pos[e.ID] = i
						}
						for i, id := range rec.order {
							if d := pos[id] - i; d >= r.Batch || -d >= r.Batch {
								t.Fatalf("%s: delivery %d is event %d, further than a batch", name, i, pos[id])
							}
						}
					}
				}
				stop()
			})
		})
	}
}

func TestRelayKick(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := newOutbox(t, "s")
		rec := newRecorder()
		r := &Relay{Outbox: o, Sinks: map[string]serialgate.Publisher{"s": rec}, Poll: time.Hour, Log: quiet}
		r.Kick() // before Run: harmless
		stop := run(t, r)
		synctest.Wait()
		start := time.Now()
		evs := testEvents(t, 10)
		o.add(evs...)
		r.Kick()
		r.Kick() // kicks coalesce and never block
		synctest.Wait()
		if n := o.unsent("s"); n != 0 {
			t.Errorf("%d events unsent after Kick", n)
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("delivered after %v: Kick did not wake the loop", d)
		}
		stop()
	})
}

func TestRelayBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const fails = 8
		min, max, poll := time.Second, 60*time.Second, 100*time.Millisecond
		evs := testEvents(t, 50)
		o := newOutbox(t, "s")
		o.add(evs...)
		rec := newRecorder()
		rec.fail = func(e serialgate.Event, call int) error {
			if call <= fails {
				return fmt.Errorf("post event %s to https://admin:hunter2@example.com/hook?token=s3cret: 503 Service Unavailable", e.ID)
			}
			return nil
		}
		checkAcked(t, o, map[string]*recorder{"s": rec})
		r := &Relay{Outbox: o, Sinks: map[string]serialgate.Publisher{"s": rec},
			MinBackoff: min, MaxBackoff: max, Poll: poll, Workers: 1, Log: quiet}
		stop := run(t, r)
		time.Sleep(time.Hour)
		stop()

		var ratios []float64
		for _, e := range evs {
			row := o.row("s", e.ID)
			calls := rec.calls[e.ID]
			if row.sent != 1 || rec.acked[e.ID] != 1 || len(calls) != fails+1 {
				t.Fatalf("event %s: sent %d, acknowledged %d, %d calls; want 1, 1, %d", e.ID, row.sent, rec.acked[e.ID], len(calls), fails+1)
			}
			if row.attempts != fails {
				t.Errorf("event %s: %d failed attempts recorded, want %d", e.ID, row.attempts, fails)
			}
			if strings.Contains(row.lastErr, "hunter2") || strings.Contains(row.lastErr, "admin") || strings.Contains(row.lastErr, "s3cret") {
				t.Errorf("error text keeps a secret: %q", row.lastErr)
			}
			if !strings.Contains(row.lastErr, "503 Service Unavailable") {
				t.Errorf("error text lost its cause: %q", row.lastErr)
			}
			for k := 1; k <= fails; k++ {
				failed, next, retried := calls[k-1], row.fails[k-1], calls[k]
				wait, ceil := next.Sub(failed), ceiling(min, max, k)
				if wait < 0 || wait > ceil {
					t.Errorf("event %s: backoff %v after failure %d, want within [0, %v]", e.ID, wait, k, ceil)
				}
				if retried.Before(next) {
					t.Errorf("event %s: retried at %v, before its backoff ended at %v", e.ID, retried, next)
				}
				// Late by at most the loop's own pause or poll.
				if late := retried.Sub(next); late > max+poll {
					t.Errorf("event %s: retried %v after its backoff ended", e.ID, late)
				}
				ratios = append(ratios, float64(wait)/float64(ceil))
			}
		}
		// Full jitter: the waits spread over [0, ceiling], mean one half.
		var sum float64
		for _, x := range ratios {
			sum += x
		}
		if mean := sum / float64(len(ratios)); mean < 0.4 || mean > 0.6 {
			t.Errorf("mean backoff is %.2f of its ceiling, want about 0.5 (full jitter)", mean)
		}
	})
}

func TestRelayDownSinkIsProbed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		evs := testEvents(t, 5000)
		o := newOutbox(t, "s")
		o.add(evs...)
		var mu sync.Mutex
		down := true
		rec := newRecorder()
		rec.fail = func(serialgate.Event, int) error {
			mu.Lock()
			defer mu.Unlock()
			if down {
				return errors.New("connection refused")
			}
			return nil
		}
		max := time.Minute
		r := &Relay{Outbox: o, Sinks: map[string]serialgate.Publisher{"s": rec}, MaxBackoff: max, Log: quiet}
		stop := run(t, r)
		time.Sleep(10 * time.Minute)
		attempts := rec.attempts()
		t.Logf("%d attempts while down", attempts)
		// A relay that ran through the backlog would have tried each of
		// the 5000 events, most of them several times; probing with one
		// batch per pause makes about 1900 attempts (at most about 2400).
		if attempts >= 3000 {
			t.Errorf("%d attempts on a down sink in 10 minutes, want it probed, not flooded", attempts)
		}
		mu.Lock()
		down = false
		mu.Unlock()
		time.Sleep(2*max + time.Second)
		if n := o.unsent("s"); n != 0 {
			t.Errorf("%d events unsent %v after the sink came back", n, 2*max)
		}
		stop()
	})
}

func TestRelayStopsOnCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		evs := testEvents(t, 10)
		o := newOutbox(t, "slow")
		o.add(evs...)
		rec := newRecorder()
		rec.block = true
		r := &Relay{Outbox: o, Sinks: map[string]serialgate.Publisher{"slow": rec}, Log: quiet}
		stop := run(t, r)
		synctest.Wait() // the workers wait in Publish
		start := time.Now()
		stop() // fails unless Run returned with no time passing
		if time.Since(start) != 0 {
			t.Error("Run took time to stop")
		}
		// Abandoned, not failed: they are delivered again when the lease runs out.
		for _, e := range evs {
			if row := o.row("slow", e.ID); row.attempts != 0 || row.sent != 0 {
				t.Errorf("event %s: %d failures, %d sent after a stop; want none", e.ID, row.attempts, row.sent)
			}
		}
	})
}

func TestRelayMarksSentAfterCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		evs := testEvents(t, 1)
		o := newOutbox(t, "s")
		o.add(evs...)
		ctx, cancel := context.WithCancel(t.Context())
		rec := newRecorder()
		rec.after = cancel // the sink acknowledges as the relay stops
		r := &Relay{Outbox: o, Sinks: map[string]serialgate.Publisher{"s": rec}, Log: quiet}
		if err := r.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if row := o.row("s", evs[0].ID); row.sent != 1 {
			t.Errorf("acknowledged event marked sent %d times, want 1", row.sent)
		}
	})
}

func TestRelayOutboxDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := newOutbox(t, "s")
		o.add(testEvents(t, 20)...)
		o.dueErr = errors.New("database is locked")
		rec := newRecorder()
		r := &Relay{Outbox: o, Sinks: map[string]serialgate.Publisher{"s": rec}, Log: quiet}
		stop := run(t, r)
		time.Sleep(10 * time.Second)
		o.mu.Lock()
		o.dueErr = nil
		o.mu.Unlock()
		time.Sleep(2 * time.Second)
		if n := o.unsent("s"); n != 0 {
			t.Errorf("%d events unsent after the outbox came back", n)
		}
		stop()
	})
}

func TestRelayConfig(t *testing.T) {
	o := newOutbox(t, "s")
	ok := map[string]serialgate.Publisher{"s": newRecorder()}
	for _, tc := range []struct {
		name string
		r    *Relay
		want string
	}{
		{"no outbox", &Relay{Sinks: ok}, "Outbox"},
		{"no sinks", &Relay{Outbox: o}, "Sinks"},
		{"nil sink", &Relay{Outbox: o, Sinks: map[string]serialgate.Publisher{"s": nil}}, `"s"`},
		{"max below min", &Relay{Outbox: o, Sinks: ok, MinBackoff: time.Minute, MaxBackoff: time.Second}, "MaxBackoff"},
		{"negative", &Relay{Outbox: o, Sinks: ok, Workers: -1}, "negative"},
	} {
		err := tc.r.Run(t.Context())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Run = %v, want an error naming %s", tc.name, err, tc.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	for _, tc := range []struct {
		attempts int
		ceil     time.Duration
	}{
		{0, time.Second}, {1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second},
		{9, 256 * time.Second}, {10, 5 * time.Minute}, {1000, 5 * time.Minute},
	} {
		if c := ceiling(DefaultMinBackoff, DefaultMaxBackoff, tc.attempts); c != tc.ceil {
			t.Errorf("ceiling after %d failures = %v, want %v", tc.attempts, c, tc.ceil)
		}
		for range 100 {
			if d := Backoff(DefaultMinBackoff, DefaultMaxBackoff, tc.attempts); d < 0 || d > tc.ceil {
				t.Fatalf("Backoff after %d failures = %v, want within [0, %v]", tc.attempts, d, tc.ceil)
			}
		}
	}
}
