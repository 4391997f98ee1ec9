package decode

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/serialgate/serialgate"
)

// blurredProfile draws the modules of row 0 of a 1D code the encoder
// makes, m pixels a module, with Gaussian blur of sigma modules and noise
// of noise grey levels, as a scan line's profile sampled every sampleStep
// pixels (dark 40, light 210).
func blurredProfile(t *testing.T, f serialgate.Symbology, text string, m, sigma, noise float64, seed uint64) []float32 {
	t.Helper()
	bm := encode(t, f, text)
	w := bm.GetWidth()
	const pad = 10 // more light either side, for a quiet zone of 14 modules
	n := int(float64(w+2*pad) * m / sampleStep)
	p := make([]float32, n)
	rng := rand.New(rand.NewPCG(seed, 1))
	s := sigma * m * math.Sqrt2
	for i := range p {
		x := float64(i) * sampleStep
		var dark float64
		for k := range w {
			if !bm.Get(k, 0) {
				continue
			}
			a, b := float64(k+pad)*m, float64(k+pad+1)*m
			dark += 0.5 * (math.Erf((b-x)/s) - math.Erf((a-x)/s))
		}
		p[i] = float32(210 - 170*dark + noise*rng.NormFloat64())
	}
	return p
}

// TestReadEANBlurred reads EAN-13 and UPC-A symbols of 2-pixel modules
// blurred until the edges of their narrow bars are gone (σ of 0.5 to 0.65
// modules, as on the box photos the edge reader missed), with noise.
func TestReadEANBlurred(t *testing.T) {
	for _, tc := range []struct {
		f          serialgate.Symbology
		text, want string
		sym        serialgate.Symbology
	}{
		{serialgate.EAN13, "8828940971813", "8828940971813", serialgate.EAN13},
		{serialgate.EAN13, "4006381333931", "4006381333931", serialgate.EAN13},
		{serialgate.EAN13, "0752050200137", "752050200137", serialgate.UPCA},
	} {
		for _, sigma := range []float64{0.5, 0.6, 0.65} {
			for seed := range uint64(3) {
				p := blurredProfile(t, tc.f, tc.text, 2, sigma, 1.5, seed)
				r, _ := edges(p, sampleStep, nil, nil)
				got := readEANBlurred(p, sampleStep, r, nil)
				if len(got) != 1 || got[0].text != tc.want || got[0].sym != tc.sym {
					t.Errorf("%s σ %.2f seed %d: read %v", tc.text, sigma, seed, got)
				}
			}
		}
	}
}

// TestReadEANBlurredRejects checks that what is not a whole EAN symbol
// reads as nothing: a Code 128 symbol blurred alike, and an EAN-13 whose
// last digit pattern was drawn for another digit (a wrong check digit).
func TestReadEANBlurredRejects(t *testing.T) {
	p := blurredProfile(t, serialgate.Code128, "AC2000000001", 2, 0.65, 4, 1)
	r, _ := edges(p, sampleStep, nil, nil)
	if got := readEANBlurred(p, sampleStep, r, nil); len(got) != 0 {
		t.Errorf("code 128 read as %v", got)
	}
	// 4006381333931 with its check digit's pattern (1, bars 2221) drawn as
	// 7's (1312): the modules of digit 12 rewritten.
	good := blurredProfile(t, serialgate.EAN13, "4006381333931", 2, 0.65, 0, 1)
	bm := encode(t, serialgate.EAN13, "4006381333931")
	first := 0
	for !bm.Get(first, 0) {
		first++
	}
	start := first + 3 + 6*7 + 5 + 5*7 // the last digit's first module
	bad := make([]float32, len(good))
	copy(bad, good)
	p7 := []bool{true, false, false, false, true, true, false} // set C 7: bar 1, space 3, bar 1, space 2
	bm2 := encode(t, serialgate.EAN13, "4006381333931")
	for i, v := range p7 {
		if v {
			bm2.Set(start+i, 0)
		} else {
			bm2.Unset(start+i, 0)
		}
	}
	s := 0.65 * 2 * math.Sqrt2
	for i := range bad {
		x := float64(i) * sampleStep
		var dark float64
		for k := range bm2.GetWidth() {
			if bm2.Get(k, 0) {
				dark += 0.5 * (math.Erf((float64(k+11)*2-x)/s) - math.Erf((float64(k+10)*2-x)/s))
			}
		}
		bad[i] = float32(210 - 170*dark)
	}
	r, _ = edges(good, sampleStep, nil, nil)
	if got := readEANBlurred(good, sampleStep, r, nil); len(got) != 1 || got[0].text != "4006381333931" {
		t.Fatalf("the unaltered symbol read %v", got)
	}
	r, _ = edges(bad, sampleStep, nil, nil)
	if got := readEANBlurred(bad, sampleStep, r, nil); len(got) != 0 {
		t.Errorf("a wrong check digit read as %v", got)
	}
}
