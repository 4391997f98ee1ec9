package decode

import (
	"image"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strconv"

	"github.com/serialgate/serialgate"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	dmdecoder "github.com/makiuchi-d/gozxing/datamatrix/decoder"
)

// A Data Matrix finder by shape, for photos where gozxing's detector (which
// grows a white rectangle outward from the middle) does not find the
// symbol. A symbol's finder pattern is an L of solid modules along two
// sides; as one dark connected shape, its outline is the whole symbol: a
// rectangle when seen square on, a quadrilateral under perspective or
// shear (readDMOutline). Each dark shape whose outline has two adjacent
// solid sides is sampled at every Data Matrix size of its proportions, and
// gozxing's Data Matrix decoder, with its Reed-Solomon check, decides.

// dmSizes are the Data Matrix symbol sizes, rows × columns.
var dmSizes = [][2]int{
	{10, 10}, {12, 12}, {14, 14}, {16, 16}, {18, 18}, {20, 20}, {22, 22}, {24, 24}, {26, 26}, {32, 32},
	{36, 36}, {40, 40}, {44, 44}, {48, 48}, {52, 52}, {64, 64}, {72, 72}, {80, 80}, {88, 88}, {96, 96},
	{104, 104}, {120, 120}, {132, 132}, {144, 144},
	{8, 18}, {8, 32}, {12, 26}, {12, 36}, {16, 36}, {16, 48},
}

type pt struct{ x, y float64 }

func lerp(a, b pt, t float64) pt { return pt{a.x + (b.x-a.x)*t, a.y + (b.y-a.y)*t} }
func dist(a, b pt) float64       { return math.Hypot(b.x-a.x, b.y-a.y) }

// dmShapesTried is how many dark shapes dmByShape samples at most, in
// reading order. A box label's print, flaps and logos give up to about 220
// shapes of an L's size and fill; with 24 tries, 10 Data Matrix codes of
// the 120 shared box photos and 9 of the 180 held-out ones were not
// reached. The tries cost about a millisecond on such a photo; finding the
// shapes costs the most (0.5 to 10 ms).
const dmShapesTried = 256

// dmByShape returns the Data Matrix codes found by shape in the binarized
// image m, at most limit of them. Shapes inside one of the rectangles
// avoid (codes of other symbologies read there) are passed over.
func dmByShape(m *gozxing.BitMatrix, limit int, avoid []image.Rectangle) []Barcode {
	if ownHook != nil {
		ownHook("dmByShape")
	}
	var out []Barcode
	tried := 0
	sh := darkShapes(m)
	for k, c := range sh.shapes {
		if len(out) >= limit || tried >= dmShapesTried {
			break
		}
		// An L spans two sides: a shape too small, or one that fills its
		// box, is not one.
		bw, bh := c.maxX-c.minX+1, c.maxY-c.minY+1
		if bw < 12 || bh < 12 || c.pixels < 2*(bw+bh) || c.pixels > bw*bh*3/4 {
			continue
		}
		box := image.Rect(c.minX, c.minY, c.maxX+1, c.maxY+1)
		if slices.ContainsFunc(avoid, func(r image.Rectangle) bool { return box.In(r.Inset(-4)) }) {
			continue
		}
		tried++
		if b, ok := readDMOutline(m, sh.outline(k)); ok {
			out = append(out, b)
		}
	}
	return out
}

// darkRun is a row's run of dark pixels, from x0 up to x1.
type darkRun struct{ x0, x1 int32 } // its row is where rowAt puts it

// darkShape is an 8-connected set of dark pixels.
type darkShape struct {
	pixels                 int
	minX, minY, maxX, maxY int
}

// shapes are the dark shapes of a binarized image, in the order of their
// first pixel, row after row, with the runs they are made of.
type shapes struct {
	shapes []darkShape
	runs   []darkRun
	rowAt  []int   // rowAt[y]: the index of row y's first run
	shape  []int32 // shape[i]: the index in shapes of run i's shape
	// buf holds the last shape's hull and what it was made from: rowEnds
	// and outline return slices of it, good until the next call. One set
	// of slices for every shape tried, not one each: on a 1D code's tall
	// bars they were most of the finder's memory.
	buf *hullBufs
}

// hullBufs are the slices a shape's hull is worked out in.
type hullBufs struct{ ends, ps, lower, upper, hull []pt }

// darkShapes finds the 8-connected dark shapes of m. It joins runs of dark
// pixels, not pixels: a run touches the runs of the row above that overlap
// it or meet it at a corner.
func darkShapes(m *gozxing.BitMatrix) shapes {
	w, h := m.GetWidth(), m.GetHeight()
	runs := make([]darkRun, 0, runCount(m)) // on a 1D code, many: no regrowing
	rowAt := make([]int, h+1)
	var row *gozxing.BitArray
	for y := range h {
		rowAt[y] = len(runs)
		row = m.GetRow(y, row)
		for x := row.GetNextSet(0); x < w; {
			end := min(row.GetNextUnset(x), w)
			runs = append(runs, darkRun{int32(x), int32(end)})
			x = row.GetNextSet(end)
		}
	}
	rowAt[h] = len(runs)
	// Union-find with the smaller index as the root: a shape's root is
	// its first run.
	parent := make([]int32, len(runs))
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(i int32) int32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for y := 1; y < h; y++ {
		up, upEnd := rowAt[y-1], rowAt[y]
		for i := rowAt[y]; i < rowAt[y+1]; i++ {
			a := runs[i]
			for up < upEnd && runs[up].x1 < a.x0 {
				up++ // ends left of a without touching it, as do the runs before
			}
			for j := up; j < upEnd && runs[j].x0 <= a.x1; j++ {
				ra, rb := find(int32(i)), find(int32(j))
				if ra < rb {
					parent[rb] = ra
				} else if rb < ra {
					parent[ra] = rb
				}
			}
		}
	}
	// Every run's parent made its root, then the root's index in the
	// shapes: a root comes before the other runs of its shape, so one
	// pass in order finds it turned already.
	roots := 0
	for i := range parent {
		parent[i] = find(int32(i))
		if parent[i] == int32(i) {
			roots++
		}
	}
	out := make([]darkShape, 0, roots)
	for y := range h {
		for i := rowAt[y]; i < rowAt[y+1]; i++ {
			a := runs[i]
			if parent[i] == int32(i) {
				parent[i] = int32(len(out))
				out = append(out, darkShape{minX: w, minY: h})
			} else {
				parent[i] = parent[parent[i]]
			}
			c := &out[parent[i]]
			c.pixels += int(a.x1 - a.x0)
			c.minX, c.maxX = min(c.minX, int(a.x0)), max(c.maxX, int(a.x1)-1)
			c.minY, c.maxY = min(c.minY, y), max(c.maxY, y)
		}
	}
	return shapes{shapes: out, runs: runs, rowAt: rowAt, shape: parent, buf: new(hullBufs)}
}

// runCount is the number of runs of dark pixels in the rows of m: the bits
// set whose left neighbour is not, counted a word at a time.
func runCount(m *gozxing.BitMatrix) int {
	w, h := m.GetWidth(), m.GetHeight()
	n := 0
	var row *gozxing.BitArray
	for y := range h {
		row = m.GetRow(y, row)
		var carry uint32 // the last bit of the word before
		for k, word := range row.GetBitArray() {
			if rest := w - 32*k; rest < 32 {
				word &= 1<<max(rest, 0) - 1 // bits past the row's end
			}
			n += bits.OnesCount32(word &^ (word<<1 | carry))
			carry = word >> 31
		}
	}
	return n
}

// rowEnds returns the corners of each row's leftmost and rightmost pixel of
// shape k: the candidates of its hull. The slice is good until the next
// call of rowEnds or outline.
func (s shapes) rowEnds(k int) []pt {
	c := s.shapes[k]
	ps := slices.Grow(s.buf.ends[:0], 4*(c.maxY-c.minY+1))
	for y := c.minY; y <= c.maxY; y++ {
		lo, hi := int32(-1), int32(-1)
		for i := s.rowAt[y]; i < s.rowAt[y+1]; i++ {
			a := s.runs[i]
			if a.x1 <= int32(c.minX) || a.x0 > int32(c.maxX) || s.shape[i] != int32(k) {
				continue
			}
			if lo < 0 {
				lo = a.x0
			}
			hi = a.x1
		}
		// A shape is connected: every row between its first and last
		// holds some of it.
		ps = append(ps, pt{float64(lo), float64(y)}, pt{float64(lo), float64(y + 1)},
			pt{float64(hi), float64(y)}, pt{float64(hi), float64(y + 1)})
	}
	s.buf.ends = ps
	return ps
}

// readDMOutline reads the symbol whose outline is the convex hull h, fitted
// three ways: the minimum-area rectangle; where perspective or a sheared
// print makes the symbol a general quadrilateral, the smallest four-sided
// polygon around it; and the L found by its arms.
func readDMOutline(m *gozxing.BitMatrix, h []pt) (Barcode, bool) {
	if q, ok := minRect(h); ok {
		if b, ok := readDMQuad(m, q); ok {
			return b, true
		}
	}
	if q, ok := minQuad(h); ok {
		if b, ok := readDMQuad(m, q); ok {
			return b, true
		}
	}
	return readDMArms(m, h)
}

// outline is the convex hull of shape n: the hull of its rows' ends
// (rowEnds). At each pixel boundary y only the leftmost and the rightmost
// of them count, and taken that way they come in order of y, x: the
// monotone chain runs along y with no sort (a sort of every row's ends
// was most of the Data Matrix shape reader's time on a 1D code's bars).
// The hull starts at its leftmost (then topmost) corner and goes round
// the way a chain along x would. The slice is good until the next call of
// rowEnds or outline.
func (s shapes) outline(n int) []pt {
	minY := s.shapes[n].minY
	ends := s.rowEnds(n) // per row y: (lo, y), (lo, y+1), (hi, y), (hi, y+1)
	rows := len(ends) / 4
	b := s.buf
	ps := slices.Grow(b.ps[:0], 2*(rows+1))
	for k := 0; k <= rows; k++ {
		// boundary y = minY+k: the bottom of row k-1, the top of row k
		lo, hi := math.Inf(1), math.Inf(-1)
		if k > 0 {
			lo, hi = ends[4*(k-1)+1].x, ends[4*(k-1)+3].x
		}
		if k < rows {
			lo, hi = math.Min(lo, ends[4*k].x), math.Max(hi, ends[4*k+2].x)
		}
		y := float64(minY + k)
		ps = append(ps, pt{lo, y}, pt{hi, y})
	}
	b.ps = ps
	h := b.chain(ps)
	first := 0
	for i, p := range h {
		if p.x < h[first].x || p.x == h[first].x && p.y < h[first].y {
			first = i
		}
	}
	b.hull = append(append(b.hull[:0], h[first:]...), h[:first]...)
	return b.hull
}

// chain is the convex hull of ps, given in order of one axis (monotone
// chain): the corners that turn the same way, none on a straight side.
func chain(ps []pt) []pt { return new(hullBufs).chain(ps) }

// chain is the convex hull of ps (see the function chain), worked out in
// b's slices; the hull is one of them, good until the next call.
func (b *hullBufs) chain(ps []pt) []pt {
	cross := func(o, a, b pt) float64 { return (a.x-o.x)*(b.y-o.y) - (a.y-o.y)*(b.x-o.x) }
	lower, upper := b.lower[:0], b.upper[:0]
	for _, p := range ps {
		for len(lower) >= 2 && cross(lower[len(lower)-2], lower[len(lower)-1], p) <= 0 {
			lower = lower[:len(lower)-1]
		}
		lower = append(lower, p)
	}
	for i := len(ps) - 1; i >= 0; i-- {
		p := ps[i]
		for len(upper) >= 2 && cross(upper[len(upper)-2], upper[len(upper)-1], p) <= 0 {
			upper = upper[:len(upper)-1]
		}
		upper = append(upper, p)
	}
	b.lower, b.upper = lower, upper
	if len(lower) < 2 || len(upper) < 2 {
		return nil
	}
	return append(lower[:len(lower)-1], upper[:len(upper)-1]...)
}

// minRect fits the minimum-area rectangle around a convex hull; its
// corners go around it in order.
func minRect(h []pt) ([4]pt, bool) {
	var best [4]pt
	bestArea := math.Inf(1)
	for i := range h {
		a, b := h[i], h[(i+1)%len(h)]
		l := dist(a, b)
		if l == 0 {
			continue
		}
		ux, uy := (b.x-a.x)/l, (b.y-a.y)/l
		vx, vy := -uy, ux
		minU, maxU, minV, maxV := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		for _, p := range h {
			u, v := p.x*ux+p.y*uy, p.x*vx+p.y*vy
			minU, maxU, minV, maxV = math.Min(minU, u), math.Max(maxU, u), math.Min(minV, v), math.Max(maxV, v)
		}
		if area := (maxU - minU) * (maxV - minV); area < bestArea {
			bestArea = area
			at := func(u, v float64) pt { return pt{u*ux + v*vx, u*uy + v*vy} }
			best = [4]pt{at(minU, minV), at(maxU, minV), at(maxU, maxV), at(minU, maxV)}
		}
	}
	return best, !math.IsInf(bestArea, 1)
}

// minQuad reduces a convex hull to a quadrilateral around it: an edge at a
// time is dropped by extending its two neighbours until they meet, always
// the edge whose removal adds the least area. The result is a close
// enclosing quadrilateral (not always the smallest), with its corners in
// the hull's order.
func minQuad(h []pt) ([4]pt, bool) {
	var q [4]pt
	if len(h) < 4 {
		return q, false
	}
	poly := append([]pt(nil), h...)
	for len(poly) > 4 {
		n := len(poly)
		best, bestArea := -1, math.Inf(1)
		var bestP pt
		for i := range poly {
			a, b, c, d := poly[(i+n-1)%n], poly[i], poly[(i+1)%n], poly[(i+2)%n]
			// Lines a→b and d→c, each extended beyond b and c.
			r := pt{b.x - a.x, b.y - a.y}
			s := pt{c.x - d.x, c.y - d.y}
			den := r.x*s.y - r.y*s.x
			if math.Abs(den) < 1e-9 {
				continue
			}
			t := ((d.x-a.x)*s.y - (d.y-a.y)*s.x) / den
			u := ((d.x-a.x)*r.y - (d.y-a.y)*r.x) / den
			if t < 1 || u < 1 {
				continue // the neighbours do not meet beyond the edge
			}
			p := pt{a.x + t*r.x, a.y + t*r.y}
			area := math.Abs((c.x-b.x)*(p.y-b.y)-(c.y-b.y)*(p.x-b.x)) / 2
			if area < bestArea {
				best, bestArea, bestP = i, area, p
			}
		}
		if best < 0 {
			return q, false
		}
		// poly[best] and poly[best+1] become the single corner bestP.
		poly[best] = bestP
		poly = slices.Delete(poly, (best+1)%n, (best+1)%n+1)
	}
	copy(q[:], poly)
	return q, true
}

// readDMArms finds the L by its arms: the two longest straight stretches
// of the outline, which meet at the L's corner. This follows a symbol that
// perspective or shear has made a general quadrilateral and whose outline
// the light modules of its other two sides leave ragged.
func readDMArms(m *gozxing.BitMatrix, h []pt) (Barcode, bool) {
	type stretch struct {
		a, b pt
		l    float64
	}
	var ss []stretch
	n := len(h)
	if n < 4 {
		return Barcode{}, false
	}
	// Consecutive hull edges within 4 degrees of the stretch's direction
	// join it.
	const tol = 4 * math.Pi / 180
	for i := 0; i < n; {
		a, b := h[i], h[(i+1)%n]
		dir := math.Atan2(b.y-a.y, b.x-a.x)
		j := i + 1
		for j < n {
			c, d := h[j%n], h[(j+1)%n]
			dd := math.Atan2(d.y-c.y, d.x-c.x) - dir
			dd = math.Remainder(dd, 2*math.Pi)
			if math.Abs(dd) > tol {
				break
			}
			b = d
			j++
		}
		ss = append(ss, stretch{a, b, dist(a, b)})
		i = j
	}
	if len(ss) < 3 {
		return Barcode{}, false
	}
	// Pairs of long stretches with only short ones between them (the
	// rounded corner of the L), longest first.
	type pair struct {
		i, j  int
		score float64
	}
	var pairs []pair
	for i := range ss {
		gap := 0.0
		for k := 1; k < len(ss)-1; k++ {
			j := (i + k) % len(ss)
			short := math.Min(ss[i].l, ss[j].l)
			if short >= 8 && gap <= 0.15*short {
				pairs = append(pairs, pair{i, j, short})
			}
			gap += ss[j].l
			if gap > 0.2*ss[i].l {
				break
			}
		}
	}
	sort.Slice(pairs, func(a, b int) bool { return pairs[a].score > pairs[b].score })
	for _, p := range pairs[:min(len(pairs), 4)] {
		s1, s2 := ss[p.i], ss[p.j]
		// The corner is where the two lines meet, at a believable angle.
		r := pt{s1.b.x - s1.a.x, s1.b.y - s1.a.y}
		q := pt{s2.b.x - s2.a.x, s2.b.y - s2.a.y}
		den := r.x*q.y - r.y*q.x
		if math.Abs(den) < 0.4*s1.l*s2.l { // sin(angle) < 0.4: not an L
			continue
		}
		t := ((s2.a.x-s1.a.x)*q.y - (s2.a.y-s1.a.y)*q.x) / den
		bl := pt{s1.a.x + t*r.x, s1.a.y + t*r.y}
		// Arms run from the corner to the far ends of the two stretches,
		// and are solid.
		end1, end2 := s1.a, s2.b
		c := lerp(end1, end2, 0.5)
		tl, br := armEnd(m, bl, end1, c), armEnd(m, bl, end2, c)
		if !solidArm(m, bl, tl, c) || !solidArm(m, bl, br, c) {
			continue
		}
		if b, ok := readDMCorners(m, tl, bl, br, pt{tl.x + br.x - bl.x, tl.y + br.y - bl.y}); ok {
			return b, true
		}
	}
	return Barcode{}, false
}

// solidArm tells whether the segment from bl to end is dark 1.5 pixels
// inside the edge (towards c), away from its ends.
func solidArm(m *gozxing.BitMatrix, bl, end, c pt) bool {
	if dist(bl, end) < 8 {
		return false
	}
	_, n := armAxes(bl, end, c)
	in := func(p pt) pt { return pt{p.x + 1.5*n.x, p.y + 1.5*n.y} }
	return darkAlong(m, in(lerp(bl, end, 0.1)), in(lerp(bl, end, 0.9))) >= 0.85
}

// darkAlong is the share of dark pixels on the segment from a to b.
func darkAlong(m *gozxing.BitMatrix, a, b pt) float64 {
	n := int(dist(a, b))
	if n < 4 {
		return 0
	}
	d := 0
	for i := 0; i < n; i++ {
		p := lerp(a, b, (float64(i)+0.5)/float64(n))
		x, y := int(p.x), int(p.y)
		if x >= 0 && y >= 0 && x < m.GetWidth() && y < m.GetHeight() && m.Get(x, y) {
			d++
		}
	}
	return float64(d) / float64(n)
}

// readDMQuad tries to read a Data Matrix symbol filling the rectangle q.
func readDMQuad(m *gozxing.BitMatrix, q [4]pt) (Barcode, bool) {
	c := lerp(lerp(q[0], q[1], 0.5), lerp(q[2], q[3], 0.5), 0.5)
	side := func(s int) (pt, pt) {
		a, b := q[s], q[(s+1)%4]
		// 1.5 pixels inside the edge, clear of the corners.
		in := 1.5 / math.Max(dist(lerp(a, b, 0.5), c), 1)
		return lerp(lerp(a, b, 0.1), c, in), lerp(lerp(a, b, 0.9), c, in)
	}
	var solid [4]float64
	for s := range solid {
		a, b := side(s)
		solid[s] = darkAlong(m, a, b)
	}
	for s := 0; s < 4; s++ {
		// Sides s and s+1 solid, the other two not: q[s+1] is the L's corner.
		if solid[s] < 0.85 || solid[(s+1)%4] < 0.85 || solid[(s+2)%4] > 0.8 || solid[(s+3)%4] > 0.8 {
			continue
		}
		tl, bl, br, tr := q[s], q[(s+1)%4], q[(s+2)%4], q[(s+3)%4]
		// Upright, the L runs down the left side and along the bottom,
		// which turns counterclockwise on screen; the other way round the
		// symbol is seen mirrored, and is read mirrored after the first try.
		if (bl.x-tl.x)*(br.y-bl.y)-(bl.y-tl.y)*(br.x-bl.x) > 0 {
			tl, br = br, tl
		}
		if b, ok := readDMCorners(m, tl, bl, br, tr); ok {
			return b, true
		}
		// Where the outline is not a rectangle, the L's arms may end
		// short of or beyond the outline's corners: follow each arm's
		// solid modules to where they end.
		etl, ebr := armEnd(m, bl, tl, c), armEnd(m, bl, br, c)
		if dist(etl, tl) > 1 || dist(ebr, br) > 1 {
			if b, ok := readDMCorners(m, etl, bl, ebr, pt{etl.x + ebr.x - bl.x, etl.y + ebr.y - bl.y}); ok {
				return b, true
			}
		}
	}
	return Barcode{}, false
}

// readDMCorners tries the symbol with the L's corners tl, bl, br and the
// corner opposite tr. That corner is the least sure: the shape's outline
// there follows data modules, and perspective moves it most. It is tried
// where it is given, where it completes the parallelogram of the other
// three, and nudged around both.
func readDMCorners(m *gozxing.BitMatrix, tl, bl, br, tr pt) (Barcode, bool) {
	bases := []pt{tr}
	if par := (pt{tl.x + br.x - bl.x, tl.y + br.y - bl.y}); dist(par, tr) > 1 {
		bases = append(bases, par)
	}
	for _, base := range bases {
		for _, nudge := range [][2]float64{{0, 0}, {-0.04, 0}, {0.04, 0}, {0, -0.04}, {0, 0.04}, {-0.04, -0.04}, {0.04, 0.04}, {-0.04, 0.04}, {0.04, -0.04}} {
			t := pt{base.x + (base.x-tl.x)*nudge[0] + (base.x-br.x)*nudge[1], base.y + (base.y-tl.y)*nudge[0] + (base.y-br.y)*nudge[1]}
			if b, ok := sampleDM(m, tl, bl, br, t); ok {
				return b, true
			}
			if b, ok := sampleDM(m, br, bl, tl, t); ok {
				return b, true
			}
		}
	}
	return Barcode{}, false
}

// armAxes returns the unit vector along the arm from bl to end and the
// unit normal pointing inside the symbol, to the side the centre c is on.
func armAxes(bl, end, c pt) (u, n pt) {
	l := dist(bl, end)
	u = pt{(end.x - bl.x) / l, (end.y - bl.y) / l}
	n = pt{-u.y, u.x}
	if (c.x-bl.x)*n.x+(c.y-bl.y)*n.y < 0 {
		n = pt{-n.x, -n.y}
	}
	return u, n
}

// armEnd follows the L's arm from its corner bl towards end, 1.5 pixels
// inside the edge (towards the centre c), up to a fifth past end, and
// returns the edge point where its dark modules stop.
func armEnd(m *gozxing.BitMatrix, bl, end, c pt) pt {
	l := dist(bl, end)
	if l < 4 {
		return end
	}
	u, n := armAxes(bl, end, c)
	gap := max(2, 0.03*l)
	last := 0.0
	for s := 0.0; s <= 1.2*l && s-last <= gap; s += 0.5 {
		x, y := int(bl.x+u.x*s+n.x*1.5), int(bl.y+u.y*s+n.y*1.5)
		if x >= 0 && y >= 0 && x < m.GetWidth() && y < m.GetHeight() && m.Get(x, y) {
			last = s
		}
	}
	s := last + 0.5
	return pt{bl.x + u.x*s, bl.y + u.y*s}
}

// sampleDM samples the symbol whose L corner is bl at every size that fits
// its proportions and decodes it.
func sampleDM(m *gozxing.BitMatrix, tl, bl, br, tr pt) (Barcode, bool) {
	{
		width, height := dist(bl, br), dist(tl, bl)
		for _, size := range dmSizes {
			rows, cols := size[0], size[1]
			// The symbol's proportions must match the rectangle's, and
			// its modules be at least 1.5 pixels.
			if r := (width / float64(cols)) / (height / float64(rows)); r < 0.75 || r > 1.33 || width/float64(cols) < 1.5 {
				continue
			}
			// The top clock track must alternate; for the small sizes,
			// whose few check codewords a wrong grid over a larger
			// symbol can satisfy by chance, the right one too.
			small := rows*cols <= 144
			if !clockAlternates(m, tl, tr, bl, cols, rows) || (small && !clockAlternates(m, br, tr, bl, rows, cols)) {
				continue
			}
			bits, err := zxing("grid sampler", func() (*gozxing.BitMatrix, error) {
				return common.GridSampler_GetInstance().SampleGrid(m, cols, rows,
					0, 0, float64(cols), 0, float64(cols), float64(rows), 0, float64(rows),
					tl.x, tl.y, tr.x, tr.y, br.x, br.y, bl.x, bl.y)
			})
			if err != nil {
				continue
			}
			res, err := zxing("data matrix decoder", func() (*common.DecoderResult, error) { return dmdecoder.NewDecoder().Decode(bits) })
			if err != nil {
				continue
			}
			b := Barcode{Barcode: serialgate.Barcode{Text: res.GetText(), Symbology: serialgate.DataMatrix, AIM: "]d" + strconv.Itoa(res.GetSymbologyModifier())},
				Corners: []Point{{tl.x, tl.y}, {tr.x, tr.y}, {br.x, br.y}, {bl.x, bl.y}}}
			if b.AIM == "]d2" && len(b.Text) > 0 && b.Text[0] == 0x1d {
				b.Text = b.Text[1:]
			}
			var raw []byte
			for _, seg := range res.GetByteSegments() {
				raw = append(raw, seg...)
			}
			if len(raw) > 0 && string(raw) != b.Text {
				b.Raw = raw
			}
			fixDMECI(&b, res.GetRawBytes())
			return b, true
		}
	}
	return Barcode{}, false
}

// clockAlternates checks, before sampling and decoding, that the clock
// track from tl to tr, the first of a cols × rows grid whose next track
// lies towards bl, alternates dark and light, starting dark, in at least
// four modules of five. The top row is such a track read from the
// top-left corner, and so is the right column read from the bottom-right
// corner.
func clockAlternates(m *gozxing.BitMatrix, tl, tr, bl pt, cols, rows int) bool {
	down := pt{(bl.x - tl.x) / float64(rows), (bl.y - tl.y) / float64(rows)}
	agree := 0
	for c := 0; c < cols; c++ {
		p := lerp(tl, tr, (float64(c)+0.5)/float64(cols))
		x, y := int(p.x+down.x/2), int(p.y+down.y/2)
		dark := x >= 0 && y >= 0 && x < m.GetWidth() && y < m.GetHeight() && m.Get(x, y)
		if dark == (c%2 == 0) {
			agree++
		}
	}
	return agree*5 >= cols*4
}
