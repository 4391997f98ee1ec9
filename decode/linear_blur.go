package decode

import (
	"math"
	"sync"

	"github.com/serialgate/serialgate"
)

// Blurred Code 128. Where a camera's blur is as wide as a module, a narrow
// bar beside a narrow space fades to an even gray with no edge left to
// find, and reading widths fails. The symbol characters can still be told
// apart by the shape of the whole profile: each is compared, at the module
// size found from its start character, with every character's bars as the
// blur would draw them, and the one that correlates best is taken. The
// check character, the stop pattern and the votes of several lines keep
// out what is not there.

const (
	blurRes = 3 // profile samples per module compared
	// blurMinFit is the least correlation of a character with its blurred
	// drawing, and blurGap how much better than the next character it must
	// fit.
	blurMinFit = 0.8
	blurGap    = 0.03
)

// blurCharScales are the module sizes each character after the start is
// compared at, as factors of the one before it. A label turned away from
// the camera has modules a fifth wider at one end of a serial than at the
// other: followed from the start's alone, the characters' fits fell from
// 0.99 to under 0.8 by the tenth (bench/boxsynth seeds 10-13, blurred to
// half a module and more).
var blurCharScales = [...]float64{1, 0.97, 1.03}

// blurWidths are the blurs drawn, as Gaussian sigmas in modules.
var blurWidths = [...]float64{0.45, 0.65, 0.85}

// blurSet is every Code 128 character drawn with one blur: for each, the
// darkness at blurRes points per module, less its mean and scaled to unit
// length, so that a dot product with a profile is its correlation (once
// divided by the profile's spread).
type blurSet struct {
	chars [107][11 * blurRes]float32
	stop  [13 * blurRes]float32 // the stop with its final bar, before the quiet zone
}

var blurSets = sync.OnceValue(func() []blurSet {
	out := make([]blurSet, len(blurWidths))
	var bars [][2]float64
	vals := make([]float64, len(out[0].stop))
	for si, s := range blurWidths {
		e := newEdgeBlur(s)
		for v := range code128Widths {
			bars = append(elementsOf(code128Widths[v], bars[:0]), [2]float64{11, 12}) // the next character starts with a bar
			e.draw(out[si].chars[v][:], bars, vals)
		}
		e.draw(out[si].stop[:], elementsOf(code128Widths[c128Stop]+"2", bars[:0]), vals)
	}
	return out
})

// blurStartChars are Code 128's three start characters drawn as blurSets
// draws them, for each blur: all the search for a start needs. Most lines
// the blurred reading takes show no start, and the whole sets are drawn
// only once one does (a quarter of a millisecond, once a process).
var blurStartChars = sync.OnceValue(func() [][3][11 * blurRes]float32 {
	out := make([][3][11 * blurRes]float32, len(blurWidths))
	var bars [][2]float64
	vals := make([]float64, 11*blurRes)
	for si, s := range blurWidths {
		e := newEdgeBlur(s)
		for i := range out[si] {
			bars = append(elementsOf(code128Widths[c128StartA+i], bars[:0]), [2]float64{11, 12})
			e.draw(out[si][i][:], bars, vals)
		}
	}
	return out
})

// edgeBlur is how an edge at a whole module blurs, seen from the sample
// points, which lie at (j+0.5)/blurRes modules: erf[k+edgeSpan] is the
// Gaussian's integral up to the distance (k-0.5)/blurRes between an edge
// and a point, over its whole, less a half (erf scaled). The drawings
// take their values from it instead of computing erf for every point and
// bar, which cost the process 2 ms at its first blurred line.
type edgeBlur struct {
	erf [2*edgeSpan + 1]float64
}

// edgeSpan is the farthest an edge lies from a sample point, in samples:
// the stop pattern with its final bar is 13 modules.
const edgeSpan = 13 * blurRes

func newEdgeBlur(s float64) *edgeBlur {
	e := &edgeBlur{}
	for k := -edgeSpan; k <= edgeSpan; k++ {
		e.erf[k+edgeSpan] = math.Erf((float64(k) - 0.5) / blurRes / (s * math.Sqrt2))
	}
	return e
}

// draw fills t with the darkness of bars, whose ends are whole modules,
// blurred, centred and scaled to unit length. vals is scratch space as long
// as t at least.
func (e *edgeBlur) draw(t []float32, bars [][2]float64, vals []float64) {
	vals = vals[:len(t)]
	unitize(t, vals, e.darkness(vals, bars)/float64(len(t)))
}

// darkness sets vals to the darkness of bars, blurred, at the sample
// points, and returns their sum. The bars' ends lie within edgeSpan
// samples of every point.
func (e *edgeBlur) darkness(vals []float64, bars [][2]float64) float64 {
	var sum float64
	clear(vals)
	for j := range vals {
		for _, b := range bars {
			k0, k1 := int(b[0])*blurRes-j, int(b[1])*blurRes-j
			vals[j] += 0.5 * (e.erf[k1+edgeSpan] - e.erf[k0+edgeSpan])
		}
		sum += vals[j]
	}
	return sum
}

// elementsOf appends to bars the bars of a pattern of digit widths as
// intervals in modules.
func elementsOf(p string, bars [][2]float64) [][2]float64 {
	at := 0.0
	for i := range p {
		w := float64(p[i] - '0')
		if i%2 == 0 {
			bars = append(bars, [2]float64{at, at + w})
		}
		at += w
	}
	return bars
}

// unitize sets t to vals less their mean, scaled to unit length.
func unitize(t []float32, vals []float64, mean float64) {
	var norm float64
	for _, v := range vals {
		norm += (v - mean) * (v - mean)
	}
	norm = math.Sqrt(norm)
	for j := range t {
		t[j] = float32((vals[j] - mean) / norm)
	}
}

// blurLine is a profile being read: samples every step pixels.
type blurLine struct {
	p    []float32
	step float64
	buf  [13 * blurRes]float32
}

// sample takes k values at blurRes points per module of size m from x
// (pixels), and returns them with their spread (the length of the values
// less their mean); false when the points leave the profile.
func (l *blurLine) sample(x, m float64, k int) ([]float32, float32, bool) {
	o := l.buf[:k]
	df := m / blurRes / l.step
	f := x/l.step + df/2
	if f < 0 || int(f+float64(k-1)*df)+1 >= len(l.p) {
		return nil, 0, false
	}
	var sum float32
	for j := range o {
		i := int(f)
		a := float32(f - float64(i))
		o[j] = l.p[i] + a*(l.p[i+1]-l.p[i])
		sum += o[j]
		f += df
	}
	mean := sum / float32(k)
	var ss float32
	for _, v := range o {
		ss += (v - mean) * (v - mean)
	}
	return o, float32(math.Sqrt(float64(ss))), ss > 0
}

// fit is the correlation of darkness t with the profile o of spread s.
func fit(o, t []float32, s float32) float32 {
	var dot float32
	for j := range t {
		dot += o[j] * t[j]
	}
	return -dot / s // dark is low in the profile
}

// readCode128Blurred reads the Code 128 symbols of profile p (samples every
// step pixels), starting where r, the profile's edges, has a bar after a
// light run.
func readCode128Blurred(p []float32, step float64, r runs, out []lineRead) []lineRead {
	l := &blurLine{p: p, step: step}
	for k := 1; k+6 < r.n(); k++ {
		if !r.dark(k) {
			continue
		}
		// The first bar of a start character is two modules wide; blur
		// and merged neighbours make its measure rough.
		m0 := r.w(k) / 2
		if m0 < 0.6 || r.w(k-1) < 4*m0 || k+3 > r.n() || r.x[k+3] > r.x[k]+16*m0 {
			continue // no start character: too few edges after the bar
		}
		// The start character, its module size, alignment and the blur:
		// coarsely with the middle blur, then finely around the best.
		st := blurStart{l: l, starts: blurStartChars()}
		for m := 0.45 * m0; m <= 1.4*m0; m *= 1.04 {
			for sh := -0.3; sh <= 0.31; sh += 0.3 {
				st.try(r.x[k]+sh*m, m, 1)
			}
		}
		if st.fit < blurMinFit-0.1 {
			continue
		}
		st.refine(st.x, st.m)
		bestFit, bestM, bestX, bestSet, bestV := st.fit, st.m, st.x, st.set, st.v
		if bestFit < blurMinFit || bestM < 1 {
			continue
		}
		m := bestM
		if !quietBefore(l, bestX, m) {
			continue
		}
		set := &blurSets()[bestSet]
		values := []int{bestV}
		x := bestX + 11*m
		end := -1.0
		for len(values) < 80 {
			bf, bv, bx, bm := float32(-2), -1, 0.0, m
			second := float32(-2)
			for _, sc := range blurCharScales {
				for sh := -0.3; sh <= 0.31; sh += 0.15 {
					o, s, ok := l.sample(x+sh*m, m*sc, 11*blurRes)
					if !ok {
						continue
					}
					// The best and second-best characters at this
					// alignment and module size.
					b1, b2, v1 := float32(-2), float32(-2), -1
					for v := range set.chars {
						f := fit(o, set.chars[v][:], s)
						if f > b1 {
							b1, b2, v1 = f, b1, v
						} else if f > b2 {
							b2 = f
						}
					}
					if b1 > bf {
						bf, bv, bx, bm, second = b1, v1, x+sh*m, m*sc, b2
					}
				}
			}
			if bv < 0 || bf < blurMinFit || bf-second < blurGap {
				break
			}
			if bv == c128Stop {
				o, s, ok := l.sample(bx, m, 13*blurRes)
				if ok && fit(o, set.stop[:], s) >= blurMinFit && quietAfter(l, bx+13*m, m) {
					end = bx + 13*m
				}
				break
			}
			if bv >= c128StartA {
				break
			}
			// Follow the module size where perspective changes it along
			// the code: the character's own.
			m = bm
			values = append(values, bv)
			x = bx + 11*m
		}
		text, aim, ok := code128Message(values)
		if end < 0 || !ok {
			continue
		}
		out = append(out, lineRead{sym: serialgate.Code128, text: text, aim: aim, from: bestX, to: end, module: m})
		for k < r.n() && r.x[k] < end {
			k++
		}
	}
	return out
}

// The fine search's module sizes and shifts (in modules), as factors of
// the coarse search's best: nine sizes 1% apart, five shifts a tenth
// apart.
var fineScales, fineShifts = fineGrid()

func fineGrid() (fs [9]float64, shs [5]float64) {
	i := 0
	for f := 0.96; f <= 1.041; f += 0.01 {
		fs[i] = f
		i++
	}
	i = 0
	for sh := -0.2; sh <= 0.21; sh += 0.1 {
		shs[i] = sh
		i++
	}
	return fs, shs
}

// refine searches finely around module size cm at cx, with every blur.
// A place's samples serve all the blurs, taken once; the best is then
// chosen in the order of one search per blur (blurs, then sizes, then
// shifts), so that of equal fits the same one wins as when each blur
// sampled for itself.
func (st *blurStart) refine(cx, cm float64) {
	var fits [len(fineScales)][len(fineShifts)][len(blurWidths)][3]float32
	var ok [len(fineScales)][len(fineShifts)]bool
	for fi, f := range fineScales {
		for shi, sh := range fineShifts {
			o, s, good := st.l.sample(cx+sh*cm, cm*f, 11*blurRes)
			if !good {
				continue
			}
			ok[fi][shi] = true
			for si := range st.starts {
				fits[fi][shi][si] = st.startFits(o, s, si)
			}
		}
	}
	for si := range st.starts {
		for fi, f := range fineScales {
			for shi, sh := range fineShifts {
				if !ok[fi][shi] {
					continue
				}
				for i, fit := range fits[fi][shi][si] {
					if fit > st.fit {
						st.fit, st.m, st.x, st.set, st.v = fit, cm*f, cx+sh*cm, si, c128StartA+i
					}
				}
			}
		}
	}
}

// blurStart searches for a start character's alignment, module size
// and blur.
type blurStart struct {
	l      *blurLine
	starts [][3][11 * blurRes]float32 // blurStartChars
	fit    float32
	m, x   float64
	set, v int
}

func (st *blurStart) try(x, m float64, si int) {
	o, s, ok := st.l.sample(x, m, 11*blurRes)
	if !ok {
		return
	}
	for i, f := range st.startFits(o, s, si) {
		if f > st.fit {
			st.fit, st.m, st.x, st.set, st.v = f, m, x, si, c128StartA+i
		}
	}
}

// startFits returns the correlations of samples o, of spread s, with the
// three start characters drawn with blur si, in one pass over o, each
// summed in the same order as fit sums it.
func (st *blurStart) startFits(o []float32, s float32, si int) [3]float32 {
	cs := &st.starts[si]
	ta, tb, tc := cs[0][:len(o)], cs[1][:len(o)], cs[2][:len(o)]
	var da, db, dc float32
	for j, v := range o {
		da += v * ta[j]
		db += v * tb[j]
		dc += v * tc[j]
	}
	return [3]float32{-da / s, -db / s, -dc / s}
}

// quietBefore tells whether the profile is light for quietModules before
// x: no sample darker than the middle of the code's first modules.
func quietBefore(l *blurLine, x, m float64) bool {
	return quiet(l, x-quietModules*m, x-0.5*m, x, m)
}

func quietAfter(l *blurLine, x, m float64) bool {
	return quiet(l, x+0.5*m, x+quietModules*m, x-2*m, m)
}

// quiet tells whether the profile between from and to (pixels) is lighter
// throughout than the middle between the lightest sample there and the
// darkest of the two modules from bar.
func quiet(l *blurLine, from, to, bar, m float64) bool {
	i0, i1 := int(math.Ceil(from/l.step)), int(to/l.step)
	b0, b1 := int(bar/l.step), int((bar+2*m)/l.step)
	if i0 < 0 || i1 >= len(l.p) || b0 < 0 || b1 >= len(l.p) || i1 <= i0 {
		return i0 < 0 || i1 >= len(l.p) // the line's end: given the benefit of the doubt
	}
	dark := l.p[b0]
	for _, v := range l.p[b0 : b1+1] {
		dark = min(dark, v)
	}
	light, lo := l.p[i0], l.p[i0]
	for _, v := range l.p[i0 : i1+1] {
		light, lo = max(light, v), min(lo, v)
	}
	return lo > (light+dark)/2
}
