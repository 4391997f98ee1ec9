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
func (d *Decoder) pdf417(g Gray) []Barcode {
	micro := d.want[serialgate.MicroPDF417] && (!d.opts.Fast || slices.Contains(d.opts.Formats, serialgate.MicroPDF417))
	if !d.want[serialgate.PDF417] && !micro {
		return nil
	}
	if ownHook != nil {
		ownHook("pdf417")
	}
	img := &image.Gray{Pix: g.Pix, Stride: g.Stride, Rect: image.Rect(0, 0, g.Width, g.Height)}
	syms, err := (&pdf417.Reader{Micro: micro}).Decode(img)
	if err != nil {
		return nil
	}
	out := make([]Barcode, 0, len(syms))
	for _, s := range syms {
		out = append(out, fromPDF417(s))
	}
	return out
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
