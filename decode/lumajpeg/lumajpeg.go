// Package lumajpeg decodes the luma (Y) plane of a sequential 8-bit JPEG
// into an *image.Gray: all the barcode readers look at. Chroma is entropy-
// decoded only to advance through the bit stream, never dequantized,
// transformed or upsampled, and the luma inverse DCTs run on several
// goroutines while the entropy decoding goes on.
//
// Streams it leaves to image/jpeg (progressive, lossless or arithmetic-
// coded, 12-bit, CMYK, RGB) give an error wrapping ErrUnsupported. Every
// other failure is an *Error naming the byte offset where the stream went
// wrong.
package lumajpeg

import (
	"errors"
	"fmt"
	"image"
)

// ErrUnsupported is wrapped by the errors for streams that may be valid
// JPEGs but that this package does not decode; image/jpeg may.
var ErrUnsupported = errors.New("unsupported")

// ErrTooLarge is wrapped by the error for a frame of more pixels than
// Decode's maxPixels allows. It is found from the frame header, before
// any pixel is allocated.
var ErrTooLarge = errors.New("over the pixel limit")

// Error is a failure to decode a stream, at a byte offset in the data.
type Error struct {
	Offset int   // byte offset of the segment or entropy-coded byte at fault
	Err    error // what is wrong; wraps ErrUnsupported or ErrTooLarge where that is why
}

func (e *Error) Error() string { return fmt.Sprintf("lumajpeg: byte %d: %v", e.Offset, e.Err) }

func (e *Error) Unwrap() error { return e.Err }

func errAt(off int, format string, args ...any) error {
	return &Error{Offset: off, Err: fmt.Errorf(format, args...)}
}

// Marker codes (T.81 table B.1).
const (
	markSOF0 = 0xc0 // baseline
	markSOF1 = 0xc1 // extended sequential, Huffman
	markSOF2 = 0xc2 // progressive, Huffman
	markDHT  = 0xc4
	markDAC  = 0xcc
	markRST0 = 0xd0
	markRST7 = 0xd7
	markSOI  = 0xd8
	markEOI  = 0xd9
	markSOS  = 0xda
	markDQT  = 0xdb
	markDNL  = 0xdc
	markDRI  = 0xdd
	markAPP0 = 0xe0
	markAPPE = 0xee // Adobe
	markAPPF = 0xef
	markCOM  = 0xfe
)

// zigzag maps the position of a coefficient in the coded order to its
// index in the 8×8 block, row by row (T.81 figure A.6).
var zigzag = [64]uint8{
	0, 1, 8, 16, 9, 2, 3, 10,
	17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34,
	27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36,
	29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46,
	53, 60, 61, 54, 47, 55, 62, 63,
}

// maxBlockSum bounds the sum of the magnitudes of a luma block's
// dequantized coefficients. An 8-bit block's coefficients sum to at most
// 8192 by Cauchy-Schwarz (Σ|F| ≤ 8·√ΣF² = 8·√Σf² ≤ 8·8·128); the box
// photos reach 5425. image/jpeg's 32-bit IDCT overflows on some blocks
// from about 12000, so a block beyond the bound is left to it: the
// caller's fallback gives what it gave before, and where both decoders
// decode a stream they agree.
const maxBlockSum = 8192

type component struct {
	id   byte
	h, v int  // sampling factors
	tq   byte // quantization table
}

type decoder struct {
	data      []byte
	maxPixels int64

	sof           int  // offset of the frame header; 0 before it
	baseline      bool // SOF0: at most two tables of each kind
	width, height int
	comps         []component
	hmax, vmax    int

	quant    [4][64]int32 // natural order
	quantSet [4]bool
	huff     [2][4]*huffTable // [DC, AC][table]
	restart  int              // MCUs per restart interval; 0 for none

	jfif           bool
	adobe          bool
	adobeTransform byte

	img     *image.Gray
	scanned bool
}

// Decode decodes the first component of a JPEG (the luma of a YCbCr
// image, the image itself of a grayscale one) into a gray image of the
// frame's size. A frame of more than maxPixels pixels is refused before
// anything is allocated.
//
// Decode handles baseline and extended sequential Huffman-coded frames
// (SOF0, SOF1) of 8-bit samples with one component, or three taken as
// YCbCr, any sampling factors from 1 to 4 with the luma sampled the most,
// restart intervals and several scans. It reads the whole stream to its
// EOI marker, so a stream image/jpeg refuses as malformed is refused here
// too.
func Decode(data []byte, maxPixels int64) (*image.Gray, error) {
	d := &decoder{data: data, maxPixels: maxPixels}
	if err := d.decode(); err != nil {
		return nil, err
	}
	return d.img, nil
}

func (d *decoder) decode() error {
	data := d.data
	if len(data) < 2 || data[0] != 0xff || data[1] != markSOI {
		return errAt(0, "missing SOI marker")
	}
	pos := 2
	for {
		at, marker, err := d.nextMarker(pos)
		if err != nil {
			return err
		}
		pos = at + 2
		if marker == markEOI {
			break
		}
		if markRST0 <= marker && marker <= markRST7 {
			// A restart marker after a scan's last interval: some
			// encoders write one; it carries nothing.
			continue
		}
		if pos+2 > len(data) {
			return errAt(len(data), "unexpected end of data in a segment length")
		}
		n := int(data[pos])<<8 | int(data[pos+1]) - 2
		if n < 0 {
			return errAt(at, "segment length %d is short", n+2)
		}
		body := pos + 2
		if body+n > len(data) {
			return errAt(at, "segment of %d bytes runs past the end of the data", n+2)
		}
		seg := data[body : body+n]
		next := body + n
		switch {
		case marker == markSOF0 || marker == markSOF1:
			err = d.frame(at, marker, seg)
		case marker == markSOF2:
			err = errAt(at, "progressive frame (SOF2): %w", ErrUnsupported)
		case marker == markDHT:
			err = d.defineHuffman(at, seg)
		case marker == markDQT:
			err = d.defineQuant(at, seg)
		case marker == markDRI:
			if n != 2 {
				return errAt(at, "DRI segment of %d bytes, want 4", n+2)
			}
			d.restart = int(seg[0])<<8 | int(seg[1])
		case marker == markSOS:
			next, err = d.scan(at, seg, next)
		case marker == markAPP0:
			if len(seg) >= 5 {
				d.jfif = string(seg[:5]) == "JFIF\x00"
			}
		case marker == markAPPE:
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" {
				d.adobe, d.adobeTransform = true, seg[11]
			}
		case markAPP0 < marker && marker <= markAPPF || marker == markCOM:
		case marker == markDNL:
			err = errAt(at, "DNL marker (height defined after the scan): %w", ErrUnsupported)
		case marker == markDAC || 0xc3 <= marker && marker <= 0xcf:
			err = errAt(at, "frame or table marker 0x%02x (lossless, hierarchical or arithmetic coding): %w", marker, ErrUnsupported)
		case marker < 0xc0:
			err = errAt(at, "unknown marker 0x%02x", marker)
		default:
			err = errAt(at, "marker 0x%02x: %w", marker, ErrUnsupported)
		}
		if err != nil {
			return err
		}
		pos = next
	}
	if d.sof == 0 {
		return errAt(pos-2, "missing SOF marker")
	}
	if !d.scanned {
		return errAt(pos-2, "missing SOS marker")
	}
	if d.rgb() {
		return errAt(d.sof, "RGB components: %w", ErrUnsupported)
	}
	return nil
}

// nextMarker finds the marker at or after pos, passing over fill bytes
// and, as image/jpeg and libjpeg do, over stray bytes between segments.
func (d *decoder) nextMarker(pos int) (at int, marker byte, err error) {
	data := d.data
	for {
		for pos < len(data) && data[pos] != 0xff {
			pos++
		}
		for pos < len(data) && data[pos] == 0xff {
			pos++
		}
		if pos >= len(data) {
			return 0, 0, errAt(len(data), "unexpected end of data: no EOI marker")
		}
		if data[pos] != 0 {
			// The marker's offset is that of the last 0xff before it.
			return pos - 1, data[pos], nil
		}
		pos++ // 0xff00 outside a scan: stray data
	}
}

// rgb tells whether a three-component frame holds RGB rather than YCbCr,
// by the rules image/jpeg follows: no JFIF marker, and an Adobe marker
// saying RGB, or components named R, G and B.
func (d *decoder) rgb() bool {
	if len(d.comps) != 3 || d.jfif {
		return false
	}
	if d.adobe && d.adobeTransform == 0 {
		return true
	}
	return d.comps[0].id == 'R' && d.comps[1].id == 'G' && d.comps[2].id == 'B'
}

// frame reads a frame header (T.81 B.2.2).
func (d *decoder) frame(at int, marker byte, seg []byte) error {
	if d.sof != 0 {
		return errAt(at, "second SOF marker")
	}
	if len(seg) < 6 {
		return errAt(at, "SOF segment of %d bytes is short", len(seg)+2)
	}
	if seg[0] != 8 {
		return errAt(at, "%d-bit samples: %w", seg[0], ErrUnsupported)
	}
	nf := int(seg[5])
	switch nf {
	case 1, 3:
	case 4:
		return errAt(at, "4 components (CMYK or YCCK): %w", ErrUnsupported)
	default:
		return errAt(at, "%d components: %w", nf, ErrUnsupported)
	}
	if len(seg) != 6+3*nf {
		return errAt(at, "SOF segment of %d bytes for %d components", len(seg)+2, nf)
	}
	d.height = int(seg[1])<<8 | int(seg[2])
	d.width = int(seg[3])<<8 | int(seg[4])
	if d.width == 0 {
		return errAt(at, "frame of width 0")
	}
	if d.height == 0 {
		return errAt(at, "frame of height 0 (to be set by a DNL marker): %w", ErrUnsupported)
	}
	if px := int64(d.width) * int64(d.height); px > d.maxPixels {
		return errAt(at, "frame of %d×%d pixels: %w of %d", d.width, d.height, ErrTooLarge, d.maxPixels)
	}
	d.comps = make([]component, nf)
	for i := range d.comps {
		c := &d.comps[i]
		c.id, c.tq = seg[6+3*i], seg[8+3*i]
		for _, o := range d.comps[:i] {
			if o.id == c.id {
				return errAt(at, "component %d named twice", c.id)
			}
		}
		if c.tq > 3 {
			return errAt(at, "component %d: quantization table %d", c.id, c.tq)
		}
		c.h, c.v = int(seg[7+3*i]>>4), int(seg[7+3*i]&15)
		if c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 {
			return errAt(at, "component %d: sampling factors %d×%d", c.id, c.h, c.v)
		}
		if nf == 1 {
			// One component is non-interleaved: an MCU is one block,
			// whatever the sampling factors say (T.81 A.2).
			c.h, c.v = 1, 1
		}
		d.hmax, d.vmax = max(d.hmax, c.h), max(d.vmax, c.v)
	}
	if d.comps[0].h != d.hmax || d.comps[0].v != d.vmax {
		return errAt(at, "luma sampled %d×%d, less than a chroma component (%d×%d): %w",
			d.comps[0].h, d.comps[0].v, d.hmax, d.vmax, ErrUnsupported)
	}
	d.sof = at
	d.baseline = marker == markSOF0
	return nil
}

// defineQuant reads quantization tables (T.81 B.2.4.1).
func (d *decoder) defineQuant(at int, seg []byte) error {
	for len(seg) > 0 {
		pq, tq := seg[0]>>4, seg[0]&15
		if tq > 3 {
			return errAt(at, "DQT: table %d", tq)
		}
		if pq > 1 {
			return errAt(at, "DQT: precision %d", pq)
		}
		size := 64 << pq
		if len(seg) < 1+size {
			return errAt(at, "DQT segment is short")
		}
		q := &d.quant[tq]
		for k := range 64 {
			v := int32(seg[1+k])
			if pq == 1 {
				v = int32(seg[1+2*k])<<8 | int32(seg[2+2*k])
			}
			q[zigzag[k]] = v
		}
		d.quantSet[tq] = true
		seg = seg[1+size:]
	}
	return nil
}

// defineHuffman reads Huffman tables (T.81 B.2.4.2).
func (d *decoder) defineHuffman(at int, seg []byte) error {
	for len(seg) > 0 {
		if len(seg) < 17 {
			return errAt(at, "DHT segment is short")
		}
		tc, th := seg[0]>>4, seg[0]&15
		if tc > 1 {
			return errAt(at, "DHT: table class %d", tc)
		}
		if th > 3 || d.baseline && th > 1 {
			return errAt(at, "DHT: table %d", th)
		}
		var counts [17]int
		total := 0
		for l := 1; l <= 16; l++ {
			counts[l] = int(seg[l])
			total += counts[l]
		}
		if total == 0 {
			return errAt(at, "DHT: table of no codes")
		}
		if total > 256 {
			return errAt(at, "DHT: table of %d codes", total)
		}
		if len(seg) < 17+total {
			return errAt(at, "DHT segment is short")
		}
		t, err := newHuffTable(&counts, seg[17:17+total], tc == 0)
		if err != nil {
			return errAt(at, "DHT: %v", err)
		}
		d.huff[tc][th] = t
		seg = seg[17+total:]
	}
	return nil
}
