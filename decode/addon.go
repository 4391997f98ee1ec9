package decode

import (
	"math"

	"github.com/makiuchi-d/gozxing"

	"github.com/serialgate/serialgate"
)

// EAN/UPC add-ons (EAN-2 and EAN-5, GS1 General Specifications 5.2.2.6)
// sit right of an EAN-13, UPC-A, UPC-E or EAN-8 symbol, 7 to 12 modules
// away: a left guard 1011, then digits of 7 modules each, set with odd (L)
// or even (G) parity and divided by 01 delineators. The parities are the
// check: of the value mod 4 for two digits, of a weighted sum for five.
// Like zxing-cpp, serialgate appends an add-on to the text after a space,
// with the AIM modifier 3 (]E3), except for EAN-8, which keeps ]E4.

// addOnL gives the widths of the four elements (space, bar, space, bar) of
// each digit in odd parity; even parity is the same widths reversed.
var addOnL = [10][4]int{
	{3, 2, 1, 1}, {2, 2, 2, 1}, {2, 1, 2, 2}, {1, 4, 1, 1}, {1, 1, 3, 2},
	{1, 2, 3, 1}, {1, 1, 1, 4}, {1, 3, 1, 2}, {1, 2, 1, 3}, {3, 1, 1, 2},
}

// addOn5Parity is, for each check value, the parities of the five digits
// (bit 4 for the first digit, set for even parity).
var addOn5Parity = [10]int{0b11000, 0b10100, 0b10010, 0b10001, 0b01100, 0b00110, 0b00011, 0b01010, 0b01001, 0b00101}

// readAddOn reads the add-on right of the EAN/UPC symbol b, read on row,
// or returns "". It requires the gap before the add-on and the quiet zone
// after it to be light, every element to have a fitting width, and the
// parities to match the digits. guard and end are the x of the centre of
// the add-on's guard and of its end, for the code's outline.
func readAddOn(row *gozxing.BitArray, b Barcode) (addOn string, guard, end float64) {
	var span, tail float64 // modules between the guards' centres; from the right guard's centre to the symbol's end
	switch b.Symbology {
	case serialgate.EAN13, serialgate.UPCA:
		span, tail = 92, 1.5
	case serialgate.EAN8:
		span, tail = 64, 1.5
	case serialgate.UPCE:
		span, tail = 46.5, 3
	default:
		return "", 0, 0
	}
	if len(b.Corners) < 2 || b.Corners[1].X <= b.Corners[0].X {
		return "", 0, 0
	}
	m := (b.Corners[1].X - b.Corners[0].X) / span
	last := b.Corners[1].X + tail*m
	size := row.GetSize()
	// The add-on's first bar, 7 to 12 modules on (a little more or less for
	// print growth and blur), with only light before it.
	from := int(math.Ceil(last + 1))
	start := row.GetNextSet(from)
	if start >= size || float64(start) < last+5.5*m || float64(start) > last+13.5*m {
		return "", 0, 0
	}
	runs := runLengths(row, start, 4+5*4+4*2+1)
	for _, digits := range []int{5, 2} {
		if s, ok := decodeAddOn(runs, digits, m); ok {
			width := 0
			for _, r := range runs[:3+digits*4+(digits-1)*2] {
				width += r
			}
			return s, float64(start) + float64(runs[0]+runs[1]+runs[2])/2, float64(start + width)
		}
	}
	return "", 0, 0
}

// runLengths returns up to n widths of alternating bars and spaces from x,
// which starts a bar; the last may be cut by the row's end.
func runLengths(row *gozxing.BitArray, x, n int) []int {
	size := row.GetSize()
	var out []int
	for len(out) < n && x < size {
		var next int
		if row.Get(x) {
			next = row.GetNextUnset(x)
		} else {
			next = row.GetNextSet(x)
		}
		out = append(out, next-x)
		x = next
	}
	return out
}

// decodeAddOn reads an add-on of digits digits from runs, which begin at
// its guard's first bar; m is the main symbol's module width.
func decodeAddOn(runs []int, digits int, m float64) (string, bool) {
	elems := 3 + digits*4 + (digits-1)*2 // guard bar-space-bar, digits, delineators
	if len(runs) < elems+1 {
		return "", false
	}
	width := 0
	for _, r := range runs[:elems] {
		width += r
	}
	modules := 4 + 7*digits + 2*(digits-1)
	am := float64(width) / float64(modules) // the add-on's own module width
	if am < 0.75*m || am > 1.33*m {
		return "", false
	}
	near := func(w int, want float64) bool { return math.Abs(float64(w)-want*am) <= 0.6*am+0.5 }
	if !near(runs[0], 1) || !near(runs[1], 1) || !near(runs[2], 2) {
		return "", false
	}
	// The quiet zone: five modules of light after the last bar.
	if float64(runs[elems]) < 5*am {
		return "", false
	}
	out := make([]byte, digits)
	parity := 0
	pos := 3
	for i := range digits {
		if i > 0 {
			if !near(runs[pos], 1) || !near(runs[pos+1], 1) {
				return "", false
			}
			pos += 2
		}
		d, even, ok := addOnDigit(runs[pos:pos+4], am)
		if !ok {
			return "", false
		}
		out[i] = '0' + byte(d)
		parity = parity<<1 | b2i(even)
		pos += 4
	}
	if digits == 2 {
		v := int(out[0]-'0')*10 + int(out[1]-'0')
		if parity != v%4 { // LL, LG, GL, GG for 0 to 3
			return "", false
		}
		return string(out), true
	}
	sum := 0
	for i, c := range out {
		w := 3
		if i%2 == 1 {
			w = 9
		}
		sum += w * int(c-'0')
	}
	if parity != addOn5Parity[sum%10] {
		return "", false
	}
	return string(out), true
}

// addOnDigit matches four element widths against the digits in both
// parities and returns the one that fits, if it fits well enough.
func addOnDigit(w []int, am float64) (digit int, even, ok bool) {
	total := w[0] + w[1] + w[2] + w[3]
	if float64(total) < 5*am || float64(total) > 9*am {
		return 0, false, false
	}
	unit := float64(total) / 7
	best, second := math.Inf(1), math.Inf(1)
	for d, l := range addOnL {
		for _, ev := range []bool{false, true} {
			var diff float64
			for i := range 4 {
				want := l[i]
				if ev {
					want = l[3-i]
				}
				diff += math.Abs(float64(w[i])/unit - float64(want))
			}
			if diff < best {
				second, best = best, diff
				digit, even = d, ev
			} else if diff < second {
				second = diff
			}
		}
	}
	// Clearly the best, and close to it.
	return digit, even, best < 1.5 && second-best > 0.5
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// addOnVotes gathers, for one code, the scan lines that read each add-on.
type addOnVotes map[string]map[int]bool

func (v addOnVotes) add(addOn string, y int) {
	if addOn == "" {
		return
	}
	if v[addOn] == nil {
		v[addOn] = map[int]bool{}
	}
	v[addOn][y] = true
}

// apply adds the add-on most scan lines read to b, if at least need lines
// read it and it has three times the lines of any other: a wrong add-on is
// worse than none.
func (v addOnVotes) apply(b Barcode, need int) Barcode {
	best, n, second := "", 0, 0
	for a, lines := range v {
		switch {
		case len(lines) > n || (len(lines) == n && a < best):
			second = max(second, n)
			best, n = a, len(lines)
		default:
			second = max(second, len(lines))
		}
	}
	if n < need || n < 3*second {
		return b
	}
	b.Text += " " + best
	if b.Symbology != serialgate.EAN8 {
		b.AIM = "]E3"
	}
	return b
}
