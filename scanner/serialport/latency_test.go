package serialport

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"
)

// BenchmarkLatency measures the time from the last byte of a scan written
// to the pseudo-terminal to the scan returned by Next, at 100 scans a
// second, and reports its median and 99th percentile.
func BenchmarkLatency(b *testing.B) {
	l := newLink(b)
	s := &Source{Config: Config{Path: l.dev}}
	defer s.Close()
	// Warm up: the first scan opens the port.
	l.w.Write([]byte("WARM\r"))
	if _, err := s.Next(context.Background()); err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	i := 0
	for b.Loop() {
		<-tick.C
		msg := fmt.Sprintf("AC2%09d\r", i)
		i++
		if _, err := l.w.Write([]byte(msg)); err != nil {
			b.Fatal(err)
		}
		sent := time.Now()
		sc, err := s.Next(context.Background())
		if err != nil || sc.Text != msg[:len(msg)-1] {
			b.Fatalf("got %q %v, want %q", sc.Text, err, msg)
		}
		lat = append(lat, time.Since(sent))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
