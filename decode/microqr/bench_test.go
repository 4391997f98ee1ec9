package microqr

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkRead reads one photo-like symbol (qrencode, M3, 4-pixel
// modules, turned and blurred) in a 300×300 image.
func BenchmarkRead(b *testing.B) {
	c := photoCase{"sg-0042", 3, "L", photoCases(1, 1)[0].params}
	c.params.Scale, c.params.Margin = 4, 110
	g := renderCase(b, c)
	im := Image{Pix: g.Pix, Width: g.Rect.Dx(), Height: g.Rect.Dy(), Stride: g.Stride}
	if got, _ := Read(im); len(got) != 1 {
		b.Fatalf("not read")
	}
	b.ReportAllocs()
	for b.Loop() {
		Read(im)
	}
}

// BenchmarkNoSymbol reads a 640×480 noise image: every binarizer runs.
func BenchmarkNoSymbol(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	im := Image{Pix: make([]byte, 640*480), Width: 640, Height: 480, Stride: 640}
	for i := range im.Pix {
		im.Pix[i] = byte(rng.IntN(256))
	}
	b.ReportAllocs()
	for b.Loop() {
		Read(im)
	}
}
