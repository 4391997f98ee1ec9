package pdf417

import (
	"math"
	"sort"
)

// A PDF417 symbol is framed by a start pattern (bar, space, ... of 8 1 1 1
// 1 1 1 3 modules) on the left of every row and a stop pattern (7 1 1 3 1
// 1 1 2 1) on the right. A scan line across the symbol at any angle under
// about 60° from its rows crosses both whole, with every element widened by
// the same factor, so the patterns are found by their ratios on the rows
// of the image, and on its columns for symbols standing on end.

// edgeKind tells which pattern a hit is and which way it was crossed.
type edgeKind int

const (
	startFwd edgeKind = iota // start pattern read left to right
	startRev                 // start pattern read right to left (symbol turned half)
	stopFwd
	stopRev
	microFwd // a MicroPDF417 row's left RAP and first codeword, read left to right
	microRev // the same read right to left
	kinds    // the number of kinds
)

// framing patterns, each from its first element on the scan line;
// firstDark tells the first element's colour.
var framing = [4]struct {
	widths    []int
	firstDark bool
}{
	startFwd: {[]int{8, 1, 1, 1, 1, 1, 1, 3}, true},
	startRev: {[]int{3, 1, 1, 1, 1, 1, 1, 8}, false},
	stopFwd:  {[]int{7, 1, 1, 3, 1, 1, 1, 2, 1}, true},
	stopRev:  {[]int{1, 2, 1, 1, 1, 3, 1, 1, 7}, true},
}

// hit is one crossing of a framing pattern on a scan line: x of its edge
// away from the data (outer) and of its edge on the data's side (inner).
type hit struct {
	line         int
	outer, inner float64
	module       float64
	rap          int // a MicroPDF417 left RAP's place on its cycle
}

// edge is a framing pattern found on consecutive scan lines, with the line
// fitted through its inner edge: x = a + b·line.
type edge struct {
	kind     edgeKind
	hits     []hit
	first    int // first and last scan line
	last     int
	inA, inB float64
	module   float64
	// slope is that of the scan lines that found the edge, in lines a
	// column: 0 for the bitmap's own lines, the area's for slanted ones
	// (see slantMicro), whose hits measured a module of lineModule pixels
	// across their columns.
	slope, lineModule float64
	// alongLines reads a MicroPDF417 symbol along those scan lines, which
	// follow its rows, instead of square to the edge: in perspective a
	// symbol's rows are not square to its RAPs' edge.
	alongLines bool
}

// microAxis returns the direction in which a MicroPDF417 edge's rows are
// read, a unit vector away from the edge into the data, and the module
// along it: square to the edge, or along the scan lines that found it.
func (e *edge) microAxis() (ux, uy, m float64) {
	if !e.alongLines {
		_, _, ux, uy = e.axes()
		return ux, uy, e.module / math.Hypot(1, e.inB)
	}
	n := math.Hypot(1, e.slope)
	lm := e.lineModule
	if lm == 0 {
		lm = e.module
	}
	ux, uy = 1/n, e.slope/n
	if e.kind == microRev {
		ux, uy = -ux, -uy
	}
	return ux, uy, lm * n
}

func (e *edge) inner(line float64) float64 { return e.inA + e.inB*line }

// findHits scans the given lines of b, in increasing order, for the
// framing patterns, adding what it finds to out. When b looks for
// MicroPDF417, micro tells on which of the lines (by index), nil meaning
// all; a coarse scan looks for its rows by cheaper tests, which miss some
// (see microHits).
func findHits(b *bitmap, lines []int, micro []bool, coarse bool, out *[kinds][]hit) {
	var sums []int
	b.lineRuns(lines, func(li int, runs []int, firstDark bool) {
		y := lines[li]
		if b.micro && (micro == nil || micro[li]) {
			sums = microHits(runs, firstDark, y, b.w, coarse, sums, out)
		}
		pos := 0
		for i, r := range runs {
			dark := firstDark == (i%2 == 0)
			// Every pattern has a bar of 7 or 8 modules beside a space
			// and a bar of 1 (at its start, or at its end read
			// backwards); runs without them are passed over before any
			// ratio is measured.
			if !dark || (i+2 >= len(runs) || 2*r < 5*runs[i+1] || 2*r < 5*runs[i+2]) &&
				(i < 2 || 2*r < 5*runs[i-1] || 2*r < 5*runs[i-2]) {
				pos += r
				continue
			}
			for k, f := range framing {
				n := len(f.widths)
				lo := i // the pattern's first run: the wide bar first or last
				if f.widths[0] < 7 {
					lo = i - n + 1
				}
				if lo < 0 || lo+n > len(runs) || (firstDark == (lo%2 == 0)) != f.firstDark {
					continue
				}
				m, ok := matches(runs[lo:lo+n], f.widths)
				if !ok {
					continue
				}
				begin := pos
				for _, r := range runs[lo:i] {
					begin -= r
				}
				end := begin
				for _, r := range runs[lo : lo+n] {
					end += r
				}
				h := hit{line: y, module: m}
				switch edgeKind(k) {
				case startFwd, stopRev:
					h.outer, h.inner = float64(begin), float64(end)
				case startRev, stopFwd:
					h.outer, h.inner = float64(end), float64(begin)
				}
				out[k] = append(out[k], h)
			}
			pos += r
		}
	})
}

// scanHits finds the framing patterns on b's lines. A first pass reads
// every fourth line; only near its hits are all lines read, so an image
// without a symbol costs a quarter of its lines. MicroPDF417 rows are
// looked for on the dense lines only near MicroPDF417 hits of the first
// pass: a photo of 1D codes has PDF417 hits to look near, and no
// MicroPDF417 symbol there.
func scanHits(b *bitmap) [kinds][]hit {
	var out [kinds][]hit
	step := max(1, b.h/500)
	every := func(from, to, step int) []int {
		var lines []int
		for y := max(0, from); y < min(b.h, to); y += step {
			lines = append(lines, y)
		}
		return lines
	}
	coarse := 4 * step
	if b.h < 16*coarse {
		findHits(b, every(0, b.h, step), nil, false, &out)
		return out
	}
	var first [kinds][]hit
	findHits(b, every(0, b.h, coarse), nil, true, &first)
	type near struct {
		line  int
		micro bool
	}
	var nears []near
	for k, hs := range first {
		if k == int(microFwd) || k == int(microRev) {
			for i, ok := range microConfirmed(hs, coarse) {
				if ok {
					nears = append(nears, near{hs[i].line, true})
				}
			}
			continue
		}
		for _, h := range hs {
			if confirmed(first, edgeKind(k), h, coarse) {
				nears = append(nears, near{h.line, false})
			}
		}
	}
	sort.Slice(nears, func(i, j int) bool { return nears[i].line < nears[j].line })
	// The lines a coarse step either side of each hit, on the dense grid.
	var lines []int
	var micro []bool
	for _, n := range nears {
		from := n.line - coarse + step
		from -= (from%step + step) % step
		for _, y := range every(from, n.line+coarse, step) {
			switch k := len(lines) - 1; {
			case k >= 0 && y < lines[k]:
				// Taken already: look back for its line.
				for ; k >= 0 && lines[k] > y; k-- {
				}
				if k >= 0 && lines[k] == y {
					micro[k] = micro[k] || n.micro
				}
			case k >= 0 && y == lines[k]:
				micro[k] = micro[k] || n.micro
			default:
				lines, micro = append(lines, y), append(micro, n.micro)
			}
		}
	}
	findHits(b, lines, micro, false, &out)
	return out
}

// confirmed tells whether a PDF417 hit of the coarse pass has company
// that a symbol would give it, as stray patterns in print and texture rarely do:
// a hit of its kind on the next or last coarse line (the symbol is taller
// than the coarse step), or the pattern facing it on its own line.
func confirmed(hits [kinds][]hit, kind edgeKind, h hit, coarse int) bool {
	similar := func(o hit) bool { return math.Abs(o.module-h.module) <= 0.5*h.module+1 }
	for _, o := range hits[kind] {
		if d := o.line - h.line; (d == coarse || d == -coarse) && similar(o) &&
			math.Abs(o.outer-h.outer) <= 2*h.module+1.8*float64(coarse) {
			return true
		}
	}
	// The facing pattern, on the data side (start and stop edges of a
	// symbol read one way face each other across its data).
	face, sign := stopFwd, 1.0
	switch kind {
	case startRev:
		face, sign = stopRev, -1
	case stopFwd:
		face, sign = startFwd, -1
	case stopRev:
		face = startRev
	}
	for _, o := range hits[face] {
		if o.line == h.line && similar(o) && sign*(o.inner-h.inner) > 17*h.module {
			return true
		}
	}
	return false
}

// matches tells whether runs have the proportions of widths, and returns
// the module width.
func matches(runs, widths []int) (float64, bool) {
	total, modules := 0, 0
	for i, r := range runs {
		total += r
		modules += widths[i]
	}
	m := float64(total) / float64(modules)
	if m < 0.8 {
		return 0, false
	}
	tol := 0.5*m + 0.6
	for i, r := range runs {
		if math.Abs(float64(r)-float64(widths[i])*m) > tol {
			return 0, false
		}
	}
	return m, true
}

// groupHits chains the hits of one kind on nearby scan lines into edges.
func groupHits(kind edgeKind, hits []hit, step int) []*edge {
	// The most lines between two hits of an edge. A MicroPDF417 row is
	// found only where a line stays in it across the RAP and a codeword,
	// which on a symbol turned a few degrees leaves gaps of rows.
	gap := func(last hit) int {
		if kind == microFwd || kind == microRev {
			return 4*step + 2 + int(12*last.module)
		}
		return 4*step + 2
	}
	var open, done []*edge
	for _, h := range hits {
		var best *edge
		bestD := math.Inf(1)
		for _, e := range open {
			last := e.hits[len(e.hits)-1]
			dl := h.line - last.line
			if dl <= 0 || dl > gap(last) {
				continue
			}
			d := math.Abs(h.outer - last.outer)
			if d <= 2*last.module+1.5*float64(dl) && d < bestD && math.Abs(h.module-last.module) <= 0.5*last.module+1 {
				best, bestD = e, d
			}
		}
		if best == nil {
			best = &edge{kind: kind}
			open = append(open, best)
		}
		best.hits = append(best.hits, h)
		// Edges whose last hit is far behind are closed.
		kept := open[:0]
		for _, e := range open {
			if last := e.hits[len(e.hits)-1]; h.line-last.line > gap(last) {
				done = append(done, e)
			} else {
				kept = append(kept, e)
			}
		}
		open = kept
	}
	done = append(done, open...)
	var out []*edge
	for _, e := range done {
		if len(e.hits) < 3 {
			continue
		}
		e.fit()
		out = append(out, e)
	}
	return out
}

// snap returns the place t (0 the edge's first scan line, 1 its last)
// moved to the nearest whole scan line.
func (e *edge) snap(t float64) float64 {
	if e.last == e.first {
		return t
	}
	n := float64(e.last - e.first)
	return math.Round(t*n) / n
}

// fit fits the edge's lines through its hits and measures its module.
func (e *edge) fit() {
	e.first, e.last = e.hits[0].line, e.hits[len(e.hits)-1].line
	var ms []float64
	for _, h := range e.hits {
		ms = append(ms, h.module)
	}
	e.module = median(ms)
	e.inA, e.inB = fitLine(e.hits, func(h hit) float64 { return h.inner })
}

// fitLine fits x = a + b·line through the hits by least squares,
// leaving out the hits farthest off, which a stray pattern puts there.
func fitLine(hits []hit, x func(hit) float64) (a, b float64) {
	ls, xs := make([]float64, len(hits)), make([]float64, len(hits))
	for i, h := range hits {
		ls[i], xs[i] = float64(h.line), x(h)
	}
	return fit(ls, xs)
}

// fit fits y = a + b·x by least squares, then again without the points
// farther off than twice the median distance.
func fit(xs, ys []float64) (a, b float64) {
	use := make([]int, len(xs))
	for i := range use {
		use[i] = i
	}
	for range 3 {
		var sx, sy, sxx, sxy float64
		n := float64(len(use))
		for _, i := range use {
			sx, sy, sxx, sxy = sx+xs[i], sy+ys[i], sxx+xs[i]*xs[i], sxy+xs[i]*ys[i]
		}
		den := n*sxx - sx*sx
		if den == 0 {
			return sy / n, 0
		}
		b = (n*sxy - sx*sy) / den
		a = (sy - b*sx) / n
		dev := make([]float64, len(use))
		for k, i := range use {
			dev[k] = math.Abs(ys[i] - a - b*xs[i])
		}
		cut := 2*median(dev) + 0.5
		var kept []int
		for k, i := range use {
			if dev[k] <= cut {
				kept = append(kept, i)
			}
		}
		if len(kept) < 3 || len(kept) == len(use) {
			break
		}
		use = kept
	}
	return a, b
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// frame is a start edge and a stop edge that face each other across a
// symbol's rows. A compact frame (compact PDF417, whose rows end in a bar
// of one module after the last data column, with no right row indicator)
// has a stop edge made up from the start edge and the columns.
type frame struct {
	start, stop *edge
	cols        int // data columns, as estimated from the distance between them
	compact     bool
}

// axes returns, for a start edge, the unit vector along its inner edge
// (downwards in line order) and the unit vector across it towards the
// data, in scan coordinates (x along a scan line, y the line).
func (e *edge) axes() (vx, vy, ux, uy float64) {
	s := math.Hypot(1, e.inB)
	vx, vy = e.inB/s, 1/s
	ux, uy = 1/s, -e.inB/s
	if e.kind == startRev || e.kind == stopFwd || e.kind == microRev {
		ux, uy = -ux, -uy
	}
	return vx, vy, ux, uy
}

// pairEdges matches start edges with the stop edges on their data side.
// A scan line need not cross both: a short symbol turned a few degrees
// has its stop pattern on other lines than its start pattern, so the
// edges are paired by where they lie across and along the rows, which run
// square to the start edge. A start edge left without a stop edge frames
// a compact symbol.
func pairEdges(edges [kinds][]*edge) []frame {
	var out []frame
	for _, pair := range [2][2]edgeKind{{startFwd, stopFwd}, {startRev, stopRev}} {
		for _, s := range edges[pair[0]] {
			// A scan line crossing the patterns nearly along their bars
			// finds them stretched out; those symbols, more than 60° off
			// these lines, are read on the other axis.
			if math.Abs(s.inB) > 1.8 {
				continue
			}
			vx, vy, ux, uy := s.axes()
			ox, oy := s.inner(float64(s.first)), float64(s.first)
			sLen := float64(s.last-s.first) * math.Hypot(1, s.inB)
			// The true module, square to the edge.
			ms := s.module / math.Hypot(1, s.inB)
			var best frame
			bestScore := math.Inf(1)
			for _, p := range edges[pair[1]] {
				if math.Abs(math.Atan(p.inB)-math.Atan(s.inB)) > 0.4 {
					continue
				}
				// p's ends along s and across it.
				x0, y0 := p.inner(float64(p.first))-ox, float64(p.first)-oy
				x1, y1 := p.inner(float64(p.last))-ox, float64(p.last)-oy
				a0, a1 := x0*vx+y0*vy, x1*vx+y1*vy
				lo, hi := max(0, min(a0, a1)), min(sLen, max(a0, a1))
				span := min(sLen, math.Abs(a1-a0))
				if hi-lo < span/3 || hi <= lo {
					continue
				}
				mp := p.module / math.Hypot(1, p.inB)
				if ratio := mp / ms; ratio < 0.6 || ratio > 1.6 {
					continue
				}
				dist := ((x0+x1)*ux + (y0+y1)*uy) / 2
				c := dist/(17*(ms+mp)/2) - 2
				if c < 0.5 || c > 30.5 {
					continue
				}
				// The nearest stop edge with the most overlap.
				score := dist / (hi - lo + 1)
				if score < bestScore {
					bestScore = score
					best = frame{start: s, stop: p, cols: int(math.Round(c))}
				}
			}
			if best.start == nil {
				best = frame{start: s, compact: true}.withCols(1)
			}
			out = append(out, best)
		}
	}
	return out
}

// withCols returns the frame for a symbol of cols data columns: a compact
// frame's stop edge is put 17 modules past the last data column, square
// to the start edge, where the right row indicator of a full symbol would
// end.
func (f frame) withCols(cols int) frame {
	f.cols = cols
	if !f.compact {
		return f
	}
	s := f.start
	_, _, ux, uy := s.axes()
	m := s.module / math.Hypot(1, s.inB) // square to the edge
	d := float64(17*(cols+2)) * m
	dx, dy := d*ux, d*uy
	shift := math.Round(dy)
	kind := stopFwd
	if s.kind == startRev {
		kind = stopRev
	}
	// x = inA + inB·line on the start edge moves to the line line+dy.
	inA := s.inA - s.inB*dy + dx
	f.stop = &edge{
		kind: kind, first: s.first + int(shift), last: s.last + int(shift),
		inA: inA, inB: s.inB, module: s.module,
	}
	return f
}
