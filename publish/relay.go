package publish

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/serialgate/serialgate"
)

// Outbox is the relay's view of the store's outbox.
type Outbox interface {
	// Due returns up to limit deliveries for the sink that are pending, or
	// failed and due again at now, in event order, leased to the caller so
	// that no other relay takes them meanwhile.
	Due(ctx context.Context, sink string, now time.Time, limit int) ([]serialgate.Delivery, error)
	// MarkSent records that the sink acknowledged the events: the relay
	// marks a batch's acknowledged events together, so that a store syncs
	// to disk once a batch rather than once an event.
	MarkSent(ctx context.Context, sink string, eventIDs []string, at time.Time) error
	// MarkFailed records a failed attempt and when the next one is due.
	MarkFailed(ctx context.Context, sink, eventID, errText string, next time.Time) error
}

// The Relay's defaults.
const (
	DefaultMinBackoff = time.Second
	DefaultMaxBackoff = 5 * time.Minute
	DefaultBatch      = 100
	DefaultPoll       = time.Second
	DefaultWorkers    = 4
	DefaultTimeout    = 30 * time.Second
)

// markTimeout bounds a MarkSent or MarkFailed, which runs on even after Run's
// context ends: an acknowledged event must be recorded as sent.
const markTimeout = 10 * time.Second

// Relay delivers the outbox's events to the sinks, one loop per sink. The
// zero value of each field but Outbox and Sinks is a useful default.
type Relay struct {
	Outbox Outbox
	Sinks  map[string]serialgate.Publisher // by the sink names the outbox uses

	// MinBackoff and MaxBackoff bound the wait after a failed attempt
	// (1s and 5min by default).
	MinBackoff, MaxBackoff time.Duration
	Batch                  int           // deliveries asked of the outbox at a time (100)
	Poll                   time.Duration // how often an idle loop asks the outbox (1s)
	Workers                int           // deliveries in flight per sink (4)
	// Timeout bounds one Publish (30s), so that a sink that hangs fails
	// the attempt instead of holding a worker for ever.
	Timeout time.Duration
	Now     func() time.Time // time.Now by default
	Log     *slog.Logger     // slog.Default() by default

	once  sync.Once
	kicks map[string]chan struct{}
}

// Kick wakes every sink's loop to ask the outbox now, instead of at its
// next poll. The station calls it after each record. It never blocks, and
// may be called before Run and from any goroutine.
func (r *Relay) Kick() {
	r.init()
	for _, c := range r.kicks {
		select {
		case c <- struct{}{}:
		default: // a wake-up is already pending
		}
	}
}

func (r *Relay) init() {
	r.once.Do(func() {
		r.kicks = make(map[string]chan struct{}, len(r.Sinks))
		for name := range r.Sinks {
			r.kicks[name] = make(chan struct{}, 1)
		}
	})
}

// settings is the relay's configuration with the defaults filled in.
type settings struct {
	min, max, poll, timeout time.Duration
	batch, workers          int
	now                     func() time.Time
	log                     *slog.Logger
}

func (r *Relay) settings() (settings, error) {
	s := settings{
		min: r.MinBackoff, max: r.MaxBackoff, poll: r.Poll, timeout: r.Timeout,
		batch: r.Batch, workers: r.Workers, now: r.Now, log: r.Log,
	}
	switch {
	case r.Outbox == nil:
		return s, errors.New("relay: Outbox is nil")
	case len(r.Sinks) == 0:
		return s, errors.New("relay: no Sinks")
	case s.min < 0, s.max < 0, s.poll < 0, s.timeout < 0, s.batch < 0, s.workers < 0:
		return s, errors.New("relay: negative MinBackoff, MaxBackoff, Poll, Timeout, Batch or Workers")
	}
	for name, p := range r.Sinks {
		if p == nil {
			return s, fmt.Errorf("relay: sink %q has a nil Publisher", name)
		}
	}
	if s.min == 0 {
		s.min = DefaultMinBackoff
	}
	if s.max == 0 {
		s.max = max(DefaultMaxBackoff, s.min)
	}
	if s.max < s.min {
		return s, fmt.Errorf("relay: MaxBackoff %v is less than MinBackoff %v", s.max, s.min)
	}
	if s.poll == 0 {
		s.poll = DefaultPoll
	}
	if s.timeout == 0 {
		s.timeout = DefaultTimeout
	}
	if s.batch == 0 {
		s.batch = DefaultBatch
	}
	if s.workers == 0 {
		s.workers = DefaultWorkers
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s, nil
}

// Run delivers until ctx ends, then returns nil once every loop has
// stopped; it returns an error at once when a field is invalid. Deliveries
// in flight when ctx ends are abandoned unmarked: their lease runs out and
// they are delivered again.
func (r *Relay) Run(ctx context.Context) error {
	s, err := r.settings()
	if err != nil {
		return err
	}
	r.init()
	var wg sync.WaitGroup
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range r.Sinks {
			if !yield(n) {
				return
			}
		}
	})
	for _, name := range names {
		l := &loop{settings: s, outbox: r.Outbox, sink: name, pub: r.Sinks[name], kick: r.kicks[name],
			log: s.log.With("sink", name)}
		wg.Go(func() { l.run(ctx) })
	}
	wg.Wait()
	return nil
}

// loop delivers to one sink.
type loop struct {
	settings
	outbox Outbox
	sink   string
	pub    serialgate.Publisher
	kick   chan struct{}
	log    *slog.Logger
	streak int // batches in a row in which every delivery failed
}

func (l *loop) run(ctx context.Context) {
	for ctx.Err() == nil {
		ds, err := l.outbox.Due(ctx, l.sink, l.now(), l.batch)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			l.log.Error("read due deliveries", "err", redact(err.Error()))
			l.wait(ctx, l.poll)
			continue
		}
		if len(ds) == 0 {
			l.wait(ctx, l.poll)
			continue
		}
		sent, failed := l.deliver(ctx, ds)
		switch {
		case ctx.Err() != nil:
			return
		case sent == 0 && failed > 0:
			// The sink looks down: probe it again after a backoff of its own
			// rather than running through the whole backlog.
			l.streak++
			l.wait(ctx, l.sinkPause())
		case len(ds) < l.batch:
			l.streak = 0
			l.wait(ctx, l.poll) // all that was due is done; a Kick may have come meanwhile
		default:
			l.streak = 0 // a full batch: there is likely more
		}
	}
}

// sinkPause is the loop's wait after streak batches in a row failed: half
// the backoff fixed, half random, so that it is never near zero.
func (l *loop) sinkPause() time.Duration {
	c := ceiling(l.min, l.max, l.streak)
	return c/2 + rand.N(c/2+1)
}

// wait returns after d, on a Kick, or when ctx ends.
func (l *loop) wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-l.kick:
	}
}

// deliver publishes a batch with the loop's workers, handing deliveries out
// in order, and marks each. It returns when all are done.
func (l *loop) deliver(ctx context.Context, ds []serialgate.Delivery) (sent, failed int) {
	var (
		mu       sync.Mutex
		next     int
		firstErr string
		wg       sync.WaitGroup
		acked    []string
	)
	take := func() (serialgate.Delivery, bool) {
		mu.Lock()
		defer mu.Unlock()
		if next == len(ds) || ctx.Err() != nil {
			return serialgate.Delivery{}, false
		}
		next++
		return ds[next-1], true
	}
	for range min(l.workers, len(ds)) {
		wg.Go(func() {
			for d, ok := take(); ok; d, ok = take() {
				errText, ok := l.one(ctx, d)
				mu.Lock()
				switch {
				case ok:
					sent++
					acked = append(acked, d.Event.ID)
				case errText != "":
					failed++
					if firstErr == "" {
						firstErr = errText
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(acked) > 0 {
		mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
		if err := l.outbox.MarkSent(mctx, l.sink, acked, l.now()); err != nil {
			// They will be delivered again; the receiver drops them.
			l.log.Error("mark sent", "events", len(acked), "err", redact(err.Error()))
		}
		cancel()
	}
	if failed > 0 {
		l.log.Warn("deliveries failed", "failed", failed, "sent", sent, "first_err", firstErr)
	}
	return sent, failed
}

// one publishes a delivery and marks a failure (deliver marks the batch's
// successes together). It reports whether the sink acknowledged it, and the
// error text of a failed attempt; both are zero when ctx ended first.
func (l *loop) one(ctx context.Context, d serialgate.Delivery) (errText string, ok bool) {
	pctx, cancel := context.WithTimeout(ctx, l.timeout)
	err := l.pub.Publish(pctx, d.Event)
	cancel()
	if err == nil {
		return "", true
	}
	mctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	if ctx.Err() != nil {
		return "", false // stopped, not failed: the lease runs out and it is delivered again
	}
	now := l.now()
	errText = redact(err.Error())
	next := now.Add(Backoff(l.min, l.max, d.Attempts+1))
	if err := l.outbox.MarkFailed(mctx, l.sink, d.Event.ID, errText, next); err != nil {
		l.log.Error("mark failed", "event", d.Event.ID, "err", redact(err.Error()))
	}
	return errText, false
}

// Backoff returns the wait before the next attempt after the given number
// of failed attempts (1 after the first failure): exponential backoff with
// full jitter, a random duration in [0, min(hi, lo·2^(attempts-1))].
func Backoff(lo, hi time.Duration, attempts int) time.Duration {
	return rand.N(ceiling(lo, hi, attempts) + 1)
}

// ceiling is lo·2^(n-1), at most hi.
func ceiling(lo, hi time.Duration, n int) time.Duration {
	c := lo
	for i := 1; i < n && c < hi; i++ {
		c *= 2
	}
	if c > hi || c <= 0 {
		c = hi
	}
	return c
}
