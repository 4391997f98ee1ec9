package decode

import (
	"math"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/decode/microqr"
)

// microQR reads the Micro QR Codes of one variant of the image, in the
// variant's coordinates. The reader finds the symbol at any angle and in
// either handedness, and binarizes in its own ways: of the variants it
// takes the plain image and the inverted one (light modules on dark).
func (d *Decoder) microQR(g Gray, v variant) []Barcode {
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
	syms, err := microqr.Read(microqr.Image{Pix: g.Pix, Width: g.Width, Height: g.Height, Stride: g.Stride})
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
