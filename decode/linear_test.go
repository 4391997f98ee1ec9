package decode

import (
	"image"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/serialgate/serialgate"
)

// label draws a Code 128 serial above an EAN-13 on a white page.
func label(t testing.TB, scale int) Gray {
	page := canvas(150*scale+80, 120*scale)
	paste(page, render(t, encode(t, serialgate.Code128, "AC2000000001"), scale), 40, 10*scale)
	paste(page, render(t, encode(t, serialgate.EAN13, "4006381333931"), scale), 40, 60*scale)
	return page
}

// turnSmooth turns g by deg degrees counterclockwise (as seen, y pointing
// down) about its centre onto a white page large enough to hold it,
// interpolating between pixels as a camera's image would.
func turnSmooth(g Gray, deg float64) Gray {
	a := deg * math.Pi / 180
	c, s := math.Cos(a), math.Sin(a)
	size := int(math.Hypot(float64(g.Width), float64(g.Height))) + 40
	out := canvas(size, size)
	for y := range size {
		for x := range size {
			dx, dy := float64(x)-float64(size)/2, float64(y)-float64(size)/2
			// The source point: the output point turned back.
			sx, sy := c*dx-s*dy+float64(g.Width)/2, s*dx+c*dy+float64(g.Height)/2
			if sx >= 0 && sy >= 0 && sx < float64(g.Width-1) && sy < float64(g.Height-1) {
				out.Pix[y*size+x] = byte(bilinearAt(g, sx, sy) + 0.5)
			}
		}
	}
	return out
}

// bilinearAt interpolates g at (x, y), inside the image.
func bilinearAt(g Gray, x, y float64) float32 {
	ix, iy := int(x), int(y)
	fx, fy := float32(x-float64(ix)), float32(y-float64(iy))
	p := g.Pix[iy*g.Stride+ix:]
	q := g.Pix[(iy+1)*g.Stride+ix:]
	top := float32(p[0]) + fx*(float32(p[1])-float32(p[0]))
	bot := float32(q[0]) + fx*(float32(q[1])-float32(q[0]))
	return top + fy*(bot-top)
}

// boxBlur blurs g with a (2r+1)² box, rows then columns.
func boxBlur(g Gray, r int) Gray {
	out := Gray{Pix: make([]byte, g.Width*g.Height), Width: g.Width, Height: g.Height, Stride: g.Width}
	tmp := make([]int, g.Width*g.Height)
	for y := range g.Height {
		for x := range g.Width {
			s, n := 0, 0
			for k := max(0, x-r); k <= min(g.Width-1, x+r); k++ {
				s += int(g.Pix[y*g.Stride+k])
				n++
			}
			tmp[y*g.Width+x] = s / n
		}
	}
	for y := range g.Height {
		for x := range g.Width {
			s, n := 0, 0
			for k := max(0, y-r); k <= min(g.Height-1, y+r); k++ {
				s += tmp[k*g.Width+x]
				n++
			}
			out.Pix[y*g.Width+x] = byte(s / n)
		}
	}
	return out
}

// TestOrientedAngles reads a label turned to angles that are no quarter
// turn: both codes, exactly, and nothing else.
func TestOrientedAngles(t *testing.T) {
	d := New(Options{})
	for _, deg := range []float64{0, 12, 33, 45, 78, 131, 200, 305} {
		g := turnSmooth(label(t, 3), deg)
		got, err := d.Gray(g)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, b := range got {
			texts = append(texts, b.Text)
		}
		slices.Sort(texts)
		if !slices.Equal(texts, []string{"4006381333931", "AC2000000001"}) {
			t.Errorf("turned %.0f°: read %q", deg, texts)
		}
	}
}

// TestOrientedFindsAngle checks that the region found for a turned code
// has the code's direction across its bars.
func TestOrientedFindsAngle(t *testing.T) {
	for _, deg := range []float64{0, 20, 45, 70, 100, 160} {
		g := turnSmooth(render(t, encode(t, serialgate.Code128, "SN-0A415AF2"), 3), deg)
		rs := findRegions(g, 2)
		if len(rs) == 0 {
			t.Errorf("turned %.0f°: no region", deg)
			continue
		}
		got := math.Atan2(-rs[0].uy, rs[0].ux) * 180 / math.Pi
		if diff := math.Abs(math.Remainder(got-deg, 180)); diff > 3 {
			t.Errorf("turned %.0f°: region across the bars at %.1f°", deg, got)
		}
	}
}

// TestOrientedBlur reads a turned Code 128 of 2-pixel modules blurred until
// its narrow elements run together, which the reading of blurred
// profiles is for.
func TestOrientedBlur(t *testing.T) {
	d := New(Options{Formats: []serialgate.Symbology{serialgate.Code128}})
	page := canvas(560, 180)
	paste(page, render(t, encode(t, serialgate.Code128, "G0MYCA2PQRLPG23K"), 2), 40, 30)
	g := boxBlur(boxBlur(turnSmooth(page, 23), 1), 1)
	got, err := d.Gray(g)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Text != "G0MYCA2PQRLPG23K" {
		t.Errorf("read %+v", got)
	}
}

// TestInsideRect checks the fragment test on turned outlines: a code on
// the lines of a longer one is inside it, one stacked beside it is not.
func TestInsideRect(t *testing.T) {
	rect := func(cx, cy, l, h, deg float64) []Point {
		a := deg * math.Pi / 180
		ux, uy, vx, vy := math.Cos(a), -math.Sin(a), math.Sin(a), math.Cos(a)
		var ps []Point
		for _, c := range [][2]float64{{-l / 2, -h / 2}, {l / 2, -h / 2}, {l / 2, h / 2}, {-l / 2, h / 2}} {
			ps = append(ps, Point{cx + c[0]*ux + c[1]*vx, cy + c[0]*uy + c[1]*vy})
		}
		return ps
	}
	long := Barcode{Corners: rect(300, 300, 400, 60, 45), oriented: true}
	on := Barcode{Corners: rect(300+50*math.Cos(math.Pi/4), 300-50*math.Sin(math.Pi/4), 200, 40, 45)}
	beside := Barcode{Corners: rect(300+90*math.Sin(math.Pi/4), 300+90*math.Cos(math.Pi/4), 200, 40, 45)}
	if !insideRect(on, long) {
		t.Error("a code on the long one's lines is not inside it")
	}
	if insideRect(beside, long) {
		t.Error("a code stacked beside the long one is inside it")
	}
}

// FuzzLinearRuns feeds arbitrary element widths to the scan-line readers:
// they never panic, and whatever they read has a plausible place, a
// valid check digit, and for ITF an even number of digits.
func FuzzLinearRuns(f *testing.F) {
	f.Add([]byte{40, 4, 2, 2, 2, 4, 2, 2, 4, 2, 2, 6, 4, 40}, true)
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, false)
	// A Code 39 symbol, *A1*, at a ratio of two, with its quiet zones.
	f.Add([]byte{60, 4, 8, 4, 4, 8, 4, 8, 4, 4, 4, 8, 4, 4, 4, 4, 8, 4, 4, 8, 4, 8, 4, 4, 8, 4, 4, 4, 4, 8, 4, 4, 8, 4, 4, 8, 4, 8, 4, 4, 60}, false)
	// An ITF symbol of six digits, 908172, with its quiet zones.
	f.Add([]byte{90, 8, 8, 8, 8, 8, 8, 20, 8, 8, 20, 20, 20, 8, 8, 20, 20, 8, 8, 8, 8, 20, 8, 8, 20, 8, 8, 8, 20, 8, 8, 20, 8, 20, 20, 20, 8, 8, 90}, false)
	f.Fuzz(func(t *testing.T, widths []byte, dark0 bool) {
		x := []float64{0}
		for _, w := range widths {
			x = append(x, x[len(x)-1]+float64(w)/4+0.05)
		}
		if len(x) < 2 {
			return
		}
		r := runs{x: x, dark0: dark0}
		var reads []lineRead
		for _, cur := range []runs{r, r.reversed(nil)} {
			reads = readCode128(cur, reads)
			reads = readEAN13(cur, reads)
			reads = readITF(cur, reads)
			reads = readCode39(cur, reads)
			// A profile drawn from the runs, for the blurred reading.
			p := make([]float32, int(cur.x[len(cur.x)-1]/0.5)+1)
			for i := range p {
				at, _ := slices.BinarySearch(cur.x, float64(i)*0.5)
				p[i] = 200
				if at > 0 && cur.dark(at-1) {
					p[i] = 50
				}
			}
			reads = readCode128Blurred(p, 0.5, cur, reads)
			reads = readEANBlurred(p, 0.5, cur, reads)
		}
		for _, rd := range reads {
			if rd.text == "" || rd.from >= rd.to {
				t.Errorf("read %v from %.1f to %.1f", rd, rd.from, rd.to)
			}
			if rd.sym == serialgate.EAN13 && !upcCheck([]byte(rd.text)) {
				t.Errorf("EAN-13 %q with a wrong check digit", rd.text)
			}
			if rd.sym == serialgate.Code39 && strings.Trim(rd.text, c39Chars[:len(c39Chars)-1]) != "" && !fullASCIIOnly(rd.text) {
				t.Errorf("Code 39 %q: a character outside the symbology", rd.text)
			}
			if rd.sym == serialgate.ITF && (len(rd.text)%2 != 0 || strings.Trim(rd.text, "0123456789") != "") {
				t.Errorf("ITF %q: not an even number of digits", rd.text)
			}
		}
	})
}

// TestOrientedBlurShortBars reads blurred Code 128 symbols whose bars are
// short: the blurred reading's spaced lines cross them once or twice, and
// the lines read next to a hit give the votes a code needs. (Bars of 18
// pixels or fewer, turned and blurred so, were not read when every other
// line was read either.)
func TestOrientedBlurShortBars(t *testing.T) {
	d := New(Options{Formats: []serialgate.Symbology{serialgate.Code128}})
	for _, h := range []int{20, 22, 26, 32} {
		sym := render(t, encode(t, serialgate.Code128, "G0MYCA2PQRLPG23K"), 2)
		sym = sym.crop(image.Rect(0, 0, sym.Width, h))
		page := canvas(560, 120)
		paste(page, sym, 40, 40)
		g := boxBlur(boxBlur(turnSmooth(page, 23), 1), 1)
		got, err := d.Gray(g)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Text != "G0MYCA2PQRLPG23K" {
			t.Errorf("bars %d pixels high: read %+v", h, got)
		}
	}
}

// TestRegionWithin: a region lies within a 2D or stacked code when all its
// corners do (the code's box grown by a tenth), as finish takes a 1D code
// for a fragment of one; 1D codes do not count.
func TestRegionWithin(t *testing.T) {
	sq := func(sym serialgate.Symbology, x0, y0, x1, y1 float64) Barcode {
		return Barcode{Barcode: serialgate.Barcode{Symbology: sym}, Corners: []Point{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}}
	}
	s, c := math.Sincos(20 * math.Pi / 180)
	r := region{cx: 200, cy: 150, ux: c, uy: -s, halfU: 60, halfV: 30}
	pdf := sq(serialgate.PDF417, 120, 90, 280, 210)
	for _, tc := range []struct {
		name string
		bs   []Barcode
		want bool
	}{
		{"inside a PDF417 symbol", []Barcode{pdf}, true},
		{"a 1D code there", []Barcode{sq(serialgate.Code128, 120, 90, 280, 210)}, false},
		{"a PDF417 symbol beside it", []Barcode{sq(serialgate.PDF417, 300, 90, 460, 210)}, false},
		{"half in a QR code", []Barcode{sq(serialgate.QRCode, 120, 90, 200, 210)}, false},
		{"nothing read", nil, false},
	} {
		if got := r.within(tc.bs); got != tc.want {
			t.Errorf("%s: within %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestRegionWorkers reads every region of the repository's photos and of
// turned, blurred labels with one worker and with three: the slow passes'
// lines are shared out as the workers go, and the readings must not
// depend on how.
func TestRegionWorkers(t *testing.T) {
	d := New(Options{})
	var gs []Gray
	for _, folder := range repoFolders(t) {
		for _, p := range loadPhotosIn(t, repoBarcodes, folder) {
			gs = append(gs, p.g)
		}
	}
	for _, deg := range []float64{7, 23} {
		gs = append(gs, boxBlur(turnSmooth(label(t, 2), deg), 1))
	}
	regions, reads := 0, 0
	for k, g := range gs {
		for _, r := range findRegions(g, 2) {
			one := d.readRegion(g, r, 2, nil, nil, nil, 1)
			three := d.readRegion(g, r, 2, nil, nil, nil, 3)
			if !reflect.DeepEqual(one, three) {
				t.Errorf("image %d, region %+v: one worker read %+v, three %+v", k, r, one, three)
			}
			regions++
			reads += len(one)
		}
	}
	t.Logf("%d images, %d regions, %d codes read", len(gs), regions, reads)
	if reads == 0 {
		t.Error("no region read a code: the test compares nothing")
	}
}

// TestProfileEdge holds profile's samples, on lines that run in and out of
// the image, to three clamped bilinear lookups each, summed in order:
// exactly, as the readings depend on every bit of them.
func TestProfileEdge(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	clamped := func(g Gray, x, y float64) float32 {
		x = math.Max(0, math.Min(x, float64(g.Width-1)-1e-3))
		y = math.Max(0, math.Min(y, float64(g.Height-1)-1e-3))
		return bilinearAt(g, x, y)
	}
	for range 50 {
		w, h := 2+rng.IntN(60), 2+rng.IntN(60)
		g := Gray{Pix: make([]byte, w*h), Width: w, Height: h, Stride: w}
		for i := range g.Pix {
			g.Pix[i] = byte(rng.IntN(256))
		}
		x0, y0 := rng.Float64()*float64(w+40)-20, rng.Float64()*float64(h+40)-20
		a := rng.Float64() * 2 * math.Pi
		dx, dy := 0.5*math.Cos(a), 0.5*math.Sin(a)
		sx, sy := -math.Sin(a), math.Cos(a)
		n := 20 + rng.IntN(200)
		got := profile(g, x0, y0, dx, dy, sx, sy, n, nil)
		for i := range n {
			x, y := x0+float64(i)*dx, y0+float64(i)*dy
			want := (clamped(g, x-sx, y-sy) + clamped(g, x, y) + clamped(g, x+sx, y+sy)) / 3
			if got[i] != want {
				t.Fatalf("%dx%d, line from (%.2f, %.2f) along (%.2f, %.2f), sample %d: %v, want %v", w, h, x0, y0, dx, dy, i, got[i], want)
			}
		}
	}
}

// TestJoinedInLine joins the two halves of one code that a run of wide bars
// split (the regions of a Code 128 serial turned 87° on a box photo), whose
// middles lie a little further apart across than a quarter of their height
// from the error of the halves' directions; pieces side by side across
// the bars, or far apart and off the line, stay apart.
func TestJoinedInLine(t *testing.T) {
	a := region{cx: 549, cy: 528, ux: 0.03, uy: -1, halfU: 133, halfV: 63, cells: 320}
	b := region{cx: 567, cy: 860, ux: 0.02, uy: 1, halfU: 121, halfV: 55, cells: 305}
	norm := func(r region) region {
		n := math.Hypot(r.ux, r.uy)
		r.ux, r.uy = r.ux/n, r.uy/n
		return r
	}
	a, b = norm(a), norm(b)
	for _, pair := range [][2]region{{a, b}, {b, a}} {
		m, ok := joined(pair[0], pair[1])
		if !ok {
			t.Fatalf("halves %+v and %+v not joined", pair[0], pair[1])
		}
		// The joined region spans both halves: from y≈395 to y≈981.
		if m.halfU < 280 || m.halfU > 300 {
			t.Errorf("joined half length %.0f, want about 293", m.halfU)
		}
	}
	// The same halves moved apart across the bars by their height: two
	// codes one above the other, not one code.
	off := b
	off.cx += 2 * b.halfV
	if _, ok := joined(a, off); ok {
		t.Errorf("pieces %v apart across the bars joined", 2*b.halfV)
	}
	// Far apart along the line (gap over 16 cells) stay apart too.
	far := b
	far.cy += 120
	if _, ok := joined(a, far); ok {
		t.Error("pieces 198 pixels apart joined")
	}
}

// TestEnergyScale keeps the region floor of a photo of ordinary contrast
// and lowers it with the square of a dim one's spread, down to a ninth.
func TestEnergyScale(t *testing.T) {
	ramp := func(lo, hi int) Gray {
		g := Gray{Pix: make([]byte, 256*64), Width: 256, Height: 64, Stride: 256}
		for y := range g.Height {
			for x := range g.Width {
				g.Pix[y*g.Stride+x] = byte(lo + (hi-lo)*x/255)
			}
		}
		return g
	}
	for _, c := range []struct {
		lo, hi int
		want   float64
	}{
		{0, 255, 1},
		{40, 155, 1},     // spread 110
		{40, 100, 0.336}, // 2nd to 98th percentile: 58 levels, (58/100)²
		{100, 110, 1.0 / 9},
	} {
		got := energyScale(ramp(c.lo, c.hi))
		if math.Abs(got-c.want) > 0.03 {
			t.Errorf("levels %d–%d: scale %.3f, want %.3f", c.lo, c.hi, got, c.want)
		}
	}
}

// TestBlurredSerials reads a part of a held-out box photo (bench/boxsynth
// seed 8, photo 25: modules of 2.6 to 2.8 pixels, blur σ 1.35 and 3 pixels
// of motion, turned 12-14° in perspective) whose two Code 128 codes read
// only on sharpened lines; zbarimg reads them too.
func TestBlurredSerials(t *testing.T) {
	f, err := os.Open("testdata/blurred-serials.jpg")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := ReadImage(f, f.Name())
	if err != nil {
		t.Fatal(err)
	}
	found, err := New(Options{}).Image(img)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range found {
		got = append(got, b.Text)
	}
	for _, want := range []string{"MDSIPNQ1AXFM5M", "MSD-SB-2"} {
		if !slices.Contains(got, want) {
			t.Errorf("read %q, want %q among them", got, want)
		}
	}
	for _, g := range got {
		if g != "MDSIPNQ1AXFM5M" && g != "MSD-SB-2" && g != "007010862178" && g != "0007010862178" {
			t.Errorf("misread %q", g)
		}
	}
}

// TestSharpened moves the samples near a step away from it, as an unsharp
// mask does, and leaves a flat profile flat.
func TestSharpened(t *testing.T) {
	p := make([]float32, 40)
	for i := 20; i < 40; i++ {
		p[i] = 100
	}
	s := sharpened(p, nil, 5, 1)
	if len(s) != len(p) {
		t.Fatalf("%d samples, want %d", len(s), len(p))
	}
	if s[0] != 0 || s[39] != 100 {
		t.Errorf("far from the step: %v and %v, want 0 and 100", s[0], s[39])
	}
	if !(s[19] < 0 && s[20] > 100) {
		t.Errorf("at the step: %v and %v, want under 0 and over 100", s[19], s[20])
	}
	flat := sharpened([]float32{7, 7, 7, 7}, nil, 5, 1)
	if !slices.Equal(flat, []float32{7, 7, 7, 7}) {
		t.Errorf("flat profile sharpened to %v", flat)
	}
}

// fullASCIIOnly tells whether s holds no byte beyond ASCII: what Code 39's
// full-ASCII pairs decode to.
func fullASCIIOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] > 127 {
			return false
		}
	}
	return s != ""
}
