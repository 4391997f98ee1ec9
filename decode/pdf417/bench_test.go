package pdf417

import (
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// BenchmarkSamples decodes every image of the shared pdf417-1 folder per
// iteration, and of the falsepositives-1 folder, whose photos hold no
// PDF417 and should cost little; it reports the median time of one image.
func BenchmarkSamples(b *testing.B) {
	for _, dir := range []string{"pdf417-1", "falsepositives-1"} {
		b.Run(dir, func(b *testing.B) { benchFolder(b, dir) })
	}
}

func benchFolder(b *testing.B, dir string) {
	samples := loadSamples(b, filepath.Join(sharedBarcodes, dir))
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
