// Package photo turns a clean, generated barcode image into one that looks
// photographed: turned, tilted in perspective, unevenly lit, blurred and
// noisy. Tests and benchmarks draw symbols with an independent encoder
// (zint, qrencode) and read them back through it.
package photo

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// Params describe one photo. The zero value gives the clean image, unscaled.
type Params struct {
	Angle  float64    // degrees, counterclockwise
	Scale  float64    // output pixels per input pixel; 0 means 1
	Tilt   [2]float64 // perspective: how much nearer the right (Tilt[0]) and bottom (Tilt[1]) edges come, as a fraction
	Blur   float64    // Gaussian blur sigma, in output pixels
	Noise  float64    // Gaussian noise sigma, in gray levels
	Shade  float64    // light falling off across the image, as a fraction of the paper's brightness
	Ink    uint8      // the darkest gray; 0 means 30
	Paper  uint8      // the lightest gray; 0 means 225
	Margin int        // background pixels around the symbol
	Seed   uint64
}

// Render draws src as a photo.
func Render(src image.Image, p Params) *image.Gray {
	if p.Scale <= 0 {
		p.Scale = 1
	}
	ink, paper := float64(p.Ink), float64(p.Paper)
	if p.Ink == 0 {
		ink = 30
	}
	if p.Paper == 0 {
		paper = 225
	}
	b := src.Bounds()
	sw, sh := float64(b.Dx()), float64(b.Dy())
	gray := make([]float64, b.Dx()*b.Dy())
	for y := range b.Dy() {
		for x := range b.Dx() {
			c := color.GrayModel.Convert(src.At(b.Min.X+x, b.Min.Y+y)).(color.Gray)
			gray[y*b.Dx()+x] = float64(c.Y) / 255
		}
	}
	// Forward map, centred: rotate and scale (affine A), then divide by
	// 1 + t·d for the perspective. Its inverse is used per output pixel.
	rad := p.Angle * math.Pi / 180
	cos, sin := math.Cos(rad)*p.Scale, math.Sin(rad)*p.Scale
	half := math.Hypot(sw, sh) * p.Scale / 2
	tx, ty := p.Tilt[0]/half, p.Tilt[1]/half
	forward := func(x, y float64) (float64, float64) {
		x, y = x-sw/2, y-sh/2
		dx, dy := cos*x+sin*y, -sin*x+cos*y
		w := 1 + tx*dx + ty*dy
		return dx / w, dy / w
	}
	inverse := func(x, y float64) (float64, float64) {
		w := 1 - tx*x - ty*y
		dx, dy := x/w, y/w
		det := cos*cos + sin*sin
		return (cos*dx-sin*dy)/det + sw/2, (sin*dx+cos*dy)/det + sh/2
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range [4][2]float64{{0, 0}, {sw, 0}, {sw, sh}, {0, sh}} {
		x, y := forward(c[0], c[1])
		minX, maxX = math.Min(minX, x), math.Max(maxX, x)
		minY, maxY = math.Min(minY, y), math.Max(maxY, y)
	}
	w := int(maxX-minX) + 2*p.Margin + 1
	h := int(maxY-minY) + 2*p.Margin + 1
	ox, oy := minX-float64(p.Margin), minY-float64(p.Margin)
	at := func(x, y float64) float64 {
		x, y = x-0.5, y-0.5
		x0, y0 := math.Floor(x), math.Floor(y)
		fx, fy := x-x0, y-y0
		px := func(xi, yi float64) float64 {
			if xi < 0 || yi < 0 || xi >= sw || yi >= sh {
				return 1
			}
			return gray[int(yi)*b.Dx()+int(xi)]
		}
		top := px(x0, y0)*(1-fx) + px(x0+1, y0)*fx
		bot := px(x0, y0+1)*(1-fx) + px(x0+1, y0+1)*fx
		return top*(1-fy) + bot*fy
	}
	out := make([]float64, w*h)
	for y := range h {
		for x := range w {
			// 2×2 samples per pixel, so that downscaling averages.
			var v float64
			for _, s := range [4][2]float64{{0.25, 0.25}, {0.75, 0.25}, {0.25, 0.75}, {0.75, 0.75}} {
				sx, sy := inverse(float64(x)+s[0]+ox, float64(y)+s[1]+oy)
				v += at(sx, sy) / 4
			}
			light := paper * (1 - p.Shade*(float64(x)/float64(w)+float64(y)/float64(h))/2)
			out[y*w+x] = ink + (light-ink)*v
		}
	}
	if p.Blur > 0 {
		out = blur(out, w, h, p.Blur)
	}
	rng := rand.New(rand.NewPCG(p.Seed, p.Seed^0x9e3779b97f4a7c15))
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i, v := range out {
		v += rng.NormFloat64() * p.Noise
		img.Pix[i] = uint8(math.Max(0, math.Min(255, math.Round(v))))
	}
	return img
}

// blur applies a Gaussian blur of the given sigma, a row pass then a
// column pass; the edges repeat their last pixel.
func blur(in []float64, w, h int, sigma float64) []float64 {
	r := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*r+1)
	var sum float64
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	return convolve(convolve(in, w, h, k, 1, 0), w, h, k, 0, 1)
}

// convolve applies the kernel k along (dx, dy): rows for (1, 0), columns
// for (0, 1).
func convolve(in []float64, w, h int, k []float64, dx, dy int) []float64 {
	r := len(k) / 2
	out := make([]float64, len(in))
	for y := range h {
		for x := range w {
			var v float64
			for i, kv := range k {
				xx := min(max(x+(i-r)*dx, 0), w-1)
				yy := min(max(y+(i-r)*dy, 0), h-1)
				v += in[yy*w+xx] * kv
			}
			out[y*w+x] = v
		}
	}
	return out
}

// Random draws the parameters of a photo of a symbol drawn one pixel per
// module: modules of 2.5 to 8 pixels, any angle, a perspective tilt up to
// 0.15, blur up to 0.3 modules, noise up to 14 gray levels, shading up to
// 0.4 and a margin of 10 to 60 pixels. seed seeds the noise.
func Random(rng *rand.Rand, seed uint64) Params {
	module := 2.5 + rng.Float64()*5.5
	return Params{
		Angle:  rng.Float64() * 360,
		Scale:  module,
		Tilt:   [2]float64{(rng.Float64() - 0.5) * 0.3, (rng.Float64() - 0.5) * 0.3},
		Blur:   rng.Float64() * 0.3 * module,
		Noise:  rng.Float64() * 14,
		Shade:  rng.Float64() * 0.4,
		Margin: 10 + rng.IntN(50),
		Seed:   seed,
	}
}

// Synthetic is a seeded w×h colour picture for the image decoders'
// benchmarks: gradients crossed by label-like strokes and blocks, under
// Gaussian camera noise of the given spread in grey levels. The seed is
// the size, so a size always gives the same picture.
func Synthetic(w, h int, noise float64) *image.RGBA {
	rng := rand.New(rand.NewPCG(uint64(w), uint64(h)))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := 60 + 140*x/w + 40*y/h
			if (x/5+y/9)%7 == 0 || x%23 < 3 && y%17 < 11 {
				v = 30
			}
			for c := range 3 {
				n := v + int(rng.NormFloat64()*noise) + 10*c
				img.Pix[(y*w+x)*4+c] = uint8(min(255, max(0, n)))
			}
			img.Pix[(y*w+x)*4+3] = 255
		}
	}
	return img
}
