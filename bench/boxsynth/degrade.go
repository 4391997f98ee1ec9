package main

import (
	"math"
	"math/rand/v2"
)

type degraded struct{ params photo }

// smoothstep is 0 below a, 1 above b, smooth between.
func smoothstep(a, b, x float64) float64 {
	t := math.Min(1, math.Max(0, (x-a)/(b-a)))
	return t * t * (3 - 2*t)
}

// degrade turns the scene's radiance planes (0 to 1) into the camera's
// 8-bit values (0 to 255, still float): uneven light, glare, lens and
// motion blur, exposure, sensor noise, tone curve and sharpening. It
// returns what it did.
func degrade(r *rand.Rand, planes [3][]float32, fw, fh int, serialQ [4][2]float64, hasSerial bool, labelQ [4][2]float64, clean bool) degraded {
	var ph photo
	// Draw every parameter whether used or not, so that -clean photos
	// keep the same content as the others.
	gradOn, gradAng, gradStr := r.Float64() < 0.55, 360*r.Float64(), 0.15+0.4*r.Float64()
	vig := 0.35 * r.Float64()
	bandOn := r.Float64() < 0.15
	bandAng, bandFactor, bandSoft := 360*r.Float64(), 0.45+0.3*r.Float64(), 10+50*r.Float64()
	bandT := r.Float64()
	gain := [3]float64{0.94 + 0.1*r.Float64(), 0.97 + 0.05*r.Float64(), 0.88 + 0.14*r.Float64()}
	expo := 0.9 + 0.3*r.Float64()
	if r.Float64() < 0.15 {
		expo = 0.65 + 0.25*r.Float64()
	}
	glareOn, glareOverSerial := r.Float64() < 0.25, r.Float64() < 0.4
	glareU, glareV := r.Float64(), r.Float64()
	scale := float64(fw) / 1280
	glareSig := [2]float64{(15 + 40*r.Float64()) * scale, (15 + 40*r.Float64()) * scale}
	glareAng, glarePeak, glareFlat := 180*r.Float64(), 140+120*r.Float64(), 1+r.Float64()
	var blur float64
	switch x := r.Float64(); {
	case x < 0.35:
		blur = 0.5 * r.Float64()
	case x < 0.65:
		blur = 0.5 + 0.5*r.Float64()
	default:
		blur = 1 + 0.5*r.Float64()
	}
	motionOn, motionLen, motionAng := r.Float64() < 0.1, 1.5+2.5*r.Float64(), 180*r.Float64()
	readSigma, shotK := 1+2*r.Float64(), 0.04+0.16*r.Float64()
	gamma, contrast, black := 0.85+0.3*r.Float64(), 0.7+0.4*r.Float64(), 15*r.Float64()
	sharpen := 0.0
	if r.Float64() < 0.35 {
		sharpen = 0.3 + 0.7*r.Float64()
	}
	quality := 60 + r.IntN(31)
	if clean {
		gradOn, vig, bandOn, glareOn, blur, motionOn, readSigma, shotK, sharpen, quality = false, 0, false, false, 0, false, 0, 0, 0, 95
		gamma, contrast, black, expo, gain = 1, 1, 0, 1, [3]float64{1, 1, 1}
	}

	cx, cy := float64(fw)/2, float64(fh)/2
	diag := math.Hypot(cx, cy)
	// Uneven light: a gradient, vignetting, a shadow band.
	ph.Vignette = r3(vig)
	ph.ColorGainRGB = [3]float64{r3(gain[0]), r3(gain[1]), r3(gain[2])}
	ph.ExposureGain = r3(expo)
	var gx, gy float64
	if gradOn {
		ph.LightingGradient = &gradient{AngleDeg: r3(gradAng), Strength: r3(gradStr)}
		gx, gy = gradStr*math.Cos(gradAng*math.Pi/180)/diag, gradStr*math.Sin(gradAng*math.Pi/180)/diag
	}
	var bnx, bny, bc float64
	if bandOn {
		// A band edge through a point on the label.
		lx0, ly0, lx1, ly1 := bbox(labelQ[:]...)
		px, py := lx0+(lx1-lx0)*bandT, ly0+(ly1-ly0)*bandT
		bnx, bny = math.Cos(bandAng*math.Pi/180), math.Sin(bandAng*math.Pi/180)
		bc = px*bnx + py*bny
		ph.ShadowBand = &shadowBand{PointPx: [2]float64{r3(px), r3(py)}, AngleDeg: r3(bandAng), Factor: r3(bandFactor), SoftPx: r3(bandSoft)}
	}
	for y := range fh {
		for x := range fw {
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			l := 1 + gx*dx + gy*dy
			l = math.Max(0.3, l)
			rr := (dx*dx + dy*dy) / (diag * diag)
			l *= 1 - vig*rr
			if bandOn {
				s := (float64(x)+0.5)*bnx + (float64(y)+0.5)*bny - bc
				l *= 1 - (1-bandFactor)*smoothstep(-bandSoft/2, bandSoft/2, s)
			}
			i := y*fw + x
			for ch := range 3 {
				planes[ch][i] = float32(float64(planes[ch][i]) * l * expo * gain[ch] * 255)
			}
		}
	}
	// Glare: an elliptical, flat-topped bright blob.
	if glareOn {
		var gcx, gcy float64
		if glareOverSerial && hasSerial {
			gcx = serialQ[0][0] + (serialQ[1][0]-serialQ[0][0])*(0.2+0.6*glareU) + (serialQ[3][0]-serialQ[0][0])*glareV
			gcy = serialQ[0][1] + (serialQ[1][1]-serialQ[0][1])*(0.2+0.6*glareU) + (serialQ[3][1]-serialQ[0][1])*glareV
		} else {
			lx0, ly0, lx1, ly1 := bbox(labelQ[:]...)
			gcx, gcy = lx0+(lx1-lx0)*glareU, ly0+(ly1-ly0)*glareV
		}
		ca, sa := math.Cos(glareAng*math.Pi/180), math.Sin(glareAng*math.Pi/180)
		at := func(x, y float64) float64 {
			dx, dy := x-gcx, y-gcy
			a, b := (dx*ca+dy*sa)/glareSig[0], (-dx*sa+dy*ca)/glareSig[1]
			return glarePeak * math.Exp(-math.Pow((a*a+b*b)/2, glareFlat))
		}
		sx := (serialQ[0][0] + serialQ[1][0] + serialQ[2][0] + serialQ[3][0]) / 4
		sy := (serialQ[0][1] + serialQ[1][1] + serialQ[2][1] + serialQ[3][1]) / 4
		over := 0.0
		if hasSerial {
			over = at(sx, sy)
		}
		ph.Glare = &glare{CenterPx: [2]float64{r3(gcx), r3(gcy)}, SigmaPx: [2]float64{r3(glareSig[0]), r3(glareSig[1])},
			AngleDeg: r3(glareAng), Peak: r3(glarePeak), Flatness: r3(glareFlat), PeakOverSerial: r3(over)}
		rad := 4 * math.Max(glareSig[0], glareSig[1])
		for y := max(0, int(gcy-rad)); y < min(fh, int(gcy+rad)); y++ {
			for x := max(0, int(gcx-rad)); x < min(fw, int(gcx+rad)); x++ {
				g := at(float64(x)+0.5, float64(y)+0.5)
				i := y*fw + x
				planes[0][i] += float32(g)
				planes[1][i] += float32(g * 0.98)
				planes[2][i] += float32(g * 0.9)
			}
		}
	}
	// Sensor saturation, then the lens.
	for ch := range 3 {
		for i, v := range planes[ch] {
			planes[ch][i] = min(v, 255)
		}
	}
	ph.BlurSigma = r3(blur)
	for ch := range 3 {
		gaussBlur(planes[ch], fw, fh, blur)
	}
	if motionOn {
		ph.MotionBlur = &motion{LengthPx: r3(motionLen), AngleDeg: r3(motionAng)}
		for ch := range 3 {
			motionBlur(planes[ch], fw, fh, motionLen, motionAng*math.Pi/180)
		}
	}
	// Sensor noise: read noise and shot noise.
	ph.NoiseReadSigma, ph.NoiseShotK = r3(readSigma), r3(shotK)
	ph.NoiseSigmaAt128 = r3(math.Sqrt(readSigma*readSigma + shotK*128))
	if readSigma > 0 || shotK > 0 {
		for ch := range 3 {
			for i, v := range planes[ch] {
				s := math.Sqrt(readSigma*readSigma + shotK*math.Max(0, float64(v)))
				planes[ch][i] = v + float32(s*r.NormFloat64())
			}
		}
	}
	// Tone curve: gamma, contrast about mid-grey, black level.
	ph.Gamma, ph.Contrast, ph.BlackLift = r3(gamma), r3(contrast), r3(black)
	var lut [1025]float32
	for k := range lut {
		v := float64(k) / 4
		v = 255 * math.Pow(v/255, gamma)
		v = 128 + (v-128)*contrast
		v = black + v*(255-black)/255
		lut[k] = float32(v)
	}
	for ch := range 3 {
		for i, v := range planes[ch] {
			x := float64(min(max(v, 0), 255)) * 4
			k := int(x)
			if k >= 1020 {
				planes[ch][i] = lut[1020]
				continue
			}
			f := float32(x - float64(k))
			planes[ch][i] = lut[k] + (lut[k+1]-lut[k])*f
		}
	}
	// In-camera sharpening: unsharp mask.
	ph.SharpenAmount = r3(sharpen)
	if sharpen > 0 {
		for ch := range 3 {
			b := append([]float32(nil), planes[ch]...)
			gaussBlur(b, fw, fh, 1)
			for i, v := range planes[ch] {
				planes[ch][i] = v + float32(sharpen)*(v-b[i])
			}
		}
	}
	ph.JPEGQuality = quality
	return degraded{params: ph}
}
