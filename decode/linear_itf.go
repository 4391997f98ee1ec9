package decode

import "github.com/serialgate/serialgate"

// Interleaved 2 of 5 (ISO/IEC 16390) on a scan line: a start of four
// narrow elements, pairs of digits (the first digit in the five bars, the
// second in the five spaces between them, each digit two wide elements of
// five), and a stop of a wide bar, a narrow space and a narrow bar, with
// a quiet zone of ten narrow elements on either side. ITF carries no
// mandatory check digit and no other structure a misread would break,
// so each pair is held to its shape: exactly two elements of each five
// clearly wider than the other three, in a wide-to-narrow ratio a printer
// could have made.

// itfDigits gives, for each digit, which of its five elements are wide
// (bit 4-i for element i).
var itfDigits = [10]uint8{
	0b00110, 0b10001, 0b01001, 0b11000, 0b00101,
	0b10100, 0b01100, 0b00011, 0b10010, 0b01010,
}

// ITF limits: the quiet zone in narrow elements; the wide-to-narrow
// ratios allowed (the symbology asks for 2 to 3, photos spread it); how
// much wider the narrower of a digit's wide elements must be than the
// wider of its narrow ones; and the digits a code may have.
const (
	itfQuiet     = 10
	itfMinRatio  = 1.8
	itfMaxRatio  = 3.4
	itfSplit     = 1.4
	itfMinDigits = 6
	itfMaxDigits = 30
)

// itfDigit reads a digit from the widths of its five elements w: its value,
// the mean width of its wide and of its narrow elements, and whether two of
// the five stand clearly apart from the other three.
func itfDigit(w *[5]float64) (digit int, wide, narrow float64, ok bool) {
	// The two widest: a, then b.
	a, b := 0, 1
	if w[b] > w[a] {
		a, b = b, a
	}
	for i := 2; i < 5; i++ {
		switch {
		case w[i] > w[a]:
			a, b = i, a
		case w[i] > w[b]:
			b = i
		}
	}
	var third float64 // the widest narrow element
	for i := range 5 {
		if i != a && i != b {
			third = max(third, w[i])
			narrow += w[i]
		}
	}
	narrow /= 3
	if third <= 0 || w[b] < itfSplit*third {
		return 0, 0, 0, false
	}
	bits := uint8(1<<(4-a) | 1<<(4-b))
	for d, p := range itfDigits {
		if p == bits {
			return d, (w[a] + w[b]) / 2, narrow, true
		}
	}
	return 0, 0, 0, false
}

// within tells whether v lies between lo and hi times m.
func within(v, m, lo, hi float64) bool { return v >= lo*m && v <= hi*m }

// readITF reads the Interleaved 2 of 5 symbols on r, left to right.
func readITF(r runs, out []lineRead) []lineRead {
	last := r.n() - 1 // the element that runs to the line's end
	var text []byte
	for k := 1; k+4+10*itfMinDigits/2+3 <= last; k++ {
		if !r.dark(k) {
			continue
		}
		// The start: four narrow elements after the quiet zone, which
		// may be the line's end.
		n := r.span(k, k+4) / 4
		if k-1 > 0 && r.w(k-1) < itfQuiet*n {
			continue
		}
		start := true
		for i := k; i < k+4 && start; i++ {
			start = within(r.w(i), n, 0.5, 1.6)
		}
		if !start {
			continue
		}
		text = text[:0]
		j, m := k+4, n // the next element, the narrow width so far
		end := -1
		for j+3 <= last && len(text) <= itfMaxDigits {
			if itfStop(r, j, m, last) {
				end = j + 3
				break
			}
			if j+10 > last {
				break
			}
			var bars, spaces [5]float64
			for i := range 5 {
				bars[i], spaces[i] = r.w(j+2*i), r.w(j+2*i+1)
			}
			d1, wb, nb, ok1 := itfDigit(&bars)
			d2, ws, ns, ok2 := itfDigit(&spaces)
			if !ok1 || !ok2 {
				break
			}
			// Growth of the bars widens one and narrows the other: their
			// sums keep the printed ratio and the narrow width.
			pn := (nb + ns) / 2
			if ratio := (wb + ws) / (nb + ns); ratio < itfMinRatio || ratio > itfMaxRatio || !within(pn, m, 0.7, 1.4) {
				break
			}
			text = append(text, '0'+byte(d1), '0'+byte(d2))
			j, m = j+10, pn
		}
		if end < 0 || len(text) < itfMinDigits || len(text) > itfMaxDigits {
			continue
		}
		// The AIM identifier is the one gozxing's row reader gives, which
		// checks no check digit: both paths report a symbol alike.
		out = append(out, lineRead{sym: serialgate.ITF, text: string(text), aim: "]I0",
			from: r.x[k], to: r.x[end], module: m})
		k = end
	}
	return out
}

// itfStop tells whether the elements from j are ITF's stop, a wide bar, a
// narrow space and a narrow bar for narrow width m, followed by a quiet
// zone or the line's end (element last).
func itfStop(r runs, j int, m float64, last int) bool {
	wide, s, b := r.w(j), r.w(j+1), r.w(j+2)
	if !within(s, m, 0.4, 1.6) || !within(b, m, 0.4, 1.6) || wide < itfMinRatio*0.8*(s+b)/2 || wide > itfMaxRatio*1.2*m {
		return false
	}
	return j+3 == last || r.w(j+3) >= itfQuiet*m
}
