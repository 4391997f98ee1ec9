package decode

import (
	"math"
	"testing"
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
