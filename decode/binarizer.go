package decode

import (
	"encoding/binary"
	"image"

	"github.com/makiuchi-d/gozxing"
)

// localBinarizer turns gray pixels into black and white with a threshold
// for each 8×8 block, taken from the blocks around it: the method of
// zxing's HybridBinarizer, which copes with shadows and uneven light on
// photos. It is written for speed on camera frames: it reads the pixels
// in place and sets a row's bits a 32-bit word at a time, about four times
// faster than gozxing's. Rows for 1D reading come from the global
// histogram binarizer, as zxing does.
type localBinarizer struct {
	gozxing.Binarizer // the global-histogram binarizer, for GetBlackRow
	g                 Gray
	matrix            *gozxing.BitMatrix
	// flat is the widest range of grey levels in a block that still
	// counts as flat (no edge in it): such a block is background unless
	// its neighbours are dark.
	flat int
}

var _ gozxing.Binarizer = (*localBinarizer)(nil)

const (
	blockPow    = 3
	blockSize   = 1 << blockPow
	minDynRange = 24 // zxing's: what the full decode uses
	// fastDynRange is the fast mode's: noise of ±16 levels on a camera
	// frame (BenchmarkFrame's) spans 32 levels in an 8×8 block, and
	// thresholded at its middle it turns into speckle, in which the QR and
	// Data Matrix detectors chase finder-pattern look-alikes: with zxing's
	// range, that was a third of the frame's time. Black print on a label
	// spans several times that (TestFastFlatRange).
	fastDynRange = 32
	minLocalSide = 5 * blockSize // smaller images use one global threshold
)

func newLocalBinarizer(g Gray, flat int) *localBinarizer {
	return &localBinarizer{Binarizer: gozxing.NewGlobalHistgramBinarizer(&source{g: g}), g: g, flat: flat}
}

func (b *localBinarizer) CreateBinarizer(src gozxing.LuminanceSource) gozxing.Binarizer {
	if s, ok := src.(*source); ok {
		return newLocalBinarizer(s.g, b.flat)
	}
	return gozxing.NewHybridBinarizer(src)
}

func (b *localBinarizer) GetBlackMatrix() (*gozxing.BitMatrix, error) {
	if b.matrix != nil {
		return b.matrix, nil
	}
	if ownHook != nil {
		ownHook("binarizer")
	}
	g := b.g
	if g.Width < minLocalSide || g.Height < minLocalSide {
		m, err := zxing("global binarizer", b.Binarizer.GetBlackMatrix)
		b.matrix = m
		return m, err
	}
	subW := (g.Width + blockSize - 1) >> blockPow
	subH := (g.Height + blockSize - 1) >> blockPow
	black := blackPoints(g, subW, subH, b.flat)
	m, err := gozxing.NewBitMatrix(g.Width, g.Height)
	if err != nil {
		return nil, err
	}
	// thresholds[y][x]: the average black point of the 5×5 blocks around
	// block (x, y), clamped inside the grid.
	thr := make([]int32, subW*subH)
	for by := 0; by < subH; by++ {
		cy := min(max(by, 2), subH-3)
		for bx := 0; bx < subW; bx++ {
			cx := min(max(bx, 2), subW-3)
			sum := int32(0)
			for yy := cy - 2; yy <= cy+2; yy++ {
				row := black[yy*subW:]
				sum += row[cx-2] + row[cx-1] + row[cx] + row[cx+1] + row[cx+2]
			}
			thr[by*subW+bx] = sum / 25
		}
	}
	row := gozxing.NewBitArray(g.Width)
	words := row.GetBitArray()
	for y := 0; y < g.Height; y++ {
		clear(words)
		pix := g.row(y)
		trow := thr[(min(y, g.Height-1)>>blockPow)*subW:]
		// The last block row and column are aligned to the image's edge,
		// as the black points were computed.
		for x0 := 0; x0 < g.Width; x0 += blockSize {
			t := uint32(max(trow[x0>>blockPow], -1) + 1) // pixel <= threshold: pixel < t
			end := min(x0+blockSize, g.Width)
			var bits uint32
			switch {
			case end-x0 == 8 && t < 256:
				bits = below8(binary.LittleEndian.Uint64(pix[x0:end]), t) << (x0 & 31)
			default:
				for x, v := range pix[x0:end] {
					// (v - t) borrows, setting bit 31, exactly when v < t.
					bits |= ((uint32(v) - t) >> 31) << ((x0 + x) & 31)
				}
			}
			words[x0>>5] |= bits
		}
		m.SetRow(y, row)
	}
	b.matrix = m
	return m, nil
}

// sum8 adds up the eight bytes of w: pairs into 16-bit lanes, then the
// four lanes into the top one by a multiplication (at most 2040: no lane
// overflows).
func sum8(w uint64) int {
	const m = 0x00ff00ff00ff00ff
	pairs := w&m + w>>8&m
	return int(pairs * 0x0001000100010001 >> 48)
}

// below8 tells, for the eight pixels packed in x (the first in the low
// byte), which are below t (0 to 255): bit i for pixel i. It subtracts t
// from every byte at once, without borrows crossing between bytes, and
// takes each byte's borrow out (Hacker's Delight, 2-18 and 2-13), then
// gathers the eight borrow bits into one byte with a multiplication.
func below8(x uint64, t uint32) uint32 {
	const h = 0x8080808080808080
	tr := uint64(t) * 0x0101010101010101
	d := ((x | h) - (tr &^ h)) ^ ((x ^ ^tr) & h)
	borrow := ((^x & tr) | (^(x ^ tr) & d)) & h
	return uint32(((borrow >> 7) * 0x0102040810204080) >> 56)
}

// blackPoints estimates each block's black level: its average where it has
// contrast; where it is flat, half its minimum, or its neighbours' level
// when the block is darker than that (the inside of a large dark module).
func blackPoints(g Gray, subW, subH, flat int) []int32 {
	out := make([]int32, subW*subH)
	maxY, maxX := g.Height-blockSize, g.Width-blockSize
	for by := 0; by < subH; by++ {
		y0 := min(by<<blockPow, maxY)
		for bx := 0; bx < subW; bx++ {
			x0 := min(bx<<blockPow, maxX)
			// Each row of the block is read as one word. Once the block's
			// range passes flat, only its sum matters: the rest of its
			// rows are summed, a word at a time, without the extremes.
			sum, lo, hi := 0, 255, 0
			off := y0*g.Stride + x0
			yy := 0
			for ; yy < blockSize; yy++ {
				w := binary.LittleEndian.Uint64(g.Pix[off+yy*g.Stride:][:blockSize])
				sum += sum8(w)
				for k := 0; k < 64; k += 8 {
					v := int(w >> k & 0xff)
					lo, hi = min(lo, v), max(hi, v)
				}
				if hi-lo > flat {
					yy++
					break
				}
			}
			for ; yy < blockSize; yy++ {
				sum += sum8(binary.LittleEndian.Uint64(g.Pix[off+yy*g.Stride:][:blockSize]))
			}
			avg := int32(sum >> (2 * blockPow))
			if hi-lo <= flat {
				avg = int32(lo / 2)
				if by > 0 && bx > 0 {
					nb := (out[(by-1)*subW+bx] + 2*out[by*subW+bx-1] + out[(by-1)*subW+bx-1]) / 4
					if int32(lo) < nb {
						avg = nb
					}
				}
			}
			out[by*subW+bx] = avg
		}
	}
	return out
}

// cropBitmap returns the part r of the bitmap bm of g, whose black matrix
// the local binarizer made, as a bitmap of its own: the same bits, cut out
// of bm's matrix rather than thresholded again (the thresholds of the
// blocks near r's edges would take fewer neighbours). Its rows for 1D
// reading are the crop's own.
func cropBitmap(bm *gozxing.BinaryBitmap, g Gray, r image.Rectangle, flat int) *gozxing.BinaryBitmap {
	m, err := bm.GetBlackMatrix()
	if err != nil || m == nil {
		return nil
	}
	r = r.Intersect(image.Rect(0, 0, m.GetWidth(), m.GetHeight()))
	if r.Empty() {
		return nil
	}
	out, err := gozxing.NewBitMatrix(r.Dx(), r.Dy())
	if err != nil {
		return nil
	}
	src := gozxing.NewBitArray(m.GetWidth())
	dst := gozxing.NewBitArray(r.Dx())
	for y := range r.Dy() {
		src = m.GetRow(r.Min.Y+y, src)
		shiftBits(dst.GetBitArray(), src.GetBitArray(), r.Min.X, r.Dx())
		out.SetRow(y, dst)
	}
	lb := newLocalBinarizer(g.crop(r), flat)
	lb.matrix = out
	cb, err := gozxing.NewBinaryBitmap(lb)
	if err != nil {
		return nil
	}
	return cb
}

// shiftBits sets the n bits of dst to those of src from bit off on (bit i
// of a row is bit i%32 of word i/32), and clears dst's bits past n.
func shiftBits(dst, src []uint32, off, n int) {
	w, s := off/32, uint(off%32)
	for i := range dst {
		var v uint32
		if w+i < len(src) {
			v = src[w+i] >> s
		}
		if s != 0 && w+i+1 < len(src) {
			v |= src[w+i+1] << (32 - s)
		}
		dst[i] = v
	}
	if n%32 != 0 && n/32 < len(dst) {
		dst[n/32] &= 1<<uint(n%32) - 1
	}
}
