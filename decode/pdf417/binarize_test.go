package pdf417

import (
	"bytes"
	"image"
	"math/rand/v2"
	"testing"
)

// TestBinarizeSame holds binarize's thresholds to those of the
// straightforward version below (a byte at a time, every fourth row), on
// noisy images of odd sizes, textured and flat.
func TestBinarizeSame(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for _, sz := range [][2]int{{1, 1}, {7, 5}, {8, 8}, {9, 13}, {64, 37}, {203, 121}, {640, 3}, {5, 300}} {
		for _, spread := range []int{0, 20, 256} {
			img := image.NewGray(image.Rect(0, 0, sz[0], sz[1]))
			for i := range img.Pix {
				img.Pix[i] = byte(min(255, 120+rng.IntN(spread+1)))
				if rng.IntN(9) == 0 {
					img.Pix[i] = byte(rng.IntN(256))
				}
			}
			got, want := binarize(img), binarizeReference(img)
			if !bytes.Equal(got.thr, want.thr) {
				t.Fatalf("%dx%d spread %d: thresholds differ", sz[0], sz[1], spread)
			}
		}
	}
}

func binarizeReference(img *image.Gray) *bitmap {
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
	// The blocks' extremes come from every fourth row (the 1st and 5th of
	// each block), the global threshold from every eighth: a bar or a gap
	// runs across rows, a symbol puts both in every 5×5 neighbourhood of
	// blocks, and a histogram needs no more.
	var hist [256]int
	sampled := 0
	for y := 0; y < h; y += 4 {
		row := img.Pix[img.PixOffset(r.Min.X, r.Min.Y+y):][:w]
		blo, bhi := lo[(y/bs)*bw:][:bw], hi[(y/bs)*bw:][:bw]
		for i := range bw {
			chunk := row[i*bs : min(w, i*bs+bs)]
			mn, mx := blo[i], bhi[i]
			for _, v := range chunk {
				mn, mx = min(mn, v), max(mx, v)
			}
			blo[i], bhi[i] = mn, mx
		}
		if y%8 == 0 {
			for _, v := range row {
				hist[v]++
			}
			sampled += w
		}
	}
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
