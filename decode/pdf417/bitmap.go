package pdf417

import (
	"image"
	"math"
)

// bitmap is a binarized image, one byte a pixel, 1 for dark, with the
// gray image it comes from and the threshold of each 8×8 block, with which
// codewords are measured to a fraction of a pixel. A transposed bitmap
// reads the gray image with x and y swapped.
type bitmap struct {
	w, h       int
	pix        []byte
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

func (b *bitmap) at(x, y int) byte {
	if x < 0 || y < 0 || x >= b.w || y >= b.h {
		return 0
	}
	return b.pix[y*b.w+x]
}

// transpose returns b mirrored on its diagonal: its columns become rows,
// so that one row scanner finds the symbols standing on end too.
func (b *bitmap) transpose() *bitmap {
	t := &bitmap{w: b.h, h: b.w, pix: make([]byte, len(b.pix)), gray: b.gray, stride: b.stride, thr: b.thr, bw: b.bw, transposed: !b.transposed}
	for y := range b.h {
		for x := range b.w {
			t.pix[x*t.w+y] = b.pix[y*b.w+x]
		}
	}
	return t
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
	out := &bitmap{w: w, h: h, pix: make([]byte, w*h), gray: img.Pix[img.PixOffset(r.Min.X, r.Min.Y):], stride: img.Stride, thr: make([]byte, bw*bh), bw: bw}
	if w == 0 || h == 0 {
		return out
	}
	lo, hi := make([]byte, bw*bh), make([]byte, bw*bh)
	var hist [256]int
	for by := range bh {
		for bx := range bw {
			mn, mx := byte(255), byte(0)
			for y := by * bs; y < min(h, by*bs+bs); y++ {
				row := img.Pix[img.PixOffset(r.Min.X, r.Min.Y+y):]
				for x := bx * bs; x < min(w, bx*bs+bs); x++ {
					v := row[x]
					mn, mx = min(mn, v), max(mx, v)
					hist[v]++
				}
			}
			lo[by*bw+bx], hi[by*bw+bx] = mn, mx
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
			for y := by * bs; y < min(h, by*bs+bs); y++ {
				row := img.Pix[img.PixOffset(r.Min.X, r.Min.Y+y):]
				o := out.pix[y*w:]
				for x := bx * bs; x < min(w, bx*bs+bs); x++ {
					if int(row[x]) < t {
						o[x] = 1
					}
				}
			}
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
