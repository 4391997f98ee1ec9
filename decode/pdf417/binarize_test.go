package pdf417

import (
	"bytes"
	"image"
	"math/rand/v2"
	"testing"
)

// TestSampleBlocksSame holds sampleBlocks, which folds rows into column
// extremes, to the straightforward reading (a byte at a time, every fourth
// row for the extremes, every eighth for the histogram), on noisy images of
// odd sizes, textured and flat.
func TestSampleBlocksSame(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for _, sz := range [][2]int{{1, 1}, {7, 5}, {8, 8}, {9, 13}, {64, 37}, {203, 121}, {640, 3}, {5, 300}} {
		for _, spread := range []int{0, 20, 256} {
			w, h := sz[0], sz[1]
			img := image.NewGray(image.Rect(0, 0, w, h))
			for i := range img.Pix {
				img.Pix[i] = byte(min(255, 120+rng.IntN(spread+1)))
				if rng.IntN(9) == 0 {
					img.Pix[i] = byte(rng.IntN(256))
				}
			}
			bw, bh := (w+blockSize-1)/blockSize, (h+blockSize-1)/blockSize
			lo, hi, hist, sampled := sampleBlocks(img, bw, bh)
			// The reference.
			wlo, whi := make([]byte, bw*bh), make([]byte, bw*bh)
			for i := range wlo {
				wlo[i] = 255
			}
			var whist [256]int
			wsampled := 0
			for y := 0; y < h; y += 4 {
				for x := range w {
					v := img.Pix[y*img.Stride+x]
					i := (y/blockSize)*bw + x/blockSize
					wlo[i], whi[i] = min(wlo[i], v), max(whi[i], v)
					if y%8 == 0 {
						whist[v]++
						wsampled++
					}
				}
			}
			if !bytes.Equal(lo, wlo) || !bytes.Equal(hi, whi) || hist != whist || sampled != wsampled {
				t.Fatalf("%dx%d spread %d: block extremes or histogram differ", w, h, spread)
			}
		}
	}
}
