package microqr

import "math"

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
	seen := map[int]bool{}
	stack := [][2]int{{x, cy}}
	seen[cy*b.w+x] = true
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
				k := ny*b.w + nx
				if nx < 0 || ny < 0 || nx >= b.w || ny >= b.h || seen[k] || !b.dark[k] {
					continue
				}
				seen[k] = true
				stack = append(stack, [2]int{nx, ny})
			}
		}
	}
	if seen[cy*b.w+cx] || len(pts) < 12 {
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
	// Each extreme pixel's centre lies half a pixel inside the corner.
	cs := [4]Point{c1, c2, c3, c4}
	for i, c := range cs {
		dx, dy := c.X-mx, c.Y-my
		d := math.Hypot(dx, dy)
		if d > 0 {
			cs[i] = Point{c.X + 0.7*dx/d, c.Y + 0.7*dy/d}
		}
	}
	return cs, true
}

// timing follows a timing pattern from the finder's edge: along v = 0.5
// (or u = 0.5 when down is true) in the module space of h, it expects the
// light separator, then dark and light modules in turn, then the quiet
// zone. It returns the module count the pattern gives and the image
// points of the edges between its modules, with their module coordinates.
func (b *bitmap) timing(h homography, down bool) (n int, img, mod []Point, ok bool) {
	const step = 0.125
	at := func(t float64) Point {
		if down {
			return h.apply(0.5, t)
		}
		return h.apply(t, 0.5)
	}
	type run struct {
		dark       bool
		start, end float64
	}
	var runs []run
	for t := 7.0 + step/2; t < 21; t += step {
		d := b.atf(at(t))
		if len(runs) == 0 || runs[len(runs)-1].dark != d {
			runs = append(runs, run{d, t - step/2, t + step/2})
		} else {
			runs[len(runs)-1].end = t + step/2
		}
	}
	if len(runs) < 4 || runs[0].dark {
		return 0, nil, nil, false
	}
	short := func(r run) bool { l := r.end - r.start; return l > 0.35 && l < 1.8 }
	if !short(runs[0]) {
		return 0, nil, nil, false
	}
	darks := 0
	i := 1
	for ; i < len(runs); i++ {
		r := runs[i]
		if r.dark {
			if !short(r) {
				return 0, nil, nil, false
			}
			darks++
			continue
		}
		if !short(r) {
			break // the quiet zone
		}
	}
	if i == len(runs) || darks < 2 || darks > 5 {
		return 0, nil, nil, false
	}
	// The edges between the runs: module boundaries 8, 9, … 7+2·darks.
	for k := 1; k <= 2*darks; k++ {
		t := runs[k].start
		u := float64(7 + k)
		img = append(img, at(t))
		if down {
			mod = append(mod, Point{0.5, u})
		} else {
			mod = append(mod, Point{u, 0.5})
		}
	}
	return 7 + 2*darks, img, mod, true
}

// placement is one way of laying the symbol's module grid on the image.
type placement struct {
	h homography
	n int
}

// placements finds the ways the symbol around finder corners cs may lie:
// the corner from which timing patterns run along both sides is the
// symbol's, and the timing patterns give its size.
func (b *bitmap) placements(cs [4]Point) []placement {
	var out []placement
	for k := range 4 {
		c, a, d, e := cs[k], cs[(k+1)%4], cs[(k+2)%4], cs[(k+3)%4]
		// a is along the top when turning from a to e is clockwise on the
		// image (y down); else swap them.
		if (a.X-c.X)*(e.Y-c.Y)-(a.Y-c.Y)*(e.X-c.X) < 0 {
			a, e = e, a
		}
		unit := []Point{{0, 0}, {7, 0}, {7, 7}, {0, 7}}
		h0, ok := fitHomography(unit, []Point{c, a, d, e})
		if !ok {
			continue
		}
		nTop, imgTop, modTop, okTop := b.timing(h0, false)
		nLeft, imgLeft, modLeft, okLeft := b.timing(h0, true)
		if !okTop && !okLeft {
			continue
		}
		src := append(append([]Point{}, unit...), append(modTop, modLeft...)...)
		dst := append([]Point{c, a, d, e}, append(imgTop, imgLeft...)...)
		h, ok := fitHomography(src, dst)
		if !ok {
			h = h0
		}
		sizes := map[int]bool{}
		for _, n := range []int{nTop, nLeft} {
			if n != 0 && !sizes[n] {
				sizes[n] = true
				out = append(out, placement{h, n})
			}
		}
	}
	return out
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
