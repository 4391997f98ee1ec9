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
func (d *Decoder) qrByFinders(g Gray, m *gozxing.BitMatrix, known []Barcode) []Barcode {
	places, ok := finderLikeUpTo(m, knownAreas(known), maxQRPlaces)
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
// centres.
func (g Gray) double() Gray {
	w, h := 2*g.Width, 2*g.Height
	out := Gray{Pix: make([]byte, w*h), Width: w, Height: h, Stride: w}
	for y := range h {
		// The source row pair and weight for y: centres at 2i+0.5.
		fy := max(0, min(float64(y)/2-0.25, float64(g.Height-1)))
		y0 := int(fy)
		y1, ay := min(y0+1, g.Height-1), fy-float64(y0)
		r0, r1 := g.row(y0), g.row(y1)
		o := out.Pix[y*w : y*w+w]
		for x := range o {
			fx := max(0, min(float64(x)/2-0.25, float64(g.Width-1)))
			x0 := int(fx)
			x1, ax := min(x0+1, g.Width-1), fx-float64(x0)
			top := (1-ax)*float64(r0[x0]) + ax*float64(r0[x1])
			bot := (1-ax)*float64(r1[x0]) + ax*float64(r1[x1])
			o[x] = byte((1-ay)*top + ay*bot + 0.5)
		}
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
