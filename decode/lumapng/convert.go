package lumapng

// The conversions give, pixel for pixel, what decode.GrayOf gives for the
// image image/png returns, which depends on the colour type, the bit
// depth and whether there is a tRNS chunk:
//
//	gray 1-8 bits        *image.Gray: the sample, scaled to 8 bits
//	gray 1-8 + tRNS      *image.NRGBA, alpha 0 or 255: white where transparent
//	gray 16 (+ tRNS)     *image.Gray16 (*image.NRGBA64): the high byte (white)
//	gray+alpha 8         *image.NRGBA: the gray blended onto white
//	gray+alpha 16        *image.NRGBA64, through color.NRGBAModel
//	RGB 8                *image.RGBA: luma
//	RGB 8 + tRNS         *image.NRGBA, alpha 0 or 255
//	RGB 16 (+ tRNS)      *image.RGBA64 (*image.NRGBA64): luma of the high bytes
//	RGBA 8               *image.NRGBA: each channel blended onto white, then luma
//	RGBA 16              *image.NRGBA64, through color.NRGBAModel
//	palette 1-8 (+ tRNS) *image.Paletted, each entry through color.NRGBAModel
//
// GrayOf's luma is (R + 2G + B) / 4, so a gray pixel keeps its value.

// blendWhite lays a channel of alpha a onto white, as decode.GrayOf does.
func blendWhite(v, a uint8) uint8 {
	return uint8((uint32(v)*uint32(a) + 255*(255-uint32(a))) / 255)
}

func luma(r, g, b uint8) uint8 { return uint8((uint32(r) + 2*uint32(g) + uint32(b)) >> 2) }

// nrgba64Channel is one channel of a 16-bit colour of alpha a, as
// color.NRGBAModel converts an image.NRGBA64 pixel (premultiplying, then
// dividing again, in 32-bit integers) and GrayOf then blends it onto white.
func nrgba64Channel(v, a uint16) uint8 {
	switch a {
	case 0xffff:
		return uint8(v >> 8)
	case 0:
		return 255
	}
	p := uint32(v) * uint32(a) / 0xffff
	p = p * 0xffff / uint32(a)
	return blendWhite(uint8(p>>8), uint8(a>>8))
}

// converter returns the function that turns an unfiltered row into gray
// pixels, the bytes per pixel the filters step by (at least one), and the
// bytes per row.
func (d *decoder) converter() (conv func(dst, src []byte), bpp, rowBytes int) {
	channels := map[int]int{ctGray: 1, ctRGB: 3, ctPalette: 1, ctGrayAlpha: 2, ctRGBA: 4}[d.colorType]
	bitsPerPixel := channels * d.depth
	bpp = (bitsPerPixel + 7) / 8
	rowBytes = (bitsPerPixel*d.width + 7) / 8
	t := d.trns
	switch d.colorType {
	case ctGray:
		switch d.depth {
		case 8:
			if t == nil {
				return func(dst, src []byte) { copy(dst, src) }, bpp, rowBytes
			}
			// image/png compares the low byte of the tRNS sample alone.
			var lut [256]uint8
			for v := range lut {
				lut[v] = uint8(v)
			}
			lut[t[1]] = 255
			return indexed(8, &lut), bpp, rowBytes
		case 16:
			if t == nil {
				return func(dst, src []byte) {
					for x := range dst {
						dst[x] = src[2*x]
					}
				}, bpp, rowBytes
			}
			ty := uint16(t[0])<<8 | uint16(t[1])
			return func(dst, src []byte) {
				for x := range dst {
					if uint16(src[2*x])<<8|uint16(src[2*x+1]) == ty {
						dst[x] = 255
					} else {
						dst[x] = src[2*x]
					}
				}
			}, bpp, rowBytes
		}
		// 1, 2 or 4 bits, scaled to 8 by repeating the bits.
		scale := map[int]uint8{1: 0xff, 2: 0x55, 4: 0x11}[d.depth]
		var lut [256]uint8
		for v := range 1 << d.depth {
			lut[v] = uint8(v) * scale
			// image/png scales the tRNS sample the same way, in 8 bits
			// (so an out-of-range sample wraps).
			if t != nil && lut[v] == t[1]*scale {
				lut[v] = 255
			}
		}
		return indexed(d.depth, &lut), bpp, rowBytes
	case ctPalette:
		var lut [256]uint8
		for i := range lut {
			// Indices past the palette are opaque black, as image/png
			// makes them; tRNS may give them an alpha all the same.
			var r, g, b, a uint8 = 0, 0, 0, 255
			if 3*i+2 < len(d.palette) {
				r, g, b = d.palette[3*i], d.palette[3*i+1], d.palette[3*i+2]
			}
			if i < len(t) {
				a = t[i]
			}
			lut[i] = luma(blendWhite(r, a), blendWhite(g, a), blendWhite(b, a))
		}
		return indexed(d.depth, &lut), bpp, rowBytes
	case ctGrayAlpha:
		if d.depth == 8 {
			return func(dst, src []byte) {
				for x := range dst {
					dst[x] = blendWhite(src[2*x], src[2*x+1])
				}
			}, bpp, rowBytes
		}
		return func(dst, src []byte) {
			for x := range dst {
				p := src[4*x : 4*x+4]
				dst[x] = nrgba64Channel(uint16(p[0])<<8|uint16(p[1]), uint16(p[2])<<8|uint16(p[3]))
			}
		}, bpp, rowBytes
	case ctRGB:
		if d.depth == 8 {
			if t == nil {
				return rgb8, bpp, rowBytes
			}
			tr, tg, tb := t[1], t[3], t[5]
			return func(dst, src []byte) {
				for x := range dst {
					p := src[3*x : 3*x+3]
					if p[0] == tr && p[1] == tg && p[2] == tb {
						dst[x] = 255
					} else {
						dst[x] = luma(p[0], p[1], p[2])
					}
				}
			}, bpp, rowBytes
		}
		match := func([]byte) bool { return false }
		if t != nil {
			match = func(p []byte) bool {
				return p[0] == t[0] && p[1] == t[1] && p[2] == t[2] && p[3] == t[3] && p[4] == t[4] && p[5] == t[5]
			}
		}
		return func(dst, src []byte) {
			for x := range dst {
				p := src[6*x : 6*x+6]
				if match(p) {
					dst[x] = 255
				} else {
					dst[x] = luma(p[0], p[2], p[4])
				}
			}
		}, bpp, rowBytes
	default: // ctRGBA
		if d.depth == 8 {
			return rgba8, bpp, rowBytes
		}
		return func(dst, src []byte) {
			for x := range dst {
				p := src[8*x : 8*x+8]
				a := uint16(p[6])<<8 | uint16(p[7])
				dst[x] = luma(nrgba64Channel(uint16(p[0])<<8|uint16(p[1]), a),
					nrgba64Channel(uint16(p[2])<<8|uint16(p[3]), a),
					nrgba64Channel(uint16(p[4])<<8|uint16(p[5]), a))
			}
		}, bpp, rowBytes
	}
}

func rgb8(dst, src []byte) {
	src = src[:3*len(dst)]
	for x, i := 0, 0; x < len(dst) && i+2 < len(src); x, i = x+1, i+3 {
		dst[x] = uint8((uint32(src[i]) + 2*uint32(src[i+1]) + uint32(src[i+2])) >> 2)
	}
}

func rgba8(dst, src []byte) {
	src = src[:4*len(dst)]
	for x := range dst {
		p := src[4*x : 4*x+4 : 4*x+4]
		switch a := p[3]; a {
		case 255:
			dst[x] = luma(p[0], p[1], p[2])
		case 0:
			dst[x] = 255
		default:
			dst[x] = luma(blendWhite(p[0], a), blendWhite(p[1], a), blendWhite(p[2], a))
		}
	}
}

// indexed returns the conversion of samples of depth bits, packed from
// each byte's high bits, through lut.
func indexed(depth int, lut *[256]uint8) func(dst, src []byte) {
	if depth == 8 {
		return func(dst, src []byte) {
			src = src[:len(dst)]
			for x, v := range src {
				dst[x] = lut[v]
			}
		}
	}
	perByte := 8 / depth
	mask := uint8(1<<depth - 1)
	return func(dst, src []byte) {
		for x := range dst {
			shift := 8 - depth*(x%perByte+1)
			dst[x] = lut[src[x/perByte]>>shift&mask]
		}
	}
}
