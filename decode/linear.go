package decode

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/serialgate/serialgate"
)

// This file reads 1D codes at any angle. Bars make the image's gradient
// point the same way over the whole code, which printed text, 2D codes and
// cardboard do not: the structure tensor of the gradient, summed over small
// cells, finds the codes and the direction across their bars. Scan lines
// then cross each region along that direction; each line's profile is
// sampled between pixels, its edges placed where the profile's slope is
// steepest (which blur moves less than it moves a threshold crossing), and
// the bar and space widths decoded by their edge-to-edge distances. A code
// counts when several lines read the same text and no other text was read
// as often where it stands.

// cellPow sets the cells of the gradient statistics: 8×8 pixels.
const (
	cellPow  = 3
	cellSize = 1 << cellPow
)

// region is a place where the gradient is strong and points one way: one
// or more 1D codes with their bars across (ux, uy).
type region struct {
	cx, cy       float64 // centre
	ux, uy       float64 // unit vector across the bars
	halfU, halfV float64 // half extents across and along the bars
	cells        int
	gap          float64 // between scan lines: lineGap when 0
	// skew is the turn, in radians, from (ux, uy) to the length of the
	// region's cells when they lie along a clear line (zero otherwise): a
	// code seen in perspective has its bars sheared, no longer square to
	// its length.
	skew float64
}

// lineGap is the distance between r's scan lines.
func (r region) lineGap() float64 {
	if r.gap > 0 {
		return r.gap
	}
	return lineGap
}

// stripThin is the height (or width) under which an image is a strip, too
// thin for the gradient cells.
const stripThin = 6 * cellSize

// stripRegion is the whole of g as one region when g is a strip too thin
// for the gradient cells (a line-scan camera's or a scanner's image, or a
// code cropped to a few rows): across its length, a scan line on every
// row, so that a code gets the votes of distinct rows as it would on the
// row reader.
func stripRegion(g Gray) (region, bool) {
	const thin, long = stripThin, 40
	switch {
	case g.Height < 2 || g.Width < 2:
		return region{}, false // the profiles interpolate between two rows and two columns
	case g.Height < thin && g.Width >= long && g.Width > 2*g.Height:
		return region{cx: float64(g.Width) / 2, cy: float64(g.Height-1) / 2, ux: 1, halfU: float64(g.Width) / 2, halfV: float64(g.Height-1) / 2, gap: 1}, true
	case g.Width < thin && g.Height >= long && g.Height > 2*g.Width:
		return region{cx: float64(g.Width-1) / 2, cy: float64(g.Height) / 2, uy: 1, halfU: float64(g.Height) / 2, halfV: float64(g.Width-1) / 2, gap: 1}, true
	}
	return region{}, false
}

// tensor is the structure tensor summed over a cell.
type tensor struct{ xx, yy, xy float64 }

// Region thresholds: the mean squared gradient a cell needs (a code of
// low contrast under blur still has several times that of noisy
// cardboard), the coherence (1 where every gradient points the same way),
// the largest difference in angle between neighbouring cells of one
// region, and the fewest cells a region has.
const (
	minEnergy    = 200
	minCoherence = 0.6
	maxTurn      = 8 * math.Pi / 180
	minCells     = 10
)

// inLineTurn is how far a region's direction may be off for pieces of a
// code far apart to count as in line (joined).
const inLineTurn = 2 * math.Pi / 180

// lowRange is the spread of an image's gray levels (2nd to 98th
// percentile) under which it counts as dim or washed out. The shared
// box-label photos spread over 69 to 254 levels, all but a tenth over
// 120.
const lowRange = 100

// energyScale is the factor on minEnergy for g: 1 on a photo of ordinary
// contrast; on a dim or washed-out one, the square of its spread over
// lowRange, as a gradient's energy goes with the square of the contrast.
// Without it, the part of a serial under glare on a dim photo (its levels
// squeezed into 115) fell under the floor, and the region of the rest
// was too short to read it. A sample of the pixels (every fourth of
// every eighth row) gives the spread.
func energyScale(g Gray) float64 {
	var hist [256]int
	n := 0
	for y := 0; y < g.Height; y += 8 {
		r := g.row(y)
		for x := 0; x < len(r); x += 4 {
			hist[r[x]]++
			n++
		}
	}
	if n == 0 {
		return 1
	}
	at := func(pct int) int {
		sum := 0
		for v, c := range hist {
			sum += c
			if sum*100 >= pct*n {
				return v
			}
		}
		return 255
	}
	spread := at(98) - at(2)
	if spread >= lowRange {
		return 1
	}
	// Under a third of lowRange, noise would pass for edges: no lower.
	f := float64(max(spread, lowRange/3)) / lowRange
	return f * f
}

// findRegions finds the regions of g that may hold 1D codes, the largest
// first.
//
// rowStep is the step between the rows whose gradients are summed: 2, or 4
// where time is short.
func findRegions(g Gray, rowStep int) []region {
	cw, ch := g.Width>>cellPow, g.Height>>cellPow
	if cw < 3 || ch < 3 {
		return nil
	}
	cells := make([]tensor, cw*ch)
	// Every other column and every rowStep-th row: the cells still see
	// every edge, in a fraction of the time.
	for y := 1; y < ch*cellSize-1 && y < g.Height-1; y += rowStep {
		up, row, down := g.row(y-1), g.row(y), g.row(y+1)
		crow := cells[(y>>cellPow)*cw:]
		for cx := range cw {
			var xx, yy, xy int32
			x0 := max(cx*cellSize, 1)
			x1 := min(cx*cellSize+cellSize, g.Width-1)
			for x := x0; x < x1; x += 2 {
				// Scharr's kernel: the plain difference of neighbours
				// turns the angle of sharp edges towards the diagonal.
				gx := 10*(int32(row[x+1])-int32(row[x-1])) + 3*(int32(up[x+1])-int32(up[x-1])+int32(down[x+1])-int32(down[x-1]))
				gy := 10*(int32(down[x])-int32(up[x])) + 3*(int32(down[x-1])-int32(up[x-1])+int32(down[x+1])-int32(up[x+1]))
				gx, gy = gx>>4, gy>>4
				xx += gx * gx
				yy += gy * gy
				xy += gx * gy
			}
			c := &crow[cx]
			c.xx += float64(xx)
			c.yy += float64(yy)
			c.xy += float64(xy)
		}
	}
	// Each cell's tensor summed with its eight neighbours'.
	angle := make([]float64, cw*ch)
	good := make([]bool, cw*ch)
	samples := float64(9 * cellSize * cellSize / (2 * rowStep))
	minE := float64(minEnergy) * energyScale(g)
	for cy := 1; cy < ch-1; cy++ {
		for cx := 1; cx < cw-1; cx++ {
			var s tensor
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					c := cells[(cy+dy)*cw+cx+dx]
					s.xx, s.yy, s.xy = s.xx+c.xx, s.yy+c.yy, s.xy+c.xy
				}
			}
			i := cy*cw + cx
			// The cell itself has a code's gradient too: the smoothing
			// alone would join codes across the text between them.
			if c := cells[i]; c.xx+c.yy < minE*samples/9 || math.Hypot(c.xx-c.yy, 2*c.xy) < minCoherence*(c.xx+c.yy) {
				continue
			}
			e := s.xx + s.yy
			if e < minE*samples {
				continue
			}
			coh := math.Hypot(s.xx-s.yy, 2*s.xy) / e
			if coh < minCoherence {
				continue
			}
			good[i] = true
			angle[i] = math.Atan2(2*s.xy, s.xx-s.yy) // twice the gradient's angle
		}
	}
	// Regions: cells joined to neighbours whose direction is close.
	seen := make([]bool, cw*ch)
	var out []region
	var stack, member []int
	for start := range good {
		if !good[start] || seen[start] {
			continue
		}
		seen[start] = true
		stack = append(stack[:0], start)
		member = member[:0]
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			member = append(member, i)
			cx, cy := i%cw, i/cw
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					x, y := cx+dx, cy+dy
					if x < 0 || y < 0 || x >= cw || y >= ch {
						continue
					}
					j := y*cw + x
					if !good[j] || seen[j] {
						continue
					}
					d := math.Abs(math.Remainder(angle[j]-angle[i], 2*math.Pi))
					if d > 2*maxTurn {
						continue
					}
					seen[j] = true
					stack = append(stack, j)
				}
			}
		}
		if len(member) < minCells {
			continue
		}
		var s tensor
		var mx, my float64
		for _, i := range member {
			c := cells[i]
			s.xx, s.yy, s.xy = s.xx+c.xx, s.yy+c.yy, s.xy+c.xy
			mx += float64(i%cw*cellSize + cellSize/2)
			my += float64(i/cw*cellSize + cellSize/2)
		}
		mx /= float64(len(member))
		my /= float64(len(member))
		th := math.Atan2(2*s.xy, s.xx-s.yy) / 2
		r := region{ux: math.Cos(th), uy: math.Sin(th), cells: len(member)}
		uMin, uMax, vMin, vMax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		var pos tensor // the second moments of the cells' places
		for _, i := range member {
			px := float64(i%cw*cellSize+cellSize/2) - mx
			py := float64(i/cw*cellSize+cellSize/2) - my
			u := px*r.ux + py*r.uy
			v := -px*r.uy + py*r.ux
			uMin, uMax = math.Min(uMin, u), math.Max(uMax, u)
			vMin, vMax = math.Min(vMin, v), math.Max(vMax, v)
			pos.xx, pos.yy, pos.xy = pos.xx+px*px, pos.yy+py*py, pos.xy+px*py
		}
		r.skew = pos.skew(th)
		if uMax-uMin < 4*cellSize {
			continue // too short for any code
		}
		uc, vc := (uMin+uMax)/2, (vMin+vMax)/2
		r.cx = mx + uc*r.ux - vc*r.uy
		r.cy = my + uc*r.uy + vc*r.ux
		r.halfU = (uMax-uMin)/2 + cellSize
		r.halfV = (vMax-vMin)/2 + cellSize/2
		out = append(out, r)
	}
	out = mergeRegions(out)
	sort.SliceStable(out, func(i, j int) bool { return out[i].cells > out[j].cells })
	return out
}

// Shear limits: the length of a region's cells counts when they lie four
// times as long as wide (their second moments sixteen times) and turned
// from square to the bars by no more than maxSkew, as perspective turns
// them; a larger turn is codes side by side, not one sheared.
const (
	minElongation = 16
	maxSkew       = 25 * math.Pi / 180
)

// skew returns the turn from the direction th to the long axis of the
// places whose second moments t holds, or zero when they lie along no
// clear line or too far from th.
func (t tensor) skew(th float64) float64 {
	d := math.Hypot(t.xx-t.yy, 2*t.xy)
	long, short := (t.xx+t.yy+d)/2, (t.xx+t.yy-d)/2
	if long <= minElongation*math.Max(short, 0) || long == 0 {
		return 0
	}
	s := math.Remainder(math.Atan2(2*t.xy, t.xx-t.yy)/2-th, math.Pi)
	if math.Abs(s) > maxSkew {
		return 0
	}
	return s
}

// mergeRegions joins regions that are pieces of one code: a wide bar or
// space has no gradient inside and can cut a code of large modules in
// two. Pieces stand the same way, one after the other along the
// direction across their bars, side by side in the other.
func mergeRegions(rs []region) []region {
	for merged := true; merged; {
		merged = false
		for i := 0; i < len(rs) && !merged; i++ {
			for j := i + 1; j < len(rs); j++ {
				if m, ok := joined(rs[i], rs[j]); ok {
					rs[i] = m
					rs = append(rs[:j], rs[j+1:]...)
					merged = true
					break
				}
			}
		}
	}
	return rs
}

// joined returns the region covering a and b when they are pieces of one
// code.
func joined(a, b region) (region, bool) {
	if math.Abs(a.ux*b.uy-a.uy*b.ux) > math.Sin(maxTurn) {
		return region{}, false
	}
	// b's extent in a's frame.
	du, dv := (b.cx-a.cx)*a.ux+(b.cy-a.cy)*a.uy, -(b.cx-a.cx)*a.uy+(b.cy-a.cy)*a.ux
	bu, bv := b.halfU, b.halfV
	uMin, uMax := math.Min(-a.halfU, du-bu), math.Max(a.halfU, du+bu)
	vLo, vHi := math.Max(-a.halfV, dv-bv), math.Min(a.halfV, dv+bv)
	// Pieces in line may lie further apart: codes side by side on one
	// line merged are read as well, on longer lines. In line is within a
	// quarter of the thinner piece's height of a's middle line, and for
	// pieces far apart within the error of a's direction too (a degree
	// or two, from the cells at its ends): the two halves of a Code 128
	// serial turned 87°, split 78 pixels apart by its wide bars, had
	// their middles 28 pixels apart across, over a limit of 27.5, and
	// neither half read.
	gap, most := math.Abs(du)-a.halfU-bu, 6.0*cellSize
	if math.Abs(dv) < math.Min(a.halfV, bv)/2+math.Abs(du)*math.Sin(inLineTurn) {
		most = 16 * cellSize
	}
	if gap > most || vHi-vLo < math.Min(a.halfV, bv) {
		return region{}, false
	}
	vMin, vMax := math.Min(-a.halfV, dv-bv), math.Max(a.halfV, dv+bv)
	uc, vc := (uMin+uMax)/2, (vMin+vMax)/2
	return region{
		cx: a.cx + uc*a.ux - vc*a.uy, cy: a.cy + uc*a.uy + vc*a.ux,
		ux: a.ux, uy: a.uy,
		halfU: (uMax - uMin) / 2, halfV: (vMax - vMin) / 2,
		cells: a.cells + b.cells,
		skew:  (a.skew*float64(a.cells) + b.skew*float64(b.cells)) / float64(a.cells+b.cells),
	}, true
}

// Scan-line geometry: the step between samples along a line and between
// lines, in pixels, how far a line reaches beyond its region (for the
// quiet zones), and how far to either side of the line the profile
// averages the pixels, along the bars.
const (
	sampleStep = 0.5
	lineGap    = 4.0
	lineMargin = 48.0
	lineSpread = 1.0
	maxLines   = 64
	// blurEvery spaces the lines of the blurred Code 128 reading, the
	// slowest, 16 pixels apart; around a line that reads a code, every
	// other line is read, 8 pixels apart, as the reading once read them
	// all: where the codes are, the votes are the same, and the rest of a
	// region costs half (on the shared box-label and sample photos, the
	// same codes are read).
	blurEvery = 4
)

// profile samples g along the line from (x0, y0) in steps of (dx, dy),
// averaging three points spread along (sx, sy), with bilinear
// interpolation; points outside the image read as its nearest edge.
func profile(g Gray, x0, y0, dx, dy, sx, sy float64, n int, out []float32) []float32 {
	out = out[:0]
	if n <= 0 {
		return out
	}
	// Lines wholly inside the image take the fast way, without the
	// clamping at the edges.
	pix, st := g.Pix, g.Stride
	in := func(x, y float64) bool { return x >= 0 && y >= 0 && x < float64(g.Width-1) && y < float64(g.Height-1) }
	xe, ye := x0+float64(n-1)*dx, y0+float64(n-1)*dy
	if in(x0-sx, y0-sy) && in(x0+sx, y0+sy) && in(xe-sx, ye-sy) && in(xe+sx, ye+sy) {
		for i := range n {
			x, y := x0+float64(i)*dx, y0+float64(i)*dy
			out = append(out, lerp3(pix, st, x, y, sx, sy)/3)
		}
		return out
	}
	// Points where lerp3Edge would not move (it keeps 1e-3 inside the
	// last pixel) give the same value without moving.
	xMax, yMax := float64(g.Width-1)-1e-3, float64(g.Height-1)-1e-3
	safe := func(x, y float64) bool { return x >= 0 && y >= 0 && x <= xMax && y <= yMax }
	for i := range n {
		x, y := x0+float64(i)*dx, y0+float64(i)*dy
		var v float32
		if safe(x-sx, y-sy) && safe(x, y) && safe(x+sx, y+sy) {
			v = lerp3(pix, st, x, y, sx, sy)
		} else {
			v = lerp3Edge(pix, st, xMax, yMax, x, y, sx, sy)
		}
		out = append(out, v/3)
	}
	return out
}

// lerp3 is the sum of the bilinear values at (x, y) less and plus (sx, sy),
// three points inside the image less one pixel at the right and bottom.
// One call a sample, the three lookups in it: the profiles are the
// any-angle reader's hottest loop.
func lerp3(pix []byte, stride int, x, y, sx, sy float64) float32 {
	var sum float32
	for _, k := range [3]float64{-1, 0, 1} {
		px, py := x+k*sx, y+k*sy // exactly x-sx, x, x+sx
		ix, iy := int(px), int(py)
		fx, fy := float32(px-float64(ix)), float32(py-float64(iy))
		i := iy*stride + ix
		p00, p01 := float32(pix[i]), float32(pix[i+1])
		p10, p11 := float32(pix[i+stride]), float32(pix[i+stride+1])
		top := p00 + fx*(p01-p00)
		sum += top + fy*(p10+fx*(p11-p10)-top)
	}
	return sum
}

// lerp3Edge is lerp3 for points that may lie beyond the image: each is
// first moved to the nearest point at most xMax, yMax (1e-3 inside the
// last pixel), so that beyond its edge the image reads as the edge: a code
// cut close has no edge there. It repeats lerp3's lookup rather than share
// it: a shared lookup is over the inliner's budget (three calls a sample),
// and moving every point, as lerp3Edge does, cost the ori-heavy 1D samples
// 5% more CPU (measured); TestProfileEdge holds both to one reference.
func lerp3Edge(pix []byte, stride int, xMax, yMax, x, y, sx, sy float64) float32 {
	var sum float32
	for _, k := range [3]float64{-1, 0, 1} {
		px, py := max(0, min(x+k*sx, xMax)), max(0, min(y+k*sy, yMax))
		ix, iy := int(px), int(py)
		fx, fy := float32(px-float64(ix)), float32(py-float64(iy))
		i := iy*stride + ix
		p00, p01 := float32(pix[i]), float32(pix[i+1])
		p10, p11 := float32(pix[i+stride]), float32(pix[i+stride+1])
		top := p00 + fx*(p01-p00)
		sum += top + fy*(p10+fx*(p11-p10)-top)
	}
	return sum
}

// Edge thresholds: the least slope an edge has, in gray levels over one
// pixel, and the least fraction of the steepest slope nearby.
const (
	minSlope      = 6
	relSlope      = 0.12
	slopeWindow   = 32 // samples either side for "nearby"
	slopeBlockPow = 4
)

// edges finds the edges of profile p, sampled every step pixels, and
// returns them as runs: an edge is a local extreme of the slope, steep
// enough, and edges alternate between falling (into a bar) and rising;
// of two neighbouring extremes of one sign, the steeper counts.
func edges(p []float32, step float64, d []float32, x []float64) (runs, []float32) {
	n := len(p)
	d = d[:0]
	d = append(d, 0)
	for i := 1; i < n-1; i++ {
		d = append(d, p[i+1]-p[i-1])
	}
	d = append(d, 0)
	// The steepest slope in blocks of 16 samples, for the local threshold.
	nb := (n >> slopeBlockPow) + 1
	var blocks [256]float32
	bmax := blocks[:0]
	if nb > len(blocks) {
		bmax = make([]float32, 0, nb)
	}
	for b := range nb {
		m := float32(0)
		for i := b << slopeBlockPow; i < min(n, (b+1)<<slopeBlockPow); i++ {
			m = max(m, abs32(d[i]))
		}
		bmax = append(bmax, m)
	}
	x = append(x[:0], 0)
	dark0 := false
	lastSign := 0
	lastMag := float32(0)
	for i := 1; i < n-1; i++ {
		v := d[i]
		sign := 1
		if v < 0 {
			sign = -1
		}
		a := abs32(v)
		// d is over two samples: the slope per pixel is a/(2*step).
		if a < float32(2*step*minSlope) {
			continue
		}
		if (sign > 0 && (v < d[i-1] || v <= d[i+1])) || (sign < 0 && (v > d[i-1] || v >= d[i+1])) {
			continue
		}
		b := i >> slopeBlockPow
		local := bmax[b]
		if b > 0 {
			local = max(local, bmax[b-1])
		}
		if b+1 < len(bmax) {
			local = max(local, bmax[b+1])
		}
		if a < relSlope*local {
			continue
		}
		// The vertex of the parabola through the three slopes.
		off := 0.0
		if den := float64(d[i-1] - 2*v + d[i+1]); den != 0 {
			off = math.Max(-0.5, math.Min(0.5, 0.5*float64(d[i-1]-d[i+1])/den))
		}
		pos := (float64(i) + off) * step
		if sign == lastSign {
			if a > lastMag {
				x[len(x)-1], lastMag = pos, a
			}
			continue
		}
		if lastSign == 0 {
			dark0 = sign > 0 // the first element ends with a rise: it is dark
		}
		x = append(x, pos)
		lastSign, lastMag = sign, a
	}
	x = append(x, float64(n-1)*step)
	return runs{x: x, dark0: dark0}, d
}

// crossings returns the runs of profile p, sampled every step pixels, cut
// where it crosses the middle between its darkest and lightest samples
// within about 12 samples either side (a threshold that follows shadows),
// between samples by linear interpolation. Where the samples nearby
// differ by less than minContrast, the profile counts as light.
//
// tmp is scratch space, returned grown for the next call.
func crossings(p []float32, step float64, x []float64, tmp []float32) (runs, []float32) {
	const minContrast = 24
	n := len(p)
	nb := (n >> 3) + 1
	tmp = slices.Grow(tmp[:0], 3*nb)[:3*nb]
	lo, hi, thr := tmp[:nb], tmp[nb:2*nb], tmp[2*nb:]
	for b := range nb {
		lo[b], hi[b] = 255, 0
		for _, v := range p[b<<3 : min(n, (b+1)<<3)] {
			lo[b], hi[b] = min(lo[b], v), max(hi[b], v)
		}
	}
	// Each block's threshold, from the blocks within two of it; below
	// every sample where they lack the contrast for any to be dark.
	for b := range nb {
		l, h := lo[b], hi[b]
		for k := max(0, b-2); k <= min(nb-1, b+2); k++ {
			l, h = min(l, lo[k]), max(h, hi[k])
		}
		thr[b] = (l + h) / 2
		if h-l < minContrast {
			thr[b] = -1
		}
	}
	x = append(x[:0], 0)
	dark := func(i int) bool { return p[i] < thr[i>>3] }
	dark0 := dark(0)
	was := dark0
	for i := 1; i < n; i++ {
		d := dark(i)
		if d == was {
			continue
		}
		t := thr[i>>3]
		pos := float64(i)
		if den := p[i] - p[i-1]; den != 0 {
			f := float64((t - p[i-1]) / den)
			pos = float64(i-1) + math.Max(0, math.Min(1, f))
		}
		x = append(x, pos*step)
		was = d
	}
	x = append(x, float64(n-1)*step)
	return runs{x: x, dark0: dark0}, tmp
}

// bumpDepth is how deep, as a part of the contrast around it, an element
// must stand out from its neighbours to count: less is a bump in a wide
// bar (a sharpened photo rings there) or noise in a quiet zone.
const bumpDepth = 0.2

// dropBumps merges into their neighbours the elements of r that do not
// stand out from them: a light element no lighter than the lighter of the
// dark ones beside it by bumpDepth of the contrast nearby, or the same
// for a dark one.
//
// It takes r's edges for its own. tmp and kind are scratch space, returned
// grown for the next call.
func dropBumps(p []float32, step float64, r runs, tmp []float32, kind []bool) (runs, []float32, []bool) {
	// ext[i]: the lightest sample of a light element, the darkest of a
	// dark one.
	n := r.n()
	if n < 5 {
		return r, tmp, kind
	}
	tmp = slices.Grow(tmp[:0], 2*n)[:2*n]
	ext := tmp[:n]
	for i := range n {
		a, b := int(math.Ceil(r.x[i]/step)), int(r.x[i+1]/step)
		a, b = max(0, min(a, len(p)-1)), max(0, min(b, len(p)-1))
		v := p[a]
		for _, q := range p[a : b+1] {
			if r.dark(i) {
				v = min(v, q)
			} else {
				v = max(v, q)
			}
		}
		ext[i] = v
	}
	x := r.x[:1]
	keep := tmp[n:n]
	kept := kind[:0] // dark, per element kept
	for i := range n {
		x = append(x, r.x[i+1])
		keep = append(keep, ext[i])
		kept = append(kept, r.dark(i))
		k := len(keep)
		if k < 3 || i == n-1 {
			continue
		}
		// The element before the last, between two of the other kind.
		mid := k - 2
		lo, hi := keep[mid], keep[mid]
		for j := max(0, mid-6); j < min(k, mid+7); j++ {
			lo, hi = min(lo, keep[j]), max(hi, keep[j])
		}
		var depth float32
		if kept[mid] {
			depth = min(keep[mid-1], keep[mid+1]) - keep[mid]
		} else {
			depth = keep[mid] - max(keep[mid-1], keep[mid+1])
		}
		if depth >= bumpDepth*(hi-lo) {
			continue
		}
		// Merge the three into one of the outer kind.
		merged := keep[mid-1]
		if kept[mid-1] {
			merged = min(merged, keep[mid+1])
		} else {
			merged = max(merged, keep[mid+1])
		}
		x = append(x[:mid], x[mid+2:]...)
		keep = append(keep[:mid-1], merged)
		kept = kept[:mid]
	}
	return runs{x: x, dark0: r.dark0}, tmp, kept
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// regionRead is a code read on some scan lines of a region.
type regionRead struct {
	lineRead
	lines          map[int]bool
	uMin, uMax     float64 // along the lines, from the region's centre
	vMin, vMax     float64 // the lines' offsets
	forward, total int
}

// scanTurns are the turns, from the direction across the bars, of the
// scan lines across a region. Seen in perspective, a code's bars are not
// square to its length: a line square to the bars can leave a long code
// through its top before it reaches its end, where one turned a few
// degrees runs along it.
var scanTurns = []float64{0, -5 * math.Pi / 180, 5 * math.Pi / 180}

// minSkew is the shear (region.skew) past which a pass of lines along the
// code's length is added to the turned passes.
const minSkew = 7.5 * math.Pi / 180

// readRegion reads the 1D codes of one region on scan lines across it.
//
// rows, when not nil, gives the codes the row reader (linear) read in the
// same image, waiting for it if need be: the slow passes skip the lines
// of a region that lie on such a code, as they skip those the first pass
// read. stacked, when not nil, gives the PDF417 and MicroPDF417 symbols
// read in the image, waiting for them: a region inside one is not read.
// twoD, when not nil, gives the 2D and stacked codes read in the image,
// waiting for them: a region inside one gets no slow passes.
//
// Its lines are read on workers goroutines.
func (d *Decoder) readRegion(g Gray, r region, minLines int, rows, stacked, twoD func() []Barcode, workers int) []Barcode {
	reads := map[string]*regionRead{}
	var order []string
	var strong [][2]float64 // the lines on codes the row reader read on many lines
	if rows != nil && !d.opts.Fast {
		var most bool
		if strong, most = r.strongCover(rows()); most {
			// Most lines of the region lie on such codes, the rest
			// along them: nothing is left here to read.
			return nil
		}
	}
	if stacked != nil && !d.opts.Fast && r.within(stacked()) {
		// The bars of a PDF417 symbol's rows: a 1D code read there would
		// be left out as a fragment of the symbol.
		return nil
	}
	// The square pass skips the lines on those codes too: read there, they
	// would give the row reader's code again (the region takes in the
	// digits under the bars, so a code read on every row seldom covers 70%
	// of it and leaves the region unread).
	square := d.newPass(g, r, 0, 0, strong, false)
	jobs := square.jobs(square.all(), nil)
	order = recordJobs(jobs, readJobs(jobs, workers), reads, order, nil)
	if d.opts.Fast {
		// A camera frame: the next frame is another try.
		return d.voteRegion(r, reads, order, minLines)
	}
	if twoD != nil && r.within(twoD()) {
		// The bars of a PDF417 symbol's rows, or a 2D code's edges: a
		// 1D code read there would be left out as a fragment of it.
		return d.voteRegion(r, reads, order, minLines)
	}
	// The turned lines and then the blurred reading (spaced lines,
	// the slow reading) only where no line has read a code yet.
	covered := func() [][2]float64 {
		out := [][2]float64{}
		for _, h := range reads {
			if len(h.lines) >= d.regionLines(h.sym, minLines) {
				out = append(out, [2]float64{h.vMin - lineGap, h.vMax + lineGap})
			}
		}
		return out
	}
	var known [][2]float64
	if rows != nil {
		known = r.coveredBy(rows())
	}
	skip := append(covered(), known...)
	if rows != nil && r.spannedBy(rows()) {
		// The region's bars are a code the row reader read, on some of
		// its lines: the lines it failed on (a damaged or faded part of
		// the bars) would give that code again or a misreading of it,
		// and no other code fits beside it. The square pass read them.
		return d.voteRegion(r, reads, order, minLines)
	}
	if spanned(skip, r.halfV) >= readMost {
		// What is left of the region is a strip along a code read
		// (bars that end unevenly, the digits under them), not room
		// for another code of its own.
		return d.voteRegion(r, reads, order, minLines)
	}
	// The turned passes, and then the blurred reading, which skips the
	// lines on codes the turned passes read. The lines of all of them are
	// read in one batch, so that the workers share them out as they go
	// (pass by pass, the few lines of a small region left one worker
	// waiting on the other): the blurred reading's first lines are read
	// before it is known which it skips, and those it skips are dropped.
	// The readings are recorded as if the passes had run one by one.
	jobs = jobs[:0]
	for ti, turn := range scanTurns[1:] {
		p := d.newPass(g, r, turn, (ti+1)*maxLines, skip, false)
		jobs = p.jobs(p.all(), jobs)
	}
	if math.Abs(r.skew) > minSkew {
		// Bars sheared further than the turned passes reach: lines
		// along the code's length.
		p := d.newPass(g, r, r.skew, (len(scanTurns)+2)*maxLines, skip, false)
		jobs = p.jobs(p.all(), jobs)
	}
	turned := len(jobs)
	var blur *regionPass
	if d.want[serialgate.Code128] || d.want[serialgate.EAN13] || d.want[serialgate.UPCA] {
		blur = d.newPass(g, r, 0, len(scanTurns)*maxLines, skip, true)
		jobs = blur.jobs(blur.spaced(), jobs)
	}
	found := readJobs(jobs, workers)
	order = recordJobs(jobs[:turned], found[:turned], reads, order, nil)
	if blur == nil {
		return d.voteRegion(r, reads, order, minLines)
	}
	blur.skip = append(covered(), known...)
	var hits []int
	order = recordJobs(jobs[turned:], found[turned:], reads, order, &hits)
	jobs = blur.jobs(blur.around(hits), nil)
	order = recordJobs(jobs, readJobs(jobs, workers), reads, order, nil)
	out := d.voteRegion(r, reads, order, minLines)
	rest := append(covered(), known...)
	switch {
	case len(out) == 0:
		// Last, where the region read nothing at all: its lines square
		// to the bars again, each profile sharpened (an unsharp mask
		// along the line). A photo blurred to about half a module, with
		// motion on top, leaves the narrow bars too shallow for the
		// edges and the blurred reading both; sharpened, they read
		// (bench/boxsynth seed 8, photo 25: a serial and a model code
		// that zbarimg read; 25 more codes on the 180 held-out photos,
		// 5 on the 488 sample and box photos, no misread; 4% more CPU
		// on the box photos).
		sp := d.newPass(g, r, 0, (len(scanTurns)+1)*maxLines, rest, false)
		sp.sharp = true
		jobs = sp.jobs(sp.all(), nil)
		order = recordJobs(jobs, readJobs(jobs, workers), reads, order, nil)
		out = d.voteRegion(r, reads, order, minLines)
	case spanned(rest, r.halfV) < readMost:
		// A region that read some codes on fewer than most of its lines
		// (a blurred serial beside a UPC-A that only sharpened lines
		// read) has the rest read sharpened too, but apart: the codes
		// read stay as they are, and a sharpened reading that one of
		// them rivals, or that repeats one, is left out.
		sp := d.newPass(g, r, 0, (len(scanTurns)+1)*maxLines, rest, false)
		sp.sharp = true
		jobs = sp.jobs(sp.all(), nil)
		more := map[string]*regionRead{}
		mo := recordJobs(jobs, readJobs(jobs, workers), more, nil, nil)
		mo = slices.DeleteFunc(mo, func(k string) bool { return reads[k] != nil || rivalled(more[k], reads) })
		out = append(out, d.voteRegion(r, more, mo, minLines)...)
	}
	return out
}

// lineBufs are a scan line's buffers: its profile and the profile reversed,
// the slopes, the edges found two ways and reversed, and scratch space.
type lineBufs struct {
	p, rp, dv   []float32
	xs, cx, rev []float64
	tmp         []float32 // scratch
	kind        []bool
}

// lineBufPool keeps the buffers of lines read for the next lines: a region
// is read in several passes of up to maxLines lines, and buffers grown
// afresh for each were a tenth of what a decode allocated (every new page
// of which the kernel must map and zero).
var lineBufPool = sync.Pool{New: func() any { return new(lineBufs) }}

// regionPass is one pass of scan lines across a region r: the lines
// turned by turn radians from square to its bars, numbered from first,
// read as blurred Code 128 only when blur is set. Lines whose offsets lie
// in a range of skip are passed over.
type regionPass struct {
	d      *Decoder
	g      Gray
	r      region
	first  int
	blur   bool
	sharp  bool // each profile sharpened (sharpened) before its edges
	skip   [][2]float64
	ux, uy float64 // along the lines
	half   float64 // half a line's length
	n      int     // samples a line
	nLines int
	gap    float64 // between lines
}

// newPass lays out a pass of lines across r (see regionPass).
func (d *Decoder) newPass(g Gray, r region, turn float64, first int, skip [][2]float64, blur bool) *regionPass {
	sin, cos := math.Sin(turn), math.Cos(turn)
	p := &regionPass{d: d, g: g, r: r, first: first, blur: blur, skip: skip}
	p.ux, p.uy = r.ux*cos-r.uy*sin, r.ux*sin+r.uy*cos
	p.half = r.halfU + lineMargin + r.halfV*math.Abs(sin)
	p.n = int(2 * p.half / sampleStep)
	p.nLines = min(maxLines, int(2*r.halfV/r.lineGap())+1)
	if p.nLines > 1 {
		p.gap = 2 * r.halfV / float64(p.nLines-1)
	}
	return p
}

// offset is line li's offset from the region's centre, along the bars.
func (p *regionPass) offset(li int) float64 {
	if p.nLines == 1 {
		return 0
	}
	return -p.r.halfV + float64(li)*p.gap
}

// skipped tells whether line li lies in a range of p.skip.
func (p *regionPass) skipped(li int) bool {
	v := p.offset(li)
	return slices.ContainsFunc(p.skip, func(c [2]float64) bool { return v >= c[0] && v <= c[1] })
}

// readBoth reads the line's runs rs, of profile b.p, both ways.
func (p *regionPass) readBoth(b *lineBufs, rs runs, found []lineRead) []lineRead {
	want := p.d.want
	wantC128 := want[serialgate.Code128]
	wantEAN := want[serialgate.EAN13] || want[serialgate.UPCA]
	wantITF := want[serialgate.ITF]
	wantC39 := want[serialgate.Code39]
	for dir := range 2 {
		cur := rs
		if dir == 1 {
			cur = rs.reversed(b.rev)
			b.rev = cur.x
		}
		at := len(found)
		if wantC128 && !p.blur {
			found = readCode128(cur, found)
		}
		if wantEAN && !p.blur {
			found = readEAN13(cur, found)
		}
		if wantITF && !p.blur {
			found = readITF(cur, found)
		}
		if wantC39 && !p.blur {
			found = readCode39(cur, found)
		}
		if p.blur && len(found) == at {
			cp := b.p
			if dir == 1 {
				b.rp = append(b.rp[:0], b.p...)
				slices.Reverse(b.rp)
				cp = b.rp
			}
			if wantC128 {
				found = readCode128Blurred(cp, sampleStep, cur, found)
			}
			if wantEAN && len(found) == at {
				found = readEANBlurred(cp, sampleStep, cur, found)
			}
		}
		if dir == 1 {
			for i := at; i < len(found); i++ {
				f := &found[i]
				f.from, f.to, f.reversed = 2*p.half-f.to, 2*p.half-f.from, true
			}
		}
	}
	return found
}

// readLine returns the codes line li reads. It depends on nothing but the
// line: lines are read in any order, on any worker (jobs leaves out the
// lines a pass skips).
func (p *regionPass) readLine(b *lineBufs, li int) []lineRead {
	r := p.r
	v := p.offset(li)
	vx, vy := -r.uy, r.ux // along the bars
	x0 := r.cx - p.half*p.ux + v*vx
	y0 := r.cy - p.half*p.uy + v*vy
	b.p = profile(p.g, x0, y0, sampleStep*p.ux, sampleStep*p.uy, lineSpread*vx, lineSpread*vy, p.n, b.p)
	if p.sharp {
		b.tmp = sharpened(b.p, b.tmp, sharpWin, 1)
		b.p, b.tmp = b.tmp, b.p
	}
	var rs runs
	rs, b.dv = edges(b.p, sampleStep, b.dv, b.xs)
	b.xs = rs.x
	if rs.n() < 20 {
		return nil
	}
	found := p.readBoth(b, rs, nil)
	retry := len(found) == 0 && !p.blur && !p.d.opts.Fast
	if retry {
		// A sharpened photo rings inside wide bars; noise marks the
		// quiet zones: the lines are read again without such bumps.
		var smooth runs
		smooth, b.tmp, b.kind = dropBumps(b.p, sampleStep, rs, b.tmp, b.kind)
		if smooth.n() < rs.n() {
			found = p.readBoth(b, smooth, found)
		}
	}
	if retry && len(found) == 0 {
		// Last, the classic way: where the profile crosses the middle
		// between the darkest and lightest samples nearby.
		var rs runs
		rs, b.tmp = crossings(b.p, sampleStep, b.cx, b.tmp)
		b.cx = rs.x
		found = p.readBoth(b, rs, found)
	}
	return found
}

// sharpWin is the reach of the sharpened pass's mean along a line, in
// samples: 2.5 pixels either way, a module or so of the photos it is for.
const sharpWin = 5

// sharpened returns p with each sample moved away from the mean of the
// samples within win of it by amount times its difference (an unsharp
// mask along the line), into out.
func sharpened(p, out []float32, win int, amount float32) []float32 {
	out = slices.Grow(out[:0], len(p))[:len(p)]
	var sum float32
	lo, hi := 0, 0 // the window [lo, hi)
	for i := range p {
		for hi < len(p) && hi <= i+win {
			sum += p[hi]
			hi++
		}
		for lo < i-win {
			sum -= p[lo]
			lo++
		}
		mean := sum / float32(hi-lo)
		out[i] = p[i] + amount*(p[i]-mean)
	}
	return out
}

// record adds line li's codes to reads, a new code's key to order.
func (p *regionPass) record(li int, found []lineRead, reads map[string]*regionRead, order []string) []string {
	v := p.offset(li)
	for _, f := range found {
		key := string(f.sym) + "\x00" + f.text
		h := reads[key]
		if h == nil {
			h = &regionRead{lineRead: f, lines: map[int]bool{}, uMin: math.Inf(1), uMax: math.Inf(-1), vMin: math.Inf(1), vMax: math.Inf(-1)}
			reads[key] = h
			order = append(order, key)
		}
		h.lines[p.first+li] = true
		h.uMin, h.uMax = min(h.uMin, f.from-p.half), max(h.uMax, f.to-p.half)
		h.vMin, h.vMax = min(h.vMin, v), max(h.vMax, v)
		h.total++
		if !f.reversed {
			h.forward++
		}
	}
	return order
}

// spaced are the lines the blurred reading takes first: every blurEvery-th.
func (p *regionPass) spaced() []int {
	var out []int
	for li := 0; li < p.nLines; li += blurEvery {
		out = append(out, li)
	}
	return out
}

// around are the lines the blurred reading takes next, every other line
// next to the spaced lines hits that read a code: so that a code found
// gets the lines a vote needs.
func (p *regionPass) around(hits []int) []int {
	var out []int
	next := -1 // the lines below next are read
	for _, li := range hits {
		for k := max(li-blurEvery+2, next, 0); k < min(li+blurEvery, p.nLines); k += 2 {
			if k%blurEvery != 0 {
				out = append(out, k)
			}
		}
		next = li + blurEvery
	}
	return out
}

// lineJob is one line of one pass.
type lineJob struct {
	p  *regionPass
	li int
}

// readJobs reads the lines jobs on workers goroutines, each taking the next
// line as it finishes one (lines differ much in cost: a line with no bars
// ends at once), and returns each line's codes in the jobs' order.
func readJobs(jobs []lineJob, workers int) [][]lineRead {
	found := make([][]lineRead, len(jobs))
	w := max(1, min(workers, len(jobs)))
	var next atomic.Int64
	work := func(int) {
		b := lineBufPool.Get().(*lineBufs)
		defer lineBufPool.Put(b)
		for {
			k := int(next.Add(1) - 1)
			if k >= len(jobs) {
				return
			}
			found[k] = jobs[k].p.readLine(b, jobs[k].li)
		}
	}
	if w == 1 {
		work(0)
	} else {
		inParallel(w, work)
	}
	return found
}

// jobs appends p's lines lis to out as jobs, those it skips left out.
func (p *regionPass) jobs(lis []int, out []lineJob) []lineJob {
	for _, li := range lis {
		if !p.skipped(li) {
			out = append(out, lineJob{p, li})
		}
	}
	return out
}

// all lists p's lines.
func (p *regionPass) all() []int {
	out := make([]int, p.nLines)
	for li := range out {
		out[li] = li
	}
	return out
}

// recordJobs records the codes found on the lines jobs (of any passes, in
// the order one pass after another reads them), those of lines their pass
// now skips left out; hits, when not nil, gets the lines that read a code.
func recordJobs(jobs []lineJob, found [][]lineRead, reads map[string]*regionRead, order []string, hits *[]int) []string {
	for k, j := range jobs {
		if j.p.skipped(j.li) {
			continue
		}
		order = j.p.record(j.li, found[k], reads, order)
		if hits != nil && len(found[k]) > 0 {
			*hits = append(*hits, j.li)
		}
	}
	return order
}

// voteRegion turns the readings of a region's lines into codes.
func (d *Decoder) voteRegion(r region, reads map[string]*regionRead, order []string, minLines int) []Barcode {
	vx, vy := -r.uy, r.ux
	var out []Barcode
	for _, key := range order {
		h := reads[key]
		if len(h.lines) < d.regionLines(h.sym, minLines) || rivalled(h, reads) {
			continue
		}
		b := Barcode{Barcode: serialgate.Barcode{Text: h.text, Symbology: h.sym, AIM: h.aim}, ScanLines: len(h.lines), oriented: true}
		for _, c := range [][2]float64{{h.uMin, h.vMin}, {h.uMax, h.vMin}, {h.uMax, h.vMax}, {h.uMin, h.vMax}} {
			b.Corners = append(b.Corners, Point{X: r.cx + c[0]*r.ux + c[1]*vx, Y: r.cy + c[0]*r.uy + c[1]*vy})
		}
		// The reading direction, counterclockwise from the image's x axis
		// (y points down), to the nearest quarter turn.
		deg := math.Atan2(-r.uy, r.ux) * 180 / math.Pi
		if 2*h.forward < h.total {
			deg += 180
			b.Corners = []Point{b.Corners[2], b.Corners[3], b.Corners[0], b.Corners[1]}
		}
		b.Angle = (int(math.Round(deg/90))*90%360 + 360) % 360
		out = append(out, b)
	}
	return out
}

// regionLines is how many lines of a region must read a code of f: at
// least minLines, and as many as the row reader asks for (Options.MinLines,
// or 3 for the symbologies without a check digit).
func (d *Decoder) regionLines(f serialgate.Symbology, minLines int) int {
	return max(minLines, d.minLines(f))
}

// rivalled tells whether another text of the same family was read where
// h stands on at least half as many lines: then neither reading can be
// trusted over the other.
func rivalled(h *regionRead, reads map[string]*regionRead) bool {
	for _, o := range reads {
		if o == h || family(o.sym) != family(h.sym) {
			continue
		}
		if o.uMax < h.uMin || h.uMax < o.uMin || o.vMax < h.vMin-lineGap || h.vMax < o.vMin-lineGap {
			continue
		}
		if 2*len(o.lines) >= len(h.lines) {
			return true
		}
	}
	return false
}

// wholeLines is the fewest scan lines a row reader's code is read on for
// a region it covers to be left unread (strongCover): a code read on a
// few lines may be a fragment of a longer one the region holds.
const wholeLines = 6

// strongCover returns the lines of r on the 1D codes bs read on
// wholeLines scan lines or more (see coveredBy), and whether they are
// readMost of r's lines or more.
func (r region) strongCover(bs []Barcode) (lines [][2]float64, most bool) {
	lines = r.coveredBy(strongCodes(bs))
	return lines, spanned(lines, r.halfV) >= readMost
}

// strongCodes are the codes of bs read on wholeLines scan lines or more.
func strongCodes(bs []Barcode) []Barcode {
	var out []Barcode
	for _, b := range bs {
		if b.ScanLines >= wholeLines {
			out = append(out, b)
		}
	}
	return out
}

// within tells whether r lies inside one of the 2D or stacked codes bs, as
// finish takes a 1D code for a fragment of one.
func (r region) within(bs []Barcode) bool {
	vx, vy := -r.uy, r.ux
	var c Barcode
	for _, k := range [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}} {
		u, v := k[0]*r.halfU, k[1]*r.halfV
		c.Corners = append(c.Corners, Point{X: r.cx + u*r.ux + v*vx, Y: r.cy + u*r.uy + v*vy})
	}
	for _, b := range bs {
		if !Is1D(b.Symbology) && inside(c, b, 0.1) {
			return true
		}
	}
	return false
}

// coveredBy returns the ranges of r's lines (offsets across the bars) that
// lie on one of the 1D codes bs, read elsewhere: a code whose centre is in
// r and which spans at least half of r along the bars' normal. A code
// beside another in one region spans less, and the other keeps its lines.
func (r region) coveredBy(bs []Barcode) [][2]float64 {
	var out [][2]float64
	for _, b := range bs {
		if !Is1D(b.Symbology) || len(b.Corners) == 0 {
			continue
		}
		e := r.extent(b)
		if math.Abs(e.cu) > r.halfU || math.Abs(e.cv) > r.halfV || e.uMax-e.uMin < r.halfU {
			continue
		}
		out = append(out, [2]float64{e.vMin - lineGap, e.vMax + lineGap})
	}
	return out
}

// codeExtent is where a code's corners lie in a region's frame: offsets
// across the bars (u) and along them (v), and their mean.
type codeExtent struct {
	uMin, uMax, vMin, vMax, cu, cv float64
}

// extent returns b's extent in r's frame.
func (r region) extent(b Barcode) codeExtent {
	vx, vy := -r.uy, r.ux
	e := codeExtent{uMin: math.Inf(1), uMax: math.Inf(-1), vMin: math.Inf(1), vMax: math.Inf(-1)}
	for _, p := range b.Corners {
		px, py := p.X-r.cx, p.Y-r.cy
		u, v := px*r.ux+py*r.uy, px*vx+py*vy
		e.uMin, e.uMax = math.Min(e.uMin, u), math.Max(e.uMax, u)
		e.vMin, e.vMax = math.Min(e.vMin, v), math.Max(e.vMax, v)
		e.cu, e.cv = e.cu+u, e.cv+v
	}
	e.cu, e.cv = e.cu/float64(len(b.Corners)), e.cv/float64(len(b.Corners))
	return e
}

// spanRoom is the room (pixels) across the bars that a region may leave on
// either side of a code spanning it (spannedBy): less than the shortest
// Code 128 symbol the blurred reading takes (35 modules of at least a
// pixel, with no data character) and than any other symbology's.
const spanRoom = 35

// spanAlign is the least cosine between a code's reading direction and a
// region's normal to the bars for the code to span it (about 25°).
const spanAlign = 0.9

// spannedBy tells whether one of the 1D codes bs, read elsewhere, runs
// across r, in r's direction and on some of its lines, leaving no room for
// another code beside it: then r's bars are that code's (and the printed
// digit or the quiet zone marks beside it).
func (r region) spannedBy(bs []Barcode) bool {
	for _, b := range bs {
		if !Is1D(b.Symbology) || len(b.Corners) < 2 {
			continue
		}
		dx, dy := b.Corners[1].X-b.Corners[0].X, b.Corners[1].Y-b.Corners[0].Y
		if l := math.Hypot(dx, dy); l == 0 || math.Abs(dx*r.ux+dy*r.uy) < spanAlign*l {
			continue
		}
		e := r.extent(b)
		if e.vMax < -r.halfV || e.vMin > r.halfV {
			continue
		}
		if e.uMax-e.uMin >= r.halfU && e.uMin+r.halfU < spanRoom && r.halfU-e.uMax < spanRoom {
			return true
		}
	}
	return false
}

// oriented reads the Code 128, Code 39, EAN-13, UPC-A and ITF codes of g at any
// angle. rows, stacked and twoD, when not nil, give the row reader's
// codes, the stacked codes and the 2D and stacked codes (see readRegion).
//
// found, when not nil, is given the regions as soon as they are known
// (the PDF417 reader looks there for turned MicroPDF417 symbols).
func (d *Decoder) oriented(g Gray, rows, stacked, twoD func() []Barcode, found func(rs []region, searched bool)) []Barcode {
	want1D := d.want[serialgate.Code128] || d.want[serialgate.Code39] || d.want[serialgate.EAN13] || d.want[serialgate.UPCA] ||
		d.want[serialgate.ITF]
	if !want1D && (found == nil || !d.microPDF417()) {
		return nil
	}
	rowStep := 2
	if d.opts.Fast {
		rowStep = 4
	}
	rs := findRegions(g, rowStep)
	if found != nil {
		found(rs, true)
	}
	if !want1D {
		return nil
	}
	if len(rs) == 0 {
		if r, ok := stripRegion(g); ok {
			rs = []region{r}
		}
	}
	// Two workers, unless the cores are a camera loop's (Fast): they share
	// the regions, or the lines of a region alone.
	cores := min(2, runtime.GOMAXPROCS(0))
	if d.opts.Fast {
		cores = 1
	}
	workers := max(1, min(cores, len(rs)))
	lineWorkers := cores / workers
	read := make([][]Barcode, workers)
	inParallel(workers, func(w int) {
		for i := w; i < len(rs); i += workers {
			read[w] = append(read[w], d.readRegion(g, rs[i], 2, rows, stacked, twoD, lineWorkers)...)
		}
	})
	return slices.Concat(read...)
}

// standing tells whether one of the regions rs of g stands more than 20°
// off upright bars, where the row reader reads it on the turned rows, or g
// is too thin for regions (a strip of a code, either way).
func standing(g Gray, rs []region) bool {
	if min(g.Width, g.Height) < stripThin {
		return true
	}
	return slices.ContainsFunc(rs, func(r region) bool { return math.Abs(r.uy) > math.Sin(20*math.Pi/180) })
}

// insideRect tells whether b's outline lies within the rectangle of o's four
// corners (first edge along the code), grown by a tenth of its size and a
// few pixels: a code read across the bars at any angle has a true outline,
// which a code stacked next to it does not enter.
func insideRect(b, o Barcode) bool {
	if len(o.Corners) != 4 || len(b.Corners) == 0 {
		return false
	}
	c0 := o.Corners[0]
	ux, uy := o.Corners[1].X-c0.X, o.Corners[1].Y-c0.Y
	vx, vy := o.Corners[3].X-c0.X, o.Corners[3].Y-c0.Y
	lu, lv := math.Hypot(ux, uy), math.Hypot(vx, vy)
	gu, gv := 0.1*lu+4, 0.1*lv+2*lineGap
	for _, p := range b.Corners {
		px, py := p.X-c0.X, p.Y-c0.Y
		u, v := 0.0, 0.0
		if lu > 0 {
			u = (px*ux + py*uy) / lu
		}
		if lv > 0 {
			v = (px*vx + py*vy) / lv
		}
		if u < -gu || u > lu+gu || v < -gv || v > lv+gv {
			return false
		}
	}
	return true
}

// readMost is the part of a region's lines on codes already read beyond
// which the slow passes are not given the rest: on the 1D samples they
// had taken about a sixth of the time, and reading the rest of regions
// covered half or more found no code more on the 488 sample and box
// photos.
const readMost = 0.7

// spanned is the part of the offsets from -half to half that the ranges
// rs cover.
func spanned(rs [][2]float64, half float64) float64 {
	if half <= 0 {
		return 1
	}
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b [2]float64) int { return cmp.Compare(a[0], b[0]) })
	covered, reach := 0.0, -half
	for _, c := range rs {
		lo, hi := math.Max(c[0], reach), math.Min(c[1], half)
		if hi > lo {
			covered += hi - lo
		}
		reach = math.Max(reach, hi)
	}
	return covered / (2 * half)
}
