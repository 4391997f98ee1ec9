package decode

import (
	"math"
	"strconv"

	"github.com/serialgate/serialgate"
)

// runs are the elements of a scan line: the positions of its edges along
// the line, in pixels, with the line's two ends as the first and last.
// Element i lies between edge i and edge i+1; it is dark when i is even
// and dark0 is set, or i is odd and dark0 is not.
type runs struct {
	x     []float64
	dark0 bool
}

func (r runs) n() int                { return len(r.x) - 1 }
func (r runs) w(i int) float64       { return r.x[i+1] - r.x[i] }
func (r runs) dark(i int) bool       { return (i%2 == 0) == r.dark0 }
func (r runs) span(i, j int) float64 { return r.x[j] - r.x[i] } // elements i to j-1
func (r runs) widths(i, k int, out []float64) []float64 {
	out = out[:0]
	for j := i; j < i+k; j++ {
		out = append(out, r.w(j))
	}
	return out
}

// reversed returns the runs read from the line's other end, with
// positions measured from that end.
func (r runs) reversed(buf []float64) runs {
	end := r.x[len(r.x)-1]
	buf = buf[:0]
	for i := len(r.x) - 1; i >= 0; i-- {
		buf = append(buf, end-r.x[i])
	}
	return runs{x: buf, dark0: r.dark(r.n() - 1)}
}

// lineRead is a code read on one scan line: from and to are the positions
// along the line of its first and last bar's outer edges.
type lineRead struct {
	sym      serialgate.Symbology
	text     string
	aim      string
	from, to float64
	module   float64
	reversed bool
}

// quietModules is the light margin, in modules, a code read on a scan line
// needs on either side: the symbologies ask for 10 (Code 128) or 7 to 11
// (EAN/UPC), and labels printed tight still leave about half of that.
// The blurred reading, which fits whole characters, asks for it.
const quietModules = 5

// edgeQuiet is the light margin Code 128 and EAN/UPC symbols read from
// their edges need: labels printed tight put a border or a caption 3 to 5
// modules from the bars (the shared box photos' truth measures 37 codes
// under 6), and the check character, the guards and the fit of every
// character guard against a fragment read as a code. With 5, three Code
// 128 and two UPC-A codes of the shared box photos went unread (one of
// them read by ZXingReader and zbarimg, 4.7 modules from the label's
// border); with 4 they read, and two more on the held-out photos, with no
// misread and no read lost on the sample, box and held-out photos (3
// added nothing).
const edgeQuiet = 4

// pattern is a symbol character's element widths, in modules.
type pattern struct {
	w [6]float64
	k int // elements
}

// patternSet is a symbology's characters, with the most, in modules, by
// which its bars read may be wider (or narrower) than printed without
// counting as a misfit.
type patternSet struct {
	pats    []pattern
	maxGrow float64
}

// patterns turns digit-string widths into patterns.
func patterns(ps []string) []pattern {
	out := make([]pattern, len(ps))
	for i, p := range ps {
		out[i].k = len(p)
		for j := range p {
			out[i].w[j] = float64(p[j] - '0')
		}
	}
	return out
}

// Ink spread and the slope of blurred edges grow the bars by a part of a
// module. EAN digits 1 and 7, and 2 and 8, differ only by a module taken
// from the bars: their growth is held closer.
var (
	c128Patterns = patternSet{patterns(code128Widths[:]), 0.5}
	c128Starts   = patternSet{c128Patterns.pats[c128StartA : c128StartC+1], 0.5}
	eanLeftPats  = patternSet{patterns(eanLeft), 0.35}
	eanRightPats = patternSet{patterns(eanA), 0.35}
)

// fitPattern measures how well the normalized widths n (summing to the
// pattern's modules) fit pattern p: the squared error of the sums of
// neighbouring elements (the edge-to-edge distances, which a uniform
// growth of the bars leaves alone) plus half the squared error of the
// widths once that growth, up to maxGrow, is taken out. firstDark tells whether n[0] is a
// bar. It stops early, returning a value above bound, once the error
// exceeds bound.
func fitPattern(n []float64, p *pattern, firstDark bool, maxGrow, bound float64) float64 {
	var edge float64
	for i := 0; i+1 < len(n); i++ {
		e := n[i] + n[i+1] - p.w[i] - p.w[i+1]
		edge += e * e
	}
	if edge > bound {
		return edge
	}
	var grow float64 // mean excess of the bars' widths over the pattern's
	for i := range n {
		d := n[i] - p.w[i]
		if (i%2 == 0) != firstDark {
			d = -d
		}
		grow += d
	}
	grow = math.Max(-maxGrow, math.Min(maxGrow, grow/float64(len(n))))
	var width float64
	for i := range n {
		d := n[i] - p.w[i]
		if (i%2 == 0) != firstDark {
			d += grow
		} else {
			d -= grow
		}
		width += d * d
	}
	return edge + width/2
}

// bestPattern finds which of pats the widths w fit best; it reports the
// index, the module size and whether the fit is within limit and the next
// best at least margin worse.
func bestPattern(w []float64, modules int, set patternSet, firstDark bool, limit, margin float64) (int, float64, bool) {
	var total float64
	for _, v := range w {
		total += v
	}
	if total <= 0 {
		return 0, 0, false
	}
	var n [8]float64
	for i, v := range w {
		n[i] = v * float64(modules) / total
	}
	best, second := math.Inf(1), math.Inf(1)
	at := -1
	for i := range set.pats {
		c := fitPattern(n[:len(w)], &set.pats[i], firstDark, set.maxGrow, math.Min(second, limit+margin))
		if c < best {
			best, second, at = c, best, i
		} else if c < second {
			second = c
		}
	}
	return at, total / float64(modules), at >= 0 && best <= limit && second-best >= margin
}

// Code 128 fit limits: the error of a symbol character's fit (see
// fitPattern) and how much worse the second best must be.
const (
	c128Limit  = 0.9
	c128Margin = 0.5
)

// readCode128 reads the Code 128 symbols on r, left to right.
func readCode128(r runs, out []lineRead) []lineRead {
	var buf [8]float64
	var values []int
	for k := 1; k+3*6+7 < r.n(); k++ {
		if !r.dark(k) {
			continue
		}
		// A start character, then the quiet zone before it, then whether
		// it is clearly a start character among all.
		w := r.widths(k, 6, buf[:0])
		if _, m, ok := bestPattern(w, 11, c128Starts, true, c128Limit, 0); !ok || r.w(k-1) < edgeQuiet*m {
			continue
		}
		v, m, ok := bestPattern(w, 11, c128Patterns, true, c128Limit, c128Margin)
		if !ok || v < c128StartA || v > c128StartC {
			continue
		}
		values = append(values[:0], v)
		j, prev := k+6, m
		end := -1
		for j+7 <= r.n() {
			v, m, ok := bestPattern(r.widths(j, 6, buf[:0]), 11, c128Patterns, true, c128Limit, c128Margin)
			if !ok || m < prev*0.8 || m > prev*1.25 {
				break
			}
			if v == c128Stop {
				// The stop's last bar, two modules wide, and the quiet zone.
				if bar := r.w(j + 6); bar > 1.2*m && bar < 3.5*m && (j+7 == r.n() || r.w(j+7) >= edgeQuiet*m) {
					end = j + 7
				}
				break
			}
			if v >= c128StartA {
				break
			}
			values = append(values, v)
			j, prev = j+6, m
		}
		text, aim, ok := code128Message(values)
		if end < 0 || !ok {
			continue
		}
		out = append(out, lineRead{sym: serialgate.Code128, text: text, aim: aim,
			from: r.x[k], to: r.x[end], module: r.span(k, end) / float64(11*len(values)+13)})
		k = end
	}
	return out
}

// The EAN/UPC digit patterns: the widths of a left-hand digit of odd
// parity (set A), space first; set B reverses them, and the right-hand
// digits (set C) have set A's widths, bar first (ISO/IEC 15420).
var (
	eanA = []string{"3211", "2221", "2122", "1411", "1132", "1231", "1114", "1312", "1213", "3112"}
	eanB = []string{"1123", "1222", "2212", "1141", "2311", "1321", "4111", "2131", "3121", "2113"}
	// eanLeft is sets A then B, for the left half.
	eanLeft = append(append([]string(nil), eanA...), eanB...)
	// eanFirst gives, for the parities of the left half (bit 5-i set for
	// set B in place i), the EAN-13's first digit, which they encode.
	eanFirst = map[int]byte{0b000000: '0', 0b001011: '1', 0b001101: '2', 0b001110: '3', 0b010011: '4',
		0b011001: '5', 0b011100: '6', 0b010101: '7', 0b010110: '8', 0b011010: '9'}
)

const (
	eanLimit  = 0.7
	eanMargin = 0.4
)

// readEAN13 reads the EAN-13 and UPC-A symbols on r, left to right.
func readEAN13(r runs, out []lineRead) []lineRead {
	var buf [8]float64
	var digits [13]byte
	for k := 1; k+59 < r.n(); k++ {
		if !r.dark(k) {
			continue
		}
		m := r.span(k, k+59) / 95
		if r.w(k-1) < edgeQuiet*m || r.w(k+59) < edgeQuiet*m {
			continue
		}
		if !guard(r, k, 3, m) || !guard(r, k+27, 5, m) || !guard(r, k+56, 3, m) {
			continue
		}
		parity, ok := 0, true
		for i := 0; i < 12 && ok; i++ {
			at := k + 3 + 4*i
			pats, dark := eanLeftPats, false
			if i >= 6 {
				at, pats, dark = at+5, eanRightPats, true
			}
			v, dm, fit := bestPattern(r.widths(at, 4, buf[:0]), 7, pats, dark, eanLimit, eanMargin)
			ok = fit && dm > 0.75*m && dm < 1.33*m
			if v >= 10 {
				parity |= 1 << (5 - i)
				v -= 10
			}
			digits[i+1] = '0' + byte(v)
		}
		first, known := eanFirst[parity]
		if !ok || !known {
			continue
		}
		digits[0] = first
		if !upcCheck(digits[:]) {
			continue
		}
		read := lineRead{sym: serialgate.EAN13, text: string(digits[:]), aim: "]E0", from: r.x[k], to: r.x[k+59], module: m}
		if first == '0' {
			read.sym, read.text = serialgate.UPCA, read.text[1:]
		}
		out = append(out, read)
		k += 58
	}
	return out
}

// guard tells whether the k elements from i are each about one module m.
func guard(r runs, i, k int, m float64) bool {
	for j := i; j < i+k; j++ {
		if w := r.w(j); w < 0.4*m || w > 1.9*m {
			return false
		}
	}
	return true
}

// describe is a lineRead's text for debugging output.
func (l lineRead) String() string {
	return string(l.sym) + " " + strconv.Quote(l.text)
}
