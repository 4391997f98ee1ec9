//go:build !decodeonly

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/drs"
	"github.com/serialgate/serialgate/internal/pgtest"
	"github.com/serialgate/serialgate/internal/testenv"
	"github.com/serialgate/serialgate/record"
)

func postgresForTest(t *testing.T) *pgtest.Server {
	t.Helper()
	srv, err := pgtest.Start(context.Background())
	if errors.Is(err, pgtest.ErrNotInstalled) && !testenv.CI() {
		t.Skip("PostgreSQL is not installed (Debian package postgresql)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// Four stations on one PostgreSQL scan the same serials at the same moment:
// each serial is registered once, and the three others are told duplicate.
func TestStationsSharePostgres(t *testing.T) {
	srv := postgresForTest(t)
	dbURL := srv.DB(t)
	manifest := write(t, "orders.csv", "order_id,asin,quantity,directed_customer_id\nO-1,B0ACME0200,1000,amzn1.account.P\n")
	const stations, serials = 4, 50
	var runs []*stationRun
	e := &env{ctx: context.Background(), stdout: io.Discard, stderr: io.Discard}
	for i := range stations {
		r, err := newStation(e, &stationConfig{Station: fmt.Sprintf("pack-%d", i+1), Workflow: "prereg", Manifest: manifest,
			Store: dbURL, Duplicates: duplicateConfig{Policy: "reject"}}, "jsonl")
		if err != nil {
			t.Fatal(err)
		}
		defer r.close()
		if res := r.station.Handle(context.Background(), serialgate.Scan{Text: "O-1"}); res.Verdict != "order" {
			t.Fatalf("order: %+v", res)
		}
		runs = append(runs, r)
	}
	var pass, dup atomic.Int64
	for n := range serials {
		serial := fmt.Sprintf("AC2%09d", n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for _, r := range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				res := r.station.Handle(context.Background(), serialgate.Scan{Text: serial})
				switch {
				case res.OK && res.EventID != "":
					pass.Add(1)
				case res.Verdict == "duplicate":
					dup.Add(1)
				default:
					t.Errorf("%s on %s: %+v", serial, res.Station, res)
				}
			}()
		}
		close(start)
		wg.Wait()
	}
	if pass.Load() != serials || dup.Load() != serials*(stations-1) {
		t.Errorf("%d registrations and %d duplicates, want %d and %d", pass.Load(), dup.Load(), serials, serials*(stations-1))
	}
	events := 0
	runs[0].store.Events(context.Background(), record.Query{}, func(record.EventState) error { events++; return nil })
	if events != serials {
		t.Errorf("%d events in the outbox, want %d", events, serials)
	}
}

// A sink down while 60,000 events pile up, then back: every event is
// delivered, none lost; the receiver drops the redeliveries by
// notificationId.
func TestRelayBacklog(t *testing.T) {
	if testing.Short() {
		t.Skip("records 60,000 events")
	}
	n := 60000
	if v := os.Getenv("SERIALGATE_BACKLOG"); v != "" {
		fmt.Sscan(v, &n)
	}
	dir := t.TempDir()
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		// The events are recorded as fast as the store goes: on memory, so
		// that the test measures the relay, not the disk.
		d, err := os.MkdirTemp("/dev/shm", "sgbacklog-")
		if err == nil {
			dir = d
			t.Cleanup(func() { os.RemoveAll(d) })
		}
	}
	var up atomic.Bool
	var mu sync.Mutex
	seen := map[string]int{}
	var posts, refused atomic.Int64
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		if !up.Load() {
			refused.Add(1)
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		body, _ := io.ReadAll(r.Body)
		env, err := drs.DecodeEnvelope(body)
		if err != nil {
			t.Errorf("receiver: %v", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		n, err := env.Notification()
		if err != nil {
			t.Errorf("receiver: %v", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		dr, ok := n.(*drs.DeviceRegistered)
		if !ok {
			t.Errorf("receiver: a %T", n)
		}
		mu.Lock()
		seen[dr.NotificationInfo.NotificationID]++
		mu.Unlock()
	}))
	defer recv.Close()
	store := "sqlite:" + filepath.Join(dir, "s.db")
	manifest := write(t, "orders.csv", fmt.Sprintf("order_id,asin,quantity,directed_customer_id\nO-1,B0ACME0200,%d,amzn1.account.Q\n", n))
	e := &env{ctx: context.Background(), stdout: io.Discard, stderr: io.Discard}
	c := &stationConfig{Station: "s", Workflow: "prereg", Manifest: manifest, Store: store,
		Sinks: []sinkConfig{{Name: "maker", Type: "http", URL: recv.URL}}}
	r, err := newStation(e, c, "jsonl")
	if err != nil {
		t.Fatal(err)
	}
	r.relay.MinBackoff, r.relay.MaxBackoff = 50*time.Millisecond, 500*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	relayDone := make(chan error, 1)
	go func() { relayDone <- r.relay.Run(ctx) }()
	r.station.Handle(ctx, serialgate.Scan{Text: "O-1"})
	t0 := time.Now()
	for i := range n {
		if res := r.station.Handle(ctx, serialgate.Scan{Text: fmt.Sprintf("AC2%09d", i)}); !res.OK {
			t.Fatalf("scan %d: %+v", i, res)
		}
		if i%1000 == 0 {
			r.relay.Kick()
		}
	}
	recorded := time.Since(t0)
	if refused.Load() == 0 {
		t.Fatal("the relay never tried the sink while it was down")
	}
	up.Store(true)
	t1 := time.Now()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		r.relay.Kick()
		b, err := r.store.Backlog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 1 && b[0].Pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("backlog after 5 minutes: %+v", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	drained := time.Since(t1)
	cancel()
	<-relayDone
	r.close()
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != n {
		t.Errorf("receiver got %d distinct notifications, want %d", len(seen), n)
	}
	dups := 0
	for _, c := range seen {
		dups += c - 1
	}
	t.Logf("%d events recorded in %v while the sink was down (%d refused posts); drained in %v (%.0f events/s); %d redeliveries dropped by the receiver",
		n, recorded.Round(time.Millisecond), refused.Load(), drained.Round(time.Millisecond), float64(n)/drained.Seconds(), dups)
	if dups != 0 {
		t.Errorf("%d redeliveries without a crash", dups)
	}
}
