package decode

import (
	"math"
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
			e.draw(got, bars)
			drawBlurred(want, bars, s)
			for j := range got {
				if math.Abs(float64(got[j]-want[j])) > 1e-6 {
					t.Fatalf("sigma %.2f %s: sample %d is %v from the table, %v from erf", s, name, j, got[j], want[j])
				}
			}
		}
		for v := range code128Widths {
			check(code128Widths[v], 11*blurRes, append(elementsOf(code128Widths[v]), [2]float64{11, 12}))
		}
		check("stop", 13*blurRes, elementsOf(code128Widths[c128Stop]+"2"))
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
