package decode

import (
	"image"
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/serialgate/serialgate/decode/microqr"
)

// qrByFinders reads the QR Codes whose three finder patterns show in the
// black matrix m (finderLike) but which the whole-image detector missed:
// on a label photo, the bars of tilted 1D codes give it finder-like
// candidates by the dozen, and of the triples it then weighs, the true
// one can lose. Here a triple is kept only where it is shaped like a QR
// Code's (one finder at the right angle of two legs of about equal length,
// at least 10 modules: version 1's are 14 apart, and a blurred module
// measures loosely; the three of about one module size), and the
// symbol's square, grown by its quiet zone, is read on its own, binarized
// afresh. Places inside the codes known are passed over. Points are in
// g's coordinates.
func (d *Decoder) qrByFinders(g Gray, scan *finderScan, known []Barcode) []Barcode {
	m := scan.m
	places, ok := scan.upTo(knownAreas(known), maxQRPlaces)
	if !ok {
		return nil
	}
	var fs []microqr.Finder
	for _, p := range places {
		if f, ok := squareCentre(m, p); ok {
			fs = append(fs, f)
		}
	}
	if len(fs) < 3 || len(fs) > maxQRFinders {
		return nil // over maxQRFinders: a texture of squares, not a few codes
	}
	var out []Barcode
	tried := 0
	var done []image.Rectangle
	for _, t := range qrTriples(fs) {
		r := t.rect().Intersect(image.Rect(0, 0, g.Width, g.Height))
		if r.Dx() < 21 || r.Dy() < 21 || slices.ContainsFunc(done, func(o image.Rectangle) bool { return r.In(o) }) {
			continue
		}
		if tried == maxQRTriples {
			break
		}
		if !timingLike(m, t) {
			// Three squares of a texture, not a symbol's finders: its
			// crop, read three ways, cost 4 to 6 ms on a textured photo.
			continue
		}
		tried++
		res, scale := readQRCrop(pad(g.crop(r), 8), d.flatRange())
		if res == nil {
			continue
		}
		b := fromResult(res)
		for i := range b.Corners {
			b.Corners[i].X = b.Corners[i].X/scale + float64(r.Min.X-8)
			b.Corners[i].Y = b.Corners[i].Y/scale + float64(r.Min.Y-8)
		}
		out = append(out, b) // a code read twice is one in finish
		done = append(done, r)
	}
	return out
}

// readQRCrop reads the QR Code filling the crop c, binarized with local
// thresholds, then with one threshold for the crop (mostly the symbol and
// its quiet zone: the histogram's valley is the symbol's), then doubled
// by bilinear interpolation with local thresholds (modules of 2.5 pixels
// blurred). scale is the crop's enlargement in the result's points.
func readQRCrop(c Gray, flat int) (res *gozxing.Result, scale float64) {
	for _, v := range []struct {
		global bool
		k      int
	}{{false, 1}, {true, 1}, {false, 2}} {
		g := c
		if v.k == 2 {
			g = c.double()
		}
		bm := binarize(g, v.global, flat)
		if bm == nil {
			continue
		}
		r, err := zxing("qr code reader", func() (*gozxing.Result, error) { return qrcode.NewQRCodeReader().Decode(bm, hints) })
		if err == nil {
			return r, float64(v.k)
		}
	}
	return nil, 1
}

// double enlarges g twice, interpolating bilinearly between the pixels'
// centres. An output pixel's centre falls a quarter of a source pixel from
// one source centre and three quarters from the next (none outside the
// image: the edge pixel repeats), so each pixel is a sum of source pixels
// weighted in sixteenths, rounded to nearest: whole numbers only, each
// source row widened once.
func (g Gray) double() Gray {
	w, h := 2*g.Width, 2*g.Height
	out := Gray{Pix: make([]byte, w*h), Width: w, Height: h, Stride: w}
	if w == 0 || h == 0 {
		return out
	}
	// Source rows i-1, i and i+1 widened (clamped at the edges): quarters,
	// four times a pixel at most.
	prev, cur, next := make([]uint16, w), make([]uint16, w), make([]uint16, w)
	widen := func(dst []uint16, src []byte) {
		n := len(src)
		for i, v := range src {
			v3 := 3 * uint16(v)
			dst[2*i] = uint16(src[max(i-1, 0)]) + v3
			dst[2*i+1] = v3 + uint16(src[min(i+1, n-1)])
		}
	}
	// Row 2i is a quarter of source row i-1 and three of row i, row 2i+1
	// three of row i and a quarter of row i+1.
	widen(cur, g.row(0))
	copy(prev, cur)
	for i := range g.Height {
		if i+1 < g.Height {
			widen(next, g.row(i+1))
		} else {
			copy(next, cur)
		}
		even, odd := out.Pix[2*i*w:2*i*w+w], out.Pix[(2*i+1)*w:(2*i+1)*w+w]
		for x := range even {
			c3 := 3 * uint32(cur[x])
			even[x] = byte((uint32(prev[x]) + c3 + 8) >> 4)
			odd[x] = byte((c3 + uint32(next[x]) + 8) >> 4)
		}
		prev, cur, next = cur, next, prev
	}
	return out
}

// maxQRTriples is the most finder triples qrByFinders reads,
// maxQRPlaces the most finder-like places it looks at (a textured photo's
// thousands are not worth it), and maxQRFinders the most of them kept as
// square centres that it makes triples of (their number cubed).
const (
	maxQRTriples = 6
	maxQRPlaces  = 256
	maxQRFinders = 64
)

// qrTriple is three finder patterns placed as a QR Code's: c at the right
// angle, a and b at the ends of the legs.
type qrTriple struct {
	c, a, b microqr.Finder
	score   float64 // lower is more square
}

// rect is the triple's symbol with its quiet zone: the square on its legs
// grown by the half finder and four modules of quiet zone.
func (t qrTriple) rect() image.Rectangle {
	mod := (t.a.Module + t.b.Module + t.c.Module) / 3
	grow := 8 * mod
	xs := []float64{t.c.X, t.a.X, t.b.X, t.a.X + t.b.X - t.c.X}
	ys := []float64{t.c.Y, t.a.Y, t.b.Y, t.a.Y + t.b.Y - t.c.Y}
	x0, x1 := slices.Min(xs)-grow, slices.Max(xs)+grow
	y0, y1 := slices.Min(ys)-grow, slices.Max(ys)+grow
	return image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1)), int(math.Ceil(y1)))
}

// qrTriples returns the triples of fs placed as a QR Code's finder
// patterns, the squarest first.
func qrTriples(fs []microqr.Finder) []qrTriple {
	var out []qrTriple
	for i := range fs {
		for j := range fs {
			for k := j + 1; k < len(fs); k++ {
				if i == j || i == k {
					continue
				}
				c, a, b := fs[i], fs[j], fs[k]
				mod := (a.Module + b.Module + c.Module) / 3
				if max(a.Module, b.Module, c.Module) > 1.5*min(a.Module, b.Module, c.Module) {
					continue
				}
				ax, ay := a.X-c.X, a.Y-c.Y
				bx, by := b.X-c.X, b.Y-c.Y
				la, lb := math.Hypot(ax, ay), math.Hypot(bx, by)
				// Version 1's finders are 14 modules apart, version 40's
				// 170; a module is measured loosely on a blurred photo.
				if min(la, lb) < 10*mod || max(la, lb) > 200*mod || max(la, lb) > 1.35*min(la, lb) {
					continue
				}
				cos := (ax*bx + ay*by) / (la * lb)
				if math.Abs(cos) > math.Cos(65*math.Pi/180) {
					continue
				}
				out = append(out, qrTriple{c: c, a: a, b: b, score: math.Abs(cos) + math.Abs(la-lb)/max(la, lb)})
			}
		}
	}
	slices.SortStableFunc(out, func(x, y qrTriple) int {
		switch {
		case x.score < y.score:
			return -1
		case x.score > y.score:
			return 1
		}
		return 0
	})
	return out
}

// squareCentre returns f moved to the middle of its dark centre, and
// whether the dark run through that centre is about as long in every
// direction, as across a finder pattern's 3×3 centre (a
// square's diagonal is √2 its side; perspective adds to that), rather than
// long one way, as along a bar of a 1D code, whose cross-section can look
// 1:1:3:1:1 in all four directions finderLike checks when it is tilted.
func squareCentre(m *gozxing.BitMatrix, f microqr.Finder) (microqr.Finder, bool) {
	x0, y0 := int(math.Round(f.X)), int(math.Round(f.Y))
	limit := 8 * f.Module
	w, h := m.GetWidth(), m.GetHeight()
	dark := func(x, y int) bool { return x >= 0 && y >= 0 && x < w && y < h && m.Get(x, y) }
	if !dark(x0, y0) {
		return f, false
	}
	// finderLike keeps the first row that crosses a pattern, near the top
	// of its centre: the point goes to the middle of its column's dark
	// run, then of its row's.
	for range 2 {
		a, b := y0, y0
		for dark(x0, a-1) && float64(y0-a) < limit {
			a--
		}
		for dark(x0, b+1) && float64(b-y0) < limit {
			b++
		}
		y0 = (a + b) / 2
		a, b = x0, x0
		for dark(a-1, y0) && float64(x0-a) < limit {
			a--
		}
		for dark(b+1, y0) && float64(b-x0) < limit {
			b++
		}
		x0 = (a + b) / 2
	}
	lo, hi := math.Inf(1), 0.0
	for k := range 8 {
		a := float64(k) * math.Pi / 8
		dx, dy := math.Cos(a), math.Sin(a)
		n := 0.0
		for _, s := range []float64{1, -1} {
			for t := 1.0; t < limit; t++ {
				if !dark(x0+int(math.Round(s*t*dx)), y0+int(math.Round(s*t*dy))) {
					break
				}
				n++
			}
		}
		lo, hi = min(lo, n+1), max(hi, n+1)
	}
	return microqr.Finder{X: float64(x0), Y: float64(y0), Module: f.Module}, hi <= 2*lo
}

// timingLike tells whether the black matrix m shows something like a QR
// Code's timing pattern along either leg of the triple t: on the line
// three modules inside the finders' centres, from one finder's separator
// to the other's, runs of dark and light of about one length (the
// modules'). The runs' lengths must vary by less than maxTimingCV of their
// mean; a line with a few runs only is too short to tell and passes. On
// the sample photos the triples that read a QR Code have a leg at 0.38 at
// most, those a texture made (a photo without a code) 0.55 and more.
func timingLike(m *gozxing.BitMatrix, t qrTriple) bool {
	mod := (t.a.Module + t.b.Module + t.c.Module) / 3
	return timingEven(m, t.c, t.a, t.b, mod) || timingEven(m, t.c, t.b, t.a, mod)
}

// maxTimingCV is the most a timing line's run lengths may vary, as a
// share of their mean (their coefficient of variation).
const maxTimingCV = 0.5

// timingEven tells whether the timing line of the leg from c to a
// (three modules towards b) is in runs of about one length. The runs cut
// by the line's ends are left out.
func timingEven(m *gozxing.BitMatrix, c, a, b microqr.Finder, mod float64) bool {
	ax, ay := a.X-c.X, a.Y-c.Y
	bx, by := b.X-c.X, b.Y-c.Y
	la, lb := math.Hypot(ax, ay), math.Hypot(bx, by)
	if la == 0 || lb == 0 || !(mod > 0) {
		return true
	}
	ux, uy := ax/la, ay/la
	ox, oy := c.X+3*mod*bx/lb, c.Y+3*mod*by/lb
	w, h := m.GetWidth(), m.GetHeight()
	const step = 0.5
	var n int             // runs ended, the first (cut) not counted
	var sum, sum2 float64 // their lengths, and squared
	run, prev := 0.0, false
	for s := 4.5 * mod; s <= la-4.5*mod; s += step {
		x, y := int(math.Round(ox+s*ux)), int(math.Round(oy+s*uy))
		if x < 0 || y < 0 || x >= w || y >= h {
			return true // off the image: not judged here
		}
		v := m.Get(x, y)
		if s > 4.5*mod && v != prev {
			if n > 0 {
				sum += run
				sum2 += run * run
			}
			n++
			run = 0
		}
		prev = v
		run += step
	}
	n-- // the first run, cut by the line's start
	if n <= 3 {
		return true
	}
	mean := sum / float64(n)
	return math.Sqrt(max(0, sum2/float64(n)-mean*mean)) <= maxTimingCV*mean
}
