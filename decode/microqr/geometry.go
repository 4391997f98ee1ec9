package microqr

import "math"

// Point is a position in the image, in pixels.
type Point struct{ X, Y float64 }

// homography maps module coordinates (u, v) to image points.
type homography [9]float64

func (h homography) apply(u, v float64) Point {
	w := h[6]*u + h[7]*v + h[8]
	return Point{(h[0]*u + h[1]*v + h[2]) / w, (h[3]*u + h[4]*v + h[5]) / w}
}

// fitHomography finds the map taking each src point to its dst point in
// the least-squares sense (direct linear transform, h[8] = 1), with the
// image points normalized for a well-conditioned system. It reports false
// for fewer than four points or a degenerate set.
func fitHomography(src, dst []Point) (homography, bool) {
	if len(src) < 4 || len(src) != len(dst) {
		return homography{}, false
	}
	var mx, my float64
	for _, p := range dst {
		mx += p.X
		my += p.Y
	}
	mx /= float64(len(dst))
	my /= float64(len(dst))
	var spread float64
	for _, p := range dst {
		spread += math.Hypot(p.X-mx, p.Y-my)
	}
	spread /= float64(len(dst))
	if spread == 0 || math.IsNaN(spread) || math.IsInf(spread, 0) {
		return homography{}, false
	}
	s := 1 / spread
	// Normal equations AᵀA h = Aᵀb for the eight unknowns.
	var ata [8][8]float64
	var atb [8]float64
	add := func(row [8]float64, b float64) {
		for i := range 8 {
			for j := range 8 {
				ata[i][j] += row[i] * row[j]
			}
			atb[i] += row[i] * b
		}
	}
	for i, p := range src {
		x, y := (dst[i].X-mx)*s, (dst[i].Y-my)*s
		add([8]float64{p.X, p.Y, 1, 0, 0, 0, -p.X * x, -p.Y * x}, x)
		add([8]float64{0, 0, 0, p.X, p.Y, 1, -p.X * y, -p.Y * y}, y)
	}
	h, ok := solve8(ata, atb)
	if !ok {
		return homography{}, false
	}
	n := homography{h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1}
	// Undo the normalization: image = n/s + mean.
	var out homography
	for c := range 3 {
		out[c] = n[c]/s + mx*n[6+c]
		out[3+c] = n[3+c]/s + my*n[6+c]
		out[6+c] = n[6+c]
	}
	return out, true
}

// solve8 solves the 8×8 system by Gaussian elimination with partial
// pivoting.
func solve8(a [8][8]float64, b [8]float64) ([8]float64, bool) {
	for col := range 8 {
		p := col
		for r := col + 1; r < 8; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if math.Abs(a[p][col]) < 1e-12 {
			return [8]float64{}, false
		}
		a[col], a[p] = a[p], a[col]
		b[col], b[p] = b[p], b[col]
		for r := col + 1; r < 8; r++ {
			k := a[r][col] / a[col][col]
			for c := col; c < 8; c++ {
				a[r][c] -= k * a[col][c]
			}
			b[r] -= k * b[col]
		}
	}
	var x [8]float64
	for r := 7; r >= 0; r-- {
		v := b[r]
		for c := r + 1; c < 8; c++ {
			v -= a[r][c] * x[c]
		}
		x[r] = v / a[r][r]
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return x, false
		}
	}
	return x, true
}
