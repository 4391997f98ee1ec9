package decode

import (
	"image"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/decode/microqr"
)

// TestQRAmongBars reads a box-label photo (bench/boxsynth, seed 7, photo 11:
// 1920x1080, turned 25°, blurred) whose QR Code the whole-image detector
// loses among the finder-like places of the three tilted 1D codes beside
// it; read by its own finder patterns, it is found with the rest.
func TestQRAmongBars(t *testing.T) {
	got, found := readSorted(t, "testdata/qr-among-bars.jpg")
	want := []string{
		"CODE_128 MODEL:VDL-CAM-9",
		"CODE_128 VX-7107-JW3FV",
		"QR_CODE https://vandelay.example/support/vdl-cam-9",
		"UPC_A 049031340020",
	}
	if !slices.Equal(got, want) {
		t.Errorf("read %q, want %q", got, want)
	}
	for _, b := range found {
		if b.Symbology != serialgate.QRCode {
			continue
		}
		// The truth's outline: (1240,449) (1337,495) (1288,590) (1192,544).
		box := bounds(b.Corners)
		if box.Min.X < 1180 || box.Max.X > 1350 || box.Min.Y < 440 || box.Max.Y > 600 {
			t.Errorf("QR Code outline %v, want inside (1180,440)-(1350,600)", box)
		}
	}
}

// TestSquareCentre tells a finder pattern's centre from the bars of a 1D
// code turned 25°, which finderLike takes for finder patterns too; and it
// moves a place found on the centre's top row to its middle.
func TestSquareCentre(t *testing.T) {
	const mod = 4
	finder := func(m *gozxing.BitMatrix, x0, y0 int) {
		for y := range 7 * mod {
			for x := range 7 * mod {
				mx, my := x/mod, y/mod
				ring := mx == 0 || my == 0 || mx == 6 || my == 6
				centre := mx >= 2 && mx <= 4 && my >= 2 && my <= 4
				if ring || centre {
					m.Set(x0+x, y0+y)
				}
			}
		}
	}
	m, _ := gozxing.NewBitMatrix(200, 200)
	finder(m, 20, 20)
	// Place on the centre's first row (y = 20 + 2 modules), as finderLike
	// keeps it.
	c, ok := squareCentre(m, microqr.Finder{X: 20 + 3.5*mod, Y: 20 + 2*mod, Module: mod})
	if !ok {
		t.Fatal("finder pattern not taken")
	}
	if math.Abs(c.X-(20+3.5*mod)) > 1.5 || math.Abs(c.Y-(20+3.5*mod)) > 1.5 {
		t.Errorf("centre (%.0f,%.0f), want (%d,%d)", c.X, c.Y, 20+7*mod/2, 20+7*mod/2)
	}
	// Bars 1:1:3:1:1 modules wide, turned 25°, 80 pixels long.
	bars, _ := gozxing.NewBitMatrix(200, 200)
	a := 25 * math.Pi / 180
	ux, uy := math.Cos(a), math.Sin(a)
	for y := range 200 {
		for x := range 200 {
			u := (float64(x)-100)*ux + (float64(y)-100)*uy // across the bars
			v := -(float64(x)-100)*uy + (float64(y)-100)*ux
			k := (u + 3.5*mod) / mod
			if math.Abs(v) > 40 || k < 0 || k >= 7 {
				continue
			}
			if k < 1 || (k >= 2 && k < 5) || k >= 6 {
				bars.Set(x, y)
			}
		}
	}
	if _, ok := squareCentre(bars, microqr.Finder{X: 100, Y: 100, Module: mod}); ok {
		t.Error("the middle bar of a tilted 1D code taken for a finder pattern's centre")
	}
}

// TestQRTriples keeps three finder patterns placed as a QR Code's, the one
// at the right angle as the corner, and drops three in a line or of
// mismatched sizes.
func TestQRTriples(t *testing.T) {
	f := func(x, y, m float64) microqr.Finder { return microqr.Finder{X: x, Y: y, Module: m} }
	// A version 2 symbol (25 modules, finders 18 apart) of 4-pixel
	// modules, turned 25°.
	a := 25 * math.Pi / 180
	leg := 18.0 * 4
	c := f(100, 100, 4)
	top := f(100+leg*math.Cos(a), 100+leg*math.Sin(a), 4)
	left := f(100-leg*math.Sin(a), 100+leg*math.Cos(a), 4.2)
	ts := qrTriples([]microqr.Finder{top, c, left, f(600, 600, 4)})
	if len(ts) != 1 {
		t.Fatalf("%d triples, want 1", len(ts))
	}
	if ts[0].c != c {
		t.Errorf("corner at (%.0f,%.0f), want (100,100)", ts[0].c.X, ts[0].c.Y)
	}
	r := ts[0].rect()
	if r.Dx() < int(leg) || r.Dx() > int(3*leg) {
		t.Errorf("rect %v for legs of %.0f", r, leg)
	}
	if ts := qrTriples([]microqr.Finder{f(0, 0, 4), f(80, 0, 4), f(160, 0, 4)}); len(ts) != 0 {
		t.Errorf("three in a line: %d triples", len(ts))
	}
	if ts := qrTriples([]microqr.Finder{c, top, f(left.X, left.Y, 9)}); len(ts) != 0 {
		t.Errorf("module sizes 4 and 9: %d triples", len(ts))
	}
}

// TestReadQRCrop reads the square around a QR Code's finder triple on a
// box photo (bench/boxsynth seed 8, photo 59: modules of 2.5 pixels,
// blurred), which the local thresholds alone leave unread: the crop's one
// threshold reads it.
func TestReadQRCrop(t *testing.T) {
	img := testImage(t, "testdata/qr-blurred-crop.png")
	c := pad(GrayOf(img), 8)
	const want = "https://vandelay.example/support/vdl-plg-1"
	if bm := binarize(c, false, minDynRange); bm != nil {
		if r, err := qrcode.NewQRCodeReader().Decode(bm, hints); err == nil && r.GetText() == want {
			t.Log("the local thresholds read it too: this test no longer shows the fallback")
		}
	}
	res, _ := readQRCrop(c, minDynRange)
	if res == nil || res.GetText() != want {
		t.Fatalf("read %v, want %q", res, want)
	}
}

// TestDouble enlarges an image twice between its pixels' centres: the
// corners keep their values, and a step between two pixels becomes a ramp.
func TestDouble(t *testing.T) {
	g := Gray{Pix: []byte{0, 200, 100, 40}, Width: 2, Height: 2, Stride: 2}
	d := g.double()
	if d.Width != 4 || d.Height != 4 {
		t.Fatalf("%dx%d, want 4x4", d.Width, d.Height)
	}
	at := func(x, y int) byte { return d.Pix[y*d.Stride+x] }
	if at(0, 0) != 0 || at(3, 0) != 200 || at(0, 3) != 100 || at(3, 3) != 40 {
		t.Errorf("corners %d %d %d %d, want 0 200 100 40", at(0, 0), at(3, 0), at(0, 3), at(3, 3))
	}
	if r := d.row(0); !(r[0] < r[1] && r[1] < r[2] && r[2] < r[3]) {
		t.Errorf("top row %v: not a ramp", r)
	}
}

// testImage reads an image file of testdata.
// readSorted decodes the image at path with the default options and
// returns what it read as "SYMBOLOGY text", sorted, and the codes.
func readSorted(t *testing.T, path string) ([]string, []Barcode) {
	t.Helper()
	found, err := New(Options{}).Image(testImage(t, path))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range found {
		got = append(got, string(b.Symbology)+" "+b.Text)
	}
	slices.Sort(got)
	return got, found
}

func testImage(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := ReadImage(f, path)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// FuzzQRByFinders runs the QR reading by finder patterns on any gray
// image: no panic, and whatever it reads is a QR Code with an outline.
func FuzzQRByFinders(f *testing.F) {
	sym := render(f, encode(f, serialgate.QRCode, "https://example.com/AC2000000001"), 3)
	page := canvas(sym.Width+60, sym.Height+60)
	paste(page, sym, 30, 30)
	page = turn(page, 21)
	f.Add(page.Pix, uint16(page.Width))
	f.Add([]byte{0, 255, 0, 255, 255, 0, 255, 0, 0}, uint16(3))
	d := New(Options{})
	f.Fuzz(func(t *testing.T, pix []byte, width uint16) {
		w := int(width)
		if w == 0 || len(pix) < w {
			return
		}
		h := len(pix) / w
		g := Gray{Pix: pix[:w*h], Width: w, Height: h, Stride: w}
		bm := binarize(g, false, minDynRange)
		if bm == nil {
			return
		}
		m, err := bm.GetBlackMatrix()
		if err != nil {
			return
		}
		for _, b := range d.qrByFinders(g, newFinderScan(m), nil) {
			if b.Symbology != serialgate.QRCode || len(b.Corners) < 3 {
				t.Fatalf("got %+v", b)
			}
		}
	})
}

// TestDoubleExact holds double to the bilinear formula it replaces,
// computed in floating point between the pixels' centres, on random
// images of odd and even sizes down to one pixel.
func TestDoubleExact(t *testing.T) {
	seed := uint32(7)
	for _, sz := range [][2]int{{1, 1}, {1, 5}, {6, 1}, {2, 2}, {7, 3}, {33, 20}} {
		g := Gray{Pix: make([]byte, sz[0]*sz[1]), Width: sz[0], Height: sz[1], Stride: sz[0]}
		for i := range g.Pix {
			seed = seed*1664525 + 1013904223
			g.Pix[i] = byte(seed >> 24)
		}
		d := g.double()
		for y := range d.Height {
			fy := max(0, min(float64(y)/2-0.25, float64(g.Height-1)))
			y0 := int(fy)
			y1, ay := min(y0+1, g.Height-1), fy-float64(y0)
			for x := range d.Width {
				fx := max(0, min(float64(x)/2-0.25, float64(g.Width-1)))
				x0 := int(fx)
				x1, ax := min(x0+1, g.Width-1), fx-float64(x0)
				top := (1-ax)*float64(g.Pix[y0*g.Stride+x0]) + ax*float64(g.Pix[y0*g.Stride+x1])
				bot := (1-ax)*float64(g.Pix[y1*g.Stride+x0]) + ax*float64(g.Pix[y1*g.Stride+x1])
				if want := byte((1-ay)*top + ay*bot + 0.5); d.Pix[y*d.Stride+x] != want {
					t.Fatalf("%dx%d: pixel (%d,%d) = %d, want %d", g.Width, g.Height, x, y, d.Pix[y*d.Stride+x], want)
				}
			}
		}
	}
}

// TestTimingLike tells a QR Code's finder triple from three finder
// patterns in a texture: the same three squares, placed as a version 7
// symbol's at 6 pixels a module, with the timing patterns between them,
// then with cells of random sizes there instead.
func TestTimingLike(t *testing.T) {
	const n, px = 45, 6 // modules a side (version 7), pixels a module
	for _, timing := range []bool{true, false} {
		m, _ := gozxing.NewSquareBitMatrix(n * px)
		set := func(r, c int) {
			if r >= 0 && c >= 0 && r < n && c < n {
				m.SetRegion(c*px, r*px, px, px)
			}
		}
		finder := func(r0, c0 int) {
			for r := range 7 {
				for c := range 7 {
					if r == 0 || r == 6 || c == 0 || c == 6 || (r >= 2 && r <= 4 && c >= 2 && c <= 4) {
						set(r0+r, c0+c)
					}
				}
			}
		}
		finder(0, 0)
		finder(0, n-7)
		finder(n-7, 0)
		if timing {
			for i := 8; i < n-8; i += 2 {
				set(6, i)
				set(i, 6)
			}
		} else {
			// Runs of one to five modules along row 6 and column 6,
			// dark and light in turn: a texture's uneven runs.
			i, dark := 8, true
			for _, l := range []int{1, 4, 1, 2, 5, 1, 1, 3, 1, 4, 2, 1, 5} {
				for k := i; k < min(i+l, n-8) && dark; k++ {
					set(6, k)
					set(k, 6)
				}
				i += l
				dark = !dark
			}
		}
		centre := func(r, c int) microqr.Finder {
			return microqr.Finder{X: (float64(c) + 3.5) * px, Y: (float64(r) + 3.5) * px, Module: px}
		}
		tr := qrTriple{c: centre(0, 0), a: centre(0, n-7), b: centre(n-7, 0)}
		if got := timingLike(m, tr); got != timing {
			t.Errorf("timing pattern drawn %v: timingLike %v", timing, got)
		}
	}
}

// TestFinderScanShared asks one scan for places again and again, with
// other areas passed and other limits, as the readers of a variant do,
// and gets what a scan of its own gives each time.
func TestFinderScanShared(t *testing.T) {
	g := label(t, 2)
	paste(g, render(t, encode(t, serialgate.QRCode, "AC2000000001"), 3), 10, 10)
	m, err := binarize(g, false, minDynRange).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	all, ok := newFinderScan(m).upTo(nil, 1000)
	if !ok || len(all) < 3 {
		t.Fatalf("%d places (ok %v): the image shows too few for this test", len(all), ok)
	}
	first := all[0]
	passed := []area{rectArea(image.Rect(int(first.X)-20, int(first.Y)-20, int(first.X)+20, int(first.Y)+20))}
	s := newFinderScan(m)
	for _, c := range []struct {
		passed []area
		limit  int
	}{{nil, 2}, {passed, 1000}, {nil, 1000}, {passed, 1}, {nil, len(all)}, {nil, len(all) - 1}} {
		want, wantOK := newFinderScan(m).upTo(c.passed, c.limit)
		got, gotOK := s.upTo(c.passed, c.limit)
		if gotOK != wantOK || !slices.Equal(got, want) {
			t.Errorf("passed %d areas, limit %d: shared scan %v %v, own scan %v %v", len(c.passed), c.limit, got, gotOK, want, wantOK)
		}
	}
}
