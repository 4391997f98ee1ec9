package lumajpeg

import "image"

// The inverse DCT of T.81 A.3.3,
//
//	f(x,y) = 1/4 Σu Σv C(u) C(v) F(u,v) cos((2x+1)uπ/16) cos((2y+1)vπ/16),
//
// separates into a 1-D transform of the columns, then of the rows. Each
// 1-D pass computes
//
//	g(n) = X0 + Σk≥1 √2 cos((2n+1)kπ/16) Xk,
//
// √8 times the orthonormal transform, so that the two passes give 8·f and
// the DC term needs no multiplication. With n and 7-n, the even k give
// equal terms and the odd k opposite ones, so the even part E and odd part
// O of g(0..3) give g(n) = E(n)+O(n) and g(7-n) = E(n)-O(n). The even part
// is a butterfly of X0, X4 and one rotation of X2, X6; the odd part is four
// rotations pairing X1 with X7 and X3 with X5. A rotation
//
//	u = p·a + q·b, w = q·a − p·b
//
// costs three multiplications as z = q·(a+b), u = z + (p−q)·a,
// w = z − (p+q)·b.
//
// The constants are √2 cos(kπ/16) scaled by 2^13, and the columns' results
// are kept unrounded in 64-bit integers for the rows, so the only rounding
// is the last one, to the pixel.
const (
	idctBits = 13
	k1       = 11363 // √2 cos(1π/16)
	k2       = 10703 // √2 cos(2π/16)
	k3       = 9633  // √2 cos(3π/16)
	k5       = 6436  // √2 cos(5π/16)
	k6       = 4433  // √2 cos(6π/16)
	k7       = 2260  // √2 cos(7π/16)

	// The rows' results are 8·2^26 times the pixel's, less 128.
	outShift = 2*idctBits + 3
	outBias  = 128<<outShift + 1<<(outShift-1)
)

// idct1 is the 1-D pass on x0..x7, scaled by 2^13.
func idct1(x0, x1, x2, x3, x4, x5, x6, x7 int) (y0, y1, y2, y3, y4, y5, y6, y7 int) {
	a0 := (x0 + x4) << idctBits
	a1 := (x0 - x4) << idctBits
	z := k6 * (x2 + x6)
	b0 := z + (k2-k6)*x2 // k2·x2 + k6·x6
	b1 := z - (k2+k6)*x6 // k6·x2 − k2·x6
	e0, e3 := a0+b0, a0-b0
	e1, e2 := a1+b1, a1-b1

	z = k7 * (x1 + x7)
	u1 := z + (k1-k7)*x1 // k1·x1 + k7·x7
	w1 := z - (k1+k7)*x7 // k7·x1 − k1·x7
	z = k5 * (x3 + x5)
	u2 := z + (k3-k5)*x3 // k3·x3 + k5·x5
	w2 := z - (k3+k5)*x5 // k5·x3 − k3·x5
	z = k3 * (x1 + x7)
	u3 := z + (k5-k3)*x1 // k5·x1 + k3·x7
	w3 := z - (k5+k3)*x7 // k3·x1 − k5·x7
	z = k1 * (x3 + x5)
	u4 := z + (k7-k1)*x3 // k7·x3 + k1·x5
	w4 := z - (k7+k1)*x5 // k1·x3 − k7·x5
	o0 := u1 + u2        // k1·x1 + k3·x3 + k5·x5 + k7·x7
	o1 := w3 - u4        // k3·x1 − k7·x3 − k1·x5 − k5·x7
	o2 := u3 - w4        // k5·x1 − k1·x3 + k7·x5 + k3·x7
	o3 := w1 - w2        // k7·x1 − k5·x3 + k3·x5 − k1·x7

	return e0 + o0, e1 + o1, e2 + o2, e3 + o3, e3 - o3, e2 - o2, e1 - o1, e0 - o0
}

// putRow writes a row's pixels from the rows' pass of the IDCT.
func putRow(row []byte, y0, y1, y2, y3, y4, y5, y6, y7 int) {
	row = row[:8]
	row[0] = clamp(y0 + outBias)
	row[1] = clamp(y1 + outBias)
	row[2] = clamp(y2 + outBias)
	row[3] = clamp(y3 + outBias)
	row[4] = clamp(y4 + outBias)
	row[5] = clamp(y5 + outBias)
	row[6] = clamp(y6 + outBias)
	row[7] = clamp(y7 + outBias)
}

func clamp(v int) uint8 {
	v >>= outShift
	if uint(v) > 255 {
		if v < 0 {
			return 0
		}
		return 255
	}
	return uint8(v)
}

// idctBlock dequantizes the coefficients of a block with q and writes its
// pixels to dst, 8 rows of stride bytes. last is 1 + the coded position of
// the block's last coefficient: a block of DC alone is one value.
func idctBlock(coef *[64]int16, q *[64]int32, last uint8, dst []byte, stride int) {
	if last <= 1 {
		v := clampDC(int(coef[0]) * int(q[0]))
		for y := range 8 {
			row := dst[y*stride : y*stride+8]
			for x := range row {
				row[x] = v
			}
		}
		return
	}
	if last <= 10 {
		idct4(coef, q, dst, stride)
		return
	}
	var t [64]int
	for u := range 8 {
		c0 := int(coef[u]) * int(q[u])
		if coef[8+u]|coef[16+u]|coef[24+u]|coef[32+u]|coef[40+u]|coef[48+u]|coef[56+u] == 0 {
			c0 <<= idctBits
			for y := range 8 {
				t[y*8+u] = c0
			}
			continue
		}
		t[u], t[8+u], t[16+u], t[24+u], t[32+u], t[40+u], t[48+u], t[56+u] = idct1(
			c0,
			int(coef[8+u])*int(q[8+u]),
			int(coef[16+u])*int(q[16+u]),
			int(coef[24+u])*int(q[24+u]),
			int(coef[32+u])*int(q[32+u]),
			int(coef[40+u])*int(q[40+u]),
			int(coef[48+u])*int(q[48+u]),
			int(coef[56+u])*int(q[56+u]))
	}
	for y := range 8 {
		r := t[y*8 : y*8+8 : y*8+8]
		row := dst[y*stride : y*stride+8 : y*stride+8]
		if r[1]|r[2]|r[3]|r[4]|r[5]|r[6]|r[7] == 0 {
			v := clamp(r[0]<<idctBits + outBias)
			for x := range row {
				row[x] = v
			}
			continue
		}
		y0, y1, y2, y3, y4, y5, y6, y7 := idct1(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7])
		putRow(row, y0, y1, y2, y3, y4, y5, y6, y7)
	}
}

// idct4 is idctBlock for a block whose coefficients lie in its top left
// 4×4 corner, as those of the first 10 coded positions do: half the
// columns to transform, and half the inputs of each 1-D pass.
func idct4(coef *[64]int16, q *[64]int32, dst []byte, stride int) {
	var t [32]int // columns 0..3 of each row
	for u := range 4 {
		c0 := int(coef[u]) * int(q[u])
		if coef[8+u]|coef[16+u]|coef[24+u] == 0 {
			c0 <<= idctBits
			for y := range 8 {
				t[y*4+u] = c0
			}
			continue
		}
		t[u], t[4+u], t[8+u], t[12+u], t[16+u], t[20+u], t[24+u], t[28+u] = idct1half(
			c0,
			int(coef[8+u])*int(q[8+u]),
			int(coef[16+u])*int(q[16+u]),
			int(coef[24+u])*int(q[24+u]))
	}
	for y := range 8 {
		r := t[y*4 : y*4+4 : y*4+4]
		row := dst[y*stride : y*stride+8 : y*stride+8]
		y0, y1, y2, y3, y4, y5, y6, y7 := idct1half(r[0], r[1], r[2], r[3])
		putRow(row, y0, y1, y2, y3, y4, y5, y6, y7)
	}
}

// idct1half is idct1 with x4..x7 zero.
func idct1half(x0, x1, x2, x3 int) (y0, y1, y2, y3, y4, y5, y6, y7 int) {
	a := x0 << idctBits
	b0, b1 := k2*x2, k6*x2
	e0, e3 := a+b0, a-b0
	e1, e2 := a+b1, a-b1
	o0 := k1*x1 + k3*x3
	o1 := k3*x1 - k7*x3
	o2 := k5*x1 - k1*x3
	o3 := k7*x1 - k5*x3
	return e0 + o0, e1 + o1, e2 + o2, e3 + o3, e3 - o3, e2 - o2, e1 - o1, e0 - o0
}

// clampDC is the pixel of a block whose only coefficient is the
// dequantized DC value dc: dc/8 + 128, rounded as idctBlock rounds.
func clampDC(dc int) uint8 {
	return clamp(dc<<(2*idctBits) + outBias)
}

// idctBand writes the pixels of a band's blocks to img and clears the
// band's coefficients for its next use.
func idctBand(b *band, bw int, img *image.Gray) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	var edge [64]byte
	for i := range b.rows * bw {
		bx, by := i%bw, b.row0+i/bw
		coef := (*[64]int16)(b.coef[i*64 : i*64+64])
		x0, y0 := bx*8, by*8
		if x0+8 <= w && y0+8 <= h {
			off := y0*img.Stride + x0
			idctBlock(coef, b.q, b.last[i], img.Pix[off:off+7*img.Stride+8], img.Stride)
		} else {
			// A block on the right or bottom edge shows only its part
			// inside the image.
			idctBlock(coef, b.q, b.last[i], edge[:], 8)
			for y := 0; y < 8 && y0+y < h; y++ {
				off := (y0+y)*img.Stride + x0
				copy(img.Pix[off:off+min(8, w-x0)], edge[y*8:])
			}
		}
		*coef = [64]int16{}
	}
}
