package pdf417

import (
	"math"
	"slices"
	"sync"
)

// MicroPDF417 (ISO/IEC 24728) keeps PDF417's codewords, its error
// correction over GF(929) and its data encoding, but has neither start and
// stop patterns nor row indicators: each row is framed by row address
// patterns (RAPs) of 10 modules, three bars and three spaces, on its left
// and right and, in symbols of three and four columns, between the data
// columns, and ends in a bar of one module. The RAPs of successive rows
// follow one another round a cycle of 52; where a symbol's rows start on
// each cycle, with its columns, rows and check codewords, is one of 34
// fixed versions.

// microWidth is the width in modules of a row of a MicroPDF417 symbol of
// cols data columns, its closing bar included.
func microWidth(cols int) int {
	w := 10 + 17*cols + 10 + 1
	if cols >= 3 {
		w += 10
	}
	return w
}

// microCentre is the data column a symbol's centre RAP precedes, or 0 for
// symbols without one.
func microCentre(cols int) int {
	switch cols {
	case 3:
		return 1
	case 4:
		return 2
	}
	return 0
}

// microVersion is one of MicroPDF417's sizes.
type microVersion struct {
	cols, rows, check   int
	left, centre, right int // places on the RAP cycles of the first row's RAPs
}

// microIndex finds a left (or right: the cycles hold the same patterns)
// and a centre RAP's place on its cycle by its pattern, -1 for a pattern
// that is none. Built on first use.
var microIndex = sync.OnceValue(func() *[2][1024]int8 {
	var out [2][1024]int8
	for side := range out {
		for p := range out[side] {
			out[side][p] = -1
		}
		for i, p := range microRAPs[side] {
			out[side][p] = int8(i)
		}
	}
	return &out
})

// rapOf finds the left RAP whose six elements (bar first) were measured as
// runs of total width: its place on the cycle. The edges are put on the
// nearest module boundary, as for codewords at about a pixel a module.
func rapOf(runs []float64, width float64) (int, bool) {
	return rapOn(0, runs, width)
}

// rapOn is rapOf for the left (side 0) or centre (1) cycle.
func rapOn(side int, runs []float64, width float64) (int, bool) {
	var p uint16
	at, prev, bar := 0.0, 0, uint16(1)
	for _, r := range runs[:6] {
		at += r * 10 / width
		b := int(math.Round(at))
		n := b - prev
		if n < 1 || n > 7 {
			return 0, false
		}
		for range n {
			p = p<<1 | bar
		}
		prev, bar = b, bar^1
	}
	if prev != 10 {
		return 0, false
	}
	i := microIndex()[side][p]
	return int(i), i >= 0
}

// microHits adds to out the MicroPDF417 rows that start on a line with the
// given runs (of w pixels in all), read either way: a left RAP followed by
// a codeword of the cluster that RAP's rows use, which stray print rarely
// makes. scratch is space for the runs reversed and their running sums,
// returned for the next line: the widths of a RAP and of the codeword
// after it are compared by two subtractions before any run is measured,
// which passes over most places on a line of print or texture. A coarse
// scan takes the first codeword's cluster from the sums of its bars and
// spaces, and reads it by those sums alone, without decodeRuns'
// fallbacks: the rows that miss, aliased or crossed at a slant, are found
// by the dense scan near the others.
func microHits(runs []int, firstDark bool, y, w int, coarse bool, scratch []int, out *[kinds][]hit) []int {
	n := len(runs)
	index := &microIndex()[0]
	if cap(scratch) < 2*n+1 {
		scratch = make([]int, 2*n+1)
	}
	rev, sums := scratch[:n], scratch[n:2*n+1]
	for i, r := range runs {
		rev[n-1-i] = r
	}
	for _, backwards := range [2]bool{false, true} {
		rs, dark0 := runs, firstDark // the runs in reading order; the first's colour
		if backwards {
			rs, dark0 = rev, firstDark == (n%2 == 1)
		}
		sums[0] = 0
		for i, r := range rs {
			sums[i+1] = sums[i] + r
		}
		first := 0 // the first dark run
		if !dark0 {
			first = 1
		}
		for i := first; i+14 <= n; i += 2 {
			// The RAP's runs i to i+5 and the codeword's i+6 to
			// i+13: a RAP of 10 modules of 0.8 pixels or more, and a
			// codeword 17 modules wide to a quarter.
			total, width := sums[i+6]-sums[i], sums[i+14]-sums[i+6]
			if total < 8 || 4*abs(10*width-17*total) > 17*total {
				continue
			}
			// What follows is another codeword or a RAP (see
			// microNext), of its width to a quarter.
			if (i+22 > n || 4*abs(10*(sums[i+22]-sums[i+14])-17*total) > 17*total) &&
				(i+21 > n || 4*abs(sums[i+20]-sums[i+14]-total) > total) {
				continue
			}
			// A left RAP's first bar is 2 to 4 modules wide, its
			// other elements 1 to 4: products weed out most places
			// before the RAP is rounded to modules.
			six := rs[i : i+6]
			if 20*six[0] < 3*total || 20*six[0] > 9*total || 20*six[1] > 9*total || 20*six[2] > 9*total ||
				20*six[3] > 9*total || 20*six[4] > 9*total || 20*six[5] > 9*total {
				continue
			}
			idx, ok := rapOfRuns(index, six, total)
			if !ok {
				continue
			}
			want := int(microCluster[idx])
			if coarse && !clusterMay(rs[i+6:i+14], width, want) {
				continue
			}
			m := float64(total) / 10
			if !microNext(rs[i+14:], m, want) {
				continue
			}
			var cw [8]float64
			for k, r := range rs[i+6 : i+14] {
				cw[k] = float64(r)
			}
			var c int
			if coarse {
				_, c, ok = decodePairs(cw, float64(width))
			} else {
				_, c, ok = decodeRuns(cw, float64(width), m)
			}
			if !ok || c != want {
				continue
			}
			pos := sums[i] // pixels before the RAP, in reading order
			h := hit{line: y, outer: float64(pos), inner: float64(pos + total), module: m, rap: idx}
			kind := microFwd
			if backwards {
				kind, h.outer, h.inner = microRev, float64(w-pos), float64(w-pos-total)
			}
			out[kind] = append(out[kind], h)
		}
	}
	return scratch
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// rapOfRuns is rapOf for six runs of whole pixels, total in all, in
// integers, with index the left RAPs' microIndex.
func rapOfRuns(index *[1024]int8, runs []int, total int) (int, bool) {
	var p uint16
	cum, prev, bar := 0, 0, uint16(1)
	scale := 10 / float64(total)
	for _, r := range runs[:6] {
		cum += r
		b := int(float64(cum)*scale + 0.5)
		n := b - prev
		if n < 1 || n > 7 {
			return 0, false
		}
		for range n {
			p = p<<1 | bar
		}
		prev, bar = b, bar^1
	}
	if prev != 10 {
		return 0, false
	}
	i := index[p]
	return int(i), i >= 0
}

// microConfirmed tells which of the MicroPDF417 hits of the coarse pass
// (hits, in line order, on lines coarse apart) lie on a symbol's left
// edge: those chained to hits of like module and place on the coarse lines
// above and below (up to four away: on a symbol turned a few degrees, a
// line stays in a row across the RAP and a codeword only near the row's
// middle), in a chain along which the RAPs advance round their cycle at
// least once, by no more rows than the lines between two hits can cross
// (a row is two modules high or more). The stripes of a 1D code read as
// one RAP on every line, and a lone hit in print has no chain: neither
// costs a dense scan.
func microConfirmed(hits []hit, coarse int) []bool {
	parent := make([]int, len(hits))
	for i := range parent {
		parent[i] = i
	}
	root := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	advances := make([]bool, len(hits))
	next := 0 // the first hit on a later line than hit i's
	for i, h := range hits {
		for next < len(hits) && hits[next].line <= h.line {
			next++
		}
		for j := next; j < len(hits) && hits[j].line-h.line <= 4*coarse; j++ {
			o := hits[j]
			dl := o.line - h.line
			if math.Abs(o.module-h.module) > 0.5*h.module+1 || math.Abs(o.outer-h.outer) > 2*h.module+0.5*float64(dl) {
				continue
			}
			ri, rj := root(i), root(j)
			adv := advances[ri] || advances[rj]
			rows := min(25, int(float64(dl)/(2*h.module))+2)
			if d := (o.rap - h.rap + 52) % 52; d != 0 && (d <= rows || d >= 52-rows) {
				adv = true
			}
			parent[ri] = rj
			advances[rj] = adv
		}
	}
	// A chain of one RAP is kept where it is no taller than a row of a
	// symbol turned a few degrees, whose lines stay in a row only near
	// its middle, and its modules are wider than the texture's: the
	// stripes of a 1D code run on.
	lo, hi := make([]int, len(hits)), make([]int, len(hits))
	size := make([]int, len(hits))
	for i, h := range hits {
		r := root(i)
		if size[r] == 0 || h.line < lo[r] {
			lo[r] = h.line
		}
		hi[r] = max(hi[r], h.line)
		size[r]++
	}
	out := make([]bool, len(hits))
	for i, h := range hits {
		r := root(i)
		out[i] = advances[r] || size[r] >= 2 && h.module >= 2 && float64(hi[r]-lo[r]) <= 3*h.module
	}
	return out
}

// clusterMay tells whether the codeword of eight runs, of width pixels in
// all, may be of the cluster: the cheap test before it is
// read. The bars' widths b1 - b3 + b5 - b7 give the cluster, modulo 9
// (ISO/IEC 15438), and so do the sums of a bar and the next space, which
// ink spread leaves alone: t1 - t2 + t5 - t6. A sum near half a module
// off a whole number is taken both ways, as the reader's fallbacks may.
func clusterMay(runs []int, width, cluster int) bool {
	var lo, hi [4]int
	for k, j := range [4]int{0, 1, 4, 5} {
		num := 17 * (runs[j] + runs[j+1])
		q, rem := num/width, num%width
		lo[k], hi[k] = q, q
		switch {
		case 10*rem >= 3*width && 10*rem <= 7*width:
			hi[k] = q + 1
		case 2*rem >= width:
			lo[k], hi[k] = q+1, q+1
		}
	}
	for a := lo[0]; a <= hi[0]; a++ {
		for b := lo[1]; b <= hi[1]; b++ {
			for c := lo[2]; c <= hi[2]; c++ {
				for d := lo[3]; d <= hi[3]; d++ {
					if (a-b+c-d+18)%9 == 3*cluster {
						return true
					}
				}
			}
		}
	}
	return false
}

// microNext tells whether the runs (in reading order) go on as a
// MicroPDF417 row does after its first codeword: with a codeword of the
// same cluster, a centre RAP, or the right RAP and the closing bar of one
// module.
func microNext(runs []int, m float64, cluster int) bool {
	if len(runs) >= 8 {
		var cw [8]float64
		width := 0.0
		for k, r := range runs[:8] {
			cw[k] = float64(r)
			width += cw[k]
		}
		if math.Abs(width-17*m) <= 0.25*17*m {
			if _, c, ok := decodePairs(cw, width); ok && c == cluster {
				return true
			}
		}
	}
	if len(runs) < 7 {
		return false
	}
	var six [6]float64
	width := 0.0
	for k, r := range runs[:6] {
		six[k] = float64(r)
		width += six[k]
	}
	if math.Abs(width-10*m) > 0.25*10*m {
		return false
	}
	if _, ok := rapOn(1, six[:], width); ok {
		return true
	}
	_, ok := rapOn(0, six[:], width)
	return ok && math.Abs(float64(runs[6])-m) <= 0.5*m+0.6
}

// readRAP reads the left RAP on ln, which runs from its outer edge to its
// inner one: its place on the cycle, and how far along ln, in pixels, its
// inner edge was found.
func readRAP(b *bitmap, ln line) (int, float64, bool) {
	m := math.Hypot(ln.bx-ln.ax, ln.by-ln.ay) / 10
	starts, ends, mod, pre := edgesAlong(b, ln, m)
	// The RAP's first bar: the dark run starting nearest the line's start;
	// its three bars and spaces end where the codeword's first bar starts.
	k := -1
	for i, s := range starts {
		if math.Abs(s-pre) <= 2.5*mod && (k < 0 || math.Abs(s-pre) < math.Abs(starts[k]-pre)) {
			k = i
		}
	}
	if k < 0 || k+3 >= len(starts) || k+2 >= len(ends) {
		return 0, 0, false
	}
	var runs [6]float64
	for e := range 3 {
		runs[2*e] = ends[k+e] - starts[k+e]
		runs[2*e+1] = starts[k+e+1] - ends[k+e]
	}
	width := starts[k+3] - starts[k]
	if math.Abs(width-10*mod) > 3*mod {
		return 0, 0, false
	}
	i, ok := rapOf(runs[:], width)
	return i, (starts[k+3] - pre) / mod * m, ok
}

// microRead is what one line across a MicroPDF417 symbol read: the place
// of its left RAP on the cycle and its codewords, -1 where not read.
type microRead struct {
	rap  int
	vals [4]int
	clus [4]int
}

// decodeMicro reads the MicroPDF417 symbol whose left RAPs make the edge
// e. Lines square to the edge from every scan line along it (and past its
// ends, until no RAP is read for a while, as a turned symbol's rows are
// found on few scan lines) are placed in their rows by their own left
// RAPs; then, for each number of columns, their codewords are read and
// each version of that many columns whose RAPs agree with the lines' is
// corrected and decoded.
func decodeMicro(b *bitmap, e *edge) (*Symbol, error) {
	if math.Abs(e.inB) > 1.8 || len(e.hits) < 3 || !advancing(e.hits) {
		return nil, ErrSize
	}
	type rapLine struct {
		line, rap int
		x, y      float64 // the line's start, on the RAP's inner edge
	}
	var raps []rapLine
	var at, inner []float64 // where RAPs' inner edges were found: line and x
	var ux, uy, m float64
	step := 1
	scan := func() {
		ux, uy, m = e.microAxis()
		step = max(1, int(m/2))
		raps, at, inner = raps[:0], at[:0], inner[:0]
		read := func(l int) bool {
			x, y := e.inner(float64(l)), float64(l)+0.5
			rap, d, ok := readRAP(b, line{x - 10*m*ux, y - 10*m*uy, x, y})
			if !ok {
				return false
			}
			// The inner edge found, d pixels along the line from its start.
			fx, fy := x-10*m*ux+d*ux, y-10*m*uy+d*uy
			raps = append(raps, rapLine{l, rap, fx, fy})
			at, inner = append(at, fy-0.5), append(inner, fx)
			return true
		}
		for l := e.first; l <= e.last; l += step {
			read(l)
		}
		quiet := int(6*m) + 2 // lines without a RAP that end the search
		for dir := -1; dir <= 1; dir += 2 {
			l, missed := e.first-step, 0
			if dir > 0 {
				l = e.last + step
			}
			for ; l >= 0 && l < b.h && missed < quiet; l += dir * step {
				if read(l) {
					missed = 0
				} else {
					missed += step
				}
			}
		}
	}
	scan()
	if len(raps) < 3 {
		return nil, ErrSize
	}
	// A short edge's slope is rough: the RAPs found along the symbol give
	// it again, and the lines are read again square to it.
	if len(at) >= 5 && (e.last-e.first)*3 < len(at)*step*2 {
		a, slope := fit(at, inner)
		if math.Abs(slope-e.inB) > 0.02 && math.Abs(slope) <= 1.8 {
			f := *e
			f.inA, f.inB = a, slope
			f.first, f.last = int(slices.Min(at)), int(slices.Max(at))
			e = &f
			scan()
		}
	}
	// Along a symbol, each line's RAP is its last line's or the next on
	// the cycle (the previous one, upside down); RAPs read in print or
	// texture jump about.
	// A symbol has four rows or more: its RAPs advance at least three
	// times, where the stripes of a 1D code read as one RAP on every line.
	var same, up, down int
	for i := 1; i < len(raps); i++ {
		switch (raps[i].rap - raps[i-1].rap + 52) % 52 {
		case 0:
			same++
		case 1, 2:
			up++
		case 50, 51:
			down++
		}
	}
	if 3*(same+max(up, down)) < 2*(len(raps)-1) || max(up, down) < 3 {
		return nil, ErrSize
	}
	// The codewords right of the left RAPs: one before the centre RAP
	// (1 and 3 columns) or two (2 and 4 columns), read once for both
	// widths. Where no line reads one in its RAP's cluster, no symbol of
	// those widths starts here, and the stripes or print that made the
	// edge are read no further.
	var vals, clus [4]int
	// seg reads n codewords from `from` modules right of rl's RAP into
	// rd's columns from into.
	seg := func(rl rapLine, from, n int, rd *microRead, into int) {
		a, z := float64(from)*m, float64(from+17*n)*m
		readCodewords(b, line{rl.x + a*ux, rl.y + a*uy, rl.x + z*ux, rl.y + z*uy}, n, vals[:], clus[:])
		copy(rd.vals[into:into+n], vals[:n])
		copy(rd.clus[into:into+n], clus[:n])
	}
	var firsts [3][]microRead // by the count read: 1 or 2
	first := func(n int) []microRead {
		if firsts[n] == nil {
			firsts[n] = make([]microRead, len(raps))
			for i, rl := range raps {
				firsts[n][i].rap = rl.rap
				seg(rl, 0, n, &firsts[n][i], 0)
			}
		}
		return firsts[n]
	}
	for cols := 1; cols <= 4; cols++ {
		c1 := cols
		if c := microCentre(cols); c > 0 {
			c1 = c
		}
		heads := first(c1)
		if !clustered(heads, c1) {
			continue
		}
		reads := make([]microRead, len(raps))
		lines := make([]int, len(raps))
		for i, rl := range raps {
			rd := heads[i]
			if c1 < cols {
				seg(rl, 17*c1+10, cols-c1, &rd, c1) // past the centre RAP
			}
			reads[i], lines[i] = rd, rl.line
		}
		for _, v := range microVersions {
			if v.cols != cols {
				continue
			}
			if s, err := v.decode(reads); err == nil {
				s.Corners = microCorners(e, v, reads, lines, m)
				return s, nil
			}
		}
	}
	return nil, ErrSize
}

// clustered tells whether one line at least read one of the first n
// codewords in the cluster its RAP gives.
func clustered(reads []microRead, n int) bool {
	for _, rd := range reads {
		for c := range n {
			if rd.vals[c] >= 0 && rd.clus[c] == int(microCluster[rd.rap]) {
				return true
			}
		}
	}
	return false
}

// advancing tells whether the RAPs of an edge's hits, in line order, go
// round their cycle as a symbol's rows do: mostly staying or advancing one
// way, by as many rows as the gap between two hits can cross, and
// advancing at least once, or else one RAP on a stretch no taller than a
// row. It costs nothing beside the lines decodeMicro
// reads along an edge, which the stripes of a 1D code (one RAP on every
// line) and RAPs in print (jumping about) would otherwise cost.
func advancing(hits []hit) bool {
	var same, up, down int
	for i := 1; i < len(hits); i++ {
		switch d := (hits[i].rap - hits[i-1].rap + 52) % 52; {
		case d == 0:
			same++
		case d <= 5:
			up++
		case d >= 47:
			down++
		}
	}
	if same == len(hits)-1 {
		// One row of a symbol turned a few degrees, whose lines stay
		// in a row only near its middle (see microConfirmed).
		m := hits[0].module
		return m >= 2 && float64(hits[len(hits)-1].line-hits[0].line) <= 3*m
	}
	return max(up, down) >= 1 && 3*(same+max(up, down)) >= 2*(len(hits)-1)
}

// decode votes the codewords the lines read into the version's cells, by
// the rows their RAPs give, and corrects and decodes them.
func (v microVersion) decode(reads []microRead) (*Symbol, error) {
	votes := make([]map[int]int, v.rows*v.cols)
	inside := 0
	rows := map[int]bool{}
	for _, rd := range reads {
		row := (rd.rap - v.left + 52) % 52
		if row >= v.rows {
			continue
		}
		inside++
		rows[row] = true
		for c := range v.cols {
			if rd.vals[c] < 0 || rd.clus[c] != int(microCluster[rd.rap]) {
				continue
			}
			i := row*v.cols + c
			if votes[i] == nil {
				votes[i] = map[int]int{}
			}
			votes[i][rd.vals[c]]++
		}
	}
	// Most lines must fall on the version's rows, and find most of them.
	if 2*inside < len(reads) || 2*len(rows) < v.rows {
		return nil, ErrSize
	}
	cw := make([]int, len(votes))
	var erasures []int
	for i, vs := range votes {
		val, n := most(vs)
		if n == 0 {
			erasures = append(erasures, i)
		}
		cw[i] = val
	}
	fixed, err := correct(cw, v.check, erasures)
	if err != nil {
		return nil, err
	}
	// No symbol length descriptor: the data runs to the check codewords,
	// padded with 900.
	data := append([]int{len(cw) - v.check + 1}, cw[:len(cw)-v.check]...)
	msg, err := decodeData(data)
	if err != nil {
		return nil, err
	}
	return &Symbol{
		Segments: msg.segs, ECI: msg.eci, ReaderInit: msg.readerInit, Macro: msg.macro,
		Rows: v.rows, Cols: v.cols, Micro: true, Corrected: fixed, Erased: len(erasures),
	}, nil
}

// microCorners returns the corners of a MicroPDF417 symbol: the left RAP's
// outer side and the closing bar's far side at the top of its first row
// and the bottom of its last, placed by the lines whose RAPs give rows.
func microCorners(e *edge, v microVersion, reads []microRead, lines []int, m float64) [4]Point {
	// The scan line of each row, fitted through the lines inside it.
	var rows, ls []float64
	for i, rd := range reads {
		if row := (rd.rap - v.left + 52) % 52; row < v.rows {
			rows, ls = append(rows, float64(row)), append(ls, float64(lines[i]))
		}
	}
	a, b := fit(rows, ls)
	ux, uy, _ := e.microAxis()
	width := float64(microWidth(v.cols) - 10)
	at := func(row, out float64) Point {
		l := a + b*row
		return Point{e.inner(l) + out*m*ux, l + 0.5 + out*m*uy}
	}
	top, bottom := -0.5, float64(v.rows)-0.5
	return [4]Point{at(top, -10), at(top, width), at(bottom, width), at(bottom, -10)}
}
