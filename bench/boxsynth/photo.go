package main

import (
	"math"
	"math/rand/v2"
)

// hash2 is a hash of a lattice point to [0, 1).
func hash2(x, y int32, seed uint32) float32 {
	h := uint32(x)*0x27d4eb2d ^ uint32(y)*0x165667b1 ^ seed*0x9e3779b9
	h ^= h >> 15
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return float32(h&0xffffff) / float32(0x1000000)
}

// vnoise is smooth value noise in [0, 1).
func vnoise(x, y float64, seed uint32) float32 {
	fx, fy := math.Floor(x), math.Floor(y)
	ix, iy := int32(fx), int32(fy)
	tx, ty := float32(x-fx), float32(y-fy)
	tx, ty = tx*tx*(3-2*tx), ty*ty*(3-2*ty)
	a, b := hash2(ix, iy, seed), hash2(ix+1, iy, seed)
	c, d := hash2(ix, iy+1, seed), hash2(ix+1, iy+1, seed)
	top, bot := a+(b-a)*tx, c+(d-c)*tx
	return top + (bot-top)*ty
}

// background is the box face around the label, in the label's plane
// (label pixels), so that perspective bends it as it bends the label.
type background struct {
	lb           *label
	base         [3]float64
	seed         uint32
	fiberC       float64 // fibre direction
	fiberS       float64
	flutes       bool
	flutePeriod  float64 // label pixels
	shadowDX     float64 // label shadow offset, label pixels
	shadowDY     float64
	shadow       float64 // strength
	shadowSigma  float64
	edge         bool // a box edge: beyond it the other face, lit differently
	edgeNX       float64
	edgeNY       float64
	edgeC        float64
	edgeFactor   float64
	tape         bool
	tapeV0       float64 // a tape band across the face: v in [tapeV0, tapeV1]
	tapeV1       float64
	paperTint    [3]float64
	surfaceLabel string
}

func newBackground(r *rand.Rand, lb *label) *background {
	bg := &background{lb: lb, seed: r.Uint32()}
	surf := []struct {
		name string
		rgb  [3]float64
	}{
		{"kraft", [3]float64{0.70, 0.56, 0.38}},
		{"brown", [3]float64{0.58, 0.44, 0.30}},
		{"light-kraft", [3]float64{0.78, 0.67, 0.49}},
		{"orange-kraft", [3]float64{0.74, 0.52, 0.33}},
		{"white-board", [3]float64{0.80, 0.77, 0.71}},
	}
	s := surf[r.IntN(len(surf))]
	bg.surfaceLabel = s.name
	k := 0.9 + 0.2*r.Float64()
	for i := range 3 {
		bg.base[i] = s.rgb[i] * k * (0.96 + 0.08*r.Float64())
	}
	a := r.Float64() * math.Pi
	bg.fiberC, bg.fiberS = math.Cos(a), math.Sin(a)
	pxmm := lb.pxPerMM
	bg.flutes = r.Float64() < 0.3
	bg.flutePeriod = (7 + 2*r.Float64()) * pxmm
	bg.shadow = 0.1 + 0.25*r.Float64()
	bg.shadowSigma = (0.6 + 1.2*r.Float64()) * pxmm
	sa := r.Float64() * 2 * math.Pi
	sd := (0.3 + 1.2*r.Float64()) * pxmm
	bg.shadowDX, bg.shadowDY = sd*math.Cos(sa), sd*math.Sin(sa)
	w, h := float64(lb.w), float64(lb.h)
	if r.Float64() < 0.25 {
		// A box edge beyond one side of the label, slightly skewed.
		bg.edge = true
		gap := (6 + 40*r.Float64()) * pxmm
		skew := (r.Float64() - 0.5) * 0.1
		switch r.IntN(4) {
		case 0: // below
			bg.edgeNX, bg.edgeNY, bg.edgeC = skew, 1, h+gap+skew*w/2
		case 1: // above
			bg.edgeNX, bg.edgeNY, bg.edgeC = skew, -1, gap+skew*w/2
		case 2: // right
			bg.edgeNX, bg.edgeNY, bg.edgeC = 1, skew, w+gap+skew*h/2
		default: // left
			bg.edgeNX, bg.edgeNY, bg.edgeC = -1, skew, gap+skew*h/2
		}
		bg.edgeFactor = oneOf(r, 0.55+0.2*r.Float64(), 1.1+0.15*r.Float64())
	}
	if r.Float64() < 0.2 {
		bg.tape = true
		tw := (40 + 20*r.Float64()) * pxmm
		if r.IntN(2) == 0 {
			bg.tapeV1 = -(5 + 30*r.Float64()) * pxmm
			bg.tapeV0 = bg.tapeV1 - tw
		} else {
			bg.tapeV0 = h + (5+30*r.Float64())*pxmm
			bg.tapeV1 = bg.tapeV0 + tw
		}
	}
	bg.paperTint = [3]float64{1, 0.99 + 0.01*r.Float64(), 0.96 + 0.04*r.Float64()}
	return bg
}

// at is the box face's colour at plane point (u, v).
func (bg *background) at(u, v float64) [3]float32 {
	pxmm := bg.lb.pxPerMM
	um, vm := u/pxmm, v/pxmm
	n1 := vnoise(um/30, vm/30, bg.seed)
	n2 := vnoise(um/4, vm/4, bg.seed+1)
	along := um*bg.fiberC + vm*bg.fiberS
	across := -um*bg.fiberS + vm*bg.fiberC
	fib := vnoise(along/2, across/0.2, bg.seed+2)
	spk := vnoise(um/0.4, vm/0.4, bg.seed+3)
	shade := 1 + 0.12*(float64(n1)-0.5) + 0.05*(float64(n2)-0.5) + 0.03*(float64(fib)-0.5) + 0.04*(float64(spk)-0.5)
	if bg.flutes {
		shade *= 1 + 0.015*math.Sin(2*math.Pi*(u*bg.fiberS-v*bg.fiberC)/bg.flutePeriod)
	}
	w, h := float64(bg.lb.w), float64(bg.lb.h)
	x, y := u-bg.shadowDX, v-bg.shadowDY
	dx := math.Max(0, math.Max(-x, x-w))
	dy := math.Max(0, math.Max(-y, y-h))
	if d := math.Hypot(dx, dy) / bg.shadowSigma; d < 3 {
		shade *= 1 - bg.shadow*math.Exp(-d*d)
	}
	col := bg.base
	if bg.tape && v >= bg.tapeV0 && v <= bg.tapeV1 {
		for i, t := range [3]float64{0.80, 0.70, 0.50} {
			col[i] = 0.6*col[i] + 0.4*t
		}
		shade *= 1 + 0.05*math.Sin(u/pxmm/15)
	}
	if bg.edge {
		s := u*bg.edgeNX + v*bg.edgeNY - bg.edgeC
		switch {
		case s > 1.5*pxmm:
			shade *= bg.edgeFactor
		case s > 0:
			shade *= 0.8
		}
	}
	return [3]float32{float32(col[0] * shade), float32(col[1] * shade), float32(col[2] * shade)}
}

// renderScene draws the label and the box face into three planes of
// radiance (0 to about 1), frame size, sampling ss x ss points in each
// pixel that sees the label (bilinear on the label's raster).
func renderScene(lb *label, bg *background, hm mat3, fw, fh, ss int) [3][]float32 {
	inv := hm.inv()
	var out [3][]float32
	for c := range out {
		out[c] = make([]float32, fw*fh)
	}
	w, h := float64(lb.w), float64(lb.h)
	// Margin in label pixels around the label within which a pixel is
	// supersampled: a few frame pixels' worth.
	mg := 4 * labelPerFrame(hm, lb)
	tint := bg.paperTint
	n := float64(ss)
	for py := range fh {
		for px := range fw {
			u, v := inv.apply(float64(px)+0.5, float64(py)+0.5)
			i := py*fw + px
			if u < -mg || v < -mg || u > w+mg || v > h+mg {
				col := bg.at(u, v)
				out[0][i], out[1][i], out[2][i] = col[0], col[1], col[2]
				continue
			}
			var acc [3]float64
			var bgc [3]float32
			haveBG := false
			for sy := range ss {
				for sx := range ss {
					su, sv := inv.apply(float64(px)+(float64(sx)+0.5)/n, float64(py)+(float64(sy)+0.5)/n)
					if lb.inside(su, sv) {
						rf := float64(lb.sample(su, sv))
						acc[0] += rf * tint[0]
						acc[1] += rf * tint[1]
						acc[2] += rf * tint[2]
						continue
					}
					if !haveBG {
						bgc, haveBG = bg.at(u, v), true
					}
					acc[0] += float64(bgc[0])
					acc[1] += float64(bgc[1])
					acc[2] += float64(bgc[2])
				}
			}
			k := 1 / (n * n)
			out[0][i], out[1][i], out[2][i] = float32(acc[0]*k), float32(acc[1]*k), float32(acc[2]*k)
		}
	}
	return out
}

// labelPerFrame is the most label pixels one frame pixel spans anywhere
// on the label.
func labelPerFrame(hm mat3, lb *label) float64 {
	inv := hm.inv()
	best := 0.0
	for _, p := range quad(hm, 0, 0, float64(lb.w), float64(lb.h)) {
		u0, v0 := inv.apply(p[0], p[1])
		u1, v1 := inv.apply(p[0]+1, p[1])
		u2, v2 := inv.apply(p[0], p[1]+1)
		best = math.Max(best, math.Max(math.Hypot(u1-u0, v1-v0), math.Hypot(u2-u0, v2-v0)))
	}
	return best
}

// gaussBlur blurs a plane in place, separably.
func gaussBlur(p []float32, w, h int, sigma float64) {
	if sigma < 0.15 {
		return
	}
	rad := int(math.Ceil(3 * sigma))
	k := make([]float32, 2*rad+1)
	sum := float32(0)
	for i := range k {
		x := float64(i - rad)
		k[i] = float32(math.Exp(-x * x / (2 * sigma * sigma)))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]float32, len(p))
	for y := range h {
		row := p[y*w : (y+1)*w]
		for x := range w {
			var s float32
			for j, kv := range k {
				xx := min(max(x+j-rad, 0), w-1)
				s += kv * row[xx]
			}
			tmp[y*w+x] = s
		}
	}
	for y := range h {
		for x := range w {
			var s float32
			for j, kv := range k {
				yy := min(max(y+j-rad, 0), h-1)
				s += kv * tmp[yy*w+x]
			}
			p[y*w+x] = s
		}
	}
}

// motionBlur averages each pixel along a line of length l at angle a.
func motionBlur(p []float32, w, h int, l, a float64) {
	taps := int(math.Ceil(l)) + 1
	src := append([]float32(nil), p...)
	ca, sa := math.Cos(a), math.Sin(a)
	at := func(x, y float64) float32 {
		x0, y0 := int(math.Floor(x)), int(math.Floor(y))
		fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
		cl := func(v, n int) int { return min(max(v, 0), n-1) }
		xa, xb, ya, yb := cl(x0, w), cl(x0+1, w), cl(y0, h), cl(y0+1, h)
		t := src[ya*w+xa] + (src[ya*w+xb]-src[ya*w+xa])*fx
		b := src[yb*w+xa] + (src[yb*w+xb]-src[yb*w+xa])*fx
		return t + (b-t)*fy
	}
	for y := range h {
		for x := range w {
			var s float32
			for t := range taps {
				d := (float64(t)/float64(taps-1) - 0.5) * l
				s += at(float64(x)+d*ca, float64(y)+d*sa)
			}
			p[y*w+x] = s / float32(taps)
		}
	}
}
