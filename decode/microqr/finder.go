package microqr

import (
	"math"
	"sort"
)

// finder is a candidate finder pattern: its centre and module size.
type finder struct {
	x, y   float64
	module float64
	hits   int
}

// ratioOK tells whether five run lengths, dark first, look like the finder
// pattern's 1:1:3:1:1 and returns the module size they give.
func ratioOK(r [5]int) (float64, bool) {
	total := 0
	for _, v := range r {
		if v == 0 {
			return 0, false
		}
		total += v
	}
	if total < 7 {
		return 0, false
	}
	m := float64(total) / 7
	tol := m * 0.7
	for i, v := range r {
		want := m
		if i == 2 {
			want, tol = 3*m, 1.5*m
		} else {
			tol = max(m*0.7, 1)
		}
		if math.Abs(float64(v)-want) > tol {
			return 0, false
		}
	}
	return m, true
}

// crossRuns measures the runs through (x, y) along the direction (dx, dy):
// the dark centre, then light, dark and light again on each side. It
// returns the five runs dark-light-dark-light-dark across the pattern and
// the offset of the centre run's middle from (x, y), in steps.
func (b *bitmap) crossRuns(x, y, dx, dy, limit int) ([5]int, float64, bool) {
	if !b.at(x, y) {
		return [5]int{}, 0, false
	}
	// side walks from the centre outwards and returns the lengths of the
	// dark centre part, the light ring and the dark ring.
	side := func(sx, sy int) (c, l, d int, ok bool) {
		i := 1
		for ; i <= limit && b.at(x+i*sx, y+i*sy); i++ {
			c++
		}
		for ; i <= limit && !b.at(x+i*sx, y+i*sy); i++ {
			l++
		}
		for ; i <= limit && b.at(x+i*sx, y+i*sy); i++ {
			d++
		}
		return c, l, d, i <= limit && l > 0 && d > 0
	}
	c1, l1, d1, ok1 := side(dx, dy)
	c2, l2, d2, ok2 := side(-dx, -dy)
	if !ok1 || !ok2 {
		return [5]int{}, 0, false
	}
	return [5]int{d2, l2, c1 + c2 + 1, l1, d1}, float64(c1-c2) / 2, true
}

// findFinders scans the rows for the finder pattern's 1:1:3:1:1 runs, checks
// each hit across the column and both diagonals, and merges hits of one
// pattern.
func findFinders(b *bitmap, maxFinders int) []finder {
	var cands []finder
	limit := max(b.w, b.h)
	var buf []int
	// The finder's centre block is 3 modules high: on large images every
	// row need not be read.
	step := max(1, min(b.w, b.h)/320)
	for y := 0; y < b.h; y += step {
		// Runs of the row, the first one dark (a leading light run is
		// dropped), counted straight from the pixels and their block
		// thresholds.
		buf = b.rowRuns(y, buf[:0])
		pos, runs := buf[0], buf[1:]
		for i := 0; i+4 < len(runs); i += 2 {
			r := [5]int{runs[i], runs[i+1], runs[i+2], runs[i+3], runs[i+4]}
			if maybeFinder(r) {
				if _, ok := ratioOK(r); ok {
					cx := pos + r[0] + r[1] + r[2]/2
					if f, ok := b.confirm(cx, y, limit); ok {
						cands = append(cands, f)
					}
				}
			}
			pos += runs[i] + runs[i+1]
		}
	}
	return mergeFinders(cands, maxFinders)
}

// maybeFinder is an integer test that passes every five runs ratioOK
// passes, with a pixel to spare for rounding, and rejects most others
// without floating point: ratioOK wants the centre at least 1.5 modules
// (a module being a seventh of the total) and each other run at most 1.7
// modules and a pixel.
func maybeFinder(r [5]int) bool {
	total := r[0] + r[1] + r[2] + r[3] + r[4]
	if 14*r[2]+14 < 3*total {
		return false
	}
	for _, i := range [4]int{0, 1, 3, 4} {
		if 70*r[i] > 17*total+140 {
			return false
		}
	}
	return true
}

// confirm checks a row hit in the column and on both diagonals through its
// centre, and re-centres it.
func (b *bitmap) confirm(x, y, limit int) (finder, bool) {
	v, off, ok := b.crossRuns(x, y, 0, 1, limit)
	if !ok {
		return finder{}, false
	}
	mv, ok := ratioOK(v)
	if !ok {
		return finder{}, false
	}
	cy := int(math.Round(float64(y) + off))
	h, offx, ok := b.crossRuns(x, cy, 1, 0, limit)
	if !ok {
		return finder{}, false
	}
	mh, ok := ratioOK(h)
	if !ok || mh > 2*mv || mv > 2*mh {
		return finder{}, false
	}
	cx := float64(x) + offx
	ix := int(math.Round(cx))
	for _, d := range [2][2]int{{1, 1}, {1, -1}} {
		r, _, ok := b.crossRuns(ix, cy, d[0], d[1], limit)
		if !ok {
			return finder{}, false
		}
		if md, ok := ratioOK(r); !ok || md > 3*mh || 3*md < mh {
			return finder{}, false
		}
	}
	return finder{x: cx + 0.5, y: float64(cy) + 0.5, module: (mh + mv) / 2, hits: 1}, true
}

// mergeFinders joins the hits of one pattern and keeps the best supported.
func mergeFinders(cands []finder, keep int) []finder {
	var out []finder
	for _, c := range cands {
		merged := false
		for i := range out {
			o := &out[i]
			if math.Hypot(o.x-c.x, o.y-c.y) < 2*o.module && c.module < 2*o.module && o.module < 2*c.module {
				n := float64(o.hits)
				o.x = (o.x*n + c.x) / (n + 1)
				o.y = (o.y*n + c.y) / (n + 1)
				o.module = (o.module*n + c.module) / (n + 1)
				o.hits++
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].hits > out[j].hits })
	if len(out) > keep {
		out = out[:keep]
	}
	return out
}

// notQR drops the finder patterns of b that are a QR Code's: three of
// about one module size, one at the right angle of an isosceles triangle
// whose legs are 14 modules or more (a version 1 QR Code's finder centres
// are 14 modules apart), with the QR Code's timing patterns between them:
// row 6 from the corner finder to one of the others and column 6 to the
// third alternate dark and light. A Micro QR Code has one finder pattern,
// and a QR Code's three would each be tried, and fail, as one; the timing
// patterns keep three finders that texture or other symbols happen to
// place so (a photo gives dozens) from hiding a Micro QR Code's.
func (b *bitmap) notQR(fs []finder) []finder {
	qr := make([]bool, len(fs))
	similar := func(a, c finder) bool { return a.module < 1.3*c.module && c.module < 1.3*a.module }
	for i, c := range fs {
		for j, a := range fs {
			if j == i || !similar(a, c) {
				continue
			}
			for k := j + 1; k < len(fs); k++ {
				e := fs[k]
				if k == i || !similar(e, c) {
					continue
				}
				ax, ay, ex, ey := a.x-c.x, a.y-c.y, e.x-c.x, e.y-c.y
				la, le := math.Hypot(ax, ay), math.Hypot(ex, ey)
				m := (a.module + e.module + c.module) / 3
				if la < 14*m*0.85 || le < 14*m*0.85 || la > 1.2*le || le > 1.2*la {
					continue
				}
				if cos := (ax*ex + ay*ey) / (la * le); math.Abs(cos) > 0.26 { // about 75° to 105°
					continue
				}
				if b.timing(c, a, e) && b.timing(c, e, a) {
					qr[i], qr[j], qr[k] = true, true, true
				}
			}
		}
	}
	out := fs[:0:0]
	for i, f := range fs {
		if !qr[i] {
			out = append(out, f)
		}
	}
	return out
}

// timing tells whether a QR Code with finder centres c (the corner), a and
// e has its timing pattern where it would be between c and a: 3 modules
// from the line of their centres towards e, from the 9th module of the
// side to the 9th from its other end, dark and light by turns (dark first)
// on at least four in five of those modules. The finders' module sizes,
// measured across rows, are too large for a turned symbol (up to √2 times
// at 45°), so every version whose size fits them within that is tried.
func (b *bitmap) timing(c, a, e finder) bool {
	la := math.Hypot(a.x-c.x, a.y-c.y)
	m := (c.module + a.module + e.module) / 3
	for v := 1; v <= 40; v++ {
		n := float64(4*v + 10) // centre to centre, in modules: the side less 7
		if mv := la / n; mv < m/1.6 || mv > m*1.15 {
			continue
		}
		steps := 4*v + 1 // modules 8 to side-9, past the finders and separators
		ux, uy := (a.x-c.x)/n, (a.y-c.y)/n
		vx, vy := (e.x-c.x)*3/n, (e.y-c.y)*3/n
		good := 0
		for k := range steps {
			t := 5 + float64(k) // module 8+k's centre (8.5+k), from the finder's (3.5)
			if b.atf(Point{c.x + t*ux + vx, c.y + t*uy + vy}) == (k%2 == 0) {
				good++
			}
		}
		if 5*good >= 4*steps {
			return true
		}
	}
	return false
}
