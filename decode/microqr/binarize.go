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

// crop is the part r of im, sharing its pixels.
func (im Image) crop(r rect) Image {
	return Image{Pix: im.Pix[r.y0*im.Stride+r.x0:], Width: r.x1 - r.x0, Height: r.y1 - r.y0, Stride: im.Stride}
}

// bitmap is a binarized image: a pixel is dark when its gray is below
// the threshold of its block. The pixels are compared when asked for, not
// beforehand: the finder search looks at a fraction of them.
type bitmap struct {
	w, h   int
	pix    []byte
	stride int
	thr    []int16 // per block, bw a row; -1 where every pixel is light
	bw     int
	shift  uint // blocks are 1<<shift pixels square
}

func (b *bitmap) at(x, y int) bool {
	if x < 0 || y < 0 || x >= b.w || y >= b.h {
		return false // outside is light, as a quiet zone
	}
	return int16(b.pix[y*b.stride+x]) < b.thr[(y>>b.shift)*b.bw+x>>b.shift]
}

// rowRuns appends to runs the x of row y's first dark pixel (the row's
// width when there is none), then the widths of its runs from there,
// dark first, as at gives the pixels.
func (b *bitmap) rowRuns(y int, runs []int) []int {
	pix := b.pix[y*b.stride : y*b.stride+b.w]
	thr := b.thr[(y>>b.shift)*b.bw:]
	x := 0
	for x < b.w && int16(pix[x]) >= thr[x>>b.shift] {
		x++
	}
	runs = append(runs, x)
	for x < b.w {
		from, dark := x, int16(pix[x]) < thr[x>>b.shift]
		x++
		for x < b.w && (int16(pix[x]) < thr[x>>b.shift]) == dark {
			x++
		}
		runs = append(runs, x-from)
	}
	return runs
}

// atf samples the pixel holding the point.
func (b *bitmap) atf(p Point) bool {
	if math.IsNaN(p.X) || math.IsNaN(p.Y) || math.Abs(p.X) > 1e6 || math.Abs(p.Y) > 1e6 {
		return false
	}
	return b.at(int(math.Floor(p.X)), int(math.Floor(p.Y)))
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
	// One block as large as any image: gray <= t is dark.
	return &bitmap{w: im.Width, h: im.Height, pix: im.Pix, stride: im.Stride, thr: []int16{int16(t + 1)}, bw: 1, shift: 62}
}

// extremes returns the darkest and the lightest gray of the image averaged
// over 3×3 pixels (fewer at the edges) in each block of block×block
// pixels, bw blocks a row. The averaged image is made a row at a time,
// never whole: only its extremes are used.
func extremes(im Image, block int) (lo, hi []uint8, bw, bh int) {
	w, h := im.Width, im.Height
	bw, bh = (w+block-1)/block, (h+block-1)/block
	lo, hi = make([]uint8, bw*bh), make([]uint8, bw*bh)
	for i := range lo {
		lo[i] = 255
	}
	cols := make([]uint16, w) // each column's sum over the rows y-1 to y+1
	// int32, not uint8: the compiler takes their minima and maxima without
	// branches, which on photos of texture mispredict.
	colLo, colHi := make([]int32, w), make([]int32, w)
	for x := range colLo {
		colLo[x] = 255
	}
	// slide moves the column sums down a row: the row in comes in, the
	// row out (-1 for none) goes, in one pass.
	slide := func(in, out int) {
		c := cols[:w]
		switch {
		case in >= 0 && out >= 0:
			pi, po := im.Pix[in*im.Stride:][:w], im.Pix[out*im.Stride:][:w]
			for x := range c {
				c[x] += uint16(pi[x]) - uint16(po[x])
			}
		case in >= 0:
			pi := im.Pix[in*im.Stride:][:w]
			for x := range c {
				c[x] += uint16(pi[x])
			}
		case out >= 0:
			po := im.Pix[out*im.Stride:][:w]
			for x := range c {
				c[x] -= uint16(po[x])
			}
		}
	}
	slide(0, -1)
	for y := range h {
		// cols sums the rows y-1 to y+1 of those there are.
		in, out := -1, -1
		if y+1 < h {
			in = y + 1
		}
		if y >= 2 {
			out = y - 2
		}
		slide(in, out)
		ny := min(h-1, y+1) - max(0, y-1) + 1
		c := cols[:w]
		// The extremes down each column of the block row, then across
		// each block once the block row is done.
		cl, ch := colLo[:w], colHi[:w]
		if ny == 3 && w >= 3 {
			// Inside the image: the sum of nine pixels, divided by nine
			// (exactly, for every sum up to 9×255) with a multiply, taken
			// straight into the column extremes.
			s := uint32(c[0]) + uint32(c[1])
			v := int32(s / 6)
			cl[0], ch[0] = min(cl[0], v), max(ch[0], v)
			for x := 1; x < w-1; x++ {
				s += uint32(c[x+1])
				v := int32(s * 7282 >> 16)
				cl[x], ch[x] = min(cl[x], v), max(ch[x], v)
				s -= uint32(c[x-1])
			}
			v = int32((uint32(c[w-2]) + uint32(c[w-1])) / 6)
			cl[w-1], ch[w-1] = min(cl[w-1], v), max(ch[w-1], v)
		} else {
			for x := range w {
				nx := min(w-1, x+1) - max(0, x-1) + 1
				s := uint32(c[x])
				if x > 0 {
					s += uint32(c[x-1])
				}
				if x+1 < w {
					s += uint32(c[x+1])
				}
				v := int32(s / uint32(nx*ny))
				cl[x], ch[x] = min(cl[x], v), max(ch[x], v)
			}
		}
		if (y+1)%block != 0 && y != h-1 {
			continue
		}
		bl, bhi := lo[(y/block)*bw:(y/block)*bw+bw], hi[(y/block)*bw:(y/block)*bw+bw]
		for bx := range bl {
			mn, mx := int32(255), int32(0)
			for x := bx * block; x < min(w, (bx+1)*block); x++ {
				mn, mx = min(mn, cl[x]), max(mx, ch[x])
			}
			bl[bx], bhi[bx] = uint8(mn), uint8(mx)
		}
		for x := range cl {
			cl[x], ch[x] = 255, 0
		}
	}
	return lo, hi, bw, bh
}

// coarser returns the extremes over blocks twice as large, from those
// over the bw×bh blocks lo and hi.
func coarser(lo, hi []uint8, bw, bh int) (clo, chi []uint8, cbw, cbh int) {
	cbw, cbh = (bw+1)/2, (bh+1)/2
	clo, chi = make([]uint8, cbw*cbh), make([]uint8, cbw*cbh)
	for i := range clo {
		clo[i] = 255
	}
	for by := range bh {
		for bx := range bw {
			i, c := by*bw+bx, (by/2)*cbw+bx/2
			clo[c], chi[c] = uint8(min(int32(clo[c]), int32(lo[i]))), uint8(max(int32(chi[c]), int32(hi[i])))
		}
	}
	return clo, chi, cbw, cbh
}

// midThreshold binarizes at the middle between the darkest and the
// lightest gray around each pixel: the minimum and maximum of 3×3-smoothed
// pixels over blocks (lo and hi, from extremes), spread over the blocks
// around. Blur spreads an edge evenly to both sides of that middle, so
// dark modules keep their width where a mean-based threshold, pulled up by
// a light quiet zone, would widen them. Where the gray hardly varies the
// pixels are light.
func midThreshold(im Image, lo, hi []uint8, block int) *bitmap {
	w, h := im.Width, im.Height
	bw, bh := (w+block-1)/block, (h+block-1)/block
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
	shift := uint(0)
	for 1<<shift < block {
		shift++
	}
	if 1<<shift != block {
		panic("microqr: block size not a power of two")
	}
	return &bitmap{w: w, h: h, pix: im.Pix, stride: im.Stride, thr: thr, bw: bw, shift: shift}
}

// spreadOut returns, for each block of the bw×bh grid v, the minimum (or
// the maximum) of v over the blocks within r of it: along rows, then along
// columns.
func spreadOut(v []uint8, bw, bh, r int, takeMax bool) []uint8 {
	// In int32: the compiler picks without branches.
	pick := func(a, b int32) int32 { return min(a, b) }
	if takeMax {
		pick = func(a, b int32) int32 { return max(a, b) }
	}
	tmp := make([]int32, len(v))
	for by := range bh {
		row := v[by*bw : by*bw+bw]
		for bx := range bw {
			m := int32(row[bx])
			for _, o := range row[max(0, bx-r):min(bw, bx+r+1)] {
				m = pick(m, int32(o))
			}
			tmp[by*bw+bx] = m
		}
	}
	out := make([]uint8, len(v))
	for by := range bh {
		for bx := range bw {
			m := tmp[by*bw+bx]
			for y := max(0, by-r); y <= min(bh-1, by+r); y++ {
				m = pick(m, tmp[y*bw+bx])
			}
			out[by*bw+bx] = uint8(m)
		}
	}
	return out
}
