package pdf417

import (
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// BenchmarkSamples decodes every image of the shared pdf417-1 folder per
// iteration, and of the falsepositives-1 folder and the first 24 box-label
// photos (720p and 1080p), which hold no PDF417 and should cost little; it
// reports the median time of one image, for PDF417 alone and with
// MicroPDF417.
func BenchmarkSamples(b *testing.B) {
	for _, dir := range []string{
		filepath.Join(sharedBarcodes, "pdf417-1"),
		filepath.Join(sharedBarcodes, "falsepositives-1"),
		"../../../shared/testdata/boxlabels/images",
	} {
		for _, micro := range []bool{false, true} {
			name := filepath.Base(filepath.Dir(dir)) + "/" + filepath.Base(dir)
			if micro {
				name += "/micro"
			}
			b.Run(name, func(b *testing.B) { benchFolder(b, dir, &Reader{Micro: micro}) })
		}
	}
}

func benchFolder(b *testing.B, dir string, rd *Reader) {
	samples := loadSamples(b, dir)
	samples = samples[:min(24, len(samples))]
	var times []time.Duration
	for b.Loop() {
		for _, s := range samples {
			start := time.Now()
			rd.Decode(s.img)
			times = append(times, time.Since(start))
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Microseconds()), "median-µs/img")
}
