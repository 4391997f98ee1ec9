package pdf417

import (
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// BenchmarkSamples decodes every image of the shared pdf417-1 folder per
// iteration, and reports the median time of one image.
func BenchmarkSamples(b *testing.B) {
	samples := loadSamples(b, filepath.Join(sharedBarcodes, "pdf417-1"))
	var times []time.Duration
	for b.Loop() {
		for _, s := range samples {
			start := time.Now()
			Decode(s.img)
			times = append(times, time.Since(start))
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds()), "median-µs/img")
}
