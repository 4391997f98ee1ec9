package decode

import (
	"math"
	"sync"

	"github.com/serialgate/serialgate"
)

// Blurred EAN-13 and UPC-A, read as blurred Code 128 is (linear_blur.go):
// where the blur is as wide as a module, the edges of the narrow bars are
// gone, but the symbol's two outer edges, against its quiet zones, stay
// sharp enough to find. They give the module size (the symbol is 95
// modules); the three guard patterns, drawn blurred, fix the alignment,
// the scale and the blur; then each digit is the pattern whose blurred
// drawing correlates best with its seven modules. Every digit's
// neighbours are known: a left-hand digit starts with a space and ends
// with a bar, as the start guard before the first ends with a bar and the
// centre guard after the last starts with a space; the right-hand digits
// the other way round. So each drawing includes the neighbouring module.
// The parities of the left half, the check digit and the votes of two
// lines keep out what is not there.

// The symbol's width in modules; the least correlation of the three
// guards together; how much better a digit's best pattern must fit than
// the next; the guards' drawing, in modules.
const (
	eanModules    = 95
	eanGuardFit   = 0.8
	eanDigitGap   = 0.05
	eanGuardWidth = 3 + 5 + 3
)

// eanBlurSet is the EAN patterns drawn with one blur: the left-hand
// digits (set A, then set B), the right-hand ones (set C), and the three
// guards with a module either side, as one drawing.
type eanBlurSet struct {
	left   [20][7 * blurRes]float32
	right  [10][7 * blurRes]float32
	guards [eanGuardWidth * blurRes]float32
}

var eanBlurSets = sync.OnceValue(func() []eanBlurSet {
	out := make([]eanBlurSet, len(blurWidths))
	vals := make([]float64, eanGuardWidth*blurRes)
	for si, s := range blurWidths {
		e := newEdgeBlur(s)
		for d, p := range eanLeft {
			// The bar before (the guard's or the last digit's), then the
			// pattern, space first: after a bar of no width.
			bars := elementsOf("0"+p, [][2]float64{{-1, 0}})
			e.draw(out[si].left[d][:], bars, vals)
		}
		for d, p := range eanA {
			// Bar first, then the next digit's or the guard's bar.
			bars := append(elementsOf(p, nil), [2]float64{7, 8})
			e.draw(out[si].right[d][:], bars, vals)
		}
		out[si].guards = eanGuards(e, vals)
	}
	return out
})

// eanGuards draws the three guards as guardSamples samples them, each
// window on its own, the three centred and scaled together. A window holds
// a guard's modules alone; the modules either side are known (the quiet
// zones, a left-hand digit's first space and last bar, a right-hand
// digit's first bar and last space) and drawn too, blurred into it.
func eanGuards(e *edgeBlur, vals []float64) [eanGuardWidth * blurRes]float32 {
	var t [eanGuardWidth * blurRes]float32
	windows := [3][][2]float64{
		{{0, 1}, {2, 3}},                  // modules 0..2: 101
		{{-1, 0}, {1, 2}, {3, 4}, {5, 6}}, // modules 45..49: 01010, between bars
		{{0, 1}, {2, 3}},                  // modules 92..94: 101
	}
	var sum float64
	n := 0
	for i, bars := range windows {
		k := eanGuardWindows[i][1] * blurRes
		sum += e.darkness(vals[n:n+k], bars)
		n += k
	}
	unitize(t[:], vals[:n], sum/float64(n))
	return t
}

// eanGuardWindows are the symbol modules where the guards start, and their
// lengths in modules.
var eanGuardWindows = [3][2]int{{0, 3}, {45, 5}, {92, 3}}

// guardSamples fills o with the profile under the three guard windows of a
// symbol starting at x with modules of m pixels; it returns their spread.
func (l *blurLine) guardSamples(o []float32, x, m float64) (float32, bool) {
	n := 0
	for _, w := range eanGuardWindows {
		s, _, ok := l.sample(x+float64(w[0])*m, m, w[1]*blurRes)
		if !ok {
			return 0, false
		}
		n += copy(o[n:], s)
	}
	return centre(o), true
}

// centre takes its mean from o and returns its spread.
func centre(o []float32) float32 {
	var sum float32
	for _, v := range o {
		sum += v
	}
	mean := sum / float32(len(o))
	var ss float32
	for i := range o {
		o[i] -= mean
		ss += o[i] * o[i]
	}
	return float32(math.Sqrt(float64(ss)))
}

// readEANBlurred reads the EAN-13 and UPC-A symbols of profile p (samples
// every step pixels) whose outer edges r, the profile's edges, shows.
func readEANBlurred(p []float32, step float64, r runs, out []lineRead) []lineRead {
	l := &blurLine{p: p, step: step}
	var sets []eanBlurSet
	var o [eanGuardWidth * blurRes]float32
	for k := 1; k < r.n()-1; k++ {
		if !r.dark(k) {
			continue
		}
		for j := k + 14; j < r.n()-1 && j <= k+58; j += 2 {
			m := r.span(k, j+1) / eanModules
			if m < 1 || r.w(k-1) < edgeQuiet*m || r.w(j+1) < edgeQuiet*m {
				continue
			}
			if sets == nil {
				sets = eanBlurSets()
			}
			// The guards: alignment, scale and blur, coarsely, then
			// finely where they nearly fit (most candidates are parts of
			// other codes, and leave at the coarse search).
			best, bx, bm, bs := float32(-2), 0.0, 0.0, 0
			guards := func(x, mm float64) {
				s, ok := l.guardSamples(o[:], x, mm)
				if !ok || s == 0 {
					return
				}
				for si := range sets {
					if c := fit(o[:], sets[si].guards[:], s); c > best {
						best, bx, bm, bs = c, x, mm, si
					}
				}
			}
			// The outer edges, each placed within a quarter module under
			// blur, give the module size within half a percent: a
			// quarter of a percent is a quarter module at the end guard.
			for _, f := range [...]float64{0.995, 1.005} {
				for sh := -0.3; sh <= 0.31; sh += 0.3 {
					guards(r.x[k]+sh*m, m*f)
				}
			}
			if best < eanGuardFit-0.2 {
				continue
			}
			for f := 0.99; f <= 1.0101; f += 0.0025 {
				for sh := -0.4; sh <= 0.41; sh += 0.1 {
					guards(r.x[k]+sh*m, m*f)
				}
			}
			if best < eanGuardFit {
				continue
			}
			if text, ok := eanDigitsBlurred(l, &sets[bs], bx, bm); ok {
				read := lineRead{sym: serialgate.EAN13, text: text, aim: "]E0", from: bx, to: bx + eanModules*bm, module: bm}
				if text[0] == '0' {
					read.sym, read.text = serialgate.UPCA, text[1:]
				}
				out = append(out, read)
				k = j
				break
			}
		}
	}
	return out
}

// eanDigitsBlurred reads the twelve digits of a symbol starting at x with
// modules of m pixels, each at the shift within a fifth of a module that
// fits best, and checks the parities and the check digit.
func eanDigitsBlurred(l *blurLine, set *eanBlurSet, x, m float64) (string, bool) {
	var digits [13]byte
	parity := 0
	for i := range 12 {
		at := x + float64(3+7*i)*m
		pats := set.left[:]
		if i >= 6 {
			at += 5 * m
			pats = set.right[:]
		}
		var fits [20]float32 // each pattern's best over the shifts
		for v := range fits {
			fits[v] = -2
		}
		for sh := -0.2; sh <= 0.21; sh += 0.1 {
			o, s, ok := l.sample(at+sh*m, m, 7*blurRes)
			if !ok {
				return "", false
			}
			for v := range pats {
				fits[v] = max(fits[v], fit(o, pats[v][:], s))
			}
		}
		b1, b2, v1 := float32(-2), float32(-2), -1
		for v, f := range fits[:len(pats)] {
			if f > b1 {
				b1, b2, v1 = f, b1, v
			} else if f > b2 {
				b2 = f
			}
		}
		if b1 < blurMinFit || b1-b2 < eanDigitGap {
			return "", false
		}
		if v1 >= 10 {
			parity |= 1 << (5 - i)
			v1 -= 10
		}
		digits[i+1] = '0' + byte(v1)
	}
	first, ok := eanFirst[parity]
	if !ok {
		return "", false
	}
	digits[0] = first
	if !upcCheck(digits[:]) {
		return "", false
	}
	return string(digits[:]), true
}
