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
	f := newField()
	// A local threshold (see midThreshold) over blocks of 8 pixels, and
	// where that shows a finder pattern but no symbol, one over blocks of
	// 4 pixels, then a global threshold. An image without anything like a
	// finder pattern costs one binarization.
	lo4, hi4, bw, bh := extremes(im, 4)
	lo8, hi8, _, _ := coarser(lo4, hi4, bw, bh)
	out, finders := readBitmap(midThreshold(im, lo8, hi8, 8), f)
	if len(out) > 0 || finders == 0 {
		return out, nil
	}
	if out, _ = readBitmap(midThreshold(im, lo4, hi4, 4), f); len(out) > 0 {
		return out, nil
	}
	out, _ = readBitmap(globalThreshold(im), f)
	return out, nil
}

// readBitmap reads the symbols of b; finders counts the finder patterns
// whose outline it found, read or not.
func readBitmap(b *bitmap, f *field) (out []Symbol, finders int) {
	for _, fd := range findFinders(b, maxFinders) {
		cs, ok := b.finderCorners(fd)
		if !ok {
			continue
		}
		finders++
		s, err := b.readAt(cs, f)
		if err != nil {
			continue
		}
		dup := false
		for _, o := range out {
			if o.Text == s.Text && math.Hypot(o.Corners[0].X-s.Corners[0].X, o.Corners[0].Y-s.Corners[0].Y) < 4*fd.module {
				dup = true
			}
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out, finders
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
