package decode

import (
	"os"
	"testing"

	"github.com/serialgate/serialgate"
)

// BenchmarkPhotos decodes the shared sample photos of a few folders, one
// per iteration: every 1D folder (named ean13-1, its first), small samples
// (pdf417-1 holds 220×80 to 340×162 images),
// phone photos, photos with no barcode, and every tenth box-label photo
// (1280×720 and 1920×1080).
func BenchmarkPhotos(b *testing.B) {
	oneD := []string{"ean13-1", "upca-2", "code128-2", "code39-1", "code39-3", "ean13-3", "ean13-4", "itf-1", "upca-5", "upce-2"}
	for _, set := range [][]string{oneD, {"qrcode-4"}, {"datamatrix-3"}, {"falsepositives-1"}, {"pdf417-1"}} {
		ps := loadPhotos(b, set...)
		d := New(Options{})
		b.Run(set[0], func(b *testing.B) {
			defer reportCPU(b)()
			for i := 0; b.Loop(); i++ {
				d.Gray(ps[i%len(ps)].g)
			}
		})
	}
	if _, err := os.Stat(sharedBoxLabels); err != nil {
		return
	}
	gs := boxPhotos(b, 10)
	d := New(Options{})
	b.Run("boxlabels", func(b *testing.B) {
		defer reportCPU(b)()
		for i := 0; b.Loop(); i++ {
			d.Gray(gs[i%len(gs)])
		}
	})
}

// frame is a 1920x1080 camera frame: a mid-gray, noisy background with a
// box label holding a Code 128 serial and a Data Matrix.
func frame(b *testing.B) Gray {
	g := Gray{Pix: make([]byte, 1920*1080), Width: 1920, Height: 1080, Stride: 1920}
	seed := uint32(1)
	for i := range g.Pix {
		seed = seed*1664525 + 1013904223
		g.Pix[i] = byte(100 + seed>>27)
	}
	label := canvas(700, 400)
	paste(label, render(b, encode(b, serialgate.Code128, "AC2000000001"), 3), 30, 30)
	paste(label, render(b, encode(b, serialgate.DataMatrix, "AC2000000001"), 6), 450, 200)
	paste(g, label, 600, 340)
	return g
}

// BenchmarkFrame decodes a camera frame as the camera source does (Fast)
// and with every retry.
func BenchmarkFrame(b *testing.B) {
	g := frame(b)
	for _, fast := range []bool{true, false} {
		d := New(Options{Fast: fast})
		if got, _ := d.Gray(g); len(got) == 0 {
			b.Fatalf("fast=%v: frame not read", fast)
		}
		name := "fast"
		if !fast {
			name = "full"
		}
		b.Run(name, func(b *testing.B) {
			defer reportCPU(b)()
			b.ReportAllocs()
			for b.Loop() {
				d.Gray(g)
			}
		})
	}
}

// BenchmarkStacked runs the PDF417 search alone on the camera frame, with
// and without MicroPDF417: what looking for MicroPDF417 adds to a 1080p
// frame that has none.
func BenchmarkStacked(b *testing.B) {
	g := frame(b)
	for _, c := range []struct {
		name    string
		formats []serialgate.Symbology
	}{
		{"pdf417", []serialgate.Symbology{serialgate.PDF417}},
		{"pdf417+micro", []serialgate.Symbology{serialgate.PDF417, serialgate.MicroPDF417}},
	} {
		d := New(Options{Formats: c.formats})
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				d.pdf417(g, nil, nil)
			}
		})
	}
}

// reportCPU reports, when the returned function is called at the end of a
// benchmark, the process's CPU time per iteration as cpu-ns/op: with
// -cpu 1 it is the decoder's work, which other load on the machine leaves
// alone where it stretches ns/op.
func reportCPU(b *testing.B) func() {
	start, ok := processCPU()
	return func() {
		if end, ok2 := processCPU(); ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}
