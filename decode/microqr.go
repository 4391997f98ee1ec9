package decode

import (
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/decode/microqr"
)

// microQR reads the Micro QR Codes of one variant of the image, in the
// variant's coordinates. The reader finds the symbol at any angle and in
// either handedness, and binarizes in its own ways: of the variants it
// takes the plain image and the inverted one (light modules on dark).
//
// m, when not nil, is the variant's black matrix made for the other 2D
// readers: the reader then looks only around the places where m shows
// something like a finder pattern (finderLike), and not at all where it
// shows none: its own binarization of a whole photo (a 3×3 smoothing and
// block extremes) was the larger part of its cost. Places inside the codes
// known, read already in the variant (QR Codes, whose finder patterns are
// Micro QR's), are passed over.
func (d *Decoder) microQR(g Gray, v variant, scan *finderScan, known []Barcode) []Barcode {
	if !d.want[serialgate.MicroQR] {
		return nil
	}
	switch v.name {
	case "plain", "inverted":
	default:
		return nil
	}
	if ownHook != nil {
		ownHook("microQR")
	}
	im := microqr.Image{Pix: g.Pix, Width: g.Width, Height: g.Height, Stride: g.Stride}
	var syms []microqr.Symbol
	var err error
	passed := knownAreas(known) // a place inside one of these is inside a known code
	fs, ok := scan.upTo(passed, maxFinderLike)
	if !ok && scan.m != nil && v.read != nil {
		// Too many places: the bars of a 1D code (Code 39's and ITF's
		// wide and narrow bars are 1:1:3:1:1 on every row) can be most of
		// them. Inside the lines the row reader read a code on, there is
		// no room for another symbol: the places there are left out too.
		for _, b := range strongCodes(v.read()) {
			if Is1D(b.Symbology) && len(b.Corners) > 0 {
				passed = append(passed, rectArea(bounds(b.Corners)))
			}
		}
		fs, ok = scan.upTo(passed, maxFinderLike)
	}
	if ok {
		if len(fs) == 0 {
			return nil
		}
		syms, err = microqr.ReadAround(im, fs)
	} else {
		syms, err = microqr.Read(im)
	}
	if err != nil {
		return nil
	}
	var out []Barcode
	for _, s := range syms {
		b := Barcode{Barcode: serialgate.Barcode{Text: s.Text, Raw: s.Raw, Symbology: serialgate.MicroQR, AIM: "]Q1"}}
		for _, c := range s.Corners {
			b.Corners = append(b.Corners, Point{c.X, c.Y})
		}
		// The top edge's direction gives the angle, counterclockwise
		// (image y grows downwards), to the nearest quarter turn.
		top := s.Corners[1]
		a := math.Atan2(-(top.Y - s.Corners[0].Y), top.X-s.Corners[0].X)
		b.Angle = (int(math.Round(a/(math.Pi/2)))*90 + 360) % 360
		out = append(out, b)
	}
	return out
}

// knownAreas are the areas of the codes known, grown by a tenth: a place
// inside one is inside a code read already.
func knownAreas(known []Barcode) []area {
	var out []area
	for _, k := range known {
		if len(k.Corners) > 0 {
			out = append(out, around(k, 0.1))
		}
	}
	return out
}

// finderLike returns the places where the black matrix m shows something
// like a finder pattern: five runs across a row about 1:1:3:1:1 (more
// loosely than the Micro QR reader takes them, since m's threshold widens
// blurred dark modules where the reader's does not), the same down its
// column and both diagonals; one place for hits closer than 3 modules.
// ok says fs lists every such place: it is false when there is no m, or
// when m shows more than maxFinderLike of them (texture, print), which the
// whole image is read for rather than part by part. Places in one of the
// areas passed (codes read already) are left out and not counted: an
// Aztec symbol's rings, or a QR Code's finder patterns, do not send the
// reader over the whole image.
func finderLike(m *gozxing.BitMatrix, passed []area) (fs []microqr.Finder, ok bool) {
	return newFinderScan(m).upTo(passed, maxFinderLike)
}

// finderScan is the search for finder-like places in a black matrix,
// shared by the readers that look for them in one variant (the QR finder
// triples, Micro QR, and Micro QR again with more areas passed): each
// row is scanned once, as far down the matrix as a reader has needed.
// It is not safe for use by several goroutines.
type finderScan struct {
	m    *gozxing.BitMatrix
	y    int // the next row to scan
	step int
	hits []microqr.Finder // every place found, row by row, not merged
	row  *gozxing.BitArray
	rr   rowRuns
}

// newFinderScan returns the search of m; m may be nil (no places, not ok).
func newFinderScan(m *gozxing.BitMatrix) *finderScan {
	s := &finderScan{m: m}
	if m != nil {
		s.step = max(1, min(m.GetWidth(), m.GetHeight())/320) // as the reader's own search
	}
	return s
}

// more scans the next row, false when there is none.
func (s *finderScan) more() bool {
	if s.m == nil || s.y >= s.m.GetHeight() {
		return false
	}
	m, y := s.m, s.y
	s.y += s.step
	s.row = m.GetRow(y, s.row)
	runsOf(s.row, &s.rr)
	rr := &s.rr
	for k := rr.firstDark(); k+4 < len(rr.w); k += 2 {
		r := [5]int(rr.w[k : k+5])
		if !looseFinder(r) {
			continue
		}
		x := rr.at[k+2] + r[2]/2
		if !m.Get(x, y) || !crossLike(m, x, y, 0, 1, r[2]) || !crossLike(m, x, y, 1, 1, r[2]) || !crossLike(m, x, y, 1, -1, r[2]) {
			continue
		}
		s.hits = append(s.hits, microqr.Finder{X: float64(x), Y: float64(y), Module: float64(r[0]+r[1]+r[2]+r[3]+r[4]) / 7})
	}
	return true
}

// upTo is finderLike on the scan's matrix with limit places at most: the
// places outside the areas passed, one for hits closer than 3 modules.
func (s *finderScan) upTo(passed []area, limit int) (fs []microqr.Finder, ok bool) {
	if s.m == nil {
		return nil, false
	}
	for i := 0; ; i++ {
		for i >= len(s.hits) && s.more() {
		}
		if i >= len(s.hits) {
			return fs, true
		}
		f := s.hits[i]
		if slices.ContainsFunc(passed, func(a area) bool { return a.holds(Point{f.X, f.Y}) }) {
			continue
		}
		if !slices.ContainsFunc(fs, func(o microqr.Finder) bool { return math.Hypot(o.X-f.X, o.Y-f.Y) < 3*o.Module }) {
			if len(fs) == limit {
				return nil, false
			}
			fs = append(fs, f)
		}
	}
}

// maxFinderLike is the most places finderLike returns.
const maxFinderLike = 32

// looseFinder tells whether five runs, dark first, are about 1:1:3:1:1,
// allowing a module more or less on each.
func looseFinder(r [5]int) bool {
	total := r[0] + r[1] + r[2] + r[3] + r[4]
	if total < 7 {
		return false
	}
	m := float64(total) / 7
	for i, v := range r {
		want, tol := m, max(m, 1.5)
		if i == 2 {
			want, tol = 3*m, max(2*m, 2)
		}
		if math.Abs(float64(v)-want) > tol {
			return false
		}
	}
	return true
}

// crossLike tells whether the line through (x, y) along (dx, dy) crosses
// a dark run about as long as the row's centre run (wide pixels), with
// light then dark runs on each side, about 1:1:3:1:1 in all.
func crossLike(m *gozxing.BitMatrix, x, y, dx, dy, wide int) bool {
	limit := 4 * wide
	w, h := m.GetWidth(), m.GetHeight()
	run := func(x, y, sx, sy int, dark bool) (int, int, int) {
		n := 0
		for x >= 0 && y >= 0 && x < w && y < h && m.Get(x, y) == dark && n <= limit {
			x, y = x+sx, y+sy
			n++
		}
		return n, x, y
	}
	// Each run is checked as soon as it is measured: along a 1D code's
	// bar the centre run is the bar, and nothing past it need be walked.
	var r [5]int
	up, xu, yu := run(x, y, -dx, -dy, true)
	if up > limit {
		return false
	}
	down, xd, yd := run(x+dx, y+dy, dx, dy, true)
	if r[2] = up + down; r[2] == 0 || r[2] > limit {
		return false
	}
	if r[1], xu, yu = run(xu, yu, -dx, -dy, false); r[1] == 0 || r[1] > limit {
		return false
	}
	if r[3], xd, yd = run(xd, yd, dx, dy, false); r[3] == 0 || r[3] > limit {
		return false
	}
	r[0], _, _ = run(xu, yu, -dx, -dy, true)
	r[4], _, _ = run(xd, yd, dx, dy, true)
	if r[0] == 0 || r[0] > limit || r[4] == 0 || r[4] > limit {
		return false
	}
	return looseFinder(r)
}
