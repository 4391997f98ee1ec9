package publish

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/drs"
)

// relayAll runs the relay over the outbox's events until the sink has them
// all, and reports the rate.
func relayAll(b *testing.B, o *memOutbox, sink string, p serialgate.Publisher, workers, n int) {
	var sent atomic.Int64
	done := make(chan struct{})
	o.onSent = func(string, string) {
		if sent.Add(1) == int64(n) {
			close(done)
		}
	}
	r := &Relay{Outbox: o, Sinks: map[string]serialgate.Publisher{sink: p}, Workers: workers, Log: quiet}
	b.ResetTimer()
	start := time.Now()
	stop := startRelay(b, r)
	<-done
	elapsed := time.Since(start)
	b.StopTimer()
	stop()
	b.ReportMetric(float64(n)/elapsed.Seconds(), "events/s")
}

func BenchmarkRelayWebhook(b *testing.B) {
	for _, workers := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			n := max(b.N, 1000)
			evs := testEvents(b, n)
			o := newOutbox(b, "hook")
			o.add(evs...)
			var posts atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				if r.Header.Get(drs.HeaderMessageID) != "" {
					posts.Add(1)
				}
			}))
			defer srv.Close()
			hook := &Webhook{URL: srv.URL + "/drs", TopicARN: topic}
			defer hook.CloseIdleConnections()
			relayAll(b, o, "hook", hook, workers, n)
			if posts.Load() < int64(n) {
				b.Fatalf("%d posts for %d events", posts.Load(), n)
			}
		})
	}
}

func BenchmarkFileSink(b *testing.B) {
	for _, workers := range []int{1, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			n := max(b.N, 1000)
			evs := testEvents(b, n)
			o := newOutbox(b, "file")
			o.add(evs...)
			f := &File{Path: filepath.Join(b.TempDir(), "events.jsonl")}
			defer f.Close()
			relayAll(b, o, "file", f, workers, n)
		})
	}
}

// BenchmarkFilePublish measures the sink alone: concurrent Publishes
// sharing fsyncs.
func BenchmarkFilePublish(b *testing.B) {
	evs := testEvents(b, 1000)
	f := &File{Path: filepath.Join(b.TempDir(), "events.jsonl")}
	defer f.Close()
	var i atomic.Int64
	var once sync.Once
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := f.Publish(b.Context(), evs[i.Add(1)%int64(len(evs))]); err != nil {
				once.Do(func() { b.Error(err) })
			}
		}
	})
}

// BenchmarkRelaySNSGoaws publishes through the relay to the goaws SNS
// emulator (a topic with no subscriber), when goaws can be built.
func BenchmarkRelaySNSGoaws(b *testing.B) {
	endpoint := startGoaws(b, map[string][]string{"bench": nil})
	n := max(b.N, 1000)
	evs := testEvents(b, n)
	o := newOutbox(b, "sns")
	o.add(evs...)
	s := &SNS{TopicARN: topicARN("bench"), Region: "us-east-1", Endpoint: endpoint}
	relayAll(b, o, "sns", s, DefaultWorkers, n)
}
