// Package microqr finds and reads Micro QR Code symbols (ISO/IEC 18004,
// versions M1 to M4) in gray images, in pure Go: the single finder pattern
// and the timing patterns along the top and left edges give the symbol's
// place, orientation and size; the format information, the data mask, the
// codeword placement, Reed–Solomon correction and the segment modes follow
// the standard.
package microqr

import (
	"errors"
	"fmt"
	"math"
)

// Symbol is one Micro QR Code read from an image.
type Symbol struct {
	Text     string
	Raw      []byte // the symbol's bytes, when they differ from Text
	Segments []Segment
	Version  int      // 1 to 4 for M1 to M4
	Level    byte     // 'L', 'M' or 'Q'; '-' for M1, which only detects errors
	Corners  [4]Point // top left, top right, bottom right, bottom left of the symbol
	Mirrored bool
	Errors   int // codewords corrected
}

// Name is the version and level as the standard writes them: "M1", "M3-L".
func (s Symbol) Name() string {
	if s.Level == '-' {
		return fmt.Sprintf("M%d", s.Version)
	}
	return fmt.Sprintf("M%d-%c", s.Version, s.Level)
}

// maxFinders bounds the finder candidates tried per image: a textured
// photo yields many, and each costs a few samplings.
const maxFinders = 24

// Read finds every Micro QR Code in im. An image without one gives no
// symbols and no error; only a malformed Image is an error.
func Read(im Image) ([]Symbol, error) {
	if !im.valid() {
		return nil, fmt.Errorf("micro qr: bad gray image %dx%d stride %d with %d bytes", im.Width, im.Height, im.Stride, len(im.Pix))
	}
	return readImage(im, newField()), nil
}

// Finder is where another reader saw something like a finder pattern:
// its centre and its module size, in pixels.
type Finder struct{ X, Y, Module float64 }

// ReadAround finds the Micro QR Codes of im within reach of the finder
// patterns fs another reader saw (see around): each part of the image
// around them is read as Read reads an image, and the whole image when
// those parts are most of it. Symbols are in im's coordinates.
func ReadAround(im Image, fs []Finder) ([]Symbol, error) {
	if !im.valid() {
		return nil, fmt.Errorf("micro qr: bad gray image %dx%d stride %d with %d bytes", im.Width, im.Height, im.Stride, len(im.Pix))
	}
	in := make([]finder, len(fs))
	for i, f := range fs {
		in[i] = finder{x: f.X, y: f.Y, module: f.Module}
	}
	rs := around(in, im.Width, im.Height)
	area := 0
	for _, r := range rs {
		area += (r.x1 - r.x0) * (r.y1 - r.y0)
	}
	f := newField()
	if 2*area > im.Width*im.Height {
		return readImage(im, f), nil
	}
	var out []Symbol
	for _, r := range rs {
		out = appendMoved(out, readImage(im.crop(r), f), r)
	}
	return out, nil
}

// readImage reads the symbols of im. A local threshold (see midThreshold)
// over blocks of 8 pixels; where that shows a finder pattern but no
// symbol, one over blocks of 4 pixels, then a global threshold, each on
// the part of the image around that finder alone. An image without
// anything like a finder pattern costs one binarization, and the retries
// cost what there is around the finders, not a whole photo again (a
// photo of a label with a QR Code has three finder patterns that are not
// Micro QR's).
func readImage(im Image, f *field) []Symbol {
	lo8, hi8, _, _ := extremes(im, 8)
	out, unread := readBitmap(midThreshold(im, lo8, hi8, 8), f)
	if len(out) > 0 || len(unread) == 0 {
		return out
	}
	for _, r := range around(unread, im.Width, im.Height) {
		sub := im.crop(r)
		lo4, hi4, _, _ := extremes(sub, 4)
		got, _ := readBitmap(midThreshold(sub, lo4, hi4, 4), f)
		if len(got) == 0 {
			got, _ = readBitmap(globalThreshold(sub), f)
		}
		out = appendMoved(out, got, r)
	}
	return out
}

// appendMoved appends to out the symbols read in part r of an image, moved
// into the image's coordinates, those out has already left out.
func appendMoved(out, got []Symbol, r rect) []Symbol {
	for _, s := range got {
		for i := range s.Corners {
			s.Corners[i].X += float64(r.x0)
			s.Corners[i].Y += float64(r.y0)
		}
		out = appendNew(out, s, 4)
	}
	return out
}

// readBitmap reads the symbols of b; unread lists the finder patterns
// whose outline it found but no symbol around.
func readBitmap(b *bitmap, f *field) (out []Symbol, unread []finder) {
	for _, fd := range b.notQR(findFinders(b, maxFinders)) {
		cs, ok := b.finderCorners(fd)
		if !ok {
			continue
		}
		s, err := b.readAt(cs, f)
		if err != nil {
			unread = append(unread, fd)
			continue
		}
		out = appendNew(out, s, 4*fd.module)
	}
	return out, unread
}

// appendNew appends s to out unless out has it already: the same text
// with its first corner within near pixels.
func appendNew(out []Symbol, s Symbol, near float64) []Symbol {
	for _, o := range out {
		if o.Text == s.Text && math.Hypot(o.Corners[0].X-s.Corners[0].X, o.Corners[0].Y-s.Corners[0].Y) < near {
			return out
		}
	}
	return append(out, s)
}

// rect is a part of an image: columns x0 to x1-1, rows y0 to y1-1.
type rect struct{ x0, y0, x1, y1 int }

// aroundModules is how far a Micro QR symbol can reach from its finder
// pattern's centre, in modules: an M4 symbol is 17 modules wide, its far
// corner 19 modules from the centre, and the module is an estimate.
const aroundModules = 28

// around returns the parts of a w×h image within reach of the finders,
// those that overlap joined into one.
func around(fs []finder, w, h int) []rect {
	var rs []rect
	for _, f := range fs {
		d := aroundModules*f.module + 16
		if !(f.x+d >= 0 && f.y+d >= 0 && f.x-d < float64(w) && f.y-d < float64(h) && d < 1e6) {
			continue // nothing of the image within reach (or no number)
		}
		r := rect{max(0, int(max(f.x-d, 0))), max(0, int(max(f.y-d, 0))), min(w, int(min(f.x+d, float64(w)))+1), min(h, int(min(f.y+d, float64(h)))+1)}
		if r.x1 <= r.x0 || r.y1 <= r.y0 {
			continue
		}
		for k := 0; k < len(rs); {
			o := rs[k]
			if r.x0 < o.x1 && o.x0 < r.x1 && r.y0 < o.y1 && o.y0 < r.y1 {
				r = rect{min(r.x0, o.x0), min(r.y0, o.y0), max(r.x1, o.x1), max(r.y1, o.y1)}
				rs = append(rs[:k], rs[k+1:]...)
				k = 0 // the grown part may now meet one passed over
				continue
			}
			k++
		}
		rs = append(rs, r)
	}
	return rs
}

// errNoSymbol is a finder pattern with no readable symbol around it.
var errNoSymbol = errors.New("micro qr: no symbol at the finder pattern")

// readAt tries each orientation of a symbol on the finder with corners
// cs, sampling the grid as fitted to the timing patterns and the far edges,
// then to the timing patterns alone, then to the finder alone, and last
// with the far corner moved about: it is the point the finder and timing
// patterns pin down least.
func (b *bitmap) readAt(cs [4]Point, f *field) (Symbol, error) {
	err := errNoSymbol
	for _, p0 := range b.orientations(cs) {
		tries := []placement{p0}
		if p1, ok := b.refine(p0, false); ok {
			tries = append([]placement{p1}, tries...)
			if p2, ok := b.refine(p1, true); ok {
				tries = append([]placement{p2}, tries...)
				if p3, ok := b.refine(p2, true); ok {
					tries = append([]placement{p3}, tries...)
				}
			}
		}
		tries = append(tries, jitter(tries[0])...)
		for _, p := range tries {
			g := b.sample(p)
			// The fixed patterns must be there: a few modules may be wrong, not more.
			if g.patternErrors() > 4+p.n/4 {
				continue
			}
			d, e := readGrid(g, f, 3)
			if e != nil {
				err = e
				continue
			}
			s, e := symbolOf(d)
			if e != nil {
				err = e
				continue
			}
			n := float64(p.n)
			s.Corners = [4]Point{p.h.apply(0, 0), p.h.apply(n, 0), p.h.apply(n, n), p.h.apply(0, n)}
			o, x, y := s.Corners[0], s.Corners[1], s.Corners[3]
			s.Mirrored = (x.X-o.X)*(y.Y-o.Y)-(x.Y-o.Y)*(y.X-o.X) < 0
			return s, nil
		}
	}
	return Symbol{}, err
}

// jitter returns placements with p's far corner, module (n, n), moved by
// up to half a module, the other three corners kept.
func jitter(p placement) []placement {
	n := float64(p.n)
	src := []Point{{0, 0}, {n, 0}, {n, n}, {0, n}}
	var out []placement
	for _, d := range [][2]float64{{-0.5, 0}, {0.5, 0}, {0, -0.5}, {0, 0.5}, {-0.5, -0.5}, {0.5, 0.5}, {-0.5, 0.5}, {0.5, -0.5}} {
		dst := []Point{p.h.apply(0, 0), p.h.apply(n, 0), p.h.apply(n+d[0], n+d[1]), p.h.apply(0, n)}
		if h, ok := fitHomography(src, dst); ok {
			out = append(out, placement{h, p.n, p.finder})
		}
	}
	return out
}

// symbolOf decodes the corrected data codewords.
func symbolOf(d decoded) (Symbol, error) {
	segs, err := DecodeBits(d.data, d.info.version, d.info.dataBits())
	if err != nil {
		return Symbol{}, err
	}
	text, raw, err := Text(segs)
	if err != nil {
		return Symbol{}, err
	}
	return Symbol{Text: text, Raw: raw, Segments: segs, Version: d.info.version, Level: byte(d.info.level), Errors: d.errors}, nil
}
