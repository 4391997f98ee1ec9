package publish

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/drs"
	"github.com/serialgate/serialgate/internal/testenv"
)

// receiver is a manufacturer's SNS endpoint: it decodes each post as SNS
// posts it and counts the notifications by notificationId, as a receiver
// that drops redeliveries would. It can be killed at its killAt-th post:
// that post, and any that arrives while it dies, is recorded and never
// answered, so that exactly those are delivered again.
type receiver struct {
	t      testing.TB
	killAt int64

	live    sync.RWMutex // held for reading by a post from record to answer
	mu      sync.Mutex
	count   map[string]int
	forced  map[string]bool // recorded, then the connection cut
	posts   atomic.Int64
	killed  atomic.Bool
	killc   chan struct{}
	release chan struct{}
}

func newReceiver(t testing.TB, killAt int64) *receiver {
	return &receiver{t: t, killAt: killAt, count: map[string]int{}, forced: map[string]bool{},
		killc: make(chan struct{}), release: make(chan struct{})}
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	env, err := drs.DecodeEnvelope(body)
	if err != nil {
		rc.t.Errorf("receiver: %v", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	n, err := env.Notification()
	if err != nil {
		rc.t.Errorf("receiver: %v", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if r.Header.Get(drs.HeaderMessageID) != env.MessageID {
		rc.t.Errorf("receiver: header message ID %s, body %s", r.Header.Get(drs.HeaderMessageID), env.MessageID)
	}
	id := n.Info().NotificationID
	rc.live.RLock()
	rc.mu.Lock()
	rc.count[id]++
	kill := rc.posts.Add(1) == rc.killAt
	if kill || rc.killed.Load() {
		rc.forced[id] = true
	}
	rc.mu.Unlock()
	if kill {
		rc.killed.Store(true)
		close(rc.killc)
	}
	if rc.killed.Load() {
		rc.live.RUnlock()
		<-rc.release
		panic(http.ErrAbortHandler) // the connection is gone: no answer
	}
	// Answer in full before letting the receiver die, so that a post that
	// was answered is never cut.
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	w.(http.Flusher).Flush()
	rc.live.RUnlock()
}

// kill cuts every connection once the killing post arrived, stops
// listening, then lets the dying posts end unanswered.
func (rc *receiver) kill(srv *httptest.Server) {
	<-rc.killc
	rc.live.Lock()
	srv.Listener.Close()
	srv.CloseClientConnections()
	rc.live.Unlock()
	close(rc.release)
}

// tally returns the notifications received, and those received more than once.
func (rc *receiver) tally() (unique int, dups map[string]int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	dups = map[string]int{}
	for id, n := range rc.count {
		if n > 1 {
			dups[id] = n
		}
	}
	return len(rc.count), dups
}

// serveAt serves h at addr (the address of a receiver that was down).
func serveAt(t testing.TB, addr string, h http.Handler) *httptest.Server {
	t.Helper()
	var l net.Listener
	var err error
	for range 50 { // the port may linger a moment after the last listener closed
		if l, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	return srv
}

func freeAddr(t testing.TB) string { return testenv.FreeAddr(t) }

// eventually polls cond until it holds, failing the test after timeout.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	testenv.Eventually(t, timeout, what, cond)
}

// startRelay runs r and returns its stop function, which cancels it and
// returns how long Run took to return.
func startRelay(t testing.TB, r *Relay) (stop func() time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	return func() time.Duration {
		start := time.Now()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return within 10s of its context ending")
		}
		return time.Since(start)
	}
}

func TestFaultWebhookBacklogWhileDown(t *testing.T) {
	n := 60000
	if testing.Short() {
		n = 6000
	}
	evs := testEvents(t, n)
	o := newOutbox(t, "hook")
	o.add(evs...)
	addr := freeAddr(t) // nobody listens: the receiver is down
	hook := &Webhook{URL: "http://" + addr + "/drs", TopicARN: topic}
	defer hook.CloseIdleConnections()
	r := &Relay{Outbox: o, Sinks: map[string]serialgate.Publisher{"hook": hook},
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, Poll: 50 * time.Millisecond, Log: quiet}
	stop := startRelay(t, r)
	defer stop()
	eventually(t, time.Minute, "a few rounds of failed attempts", func() bool { return o.failures("hook") >= 500 })

	rc := newReceiver(t, 0)
	srv := serveAt(t, addr, rc)
	defer srv.Close()
	start := time.Now()
	eventually(t, 3*time.Minute, "backlog delivered", func() bool { return o.unsent("hook") == 0 })
	t.Logf("%d events delivered in %v after the receiver came back (%d failed attempts while it was down)",
		n, time.Since(start), o.failures("hook"))
	unique, dups := rc.tally()
	if unique != n {
		t.Errorf("receiver has %d notifications, want %d", unique, n)
	}
	if len(dups) != 0 {
		t.Errorf("%d notifications received more than once, with no receiver fault to force it", len(dups))
	}
	for _, e := range evs {
		if rc.count[e.ID] == 0 {
			t.Fatalf("event %s lost", e.ID)
		}
	}
}

func TestFaultWebhookKilledMidBatch(t *testing.T) {
	const n = 5000
	evs := testEvents(t, n)
	o := newOutbox(t, "hook")
	o.add(evs...)
	rc := newReceiver(t, 1234)
	srv := httptest.NewServer(rc)
	addr := srv.Listener.Addr().String()
	hook := &Webhook{URL: srv.URL + "/drs", TopicARN: topic}
	defer hook.CloseIdleConnections()
	r := &Relay{Outbox: o, Sinks: map[string]serialgate.Publisher{"hook": hook}, Workers: 8,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, Poll: 20 * time.Millisecond, Log: quiet}
	stop := startRelay(t, r)
	defer stop()
	rc.kill(srv)
	srv.Close()
	eventually(t, time.Minute, "failed attempts on the dead receiver", func() bool { return o.failures("hook") > 0 })

	rc.killed.Store(false)
	restarted := serveAt(t, addr, rc) // the same receiver state: it kept what it recorded
	defer restarted.Close()
	eventually(t, 2*time.Minute, "all delivered", func() bool { return o.unsent("hook") == 0 })
	unique, dups := rc.tally()
	if unique != n {
		t.Errorf("receiver has %d notifications, want %d", unique, n)
	}
	if len(rc.forced) == 0 {
		t.Fatal("the kill cut no post")
	}
	// Duplicates exactly where the receiver recorded a post and died
	// before answering it, and only once more.
	for id, c := range dups {
		if !rc.forced[id] {
			t.Errorf("notification %s received %d times, though its post was answered", id, c)
		}
	}
	for id := range rc.forced {
		if dups[id] != 2 {
			t.Errorf("cut notification %s received %d times, want 2", id, rc.count[id])
		}
	}
	t.Logf("%d posts cut by the kill, %d duplicates at the receiver, %d failed attempts", len(rc.forced), len(dups), o.failures("hook"))
}

func TestFaultSlowSinkDelaysNoOther(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const n = 2000
	evs := testEvents(t, n)
	o := newOutbox(t, "slow", "fast")
	o.add(evs...)
	var slowPosts atomic.Int64
	unblock := make(chan struct{})
	slowSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slowPosts.Add(1)
		select { // a receiver that hangs
		case <-unblock:
		case <-r.Context().Done():
		}
	}))
	fast := newReceiver(t, 0)
	fastSrv := httptest.NewServer(fast)
	slow := &Webhook{URL: slowSrv.URL, TopicARN: topic}
	quick := &Webhook{URL: fastSrv.URL, TopicARN: topic}
	r := &Relay{Outbox: o, Sinks: map[string]serialgate.Publisher{"slow": slow, "fast": quick}, Log: quiet}
	stop := startRelay(t, r)
	eventually(t, time.Minute, "fast sink delivered", func() bool { return o.unsent("fast") == 0 })
	if got := o.unsent("slow"); got != n {
		t.Errorf("slow sink: %d unsent, want all %d (its receiver hangs)", got, n)
	}
	if slowPosts.Load() == 0 {
		t.Error("the slow sink was never tried")
	}
	if u, dups := fast.tally(); u != n || len(dups) != 0 {
		t.Errorf("fast receiver: %d notifications, %d duplicates; want %d, 0", u, len(dups), n)
	}
	// Cancelling ends the posts the hanging receiver holds.
	took := stop()
	t.Logf("Run returned %v after cancel, with %d posts hanging", took, r.Workers+DefaultWorkers)
	close(unblock)
	slowSrv.Close()
	fastSrv.Close()
	slow.CloseIdleConnections()
	quick.CloseIdleConnections()
}
