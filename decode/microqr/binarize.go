package microqr

import "math"

// Image is 8-bit gray pixels, row after row, Stride bytes apart.
type Image struct {
	Pix           []byte
	Width, Height int
	Stride        int
}

func (im Image) valid() bool {
	if im.Width <= 0 || im.Height <= 0 || im.Stride < im.Width {
		return false
	}
	return len(im.Pix) >= (im.Height-1)*im.Stride+im.Width
}

// bitmap is a binarized image: true for dark.
type bitmap struct {
	w, h int
	dark []bool
}

func (b *bitmap) at(x, y int) bool {
	if x < 0 || y < 0 || x >= b.w || y >= b.h {
		return false // outside is light, as a quiet zone
	}
	return b.dark[y*b.w+x]
}

// atf samples the pixel holding the point.
func (b *bitmap) atf(p Point) bool {
	if math.IsNaN(p.X) || math.IsNaN(p.Y) || math.Abs(p.X) > 1e6 || math.Abs(p.Y) > 1e6 {
		return false
	}
	return b.at(int(math.Floor(p.X)), int(math.Floor(p.Y)))
}

// localThreshold binarizes with Sauvola's rule over a square window of
// radius r: a pixel is dark below mean·(1 + k(σ/128 − 1)), which follows
// shadows and keeps flat areas light.
func localThreshold(im Image, r int) *bitmap {
	w, h := im.Width, im.Height
	sum := make([]int64, (w+1)*(h+1))
	sq := make([]int64, (w+1)*(h+1))
	for y := range h {
		var rs, rq int64
		row := im.Pix[y*im.Stride : y*im.Stride+w]
		for x, v := range row {
			rs += int64(v)
			rq += int64(v) * int64(v)
			sum[(y+1)*(w+1)+x+1] = sum[y*(w+1)+x+1] + rs
			sq[(y+1)*(w+1)+x+1] = sq[y*(w+1)+x+1] + rq
		}
	}
	b := &bitmap{w: w, h: h, dark: make([]bool, w*h)}
	const k = 0.2
	for y := range h {
		y0, y1 := max(0, y-r), min(h, y+r+1)
		for x := range w {
			x0, x1 := max(0, x-r), min(w, x+r+1)
			n := float64((y1 - y0) * (x1 - x0))
			s := float64(sum[y1*(w+1)+x1] - sum[y0*(w+1)+x1] - sum[y1*(w+1)+x0] + sum[y0*(w+1)+x0])
			q := float64(sq[y1*(w+1)+x1] - sq[y0*(w+1)+x1] - sq[y1*(w+1)+x0] + sq[y0*(w+1)+x0])
			mean := s / n
			sd := math.Sqrt(max(0, q/n-mean*mean))
			t := mean * (1 + k*(sd/128-1))
			b.dark[y*w+x] = float64(im.Pix[y*im.Stride+x]) < t
		}
	}
	return b
}

// globalThreshold binarizes with one threshold, Otsu's: the split of the
// histogram with the largest variance between its two classes.
func globalThreshold(im Image) *bitmap {
	var hist [256]int
	for y := range im.Height {
		for _, v := range im.Pix[y*im.Stride : y*im.Stride+im.Width] {
			hist[v]++
		}
	}
	total := im.Width * im.Height
	var all float64
	for v, c := range hist {
		all += float64(v * c)
	}
	var sumB float64
	wB, best, t := 0, -1.0, 128
	for v, c := range hist {
		wB += c
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += float64(v * c)
		mB, mF := sumB/float64(wB), (all-sumB)/float64(wF)
		between := float64(wB) * float64(wF) * (mB - mF) * (mB - mF)
		if between > best {
			best, t = between, v
		}
	}
	b := &bitmap{w: im.Width, h: im.Height, dark: make([]bool, total)}
	for y := range im.Height {
		for x, v := range im.Pix[y*im.Stride : y*im.Stride+im.Width] {
			b.dark[y*im.Width+x] = int(v) <= t
		}
	}
	return b
}

// midThreshold binarizes at the middle between the darkest and the
// lightest gray around each pixel: the minimum and maximum of 3×3-smoothed
// pixels over blocks, spread over the blocks around. Blur spreads an edge
// evenly to both sides of that middle, so dark modules keep their width
// where a mean-based threshold, pulled up by a light quiet zone, would
// widen them. Where the gray hardly varies the pixels are light.
func midThreshold(im Image, block int) *bitmap {
	w, h := im.Width, im.Height
	smooth := make([]uint8, w*h)
	for y := range h {
		for x := range w {
			s, n := 0, 0
			for yy := max(0, y-1); yy <= min(h-1, y+1); yy++ {
				for xx := max(0, x-1); xx <= min(w-1, x+1); xx++ {
					s += int(im.Pix[yy*im.Stride+xx])
					n++
				}
			}
			smooth[y*w+x] = uint8(s / n)
		}
	}
	bw, bh := (w+block-1)/block, (h+block-1)/block
	lo, hi := make([]uint8, bw*bh), make([]uint8, bw*bh)
	for by := range bh {
		for bx := range bw {
			mn, mx := uint8(255), uint8(0)
			for y := by * block; y < min(h, (by+1)*block); y++ {
				for x := bx * block; x < min(w, (bx+1)*block); x++ {
					v := smooth[y*w+x]
					mn, mx = min(mn, v), max(mx, v)
				}
			}
			lo[by*bw+bx], hi[by*bw+bx] = mn, mx
		}
	}
	const spread, minContrast = 2, 32
	thr := make([]int, bw*bh)
	for by := range bh {
		for bx := range bw {
			mn, mx := uint8(255), uint8(0)
			for y := max(0, by-spread); y <= min(bh-1, by+spread); y++ {
				for x := max(0, bx-spread); x <= min(bw-1, bx+spread); x++ {
					mn, mx = min(mn, lo[y*bw+x]), max(mx, hi[y*bw+x])
				}
			}
			if int(mx)-int(mn) < minContrast {
				thr[by*bw+bx] = -1
			} else {
				thr[by*bw+bx] = (int(mn) + int(mx) + 1) / 2
			}
		}
	}
	b := &bitmap{w: w, h: h, dark: make([]bool, w*h)}
	for y := range h {
		for x := range w {
			b.dark[y*w+x] = int(im.Pix[y*im.Stride+x]) < thr[(y/block)*bw+x/block]
		}
	}
	return b
}
