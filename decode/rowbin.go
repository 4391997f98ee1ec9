package decode

import "github.com/makiuchi-d/gozxing"

// globalBlackRow binarizes one row of gray pixels as gozxing's
// global-histogram binarizer does (GetBlackRow), bit for bit
// (TestGlobalBlackRow): a histogram of the row's levels in 32 buckets, a
// black point in the valley between its two peaks, and a -1 4 -1
// sharpening filter against it. It reads the row in place where gozxing
// copies it first, sets the bits straight into the words, and reports a row
// too even for a black point as false where gozxing raises an exception
// with a captured stack: on the rows of a 2D symbol or a photo's
// background, the row reader's binarization took less than half the time.
func globalBlackRow(lum []byte) (*gozxing.BitArray, bool) {
	var buckets [32]int
	for _, v := range lum {
		buckets[v>>3]++
	}
	bp, ok := histogramBlackPoint(&buckets)
	if !ok {
		return nil, false
	}
	width := len(lum)
	row := gozxing.NewBitArray(width)
	words := row.GetBitArray()
	if width < 3 {
		for x, v := range lum {
			if int(v) < bp {
				words[x>>5] |= 1 << (x & 31)
			}
		}
		return row, true
	}
	// Each word is built in a register, its bits without a branch: the
	// sign of (filtered - black point) is the bit.
	left, center := int(lum[0]), int(lum[1])
	var w uint32
	for x := 1; x < width-1; x++ {
		right := int(lum[x+1])
		w |= uint32(((center*4-left-right)/2-bp)>>63&1) << (x & 31)
		if x&31 == 31 {
			words[x>>5], w = w, 0
		}
		left, center = center, right
	}
	if x := width - 2; x&31 != 31 {
		words[x>>5] = w
	}
	return row, true
}

// histogramBlackPoint is the global-histogram binarizer's black point for
// the histogram b (zxing's estimateBlackPoint): the tallest bucket, the one
// that best combines height and distance from it, and between them the
// valley that is low and nearest the lighter peak. false: the peaks are too
// close for a meaningful threshold.
func histogramBlackPoint(b *[32]int) (int, bool) {
	first, firstSize, most := 0, 0, 0
	for x, n := range b {
		if n > firstSize {
			first, firstSize = x, n
		}
		most = max(most, n)
	}
	second, secondScore := 0, 0
	for x, n := range b {
		d := x - first
		if score := n * d * d; score > secondScore {
			second, secondScore = x, score
		}
	}
	if first > second {
		first, second = second, first
	}
	if second-first <= len(b)/16 {
		return 0, false
	}
	valley, valleyScore := second-1, -1
	for x := second - 1; x > first; x-- {
		from := x - first
		if score := from * from * (second - x) * (most - b[x]); score > valleyScore {
			valley, valleyScore = x, score
		}
	}
	return valley << 3, true
}

// clearBits clears the bits of row from x0 up to x1.
func clearBits(row *gozxing.BitArray, x0, x1 int) {
	x0, x1 = max(x0, 0), min(x1, row.GetSize())
	words := row.GetBitArray()
	for x := x0; x < x1; {
		if x&31 == 0 && x+32 <= x1 {
			words[x>>5] = 0
			x += 32
			continue
		}
		words[x>>5] &^= 1 << (x & 31)
		x++
	}
}
