package pdf417

import (
	"errors"
	"fmt"
	"image"
	"math"
	"slices"
	"sync"
)

// Decode finds and reads the PDF417 symbols in img, at any rotation and
// upside down. A symbol whose codewords cannot be corrected is left out.
// It is a Reader's Decode with MicroPDF417 left out.
func Decode(img *image.Gray) ([]Symbol, error) {
	return (&Reader{}).Decode(img)
}

// Reader reads PDF417 symbols, and MicroPDF417 symbols when Micro is set.
// The zero Reader reads PDF417 alone: finding MicroPDF417, which has no
// start or stop pattern, costs several times as much on a photo without
// either.
type Reader struct {
	Micro bool
	// Areas, when set with Micro, is called once the upright and on-end
	// scans are done, for the places where bars stand turned (a 1D
	// code's, or a MicroPDF417 symbol's rows): each is scanned again on
	// lines slanted along its angle, for MicroPDF417 symbols turned more
	// than those scans find.
	Areas func() []Area
	// Taken, when set with Micro, gives the outlines of codes other
	// readers read, whose bars make RAP-like stripes: no MicroPDF417
	// symbol is looked for at an edge of RAPs whose middle is inside one
	// (Areas are the caller's to leave out). It is called once at most,
	// when the first such edge is met, and may wait for the other readers.
	Taken func() [][4]Point
}

// Decode finds and reads the symbols in img, at any rotation and upside
// down. A symbol whose codewords cannot be corrected is left out.
func (rd *Reader) Decode(img *image.Gray) ([]Symbol, error) {
	if img == nil {
		return nil, errors.New("pdf417: no image")
	}
	r := img.Bounds()
	if r.Dx() > 0 && r.Dy() > 0 && (img.Stride < r.Dx() || len(img.Pix) < img.PixOffset(r.Max.X-1, r.Max.Y-1)+1) {
		return nil, fmt.Errorf("pdf417: bad gray image %dx%d stride %d with %d bytes", r.Dx(), r.Dy(), img.Stride, len(img.Pix))
	}
	if r.Dx() < 20 || r.Dy() < 3 {
		return nil, nil
	}
	b := binarize(img)
	b.micro = rd.Micro
	taken := func() [][4]Point { return nil }
	if rd.Taken != nil {
		taken = sync.OnceValue(rd.Taken)
	}
	var out []Symbol
	for _, turned := range []bool{false, true} {
		sb := b
		known := slices.Clone(out) // in sb's coordinates
		if turned {
			sb = b.transpose()
			for i := range known {
				for j, p := range known[i].Corners {
					known[i].Corners[j] = Point{p.Y, p.X}
				}
			}
		}
		inTaken := func(p Point) bool {
			if turned {
				p = Point{p.Y, p.X}
			}
			return slices.ContainsFunc(taken(), func(q [4]Point) bool { return insideQuad(p, q) })
		}
		for _, s := range decodeBitmap(sb, known, inTaken) {
			if turned {
				for i, p := range s.Corners {
					s.Corners[i] = Point{p.Y, p.X}
				}
			}
			if !seen(out, s) {
				out = append(out, s)
			}
		}
	}
	if rd.Micro && rd.Areas != nil {
		for _, a := range rd.Areas() {
			for _, s := range slantMicro(b, a) {
				if !seen(out, s) {
					out = append(out, s)
				}
			}
		}
	}
	return out, nil
}

// seen tells whether s was found already, by another scan of the image.
func seen(found []Symbol, s Symbol) bool {
	c := center(s.Corners)
	for _, o := range found {
		oc := center(o.Corners)
		if string(o.Bytes()) == string(s.Bytes()) && math.Hypot(c.X-oc.X, c.Y-oc.Y) < 20 {
			return true
		}
	}
	return false
}

func center(ps [4]Point) Point {
	var c Point
	for _, p := range ps {
		c.X, c.Y = c.X+p.X/4, c.Y+p.Y/4
	}
	return c
}

// decodeBitmap reads the symbols whose rows run along b's rows (within
// about 60°), in b's coordinates; known are symbols read already (in b's
// coordinates too), inside which no MicroPDF417 symbol is looked for.
func decodeBitmap(b *bitmap, known []Symbol, taken func(Point) bool) []Symbol {
	step := max(1, b.h/500)
	hits := scanHits(b)
	var edges [kinds][]*edge
	for k := range hits {
		edges[k] = groupHits(edgeKind(k), hits[k], step)
	}
	var out []Symbol
	for _, f := range pairEdges(edges) {
		s, err := f.decode(b)
		if err == nil {
			out = append(out, *s)
		}
	}
	for _, e := range append(edges[microFwd], edges[microRev]...) { // none unless b.micro
		// A MicroPDF417 symbol is not inside another symbol: RAP-like
		// patterns there are its codewords.
		mid := float64(e.first+e.last) / 2
		at := Point{e.inner(mid), mid}
		inside := func(s Symbol) bool { return insideQuad(at, s.Corners) }
		if slices.ContainsFunc(known, inside) || slices.ContainsFunc(out, inside) || taken(at) {
			continue
		}
		if s, err := decodeMicroEither(b, e); err == nil {
			out = append(out, *s)
		}
	}
	return out
}

// indicatorVotes gathers what the row indicators say.
type indicatorVotes struct {
	rowsDiv3, levelRows, cols map[int]int
}

func best(votes map[int]int) (int, bool) {
	v, n := most(votes)
	return v, n > 0
}

// most returns the value with the most votes and its votes.
func most(votes map[int]int) (v, n int) {
	for k, c := range votes {
		if c > n || (c == n && k < v) {
			v, n = k, c
		}
	}
	return v, n
}

// decode reads the symbol in the frame.
func (f frame) decode(b *bitmap) (*Symbol, error) {
	// Lines two modules apart first (a row is at least three modules high
	// in print, so a line or two a row), then a module apart, then half
	// a module apart: each pass is for the symbols the sparser one could
	// not read (rows a module or two high, blur, damage). A symbol's
	// error correction stands behind whichever reads it.
	if s, err := f.decodeSpaced(b, 4); err == nil {
		return s, nil
	}
	if s, err := f.decodeSpaced(b, 2); err == nil {
		return s, nil
	}
	return f.decodeSpaced(b, 1)
}

// decodeSpaced reads the symbol in the frame, its first scan lines spaced
// times half a module apart.
func (f frame) decodeSpaced(b *bitmap, spaced int) (*Symbol, error) {
	cols := f.cols
	var reads []read
	for try := 0; try < 2; try++ {
		f = f.withCols(cols)
		reads = f.scan(b, cols, spaced)
		iv := indicatorVotes{map[int]int{}, map[int]int{}, map[int]int{}}
		for _, r := range reads {
			info := r.value % 30
			switch {
			case r.col == 0 && r.clu == 2, r.col == cols+1 && r.clu == 0:
				iv.cols[info]++
			}
		}
		c, ok := best(iv.cols)
		if !ok || c+1 == cols || c+1 > 30 {
			break
		}
		if try == 1 {
			// The indicators disagree with the columns they gave.
			return nil, ErrSize
		}
		cols = c + 1 // the indicators know better than the distance
	}
	iv := indicatorVotes{map[int]int{}, map[int]int{}, map[int]int{}}
	var lt, lr, rt, rr []float64 // t and row of the left and right indicators
	for _, r := range reads {
		if r.col != 0 && r.col != cols+1 {
			continue
		}
		info := r.value % 30
		row := 3*(r.value/30) + r.clu
		left := r.col == 0
		switch {
		case left && r.clu == 0, !left && r.clu == 1:
			iv.rowsDiv3[info]++
		case left && r.clu == 1, !left && r.clu == 2:
			iv.levelRows[info]++
		default:
			iv.cols[info]++
		}
		if left {
			lt, lr = append(lt, r.t), append(lr, float64(row))
		} else {
			rt, rr = append(rt, r.t), append(rr, float64(row))
		}
	}
	d3, ok1 := best(iv.rowsDiv3)
	lv, ok2 := best(iv.levelRows)
	c, ok3 := best(iv.cols)
	if !ok1 || !ok2 || !ok3 || c+1 != cols {
		return nil, ErrSize
	}
	rows, level := 3*d3+lv%3+1, lv/3
	if rows < 3 || rows > 90 || level > 8 {
		return nil, ErrSize
	}
	// Rows against the place of the line, on each side.
	if len(lt) < 3 && len(rt) < 3 {
		return nil, ErrSize
	}
	var la, lb, ra, rb float64
	if len(lt) >= 3 {
		la, lb = fit(lt, lr)
	}
	if len(rt) >= 3 {
		ra, rb = fit(rt, rr)
	}
	if len(lt) < 3 {
		la, lb = ra, rb
	}
	if len(rt) < 3 {
		ra, rb = la, lb
	}
	if math.Abs(lb) < 1e-6 || math.Abs(rb) < 1e-6 {
		return nil, ErrSize
	}
	g := newGrid(rows, cols)
	vals, clus := make([]int, cols+2), make([]int, cols+2)
	for i := 0; i < len(reads); {
		// The reads of one line.
		k := i
		for k < len(reads) && reads[k].t == reads[i].t {
			k++
		}
		for j := range vals {
			vals[j] = -1
		}
		for _, r := range reads[i:k] {
			vals[r.col], clus[r.col] = r.value, r.clu
		}
		g.voteLine(vals, clus, la+lb*reads[i].t, ra+rb*reads[i].t, 1)
		i = k
	}
	// Where the scan's votes do not make a symbol, a second pass along
	// each row as the indicators place it. Where rows are under four
	// pixels high, the lines are moved to the nearest pixel's middle at
	// each end, as in the first pass.
	s, err := g.decode(rows, cols, level)
	if err != nil {
		snap := math.Abs(float64(f.start.last-f.start.first)/lb) < 4
		for row := range rows {
			for _, off := range []float64{-0.25, 0, 0.25} {
				y := float64(row) + off
				t, u := (y-la)/lb, (y-ra)/rb
				yl, yr := y, y
				if snap {
					t, u = f.start.snap(t), f.stop.snap(u)
					yl, yr = la+lb*t, ra+rb*u
				}
				readLine(b, f.frameLine(t, u), cols, vals, clus)
				if f.compact {
					vals[cols+1] = -1
				}
				g.voteLine(vals, clus, yl, yr, 2)
			}
		}
		s, err = g.decode(rows, cols, level)
	}
	if err != nil {
		return nil, err
	}
	// The corners: the outer sides of the start and stop patterns (17 and
	// 18 modules wide, or the one-module bar 16 modules inside a compact
	// frame's stop edge) at the top of row 0 and the bottom of the last
	// row, stepped along the row's line between the inner edges, whose
	// modules it measures: under perspective the rows are not square to
	// the edges.
	stopOut := 18.0
	if f.compact {
		stopOut = -16
	}
	ends := func(row float64) (Point, Point) {
		ln := f.frameLine((row-la)/lb, (row-ra)/rb)
		d := math.Hypot(ln.bx-ln.ax, ln.by-ln.ay)
		m := d / float64(17*(cols+2)) // the module along the row
		ux, uy := (ln.bx-ln.ax)/d*m, (ln.by-ln.ay)/d*m
		return Point{ln.ax - 17*ux, ln.ay - 17*uy}, Point{ln.bx + stopOut*ux, ln.by + stopOut*uy}
	}
	tl, tr := ends(-0.5)
	bl, br := ends(float64(rows) - 0.5)
	s.Corners = [4]Point{tl, tr, br, bl}
	return s, nil
}

// scan reads codewords on lines across the frame, from a little before
// its first scan line to a little after its last.
func (f frame) scan(b *bitmap, cols, spaced int) []read {
	// Lines half a module apart (a row is at least a module high), each
	// starting on a whole scan line of the start edge, through the middle
	// of a pixel: where rows are a pixel or two high, a line between two
	// pixels would mix two rows.
	first, last := f.start.first, f.start.last
	span := float64(max(last-first, f.stop.last-f.stop.first))
	gap := max(1, (f.start.module+f.stop.module)/4)
	step := spaced * max(1, int(math.Round(gap)), int(span*1.2)/800+1)
	pad := max(1, int(span/10))
	vals, clus := make([]int, cols+2), make([]int, cols+2)
	var out []read
	for l := first - pad; l <= last+pad; l += step {
		t := 0.0
		if last > first {
			t = float64(l-first) / float64(last-first)
		}
		readLine(b, f.frameLine(t, t), cols, vals, clus)
		if f.compact {
			vals[cols+1] = -1
		}
		for j := range cols + 2 {
			if vals[j] >= 0 {
				out = append(out, read{t: t, col: j, value: vals[j], clu: clus[j]})
			}
		}
	}
	return out
}

// decode corrects and decodes the codewords the votes give; doubtful ones,
// taken as erasures, cost half an error each.
func (g *grid) decode(rows, cols, level int) (*Symbol, error) {
	cw, erasures, weak := g.codewords()
	s, err := decodeMatrix(cw, rows, cols, level, erasures)
	if err != nil && len(weak) > 0 {
		cw, erasures, _ = g.codewords()
		s, err = decodeMatrix(cw, rows, cols, level, append(erasures, weak...))
	}
	return s, err
}

// grid collects the votes for each codeword of the symbol.
type grid struct {
	rows, cols int
	votes      []map[int]int // by row·(cols+2) + column
}

func newGrid(rows, cols int) *grid {
	return &grid{rows: rows, cols: cols, votes: make([]map[int]int, rows*(cols+2))}
}

func (g *grid) add(row, col, value, weight int) {
	i := row*(g.cols+2) + col
	if g.votes[i] == nil {
		g.votes[i] = map[int]int{}
	}
	g.votes[i][value] += weight
}

// voteLine places the codewords read on one line, whose ends lie at rows
// left and right as the fitted indicators put them; an indicator read on
// the line itself places its end better, unless it is far off the fit.
// Each codeword goes to the row of its cluster nearest the line's height
// at its column.
func (g *grid) voteLine(vals, clus []int, left, right float64, weight int) {
	n := g.cols + 2
	if v := vals[0]; v >= 0 {
		if r := float64(3*(v/30) + clus[0]); math.Abs(r-left) <= 2 {
			left = r
		}
	}
	if v := vals[n-1]; v >= 0 {
		if r := float64(3*(v/30) + clus[n-1]); math.Abs(r-right) <= 2 {
			right = r
		}
	}
	for col := range n {
		if vals[col] < 0 {
			continue
		}
		y := left + (right-left)*(float64(col)+0.5)/float64(n)
		row, bestD := -1, 2.0
		for c := int(math.Floor(y)) - 1; c <= int(math.Floor(y))+2; c++ {
			if (c%3+3)%3 == clus[col] && math.Abs(float64(c)-y) < bestD {
				row, bestD = c, math.Abs(float64(c)-y)
			}
		}
		if bestD > 1.2 || row < 0 || row >= g.rows {
			continue
		}
		g.add(row, col, vals[col], weight)
	}
}

// codewords returns the data codewords, row by row, with the indexes of
// those never read (erasures) and of those read with doubt (weak).
func (g *grid) codewords() (cw, erasures, weak []int) {
	for row := range g.rows {
		for col := 1; col <= g.cols; col++ {
			i := len(cw)
			v, n := most(g.votes[row*(g.cols+2)+col])
			total := 0
			for _, c := range g.votes[row*(g.cols+2)+col] {
				total += c
			}
			switch {
			case n == 0:
				erasures = append(erasures, i)
			case 2*n < total+1:
				weak = append(weak, i)
			}
			cw = append(cw, v)
		}
	}
	return cw, erasures, weak
}

// insideQuad tells whether p lies inside the convex quadrilateral q, its
// corners in order either way round.
func insideQuad(p Point, q [4]Point) bool {
	sign := 0.0
	for i := range q {
		a, b := q[i], q[(i+1)%4]
		c := (b.X-a.X)*(p.Y-a.Y) - (b.Y-a.Y)*(p.X-a.X)
		if c == 0 {
			continue
		}
		if sign == 0 {
			sign = c
		} else if sign*c < 0 {
			return false
		}
	}
	return sign != 0
}
