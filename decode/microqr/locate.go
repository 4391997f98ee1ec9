package microqr

import (
	"math"
	"sort"
)

// finderCorners finds the four outer corners of the finder pattern around
// f, in order around the square: it fills the dark ring that surrounds the
// centre block and takes the ring's extreme points.
func (b *bitmap) finderCorners(f finder) ([4]Point, bool) {
	cx, cy := int(f.x), int(f.y)
	reach := int(6*f.module) + 3
	// Walk right from the centre: dark centre, light ring, then the dark ring.
	x := cx
	for ; x < cx+reach && b.at(x, cy); x++ {
	}
	for ; x < cx+reach && !b.at(x, cy); x++ {
	}
	if x >= cx+reach || !b.at(x, cy) {
		return [4]Point{}, false
	}
	x0, y0, x1, y1 := cx-reach, cy-reach, cx+reach, cy+reach
	side := x1 - x0 + 1
	seen := make([]bool, side*side) // the box around the finder, from (x0, y0)
	mark := func(x, y int) bool {
		k := (y-y0)*side + x - x0
		was := seen[k]
		seen[k] = true
		return was
	}
	stack := [][2]int{{x, cy}}
	mark(x, cy)
	var pts [][2]int
	maxPix := int(40*f.module*f.module) + 64
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		pts = append(pts, p)
		if len(pts) > maxPix {
			return [4]Point{}, false // leaked into the symbol's other dark modules
		}
		for dy := -1; dy <= 1; dy++ {
			for dx := -1; dx <= 1; dx++ {
				nx, ny := p[0]+dx, p[1]+dy
				if nx <= x0 || ny <= y0 || nx >= x1 || ny >= y1 {
					if b.at(nx, ny) {
						return [4]Point{}, false // reaches too far to be the ring
					}
					continue
				}
				if !b.at(nx, ny) || mark(nx, ny) {
					continue
				}
				stack = append(stack, [2]int{nx, ny})
			}
		}
	}
	if mark(cx, cy) || len(pts) < 12 {
		return [4]Point{}, false // the centre block joins the ring: no ring
	}
	var mx, my float64
	for _, p := range pts {
		mx += float64(p[0]) + 0.5
		my += float64(p[1]) + 0.5
	}
	mx /= float64(len(pts))
	my /= float64(len(pts))
	pt := func(p [2]int) Point { return Point{float64(p[0]) + 0.5, float64(p[1]) + 0.5} }
	far := func(from Point) Point {
		best, bd := from, -1.0
		for _, p := range pts {
			q := pt(p)
			if d := math.Hypot(q.X-from.X, q.Y-from.Y); d > bd {
				best, bd = q, d
			}
		}
		return best
	}
	c1 := far(Point{mx, my})
	c3 := far(c1)
	var c2, c4 Point
	hi, lo := 0.0, 0.0
	for _, p := range pts {
		q := pt(p)
		s := (c3.X-c1.X)*(q.Y-c1.Y) - (c3.Y-c1.Y)*(q.X-c1.X)
		if s > hi {
			hi, c2 = s, q
		}
		if s < lo {
			lo, c4 = s, q
		}
	}
	diag := math.Hypot(c3.X-c1.X, c3.Y-c1.Y)
	if hi <= 0 || lo >= 0 || diag < 4 {
		return [4]Point{}, false
	}
	// A square: the other diagonal about as long, the sides about equal.
	if d2 := math.Hypot(c2.X-c4.X, c2.Y-c4.Y); d2 < diag*0.6 || d2 > diag/0.6 {
		return [4]Point{}, false
	}
	// Blur rounds the corners, pulling the rough ones inwards: sides are
	// fitted to the pixels near the line between them, then, if that
	// fails, to those a little farther.
	rough := [4]Point{c1, c2, c3, c4}
	if cs, ok := b.fitSides(pts, rough, f, 1.5); ok {
		return cs, true
	}
	return b.fitSides(pts, rough, f, max(1.5, 0.6*f.module))
}

// fitSides fits each side of the finder as a line through the ring's
// outer boundary pixels pts lying within tol pixels of the line between
// two rough corners, and returns the corners where the lines meet.
func (b *bitmap) fitSides(pts [][2]int, cs [4]Point, f finder, tol float64) ([4]Point, bool) {
	pt := func(p [2]int) Point { return Point{float64(p[0]) + 0.5, float64(p[1]) + 0.5} }
	// Each side is fitted as a line through the ring's outer boundary
	// pixels between two rough corners, and the corners are taken again
	// where the lines meet.
	var lines [4][3]float64 // a·x + b·y = c, (a, b) pointing outwards
	for i := range 4 {
		p, q := cs[i], cs[(i+1)%4]
		var sx, sy, sxx, syy, sxy, n float64
		for _, px := range pts {
			if !b.outerEdge(px, f) {
				continue
			}
			pp := pt(px)
			// along the side, away from its ends
			dx, dy := q.X-p.X, q.Y-p.Y
			l2 := dx*dx + dy*dy
			tpos := ((pp.X-p.X)*dx + (pp.Y-p.Y)*dy) / l2
			dist := math.Abs((pp.X-p.X)*dy-(pp.Y-p.Y)*dx) / math.Sqrt(l2)
			if tpos < 0.15 || tpos > 0.85 || dist > tol {
				continue
			}
			sx += pp.X
			sy += pp.Y
			sxx += pp.X * pp.X
			syy += pp.Y * pp.Y
			sxy += pp.X * pp.Y
			n++
		}
		if n < 3 {
			return [4]Point{}, false
		}
		mx, my := sx/n, sy/n
		cxx, cyy, cxy := sxx/n-mx*mx, syy/n-my*my, sxy/n-mx*my
		// the line's direction is the principal axis of the points
		theta := 0.5 * math.Atan2(2*cxy, cxx-cyy)
		a, b := -math.Sin(theta), math.Cos(theta)
		mid := Point{(p.X + q.X) / 2, (p.Y + q.Y) / 2}
		if a*(mid.X-f.x)+b*(mid.Y-f.y) < 0 {
			a, b = -a, -b
		}
		// boundary pixel centres lie half a pixel inside the edge
		lines[i] = [3]float64{a, b, a*mx + b*my + 0.5}
	}
	for i := range 4 {
		l1, l2 := lines[(i+3)%4], lines[i]
		det := l1[0]*l2[1] - l1[1]*l2[0]
		if math.Abs(det) < 0.1 {
			return [4]Point{}, false
		}
		c := Point{(l1[2]*l2[1] - l1[1]*l2[2]) / det, (l1[0]*l2[2] - l1[2]*l2[0]) / det}
		if math.Hypot(c.X-cs[i].X, c.Y-cs[i].Y) > 2*f.module+2 {
			return [4]Point{}, false
		}
		cs[i] = c
	}
	return cs, true
}

// outerEdge tells whether the dark pixel px has a light 4-neighbour
// farther from the finder's centre than itself.
func (b *bitmap) outerEdge(px [2]int, f finder) bool {
	d0 := math.Hypot(float64(px[0])+0.5-f.x, float64(px[1])+0.5-f.y)
	for _, d := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
		x, y := px[0]+d[0], px[1]+d[1]
		if !b.at(x, y) && math.Hypot(float64(x)+0.5-f.x, float64(y)+0.5-f.y) > d0 {
			return true
		}
	}
	return false
}

// placement is one way of laying the symbol's module grid on the image.
type placement struct {
	h      homography
	n      int
	finder [4]Point // the finder's corners at module (0,0), (7,0), (7,7), (0,7)
}

// orientations lists the ways the finder with corners cs may stand, best
// first: each corner of the finder taken as the symbol's, in both
// handednesses, whose format information (read with the finder's own
// geometry) decodes to a symbol, with the timing patterns starting as they
// must beside it.
func (b *bitmap) orientations(cs [4]Point) []placement {
	type cand struct {
		p     placement
		score int
	}
	var cands []cand
	unit := []Point{{0, 0}, {7, 0}, {7, 7}, {0, 7}}
	for k := range 4 {
		c, a, d, e := cs[k], cs[(k+1)%4], cs[(k+2)%4], cs[(k+3)%4]
		for range 2 {
			a, e = e, a
			h0, ok := fitHomography(unit, []Point{c, a, d, e})
			if !ok {
				continue
			}
			raw := 0
			for col := 1; col <= 8; col++ {
				raw = raw<<1 | b2i(b.atf(h0.apply(float64(col)+0.5, 8.5)))
			}
			for row := 7; row >= 1; row-- {
				raw = raw<<1 | b2i(b.atf(h0.apply(8.5, float64(row)+0.5)))
			}
			num, _, wrong, ok := readFormat(raw, 3)
			if !ok {
				continue
			}
			// The separator and the first timing modules on both sides.
			bad := wrong
			for i, want := range []bool{false, true, false, true} {
				t := 7.5 + float64(i)
				bad += b2i(b.atf(h0.apply(t, 0.5)) != want) + b2i(b.atf(h0.apply(0.5, t)) != want)
			}
			if bad > 4 {
				continue
			}
			cands = append(cands, cand{placement{h0, symbols[num].size(), [4]Point{c, a, d, e}}, bad})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score < cands[j].score })
	out := make([]placement, len(cands))
	for i, c := range cands {
		out[i] = c.p
	}
	return out
}

// refine fits the grid of p again to what the image shows beyond the
// finder: the edges between the timing modules along the top and left,
// and the symbol's right and bottom edges where their modules are dark.
func (b *bitmap) refine(p placement, edges bool) (placement, bool) {
	n := float64(p.n)
	src := []Point{{0, 0}, {7, 0}, {7, 7}, {0, 7}}
	dst := append([]Point{}, p.finder[:]...)
	const step = 0.0625
	for _, down := range []bool{false, true} {
		at := func(t, s float64) Point {
			if down {
				return p.h.apply(s, t)
			}
			return p.h.apply(t, s)
		}
		// Timing: each edge between modules j-1 and j (j = 8 … n) lies
		// where the colour changes nearest to j.
		for j := 8; j <= p.n; j++ {
			wantDark := j%2 == 1 // module j-1 is dark when j-1 is even
			best := math.Inf(1)
			for t := float64(j) - 0.5; t <= float64(j)+0.5; t += step {
				if b.atf(at(t-step/2, 0.5)) == wantDark && b.atf(at(t+step/2, 0.5)) != wantDark {
					if math.Abs(t-float64(j)) < math.Abs(best-float64(j)) {
						best = t
					}
				}
			}
			if !math.IsInf(best, 1) {
				src = append(src, mod(down, float64(j), 0.5))
				dst = append(dst, at(best, 0.5))
			}
		}
		if !edges {
			continue
		}
		// The far edge, seen from outside: where a module of the last
		// row or column is dark, its outer side is the symbol's edge.
		type hit struct {
			s, t float64
		}
		var hits []hit
		for i := 1; i < p.n; i++ {
			s := float64(i) + 0.5
			for t := n + 1.5; t > n-0.75; t -= step {
				if b.atf(at(s, t)) && b.atf(at(s, t-0.25)) && b.atf(at(s, t-0.5)) {
					hits = append(hits, hit{s, t + step/2})
					break
				}
			}
		}
		far := math.Inf(-1)
		for _, h := range hits {
			far = max(far, h.t)
		}
		for _, h := range hits {
			if h.t > far-0.5 {
				src = append(src, mod(down, h.s, n))
				dst = append(dst, at(h.s, h.t))
			}
		}
	}
	h, ok := fitHomography(src, dst)
	if !ok {
		return p, false
	}
	return placement{h, p.n, p.finder}, true
}

// mod is the module-space point at t along a timing pattern and s across
// it: along the top (u = t, v = s), or down the left (u = s, v = t).
func mod(down bool, t, s float64) Point {
	if down {
		return Point{s, t}
	}
	return Point{t, s}
}

// sample reads the n×n grid of module centres.
func (b *bitmap) sample(p placement) grid {
	g := newGrid(p.n)
	for r := range p.n {
		for c := range p.n {
			g[r][c] = b.atf(p.h.apply(float64(c)+0.5, float64(r)+0.5))
		}
	}
	return g
}

// patternErrors counts the modules of the finder, its separator and the
// timing patterns that differ from what they must be.
func (g grid) patternErrors() int {
	n := len(g)
	bad := 0
	for r := range 8 {
		for c := range 8 {
			dr, dc := max(r-3, 3-r), max(c-3, 3-c)
			d := max(dr, dc)
			want := d != 2 && d != 4
			if g[r][c] != want {
				bad++
			}
		}
	}
	for i := 8; i < n; i++ {
		want := i%2 == 0
		if g[0][i] != want {
			bad++
		}
		if g[i][0] != want {
			bad++
		}
	}
	return bad
}
