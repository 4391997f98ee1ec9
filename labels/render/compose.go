package render

import (
	"image"
	"image/draw"

	"github.com/serialgate/serialgate"
)

// Code is one symbol to put on a label.
type Code struct {
	Symbology serialgate.Symbology
	Value     string
}

// Compose draws a label: the codes one under another on white, left
// aligned with a margin, as a box label printer lays them out. It is the
// picture a station's camera would see of a label squarely in view.
func Compose(codes []Code) (*image.Gray, error) {
	const margin, gap = 40, 30
	var parts []image.Image
	w, h := 0, margin
	for _, c := range codes {
		img, err := Draw(c.Symbology, c.Value)
		if err != nil {
			return nil, err
		}
		parts = append(parts, img)
		w = max(w, img.Bounds().Dx())
		h += img.Bounds().Dy() + gap
	}
	out := image.NewGray(image.Rect(0, 0, w+2*margin, h-gap+margin))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	y := margin
	for _, img := range parts {
		b := img.Bounds()
		draw.Draw(out, image.Rect(margin, y, margin+b.Dx(), y+b.Dy()), img, b.Min, draw.Src)
		y += b.Dy() + gap
	}
	return out, nil
}
