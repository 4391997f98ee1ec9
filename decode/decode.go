// Package decode finds and reads every barcode in an image. It is the only
// importer of gozxing's readers: images or 8-bit gray bytes go in, barcodes
// with their text, symbology, AIM identifier and position come out.
//
// Beyond gozxing's readers it adds what a box label needs: several codes
// in one image, 1D codes read on scan lines in both directions and at a
// quarter turn, Code 128 and EAN/UPC found and read at any angle and
// through blur (linear.go), 2D codes retried inverted and at half scale, and
// false-positive control: a 1D code counts only when several scan lines
// agree, and a code that lies inside a longer one of the same family is a
// fragment, not a code.
package decode

import (
	"fmt"
	"image"
	"math"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/aztec"
	"github.com/makiuchi-d/gozxing/datamatrix"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/oned/rss"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/serialgate/serialgate"
)

// Is1D tells whether s is a linear symbology.
func Is1D(s serialgate.Symbology) bool {
	switch s {
	case serialgate.Aztec, serialgate.DataMatrix, serialgate.MicroPDF417, serialgate.MicroQR, serialgate.PDF417, serialgate.QRCode:
		return false
	}
	return true
}

// ParseFormats reads a comma-separated list of symbology names.
func ParseFormats(list string) ([]serialgate.Symbology, error) {
	var out []serialgate.Symbology
	for _, f := range strings.Split(list, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		s, err := serialgate.ParseSymbology(f)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Point is a position in the image, in pixels.
type Point struct{ X, Y float64 }

// Barcode is one code found in an image.
type Barcode struct {
	// Barcode is what the symbol says: its text, bytes, symbology, AIM
	// identifier and place in a structured-append series, the one type the
	// verdict takes.
	serialgate.Barcode
	Corners   []Point // the code's outline (for 1D codes, the ends of a scan line)
	Angle     int     // degrees the code is turned, counterclockwise: 0, 90, 180 or 270
	ScanLines int     // for 1D codes, how many scan lines read it

	unread   bool   // decoded, but its text cannot be trusted: left out
	addOn    string // an EAN/UPC add-on read on this scan line
	oriented bool   // Corners are the rectangle of the scan lines across the bars that read it
}

// Sequence places a symbol in a structured-append series.
type Sequence = serialgate.Sequence

// Options tune a Decoder. The zero value reads every symbology.
type Options struct {
	// Formats limits the symbologies looked for; empty means every symbology
	// serialgate reads (serialgate.Symbologies).
	Formats []serialgate.Symbology
	// MinLines is how many scan lines must agree on a 1D code; zero means
	// 2, and 3 for codes without a check digit (serialgate.Codabar, serialgate.ITF, Code 39).
	MinLines int
	// Fast skips the retries (rotations, inversion, rescaling), for camera
	// frames where the next frame is another try. It looks for Micro QR
	// and MicroPDF417 only when Formats names them: Micro QR's finder
	// search doubles a 1080p frame's time, MicroPDF417's row search adds
	// to the PDF417 search, and box labels rarely carry either.
	Fast bool
}

// Decoder reads barcodes. It is safe for concurrent use.
type Decoder struct {
	opts Options
	want map[serialgate.Symbology]bool
	flat int // the local binarizer's flat range, when not the mode's
}

// New returns a decoder for opts.
func New(opts Options) *Decoder {
	d := &Decoder{opts: opts, want: map[serialgate.Symbology]bool{}}
	fs := opts.Formats
	if len(fs) == 0 {
		fs = serialgate.Symbologies
	}
	for _, f := range fs {
		d.want[f] = true
	}
	return d
}

// Image finds every barcode in img.
func (d *Decoder) Image(img image.Image) ([]Barcode, error) {
	return d.Gray(GrayOf(img))
}

// Gray finds every barcode in g. A panic inside one of gozxing's readers
// counts as a failed read of that reader (see ReaderPanic); a panic in this
// package's own code is not caught.
func (d *Decoder) Gray(g Gray) ([]Barcode, error) {
	if !g.valid() {
		return nil, fmt.Errorf("decode: bad gray image %dx%d stride %d with %d bytes", g.Width, g.Height, g.Stride, len(g.Pix))
	}
	// The 1D row scan, the reading of 1D codes at any angle (linear.go)
	// and the 2D and stacked readers run side by side on a machine with
	// more than one core. Each waits for what another settles, never in a
	// cycle: the any-angle reader for the row reader's codes (it does not
	// read again a region they cover) and for the 2D and stacked codes
	// (no slow passes inside them); the PDF417 reader for the any-angle
	// reader's regions (where turned MicroPDF417 is looked for), given as
	// soon as they are found, and for the codes of the row reader's first
	// set of lines (no MicroPDF417 is looked for on their bars), read
	// before it waits for anything; the row reader for the regions before
	// it reads the rows turned a quarter (only where a region stands on
	// end); the rune reader, Micro QR and the Data Matrix finder by shape
	// for the PDF417 symbols, and the finder by shape for the row reader's
	// codes. The second
	// round, with the local-threshold rows for 1D codes and the rescue
	// variants for 2D codes, is for images where the first round read
	// nothing; its row reader goes by the first round's regions.
	if flat(g) {
		return nil, nil // no edge to read: a blank page or a lens cap
	}
	vs := matrixVariants(g)
	var lin, mat, ori []Barcode
	// The oriented reader's regions, found in the first round: turned
	// bars, where the PDF417 reader looks for turned MicroPDF417 symbols
	// and the row reader for codes on end. searched is false where the
	// oriented reader did not look for them.
	var regs []region
	searched := false
	round := func(local bool, vs []variant) {
		linDone := make(chan struct{})
		rows := func() []Barcode { <-linDone; return lin }
		regDone := make(chan struct{})
		var regOnce sync.Once
		found := func(rs []region, ok bool) {
			regOnce.Do(func() { regs, searched = rs, ok; close(regDone) })
		}
		regions := func() []region { <-regDone; return regs }
		// The codes the row reader's first set of lines read, before it
		// waits for anything: the PDF417 reader looks for no MicroPDF417
		// symbol inside them.
		var early []Barcode
		earlyDone := make(chan struct{})
		var earlyOnce sync.Once
		setEarly := func(bs []Barcode) { earlyOnce.Do(func() { early = bs; close(earlyDone) }) }
		rowsEarly := func() []Barcode { <-earlyDone; return early }
		// Whether the rows turned a quarter are worth reading: not where
		// the regions show no code standing on end. The second round
		// goes by the first's.
		turned := func() bool {
			if !local {
				<-regDone
			}
			return !searched || standing(g, regs)
		}
		// The 2D and stacked codes: the oriented reader's slow passes
		// skip the regions inside them (a PDF417 symbol's rows are bars).
		matDone := make(chan struct{})
		twoD := func() []Barcode { <-matDone; return mat }
		// The PDF417 and MicroPDF417 symbols, read before the 2D codes:
		// the oriented reader reads no region inside one.
		var stacked []Barcode
		stackedDone := make(chan struct{})
		var stackedOnce sync.Once
		stackedRead := func() { stackedOnce.Do(func() { close(stackedDone) }) }
		stackedCodes := func() []Barcode { <-stackedDone; return stacked }
		// The areas of the 2D and stacked codes read on the plain image,
		// known before the Micro QR and shape readers run: the row reader
		// reads its second set of lines with them blank (a symbol's
		// modules are bars to it).
		var areas []image.Rectangle
		areasDone := make(chan struct{})
		var areasOnce sync.Once
		setAreas := func(bs []Barcode) {
			areasOnce.Do(func() {
				for _, b := range bs {
					if !Is1D(b.Symbology) && len(b.Corners) > 0 {
						areas = append(areas, bounds(b.Corners))
					}
				}
				close(areasDone)
			})
		}
		var blank func() []image.Rectangle
		if !local && !d.opts.Fast {
			blank = func() []image.Rectangle { <-areasDone; return areas }
		}
		inParallel(4, func(i int) {
			switch {
			case i == 0:
				defer close(linDone) // a panic too: the oriented reader waits
				defer setEarly(nil)  // a panic too: the PDF417 reader waits
				lin = d.linear(g, local, turned, blank, setEarly)
			case i == 1 && !local:
				defer found(nil, false) // a panic too: the PDF417 reader waits
				ori = d.oriented(g, rows, stackedCodes, twoD, found)
			case i == 2:
				defer stackedRead() // a panic too: the 2D readers wait
				if !local {
					stacked = d.pdf417(g, regions, rowsEarly)
				}
			case i == 3:
				defer close(matDone) // a panic too: the oriented reader waits
				defer setAreas(nil)  // a panic too: the row reader waits
				if local {
					mat = d.matrix(g, vs)
					break
				}
				// The QR, Data Matrix and Aztec readers run beside the
				// PDF417 reader; what comes after them waits for its
				// symbols: a symbol's start and stop bars make dark shapes
				// that the Data Matrix finder by shape need not try, and
				// finder-like patterns that Micro QR passes over.
				vs := slices.Clone(vs)
				vs[0].read = func() []Barcode { return slices.Concat(stackedCodes(), rows()) }
				vs[0].stacked = stackedCodes
				vs[0].twoDRead = func(bs []Barcode) { setAreas(slices.Concat(stackedCodes(), bs)) }
				mat = d.matrix(g, vs)
				mat = append(mat, stackedCodes()...)
			}
		})
	}
	round(false, vs[:1])
	if len(lin) == 0 && len(mat) == 0 && len(ori) == 0 && !d.opts.Fast {
		round(true, vs[1:])
	}
	return d.finish(slices.Concat(lin, ori, mat)), nil
}

// flatContrast is the least difference between an image's darkest and
// lightest pixels that could hold a code: less than one edge of the
// any-angle reader (minSlope) and a third of the binarizers' least range.
const flatContrast = 8

// flat tells whether g is too even to hold a code. It stops reading at the
// first pixels that differ enough, on any real photo within a few rows.
func flat(g Gray) bool {
	if g.Width == 0 || g.Height == 0 {
		return true
	}
	lo, hi := g.Pix[0], g.Pix[0]
	for y := range g.Height {
		for _, v := range g.row(y) {
			lo, hi = min(lo, v), max(hi, v)
		}
		if int(hi)-int(lo) >= flatContrast {
			return false
		}
	}
	return true
}

// inParallel runs f(0) … f(n-1) at the same time, the last on the calling
// goroutine. A panic in any of them is raised again here once all have
// returned, so that it reaches the caller (and a test) instead of killing
// the process from a goroutine nobody can recover.
func inParallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	var panicked atomic.Pointer[workerPanic]
	for i := range n {
		run := func() {
			defer func() {
				if r := recover(); r != nil {
					p, ok := r.(*workerPanic) // from a nested inParallel
					if !ok {
						p = &workerPanic{value: r, stack: debug.Stack()}
					}
					panicked.CompareAndSwap(nil, p)
				}
			}()
			f(i)
		}
		if i == n-1 {
			run()
			continue
		}
		wg.Go(run)
	}
	wg.Wait()
	if p := panicked.Load(); p != nil {
		panic(p)
	}
}

// workerPanic is a panic of one of inParallel's workers raised again in the
// caller; it keeps the worker's stack, which points at the bug, where the
// caller's own stack would not.
type workerPanic struct {
	value any
	stack []byte
}

func (p *workerPanic) String() string {
	return fmt.Sprintf("%v\n\npanicked in a worker:\n%s", p.value, p.stack)
}

// flatRange is the local binarizer's flat range for this decoder: the fast
// mode's wider one (fastDynRange) on camera frames.
func (d *Decoder) flatRange() int {
	if d.flat != 0 {
		return d.flat
	}
	if d.opts.Fast {
		return fastDynRange
	}
	return minDynRange
}

func (d *Decoder) any1D() bool {
	for f := range d.want {
		if Is1D(f) {
			return true
		}
	}
	return false
}

// finish removes duplicates and fragments and orders the codes top to
// bottom, left to right.
func (d *Decoder) finish(found []Barcode) []Barcode {
	// Fragments first, then duplicates among the rest: a code read by two
	// readers, one of which took it for a fragment, stays.
	var whole []Barcode
	for i, b := range found {
		if !d.want[b.Symbology] || b.unread {
			continue
		}
		frag := false
		for j, o := range found {
			if i != j && d.want[o.Symbology] && !o.unread && Is1D(b.Symbology) && (fragmentOf(b, o) || misreadOf(b, o)) {
				frag = true
			}
		}
		if !frag {
			whole = append(whole, b)
		}
	}
	var out []Barcode
	for i, b := range whole {
		dup := false
		for _, o := range whole[:i] {
			dup = dup || (o.Symbology == b.Symbology && o.Text == b.Text)
		}
		if !dup {
			out = append(out, b)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ci, cj := center(out[i]), center(out[j])
		if math.Abs(ci.Y-cj.Y) > 10 {
			return ci.Y < cj.Y
		}
		return ci.X < cj.X
	})
	return out
}

// fragmentOf tells whether the 1D code b is part of o: a shorter read that
// lies within a longer code, such as an EAN-8 or UPC-E found inside an
// EAN-13, or a 2D code's edge read as a 1D code.
func fragmentOf(b, o Barcode) bool {
	if !Is1D(o.Symbology) {
		return inside(b, o, 0.1)
	}
	if len(b.Text) >= len(o.Text) || (b.Symbology == o.Symbology && b.Text == o.Text) {
		return false
	}
	if b.Symbology == o.Symbology && strings.HasPrefix(o.Text, b.Text+" ") {
		// The same EAN/UPC read with its add-on and without it (the
		// any-angle reader reads none): one code where they overlap.
		return bounds(b.Corners).Overlaps(bounds(o.Corners))
	}
	if b.oriented || o.oriented {
		return insideRect(b, o)
	}
	return inside(b, o, 0.1)
}

// misreadOf tells whether the 1D code b is a misreading of o: a code of
// the same family with another text of the same length, lying within o's
// outline where o's does not lie within b's (or both do, and o was read on
// more lines). One code stands in one place: on a photo of an EAN-13
// turned a quarter, the rows along its bars' blurred ends read another
// valid EAN-13 on 20 rows, inside the outline of the code the any-angle
// reader read across all the bars (zxing-cpp's ean13-1/35.webp).
func misreadOf(b, o Barcode) bool {
	if !Is1D(o.Symbology) || family(b.Symbology) != family(o.Symbology) || b.Text == o.Text || len(b.Text) != len(o.Text) {
		return false
	}
	within := func(b, o Barcode) bool {
		if b.oriented || o.oriented {
			return insideRect(b, o)
		}
		return inside(b, o, 0.1)
	}
	if !within(b, o) {
		return false
	}
	return !within(o, b) || o.ScanLines > b.ScanLines
}

// inside tells whether b's outline lies within o's bounding box, grown by
// frac of its size.
func inside(b, o Barcode, frac float64) bool {
	a := around(o, frac)
	for _, p := range b.Corners {
		if !a.holds(p) {
			return false
		}
	}
	return len(b.Corners) > 0 && len(o.Corners) > 0
}

// area is a box in image coordinates, edges included.
type area struct{ minX, minY, maxX, maxY float64 }

// rectArea is the area of the pixels of r.
func rectArea(r image.Rectangle) area {
	return area{float64(r.Min.X), float64(r.Min.Y), float64(r.Max.X), float64(r.Max.Y)}
}

func (a area) holds(p Point) bool {
	return p.X >= a.minX && p.X <= a.maxX && p.Y >= a.minY && p.Y <= a.maxY
}

// around is the box of o grown by frac of its size and 4 pixels: the area
// inside takes a code's points to be in.
func around(o Barcode, frac float64) area {
	ob := bounds(o.Corners)
	if ob.Empty() && len(o.Corners) > 0 {
		ob = ob.Inset(-1)
	}
	gx, gy := float64(ob.Dx())*frac+4, float64(ob.Dy())*frac+4
	if Is1D(o.Symbology) && ob.Dy() < ob.Dx()/10 {
		// A code read on one scan line, or a few close ones, has a box
		// of almost no height: grow it by a bar height's worth, not by
		// half its width, which would take in the codes printed above
		// and below it on a box label.
		gy = math.Max(gy, float64(ob.Dx())*0.15)
	}
	return area{float64(ob.Min.X) - gx, float64(ob.Min.Y) - gy, float64(ob.Max.X) + gx, float64(ob.Max.Y) + gy}
}

func bounds(ps []Point) image.Rectangle {
	if len(ps) == 0 {
		return image.Rectangle{}
	}
	// Each point is a pixel: a rectangle of no size would be empty, and
	// Union leaves an empty rectangle out.
	r := image.Rect(int(ps[0].X), int(ps[0].Y), int(ps[0].X)+1, int(ps[0].Y)+1)
	for _, p := range ps[1:] {
		r = r.Union(image.Rect(int(p.X), int(p.Y), int(p.X)+1, int(p.Y)+1))
	}
	return r
}

func center(b Barcode) Point {
	var c Point
	for _, p := range b.Corners {
		c.X += p.X / float64(len(b.Corners))
		c.Y += p.Y / float64(len(b.Corners))
	}
	return c
}

func rect(left, top, w, h int) image.Rectangle { return image.Rect(left, top, left+w, top+h) }

// fromResult turns a gozxing result into a Barcode.
func fromResult(r *gozxing.Result) Barcode {
	if ownHook != nil {
		ownHook("fromResult")
	}
	b := Barcode{Barcode: serialgate.Barcode{Text: r.GetText(), Symbology: format(r.GetBarcodeFormat())}}
	md := r.GetResultMetadata()
	if s, ok := md[gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER].(string); ok {
		b.AIM = s
	}
	if o, ok := md[gozxing.ResultMetadataType_ORIENTATION].(int); ok {
		b.Angle = o
	}
	if b.Symbology == serialgate.Code128 {
		// gozxing's Code 128 reader interprets the check character as
		// data when its value means FNC1 (102): a GS the symbol does not
		// carry ends the text. The text is made again from the symbol's
		// values without it.
		if raw := r.GetRawBytes(); len(raw) >= 3 {
			values := make([]int, len(raw)-2) // no check character, no stop
			for i := range values {
				values[i] = int(raw[i])
			}
			text, aim, err := code128Text(values)
			b.Text, b.AIM, b.unread = text, aim, err != nil
		}
	}
	if raw := r.GetRawBytes(); b.Symbology == serialgate.Code128 && len(raw) >= 2 && raw[len(raw)-2] == 102 &&
		strings.HasSuffix(b.Text, "\x1d") {
		// The check symbol happens to be 102, FNC1's value: gozxing's
		// reader writes it into the text as a GS before it knows the
		// symbol is the check, and leaves it there ("ASP2-0000000011"
		// read as "ASP2-0000000011\x1d"). The raw codes end with the
		// check symbol and STOP.
		b.Text = b.Text[:len(b.Text)-1]
	}
	switch b.AIM {
	case "]d2", "]Q3", "]z1", "]C1":
		// FNC1 in first position marks GS1 data; the AIM identifier says
		// so, and the text starts at the first element.
		b.Text = strings.TrimPrefix(b.Text, "\x1d")
	}
	if seq, ok := md[gozxing.ResultMetadataType_STRUCTURED_APPEND_SEQUENCE].(int); ok && seq >= 0 {
		b.Sequence = &Sequence{Index: seq>>4 + 1, Count: seq&0xf + 1}
		if par, ok := md[gozxing.ResultMetadataType_STRUCTURED_APPEND_PARITY].(int); ok {
			b.Sequence.ID = strconv.Itoa(par)
		}
	}
	if b.Symbology == serialgate.Aztec {
		aztecAppend(&b, r.GetRawBytes())
	}

	if segs, ok := md[gozxing.ResultMetadataType_BYTE_SEGMENTS].([][]byte); ok {
		var raw []byte
		for _, seg := range segs {
			raw = append(raw, seg...)
		}
		if len(raw) > 0 && string(raw) != b.Text {
			b.Raw = raw
		}
	}
	for _, p := range r.GetResultPoints() {
		if p != nil {
			b.Corners = append(b.Corners, Point{p.GetX(), p.GetY()})
		}
	}
	switch {
	case b.Symbology == serialgate.EAN13 && len(b.Text) == 13 && b.Text[0] == '0':
		b.Symbology, b.Text = serialgate.UPCA, b.Text[1:]
	case b.AIM != "":
	case b.Symbology == serialgate.Codabar:
		b.AIM = "]F0"
	case b.Symbology == serialgate.ITF:
		b.AIM = "]I0"
	case b.Symbology == serialgate.EAN8:
		b.AIM = "]E4"
	case b.Symbology == serialgate.UPCE:
		b.AIM = "]E0"
	case b.Symbology == serialgate.Aztec:
		b.AIM = "]z0"
	case b.Symbology == serialgate.QRCode:
		b.AIM = "]Q1"
	}
	fixDMECI(&b, r.GetRawBytes())
	return b
}

// aztecAppend takes an Aztec structured-append header off b's text, which
// gozxing's decoder leaves in it. A symbol of a series begins with the
// codes M/L U/L (29 in upper mode, 29 in mixed mode), then optionally its
// file ID between spaces, then two letters: its place and the count, A for
// 1 to Z for 26 (ISO/IEC 24778). The AIM modifier gains 6, as the standard
// gives it for a series.
func aztecAppend(b *Barcode, raw []byte) {
	if len(raw) < 2 || raw[0] != 0b1110_1111 || raw[1]>>6 != 0b01 {
		return
	}
	t, id := b.Text, ""
	if strings.HasPrefix(t, " ") {
		end := strings.IndexByte(t[1:], ' ')
		if end < 0 {
			return
		}
		id, t = t[1:1+end], t[2+end:]
	}
	if len(t) < 2 || t[0] < 'A' || t[0] > 'Z' || t[1] < 'A' || t[1] > 'Z' || t[0] > t[1] {
		return
	}
	b.Sequence = &Sequence{Index: int(t[0]-'A') + 1, Count: int(t[1]-'A') + 1, ID: id}
	b.Text = t[2:]
	if len(b.AIM) == 3 && b.AIM[2] >= '0' && b.AIM[2] <= '5' {
		b.AIM = b.AIM[:2] + strconv.FormatInt(int64(b.AIM[2]-'0'+6), 16)
	}
}

func format(f gozxing.BarcodeFormat) serialgate.Symbology {
	switch f {
	case gozxing.BarcodeFormat_AZTEC:
		return serialgate.Aztec
	case gozxing.BarcodeFormat_CODABAR:
		return serialgate.Codabar
	case gozxing.BarcodeFormat_CODE_39:
		return serialgate.Code39
	case gozxing.BarcodeFormat_CODE_93:
		return serialgate.Code93
	case gozxing.BarcodeFormat_CODE_128:
		return serialgate.Code128
	case gozxing.BarcodeFormat_DATA_MATRIX:
		return serialgate.DataMatrix
	case gozxing.BarcodeFormat_EAN_8:
		return serialgate.EAN8
	case gozxing.BarcodeFormat_EAN_13:
		return serialgate.EAN13
	case gozxing.BarcodeFormat_ITF:
		return serialgate.ITF
	case gozxing.BarcodeFormat_QR_CODE:
		return serialgate.QRCode
	case gozxing.BarcodeFormat_RSS_14:
		return serialgate.RSS14
	case gozxing.BarcodeFormat_UPC_A:
		return serialgate.UPCA
	case gozxing.BarcodeFormat_UPC_E:
		return serialgate.UPCE
	}
	return serialgate.Symbology(f.String())
}

// rowDecoder is a 1D reader with the cost measured for it, which decides
// how the readers are shared among the cores.
type rowDecoder struct {
	oned.RowDecoder
	name     string // for a ReaderPanic
	cost     int
	stateful bool      // keeps what it saw on earlier rows (RSS-14's halves)
	start    startKind // the start pattern it looks for first (rowstart.go)
	// upc, when set, reads the row's runs in place of the gozxing reader
	// (upcean.go): the same verdicts without gozxing's exceptions.
	upc *upceanRuns
	// read is set when the last call read a code. A stateful reader that
	// did may read it again from what it kept, on any row, so it is called
	// on every row until it fails.
	read bool
}

// rowDecoders returns fresh 1D row decoders for the wanted symbologies:
// some keep state between rows (RSS-14 pairs halves read on different
// rows), so each scan gets its own. EAN-13 (and UPC-A), EAN-8 and UPC-E
// share one reader, which looks for the start guard once per row for all
// three instead of once each.
func (d *Decoder) rowDecoders() []rowDecoder {
	var out []rowDecoder
	add := func(want bool, name string, r gozxing.Reader, cost int, start startKind) {
		if want {
			out = append(out, rowDecoder{RowDecoder: r.(oned.RowDecoder), name: name, cost: cost, start: start})
		}
	}
	add(d.want[serialgate.Code128], "code 128 reader", oned.NewCode128Reader(), 6, code128Start)
	add(d.want[serialgate.Code39], "code 39 reader", oned.NewCode39Reader(), 9, code39Start)
	add(d.want[serialgate.Code93], "code 93 reader", oned.NewCode93Reader(), 4, code93Start)
	var upcean []gozxing.BarcodeFormat
	if d.want[serialgate.EAN13] || d.want[serialgate.UPCA] {
		upcean = append(upcean, gozxing.BarcodeFormat_EAN_13)
	}
	if d.want[serialgate.EAN8] {
		upcean = append(upcean, gozxing.BarcodeFormat_EAN_8)
	}
	if d.want[serialgate.UPCE] {
		upcean = append(upcean, gozxing.BarcodeFormat_UPC_E)
	}
	// Without UPC_A among the formats the reader reports a UPC-A code as
	// an EAN-13 starting with 0, which fromResult turns back into UPC-A.
	add(len(upcean) > 0, "ean/upc reader", oned.NewMultiFormatUPCEANReader(map[gozxing.DecodeHintType]interface{}{
		gozxing.DecodeHintType_POSSIBLE_FORMATS: upcean,
	}), 8, upceanStart)
	if len(upcean) > 0 {
		out[len(out)-1].upc = &upceanRuns{
			ean13: d.want[serialgate.EAN13] || d.want[serialgate.UPCA],
			ean8:  d.want[serialgate.EAN8],
			upce:  d.want[serialgate.UPCE],
		}
	}
	add(d.want[serialgate.ITF], itfReader, oned.NewITFReader(), 5, itfStart)
	add(d.want[serialgate.Codabar], "codabar reader", oned.NewCodaBarReader(), 4, codabarStart)
	add(d.want[serialgate.RSS14], "rss-14 reader", rss.NewRSS14Reader(), 9, rssFinder)
	if len(out) > 0 && d.want[serialgate.RSS14] {
		out[len(out)-1].stateful = true
	}
	return out
}

// shareDecoders splits the decoders into n groups of about equal cost,
// keeping their order within each group.
func shareDecoders(decs []rowDecoder, n int) [][]int {
	groups := make([][]int, n)
	load := make([]int, n)
	idx := make([]int, len(decs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return decs[idx[a]].cost > decs[idx[b]].cost })
	for _, i := range idx {
		g := 0
		for k := range load {
			if load[k] < load[g] {
				g = k
			}
		}
		groups[g] = append(groups[g], i)
		load[g] += decs[i].cost
	}
	for _, g := range groups {
		sort.Ints(g)
	}
	return groups
}

var hints = map[gozxing.DecodeHintType]interface{}{
	gozxing.DecodeHintType_ASSUME_GS1: true,
	gozxing.DecodeHintType_TRY_HARDER: true,
}

var pureHints = map[gozxing.DecodeHintType]interface{}{
	gozxing.DecodeHintType_ASSUME_GS1:   true,
	gozxing.DecodeHintType_TRY_HARDER:   true,
	gozxing.DecodeHintType_PURE_BARCODE: true,
}

// scanHit gathers the scan lines that read one code.
type scanHit struct {
	b      Barcode
	lines  map[int]bool
	addOns addOnVotes
}

// linear reads 1D codes on horizontal scan lines, and on vertical ones
// when the horizontal lines read none: the codes of one label stand the
// same way. The rows are binarized with one threshold per row (zxing's
// global histogram), which suits sharp codes, or with local set, with a
// threshold per 8×8 block: on blurred or unevenly lit photos a per-row
// threshold merges narrow bars that the local one keeps apart.
func (d *Decoder) linear(g Gray, local bool, turned func() bool, blank func() []image.Rectangle, early func([]Barcode)) []Barcode {
	if !d.any1D() {
		return nil
	}
	if out := d.scanLines(g, 0, local, blank, early); len(out) > 0 {
		return out
	}
	if turned != nil && !turned() {
		return nil
	}
	return d.scanLines(g.rotate90(), 90, local, nil, nil)
}

// scanLine is one reading on one scan line: line is the line's place in
// the middle-out order, attempt 1 the reversed row.
type scanLine struct {
	line, attempt, dec int
	y                  int
	b                  Barcode
}

// scanLines reads 1D codes on rows of g, which is the original image turned
// by angle degrees counterclockwise. The readers are shared among the
// cores, each group reading every line with its own binarizer; the
// readings are then merged in one fixed order, so the result does not
// depend on the number of cores.
//
// blank, when not nil, gives areas of g (2D codes), waiting for them: the
// lines read after the first set are read with those areas white.
//
// early, when not nil, is given the codes the first set of lines read.
func (d *Decoder) scanLines(g Gray, angle int, local bool, blank func() []image.Rectangle, early func([]Barcode)) []Barcode {
	decs := d.rowDecoders()
	if len(decs) == 0 {
		return nil
	}
	// Up to 96 scan lines from the middle out: on photos, codes often
	// read on only a few neighbouring rows.
	lines := 96
	if d.opts.Fast {
		lines = min(lines, 24)
	}
	step := max(1, g.Height/lines)
	var ys []int
	mid := g.Height / 2
	for k := 0; ; k++ {
		off := (k + 1) / 2 * step
		if k%2 == 1 {
			off = -off
		}
		y := mid + off
		if y < 0 || y >= g.Height {
			if k > 2*lines+2 {
				break
			}
			continue
		}
		ys = append(ys, y)
	}
	workers := min(runtime.GOMAXPROCS(0), len(decs), 4)
	if d.opts.Fast {
		workers = 1 // a camera frame: the cores are the camera loop's
	}
	var lm *gozxing.BitMatrix
	if local {
		m, err := newLocalBinarizer(g, d.flatRange()).GetBlackMatrix()
		if err != nil {
			return nil
		}
		lm = m
	}
	groups := shareDecoders(decs, workers)
	read := func(lines []int, blanks []image.Rectangle) []scanLine {
		rows := blackRows(g, lm, ys, lines, blanks)
		results := make([][]scanLine, workers)
		inParallel(workers, func(w int) {
			results[w] = d.readLines(g, rows, ys, lines, decs, groups[w])
		})
		var all []scanLine
		for _, r := range results {
			all = append(all, r...)
		}
		return all
	}
	// Every other line first: where every code those lines read is
	// confirmed by enough of them, the lines between add nothing but
	// time. Otherwise (nothing read, or a code seen on too few lines to
	// count) the lines between are read too, and the votes taken on all.
	//
	// On an image under twice as many rows high as there are lines, the
	// lines are a row apart: there the first set is every fourth row (a
	// code over eight rows high is read on two at least), unless an
	// EAN/UPC add-on was read, whose votes are worth every line.
	var first, second []int
	every := 2
	if step == 1 && len(ys) > denseLines {
		every = 4
	}
	for k := range ys {
		if (k+1)/2%every == 0 {
			first = append(first, k)
		} else {
			second = append(second, k)
		}
	}
	all := read(first, nil)
	out, settled := d.vote(all, g, angle)
	if early != nil {
		early(out)
	}
	if settled && (every == 2 || !slices.ContainsFunc(all, withAddOn)) {
		return out
	}
	var blanks []image.Rectangle
	if blank != nil {
		blanks = blank()
	}
	all = append(all, read(second, blanks)...)
	out, _ = d.vote(all, g, angle)
	return out
}

// denseLines is the most scan lines an image a row per line may have
// for its first set to be every other row rather than every fourth.
const denseLines = 48

func withAddOn(l scanLine) bool { return l.b.addOn != "" }

// vote gathers the readings of the scan lines into codes: a code counts
// when enough lines read it and no other reading of the same place was
// read on more. settled tells that some code counts and every reading
// belongs to a code that counts.
func (d *Decoder) vote(all []scanLine, g Gray, angle int) (out []Barcode, settled bool) {
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.line != b.line {
			return a.line < b.line
		}
		if a.attempt != b.attempt {
			return a.attempt < b.attempt
		}
		return a.dec < b.dec
	})
	hits := map[string]*scanHit{}
	var order []string
	for _, r := range all {
		b := r.b
		key := string(b.Symbology) + "\x00" + b.Text
		h := hits[key]
		if h == nil {
			h = &scanHit{b: b, lines: map[int]bool{}, addOns: addOnVotes{}}
			h.b.Corners = nil
			hits[key] = h
			order = append(order, key)
		}
		h.lines[r.y] = true
		h.addOns.add(b.addOn, r.y)
		h.b.Corners = append(h.b.Corners, b.Corners...)
	}
	settled = len(order) > 0
	for _, key := range order {
		h := hits[key]
		if len(h.lines) < d.minLines(h.b.Symbology) || outvoted(h, hits) {
			settled = false
			continue
		}
		b := h.addOns.apply(h.b, d.minLines(h.b.Symbology))
		b.addOn = ""
		b.ScanLines = len(h.lines)
		b.Corners = outline(b.Corners)
		b.Angle = (b.Angle + angle) % 360
		b.Corners = unrotate(b.Corners, angle, g)
		out = append(out, b)
	}
	return out, settled
}

// blackRows binarizes the rows ys[k] of g for each k in lines, once for all
// the workers that read them: with zxing's global histogram per row, or
// taken from lm, the image binarized with local thresholds. A row that
// could not be binarized, or has too few transitions to hold a code, is
// nil. The parts of a row inside one of the areas blanks are white.
func blackRows(g Gray, lm *gozxing.BitMatrix, ys, lines []int, blanks []image.Rectangle) []*gozxing.BitArray {
	rows := make([]*gozxing.BitArray, len(lines))
	rowOf := func(y int) (*gozxing.BitArray, bool) { return lm.GetRow(y, nil), true }
	if lm == nil {
		rowOf = func(y int) (*gozxing.BitArray, bool) { return globalBlackRow(g.row(y)) }
	}
	for j, k := range lines {
		row, ok := rowOf(ys[k])
		if !ok {
			continue
		}
		for _, r := range blanks {
			if ys[k] >= r.Min.Y && ys[k] < r.Max.Y {
				clearBits(row, r.Min.X, r.Max.X)
			}
		}
		if transitions(row) >= minTransitions {
			rows[j] = row
		}
	}
	return rows
}

// readLines runs the decoders numbered in use on the rows ys[k] of g, for
// each k in lines, forwards and reversed; rows[j] is line lines[j]
// binarized (blackRows), nil to pass it by. The rows are left as they are.
func (d *Decoder) readLines(g Gray, rows []*gozxing.BitArray, ys, lines []int, decs []rowDecoder, use []int) []scanLine {
	if len(use) == 0 {
		return nil
	}
	// Neighbouring lines often binarize to the same bits (always, within
	// a module row of a printed or generated code): what the stateless
	// readers made of a row is kept and given again for the same bits.
	type reading struct {
		attempt, dec int
		b            Barcode
	}
	seen := map[string][]reading{}
	itf := -1 // the ITF reader, if this worker has it
	for _, i := range use {
		if decs[i].name == itfReader {
			itf = i
		}
	}
	var out []scanLine
	var row, rev *gozxing.BitArray // a row, and the row reversed
	var key []byte
	var rr, pr rowRuns // a row's runs, a piece's
	var pb pieceBufs
	for j, k := range lines {
		y := ys[k]
		if rows[j] == nil {
			continue
		}
		// A copy: the readers reverse the row, and other workers read it.
		if row == nil || row.GetSize() != rows[j].GetSize() {
			row = gozxing.NewBitArray(rows[j].GetSize())
		}
		copy(row.GetBitArray(), rows[j].GetBitArray())
		key = key[:0]
		for _, w := range row.GetBitArray() {
			key = append(key, byte(w), byte(w>>8), byte(w>>16), byte(w>>24))
		}
		before, again := seen[string(key)]
		for _, r := range before {
			b := r.b
			b.Corners = append([]Point(nil), b.Corners...)
			for i := range b.Corners {
				b.Corners[i].Y = float64(y)
			}
			out = append(out, scanLine{line: k, attempt: r.attempt, dec: r.dec, y: y, b: b})
		}
		var now []reading
		runsOf(row, &rr)
		itfCould := false // an ITF start is in the row, one way or the other
		for attempt := 0; attempt < 2; attempt++ {
			cur := row
			if attempt == 1 {
				rr.reverse()
				cur = nil // made from the runs when a reader reads it
			}
			itfCould = itfCould || itf >= 0 && itfStarts(&rr)
			for _, i := range use {
				if again && !decs[i].stateful {
					continue
				}
				if !decs[i].read && !canStart(decs[i].start, &rr) {
					continue // the reader cannot find its start here
				}
				var r *gozxing.Result
				if decs[i].upc != nil {
					if r = decs[i].upc.read(&rr, y); r == nil {
						continue
					}
				}
				if cur == nil {
					rev = fromRuns(rev, row.GetSize(), &rr)
					cur = rev
				}
				if r == nil {
					var err error
					r, err = zxing(decs[i].name, func() (*gozxing.Result, error) { return decs[i].DecodeRow(y, cur, hints) })
					decs[i].read = decs[i].stateful && err == nil
					if err != nil {
						continue // a ReaderPanic too: the other readers' codes stand
					}
				}
				b := fromResult(r)
				if !quietZones(cur, b) {
					continue
				}
				var guard, end float64
				if b.addOn, guard, end = readAddOn(cur, b); b.addOn != "" {
					// The outline takes in the add-on.
					b.Corners = append(b.Corners, Point{guard, float64(y)}, Point{end, float64(y)})
				}
				if attempt == 1 {
					b.Angle = (b.Angle + 180) % 360
					for i := range b.Corners {
						b.Corners[i].X = float64(g.Width) - b.Corners[i].X
					}
				}
				if b.Symbology == serialgate.Code39 {
					if full, ok := code39FullASCII(b.Text); ok {
						b.Text = full
					}
				}
				out = append(out, scanLine{line: k, attempt: attempt, dec: i, y: y, b: b})
				if !decs[i].stateful {
					now = append(now, reading{attempt, i, b})
				}
			}
		}
		if itfCould && !again && !slices.ContainsFunc(now, func(r reading) bool { return r.dec == itf }) {
			// gozxing's ITF reader looks for the end pattern from the
			// row's last bar: bars printed past the code's quiet zone
			// (a tail) hide it. Each piece of the row between quiet
			// zones is read again on its own.
			for _, span := range rowPieces(row, itfMinElements, &pb) {
				piece := pb.pieceOf(row, span)
				runsOf(piece, &pr)
				for attempt := 0; attempt < 2; attempt++ {
					if attempt == 1 {
						piece.Reverse()
						pr.reverse()
					}
					if !canStart(decs[itf].start, &pr) {
						continue
					}
					r, err := zxing(decs[itf].name, func() (*gozxing.Result, error) { return decs[itf].DecodeRow(y, piece, hints) })
					if err != nil {
						continue
					}
					b := fromResult(r)
					if attempt == 1 {
						b.Angle = (b.Angle + 180) % 360
						for i := range b.Corners {
							b.Corners[i].X = float64(g.Width) - b.Corners[i].X
						}
					}
					out = append(out, scanLine{line: k, attempt: attempt, dec: itf, y: y, b: b})
					now = append(now, reading{attempt, itf, b})
				}
			}
		}
		if !again {
			seen[string(key)] = now
		}
	}
	return out
}

// fromRuns returns a row of size pixels dark on rr's dark runs, in dst when
// it has that size: the row read the other way, without gozxing's Reverse,
// which allocates a new array each time.
func fromRuns(dst *gozxing.BitArray, size int, rr *rowRuns) *gozxing.BitArray {
	if dst == nil || dst.GetSize() != size {
		dst = gozxing.NewBitArray(size)
	} else {
		dst.Clear()
	}
	for k := rr.firstDark(); k < len(rr.w); k += 2 {
		dst.SetRange(rr.at[k], rr.at[k]+rr.w[k])
	}
	return dst
}

// itfReader names gozxing's ITF reader among the row decoders.
const itfReader = "itf reader"

// itfMinElements is the fewest bars and spaces of an ITF code gozxing's
// reader accepts: start, six digits, end.
const itfMinElements = 4 + 30 + 3

// rowPieces returns the spans [from, to) of row's pixels, from a piece's
// first bar to its last, that lie between white runs of ten narrow
// elements or more (ITF's quiet zone, the widest the 1D symbologies ask
// for) or the row's ends, when the row has two pieces or more; pieces of
// fewer than minElements bars and spaces are left out. The row is cut at
// white runs of ten of its own narrow elements, then each piece keeps
// only if the white runs around it are ten of the piece's narrow elements:
// the narrow element is the first quarter's longest of runs sorted by
// length, as most of a code's elements are narrow.
func rowPieces(row *gozxing.BitArray, minElements int, b *pieceBufs) [][2]int {
	if b == nil {
		b = &pieceBufs{}
	}
	size := row.GetSize()
	// The runs, as the x where each begins, the first a bar.
	xs := b.xs[:0]
	defer func() { b.xs = xs }()
	for x := row.GetNextSet(0); x < size; {
		xs = append(xs, x)
		x = row.GetNextUnset(x)
		if x >= size {
			break
		}
		xs = append(xs, x)
		x = row.GetNextSet(x)
	}
	xs = append(xs, size)
	if len(xs)%2 == 0 { // the row ends in a bar: its end closes it
		xs = append(xs, size)
	}
	if len(xs) < minElements+2 {
		return nil
	}
	// Bars at xs[2i]..xs[2i+1], spaces after them to xs[2i+2].
	cut := 10 * narrowest(xs, &b.ws)
	out := b.out[:0]
	defer func() { b.out = out }()
	pieces := 0
	start := 0 // index in xs of the piece's first bar
	for i := 0; i+2 < len(xs); i += 2 {
		if i+3 < len(xs) && xs[i+2]-xs[i+1] < cut {
			continue
		}
		pieces++
		if i+1-start >= minElements {
			m := narrowest(xs[start:i+2], &b.ws)
			before, after := xs[start], xs[i+2]-xs[i+1] // the white runs around the piece
			if start > 0 {
				before -= xs[start-1]
			}
			if (start == 0 || before >= 10*m) && (i+3 >= len(xs) || after >= 10*m) {
				out = append(out, [2]int{xs[start], xs[i+1]})
			}
		}
		start = i + 2
	}
	if pieces < 2 {
		return nil
	}
	return out
}

// narrowest estimates the narrow element of the runs that begin at xs
// (the last entry ends the last run); buf is scratch space.
func narrowest(xs []int, buf *[]int) int {
	if len(xs) < 2 {
		return 1
	}
	ws := (*buf)[:0]
	for i := range len(xs) - 1 {
		ws = append(ws, xs[i+1]-xs[i])
	}
	*buf = ws
	slices.Sort(ws)
	return max(1, ws[len(ws)/4])
}

// pieceBufs are rowPieces' scratch space, kept from one row to the next,
// and the bitmap a piece is copied into.
type pieceBufs struct {
	xs, ws []int
	out    [][2]int
	piece  *gozxing.BitArray
}

// pieceOf returns row with everything outside span cleared, in b's one
// bitmap: the piece is read before the next one is made.
func (b *pieceBufs) pieceOf(row *gozxing.BitArray, span [2]int) *gozxing.BitArray {
	if b.piece == nil || b.piece.GetSize() != row.GetSize() {
		b.piece = gozxing.NewBitArray(row.GetSize())
	} else {
		b.piece.Clear()
	}
	for x := span[0]; x < span[1]; x++ {
		if row.Get(x) {
			b.piece.Set(x)
		}
	}
	return b.piece
}

// quietZones checks, for the short EAN/UPC codes that also appear as
// fragments of longer ones, that the row is white for five modules on
// either side of the code, as the symbology requires (seven or more). A
// code that reaches the image's edge is given the benefit of the doubt.
func quietZones(row *gozxing.BitArray, b Barcode) bool {
	var span float64 // modules between the centres of the two guards
	switch b.Symbology {
	case serialgate.EAN8:
		span = 64
	case serialgate.UPCE:
		span = 46.5
	default:
		return true
	}
	if len(b.Corners) < 2 {
		return true
	}
	left, right := b.Corners[0].X, b.Corners[1].X
	if left > right {
		left, right = right, left
	}
	m := (right - left) / span
	from, to := int(left-1.5*m-5*m), int(left-1.5*m)
	if !whiteRun(row, from, to) {
		return false
	}
	end := right + 1.5*m
	if b.Symbology == serialgate.UPCE {
		end = right + 3*m
	}
	return whiteRun(row, int(end)+1, int(end+5*m))
}

func whiteRun(row *gozxing.BitArray, from, to int) bool {
	from, to = max(from, 0), min(to, row.GetSize())
	for x := from; x < to; x++ {
		if row.Get(x) {
			return false
		}
	}
	return true
}

// outvoted tells whether another reading of the same family, on the same
// place, was read on more scan lines: two different texts where one code
// stands mean the rarer one is a misread.
func outvoted(h *scanHit, hits map[string]*scanHit) bool {
	box := bounds(outline(h.b.Corners)).Inset(-2)
	for _, o := range hits {
		if o == h || family(o.b.Symbology) != family(h.b.Symbology) || len(o.lines) <= len(h.lines) {
			continue
		}
		if box.Overlaps(bounds(outline(o.b.Corners)).Inset(-2)) {
			return true
		}
	}
	return false
}

func family(f serialgate.Symbology) serialgate.Symbology {
	switch f {
	case serialgate.EAN8, serialgate.UPCE, serialgate.UPCA:
		return serialgate.EAN13
	}
	return f
}

// minTransitions is the fewest changes between black and white a scan line
// crossing any 1D code has: the shortest, an EAN-8 or a one-character
// Code 39, has more than 20.
const minTransitions = 20

func transitions(row *gozxing.BitArray) int {
	n := 0
	size := row.GetSize()
	for x := 0; x < size; {
		next := row.GetNextSet(x)
		if row.Get(x) {
			next = row.GetNextUnset(x)
		}
		if next >= size {
			break
		}
		n++
		x = next
	}
	return n
}

func (d *Decoder) minLines(f serialgate.Symbology) int {
	if d.opts.MinLines > 0 {
		return d.opts.MinLines
	}
	if unchecked(f) {
		return 3
	}
	return 2
}

// unchecked tells whether the 1D symbology f has no check character.
func unchecked(f serialgate.Symbology) bool {
	switch f {
	case serialgate.Codabar, serialgate.ITF, serialgate.Code39:
		return true
	}
	return false
}

// outline reduces the end points of every scan line to the four corners
// of their bounding box.
func outline(ps []Point) []Point {
	if len(ps) == 0 {
		return nil
	}
	minX, minY, maxX, maxY := ps[0].X, ps[0].Y, ps[0].X, ps[0].Y
	for _, p := range ps {
		minX, maxX = math.Min(minX, p.X), math.Max(maxX, p.X)
		minY, maxY = math.Min(minY, p.Y), math.Max(maxY, p.Y)
	}
	return []Point{{minX, minY}, {maxX, minY}, {maxX, maxY}, {minX, maxY}}
}

// unrotate maps points found in g, the original turned by angle degrees
// counterclockwise, back to the original's coordinates.
func unrotate(ps []Point, angle int, g Gray) []Point {
	if angle != 90 {
		return ps
	}
	// rotate90 put original (x, y) at (y, W-1-x), where W = g.Height.
	for i, p := range ps {
		ps[i] = Point{X: float64(g.Height-1) - p.Y, Y: p.X}
	}
	return ps
}

// code39FullASCII decodes Code 39's full-ASCII pairs ($A, %U, /C, +A, ...)
// and reports false when the text holds none, an invalid pair, or a pair for
// a character Code 39 has of its own ("/M" and "/N": plain text).
func code39FullASCII(s string) (string, bool) {
	if !strings.ContainsAny(s, "$%/+") {
		return s, false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !strings.ContainsRune("$%/+", rune(c)) {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			return s, false
		}
		n := s[i+1]
		i++
		switch c {
		case '+':
			if n < 'A' || n > 'Z' {
				return s, false
			}
			b.WriteByte(n + 32)
		case '$':
			if n < 'A' || n > 'Z' {
				return s, false
			}
			b.WriteByte(n - 64)
		case '%':
			switch {
			case n >= 'A' && n <= 'E':
				b.WriteByte(n - 38)
			case n >= 'F' && n <= 'J':
				b.WriteByte(n - 11)
			case n >= 'K' && n <= 'O':
				b.WriteByte(n + 16)
			case n >= 'P' && n <= 'T':
				b.WriteByte(n + 43)
			case n == 'U':
				b.WriteByte(0)
			case n == 'V':
				b.WriteByte('@')
			case n == 'W':
				b.WriteByte('`')
			case n >= 'X' && n <= 'Z':
				b.WriteByte(127)
			default:
				return s, false
			}
		case '/':
			switch {
			case n == 'M' || n == 'N':
				// "-" and ".", which Code 39 has characters for: no
				// full-ASCII encoder writes them as pairs, and a plain
				// text such as "P/N 1234" is what the symbol carries.
				return s, false
			case n >= 'A' && n <= 'O':
				b.WriteByte(n - 32)
			case n == 'Z':
				b.WriteByte(':')
			default:
				return s, false
			}
		}
	}
	return b.String(), true
}

// variant is one way of presenting an image to the 2D readers: the
// transformed image, and how to map its points back.
type variant struct {
	name   string
	make   func(g Gray) Gray
	global bool // the global-histogram binarizer instead of the hybrid one
	pure   bool // the image is nothing but the code
	scale  float64
	shift  float64 // padding added on each side, in the variant's pixels
	turned bool    // turned a quarter counterclockwise
	// read, when not nil, gives the codes the other readers read in the
	// image (the plain variant's coordinates are the image's), waiting
	// for them: the Data Matrix finder by shape passes over the shapes
	// inside them, a PDF417 symbol's start pattern, a 1D code's bars.
	read func() []Barcode
	// stacked, when not nil, gives the PDF417 and MicroPDF417 symbols
	// read (the plain variant's), waiting for them: Micro QR and the rune
	// reader pass over the finder patterns that a symbol's bars make
	// inside them.
	stacked func() []Barcode
	// twoDRead, when not nil, is given the QR, Data Matrix and Aztec
	// codes read, once they are, before Micro QR and the shape finder.
	twoDRead func([]Barcode)
}

// matrixVariants are tried in order until one finds a code. The order and
// the set come from measurements on label photos: padding rescues codes
// that touch the edge, the global binarizer and a quarter turn rescue
// gozxing's detectors on some photos, and upscaling or the pure-code mode
// rescue small synthetic images.
func matrixVariants(g Gray) []variant {
	padOf := func(g Gray) int { return max(g.Width, g.Height)/8 + 4 }
	vs := []variant{
		{name: "plain", make: func(g Gray) Gray { return g }, scale: 1},
		{name: "padded", make: func(g Gray) Gray { return pad(g, padOf(g)) }, scale: 1, shift: float64(padOf(g))},
		{name: "global", make: func(g Gray) Gray { return g }, global: true, scale: 1},
		{name: "turned", make: Gray.rotate90, scale: 1, turned: true},
	}
	if m := max(g.Width, g.Height); m < 300 {
		k := 2
		if m < 100 {
			k = 3
		}
		// The two upscaled variants share one copy (they run one after
		// the other): it is made for the first, on g itself.
		var upOnce sync.Once
		var upG Gray
		up := func(h Gray) Gray {
			if !sameGray(h, g) {
				return pad(upscale(h, k), 8*k)
			}
			upOnce.Do(func() { upG = pad(upscale(g, k), 8*k) })
			return upG
		}
		vs = append(vs,
			variant{name: "upscaled", make: up, scale: 1 / float64(k), shift: float64(8 * k)},
			variant{name: "upscaled-global", make: up, global: true, scale: 1 / float64(k), shift: float64(8 * k)},
		)
	}
	if max(g.Width, g.Height) < 400 {
		vs = append(vs,
			variant{name: "pure", make: func(g Gray) Gray { return g }, pure: true, scale: 1},
			variant{name: "pure-global", make: func(g Gray) Gray { return g }, pure: true, global: true, scale: 1},
		)
	}
	vs = append(vs, variant{name: "inverted", make: invert, scale: 1})
	if g.Width >= 500 && g.Height >= 500 {
		vs = append(vs, variant{name: "half", make: Gray.half, scale: 2})
	}
	return vs
}

// stackedCodes gives the stacked symbols read beside the variant, none
// where it was not given them.
func (v variant) stackedCodes() []Barcode {
	if v.stacked == nil {
		return nil
	}
	return v.stacked()
}

// sameGray tells whether a and b are the same image (the same pixels in
// memory), not merely equal ones.
func sameGray(a, b Gray) bool {
	return a.Width == b.Width && a.Height == b.Height && a.Stride == b.Stride &&
		len(a.Pix) == len(b.Pix) && (len(a.Pix) == 0 || &a.Pix[0] == &b.Pix[0])
}

// matrix reads the 2D codes with the first of the variants that finds any.
// The variants run as many at a time as there are cores, and the first in
// order that finds a code is taken, as if they had run one by one.
func (d *Decoder) matrix(g Gray, vs []variant) []Barcode {
	if !d.want[serialgate.QRCode] && !d.want[serialgate.DataMatrix] && !d.want[serialgate.Aztec] && !d.want[serialgate.MicroQR] {
		return nil
	}
	batch := max(1, min(runtime.GOMAXPROCS(0), 4))
	for i := 0; i < len(vs); i += batch {
		part := vs[i:min(i+batch, len(vs))]
		found := make([][]Barcode, len(part))
		inParallel(len(part), func(k int) {
			found[k] = d.matrixVariant(g, part[k])
		})
		for _, out := range found {
			if len(out) > 0 {
				return out
			}
		}
	}
	return nil
}

// matrixVariant reads the 2D codes on one variant of g, in g's coordinates.
func (d *Decoder) matrixVariant(g Gray, v variant) []Barcode {
	vg := v.make(g)
	out := d.matrixOnce(vg, v)
	for i := range out {
		for j, p := range out[i].Corners {
			p.X, p.Y = p.X-v.shift, p.Y-v.shift
			if v.turned {
				p = Point{X: float64(vg.Height-1) - p.Y, Y: p.X}
			}
			out[i].Corners[j] = Point{X: p.X * v.scale, Y: p.Y * v.scale}
		}
		if v.turned {
			out[i].Angle = (out[i].Angle + 90) % 360
		}
	}
	return out
}

func invert(g Gray) Gray {
	out := Gray{Pix: make([]byte, g.Width*g.Height), Width: g.Width, Height: g.Height, Stride: g.Width}
	for y := 0; y < g.Height; y++ {
		o := out.Pix[y*g.Width : y*g.Width+g.Width]
		for x, v := range g.row(y) {
			o[x] = 255 - v
		}
	}
	return out
}

// pad surrounds the image with a white border: detectors need a quiet zone.
func pad(g Gray, border int) Gray {
	w, h := g.Width+2*border, g.Height+2*border
	out := Gray{Pix: make([]byte, w*h), Width: w, Height: h, Stride: w}
	for i := range out.Pix {
		out.Pix[i] = 255
	}
	for y := 0; y < g.Height; y++ {
		copy(out.Pix[(y+border)*w+border:], g.row(y))
	}
	return out
}

// upscale enlarges the image k times, repeating pixels, so that a code
// with one-pixel modules gets modules the detectors can measure.
func upscale(g Gray, k int) Gray {
	w, h := g.Width*k, g.Height*k
	out := Gray{Pix: make([]byte, w*h), Width: w, Height: h, Stride: w}
	for y := 0; y < h; y++ {
		r := g.row(y / k)
		o := out.Pix[y*w : y*w+w]
		for x := range o {
			o[x] = r[x/k]
		}
	}
	return out
}

// matrixOnce runs the 2D readers on one variant of the image, looking
// again after each Data Matrix or serialgate.Aztec code found with that code painted
// out; points stay in the variant's coordinates.
func (d *Decoder) matrixOnce(g Gray, v variant) []Barcode {
	var out []Barcode
	h := hints
	if v.pure {
		h = pureHints
	}
	bitmap := func(g Gray) *gozxing.BinaryBitmap { return binarize(g, v.global, d.flatRange()) }
	// The binarized image is computed once and shared by the readers.
	whole := bitmap(g)
	if d.want[serialgate.QRCode] && whole != nil {
		// The multi-code QR detector tries every triple of finder-pattern
		// candidates, which on a textured camera frame can be thousands:
		// the fast mode reads the best-placed QR code per frame.
		if v.pure || d.opts.Fast {
			r, err := zxing("qr code reader", func() (*gozxing.Result, error) { return qrcode.NewQRCodeReader().Decode(whole, h) })
			if err == nil {
				out = append(out, fromResult(r))
			}
		} else {
			rs, err := zxing("qr code multi reader", func() ([]*gozxing.Result, error) {
				return multiqr.NewQRCodeMultiReader().DecodeMultiple(whole, h)
			})
			if err == nil {
				for _, r := range rs {
					out = append(out, fromResult(r))
				}
			}
		}
	}
	qrRead := len(out)
	type single interface {
		Decode(*gozxing.BinaryBitmap, map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error)
	}
	corners := map[image.Point]*gozxing.BinaryBitmap{}
	for _, f := range []serialgate.Symbology{serialgate.DataMatrix, serialgate.Aztec} {
		if !d.want[f] {
			continue
		}
		read := func(bm *gozxing.BinaryBitmap) (Barcode, bool) {
			if bm == nil { // binarization failed
				return Barcode{}, false
			}
			var rd single = datamatrix.NewDataMatrixReader()
			name := "data matrix reader"
			if f == serialgate.Aztec {
				rd, name = aztec.NewAztecReader(), "aztec reader"
			}
			r, err := zxing(name, func() (*gozxing.Result, error) { return rd.Decode(bm, h) })
			if err != nil {
				return Barcode{}, false
			}
			return fromResult(r), true
		}
		// gozxing's Data Matrix and serialgate.Aztec detectors look outward from the
		// middle of the image: each code found is painted out and the
		// image read again, then the corners of a label are read on
		// their own, where a code away from the middle is found.
		// cur is g with the areas in painted made white: while there are
		// none, corner bitmaps can be shared. A part of the image inside
		// one of them holds nothing to read (a symbol that fills the image
		// leaves it blank).
		cur, bm := g, whole
		var painted []image.Rectangle
		paint := func(r image.Rectangle) {
			cur = cur.whiteOut(r)
			painted = append(painted, r)
		}
		blank := func(r image.Rectangle) bool {
			return slices.ContainsFunc(painted, func(p image.Rectangle) bool { return r.In(p) })
		}
		for k := 0; k < 4; k++ {
			b, ok := read(bm)
			if !ok {
				break
			}
			out = append(out, b)
			box := bounds(b.Corners)
			if v.pure || box.Empty() {
				break
			}
			paint(box.Inset(-max(box.Dx(), box.Dy()) / 4))
			if blank(image.Rect(0, 0, g.Width, g.Height)) {
				break
			}
			bm = bitmap(cur)
		}
		// The corners of the plain image only: in the rescue variants of
		// an image where nothing was read, four more reads per variant
		// and reader read nothing more on the 488 sample and box photos.
		if v.pure || d.opts.Fast || g.Width < 200 || g.Height < 200 || v.name != "plain" {
			continue
		}
		cw, ch := g.Width*3/5, g.Height*3/5
		for _, at := range []image.Point{{0, 0}, {g.Width - cw, 0}, {0, g.Height - ch}, {g.Width - cw, g.Height - ch}} {
			rect := image.Rect(at.X, at.Y, at.X+cw, at.Y+ch)
			if blank(rect) {
				continue
			}
			// The Data Matrix and Aztec readers share a corner's
			// binarized image while neither has painted a code out.
			pbm, ok := corners[at]
			if !ok || len(painted) > 0 {
				if len(painted) == 0 && !v.global && whole != nil {
					// The whole image's local thresholds, cut out: the
					// same bits but near the crop's edges, without
					// binarizing again.
					pbm = cropBitmap(whole, g, rect, d.flatRange())
				} else {
					pbm = bitmap(cur.crop(rect))
				}
				if len(painted) == 0 {
					corners[at] = pbm
				}
			}
			b, ok := read(pbm)
			if !ok {
				continue
			}
			for i := range b.Corners {
				b.Corners[i].X += float64(at.X)
				b.Corners[i].Y += float64(at.Y)
			}
			box := bounds(b.Corners)
			around := box.Inset(-max(box.Dx(), box.Dy()) / 2)
			// Away from the middle, a small symbol's few check codewords
			// can be satisfied by texture: a code counts only if the
			// other binarizer reads it again from the pixels around it.
			if again, ok := read(binarize(pad(g.crop(around), 16), true, minDynRange)); !ok || again.Text != b.Text {
				continue
			}
			out = append(out, b)
			paint(box.Inset(-max(box.Dx(), box.Dy()) / 4))
		}
	}
	if d.want[serialgate.Aztec] && !d.opts.Fast && whole != nil && v.name == "plain" {
		// Aztec Runes, which gozxing's reader does not read (aztecrune.go),
		// dark on light: their row scan costs 2% of the decoding of a
		// textured photo, which would pay it again inverted.
		m, _ := whole.GetBlackMatrix() // made by binarize: no work here
		out = append(out, readRunes(m, slices.Concat(out, v.stackedCodes()))...)
	}
	// The finder-like places of the binarized image, searched for once
	// for the QR finder triples and Micro QR.
	var scan *finderScan
	finders := func() *finderScan {
		if scan == nil {
			var m *gozxing.BitMatrix
			if whole != nil {
				m, _ = whole.GetBlackMatrix() // made by binarize: no work here
			}
			scan = newFinderScan(m)
		}
		return scan
	}
	if d.want[serialgate.QRCode] && !d.opts.Fast && !v.pure && v.name == "plain" && whole != nil {
		// QR Codes the detector lost among the finder-like bars of tilted
		// 1D codes, read by their own finder patterns; before Micro QR,
		// which passes over their finders.
		qrs := d.qrByFinders(g, finders(), slices.Concat(out, v.stackedCodes()))
		out = slices.Concat(out[:qrRead], qrs, out[qrRead:])
		qrRead += len(qrs)
	}
	if v.twoDRead != nil {
		v.twoDRead(out)
	}
	if !d.opts.Fast || slices.Contains(d.opts.Formats, serialgate.MicroQR) {
		// After the QR, Data Matrix and Aztec codes: the finder patterns
		// of QR Codes are Micro QR's too, and an Aztec bullseye's rings
		// or a Data Matrix symbol's modules can look like one; inside
		// those codes none is read again as such. The Micro QR codes are
		// listed after the QR Codes, as they were when read before the
		// others.
		micro := d.microQR(g, v, finders(), slices.Concat(out, v.stackedCodes()))
		out = slices.Concat(out[:qrRead], micro, out[qrRead:])
	}
	if d.want[serialgate.DataMatrix] && v.name == "plain" && !d.opts.Fast && !slices.ContainsFunc(out, isDataMatrix) {
		// Where gozxing's detector finds no Data Matrix code, look for a
		// finder pattern's L by shape, away from the codes read.
		if whole != nil {
			m, _ := whole.GetBlackMatrix() // computed by binarize: no gozxing work here
			var avoid []image.Rectangle
			known := out
			if v.read != nil {
				known = slices.Concat(v.read(), out)
			}
			for _, b := range known {
				box := bounds(b.Corners)
				avoid = append(avoid, box.Inset(-max(box.Dx(), box.Dy())/10))
			}
			out = append(out, dmByShape(m, 4, avoid)...)
		}
	}
	return out
}

func isDataMatrix(b Barcode) bool { return b.Symbology == serialgate.DataMatrix }

// binarize returns g's bitmap for the 2D readers, or nil where it cannot be
// binarized (too flat for the global histogram). Its black matrix is
// computed here, not inside the first reader's call: the local binarizer
// is this package's code, whose panics the zxing helper must not catch.
func binarize(g Gray, global bool, flat int) *gozxing.BinaryBitmap {
	var bz gozxing.Binarizer
	if global {
		bz = gozxing.NewGlobalHistgramBinarizer(&source{g: g})
	} else {
		bz = newLocalBinarizer(g, flat)
	}
	bm, err := gozxing.NewBinaryBitmap(bz)
	if err != nil {
		return nil
	}
	if global {
		_, err = zxing("global binarizer", bm.GetBlackMatrix)
	} else {
		_, err = bm.GetBlackMatrix() // the local binarizer calls zxing itself where it uses gozxing's
	}
	if err != nil {
		return nil
	}
	return bm
}

// ExpandUPCE writes an 8-digit UPC-E code in its 12-digit UPC-A form.
func ExpandUPCE(e string) string {
	if len(e) != 8 {
		return e
	}
	d := e[1:7]
	var m string
	switch d[5] {
	case '0', '1', '2':
		m = d[0:2] + string(d[5]) + "0000" + d[2:5]
	case '3':
		m = d[0:3] + "00000" + d[3:5]
	case '4':
		m = d[0:4] + "00000" + d[4:5]
	default:
		m = d[0:5] + "0000" + d[5:6]
	}
	return e[0:1] + m + e[7:8]
}
