package pdf417

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"math"
	"slices"
	"testing"

	"github.com/serialgate/serialgate/internal/testenv"
)

// TestMicroRoundTrip draws MicroPDF417 symbols zint encodes, of each
// number of columns, turned, blurred and noisy, and reads them back
// exactly, as MicroPDF417 and nothing else.
func TestMicroRoundTrip(t *testing.T) {
	zint := testenv.Tool(t, "zint", "zint")
	inputs := []struct {
		data string
		cols int
	}{
		{"AC2000000001", 1},
		{"MicroPDF417", 2},
		{"SN: AC-2000-000001 lot 42", 3},
		{"0123456789012345678901234567890123456789", 4},
		{"serial AC2000000001, model GBX-CAM-2W, made in 2026", 4},
	}
	drawings := []drawing{
		{module: 3, rowH: 3, quiet: 2},
		{module: 2, rowH: 3, quiet: 2, angle: 90},
		{module: 2.5, rowH: 3, quiet: 2, angle: 180},
		{module: 2, rowH: 3, quiet: 2, angle: 270},
		// Turned a few degrees more, a symbol of rows three modules
		// high has few scan lines that stay in a row across a RAP and two
		// codewords, and is not found yet.
		{module: 3, rowH: 3, quiet: 2, angle: 2},
		{module: 3, rowH: 6, quiet: 2, angle: -4},
		{module: 3, rowH: 3, quiet: 3, blur: 1, noise: 10, seed: 5},
	}
	for _, in := range inputs {
		rows, cols, err := zintSymbol(zint, microSymbol, in.cols, 0, in.data)
		if err != nil {
			t.Fatalf("%s: zint: %v", in.data, err)
		}
		for _, d := range drawings {
			name := fmt.Sprintf("%q %dx%d/%+v", in.data, cols, len(rows), d)
			img := render(rows, d)
			got, err := (&Reader{Micro: true}).Decode(img)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if len(got) != 1 {
				t.Errorf("%s: %d symbols", name, len(got))
				continue
			}
			g := got[0]
			if !g.Micro || !bytes.Equal(g.Bytes(), []byte(in.data)) || g.Cols != cols || g.Rows != len(rows) {
				t.Errorf("%s: read %q, micro %v, %d×%d", name, g.Bytes(), g.Micro, g.Cols, g.Rows)
			}
			c := center(g.Corners)
			if dx, dy := c.X-float64(img.Rect.Dx())/2, c.Y-float64(img.Rect.Dy())/2; math.Hypot(dx, dy) > 2*d.module {
				t.Errorf("%s: corners %v centred at %v, want the image's centre", name, g.Corners, c)
			}
		}
	}
}

// TestMicroZeroReader: the zero Reader leaves MicroPDF417 out.
func TestMicroZeroReader(t *testing.T) {
	zint := testenv.Tool(t, "zint", "zint")
	rows, _, err := zintSymbol(zint, microSymbol, 2, 0, "MicroPDF417")
	if err != nil {
		t.Fatal(err)
	}
	img := render(rows, drawing{module: 3, rowH: 3, quiet: 2})
	if got, _ := Decode(img); len(got) != 0 {
		t.Errorf("Decode read %d symbols in a MicroPDF417 symbol", len(got))
	}
	if got, _ := (&Reader{Micro: true}).Decode(img); len(got) != 1 {
		t.Errorf("a Reader with Micro read %d symbols", len(got))
	}
}

// TestSlantMicro reads MicroPDF417 symbols turned to any angle, rows two
// and three modules high, on the slanted lines of an area that names the
// angle (as the decoder's gradient regions do); without the area, the
// upright and on-end scans alone miss them. An area at a wrong angle reads
// nothing wrong.
func TestSlantMicro(t *testing.T) {
	zint := testenv.Tool(t, "zint", "zint")
	for _, in := range []struct {
		data string
		cols int
	}{
		{"AC2000000001", 1},
		{"MicroPDF417", 2},
		{"SN: AC-2000-000001 lot 42", 3},
		{"serial AC2000000001, model GBX-CAM-2W", 4},
	} {
		rows, cols, err := zintSymbol(zint, microSymbol, in.cols, 0, in.data)
		if err != nil {
			t.Fatalf("%s: zint: %v", in.data, err)
		}
		for _, rowH := range []float64{2, 3} {
			for i, deg := range []float64{12, 25, 40, 55, 70, 100, 160, 215, 250, 300, 340} {
				d := drawing{module: 3, rowH: rowH, quiet: 2, angle: deg, blur: 1, noise: 6, seed: uint64(i)}
				name := fmt.Sprintf("%q %dx%d/%+v", in.data, cols, len(rows), d)
				img := render(rows, d)
				whole := Area{Box: img.Rect, Angle: deg * math.Pi / 180}
				got, err := (&Reader{Micro: true, Areas: func() []Area { return []Area{whole} }}).Decode(img)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if len(got) != 1 || !got[0].Micro || !bytes.Equal(got[0].Bytes(), []byte(in.data)) || got[0].Cols != cols || got[0].Rows != len(rows) {
					t.Errorf("%s: read %d symbols %v", name, len(got), got)
					continue
				}
				c := center(got[0].Corners)
				if dx, dy := c.X-float64(img.Rect.Dx())/2, c.Y-float64(img.Rect.Dy())/2; math.Hypot(dx, dy) > 2*d.module {
					t.Errorf("%s: corners %v centred at %v, want the image's centre", name, got[0].Corners, c)
				}
				if i%3 != 0 {
					continue
				}
				if got, _ := (&Reader{Micro: true}).Decode(img); len(got) != 0 {
					t.Errorf("%s: read without an area: the test shows nothing", name)
				}
				wrong := Area{Box: img.Rect, Angle: (deg + 20) * math.Pi / 180}
				got, _ = (&Reader{Micro: true, Areas: func() []Area { return []Area{wrong} }}).Decode(img)
				for _, s := range got {
					if !bytes.Equal(s.Bytes(), []byte(in.data)) {
						t.Errorf("%s: an area 20° off read %q", name, s.Bytes())
					}
				}
			}
		}
	}
}

// TestMicroKeystone reads MicroPDF417 symbols whose rows widen from top to
// bottom (a label seen from below): its columns lean apart, so that its
// rows are not square to the RAPs' edge, and the reading falls back to
// lines along the scan lines that found the rows: the image's rows near a
// quarter turn, the slanted lines of an area further round.
func TestMicroKeystone(t *testing.T) {
	zint := testenv.Tool(t, "zint", "zint")
	data := "serial AC2000000001, model GBX-CAM-2W"
	rows, cols, err := zintSymbol(zint, microSymbol, 4, 0, data)
	if err != nil {
		t.Fatal(err)
	}
	for _, ks := range []float64{0.06, 0.1} {
		for _, deg := range []float64{0, 12, 30, 200} {
			d := drawing{module: 3, rowH: 3, quiet: 2, angle: deg, keystone: ks}
			img := render(rows, d)
			area := Area{Box: img.Rect, Angle: deg * math.Pi / 180}
			got, err := (&Reader{Micro: true, Areas: func() []Area { return []Area{area} }}).Decode(img)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || !bytes.Equal(got[0].Bytes(), []byte(data)) || got[0].Cols != cols {
				t.Errorf("%+v: read %d symbols %v", d, len(got), got)
			}
		}
	}
}

// TestClustered checks the test that ends the reading of an edge whose
// lines read no codeword in the cluster their RAP gives.
func TestClustered(t *testing.T) {
	rap := 0
	want := int(microCluster[rap])
	other := (want + 3) % 9
	line := func(val, clus int) microRead {
		return microRead{rap: rap, vals: [4]int{val, -1, -1, -1}, clus: [4]int{clus, 0, 0, 0}}
	}
	if clustered([]microRead{line(-1, want), line(5, other)}, 1) {
		t.Error("no codeword read in the RAP's cluster: clustered")
	}
	if !clustered([]microRead{line(-1, want), line(5, want)}, 1) {
		t.Error("one codeword read in the RAP's cluster: not clustered")
	}
	second := microRead{rap: rap, vals: [4]int{-1, 7, -1, -1}, clus: [4]int{0, want, 0, 0}}
	if clustered([]microRead{second}, 1) || !clustered([]microRead{second}, 2) {
		t.Error("a second codeword counts only when two are read")
	}
}

// TestMicroBesidePDF417 reads a PDF417 symbol and a MicroPDF417 symbol
// drawn one above the other: the MicroPDF417 search passes over the
// PDF417 symbol's inside (its codewords look like RAPs) but not the
// symbol beside it.
func TestMicroBesidePDF417(t *testing.T) {
	zint := testenv.Tool(t, "zint", "zint")
	full, _, err := zintSymbol(zint, fullSymbol, 4, 2, "PDF417 over MicroPDF417")
	if err != nil {
		t.Fatal(err)
	}
	micro, _, err := zintSymbol(zint, microSymbol, 3, 0, "AC2000000001")
	if err != nil {
		t.Fatal(err)
	}
	// The MicroPDF417 symbol level, then turned a quarter: found on the
	// bitmap's columns, after the PDF417 symbol on its rows.
	for _, angle := range []float64{0, 90} {
		d := drawing{module: 2, rowH: 3, quiet: 3}
		a := render(full, d)
		d.angle = angle
		b := render(micro, d)
		page := image.NewGray(image.Rect(0, 0, max(a.Rect.Dx(), b.Rect.Dx()), a.Rect.Dy()+b.Rect.Dy()))
		for i := range page.Pix {
			page.Pix[i] = 255
		}
		draw.Draw(page, a.Rect, a, image.Point{}, draw.Src)
		draw.Draw(page, b.Rect.Add(image.Pt(0, a.Rect.Dy())), b, image.Point{}, draw.Src)
		got, err := (&Reader{Micro: true}).Decode(page)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, s := range got {
			texts = append(texts, fmt.Sprintf("%v %s", s.Micro, s.Bytes()))
		}
		slices.Sort(texts)
		if want := []string{"false PDF417 over MicroPDF417", "true AC2000000001"}; !slices.Equal(texts, want) {
			t.Errorf("MicroPDF417 turned %.0f°: read %q, want %q", angle, texts, want)
		}
	}
}

// TestInsideQuad checks the point-in-quadrilateral test either way round.
func TestInsideQuad(t *testing.T) {
	q := [4]Point{{0, 0}, {10, 1}, {11, 9}, {-1, 10}}
	r := [4]Point{q[3], q[2], q[1], q[0]}
	for _, c := range []struct {
		p  Point
		in bool
	}{{Point{5, 5}, true}, {Point{0.5, 0.5}, true}, {Point{10.9, 8.8}, true}, {Point{5, -1}, false}, {Point{12, 5}, false}, {Point{-2, 5}, false}, {Point{5, 11}, false}} {
		if insideQuad(c.p, q) != c.in || insideQuad(c.p, r) != c.in {
			t.Errorf("%v inside %v: %v, want %v", c.p, q, insideQuad(c.p, q), c.in)
		}
	}
}

// TestMicroTaken: no MicroPDF417 symbol is looked for at an edge inside
// the outline of a code another reader read (Reader.Taken), upright or on
// end (the turned scan's coordinates mapped back). An outline beside the
// symbol takes nothing from it, and Taken is asked once at most.
func TestMicroTaken(t *testing.T) {
	zint := testenv.Tool(t, "zint", "zint")
	rows, _, err := zintSymbol(zint, microSymbol, 2, 0, "MicroPDF417")
	if err != nil {
		t.Fatal(err)
	}
	for _, deg := range []float64{0, 90, 180, 270} {
		img := render(rows, drawing{module: 3, rowH: 3, quiet: 2, angle: deg})
		w, h := float64(img.Rect.Dx()), float64(img.Rect.Dy())
		whole := [4]Point{{0, 0}, {w, 0}, {w, h}, {0, h}}
		beside := [4]Point{{w + 10, 0}, {w + 50, 0}, {w + 50, h}, {w + 10, h}}
		read := func(taken ...[4]Point) (int, int) {
			calls := 0
			rd := &Reader{Micro: true, Taken: func() [][4]Point { calls++; return taken }}
			got, err := rd.Decode(img)
			if err != nil {
				t.Fatalf("%v°: %v", deg, err)
			}
			return len(got), calls
		}
		if n, calls := read(beside); n != 1 || calls != 1 {
			t.Errorf("%v°: with an outline beside it, %d symbols read, Taken asked %d times", deg, n, calls)
		}
		if n, _ := read(whole); n != 0 {
			t.Errorf("%v°: inside a taken outline, %d symbols read", deg, n)
		}
	}
}
