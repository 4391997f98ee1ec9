package decode

import "github.com/serialgate/serialgate"

// Code 39 (ISO/IEC 16388) on a scan line: each character is five bars and
// the four spaces between them, three of the nine wide, and characters
// are parted by a narrow space (the gap). A symbol is the start character
// "*", the data and "*" again, with a quiet zone on either side. Printers
// make the wide elements two to three times the narrow ones; ink spread
// widens every bar and narrows every space, so that a narrow bar can be as
// wide as a wide space. Bars and spaces are therefore told wide or narrow
// each among their own kind: a character has two wide bars and one wide
// space, or (for $ / + %) no wide bar and three wide spaces.
//
// Code 39 has no mandatory check character: each character is held to
// its shape (the wide clearly apart from the narrow, in a ratio a printer
// could have made, at the width the characters before it had), and the
// region reader asks three lines to agree (unchecked).

// c39Chars are the characters in the order of c39Wide.
const c39Chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%*"

// c39Wide gives, for each character of c39Chars, which of its nine
// elements are wide: bit 8-i for element i, bar first.
var c39Wide = [44]uint16{
	0b000110100, 0b100100001, 0b001100001, 0b101100000, 0b000110001,
	0b100110000, 0b001110000, 0b000100101, 0b100100100, 0b001100100,
	0b100001001, 0b001001001, 0b101001000, 0b000011001, 0b100011000,
	0b001011000, 0b000001101, 0b100001100, 0b001001100, 0b000011100,
	0b100000011, 0b001000011, 0b101000010, 0b000010011, 0b100010010,
	0b001010010, 0b000000111, 0b100000110, 0b001000110, 0b000010110,
	0b110000001, 0b011000001, 0b111000000, 0b010010001, 0b110010000,
	0b011010000, 0b010000101, 0b110000100, 0b011000100, 0b010101000,
	0b010100010, 0b010001010, 0b000101010, 0b010010100,
}

// c39Char maps a wide-element pattern to its character.
var c39Char = func() map[uint16]byte {
	m := make(map[uint16]byte, len(c39Wide))
	for i, p := range c39Wide {
		m[p] = c39Chars[i]
	}
	return m
}()

// Code 39 limits: the quiet zone in narrow elements (the symbology asks
// for ten; labels printed tight leave about half); the wide-to-narrow
// ratios allowed (2 to 3 printed, spread by photos); how much wider the
// narrowest wide element of a kind must be than its widest narrow one; the
// widest gap between characters, in narrow elements; and the data
// characters a symbol may have.
const (
	c39Quiet    = 5
	c39MinRatio = 1.7
	c39MaxRatio = 3.6
	c39Split    = 1.35
	c39MaxGap   = 3.5
	c39MinChars = 1
	c39MaxChars = 48
)

// c39Widths are the running widths of a symbol's narrow and wide bars and
// spaces, which the characters read so far set.
type c39Widths struct{ nb, wb, ns, ws float64 }

// narrow is the narrow element's width, bars and spaces averaged (ink
// spread shifts them apart by as much as it widens the bars).
func (c c39Widths) narrow() float64 { return (c.nb + c.ns) / 2 }

// c39Read reads the character whose nine elements start at element j: its
// byte, and the widths it shows. ok is false unless its bars and spaces
// each split clearly into wide and narrow, three wide in all, in a ratio
// a printer could have made and at about the width of was (the widths so
// far; zero for the first character).
func c39Read(r runs, j int, was c39Widths) (byte, c39Widths, bool) {
	var bars [5]float64
	var spaces [4]float64
	for i := range 5 {
		bars[i] = r.w(j + 2*i)
		if i < 4 {
			spaces[i] = r.w(j + 2*i + 1)
		}
	}
	wideBars, nb, wb, ok := c39Split2(bars[:], 2)
	if !ok {
		// No wide bar: all five alike, as wide as a narrow one so far.
		if was.nb == 0 || !c39Alike(bars[:], was.nb) {
			return 0, c39Widths{}, false
		}
		wideBars, nb, wb = 0, mean(bars[:]), was.wb
	}
	wantSpaces := 1
	if wideBars == 0 {
		wantSpaces = 3
	}
	wideSpaces, ns, ws, ok := c39Split2(spaces[:], wantSpaces)
	if !ok {
		return 0, c39Widths{}, false
	}
	got := c39Widths{nb, wb, ns, ws}
	if ratio := (wb + ws) / (nb + ns); ratio < c39MinRatio || ratio > c39MaxRatio {
		return 0, c39Widths{}, false
	}
	if was.nb > 0 && !within(got.narrow(), was.narrow(), 0.75, 1.33) {
		return 0, c39Widths{}, false
	}
	var pat uint16
	for i := range 5 {
		if wideBars&(1<<i) != 0 {
			pat |= 1 << (8 - 2*i)
		}
		if i < 4 && wideSpaces&(1<<i) != 0 {
			pat |= 1 << (7 - 2*i)
		}
	}
	c, known := c39Char[pat]
	return c, got, known
}

// c39Split2 splits w into its k widest and the rest: a bit mask of the
// wide (bit i for w[i]), the mean narrow and wide widths, and whether the
// narrowest wide is at least c39Split times the widest narrow.
func c39Split2(w []float64, k int) (wide int, narrow, wideW float64, ok bool) {
	for range k {
		at := -1
		for i, v := range w {
			if wide&(1<<i) == 0 && (at < 0 || v > w[at]) {
				at = i
			}
		}
		wide |= 1 << at
	}
	minWide, maxNarrow := -1.0, 0.0
	nn := 0
	for i, v := range w {
		if wide&(1<<i) != 0 {
			wideW += v
			if minWide < 0 || v < minWide {
				minWide = v
			}
		} else {
			narrow += v
			nn++
			maxNarrow = max(maxNarrow, v)
		}
	}
	narrow /= float64(nn)
	wideW /= float64(k)
	return wide, narrow, wideW, maxNarrow > 0 && minWide >= c39Split*maxNarrow
}

// c39Alike tells whether every width of w is within the narrow range of
// n: no wider than halfway to a wide element of the smallest ratio.
func c39Alike(w []float64, n float64) bool {
	for _, v := range w {
		if !within(v, n, 0.6, (1+c39MinRatio)/2) {
			return false
		}
	}
	return true
}

func mean(w []float64) float64 {
	var s float64
	for _, v := range w {
		s += v
	}
	return s / float64(len(w))
}

// readCode39 reads the Code 39 symbols on r, left to right. Full-ASCII
// pairs are decoded when the text spells them, as the row reader does.
func readCode39(r runs, out []lineRead) []lineRead {
	last := r.n() - 1 // the element that runs to the line's end
	var text []byte
	for k := 1; k+10*(c39MinChars+2)-1 <= last; k++ {
		if !r.dark(k) {
			continue
		}
		c, ws, ok := c39Read(r, k, c39Widths{})
		if !ok || c != '*' || k-1 > 0 && r.w(k-1) < c39Quiet*ws.narrow() {
			continue
		}
		text = text[:0]
		j := k + 9
		end := -1
		for j+10 <= last && len(text) <= c39MaxChars {
			// The gap, then a character.
			if gap := r.w(j); gap < 0.4*ws.ns || gap > c39MaxGap*ws.narrow() {
				break
			}
			c, got, ok := c39Read(r, j+1, ws)
			if !ok {
				break
			}
			if c == '*' {
				// The quiet zone, or the line's end.
				if j+10 == last || r.w(j+10) >= c39Quiet*got.narrow() {
					end = j + 10
				}
				break
			}
			text = append(text, c)
			// The running widths follow the code's scale across the photo.
			ws = c39Widths{(ws.nb + got.nb) / 2, (ws.wb + got.wb) / 2, (ws.ns + got.ns) / 2, (ws.ws + got.ws) / 2}
			j += 10
		}
		if end < 0 || len(text) < c39MinChars {
			continue
		}
		s := string(text)
		if full, ok := code39FullASCII(s); ok {
			s = full
		}
		out = append(out, lineRead{sym: serialgate.Code39, text: s, aim: "]A0",
			from: r.x[k], to: r.x[end], module: ws.narrow()})
		k = end
	}
	return out
}
