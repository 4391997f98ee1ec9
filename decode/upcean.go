package decode

import (
	"github.com/makiuchi-d/gozxing"
)

// upceanRuns reads EAN-13 (and UPC-A as an EAN-13 starting with 0), EAN-8
// and UPC-E on a row's runs. It gives the verdicts of gozxing's
// multi-format EAN/UPC row reader, step for step (the first start guard
// with light before it as wide as itself; each code tried from it in
// turn; the same width tolerances, the same guard searches, the same
// quiet zone after the end guard), but works on the runs the row reader
// has already counted, without gozxing's exceptions: a row that holds no
// such code, most of them, costs no error values and no stack walks
// (12% of the CPU on a photo of an EAN-13, 22% with gozxing's reading
// itself). Add-ons are read by readAddOn, not here.
type upceanRuns struct {
	ean13, ean8, upce bool
}

var (
	// upcLG holds the left-half digit patterns, set A as 0-9 and set B as
	// 10-19 (upceanLeft, in arrays).
	upcLG = func() (p [20][4]int) {
		for i, d := range upceanLeft {
			p[i] = [4]int(d)
		}
		return p
	}()
	// upceParity: the parities of a UPC-E's six digits for number system
	// 0 and 1 and each check digit.
	upceParity = [2][10]int{
		{0x38, 0x34, 0x32, 0x31, 0x2C, 0x26, 0x23, 0x2A, 0x29, 0x25},
		{0x07, 0x0B, 0x0D, 0x0E, 0x13, 0x19, 0x1C, 0x15, 0x16, 0x1A},
	}
)

const (
	upcMaxAvg        = 0.48 // the mean deviation allowed, per unit of width
	upcMaxIndividual = 0.7  // one element's deviation allowed, in modules
)

// upcVariance is the mean deviation of widths w from pattern p, scaled to
// w's total width, or a value above any limit when one element is off by
// more than maxInd modules. The arithmetic is gozxing's
// (oned.PatternMatchVariance), so that the two readers agree at the edges.
func upcVariance(w []int, p []int, maxInd float64) float64 {
	total, plen := 0, 0
	for i := range p {
		total += w[i]
		plen += p[i]
	}
	unit := float64(total) / float64(plen)
	maxInd *= unit
	sum := 0.0
	for i := range p {
		v := float64(w[i]) - float64(p[i])*unit
		if v < 0 {
			v = -v
		}
		if v > maxInd {
			return 2
		}
		sum += v
	}
	return sum / float64(total)
}

// dark tells whether run k is dark.
func (rr *rowRuns) dark(k int) bool { return (k%2 == 0) == rr.dark0 }

// upcFindGuard finds, from run k on, the first run of the right shade
// (light when lightFirst) that starts pattern p, returning its index or -1.
// As in gozxing, the pattern's last element must be followed by another
// run.
func upcFindGuard(rr *rowRuns, k int, lightFirst bool, p []int) int {
	n := len(rr.w)
	if k < n && rr.dark(k) == lightFirst {
		k++
	}
	for ; k+len(p) < n; k += 2 {
		if upcVariance(rr.w[k:k+len(p)], p, upcMaxIndividual) < upcMaxAvg {
			return k
		}
	}
	return -1
}

// upcDigit reads the digit whose four elements start at run k, returning
// the best fitting pattern's index or -1.
func upcDigit(rr *rowRuns, k int, pats [][4]int) int {
	if k+4 > len(rr.w) {
		return -1
	}
	best, bestVar := -1, upcMaxAvg
	w := rr.w[k : k+4]
	for i := range pats {
		if v := upcVariance(w, pats[i][:], upcMaxIndividual); v < bestVar {
			best, bestVar = i, v
		}
	}
	return best
}

// read reads an EAN/UPC code on rr, the runs of a row of y, as gozxing's
// multi-format reader would; nil when there is none.
func (u upceanRuns) read(rr *rowRuns, y int) *gozxing.Result {
	n := len(rr.w)
	if n == 0 {
		return nil
	}
	// The start guard: the first 1:1:1 with light before it as wide.
	k := 0
	for {
		k = upcFindGuard(rr, k, false, upceanGuard)
		if k < 0 {
			return nil
		}
		start, end := rr.at[k], rr.at[k+3]
		if quiet := start - (end - start); quiet >= 0 && k > 0 && rr.at[k-1] <= quiet {
			break
		}
		k += 3 // gozxing goes on from the guard's end
	}
	if u.ean13 {
		if r := upcEAN13(rr, k, y); r != nil {
			return r
		}
	}
	if u.ean8 {
		if r := upcEAN8(rr, k, y); r != nil {
			return r
		}
	}
	if u.upce {
		if r := upcUPCE(rr, k, y); r != nil {
			return r
		}
	}
	return nil
}

// upcDigits reads len(text) digits from run k on, four runs each, into
// text, matching pats (with set B as 10-19 when pats has it). It returns
// the run after them and the set-B digits as bits (the first digit
// highest), or -1 when a digit fits no pattern.
func upcDigits(rr *rowRuns, k int, pats [][4]int, text []byte) (next, setB int) {
	for x := range text {
		d := upcDigit(rr, k, pats)
		if d < 0 {
			return -1, 0
		}
		text[x] = '0' + byte(d%10)
		if d >= 10 {
			setB |= 1 << (len(text) - 1 - x)
		}
		k += 4
	}
	return k, setB
}

// upcTwoHalves reads the digits of an EAN-13 (text[1:]) or EAN-8 from
// after the start guard at run k: the left half, the middle guard, the
// right half. It returns the run after them and the left half's set-B
// digits, or -1.
func upcTwoHalves(rr *rowRuns, k int, left [][4]int, text []byte) (next, setB int) {
	half := len(text) / 2
	j, setB := upcDigits(rr, k+3, left, text[:half])
	if j < 0 {
		return -1, 0
	}
	m := upcFindGuard(rr, j, true, upceanMiddle)
	if m < 0 {
		return -1, 0
	}
	j, _ = upcDigits(rr, m+5, upcLG[:10], text[half:])
	return j, setB
}

func upcEAN13(rr *rowRuns, k, y int) *gozxing.Result {
	var text [13]byte
	j, setB := upcTwoHalves(rr, k, upcLG[:], text[1:])
	if j < 0 {
		return nil
	}
	// The leading digit is in the left half's parities. (gozxing checks
	// them before looking for the middle guard; either way the row reads
	// nothing when they fit no digit.)
	first, known := eanFirst[setB]
	if !known {
		return nil
	}
	text[0] = first
	return upcEnd(rr, k, j, y, upceanGuard, text[:], text[:], gozxing.BarcodeFormat_EAN_13)
}

func upcEAN8(rr *rowRuns, k, y int) *gozxing.Result {
	var text [8]byte
	j, _ := upcTwoHalves(rr, k, upcLG[:10], text[:])
	if j < 0 {
		return nil
	}
	return upcEnd(rr, k, j, y, upceanGuard, text[:], text[:], gozxing.BarcodeFormat_EAN_8)
}

func upcUPCE(rr *rowRuns, k, y int) *gozxing.Result {
	var text [8]byte
	j, setB := upcDigits(rr, k+3, upcLG[:], text[1:7])
	if j < 0 {
		return nil
	}
	found := false
	for sys := range 2 {
		for d, p := range upceParity[sys] {
			if p == setB && !found {
				text[0], text[7], found = '0'+byte(sys), '0'+byte(d), true
			}
		}
	}
	if !found {
		return nil
	}
	return upcEnd(rr, k, j, y, upceEnd, text[:], upceToUPCA(text[:]), gozxing.BarcodeFormat_UPC_E)
}

// upcEnd finishes a code whose digits end before run j: its end guard
// (searched for from j, dark first for the 1:1:1, light first for UPC-E's
// six elements), the light after it as wide as the guard, and the check
// digit of check (the code as UPC-A for UPC-E).
func upcEnd(rr *rowRuns, k, j, y int, guard []int, text, check []byte, f gozxing.BarcodeFormat) *gozxing.Result {
	e := upcFindGuard(rr, j, len(guard) == 6, guard)
	if e < 0 {
		return nil
	}
	size := rr.at[len(rr.at)-1] + rr.w[len(rr.w)-1]
	from, to := rr.at[e], rr.at[e+len(guard)]
	quiet := to + (to - from)
	// The run after the guard is light (the guard ends dark) and must
	// reach quiet, short of the row's end.
	if quiet >= size || rr.at[e+len(guard)]+rr.w[e+len(guard)] < quiet {
		return nil
	}
	if !upcCheck(check) {
		return nil
	}
	left := float64(rr.at[k]+rr.at[k+3]) / 2
	right := float64(from+to) / 2
	r := gozxing.NewResult(string(text), nil, []gozxing.ResultPoint{
		gozxing.NewResultPoint(left, float64(y)),
		gozxing.NewResultPoint(right, float64(y)),
	}, f)
	aim := "]E0"
	if f == gozxing.BarcodeFormat_EAN_8 {
		aim = "]E4"
	}
	r.PutMetadata(gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER, aim)
	return r
}

// upcCheck verifies the last digit of s as the standard EAN/UPC check
// digit of the others.
func upcCheck(s []byte) bool {
	n := len(s) - 1
	sum := 0
	for i := n - 1; i >= 0; i -= 2 {
		sum += 3 * int(s[i]-'0')
	}
	for i := n - 2; i >= 0; i -= 2 {
		sum += int(s[i] - '0')
	}
	return (1000-sum)%10 == int(s[n]-'0')
}

// upceToUPCA expands an 8-digit UPC-E (number system, six digits, check)
// to the 12-digit UPC-A it stands for.
func upceToUPCA(e []byte) []byte {
	d := e[1:7]
	out := make([]byte, 0, 12)
	out = append(out, e[0])
	switch last := d[5]; last {
	case '0', '1', '2':
		out = append(out, d[0], d[1], last, '0', '0', '0', '0', d[2], d[3], d[4])
	case '3':
		out = append(out, d[0], d[1], d[2], '0', '0', '0', '0', '0', d[3], d[4])
	case '4':
		out = append(out, d[0], d[1], d[2], d[3], '0', '0', '0', '0', '0', d[4])
	default:
		out = append(out, d[0], d[1], d[2], d[3], d[4], '0', '0', '0', '0', last)
	}
	return append(out, e[7])
}
