package decode

import (
	"math"

	"github.com/makiuchi-d/gozxing"
)

// A scan line is handed to each of gozxing's 1D readers, and most lines
// of a photo hold no code: every failed attempt costs the reader its scan
// and an exception with a captured stack. Each reader first looks for its
// symbology's start pattern on the line, in its own way; canStart answers,
// from the line's runs computed once, whether that search can succeed, so
// that a reader is called only on lines where it can. The tests here are
// looser than the readers' own (tolerances widened, the first match not
// required to be the one that counts), never stricter: a line skipped is
// one the reader would have failed on. (RSS-14 keeps what it saw between
// lines; readLines calls it on every line after it has read a code.)

// rowRuns are the widths of a binarized row's runs of equal pixels, left
// to right; the first run is dark when dark0 is set. at[i] is where run i
// starts.
type rowRuns struct {
	w     []int
	at    []int
	dark0 bool
}

// runsOf fills rr with the runs of row.
func runsOf(row *gozxing.BitArray, rr *rowRuns) {
	rr.w, rr.at = rr.w[:0], rr.at[:0]
	size := row.GetSize()
	if size == 0 {
		return
	}
	dark := row.Get(0)
	rr.dark0 = dark
	for x := 0; x < size; {
		next := row.GetNextUnset(x)
		if !dark {
			next = row.GetNextSet(x)
		}
		next = min(next, size)
		rr.w = append(rr.w, next-x)
		rr.at = append(rr.at, x)
		x, dark = next, !dark
	}
}

// reverse turns rr into the runs of the row read from its other end.
func (rr *rowRuns) reverse() {
	n := len(rr.w)
	if n == 0 {
		return
	}
	rr.dark0 = (n%2 == 1) == rr.dark0
	for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
		rr.w[i], rr.w[j] = rr.w[j], rr.w[i]
	}
	x := 0
	for i, w := range rr.w {
		rr.at[i] = x
		x += w
	}
}

// firstDark is the index of the first dark run.
func (rr *rowRuns) firstDark() int {
	if rr.dark0 {
		return 0
	}
	return 1
}

// lightBefore is the width of the light run before run k (dark), which
// reaches to the row's start when run k is the first dark one.
func (rr *rowRuns) lightBefore(k int) int {
	if k == 0 {
		return 0
	}
	return rr.w[k-1]
}

func (rr *rowRuns) span(k, n int) int {
	s := 0
	for _, w := range rr.w[k : k+n] {
		s += w
	}
	return s
}

// startKind names the start pattern a reader looks for.
type startKind int

const (
	code128Start startKind = iota // START A, B or C with light before it of half its width
	code39Start                   // the asterisk, with light before it of half its width
	code93Start                   // the asterisk
	upceanStart                   // the 1:1:1 guard with light before it as wide as itself
	itfStart                      // the 1:1:1:1 start with light before it of ten narrow widths, a pair of digits and a stop after it
	codabarStart                  // A, B, C or D with light before it of half its width
	rssFinder                     // a DataBar finder pattern, read either way
)

// Start patterns in modules, dark first.
var (
	code128Starts = [][]int{{2, 1, 1, 4, 1, 2}, {2, 1, 1, 2, 1, 4}, {2, 1, 1, 2, 3, 2}}
	upceanGuard   = []int{1, 1, 1}
	itfGuard      = []int{1, 1, 1, 1}
	// ITF's stop read from its end: a narrow bar, a narrow space and a
	// wide bar, two or three modules wide.
	itfStopWide2 = []int{1, 1, 2}
	itfStopWide3 = []int{1, 1, 3}
	// Codabar's start characters A to D, as their wide (1) and narrow
	// (0) elements, the first element in the highest of seven bits.
	codabarStarts = []int{0b0011010, 0b0101001, 0b0001011, 0b0001110}
)

// canStart tells whether a reader looking for kind's start pattern can find
// one in rr.
func canStart(kind startKind, rr *rowRuns) bool {
	n := len(rr.w)
	switch kind {
	case code128Start:
		// START, a check character and STOP: 19 runs at least.
		for k := rr.firstDark(); k+18 <= n; k += 2 {
			width := rr.span(k, 6)
			if rr.lightBefore(k) < min(rr.at[k], width/2) {
				continue
			}
			for _, p := range code128Starts {
				if fits(rr.w[k:k+6], p, 0.7, 0.25) {
					return true
				}
			}
		}
	case code39Start:
		// The asterisk's wide elements are its second, fifth and
		// seventh: each wider than every narrow one.
		// Two asterisks and the gap between them: 19 runs at least.
		for k := rr.firstDark(); k+18 <= n; k += 2 {
			w := rr.w[k : k+9]
			wide := min(w[1], w[4], w[6])
			if max(w[0], w[2], w[3], w[5], w[7], w[8]) >= wide {
				continue
			}
			if rr.lightBefore(k) >= min(rr.at[k], rr.span(k, 9)/2) {
				return true
			}
		}
	case code93Start:
		// The asterisk is 1, 1, 1, 1, 4, 1 modules of 9; with two check
		// characters, the stop and its bar a code has 25 runs at least.
		// The reader decodes the characters after the asterisk until it
		// meets another: the first two must be characters and not the
		// asterisk, the third a character.
		for k := rr.firstDark(); k+24 <= n; k += 2 {
			w := rr.w[k : k+6]
			m := float64(rr.span(k, 6)) / 9
			ok := float64(w[4]) >= 3.4*m
			for i, v := range w {
				ok = ok && (i == 4 || float64(v) < 1.6*m)
			}
			if ok && code93Chars(rr.w[k+6:]) {
				return true
			}
		}
	case upceanStart:
		// The shortest code, a UPC-E, has 33 runs from its start guard
		// to the end of its end guard, and light after it.
		for k := rr.firstDark(); k+34 <= n; k += 2 {
			width := rr.span(k, 3)
			if rr.at[k] < width || rr.lightBefore(k) < width {
				continue
			}
			if fits(rr.w[k:k+3], upceanGuard, 0.7, 0.48) && upceanDigits(rr.w[k+3:k+19]) && upceanMore(rr, k+19) {
				return true
			}
		}
	case itfStart:
		for k := rr.firstDark(); k+4 <= n; k += 2 {
			if itfStartAt(rr, k) && itfWhole(rr, k) {
				return true
			}
		}
	case codabarStart:
		// A start character is seven elements, followed by at least one
		// more; the first dark run after the row's first light one needs
		// no light before it.
		first := 1
		if rr.dark0 {
			first = 2
		}
		for k := first; k+7 < n; k += 2 {
			if k != first && rr.lightBefore(k) < rr.span(k, 7)/2 {
				continue
			}
			w := rr.w[k : k+7]
			bar := (min(w[0], w[2], w[4], w[6]) + max(w[0], w[2], w[4], w[6])) / 2
			space := (min(w[1], w[3], w[5]) + max(w[1], w[3], w[5])) / 2
			pat := 0
			for i, v := range w {
				t := space
				if i%2 == 0 {
					t = bar
				}
				pat <<= 1
				if v > t {
					pat |= 1
				}
			}
			for _, s := range codabarStarts {
				if pat == s {
					return true
				}
			}
		}
	case rssFinder:
		// Four runs whose first two make about 10 to 12 of the 12 to 14
		// modules, read from either end, the reader's first test; then
		// the run before them (after them, read backwards) and their
		// first three make one of the nine finder patterns, its second.
		for k := 0; k+4 <= n; k++ {
			w := rr.w[k : k+4]
			if k >= 1 && rssFinderLike(w[0]+w[1], w) && rssFinderValue(rr.w[k-1:k+3], false) ||
				k+5 <= n && rssFinderLike(w[2]+w[3], w) && rssFinderValue(rr.w[k+1:k+5], true) {
				return true
			}
		}
	}
	return false
}

// itfStarts tells whether rr holds an ITF start pattern with its quiet
// zone, wherever the rest of the code may be.
func itfStarts(rr *rowRuns) bool {
	for k := rr.firstDark(); k+4 <= len(rr.w); k += 2 {
		if itfStartAt(rr, k) {
			return true
		}
	}
	return false
}

// itfStartAt tells whether the dark run k starts an ITF start pattern, four
// narrow elements, with light before it of ten of them (or to the row's
// start).
func itfStartAt(rr *rowRuns, k int) bool {
	width := rr.span(k, 4)
	return rr.lightBefore(k) >= min(10*(width/4), rr.at[k]) && fits(rr.w[k:k+4], itfGuard, 0.5, 0.38)
}

// itfWhole tells whether gozxing's ITF reader, starting at the start
// pattern at run k, can read a code: the first pair of digits after the
// start is two digits (the reader decodes it whatever follows), and a stop
// pattern (a wide bar, a narrow space, a narrow bar, with light after it
// of ten narrow elements or to the row's end) lies far enough on for the
// three pairs of the shortest code (six digits) to come before it.
func itfWhole(rr *rowRuns, k int) bool {
	n := len(rr.w)
	p := k + 4 // the first pair's first bar
	if p+10 > n {
		return false
	}
	var bars, spaces [5]int
	for i := range 5 {
		bars[i], spaces[i] = rr.w[p+2*i], rr.w[p+2*i+1]
	}
	if !itfPairDigit(bars[:]) || !itfPairDigit(spaces[:]) {
		return false
	}
	narrow := rr.span(k, 4) / 4
	size := rr.at[n-1] + rr.w[n-1]
	// j is the stop's last bar; the reader needs a run before the stop.
	// The pairs are read ten runs at a time while they begin before the
	// stop: the third begins at run p+20.
	for j := n - 1; j >= p+24; j-- {
		if (j%2 == 0) != rr.dark0 {
			continue // a light run
		}
		after := size - rr.at[j] - rr.w[j]
		light := 0
		if j+1 < n {
			light = rr.w[j+1]
		}
		if light < min(10*narrow, after) {
			continue
		}
		stop := []int{rr.w[j], rr.w[j-1], rr.w[j-2]}
		if fits(stop, itfStopWide2, 0.5, 0.38) || fits(stop, itfStopWide3, 0.5, 0.38) {
			return true
		}
	}
	return false
}

// code93Chars tells whether the runs w begin with three Code 93 characters,
// the first two not the asterisk, by gozxing's rounding of each run to
// modules (of the nine in a character): every character is three bars and
// three spaces of one to four modules, nine in all (48 of the 56 such
// patterns are characters, the test takes all 56).
func code93Chars(w []int) bool {
	if len(w) < 18 {
		return false
	}
	for c := range 3 {
		e := w[6*c : 6*c+6]
		sum := 0
		for _, v := range e {
			sum += v
		}
		modules, asterisk := 0, true
		for i, v := range e {
			m := int(float64(v)*9/float64(sum) + 0.5)
			if m < 1 || m > 4 {
				return false
			}
			modules += m
			asterisk = asterisk && m == code93Asterisk[i]
		}
		if modules != 9 || c < 2 && asterisk {
			return false
		}
	}
	return true
}

// code93Asterisk is Code 93's start and stop character in modules.
var code93Asterisk = [6]int{1, 1, 1, 1, 4, 1}

// itfDigitWidths are ITF's digits as five elements, wide ones two modules
// and then three: gozxing's reader matches both.
var itfDigitWidths = func() [][]int {
	var out [][]int
	for _, wide := range []int{2, 3} {
		for _, d := range itfDigits {
			p := make([]int, 5)
			for i := range p {
				p[i] = 1
				if d&(1<<(4-i)) != 0 {
					p[i] = wide
				}
			}
			out = append(out, p)
		}
	}
	return out
}()

// itfPairDigit tells whether five elements may be an ITF digit by
// gozxing's test.
func itfPairDigit(w []int) bool {
	for _, p := range itfDigitWidths {
		if fits(w, p, 0.5, 0.38) {
			return true
		}
	}
	return false
}

// rssFinders are GS1 DataBar's finder patterns, four elements of 14
// modules from the outside in (ISO/IEC 24724).
var rssFinders = [9][4]int{
	{3, 8, 2, 1}, {3, 5, 5, 1}, {3, 3, 7, 1}, {3, 1, 9, 1}, {2, 7, 4, 1},
	{2, 5, 6, 1}, {2, 3, 8, 1}, {1, 5, 7, 1}, {1, 3, 9, 1},
}

// rssFinderValue tells whether four runs (backwards: read from the last)
// may be a finder pattern by gozxing's variance test (0.2 on average, 0.45
// a run), widened a little.
func rssFinderValue(w []int, backwards bool) bool {
	var v [4]int
	copy(v[:], w)
	if backwards {
		v[0], v[1], v[2], v[3] = v[3], v[2], v[1], v[0]
	}
	for _, p := range rssFinders {
		if fits(v[:], p[:], 0.45, 0.2) {
			return true
		}
	}
	return false
}

// rssFinderLike tells whether four runs, two of which make first, may be
// a DataBar finder pattern by gozxing's test, widened a little.
func rssFinderLike(first int, w []int) bool {
	sum := w[0] + w[1] + w[2] + w[3]
	r := float64(first) / float64(sum)
	if r < 9.5/12-0.01 || r > 12.5/14+0.01 {
		return false
	}
	return max(w[0], w[1], w[2], w[3]) < 10*min(w[0], w[1], w[2], w[3])
}

// upceanLeft are the digits of an EAN/UPC's left half, in modules, space
// first: sets A and B (ISO/IEC 15420). EAN-13, UPC-A, EAN-8 and UPC-E all
// begin with four of them after the start guard.
var upceanLeft = func() [][]int {
	var out [][]int
	for _, p := range eanLeft {
		d := make([]int, len(p))
		for i := range p {
			d[i] = int(p[i] - '0')
		}
		out = append(out, d)
	}
	return out
}()

// upceanDigits tells whether the runs w, four to a digit, may be
// left-half digits by gozxing's test.
func upceanDigits(w []int) bool {
	for i := 0; i+4 <= len(w); i += 4 {
		ok := false
		for _, p := range upceanLeft {
			if fits(w[i:i+4], p, 0.7, 0.48) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// upceanMiddle is the EAN/UPC middle guard, light first.
var upceanMiddle = []int{1, 1, 1, 1, 1}

// upceEnd is UPC-E's end guard, light first.
var upceEnd = []int{1, 1, 1, 1, 1, 1}

// upceanMore tells whether, after a start guard and four digits ending at
// run k, the row may hold the rest of one of the codes the EAN/UPC reader
// reads. The reader reads the digits one after another and looks for each
// guard on along the row from where the digits end:
//   - EAN-13 and UPC-A: two more digits, a middle guard, six digits and
//     an end guard;
//   - UPC-E: two more digits and its end guard (six narrow elements);
//   - EAN-8: a middle guard, four digits and an end guard.
func upceanMore(rr *rowRuns, k int) bool {
	n := len(rr.w)
	guardAfter := func(from int, p []int) bool {
		for e := from; e+len(p) <= n; e += 2 {
			if fits(rr.w[e:e+len(p)], p, 0.7, 0.48) {
				return true
			}
		}
		return false
	}
	middleThen := func(from, digits int) bool {
		for m := from; m+5+4*digits <= n; m += 2 {
			if fits(rr.w[m:m+5], upceanMiddle, 0.7, 0.48) && upceanDigits(rr.w[m+5:m+5+4*digits]) &&
				guardAfter(m+5+4*digits, upceanGuard) {
				return true
			}
		}
		return false
	}
	if k+8 <= n && upceanDigits(rr.w[k:k+8]) && (guardAfter(k+8, upceEnd) || middleThen(k+8, 6)) {
		return true
	}
	return middleThen(k, 4)
}

// fits tells whether the runs w may match pattern p (in modules) within the
// tolerances of gozxing's pattern test: no element off by more than indiv
// modules, and the summed differences no more than avg of the total. Both
// are widened a little, so that rounding never makes this test the
// stricter.
func fits(w []int, p []int, indiv, avg float64) bool {
	total, modules := 0, 0
	for i := range w {
		total += w[i]
		modules += p[i]
	}
	unit := float64(total) / float64(modules)
	most := (indiv + 0.05) * unit
	sum := 0.0
	for i, v := range w {
		d := math.Abs(float64(v) - float64(p[i])*unit)
		if d > most {
			return false
		}
		sum += d
	}
	return sum <= (avg+0.02)*float64(total)
}
