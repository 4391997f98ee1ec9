package decode

import (
	"image"
	"math"
	"slices"
	"strings"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/decode/pdf417"
)

// pdf417 reads the PDF417 and MicroPDF417 symbols in g with this
// module's own reader (gozxing has neither), in one search: both are
// found on the same scan lines. The reader turns the image itself.
// MicroPDF417 is looked for in the fast mode only when Formats names it,
// as Micro QR is.
//
// regions, when not nil, gives the oriented reader's regions, waiting for
// them if need be: turned bars, where MicroPDF417 symbols turned more than
// a few degrees are looked for.
func (d *Decoder) pdf417(g Gray, regions func() []region, rows func() []Barcode) []Barcode {
	micro := d.microPDF417()
	if !d.want[serialgate.PDF417] && !micro {
		return nil
	}
	if ownHook != nil {
		ownHook("pdf417")
	}
	img := &image.Gray{Pix: g.Pix, Stride: g.Stride, Rect: image.Rect(0, 0, g.Width, g.Height)}
	rd := &pdf417.Reader{Micro: micro}
	if micro && regions != nil {
		rd.Areas = func() []pdf417.Area { return microAreas(regions()) }
	}
	if micro && rows != nil {
		rd.Taken = func() [][4]pdf417.Point { return checkedOutlines(rows()) }
	}
	syms, err := rd.Decode(img)
	if err != nil {
		return nil
	}
	out := make([]Barcode, 0, len(syms))
	for _, s := range syms {
		out = append(out, fromPDF417(s))
	}
	return out
}

// microPDF417 tells whether the PDF417 reader looks for MicroPDF417 too.
func (d *Decoder) microPDF417() bool {
	return d.want[serialgate.MicroPDF417] && (!d.opts.Fast || slices.Contains(d.opts.Formats, serialgate.MicroPDF417))
}

// microAreas turns the oriented reader's regions into the places the
// PDF417 reader scans for turned MicroPDF417 symbols: each region's
// bounding box at the angle across its bars, the region grown by half its
// length (and 16 pixels) across the bars and by a fifth of its height. A
// symbol's RAPs, and the rest of its rows, may fall in the next region or
// in none (a region can hold one data column alone), and a row is found
// where a line crosses a RAP and two codewords. Regions of one angle whose
// boxes meet, or come within half the smaller box's size, are scanned as
// one: the columns of one symbol. Seen in perspective, a symbol's columns
// lean apart while its rows keep their angle between theirs: near regions
// a few degrees apart are scanned as one too, at their mean angle, besides
// on their own.
func microAreas(rs []region) []pdf417.Area {
	type area struct {
		pdf417.Area
		weight float64
	}
	var out []area
	for _, r := range rs {
		vx, vy := -r.uy, r.ux
		hu, hv := 1.5*r.halfU+16, 1.2*r.halfV+8
		ex := math.Abs(r.ux)*hu + math.Abs(vx)*hv
		ey := math.Abs(r.uy)*hu + math.Abs(vy)*hv
		box := image.Rect(int(r.cx-ex), int(r.cy-ey), int(math.Ceil(r.cx+ex)), int(math.Ceil(r.cy+ey)))
		out = append(out, area{pdf417.Area{Box: box, Angle: math.Atan2(-r.uy, r.ux)}, float64(r.cells)})
	}
	near := func(a, b image.Rectangle) bool {
		pad := min(a.Dx(), a.Dy(), b.Dx(), b.Dy()) / 2
		return a.Inset(-pad).Overlaps(b)
	}
	const same, lean = 2 * math.Pi / 180, 6 * math.Pi / 180
	for merged := true; merged; {
		merged = false
		for i := 0; i < len(out) && !merged; i++ {
			for j := i + 1; j < len(out); j++ {
				if angleNear(out[i].Angle, out[j].Angle, same) && near(out[i].Box, out[j].Box) {
					out[i].Box = out[i].Box.Union(out[j].Box)
					out[i].weight += out[j].weight
					out = slices.Delete(out, j, j+1)
					merged = true
					break
				}
			}
		}
	}
	areas := make([]pdf417.Area, 0, len(out))
	for _, a := range out {
		areas = append(areas, a.Area)
	}
	for i, a := range out {
		for _, b := range out[i+1:] {
			if angleNear(a.Angle, b.Angle, lean) && near(a.Box, b.Box) {
				// The mean of the two directions, a half turn apart
				// being the same.
				d := math.Remainder(b.Angle-a.Angle, math.Pi)
				mean := a.Angle + d*b.weight/(a.weight+b.weight)
				areas = append(areas, pdf417.Area{Box: a.Box.Union(b.Box), Angle: mean})
			}
		}
	}
	return areas
}

// angleNear tells whether two directions across bars (a half turn apart
// being the same) differ by at most tol radians.
func angleNear(a, b, tol float64) bool {
	return math.Abs(math.Remainder(a-b, math.Pi)) <= tol
}

// fromPDF417 turns a PDF417 or MicroPDF417 symbol into a Barcode: its
// segments' bytes converted by their ECIs, the AIM identifier ]L2 as
// zxing-cpp gives it for PDF417 (MicroPDF417 shares PDF417's symbology
// character L and its modifiers, ISO/IEC 24728), and a Macro PDF417
// control block as the symbol's place in a series.
func fromPDF417(s pdf417.Symbol) Barcode {
	var text strings.Builder
	for _, seg := range s.Segments {
		text.WriteString(eciText(seg.ECI, seg.Bytes))
	}
	sym := serialgate.PDF417
	if s.Micro {
		sym = serialgate.MicroPDF417
	}
	b := Barcode{Barcode: serialgate.Barcode{Text: text.String(), Symbology: sym, AIM: "]L2"}}
	if raw := s.Bytes(); string(raw) != b.Text {
		b.Raw = raw
	}
	for _, p := range s.Corners {
		b.Corners = append(b.Corners, Point{p.X, p.Y})
	}
	// The rows run from the first corner to the second: their direction
	// is the symbol's turn.
	dx, dy := s.Corners[1].X-s.Corners[0].X, s.Corners[1].Y-s.Corners[0].Y
	b.Angle = (int(math.Round(math.Atan2(-dy, dx)*2/math.Pi))*90 + 360) % 360
	if m := s.Macro; m != nil {
		count := max(m.Count, 0)
		if m.Last && count == 0 {
			count = m.Index + 1
		}
		b.Sequence = &Sequence{Index: m.Index + 1, Count: count, ID: m.FileID}
	}
	return b
}

// checkedOutlines are the outlines of the 1D codes in bs whose symbology
// has a check character (see unchecked), read by the row reader's first
// lines: their bars hold no MicroPDF417 symbol (a symbol's RAPs and
// codewords are bars too, but a misread of its rows as such a code is
// unlikely).
func checkedOutlines(bs []Barcode) [][4]pdf417.Point {
	var out [][4]pdf417.Point
	for _, b := range bs {
		if !Is1D(b.Symbology) || unchecked(b.Symbology) || len(b.Corners) != 4 {
			continue
		}
		var q [4]pdf417.Point
		for i, p := range b.Corners {
			q[i] = pdf417.Point{X: p.X, Y: p.Y}
		}
		out = append(out, q)
	}
	return out
}
