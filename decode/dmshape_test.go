package decode

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/serialgate/serialgate"
)

// TestDarkShapes checks the shapes found by joining runs against a flood
// fill of pixels: the same shapes in the same order, with the same pixel
// counts, boxes, row ends and outlines (the hull of the row ends, sorted
// and chained along x), on random bitmaps of every density and on
// the repository's photos binarized.
func TestDarkShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	var ms []*gozxing.BitMatrix
	for _, density := range []float64{0.05, 0.3, 0.5, 0.7, 0.95} {
		for _, size := range [][2]int{{1, 1}, {3, 2}, {33, 31}, {64, 40}, {150, 97}} {
			m, _ := gozxing.NewBitMatrix(size[0], size[1])
			for y := range size[1] {
				for x := range size[0] {
					if rng.Float64() < density {
						m.Set(x, y)
					}
				}
			}
			ms = append(ms, m)
		}
	}
	for _, folder := range repoFolders(t) {
		for _, p := range loadPhotosIn(t, repoBarcodes, folder)[:1] {
			if bm := binarize(p.g, false, minDynRange); bm != nil {
				m, _ := bm.GetBlackMatrix()
				ms = append(ms, m)
			}
		}
	}
	for k, m := range ms {
		want := floodShapes(m)
		sh := darkShapes(m)
		if len(sh.shapes) != len(want) {
			t.Errorf("bitmap %d: %d shapes, want %d", k, len(sh.shapes), len(want))
			continue
		}
		for i, c := range sh.shapes {
			w := want[i]
			if c.pixels != w.pixels || c.minX != w.minX || c.minY != w.minY || c.maxX != w.maxX || c.maxY != w.maxY ||
				!slices.Equal(sh.rowEnds(i), w.ends) || !slices.Equal(sh.outline(i), hull(w.ends)) {
				t.Errorf("bitmap %d, shape %d: %+v, want %+v", k, i, c, w)
				break
			}
		}
	}
}

type floodShape struct {
	pixels                 int
	minX, minY, maxX, maxY int
	ends                   []pt
}

// floodShapes finds the 8-connected dark shapes pixel by pixel, starting
// each at its first pixel in raster order.
func floodShapes(m *gozxing.BitMatrix) []floodShape {
	w, h := m.GetWidth(), m.GetHeight()
	seen := make([]bool, w*h)
	var out []floodShape
	for start := range w * h {
		if seen[start] || !m.Get(start%w, start/w) {
			continue
		}
		c := floodShape{minX: w, minY: h, maxX: -1, maxY: -1}
		rowMin, rowMax := map[int]int{}, map[int]int{}
		stack := []int{start}
		seen[start] = true
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := i%w, i/w
			c.pixels++
			c.minX, c.maxX, c.minY, c.maxY = min(c.minX, x), max(c.maxX, x), min(c.minY, y), max(c.maxY, y)
			if v, ok := rowMin[y]; !ok || x < v {
				rowMin[y] = x
			}
			if v, ok := rowMax[y]; !ok || x > v {
				rowMax[y] = x
			}
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx >= 0 && ny >= 0 && nx < w && ny < h && !seen[ny*w+nx] && m.Get(nx, ny) {
						seen[ny*w+nx] = true
						stack = append(stack, ny*w+nx)
					}
				}
			}
		}
		for y := c.minY; y <= c.maxY; y++ {
			lo, hi := float64(rowMin[y]), float64(rowMax[y]+1)
			c.ends = append(c.ends, pt{lo, float64(y)}, pt{lo, float64(y + 1)}, pt{hi, float64(y)}, pt{hi, float64(y + 1)})
		}
		out = append(out, c)
	}
	return out
}

// TestRunCount checks the count of dark runs that sizes darkShapes' list
// against the runs found one by one, on rows across word boundaries.
func TestRunCount(t *testing.T) {
	for _, w := range []int{1, 31, 32, 33, 64, 65, 100} {
		m, _ := gozxing.NewBitMatrix(w, 4)
		seed := uint32(w)
		for y := range 4 {
			for x := range w {
				seed = seed*1664525 + 1013904223
				if y == 3 || (y > 0 && seed>>29 < 3) {
					m.Set(x, y) // row 0 blank, row 3 one run, the others random
				}
			}
		}
		want := 0
		for y := range 4 {
			for x := range w {
				if m.Get(x, y) && (x == 0 || !m.Get(x-1, y)) {
					want++
				}
			}
		}
		if got := runCount(m); got != want {
			t.Errorf("width %d: %d runs counted, want %d", w, got, want)
		}
		if got := len(darkShapes(m).runs); got != want {
			t.Errorf("width %d: darkShapes found %d runs, want %d", w, got, want)
		}
	}
}

// hull is the convex hull of ps by a monotone chain along x, after a sort:
// the outline of a shape as found without knowing its rows' order.
func hull(ps []pt) []pt {
	ps = slices.Clone(ps)
	slices.SortFunc(ps, func(a, b pt) int {
		if c := cmp.Compare(a.x, b.x); c != 0 {
			return c
		}
		return cmp.Compare(a.y, b.y)
	})
	return chain(ps)
}

// TestDMBesideQR reads a GS1 Data Matrix beside a QR Code (a crop of the
// shared box photo 0027): gozxing's detector, growing a white rectangle
// from the middle, does not find it, and the finder by shape ran only
// where no 2D code at all had been read. It now runs wherever no Data
// Matrix code was read, away from the codes read (10 more Data Matrix
// codes on the box and held-out photos, no misread).
func TestDMBesideQR(t *testing.T) {
	got, _ := readSorted(t, "testdata/dm-beside-qr.jpg")
	want := []string{
		"DATA_MATRIX 01000334836558701124070421SN-479C8FA9\x1d10B2407F48",
		"QR_CODE https://initech.example/support/it-lbl-42",
	}
	if !slices.Equal(got, want) {
		t.Errorf("read %q, want %q", got, want)
	}
}

// TestDMByShapeAmongShapes finds a Data Matrix symbol below 120 dark rings
// that pass for an L by their size and fill (print, box flaps, logos):
// the shapes are tried in reading order, and 24 tries (the limit once)
// stopped short of it, as on 19 of the shared and held-out box photos.
func TestDMByShapeAmongShapes(t *testing.T) {
	sym := render(t, encode(t, serialgate.DataMatrix, "SN-0A415AF2"), 5)
	page := canvas(1000, 400+sym.Height)
	for i := range 120 {
		x0, y0 := 20+(i%30)*32, 20+(i/30)*40
		for y := y0; y < y0+20; y++ {
			for x := x0; x < x0+20; x++ {
				if x < x0+3 || x >= x0+17 || y < y0+3 || y >= y0+17 {
					page.Pix[y*page.Stride+x] = 0
				}
			}
		}
	}
	paste(page, sym, 600, 350)
	m, err := newLocalBinarizer(page, minDynRange).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	got := dmByShape(m, 4, nil)
	if len(got) != 1 || got[0].Text != "SN-0A415AF2" {
		t.Errorf("read %+v", got)
	}
}
