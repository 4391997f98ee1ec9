package decode

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/serialgate/serialgate"
)

// TestEdgeBlurDraws holds the blurred drawings taken from the edge table
// to those computed with erf at every point, for every character and the
// stop pattern at every blur.
func TestEdgeBlurDraws(t *testing.T) {
	for _, s := range blurWidths {
		e := newEdgeBlur(s)
		check := func(name string, n int, bars [][2]float64) {
			got, want := make([]float32, n), make([]float32, n)
			e.draw(got, bars, make([]float64, n))
			drawBlurred(want, bars, s)
			for j := range got {
				if math.Abs(float64(got[j]-want[j])) > 1e-6 {
					t.Fatalf("sigma %.2f %s: sample %d is %v from the table, %v from erf", s, name, j, got[j], want[j])
				}
			}
		}
		for v := range code128Widths {
			check(code128Widths[v], 11*blurRes, append(elementsOf(code128Widths[v], nil), [2]float64{11, 12}))
		}
		check("stop", 13*blurRes, elementsOf(code128Widths[c128Stop]+"2", nil))
	}
}

// drawBlurred fills t with the darkness of bars blurred by a Gaussian of
// sigma s (modules), centred and scaled to unit length.
func drawBlurred(t []float32, bars [][2]float64, s float64) {
	var mean float64
	vals := make([]float64, len(t))
	for j := range t {
		x := (float64(j) + 0.5) / blurRes
		for _, b := range bars {
			vals[j] += 0.5 * (math.Erf((b[1]-x)/(s*math.Sqrt2)) - math.Erf((b[0]-x)/(s*math.Sqrt2)))
		}
		mean += vals[j]
	}
	unitize(t, vals, mean/float64(len(t)))
}

// TestCoveredBy checks which lines of a region a code read elsewhere takes
// from the slow passes: those it lies on, when it spans the region.
func TestCoveredBy(t *testing.T) {
	// A region turned 30°, 200 long across the bars, 60 along them.
	a := math.Pi / 6
	r := region{cx: 300, cy: 200, ux: math.Cos(a), uy: math.Sin(a), halfU: 100, halfV: 30}
	vx, vy := -r.uy, r.ux
	code := func(sym serialgate.Symbology, u0, u1, v0, v1 float64) Barcode {
		var b Barcode
		b.Symbology = sym
		for _, c := range [][2]float64{{u0, v0}, {u1, v0}, {u1, v1}, {u0, v1}} {
			b.Corners = append(b.Corners, Point{X: r.cx + c[0]*r.ux + c[1]*vx, Y: r.cy + c[0]*r.uy + c[1]*vy})
		}
		return b
	}
	near := func(got [][2]float64, want [2]float64) bool {
		return len(got) == 1 && math.Abs(got[0][0]-want[0]) < 1e-9 && math.Abs(got[0][1]-want[1]) < 1e-9
	}
	if got := r.coveredBy([]Barcode{code(serialgate.Code128, -90, 90, -20, 10)}); !near(got, [2]float64{-20 - lineGap, 10 + lineGap}) {
		t.Errorf("a code across the region: covered %v, want [%v %v]", got, -20-lineGap, 10+lineGap)
	}
	for name, b := range map[string]Barcode{
		"narrower than half the region": code(serialgate.Code128, -90, 0, -20, 10),
		"centred beyond the region":     code(serialgate.Code128, -90, 90, 25, 45),
		"a 2D code":                     code(serialgate.QRCode, -90, 90, -20, 10),
		"without corners":               {Barcode: serialgate.Barcode{Symbology: serialgate.Code128}},
	} {
		if got := r.coveredBy([]Barcode{b}); len(got) != 0 {
			t.Errorf("%s: covered %v, want nothing", name, got)
		}
	}
}

// TestSpannedBy checks when a code read elsewhere is taken for the whole of
// a region (its slow passes left out): one reaching across the bars on
// both sides, in the region's direction, on some of its lines.
func TestSpannedBy(t *testing.T) {
	a := math.Pi / 6
	r := region{cx: 300, cy: 200, ux: math.Cos(a), uy: math.Sin(a), halfU: 100, halfV: 30}
	// code has corners at offsets u across and v along r's bars, the
	// first two along the reading direction, turned by turn from r's.
	code := func(sym serialgate.Symbology, u0, u1, v0, v1, turn float64) Barcode {
		ux, uy := math.Cos(a+turn), math.Sin(a+turn)
		vx, vy := -uy, ux
		var b Barcode
		b.Symbology = sym
		for _, c := range [][2]float64{{u0, v0}, {u1, v0}, {u1, v1}, {u0, v1}} {
			b.Corners = append(b.Corners, Point{X: r.cx + c[0]*ux + c[1]*vx, Y: r.cy + c[0]*uy + c[1]*vy})
		}
		return b
	}
	for name, tc := range map[string]struct {
		b    Barcode
		want bool
	}{
		"across, on a few lines":      {code(serialgate.UPCA, -95, 92, -28, -22, 0), true},
		"across, read backwards":      {code(serialgate.UPCA, 92, -95, -28, -22, 0), true},
		"across, turned 10°":          {code(serialgate.Code128, -95, 95, -5, 5, math.Pi/18), true},
		"40 pixels left at one end":   {code(serialgate.Code128, -95, 60, -5, 5, 0), false},
		"40 pixels left at the other": {code(serialgate.Code128, -60, 95, -5, 5, 0), false},
		"30 pixels left each side":    {code(serialgate.Code128, -70, 70, -5, 5, 0), true},
		"a third of the region":       {code(serialgate.Code128, -30, 30, -5, 5, 0), false},
		"turned 40°, long enough":     {code(serialgate.Code128, -130, 130, -5, 5, 2*math.Pi/9), false},
		"along the bars":              {code(serialgate.Code128, -95, 95, -5, 5, math.Pi/2), false},
		"beyond the region's lines":   {code(serialgate.Code128, -95, 95, 35, 45, 0), false},
		"a 2D code":                   {code(serialgate.DataMatrix, -95, 95, -28, 28, 0), false},
		"without corners":             {Barcode{Barcode: serialgate.Barcode{Symbology: serialgate.Code128}}, false},
	} {
		if got := r.spannedBy([]Barcode{tc.b}); got != tc.want {
			t.Errorf("%s: spanned %v, want %v", name, got, tc.want)
		}
	}
}

// TestRefineSame holds the fine start search, which samples each place
// once for all blurs, to a search that samples for each blur on its own,
// in that order: the same fit, size, place, blur and character, on
// random profiles and on a drawn start character.
func TestRefineSame(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sets := blurSets()
	for trial := range 300 {
		p := make([]float32, 400)
		for i := range p {
			p[i] = float32(rng.IntN(256))
		}
		if trial%2 == 0 { // a blurred Start B, dark on light, at 100
			e := newEdgeBlur(0.65)
			d := make([]float32, 11*blurRes)
			e.draw(d, elementsOf(code128Widths[c128StartB], nil), make([]float64, len(d)))
			for j, v := range d {
				p[200+j] = 128 - 100*v // three samples a module: 1.5 px
			}
		}
		l := &blurLine{p: p, step: 0.5}
		cx, cm := 80+rng.Float64()*20, 0.8+rng.Float64()
		if trial%2 == 0 {
			cx, cm = 100+0.2*rng.Float64(), 1.5*(0.97+0.06*rng.Float64())
		}
		got := blurStart{l: l, starts: blurStartChars(), fit: -2}
		got.refine(cx, cm)
		want := blurStart{l: l, starts: blurStartChars(), fit: -2}
		for si := range sets {
			for f := 0.96; f <= 1.041; f += 0.01 {
				for sh := -0.2; sh <= 0.21; sh += 0.1 {
					want.try(cx+sh*cm, cm*f, si)
				}
			}
		}
		if got.fit != want.fit || got.m != want.m || got.x != want.x || got.set != want.set || got.v != want.v {
			t.Fatalf("trial %d: refine found fit %v m %v x %v set %d char %d, the search by blur fit %v m %v x %v set %d char %d",
				trial, got.fit, got.m, got.x, got.set, got.v, want.fit, want.m, want.x, want.set, want.v)
		}
		if trial%2 == 0 && (got.fit < blurMinFit || got.v != c128StartB) {
			t.Fatalf("trial %d: the drawn Start B found as char %d with fit %v", trial, got.v, got.fit)
		}
	}
}

// TestBlurStartChars holds the start characters the start search uses to
// those of the whole sets, bit for bit.
func TestBlurStartChars(t *testing.T) {
	starts, sets := blurStartChars(), blurSets()
	for si := range sets {
		for i := range 3 {
			if starts[si][i] != sets[si].chars[c128StartA+i] {
				t.Errorf("blur %d, start %c: %v, the set's %v", si, 'A'+i, starts[si][i], sets[si].chars[c128StartA+i])
			}
		}
	}
}

// TestReadCode128BlurredPerspective reads blurred Code 128 serials whose
// modules widen or narrow by a fifth from one end to the other, as on a
// label turned away from the camera: each character is read at its own
// module size (blurCharScales), not only at the start's.
func TestReadCode128BlurredPerspective(t *testing.T) {
	for _, text := range []string{"SG2408EQ16402", "WK1723472511", "MDMC8TCQ66187G"} {
		bm := encode(t, serialgate.Code128, text)
		w := bm.GetWidth()
		for _, grow := range []float64{0.2, -0.17} {
			for _, sigma := range []float64{0.5, 0.6} {
				const pad, m0 = 12, 2.2
				// Module k starts at pos(k): sizes from m0 to m0*(1+grow).
				pos := func(k float64) float64 { return m0 * (k + grow*k*k/(2*float64(w+2*pad))) }
				n := int(pos(float64(w+2*pad)) / sampleStep)
				p := make([]float32, n)
				rng := rand.New(rand.NewPCG(uint64(len(text)), 2))
				s := sigma * m0 * (1 + grow/2) * math.Sqrt2
				for i := range p {
					x := float64(i) * sampleStep
					var dark float64
					for k := range w {
						if bm.Get(k, 0) {
							a, b := pos(float64(k+pad)), pos(float64(k+pad+1))
							dark += 0.5 * (math.Erf((b-x)/s) - math.Erf((a-x)/s))
						}
					}
					p[i] = float32(210 - 170*dark + 1.5*rng.NormFloat64())
				}
				r, _ := edges(p, sampleStep, nil, nil)
				got := readCode128Blurred(p, sampleStep, r, nil)
				if len(got) != 1 || got[0].text != text {
					t.Errorf("%s growing %+.2f, σ %.1f modules: read %v", text, grow, sigma, got)
				}
			}
		}
	}
}
