package decode

import (
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// TestLocalBinarizerMatchesHybrid checks the fast binarizer against
// gozxing's HybridBinarizer, whose method it follows, pixel for pixel.
func TestLocalBinarizerMatchesHybrid(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, size := range [][2]int{{40, 40}, {64, 48}, {123, 77}, {320, 240}, {641, 333}} {
		w, h := size[0], size[1]
		g := Gray{Pix: make([]byte, w*h), Width: w, Height: h, Stride: w}
		// Smooth gradients, flat areas and sharp edges.
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				v := (x*3 + y*2) % 256
				if (x/9+y/7)%3 == 0 {
					v = 20 + rng.IntN(20)
				}
				if (x/30)%2 == 1 && (y/25)%2 == 1 {
					v = 200
				}
				g.Pix[y*w+x] = byte(v)
			}
		}
		want, err := gozxing.NewHybridBinarizer(&source{g: g.compact()}).GetBlackMatrix()
		if err != nil {
			t.Fatal(err)
		}
		got, err := newLocalBinarizer(g, minDynRange).GetBlackMatrix()
		if err != nil {
			t.Fatal(err)
		}
		diff := 0
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				if got.Get(x, y) != want.Get(x, y) {
					diff++
				}
			}
		}
		if diff != 0 {
			t.Errorf("%dx%d: %d pixels differ from HybridBinarizer", w, h, diff)
		}
	}
}

func BenchmarkBinarizer(b *testing.B) {
	g := Gray{Pix: make([]byte, 1920*1080), Width: 1920, Height: 1080, Stride: 1920}
	for i := range g.Pix {
		g.Pix[i] = byte(i * 7)
	}
	b.Run("local", func(b *testing.B) {
		for b.Loop() {
			newLocalBinarizer(g, minDynRange).GetBlackMatrix()
		}
	})
	b.Run("gozxing-hybrid", func(b *testing.B) {
		for b.Loop() {
			gozxing.NewHybridBinarizer(&source{g: g}).GetBlackMatrix()
		}
	})
}

// TestBelow8 compares the eight-at-once comparison with one pixel at a
// time, at every threshold and on random and extreme pixels.
func TestBelow8(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for th := uint32(0); th < 256; th++ {
		for k := range 400 {
			var px [8]byte
			for i := range px {
				switch k % 4 {
				case 0:
					px[i] = byte(rng.IntN(256))
				case 1:
					px[i] = byte(int(th) - 1 + rng.IntN(3)) // around the threshold
				case 2:
					px[i] = []byte{0, 255, 127, 128}[rng.IntN(4)]
				default:
					px[i] = byte(rng.IntN(2) * 255)
				}
			}
			var want uint32
			for i, v := range px {
				if uint32(v) < th {
					want |= 1 << i
				}
			}
			x := uint64(0)
			for i := 7; i >= 0; i-- {
				x = x<<8 | uint64(px[i])
			}
			if got := below8(x, th); got != want {
				t.Fatalf("below8(%v, %d) = %08b, want %08b", px, th, got, want)
			}
		}
	}
}

// FuzzLocalBinarizer checks the fast binarizer against gozxing's
// HybridBinarizer on arbitrary pixels, rows width bytes long.
func FuzzLocalBinarizer(f *testing.F) {
	f.Add([]byte{0, 255, 0, 255}, uint8(2))
	g := frameLike(48, 44)
	f.Add(g.Pix, uint8(g.Width))
	f.Fuzz(func(t *testing.T, pix []byte, width uint8) {
		w := int(width)
		if w == 0 || len(pix) < w {
			return
		}
		g := Gray{Pix: pix, Width: w, Height: len(pix) / w, Stride: w}
		got, gotErr := newLocalBinarizer(g, minDynRange).GetBlackMatrix()
		want, wantErr := zxing("hybrid binarizer", gozxing.NewHybridBinarizer(&source{g: g}).GetBlackMatrix)
		if _, ok := wantErr.(*ReaderPanic); ok {
			return // gozxing's own panic, not ours to judge
		}
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("%dx%d: error %v, gozxing's %v", g.Width, g.Height, gotErr, wantErr)
		}
		for y := 0; gotErr == nil && y < g.Height; y++ {
			for x := 0; x < g.Width; x++ {
				if got.Get(x, y) != want.Get(x, y) {
					t.Fatalf("%dx%d: pixel (%d, %d) differs from HybridBinarizer", g.Width, g.Height, x, y)
				}
			}
		}
	})
}

// frameLike is a w×h image of gradients, flat blocks and edges.
func frameLike(w, h int) Gray {
	g := Gray{Pix: make([]byte, w*h), Width: w, Height: h, Stride: w}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := (x*3 + y*2) % 256
			if (x/9+y/7)%3 == 0 {
				v = 30
			}
			g.Pix[y*w+x] = byte(v)
		}
	}
	return g
}

// TestFastFlatRange: the fast mode's wider flat range reads as many texts
// as the fast mode did with zxing's, on the repository's photos and, when
// the shared set is beside the repository, on the box-label photos. (Over
// all 513 shared sample and box photos, each range read one text the other
// did not: a light blue QR code on white, 100 pixels wide, is one zxing's
// range alone reads.)
func TestFastFlatRange(t *testing.T) {
	var gs []Gray
	var names []string
	for _, folder := range repoFolders(t) {
		for _, p := range loadPhotosIn(t, repoBarcodes, folder) {
			gs, names = append(gs, p.g), append(names, p.folder+"/"+p.name)
		}
	}
	if _, err := os.Stat(sharedBoxLabels); err == nil && !testing.Short() {
		for i, g := range boxPhotos(t, 3) {
			gs, names = append(gs, g), append(names, fmt.Sprintf("box photo %d", 3*i))
		}
	}
	wide := New(Options{Fast: true})
	narrow := New(Options{Fast: true})
	narrow.flat = minDynRange
	readW, readN := 0, 0
	for i, g := range gs {
		got := map[string]bool{}
		bw, _ := wide.Gray(g)
		for _, b := range bw {
			got[b.Text] = true
		}
		readW += len(got)
		bn, _ := narrow.Gray(g)
		seen := map[string]bool{}
		for _, b := range bn {
			if seen[b.Text] {
				continue
			}
			seen[b.Text] = true
			readN++
			if !got[b.Text] {
				t.Logf("%s: %s %q read with zxing's flat range only", names[i], b.Symbology, b.Text)
			}
		}
	}
	t.Logf("%d images: %d texts read with the fast range, %d with zxing's", len(gs), readW, readN)
	if readW < readN {
		t.Errorf("the fast range read %d texts, zxing's %d", readW, readN)
	}
}

// TestCropBitmap cuts rectangles at every bit offset out of a random
// matrix and compares every bit, with the bits past a row's width clear.
func TestCropBitmap(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	const w, h = 203, 61
	g := Gray{Pix: make([]byte, w*h), Width: w, Height: h, Stride: w}
	m, _ := gozxing.NewBitMatrix(w, h)
	for y := range h {
		for x := range w {
			if rng.IntN(2) == 0 {
				m.Set(x, y)
			}
		}
	}
	lb := newLocalBinarizer(g, minDynRange)
	lb.matrix = m
	bm, _ := gozxing.NewBinaryBitmap(lb)
	for _, r := range []image.Rectangle{
		image.Rect(0, 0, w, h), image.Rect(1, 2, 34, 40), image.Rect(31, 0, 95, 61),
		image.Rect(32, 5, 64, 6), image.Rect(63, 10, 203, 61), image.Rect(150, 20, 400, 90),
	} {
		cb := cropBitmap(bm, g, r, minDynRange)
		cm, err := cb.GetBlackMatrix()
		if err != nil {
			t.Fatal(err)
		}
		in := r.Intersect(image.Rect(0, 0, w, h))
		if cm.GetWidth() != in.Dx() || cm.GetHeight() != in.Dy() {
			t.Fatalf("%v: %dx%d, want %dx%d", r, cm.GetWidth(), cm.GetHeight(), in.Dx(), in.Dy())
		}
		for y := range in.Dy() {
			for x := range in.Dx() {
				if cm.Get(x, y) != m.Get(in.Min.X+x, in.Min.Y+y) {
					t.Fatalf("%v: bit (%d,%d) differs", r, x, y)
				}
			}
			row := cm.GetRow(y, nil).GetBitArray()
			if n := in.Dx(); n%32 != 0 && row[n/32]>>uint(n%32) != 0 {
				t.Fatalf("%v: row %d has bits set past its width", r, y)
			}
		}
	}
}
