//go:build !decodeonly

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/serialgate/serialgate"
)

// benchDir is where the latency benchmarks put their files: the disk the
// station would use ($SERIALGATE_BENCH_DIR), else the temp dir.
func benchDir(b *testing.B) string {
	if d := os.Getenv("SERIALGATE_BENCH_DIR"); d != "" {
		dir, err := os.MkdirTemp(d, "sgbench-")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(dir) })
		return dir
	}
	return b.TempDir()
}

func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
}

// BenchmarkFsync is the disk's raw latency for a small write made durable:
// the floor under a durable verdict, measured beside it.
func BenchmarkFsync(b *testing.B) {
	f, err := os.Create(filepath.Join(benchDir(b), "fsync"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 512)
	lat := make([]time.Duration, 0, b.N)
	for b.Loop() {
		t0 := time.Now()
		f.Write(buf)
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	reportLatency(b, lat)
}

// BenchmarkStationLatency is scan → durable verdict on SQLite at 100 scans
// a second: a pre-registration scan, its record and its event in one
// synchronous transaction, then the result handed to the output.
func BenchmarkStationLatency(b *testing.B) {
	dir := benchDir(b)
	manifest := filepath.Join(dir, "orders.csv")
	os.WriteFile(manifest, []byte("order_id,asin,quantity,directed_customer_id\nO-1,B0ACME0200,100000000,amzn1.account.B\n"), 0o644)
	e := &env{ctx: context.Background(), stdin: nil, stdout: io.Discard, stderr: io.Discard}
	c := &stationConfig{Station: "bench", Workflow: "prereg", Manifest: manifest, Store: "sqlite:" + filepath.Join(dir, "s.db"),
		Duplicates: duplicateConfig{Policy: "reject"}}
	r, err := newStation(e, c, "jsonl")
	if err != nil {
		b.Fatal(err)
	}
	defer r.close()
	ctx := context.Background()
	if res := r.station.Handle(ctx, serialgate.Scan{Text: "O-1"}); res.Verdict != "order" {
		b.Fatalf("order scan: %+v", res)
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	lat := make([]time.Duration, 0, b.N)
	i := 0
	for b.Loop() {
		<-tick.C
		t0 := time.Now()
		res := r.station.Handle(ctx, serialgate.Scan{Text: fmt.Sprintf("AC2%09d", i), Time: t0})
		lat = append(lat, time.Since(t0))
		if !res.OK {
			b.Fatalf("scan %d: %+v", i, res)
		}
		i++
	}
	reportLatency(b, lat)
}
