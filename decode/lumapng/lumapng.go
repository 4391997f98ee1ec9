// Package lumapng decodes a PNG straight into an *image.Gray: the
// luminance the barcode readers look at, with exactly the pixels that
// decode.GrayOf gives for the image image/png decodes (transparent pixels
// count as white paper).
//
// It is faster than image/png followed by a conversion because nothing
// is held whole but the gray image: the zlib stream inflates from the
// file's bytes into a 32 KiB sliding window, and each row is unfiltered
// and converted to gray as soon as it is complete, keeping only the row
// before it. On an image of 192 KiB of rows or more, and more than one
// core, the rows are unfiltered and converted on a second goroutine while
// the stream goes on inflating.
//
// Interlaced images give an error wrapping ErrUnsupported (image/png
// decodes them). Every other failure is an *Error naming the byte offset
// where the stream went wrong.
package lumapng

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"runtime"
)

// ErrUnsupported is wrapped by the errors for files that may be valid PNGs
// but that this package does not decode; image/png may.
var ErrUnsupported = errors.New("unsupported")

// ErrTooLarge is wrapped by the error for an image of more pixels than
// Decode's maxPixels allows. It is found from the header, before any pixel
// is allocated.
var ErrTooLarge = errors.New("over the pixel limit")

// Error is a failure to decode a file, at a byte offset in the data.
type Error struct {
	Offset int   // byte offset of the chunk or compressed byte at fault
	Err    error // what is wrong; wraps ErrUnsupported or ErrTooLarge where that is why
}

func (e *Error) Error() string { return fmt.Sprintf("lumapng: byte %d: %v", e.Offset, e.Err) }

func (e *Error) Unwrap() error { return e.Err }

func errAt(off int, format string, args ...any) error {
	return &Error{Offset: off, Err: fmt.Errorf(format, args...)}
}

const signature = "\x89PNG\r\n\x1a\n"

// Colour types (PNG spec section 11.2.2).
const (
	ctGray      = 0
	ctRGB       = 2
	ctPalette   = 3
	ctGrayAlpha = 4
	ctRGBA      = 6
)

// Chunk order, as image/png enforces it: IHDR, then PLTE, then tRNS, then
// the IDAT chunks in a row, then IEND; other chunks anywhere.
const (
	stageStart = iota
	stageIHDR
	stagePLTE
	stageTRNS
	stageIDAT
	stageIEND
)

type decoder struct {
	data      []byte
	maxPixels int64

	width, height int
	depth         int
	colorType     int
	stage         int

	palette []byte // PLTE entries, 3 bytes each
	trns    []byte // tRNS chunk data, nil if none
	img     *image.Gray
}

// Decode decodes a PNG into a gray image of its size. An image of more
// than maxPixels pixels is refused before anything is allocated.
//
// Decode handles every colour type and bit depth of a non-interlaced PNG,
// with tRNS transparency. Like image/png, it checks the chunk order, every
// chunk's CRC up to IEND, and the zlib stream's Adler-32, and wants
// exactly the pixel data the header calls for. Where image/png's
// acceptance depends on how it buffers (a zlib stream that ends before
// the end of its IDAT chunk), Decode refuses.
func Decode(data []byte, maxPixels int64) (*image.Gray, error) {
	d := &decoder{data: data, maxPixels: maxPixels}
	if err := d.decode(); err != nil {
		return nil, err
	}
	return d.img, nil
}

// chunk is one chunk's place in the data.
type chunk struct {
	at   int    // offset of its length field
	typ  string // its type
	body []byte
}

// readChunk reads the chunk at pos and checks its CRC.
func (d *decoder) readChunk(pos int) (chunk, error) {
	data := d.data
	if pos+8 > len(data) {
		return chunk{}, errAt(pos, "file ends in a chunk header (no IEND chunk)")
	}
	n := binary.BigEndian.Uint32(data[pos:])
	typ := string(data[pos+4 : pos+8])
	if n > 0x7fffffff {
		return chunk{}, errAt(pos, "%q chunk length %d is over 2^31-1", typ, n)
	}
	end := pos + 8 + int(n)
	if end+4 > len(data) {
		return chunk{}, errAt(pos, "%q chunk of %d bytes runs past the end of the file", typ, n)
	}
	if crc32.ChecksumIEEE(data[pos+4:end]) != binary.BigEndian.Uint32(data[end:]) {
		return chunk{}, errAt(end, "%q chunk's CRC is wrong", typ)
	}
	return chunk{at: pos, typ: typ, body: data[pos+8 : end]}, nil
}

func (d *decoder) decode() error {
	data := d.data
	if len(data) < len(signature) || string(data[:len(signature)]) != signature {
		return errAt(0, "not a PNG file (no signature)")
	}
	pos := len(signature)
	for d.stage != stageIEND {
		c, err := d.readChunk(pos)
		if err != nil {
			return err
		}
		next := c.at + 12 + len(c.body)
		switch c.typ {
		case "IHDR":
			err = d.header(c)
		case "PLTE":
			err = d.plte(c)
		case "tRNS":
			err = d.transparency(c)
		case "IDAT":
			if d.stage == stageIDAT {
				// image/png ignores IDAT chunks after the zlib stream's
				// end; so does this.
				break
			}
			if d.stage < stageIHDR || d.stage > stageIDAT || d.stage == stageIHDR && d.colorType == ctPalette {
				return errAt(c.at, "IDAT chunk out of order")
			}
			d.stage = stageIDAT
			next, err = d.pixels(c)
		case "IEND":
			if d.stage != stageIDAT {
				return errAt(c.at, "IEND chunk out of order")
			}
			if len(c.body) != 0 {
				return errAt(c.at, "IEND chunk of %d bytes, want 0", len(c.body))
			}
			d.stage = stageIEND
		}
		if err != nil {
			return err
		}
		pos = next
	}
	return nil
}

func (d *decoder) header(c chunk) error {
	if d.stage != stageStart {
		return errAt(c.at, "IHDR chunk out of order")
	}
	d.stage = stageIHDR
	b := c.body
	if len(b) != 13 {
		return errAt(c.at, "IHDR chunk of %d bytes, want 13", len(b))
	}
	w, h := int32(binary.BigEndian.Uint32(b)), int32(binary.BigEndian.Uint32(b[4:]))
	if w <= 0 || h <= 0 {
		return errAt(c.at+8, "image size %d×%d is not positive", w, h)
	}
	d.width, d.height = int(w), int(h)
	d.depth, d.colorType = int(b[8]), int(b[9])
	ok := false
	switch d.colorType {
	case ctGray:
		ok = d.depth == 1 || d.depth == 2 || d.depth == 4 || d.depth == 8 || d.depth == 16
	case ctPalette:
		ok = d.depth == 1 || d.depth == 2 || d.depth == 4 || d.depth == 8
	case ctRGB, ctGrayAlpha, ctRGBA:
		ok = d.depth == 8 || d.depth == 16
	}
	if !ok {
		return errAt(c.at+16, "bit depth %d with colour type %d", d.depth, d.colorType)
	}
	if b[10] != 0 {
		return errAt(c.at+18, "compression method %d", b[10])
	}
	if b[11] != 0 {
		return errAt(c.at+19, "filter method %d", b[11])
	}
	switch b[12] {
	case 0:
	case 1:
		return errAt(c.at+20, "interlaced image: %w", ErrUnsupported)
	default:
		return errAt(c.at+20, "interlace method %d", b[12])
	}
	if px := int64(w) * int64(h); px > d.maxPixels {
		return errAt(c.at+8, "image of %d×%d pixels: %w of %d", w, h, ErrTooLarge, d.maxPixels)
	}
	return nil
}

func (d *decoder) plte(c chunk) error {
	if d.stage != stageIHDR {
		return errAt(c.at, "PLTE chunk out of order")
	}
	d.stage = stagePLTE
	np := len(c.body) / 3
	if len(c.body)%3 != 0 || np == 0 || np > 256 || np > 1<<d.depth {
		return errAt(c.at, "PLTE chunk of %d bytes", len(c.body))
	}
	switch d.colorType {
	case ctPalette:
		d.palette = c.body
	case ctRGB, ctRGBA:
		// A suggested palette for true colour: ignored, as image/png does.
	default:
		return errAt(c.at, "PLTE chunk in an image of colour type %d", d.colorType)
	}
	return nil
}

func (d *decoder) transparency(c chunk) error {
	switch d.colorType {
	case ctPalette:
		if d.stage != stagePLTE {
			return errAt(c.at, "tRNS chunk out of order")
		}
	case ctRGB:
		if d.stage != stageIHDR && d.stage != stagePLTE {
			return errAt(c.at, "tRNS chunk out of order")
		}
	default:
		if d.stage != stageIHDR {
			return errAt(c.at, "tRNS chunk out of order")
		}
	}
	d.stage = stageTRNS
	n := len(c.body)
	switch {
	case d.colorType == ctGray && n != 2, d.colorType == ctRGB && n != 6, d.colorType == ctPalette && n > 256:
		return errAt(c.at, "tRNS chunk of %d bytes for colour type %d", n, d.colorType)
	case d.colorType == ctGrayAlpha || d.colorType == ctRGBA:
		return errAt(c.at, "tRNS chunk in an image of colour type %d, which has alpha", d.colorType)
	}
	d.trns = c.body
	return nil
}

// pixels decodes the zlib stream of the IDAT chunks starting with first,
// and returns the offset of the chunk after the one where the stream ends.
func (d *decoder) pixels(first chunk) (int, error) {
	// The zlib stream runs on through consecutive IDAT chunks. Gather
	// them; copy their data into one slice only when there are several.
	segs := []chunk{first}
	size := len(first.body)
	pos := first.at + 12 + len(first.body)
	for pos+8 <= len(d.data) && string(d.data[pos+4:pos+8]) == "IDAT" {
		c, err := d.readChunk(pos)
		if err != nil {
			return 0, err
		}
		segs = append(segs, c)
		size += len(c.body)
		pos = c.at + 12 + len(c.body)
	}
	stream := first.body
	if len(segs) > 1 {
		stream = make([]byte, 0, size)
		for _, c := range segs {
			stream = append(stream, c.body...)
		}
	}
	end, err := d.inflateRows(stream)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Offset = fileOffset(segs, e.Offset)
		}
		return 0, err
	}
	// Find the chunk the stream ends in: it must end with it.
	for _, c := range segs {
		if end < len(c.body) {
			return 0, errAt(c.at+8+end, "%d bytes after the zlib stream in an IDAT chunk", len(c.body)-end)
		}
		end -= len(c.body)
		if end == 0 {
			return c.at + 12 + len(c.body), nil
		}
	}
	return pos, nil
}

// fileOffset maps an offset in the joined data of segs to one in the file.
func fileOffset(segs []chunk, off int) int {
	for _, c := range segs {
		if off < len(c.body) {
			return c.at + 8 + off
		}
		off -= len(c.body)
	}
	last := segs[len(segs)-1]
	return last.at + 8 + len(last.body) + off
}

// inflateRows inflates the zlib stream, unfilters and converts each row as
// it completes, and returns the offset in stream where the zlib stream
// ends.
func (d *decoder) inflateRows(stream []byte) (int, error) {
	conv, bpp, rowBytes := d.converter()
	rowLen := 1 + rowBytes
	// DEFLATE expands at most 1032-fold (a 258-byte match in two one-bit
	// codes): a stream too short for the rows is refused before the
	// rows and the image are allocated, so that a small file claiming a
	// large image costs nothing.
	if need := int64(d.height) * int64(rowLen); need > 1032*int64(len(stream))+1024 {
		return 0, errAt(0, "zlib stream of %d bytes cannot hold the %d bytes of %d rows", len(stream), need, d.height)
	}
	// The window holds the 32 KiB back-references reach, a row being
	// completed, and room to decode a stretch between slides, each of
	// which moves the window's 32 KiB back to the start. The stretch is an
	// eighth of the image's rows, within 16 and 256 KiB: a slide per
	// eighth costs little, and every page of the buffer is one the process
	// touches for the first time (about 10 µs each on some virtual
	// machines: a 240×240 RGB image's rows whole were 43 of the 250 pages
	// its decode touched), while on a large image a longer stretch saves more
	// copying than its pages cost. A small image gets no more than its
	// rows need.
	need := int64(d.height) * int64(rowLen)
	piped := need >= pipeMin && runtime.GOMAXPROCS(0) > 1
	stretch := min(max(need/8, 16<<10), 256<<10)
	if piped {
		// The rows' goroutine must finish every row before a slide: a
		// longer stretch leaves it fewer waits.
		stretch = min(need/2, pipeStretch)
	}
	bufLen := windowSize + 2*rowLen + int(stretch) + slack
	if need+slack+1 < int64(bufLen) {
		bufLen = int(need) + slack + 1
	}
	f, err := newInflater(stream, bufLen)
	if err != nil {
		return 0, err
	}
	limit := len(f.out) - slack
	w := &rowWork{
		img:  image.NewGray(image.Rect(0, 0, d.width, d.height)),
		conv: conv, bpp: bpp,
		prev: make([]byte, rowBytes), cur: make([]byte, rowBytes),
		sum: 1,
	}
	if piped {
		err = d.inflatePiped(f, w, rowLen, limit)
	} else {
		err = d.inflateAll(f, rowLen, limit, limit, func(at, first, n, off int) error {
			for i := range n {
				if err := w.row(first+i, f.out[at+i*rowLen:at+(i+1)*rowLen], off); err != nil {
					return err
				}
			}
			return nil
		}, func() {})
	}
	if err != nil {
		return 0, err
	}
	if got, want := w.sum, f.adler(); got != want {
		return 0, errAt(f.end-4, "zlib Adler-32 is %08x, the data's is %08x", want, got)
	}
	d.img = w.img
	return f.end, nil
}

// rowWork is what is done with each complete row: its bytes added to the
// Adler-32 checksum, its filter reversed, its pixels converted to gray.
type rowWork struct {
	img       *image.Gray
	conv      func(dst, src []byte)
	bpp       int
	prev, cur []byte // the previous row and this one, unfiltered
	sum       uint32
}

// row does the work on row y (its filter byte first); off is the stream
// offset an error names.
func (w *rowWork) row(y int, row []byte, off int) error {
	w.sum = adler32(w.sum, row)
	if !unfilter(row[0], row[1:], w.prev, w.cur, w.bpp) {
		return errAt(off, "row %d has filter type %d", y, row[0])
	}
	w.conv(w.img.Pix[y*w.img.Stride:y*w.img.Stride+w.img.Rect.Dx()], w.cur)
	w.prev, w.cur = w.cur, w.prev
	return nil
}

// inflateAll inflates the image's rows, chunk bytes at most between
// handing over the rows completed: hand gets n rows from the first at
// offset at of the inflater's buffer, and off, the stream offset once
// they were complete. The buffer slides (overwriting rows handed over)
// only once settle has returned. It then checks that the zlib stream ends
// with the rows, as image/png requires.
func (d *decoder) inflateAll(f *inflater, rowLen, limit, chunk int, hand func(at, first, n, off int) error, settle func()) error {
	start := 0 // offset in the buffer of the next row
	for y := 0; y < d.height; {
		if f.n-start < rowLen {
			if f.done() {
				return errAt(f.end, "zlib stream ends after %d of %d rows", y, d.height)
			}
			if f.n > limit-rowLen {
				settle()
				start -= f.slide(start)
			}
			if err := f.fill(min(limit, f.n+chunk)); err != nil {
				return err
			}
			continue
		}
		k := min((f.n-start)/rowLen, d.height-y)
		if err := hand(start, y, k, f.offset()); err != nil {
			return err
		}
		start += k * rowLen
		y += k
	}
	for !f.done() {
		if f.n > start {
			return errAt(f.offset(), "zlib stream holds more than the %d rows", d.height)
		}
		settle()
		start -= f.slide(start)
		if err := f.fill(min(limit, start+1)); err != nil {
			return err
		}
	}
	if f.n > start {
		return errAt(f.offset(), "zlib stream holds more than the %d rows", d.height)
	}
	return nil
}

// pipeMin is the size of the filtered rows (bytes) from which the rows are
// checksummed, unfiltered and converted on a goroutine of their own while
// the stream goes on inflating; pipeChunk is how much the inflater decodes
// between handing the rows it completed over, and pipeStretch the most it
// decodes between slides of its buffer (half the rows at most: the row
// goroutine must have finished every row before a slide, and each wait
// for it is time the inflater stands idle). Inflating is about 60% of a
// photo's decode, the rest had waited for it on the same core:
// `go test -bench Decode`, two runs on a 2-core VM, the second busier: a
// 1920×1080 RGB photo 28.1 → 18.8 and 33 → 25 ms, a 1200×800 gray label
// 4.30 → 3.51 and 5.2 → 4.1 ms, a 480×270 RGB photo 1.62 → 1.40 ms and
// the same 1.9 ms (a small image's rows are soon done on one core).
const (
	pipeMin     = 192 << 10
	pipeChunk   = 32 << 10
	pipeStretch = 1 << 20
)

// rowRun is a run of complete rows in the inflater's buffer, handed over
// to inflatePiped's row goroutine.
type rowRun struct {
	at       int // offset in the buffer of the first row
	first, n int // the first row's number, and how many
	off      int // the stream offset once they were complete (for errors)
}

// inflatePiped is inflateAll with the rows' work (w) on a second
// goroutine. The inflater hands over each run of rows it completes and
// goes on; it slides its buffer only once the row goroutine has finished
// every row handed over. Errors come out as on one goroutine, the first
// in the stream's order: a bad row before the stream's end, which the
// inflater finds only later.
func (d *decoder) inflatePiped(f *inflater, w *rowWork, rowLen, limit int) error {
	out := f.out // never reallocated
	// Between two slides the inflater fills at most limit bytes in steps
	// of pipeChunk, each handing over one run: the channels never fill.
	runs := make(chan rowRun, limit/pipeChunk+8)
	acks := make(chan int, limit/pipeChunk+8) // rows finished
	var rowErr error
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for r := range runs {
			for i := 0; i < r.n && rowErr == nil; i++ {
				rowErr = w.row(r.first+i, out[r.at+i*rowLen:r.at+(i+1)*rowLen], r.off)
			}
			acks <- r.first + r.n
		}
	}()
	handed, done := 0, 0 // rows handed over, rows finished
	err := d.inflateAll(f, rowLen, limit, pipeChunk, func(at, first, n, off int) error {
		runs <- rowRun{at: at, first: first, n: n, off: off}
		handed = first + n
		return nil
	}, func() {
		for done < handed {
			done = <-acks
		}
	})
	close(runs)
	<-finished
	if rowErr != nil {
		return rowErr
	}
	return err
}

// unfilter reverses the row's filter (PNG spec section 9) into cur, given
// the previous row's unfiltered bytes. bpp is the bytes per complete pixel,
// at least one.
func unfilter(ft byte, row, prev, cur []byte, bpp int) bool {
	n := len(cur)
	row, prev = row[:n], prev[:n]
	switch ft {
	case 0:
		copy(cur, row)
	case 1:
		if bpp == 1 {
			// Gray and palette rows: the left byte stays in a register.
			var a byte
			for i, v := range row {
				a += v
				cur[i] = a
			}
			return true
		}
		copy(cur[:bpp], row)
		for i := bpp; i < n; i++ {
			cur[i] = row[i] + cur[i-bpp]
		}
	case 2:
		for i := range cur {
			cur[i] = row[i] + prev[i]
		}
	case 3:
		if bpp == 1 {
			var a byte
			for i, v := range row {
				a = v + uint8((uint(a)+uint(prev[i]))/2)
				cur[i] = a
			}
			return true
		}
		for i := 0; i < bpp && i < n; i++ {
			cur[i] = row[i] + prev[i]/2
		}
		for i := bpp; i < n; i++ {
			cur[i] = row[i] + uint8((int(cur[i-bpp])+int(prev[i]))/2)
		}
	case 4:
		paeth(row, prev, cur, bpp)
	default:
		return false
	}
	return true
}

// paeth reverses the Paeth filter. Left of the first pixel, the bytes
// count as zero (so the predictor there is the byte above).
func paeth(row, prev, cur []byte, bpp int) {
	switch bpp {
	case 3:
		paeth3(row, prev, cur)
		return
	case 4:
		paeth4(row, prev, cur)
		return
	case 1:
		var a, c int32
		for i, v := range row {
			b := int32(prev[i])
			a = int32(v + uint8(paethPredictor(a, b, c)))
			cur[i] = uint8(a)
			c = b
		}
		return
	}
	n := len(cur)
	for i := 0; i < bpp && i < n; i++ {
		cur[i] = row[i] + prev[i]
	}
	for i := bpp; i < n; i++ {
		cur[i] = row[i] + uint8(paethPredictor(int32(cur[i-bpp]), int32(prev[i]), int32(prev[i-bpp])))
	}
}

// paeth3 is paeth for 3-byte pixels (RGB), with the left and upper-left
// pixels in registers: each channel's chain of dependencies is the one
// computation, and the three run side by side.
func paeth3(row, prev, cur []byte) {
	var a0, a1, a2, c0, c1, c2 int32
	for i := 0; i+2 < len(cur) && i+2 < len(row) && i+2 < len(prev); i += 3 {
		b0, b1, b2 := int32(prev[i]), int32(prev[i+1]), int32(prev[i+2])
		a0 = int32(row[i] + uint8(paethPredictor(a0, b0, c0)))
		a1 = int32(row[i+1] + uint8(paethPredictor(a1, b1, c1)))
		a2 = int32(row[i+2] + uint8(paethPredictor(a2, b2, c2)))
		cur[i], cur[i+1], cur[i+2] = uint8(a0), uint8(a1), uint8(a2)
		c0, c1, c2 = b0, b1, b2
	}
}

// paeth4 is paeth3 for 4-byte pixels (RGBA).
func paeth4(row, prev, cur []byte) {
	var a0, a1, a2, a3, c0, c1, c2, c3 int32
	for i := 0; i+3 < len(cur) && i+3 < len(row) && i+3 < len(prev); i += 4 {
		b0, b1, b2, b3 := int32(prev[i]), int32(prev[i+1]), int32(prev[i+2]), int32(prev[i+3])
		a0 = int32(row[i] + uint8(paethPredictor(a0, b0, c0)))
		a1 = int32(row[i+1] + uint8(paethPredictor(a1, b1, c1)))
		a2 = int32(row[i+2] + uint8(paethPredictor(a2, b2, c2)))
		a3 = int32(row[i+3] + uint8(paethPredictor(a3, b3, c3)))
		cur[i], cur[i+1], cur[i+2], cur[i+3] = uint8(a0), uint8(a1), uint8(a2), uint8(a3)
		c0, c1, c2, c3 = b0, b1, b2, b3
	}
}

// paethPredictor picks whichever of the left (a), upper (b) and
// upper-left (c) bytes is nearest a+b-c, preferring a, then b (PNG spec
// section 9.4). It compares with a threshold rather than working out
// three distances (the form stb_image uses; TestPaethPredictor holds it
// to the spec's for all 2^24 inputs): with t = 3c-a-b, the predictor is
// the larger of a and b when t is at most the smaller, else the smaller
// when t is at least the larger, else c. Fewer steps wait on a, the byte
// just decoded, and the choices compile to conditional moves: noisy rows
// would make branches unpredictable.
func paethPredictor(a, b, c int32) int32 {
	thresh := 3*c - a - b
	lo, hi := min(a, b), max(a, b)
	pred := c
	if hi <= thresh {
		pred = lo
	}
	if thresh <= lo {
		pred = hi
	}
	return pred
}
