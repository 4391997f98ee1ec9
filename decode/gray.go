package decode

import (
	"image"
	"image/color"
)

// Gray is an 8-bit luminance image: row y starts at Pix[y*Stride], and
// Stride is at least Width.
type Gray struct {
	Pix           []byte
	Width, Height int
	Stride        int
}

// GrayOf converts any image to luminance. A *image.Gray or the Y plane of
// an *image.YCbCr (JPEG, WebP) is used in place, without a copy.
func GrayOf(img image.Image) Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	switch m := img.(type) {
	case *image.Gray:
		off := m.PixOffset(b.Min.X, b.Min.Y)
		return Gray{Pix: m.Pix[off:], Width: w, Height: h, Stride: m.Stride}
	case *image.YCbCr:
		off := m.YOffset(b.Min.X, b.Min.Y)
		return Gray{Pix: m.Y[off:], Width: w, Height: h, Stride: m.YStride}
	}
	g := Gray{Pix: make([]byte, w*h), Width: w, Height: h, Stride: w}
	switch m := img.(type) {
	case *image.RGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			out := g.Pix[y*w : y*w+w]
			for x := range out {
				p := row[4*x : 4*x+4]
				out[x] = luma(p[0], p[1], p[2], p[3])
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			out := g.Pix[y*w : y*w+w]
			for x := range out {
				p := row[4*x : 4*x+4]
				// Transparent pixels count as white paper.
				r, gg, bb := blendWhite(p[0], p[3]), blendWhite(p[1], p[3]), blendWhite(p[2], p[3])
				out[x] = luma(r, gg, bb, 255)
			}
		}
	default:
		for y := 0; y < h; y++ {
			out := g.Pix[y*w : y*w+w]
			for x := range out {
				c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
				out[x] = luma(blendWhite(c.R, c.A), blendWhite(c.G, c.A), blendWhite(c.B, c.A), 255)
			}
		}
	}
	return g
}

func blendWhite(v, a uint8) uint8 { return uint8((uint32(v)*uint32(a) + 255*(255-uint32(a))) / 255) }

// luma uses zxing's integer weights, (R + 2G + B) / 4.
func luma(r, g, b, _ uint8) uint8 { return uint8((uint32(r) + 2*uint32(g) + uint32(b)) >> 2) }

// valid tells whether the pixels hold every row. Stride is at least Width
// (rows do not overlap, and a negative stride would index before Pix), and
// the check is written so that no product of the sizes can overflow.
func (g Gray) valid() bool {
	return g.Width > 0 && g.Height > 0 && g.Stride >= g.Width && len(g.Pix) >= g.Width &&
		(len(g.Pix)-g.Width)/g.Stride >= g.Height-1
}

// row returns row y.
func (g Gray) row(y int) []byte { return g.Pix[y*g.Stride : y*g.Stride+g.Width] }

// compact returns the image with Stride == Width, copying if needed.
func (g Gray) compact() Gray {
	if g.Stride == g.Width && len(g.Pix) >= g.Width*g.Height {
		g.Pix = g.Pix[:g.Width*g.Height]
		return g
	}
	out := Gray{Pix: make([]byte, g.Width*g.Height), Width: g.Width, Height: g.Height, Stride: g.Width}
	for y := 0; y < g.Height; y++ {
		copy(out.Pix[y*g.Width:], g.row(y))
	}
	return out
}

// rotate90 turns the image a quarter turn counterclockwise.
func (g Gray) rotate90() Gray {
	out := Gray{Pix: make([]byte, g.Width*g.Height), Width: g.Height, Height: g.Width, Stride: g.Height}
	for y := 0; y < g.Height; y++ {
		r := g.row(y)
		for x, v := range r {
			out.Pix[(g.Width-1-x)*out.Stride+y] = v
		}
	}
	return out
}

// half scales the image down by two, averaging 2×2 blocks.
func (g Gray) half() Gray {
	w, h := g.Width/2, g.Height/2
	out := Gray{Pix: make([]byte, w*h), Width: w, Height: h, Stride: w}
	for y := 0; y < h; y++ {
		a, b := g.row(2*y), g.row(2*y+1)
		o := out.Pix[y*w : y*w+w]
		for x := range o {
			o[x] = uint8((uint32(a[2*x]) + uint32(a[2*x+1]) + uint32(b[2*x]) + uint32(b[2*x+1]) + 2) >> 2)
		}
	}
	return out
}

// crop returns the part of the image in r, sharing its pixels.
func (g Gray) crop(r image.Rectangle) Gray {
	r = r.Intersect(image.Rect(0, 0, g.Width, g.Height))
	if r.Empty() {
		return Gray{}
	}
	return Gray{Pix: g.Pix[r.Min.Y*g.Stride+r.Min.X:], Width: r.Dx(), Height: r.Dy(), Stride: g.Stride}
}

// whiteOut returns a copy with the rectangle r painted white, so that a
// code already read there is not found again.
func (g Gray) whiteOut(r image.Rectangle) Gray {
	out := g.compact()
	if &out.Pix[0] == &g.Pix[0] {
		out.Pix = append([]byte(nil), out.Pix...)
	}
	r = r.Intersect(image.Rect(0, 0, g.Width, g.Height))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := out.Pix[y*out.Stride+r.Min.X : y*out.Stride+r.Max.X]
		for i := range row {
			row[i] = 255
		}
	}
	return out
}
