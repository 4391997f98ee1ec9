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
	px := func(x, y int) float64 {
		x, y = min(max(x, 0), gw-1), min(max(y, 0), gh-1)
		return float64(b.gray[y*b.stride+x])
	}
	top := px(x0, y0)*(1-fx) + px(x0+1, y0)*fx
	bot := px(x0, y0+1)*(1-fx) + px(x0+1, y0+1)*fx
	bx, by := min(max(int(x+0.5), 0), gw-1)/8, min(max(int(y+0.5), 0), gh-1)/8
	return top*(1-fy) + bot*fy, float64(b.thr[by*b.bw+bx]) - 0.5
}

// runs appends to dst the lengths of the alternating dark and light runs
// of line y (a row, or a column of the gray image when b is transposed),
// and tells whether the first is dark.
func (b *bitmap) runs(y int, dst []int) ([]int, bool) {
	if y < 0 || y >= b.h || b.w == 0 {
		return dst, false
	}
	// The gray pixel and block threshold of x = 0, and the steps to the next.
	at, step, thr, tstep := y, b.stride, b.thr[y/8:], b.bw
	if !b.transposed {
		at, step, thr, tstep = y*b.stride, 1, b.thr[(y/8)*b.bw:], 1
	}
	dark := b.gray[at] < thr[0]
	first, n := dark, 0
	for x := 0; x < b.w; x++ {
		d := b.gray[at] < thr[(x>>3)*tstep]
		if d != dark {
			dst = append(dst, n)
			n, dark = 0, d
		}
		n++
		at += step
	}
	return append(dst, n), first
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
	const bs = 8
	bw, bh := (w+bs-1)/bs, (h+bs-1)/bs
	out := &bitmap{w: w, h: h, gray: img.Pix[img.PixOffset(r.Min.X, r.Min.Y):], stride: img.Stride, thr: make([]byte, bw*bh), bw: bw}
	if w == 0 || h == 0 {
		return out
	}
	lo, hi := make([]byte, bw*bh), make([]byte, bw*bh)
	for i := range lo {
		lo[i] = 255
	}
	var hist [256]int
	for y := range h {
		row := img.Pix[img.PixOffset(r.Min.X, r.Min.Y+y):][:w]
		blo, bhi := lo[(y/bs)*bw:][:bw], hi[(y/bs)*bw:][:bw]
		for x, v := range row {
			i := x / bs
			blo[i], bhi[i] = min(blo[i], v), max(bhi[i], v)
			hist[v]++
		}
	}
	global := otsu(&hist, w*h)
	// The neighbourhood's extremes, in two passes of 5.
	spread := func(src []byte, pick func(a, b byte) byte) []byte {
		// One pass along rows of blocks (step 1), one along columns (step bw).
		pass := func(src []byte, step int) []byte {
			dst := make([]byte, len(src))
			for i := range src {
				pos, n := i%bw, bw // place along the pass and its length
				if step != 1 {
					pos, n = i/bw, bh
				}
				v := src[i]
				for d := max(0, pos-2); d <= min(n-1, pos+2); d++ {
					v = pick(v, src[i+(d-pos)*step])
				}
				dst[i] = v
			}
			return dst
		}
		return pass(pass(src, 1), bw)
	}
	nlo := spread(lo, func(a, b byte) byte { return min(a, b) })
	nhi := spread(hi, func(a, b byte) byte { return max(a, b) })
	for by := range bh {
		for bx := range bw {
			i := by*bw + bx
			t := int(global)
			if int(nhi[i])-int(nlo[i]) >= 32 {
				t = (int(nlo[i]) + int(nhi[i]) + 1) / 2
			}
			out.thr[i] = byte(t)
		}
	}
	return out
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
