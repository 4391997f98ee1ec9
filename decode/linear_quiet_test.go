package decode

import (
	"testing"

	"github.com/serialgate/serialgate"
)

// codeRuns lays out the modules of row 0 of a 1D code drawn by the
// encoder, m pixels a module, between light margins of before and after
// modules.
func codeRuns(t *testing.T, f serialgate.Symbology, text string, m, before, after float64) runs {
	t.Helper()
	bm := encode(t, f, text)
	// The encoders draw their own quiet zones: those are left out.
	first, last := -1, -1
	for i := 0; i < bm.GetWidth(); i++ {
		if bm.Get(i, 0) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	at := before * m
	x := []float64{0, at}
	for i := first + 1; i <= last; i++ {
		if bm.Get(i, 0) != bm.Get(i-1, 0) {
			x = append(x, at+float64(i-first)*m)
		}
	}
	end := at + float64(last+1-first)*m
	x = append(x, end, end+after*m)
	return runs{x: x}
}

// TestEdgeQuiet reads Code 128 and EAN-13 symbols whose light margins are
// 4.5 modules, as tight labels leave them beside a border, and not those
// with 3 (edgeQuiet).
func TestEdgeQuiet(t *testing.T) {
	for _, tc := range []struct {
		f    serialgate.Symbology
		text string
		read func(runs, []lineRead) []lineRead
	}{
		{serialgate.Code128, "PN-F5435586", readCode128},
		{serialgate.EAN13, "4006381333931", readEAN13},
	} {
		for _, q := range [][2]float64{{4.5, 20}, {20, 4.5}, {3, 20}, {20, 3}} {
			got := tc.read(codeRuns(t, tc.f, tc.text, 3, q[0], q[1]), nil)
			want := q[0] > 4 && q[1] > 4
			if ok := len(got) == 1 && got[0].text == tc.text; ok != want {
				t.Errorf("%s with margins of %.1f and %.1f modules: read %v", tc.f, q[0], q[1], got)
			}
		}
	}
}
