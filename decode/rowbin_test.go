package decode

import (
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
)

// gozxingBlackRow is gozxing's own global-histogram binarization of a row:
// what globalBlackRow must give, bit for bit.
func gozxingBlackRow(t testing.TB, lum []byte) (*gozxing.BitArray, bool) {
	t.Helper()
	g := Gray{Pix: slices.Clone(lum), Width: len(lum), Height: 1, Stride: len(lum)}
	row, err := gozxing.NewGlobalHistgramBinarizer(&source{g: g}).GetBlackRow(0, nil)
	return row, err == nil
}

func sameBlackRow(t testing.TB, lum []byte) {
	t.Helper()
	want, wantOK := gozxingBlackRow(t, lum)
	got, ok := globalBlackRow(lum)
	if ok != wantOK {
		t.Fatalf("row %v: ok %v, gozxing's %v", lum, ok, wantOK)
	}
	if !ok {
		return
	}
	if got.GetSize() != want.GetSize() || !slices.Equal(got.GetBitArray(), want.GetBitArray()) {
		t.Fatalf("row %v:\n got %v\nwant %v", lum, got, want)
	}
}

// The row reader's binarization is gozxing's global histogram, bit for bit:
// on rows of every width from 1, flat, two-level, noisy, graded and
// random, and on every row of the sample photos in testdata.
func TestGlobalBlackRow(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for width := 1; width <= 700; width += 1 + width/8 {
		for kind := range 6 {
			lum := make([]byte, width)
			for x := range lum {
				switch kind {
				case 0: // flat
					lum[x] = 137
				case 1: // bars
					lum[x] = []byte{20, 230}[(x/(1+x%3+1))%2]
				case 2: // bars with noise
					lum[x] = byte(min(255, max(0, []int{40, 200}[(x/3)%2]+r.IntN(61)-30)))
				case 3: // a gradient
					lum[x] = byte(x * 255 / max(1, width-1))
				case 4: // random
					lum[x] = byte(r.IntN(256))
				case 5: // low contrast
					lum[x] = byte(120 + r.IntN(12))
				}
			}
			sameBlackRow(t, lum)
		}
	}
	n := 0
	for _, g := range sampleGrays(t) {
		for y := 0; y < g.Height; y += 3 {
			sameBlackRow(t, g.row(y))
			n++
		}
	}
	if n == 0 {
		t.Fatal("no sample rows")
	}
}

func FuzzGlobalBlackRow(f *testing.F) {
	f.Add([]byte{0, 255, 0, 255, 0, 255, 0, 255})
	f.Add([]byte{10})
	f.Add([]byte{200, 10})
	f.Fuzz(func(t *testing.T, lum []byte) {
		if len(lum) == 0 {
			return
		}
		sameBlackRow(t, lum)
	})
}

// sampleGrays are the box-label photos in testdata, as the decoder sees them.
func sampleGrays(t testing.TB) []Gray {
	t.Helper()
	paths, err := filepath.Glob("testdata/boxlabels/images/*")
	if err != nil {
		t.Fatal(err)
	}
	var out []Gray
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := ReadImage(f, p)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, GrayOf(img))
	}
	return out
}

func BenchmarkGlobalBlackRow(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	lum := make([]byte, 640)
	for x := range lum {
		lum[x] = byte(min(255, max(0, []int{40, 200}[(x/3)%2]+r.IntN(61)-30)))
	}
	b.Run("serialgate", func(b *testing.B) {
		for b.Loop() {
			globalBlackRow(lum)
		}
	})
	b.Run("gozxing", func(b *testing.B) {
		g := Gray{Pix: lum, Width: len(lum), Height: 1, Stride: len(lum)}
		bz := gozxing.NewGlobalHistgramBinarizer(&source{g: g})
		for b.Loop() {
			bz.GetBlackRow(0, nil)
		}
	})
}

// clearBits clears exactly the bits from x0 up to x1, clipped to the row,
// a word at a time where it can.
func TestClearBits(t *testing.T) {
	for _, size := range []int{1, 31, 32, 33, 64, 100, 257} {
		for x0 := -3; x0 <= size+3; x0 += 1 + size/20 {
			for x1 := x0; x1 <= size+40; x1 += 1 + size/15 {
				row := gozxing.NewBitArray(size)
				row.SetRange(0, size)
				clearBits(row, x0, x1)
				for x := range size {
					if want := x < x0 || x >= x1; row.Get(x) != want {
						t.Fatalf("size %d, clear [%d, %d): bit %d is %v", size, x0, x1, x, row.Get(x))
					}
				}
			}
		}
	}
}

// The rows read with blank areas are white there and the same elsewhere.
func TestBlackRowsBlank(t *testing.T) {
	g := sampleGrays(t)[0]
	ys := []int{g.Height / 3, g.Height / 2, 2 * g.Height / 3}
	lines := []int{0, 1, 2}
	area := image.Rect(g.Width/4, g.Height/2-2, 3*g.Width/4, g.Height/2+3) // holds the middle row only
	plain := blackRows(g, nil, ys, lines, nil)
	blanked := blackRows(g, nil, ys, lines, []image.Rectangle{area})
	for j, y := range ys {
		p, b := plain[j], blanked[j]
		if p == nil {
			t.Fatalf("row %d holds no code's transitions", y)
		}
		if b == nil {
			if y == ys[1] {
				continue // too few transitions left
			}
			t.Fatalf("row %d, outside the area, was dropped", y)
		}
		for x := range g.Width {
			in := y >= area.Min.Y && y < area.Max.Y && x >= area.Min.X && x < area.Max.X
			if want := p.Get(x) && !in; b.Get(x) != want {
				t.Fatalf("row %d, x %d: %v, want %v", y, x, b.Get(x), want)
			}
		}
	}
}
