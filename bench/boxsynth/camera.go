package main

import "math"

// mat3 is a 3x3 matrix, row-major: a homography between planes.
type mat3 [9]float64

func (a mat3) mul(b mat3) mat3 {
	var c mat3
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				c[i*3+j] += a[i*3+k] * b[k*3+j]
			}
		}
	}
	return c
}

// apply maps the point (x, y).
func (a mat3) apply(x, y float64) (float64, float64) {
	w := a[6]*x + a[7]*y + a[8]
	return (a[0]*x + a[1]*y + a[2]) / w, (a[3]*x + a[4]*y + a[5]) / w
}

func (a mat3) inv() mat3 {
	det := a[0]*(a[4]*a[8]-a[5]*a[7]) - a[1]*(a[3]*a[8]-a[5]*a[6]) + a[2]*(a[3]*a[7]-a[4]*a[6])
	return mat3{
		(a[4]*a[8] - a[5]*a[7]) / det, (a[2]*a[7] - a[1]*a[8]) / det, (a[1]*a[5] - a[2]*a[4]) / det,
		(a[5]*a[6] - a[3]*a[8]) / det, (a[0]*a[8] - a[2]*a[6]) / det, (a[2]*a[3] - a[0]*a[5]) / det,
		(a[3]*a[7] - a[4]*a[6]) / det, (a[1]*a[6] - a[0]*a[7]) / det, (a[0]*a[4] - a[1]*a[3]) / det,
	}
}

// camera is a pinhole camera looking at the box face the label is stuck
// on: the label turned by rot in its plane, the plane tilted about the
// camera's x and y axes, at distance dist, centred at (cx, cy) in the
// frame.
type camera struct {
	frameW, frameH int
	hfov           float64 // degrees
	rot            float64 // degrees, in the label's plane
	tiltX, tiltY   float64 // degrees
	dist           float64 // label pixels
	cx, cy         float64 // frame pixels: where the label's centre goes
}

// homography maps label pixels (origin at the label's top-left corner)
// to frame pixels, for a label of w x h pixels.
func (c camera) homography(w, h int) mat3 {
	f := float64(c.frameW) / 2 / math.Tan(c.hfov/2*math.Pi/180)
	rad := math.Pi / 180
	cz, sz := math.Cos(c.rot*rad), math.Sin(c.rot*rad)
	cx, sx := math.Cos(c.tiltX*rad), math.Sin(c.tiltX*rad)
	cy, sy := math.Cos(c.tiltY*rad), math.Sin(c.tiltY*rad)
	rz := mat3{cz, -sz, 0, sz, cz, 0, 0, 0, 1}
	rx := mat3{1, 0, 0, 0, cx, -sx, 0, sx, cx}
	ry := mat3{cy, 0, sy, 0, 1, 0, -sy, 0, cy}
	rot := ry.mul(rx).mul(rz)
	// [r1 r2 t]: the plane z=0 into the camera.
	m := mat3{rot[0], rot[1], 0, rot[3], rot[4], 0, rot[6], rot[7], c.dist}
	k := mat3{f, 0, c.cx, 0, f, c.cy, 0, 0, 1}
	a := mat3{1, 0, -float64(w) / 2, 0, 1, -float64(h) / 2, 0, 0, 1}
	return k.mul(m).mul(a)
}

// quad returns the four corners TL TR BR BL of the label rectangle
// (x, y, w, h) in frame pixels.
func quad(hm mat3, x, y, w, h float64) [4][2]float64 {
	var q [4][2]float64
	for i, p := range [4][2]float64{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}} {
		q[i][0], q[i][1] = hm.apply(p[0], p[1])
	}
	return q
}

func dist(a, b [2]float64) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }

// modulePx is the mean X-dimension in the frame of a symbol whose
// corners are q and which is wModules wide.
func modulePx(q [4][2]float64, wModules int) float64 {
	return (dist(q[0], q[1]) + dist(q[3], q[2])) / 2 / float64(wModules)
}

// axisDeg is the direction of the symbol's x axis in the frame, degrees
// (y down, so positive is clockwise on screen).
func axisDeg(q [4][2]float64) float64 {
	dx := (q[1][0] - q[0][0]) + (q[2][0] - q[3][0])
	dy := (q[1][1] - q[0][1]) + (q[2][1] - q[3][1])
	return math.Atan2(dy, dx) * 180 / math.Pi
}

// scanlineOverlap is how far horizontal (or vertical, whichever is more)
// scan lines can move while still crossing a linear symbol from its
// first bar to its last: negative when no straight row or column of
// pixels crosses all of it.
func scanlineOverlap(q [4][2]float64) float64 {
	best := math.Inf(-1)
	for axis := range 2 {
		l0, l1 := math.Min(q[0][axis], q[3][axis]), math.Max(q[0][axis], q[3][axis])
		r0, r1 := math.Min(q[1][axis], q[2][axis]), math.Max(q[1][axis], q[2][axis])
		best = math.Max(best, math.Min(l1, r1)-math.Max(l0, r0))
	}
	return best
}

// bbox is the bounding box of points.
func bbox(pts ...[2]float64) (x0, y0, x1, y1 float64) {
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		x0, y0 = math.Min(x0, p[0]), math.Min(y0, p[1])
		x1, y1 = math.Max(x1, p[0]), math.Max(y1, p[1])
	}
	return
}

// polyArea is the area of the polygon q (shoelace).
func polyArea(q [4][2]float64) float64 {
	a := 0.0
	for i := range 4 {
		j := (i + 1) % 4
		a += q[i][0]*q[j][1] - q[j][0]*q[i][1]
	}
	return math.Abs(a) / 2
}
