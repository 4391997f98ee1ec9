package microqr

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMidThresholdSame checks that the binarization made from block
// extremes of a smoothed row at a time, with the coarse blocks derived from
// the fine ones, is the one made from the whole smoothed image: the speed-up
// must not move a single pixel.
func TestMidThresholdSame(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var ims []Image
	for _, size := range [][2]int{{1, 1}, {2, 3}, {7, 5}, {33, 17}, {64, 64}, {101, 67}, {300, 211}} {
		w, h := size[0], size[1]
		stride := w + rng.IntN(3)
		im := Image{Pix: make([]byte, stride*h), Width: w, Height: h, Stride: stride}
		// Blocks of light and dark with noise: every threshold case, flat
		// blocks too.
		for y := range h {
			for x := range w {
				v := 40 + 170*((x/5+y/7)%2) + rng.IntN(30) - 15
				if (x/23+y/19)%3 == 0 {
					v = 128 + rng.IntN(8)
				}
				im.Pix[y*stride+x] = byte(max(0, min(255, v)))
			}
		}
		ims = append(ims, im)
	}
	g := renderCase(t, photoCases(1, 7)[0])
	ims = append(ims, Image{Pix: g.Pix, Width: g.Rect.Dx(), Height: g.Rect.Dy(), Stride: g.Stride})
	for _, im := range ims {
		smooth := smooth3Ref(im)
		lo4, hi4, bw, bh := extremes(im, 4)
		lo8, hi8, _, _ := coarser(lo4, hi4, bw, bh)
		for _, c := range []struct {
			block  int
			lo, hi []uint8
		}{{4, lo4, hi4}, {8, lo8, hi8}} {
			want := midThresholdRef(im, smooth, c.block)
			got := midThreshold(im, c.lo, c.hi, c.block)
			if got.w != im.Width || got.h != im.Height || !slices.Equal(pixels(t, got), want) {
				t.Errorf("%dx%d, blocks of %d: the bitmaps differ", im.Width, im.Height, c.block)
			}
		}
	}
}

// TestGlobalThresholdSame checks the one-threshold bitmap against Otsu's
// threshold applied to every pixel.
func TestGlobalThresholdSame(t *testing.T) {
	g := renderCase(t, photoCases(1, 9)[0])
	im := Image{Pix: g.Pix, Width: g.Rect.Dx(), Height: g.Rect.Dy(), Stride: g.Stride}
	b := globalThreshold(im)
	light, dark := 255, 0
	for y := range im.Height {
		for x := range im.Width {
			v := int(im.Pix[y*im.Stride+x])
			if b.at(x, y) {
				dark = max(dark, v)
			} else {
				light = min(light, v)
			}
		}
	}
	if dark >= light || dark == 0 {
		t.Errorf("darkest light pixel %d, lightest dark pixel %d: not one threshold", light, dark)
	}
}

// pixels lists every pixel of b, row after row, as at gives them; it
// fails the test where rowRuns gives a row otherwise.
func pixels(t *testing.T, b *bitmap) []bool {
	out := make([]bool, 0, b.w*b.h)
	var runs []int
	for y := range b.h {
		runs = b.rowRuns(y, runs[:0])
		row := make([]bool, runs[0], b.w) // light up to the first dark pixel
		for i, n := range runs[1:] {
			for range n {
				row = append(row, i%2 == 0)
			}
		}
		for x := range b.w {
			out = append(out, b.at(x, y))
		}
		if !slices.Equal(row, out[len(out)-b.w:]) {
			t.Errorf("row %d of a %dx%d bitmap differs from its pixels", y, b.w, b.h)
		}
	}
	return out
}

// smooth3Ref and midThresholdRef are the straightforward binarization:
// the whole image smoothed, then the block extremes taken from it.
// smooth3Ref returns the image averaged over 3×3 pixels (fewer at the
// edges), compact (stride = width): a box filter, rows then columns.
func smooth3Ref(im Image) []uint8 {
	w, h := im.Width, im.Height
	rows := make([]uint16, w*h)
	for y := range h {
		p := im.Pix[y*im.Stride : y*im.Stride+w]
		for x := range w {
			s := uint16(p[x])
			if x > 0 {
				s += uint16(p[x-1])
			}
			if x+1 < w {
				s += uint16(p[x+1])
			}
			rows[y*w+x] = s
		}
	}
	out := make([]uint8, w*h)
	for y := range h {
		y0, y1 := max(0, y-1), min(h-1, y+1)
		ny := y1 - y0 + 1
		for x := range w {
			nx := min(w-1, x+1) - max(0, x-1) + 1
			s := 0
			for yy := y0; yy <= y1; yy++ {
				s += int(rows[yy*w+x])
			}
			out[y*w+x] = uint8(s / (nx * ny))
		}
	}
	return out
}

// midThresholdRef binarizes at the middle between the darkest and the
// lightest gray around each pixel: the minimum and maximum of 3×3-smoothed
// pixels over blocks, spread over the blocks around. Blur spreads an edge
// evenly to both sides of that middle, so dark modules keep their width
// where a mean-based threshold, pulled up by a light quiet zone, would
// widen them. Where the gray hardly varies the pixels are light.
func midThresholdRef(im Image, smooth []uint8, block int) []bool {
	w, h := im.Width, im.Height
	bw, bh := (w+block-1)/block, (h+block-1)/block
	lo, hi := make([]uint8, bw*bh), make([]uint8, bw*bh)
	for i := range lo {
		lo[i] = 255
	}
	for y := range h {
		row := smooth[y*w : y*w+w]
		bl, bhi := lo[(y/block)*bw:], hi[(y/block)*bw:]
		for bx := range bw {
			mn, mx := bl[bx], bhi[bx]
			for _, v := range row[bx*block : min(w, (bx+1)*block)] {
				mn, mx = min(mn, v), max(mx, v)
			}
			bl[bx], bhi[bx] = mn, mx
		}
	}
	// The extremes over the 5×5 blocks around each block: along rows, then
	// along columns.
	const spread, minContrast = 2, 32
	lo = spreadOut(lo, bw, bh, spread, false)
	hi = spreadOut(hi, bw, bh, spread, true)
	thr := make([]int16, bw*bh)
	for i := range thr {
		if int(hi[i])-int(lo[i]) < minContrast {
			thr[i] = -1 // flat: light
		} else {
			thr[i] = int16((int(lo[i]) + int(hi[i]) + 1) / 2)
		}
	}
	b := make([]bool, w*h)
	for y := range h {
		row := im.Pix[y*im.Stride : y*im.Stride+w]
		dark := b[y*w : y*w+w]
		t := thr[(y/block)*bw:]
		for bx := range bw {
			tv := t[bx]
			for x := bx * block; x < min(w, (bx+1)*block); x++ {
				dark[x] = int16(row[x]) < tv
			}
		}
	}
	return b
}

// BenchmarkBinarize makes the block extremes and the bitmap of a 1280×720
// photo-sized image, as Read does first on every image.
func BenchmarkBinarize(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	im := Image{Pix: make([]byte, 1280*720), Width: 1280, Height: 720, Stride: 1280}
	for i := range im.Pix {
		im.Pix[i] = byte(rng.IntN(256))
	}
	for b.Loop() {
		lo4, hi4, bw, bh := extremes(im, 4)
		lo8, hi8, _, _ := coarser(lo4, hi4, bw, bh)
		midThreshold(im, lo8, hi8, 8)
	}
}
