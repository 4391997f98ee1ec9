package pdf417

import (
	"image"
	"math"
	"sort"
)

// A MicroPDF417 row is two or three modules high, and a row is found
// where a scan line stays in it across a RAP and two codewords, 44
// modules: on the image's rows and columns that holds only within a few
// degrees of a quarter turn. A symbol turned further is read on scan
// lines slanted to its rows, in the places a caller found bars turned
// that way (Reader.Areas): each slanted line takes one pixel a column,
// its row moving by the slope, so that the hits it gives are placed by
// column and slanted line, then mapped back to the image's rows for the
// reading, which measures square to the symbol's own edge, or, where that
// fails (columns leaning apart in perspective), along the slanted lines.

// Area is a part of an image where bars stand side by side, turned: the
// rows of a MicroPDF417 symbol there would run across the bars, Angle
// radians counterclockwise from the image's x axis (its y axis pointing
// down).
type Area struct {
	Box   image.Rectangle
	Angle float64
}

// minSlant is the least slant, from the image's rows or columns, at which
// an area is scanned again: below it the upright scans find the rows.
const minSlant = 2 * math.Pi / 180

// slantMicro reads the MicroPDF417 symbols in area a of b (an upright
// bitmap) on lines along the area's angle. It returns nil when the angle
// is within minSlant of a quarter turn.
func slantMicro(b *bitmap, a Area) []Symbol {
	dx, dy := math.Cos(a.Angle), -math.Sin(a.Angle)
	sb, box := b, a.Box
	if math.Abs(dy) > math.Abs(dx) {
		sb = b.transpose()
		dx, dy = dy, dx
		box = image.Rect(box.Min.Y, box.Min.X, box.Max.Y, box.Max.X)
	}
	if dx < 0 {
		dx, dy = -dx, -dy
	}
	s := dy / dx
	if math.Abs(s) < math.Tan(minSlant) {
		return nil
	}
	box = box.Intersect(image.Rect(0, 0, sb.w, sb.h))
	if box.Dx() < 20 || box.Dy() < 3 {
		return nil
	}
	x0, x1 := box.Min.X, box.Max.X
	// The slanted lines through the box: line l holds the pixels
	// (x, l + round(s·x)).
	lo := box.Min.Y - int(math.Ceil(math.Max(s*float64(x0), s*float64(x1))))
	hi := box.Max.Y - int(math.Floor(math.Min(s*float64(x0), s*float64(x1))))
	step := max(1, sb.h/500)
	coarse := 4 * step
	every := func(from, to, step int) []int {
		var lines []int
		for l := from; l < to; l += step {
			lines = append(lines, l)
		}
		return lines
	}
	var hits [kinds][]hit
	if hi-lo < 16*coarse {
		sb.slantHits(every(lo, hi, step), s, x0, x1, false, &hits)
	} else {
		var first [kinds][]hit
		sb.slantHits(every(lo, hi, coarse), s, x0, x1, true, &first)
		var near []int
		for _, k := range []edgeKind{microFwd, microRev} {
			for i, ok := range microConfirmed(first[k], coarse) {
				if ok {
					near = append(near, first[k][i].line)
				}
			}
		}
		if len(near) == 0 {
			return nil
		}
		sort.Ints(near)
		var lines []int
		for _, n := range near {
			for l := n - coarse + step; l < n+coarse; l += step {
				if len(lines) == 0 || l > lines[len(lines)-1] {
					lines = append(lines, l)
				}
			}
		}
		sb.slantHits(lines, s, x0, x1, false, &hits)
	}
	var out []Symbol
	for _, k := range []edgeKind{microFwd, microRev} {
		for _, e := range groupHits(k, hits[k], step) {
			re, ok := unslant(e, s)
			if !ok {
				continue
			}
			sym, err := decodeMicroEither(sb, re)
			if err != nil {
				continue
			}
			if sb != b {
				for i, p := range sym.Corners {
					sym.Corners[i] = Point{p.Y, p.X}
				}
			}
			out = append(out, *sym)
		}
	}
	return out
}

// slantHits finds MicroPDF417 rows (see microHits) on the slanted lines of
// slope s through columns x0 to x1; pixels beyond the image are light.
func (b *bitmap) slantHits(lines []int, s float64, x0, x1 int, coarse bool, out *[kinds][]hit) {
	runs := make([]int, 0, (x1-x0)/4)
	var scratch []int
	// The row offset of each column, and where each column's pixels and
	// thresholds start: a pixel (x, y) is at pix[x] + y·dy in the gray
	// image, its threshold at thr[x] + (y/8)·bw8.
	n := x1 - x0
	off := make([]int, n)
	pix, thr := make([]int, n), make([]int, n)
	dy, bw8 := b.stride, b.bw
	for i := range n {
		x := x0 + i
		off[i] = int(math.Floor(s*float64(x) + 0.5))
		if b.transposed {
			pix[i], thr[i] = x*b.stride, (x>>3)*b.bw
		} else {
			pix[i], thr[i] = x, x>>3
		}
	}
	if b.transposed {
		dy, bw8 = 1, 1
	}
	for _, l := range lines {
		runs = runs[:0]
		first, cur, run := false, false, 0
		for i := range n {
			d := false
			if y := l + off[i]; y >= 0 && y < b.h {
				d = b.gray[pix[i]+y*dy] < b.thr[thr[i]+(y>>3)*bw8]
			}
			switch {
			case i == 0:
				first, cur = d, d
			case d != cur:
				runs = append(runs, run)
				run, cur = 0, d
			}
			run++
		}
		runs = append(runs, run)
		var at [kinds]int
		for k := range out {
			at[k] = len(out[k])
		}
		scratch = microHits(runs, first, l, n, coarse, scratch, out)
		for k := range out {
			for i := at[k]; i < len(out[k]); i++ {
				out[k][i].outer += float64(x0)
				out[k][i].inner += float64(x0)
			}
		}
	}
}

// decodeMicroEither reads the symbol of edge e square to e, then, where
// that fails, along the scan lines that found it (see edge.alongLines).
func decodeMicroEither(b *bitmap, e *edge) (*Symbol, error) {
	sym, err := decodeMicro(b, e)
	if err == nil {
		return sym, nil
	}
	f := *e
	f.alongLines = true
	return decodeMicro(b, &f)
}

// unslant maps an edge found on slanted lines of slope s back to the
// bitmap's rows: a hit at x on slanted line l lies on row l + s·x, and a
// module measured across the slanted lines' columns is wider on a row by
// the factor the edge's slant gives.
func unslant(e *edge, s float64) (*edge, bool) {
	k := 1 + s*e.inB
	if k < 0.2 {
		return nil, false
	}
	r := &edge{kind: e.kind, inA: e.inA / k, inB: e.inB / k, slope: s, lineModule: e.module}
	widen := 1 - s*r.inB
	if widen <= 0 {
		return nil, false
	}
	r.module = e.module * widen
	r.hits = make([]hit, len(e.hits))
	for i, h := range e.hits {
		h.line = int(math.Round(float64(h.line) + s*h.inner))
		h.module *= widen
		r.hits[i] = h
	}
	sort.SliceStable(r.hits, func(i, j int) bool { return r.hits[i].line < r.hits[j].line })
	r.first, r.last = r.hits[0].line, r.hits[len(r.hits)-1].line
	return r, true
}
