package pdf417

import (
	"image"
	"math"
)

// bitmap is a gray image with the threshold of each 8×8 block, from
// which scan lines are binarized on demand (a symbol-free image costs one
// pass over its pixels and a scan of a fraction of its lines) and
// codewords are measured to a fraction of a pixel. A transposed bitmap
// reads the gray image with x and y swapped: its lines are the image's
// columns.
type bitmap struct {
	w, h       int
	gray       []byte
	stride     int
	thr        []byte // by block: (y/8)·bw + x/8 in the gray image
	bw         int
	transposed bool
	micro      bool // look for MicroPDF417 rows too
}

// sample returns the gray value at (x, y), bilinear between pixels, and
// the threshold there.
func (b *bitmap) sample(x, y float64) (v, thr float64) {
	if b.transposed {
		x, y = y, x
	}
	gw, gh := b.w, b.h
	if b.transposed {
		gw, gh = b.h, b.w
	}
	x, y = x-0.5, y-0.5
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := x-float64(x0), y-float64(y0)
	// The four pixels around, and the pixel nearest for the block's
	// threshold: clamped to the image only near its edges (most samples
	// are inside).
	x1, y1, nx, ny := x0+1, y0+1, int(x+0.5), int(y+0.5)
	if x0 < 0 || y0 < 0 || x1 >= gw || y1 >= gh {
		x0, x1, nx = min(max(x0, 0), gw-1), min(max(x1, 0), gw-1), min(max(nx, 0), gw-1)
		y0, y1, ny = min(max(y0, 0), gh-1), min(max(y1, 0), gh-1), min(max(ny, 0), gh-1)
	}
	r0, r1 := b.gray[y0*b.stride:], b.gray[y1*b.stride:]
	top := float64(r0[x0])*(1-fx) + float64(r0[x1])*fx
	bot := float64(r1[x0])*(1-fx) + float64(r1[x1])*fx
	return top*(1-fy) + bot*fy, float64(b.thr[ny/8*b.bw+nx/8]) - 0.5
}

// lineRuns calls visit with the lengths of the alternating dark and light
// runs of each of the lines in turn (rows, or columns of the gray image
// when b is transposed, read row by row so that memory is read in order),
// and whether the line's first run is dark. The runs are valid only during
// the call.
func (b *bitmap) lineRuns(lines []int, visit func(i int, runs []int, firstDark bool)) {
	if b.w == 0 || len(lines) == 0 {
		return
	}
	if !b.transposed {
		runs := make([]int, 0, b.w/4)
		for i, y := range lines {
			row, thr := b.gray[y*b.stride:][:b.w], b.thr[(y/8)*b.bw:]
			dark := row[0] < thr[0]
			first, n := dark, 0
			runs = runs[:0]
			for x, v := range row {
				if d := v < thr[x>>3]; d != dark {
					runs = append(runs, n)
					n, dark = 0, d
				}
				n++
			}
			visit(i, append(runs, n), first)
		}
		return
	}
	// One backing array for all columns, a sixteenth of a line each to
	// begin with; a busier column grows its own.
	per := max(16, b.w/16)
	backing := make([]int, per*len(lines))
	runs := make([][]int, len(lines))
	for i := range runs {
		runs[i] = backing[i*per : i*per : (i+1)*per]
	}
	first, dark, n := make([]bool, len(lines)), make([]bool, len(lines)), make([]int, len(lines))
	for pos := range b.w {
		row, thr := b.gray[pos*b.stride:], b.thr[(pos/8)*b.bw:]
		for i, x := range lines {
			d := row[x] < thr[x>>3]
			switch {
			case pos == 0:
				first[i], dark[i] = d, d
			case d != dark[i]:
				runs[i] = append(runs[i], n[i])
				n[i], dark[i] = 0, d
			}
			n[i]++
		}
	}
	for i := range lines {
		visit(i, append(runs[i], n[i]), first[i])
	}
}

// transpose returns b mirrored on its diagonal: its columns become lines,
// so that one line scanner finds the symbols standing on end too.
func (b *bitmap) transpose() *bitmap {
	t := *b
	t.w, t.h, t.transposed = b.h, b.w, !b.transposed
	return &t
}

// binarize thresholds img block by block: each 8×8 block takes the middle
// of the darkest and lightest pixel around it (5×5 blocks), so that uneven
// light across a photo does not hide bars; where the neighbourhood is
// flat (no edge in it), the image's own global threshold decides.
func binarize(img *image.Gray) *bitmap {
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	const bs = blockSize
	bw, bh := (w+bs-1)/bs, (h+bs-1)/bs
	out := &bitmap{w: w, h: h, gray: img.Pix[img.PixOffset(r.Min.X, r.Min.Y):], stride: img.Stride, thr: make([]byte, bw*bh), bw: bw}
	if w == 0 || h == 0 {
		return out
	}
	lo, hi, hist, sampled := sampleBlocks(img, bw, bh)
	global := otsu(&hist, sampled)
	// A neighbourhood whose range is under a fifth of the image's (5th
	// to 95th percentile) is flat: noise on a wide bar of a photo spans
	// more than the fixed floor of 32, and thresholding it at its own
	// middle broke the bar into pieces (an 8-module start bar, 48 pixels
	// wide, on a noisy photo turned half).
	flat := max(32, int(percentile(&hist, sampled, 95)-percentile(&hist, sampled, 5))/5)
	// The neighbourhood's extremes, in two passes of 5: along rows of
	// blocks, then along columns.
	nlo, nhi := make([]byte, len(lo)), make([]byte, len(hi))
	for by := range bh {
		for bx := range bw {
			i := by*bw + bx
			mn, mx := lo[i], hi[i]
			for d := max(0, bx-2); d <= min(bw-1, bx+2); d++ {
				mn, mx = min(mn, lo[i+d-bx]), max(mx, hi[i+d-bx])
			}
			nlo[i], nhi[i] = mn, mx
		}
	}
	copy(lo, nlo)
	copy(hi, nhi)
	for by := range bh {
		for bx := range bw {
			i := by*bw + bx
			mn, mx := lo[i], hi[i]
			for d := max(0, by-2); d <= min(bh-1, by+2); d++ {
				mn, mx = min(mn, lo[i+(d-by)*bw]), max(mx, hi[i+(d-by)*bw])
			}
			nlo[i], nhi[i] = mn, mx
		}
	}
	for by := range bh {
		for bx := range bw {
			i := by*bw + bx
			t := int(global)
			if int(nhi[i])-int(nlo[i]) >= flat {
				t = (int(nlo[i]) + int(nhi[i]) + 1) / 2
			}
			out.thr[i] = byte(t)
		}
	}
	return out
}

// percentile returns the gray value below which pct percent of the n
// values of the histogram lie.
func percentile(hist *[256]int, n, pct int) byte {
	want, sum := n*pct/100, 0
	for v, c := range hist {
		sum += c
		if sum > want {
			return byte(v)
		}
	}
	return 255
}

// otsu returns the threshold that best splits the histogram in two.
func otsu(hist *[256]int, n int) byte {
	var sum float64
	for v, c := range hist {
		sum += float64(v * c)
	}
	var sumB, best float64
	wB, t := 0, 128
	for v, c := range hist {
		wB += c
		if wB == 0 {
			continue
		}
		wF := n - wB
		if wF == 0 {
			break
		}
		sumB += float64(v * c)
		mB, mF := sumB/float64(wB), (sum-sumB)/float64(wF)
		if between := float64(wB) * float64(wF) * (mB - mF) * (mB - mF); between > best {
			best, t = between, v+1
		}
	}
	return byte(min(t, 255))
}

// blockSize is the side of binarize's blocks.
const blockSize = 8

// sampleBlocks returns the darkest and lightest pixel of each of the bw×bh
// blocks of img, and the histogram of the rows it sampled (sampled
// pixels): the blocks' extremes come from every fourth row (the 1st and
// 5th of each block), the histogram from every eighth. A bar or a gap
// runs across rows, a symbol puts both in every 5×5 neighbourhood of
// blocks, and a histogram needs no more.
func sampleBlocks(img *image.Gray, bw, bh int) (lo, hi []byte, hist [256]int, sampled int) {
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	const bs = blockSize
	lo, hi = make([]byte, bw*bh), make([]byte, bw*bh)
	// The two sampled rows of a block row are folded into each column's
	// extremes first, then each block's eight columns. int32, not byte:
	// the compiler takes their minima and maxima without branches, which
	// on photos of texture mispredict (a fifth of a camera frame's time
	// went here).
	colLo, colHi := make([]int32, w), make([]int32, w)
	for by := range bh {
		y := by * bs
		row := img.Pix[img.PixOffset(r.Min.X, r.Min.Y+y):][:w]
		for x, v := range row {
			colLo[x], colHi[x] = int32(v), int32(v)
		}
		if y+4 < h {
			row4 := img.Pix[img.PixOffset(r.Min.X, r.Min.Y+y+4):][:w]
			for x, v := range row4 {
				colLo[x], colHi[x] = min(colLo[x], int32(v)), max(colHi[x], int32(v))
			}
		}
		blo, bhi := lo[by*bw:][:bw], hi[by*bw:][:bw]
		for i := range bw {
			cl, ch := colLo[i*bs:min(w, i*bs+bs)], colHi[i*bs:min(w, i*bs+bs)]
			mn, mx := cl[0], ch[0]
			for k := 1; k < len(cl); k++ {
				mn, mx = min(mn, cl[k]), max(mx, ch[k])
			}
			blo[i], bhi[i] = byte(mn), byte(mx)
		}
		for _, v := range row {
			hist[v]++
		}
		sampled += w
	}
	return lo, hi, hist, sampled
}
