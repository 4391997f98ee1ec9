package decode

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/serialgate/serialgate"
)

// render draws an encoded symbol with modules of scale pixels.
func render(t testing.TB, m *gozxing.BitMatrix, scale int) Gray {
	t.Helper()
	w, h := m.GetWidth()*scale, m.GetHeight()*scale
	g := Gray{Pix: make([]byte, w*h), Width: w, Height: h, Stride: w}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if !m.Get(x/scale, y/scale) {
				g.Pix[y*w+x] = 255
			}
		}
	}
	return g
}

func encode(t testing.TB, f serialgate.Symbology, text string) *gozxing.BitMatrix {
	t.Helper()
	var w gozxing.Writer
	var bf gozxing.BarcodeFormat
	h := 0
	switch f {
	case serialgate.Code128:
		w, bf, h = oned.NewCode128Writer(), gozxing.BarcodeFormat_CODE_128, 60
	case serialgate.Code39:
		w, bf, h = oned.NewCode39Writer(), gozxing.BarcodeFormat_CODE_39, 60
	case serialgate.EAN13:
		w, bf, h = oned.NewEAN13Writer(), gozxing.BarcodeFormat_EAN_13, 60
	case serialgate.ITF:
		w, bf, h = oned.NewITFWriter(), gozxing.BarcodeFormat_ITF, 60
	case serialgate.QRCode:
		w, bf = qrcode.NewQRCodeWriter(), gozxing.BarcodeFormat_QR_CODE
	case serialgate.DataMatrix:
		w, bf = datamatrix.NewDataMatrixWriter(), gozxing.BarcodeFormat_DATA_MATRIX
	}
	m, err := w.Encode(text, bf, 0, h, nil)
	if err != nil {
		t.Fatalf("encode %s %q: %v", f, text, err)
	}
	return m
}

// canvas is a white page codes are pasted on.
func canvas(w, h int) Gray {
	g := Gray{Pix: make([]byte, w*h), Width: w, Height: h, Stride: w}
	for i := range g.Pix {
		g.Pix[i] = 255
	}
	return g
}

func paste(dst, src Gray, x0, y0 int) {
	for y := 0; y < src.Height; y++ {
		copy(dst.Pix[(y0+y)*dst.Stride+x0:], src.row(y))
	}
}

func TestRoundTrip(t *testing.T) {
	d := New(Options{})
	for _, tc := range []struct {
		f     serialgate.Symbology
		text  string
		scale int
		want  string
	}{
		{serialgate.Code128, "AC2000000001", 2, "AC2000000001"},
		// Start B, ASP2- in B, CODE C, 00 00 00 00 11: the check is
		// (104+33+2·51+3·48+4·18+5·13+6·99+11·11) mod 103 = 1235 mod 103
		// = 102, FNC1's value, which is no data.
		{serialgate.Code128, "ASP2-0000000011", 2, "ASP2-0000000011"},
		{serialgate.Code39, "SN-12345", 2, "SN-12345"},
		{serialgate.EAN13, "4006381333931", 3, "4006381333931"},
		{serialgate.EAN13, "0036000291452", 3, "036000291452"}, // a UPC-A
		{serialgate.ITF, "12345678901231", 2, "12345678901231"},
		{serialgate.QRCode, "https://id.gs1.org/01/09506000134352/21/X1", 4, "https://id.gs1.org/01/09506000134352/21/X1"},
		{serialgate.DataMatrix, "AC2000000001", 5, "AC2000000001"},
	} {
		sym := render(t, encode(t, tc.f, tc.text), tc.scale)
		page := canvas(sym.Width+80, sym.Height+80)
		paste(page, sym, 40, 40)
		for turn := 0; turn < 4; turn++ {
			got, err := d.Gray(page)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Text != tc.want {
				t.Errorf("%s %q turned %d×90°: got %+v", tc.f, tc.text, turn, got)
				break
			}
			if turn == 0 && got[0].AIM == "" {
				t.Errorf("%s: no AIM identifier", tc.f)
			}
			page = page.rotate90()
		}
	}
}

// TestLabel reads a box label with several codes on it: each once, each
// where it is, and no fragment of the EAN-13 as a shorter code.
func TestLabel(t *testing.T) {
	page := canvas(900, 600)
	c128 := render(t, encode(t, serialgate.Code128, "AC2000000001"), 2)
	ean := render(t, encode(t, serialgate.EAN13, "4006381333931"), 3)
	qr := render(t, encode(t, serialgate.QRCode, "https://example.com/p/1"), 4)
	dm := render(t, encode(t, serialgate.DataMatrix, "0109506000134352211234"), 5)
	paste(page, c128, 50, 50)
	paste(page, ean, 50, 300)
	paste(page, qr, 600, 40)
	paste(page, dm, 620, 380)
	got, err := New(Options{}).Gray(page)
	if err != nil {
		t.Fatal(err)
	}
	byText := map[string]Barcode{}
	for _, b := range got {
		byText[b.Text] = b
	}
	if len(got) != 4 {
		t.Fatalf("found %d codes: %+v", len(got), got)
	}
	if b := byText["AC2000000001"]; b.Symbology != serialgate.Code128 || b.AIM != "]C0" {
		t.Errorf("code 128: %+v", b)
	}
	if b := byText["0109506000134352211234"]; b.Symbology != serialgate.DataMatrix || b.AIM == "" || center(b).Y < 380 {
		t.Errorf("Data Matrix away from the middle missing or misplaced: %+v", byText)
	}
	if b, ok := byText["https://example.com/p/1"]; !ok || center(b).X < 600 {
		t.Errorf("QR code missing or misplaced: %+v", b)
	}
	if b := byText["4006381333931"]; b.Symbology != serialgate.EAN13 || center(b).Y < 300 || center(b).Y > 300+float64(ean.Height) {
		t.Errorf("EAN-13 missing or misplaced: %+v", b)
	}
	fs, _ := ParseFormats("code128")
	only, _ := New(Options{Formats: fs}).Gray(page)
	if len(only) != 1 || only[0].Symbology != serialgate.Code128 {
		t.Errorf("--formats code128 found %+v", only)
	}
}

func TestNoBarcode(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	noise := Gray{Pix: make([]byte, 640*480), Width: 640, Height: 480, Stride: 640}
	for i := range noise.Pix {
		noise.Pix[i] = byte(rng.IntN(256))
	}
	for _, g := range []Gray{canvas(300, 200), noise} {
		got, err := New(Options{}).Gray(g)
		if err != nil || len(got) != 0 {
			t.Errorf("found %+v, %v on an image with no code", got, err)
		}
	}
	for _, p := range loadPhotos(t, "falsepositives-1") {
		if got, _ := New(Options{}).Gray(p.g); len(got) != 0 {
			t.Errorf("%s: false positive %+v", p.name, got)
		}
	}
}

// TestSamples holds the read rate on the shared photos: a change that
// reads fewer fails here (bench/decode.sh compares with zxing-cpp).
func TestSamples(t *testing.T) {
	if testing.Short() {
		t.Skip("reads every sample photo")
	}
	floors := map[string]int{ // images read, measured 2026-11-22
		"code128-2": 14, "code39-3": 5, "ean13-1": 12, "ean13-3": 8, "itf-1": 12, "upce-2": 11, // itf-1 12 since rows are read again in pieces (#220.png)
		"qrcode-2": 42, "qrcode-4": 16, "datamatrix-1": 28, "datamatrix-3": 18, "aztec-1": 22,
		"ean13-4": 12, "upca-2": 18, "upca-5": 14, "code39-1": 5, "qrcode-5": 12,
	}
	d := New(Options{})
	for folder, floor := range floors {
		read := 0
		ps := loadPhotos(t, folder)
		for _, p := range ps {
			got, err := d.Gray(p.g)
			if err != nil {
				t.Errorf("%s/%s: %v", folder, p.name, err)
			}
			for _, b := range got {
				if sameText(b, p.want) {
					read++
					break
				}
			}
		}
		t.Logf("%s: read %d of %d", folder, read, len(ps))
		if read < floor {
			t.Errorf("%s: read %d of %d, want at least %d", folder, read, len(ps), floor)
		}
	}
}

// sameText compares under the sample folders' conventions (UPC-A and UPC-E
// written as EAN-13, add-ons left out).
func sameText(b Barcode, want string) bool {
	if main, addOn, ok := strings.Cut(b.Text, " "); ok && family(b.Symbology) == serialgate.EAN13 && (len(addOn) == 2 || len(addOn) == 5) {
		b.Text = main
	}
	switch {
	case b.Text == want:
		return true
	case b.Symbology == serialgate.UPCA:
		return "0"+b.Text == want
	case b.Symbology == serialgate.UPCE && len(b.Text) == 8:
		return "0"+ExpandUPCE(b.Text) == want
	}
	return false
}

func TestBadInput(t *testing.T) {
	d := New(Options{})
	for _, g := range []Gray{
		{},
		{Pix: make([]byte, 10), Width: 5, Height: 5, Stride: 5},
		{Pix: make([]byte, 10), Width: -1, Height: 2},
		{Pix: make([]byte, 10), Width: 2, Height: 3, Stride: -2},      // rows before Pix
		{Pix: make([]byte, 10), Width: 2, Height: 3},                  // no stride
		{Pix: make([]byte, 10), Width: 2, Height: 3, Stride: 1 << 62}, // (Height-1)*Stride overflows
	} {
		if _, err := d.Gray(g); err == nil {
			t.Errorf("%dx%d with %d bytes: no error", g.Width, g.Height, len(g.Pix))
		}
	}
}

func TestGrayOf(t *testing.T) {
	rgba := image.NewRGBA(image.Rect(0, 0, 4, 2))
	rgba.Set(1, 1, color.RGBA{255, 255, 255, 255})
	g := GrayOf(rgba)
	if g.Width != 4 || g.Height != 2 || g.Pix[1*g.Stride+1] != 255 || g.Pix[0] != 0 {
		t.Errorf("rgba: %+v", g)
	}
	ycc := image.NewYCbCr(image.Rect(0, 0, 8, 8), image.YCbCrSubsampleRatio420)
	ycc.Y[9] = 200
	if g := GrayOf(ycc); &g.Pix[0] != &ycc.Y[0] || g.Pix[9] != 200 {
		t.Error("the Y plane of a YCbCr image should be used in place")
	}
	nrgba := image.NewNRGBA(image.Rect(0, 0, 1, 1)) // transparent: white paper
	if g := GrayOf(nrgba); g.Pix[0] != 255 {
		t.Errorf("transparent pixel read as %d", g.Pix[0])
	}
}

// FuzzGray decodes arbitrary pixels, with rows gap bytes apart beyond their
// width (a negative gap makes a stride Gray must refuse). Gray recovers
// panics only inside gozxing's calls, so a panic in this package fails it.
func FuzzGray(f *testing.F) {
	f.Add([]byte{0, 255, 0, 255}, uint8(2), int8(0))
	f.Add([]byte(strings.Repeat("\x00\xff", 200)), uint8(20), int8(0))
	f.Add([]byte(strings.Repeat("\x00\xff", 200)), uint8(20), int8(3))
	f.Fuzz(func(t *testing.T, pix []byte, width uint8, gap int8) {
		w := int(width)
		if w == 0 || len(pix) < w {
			return
		}
		g := Gray{Pix: pix, Width: w, Height: len(pix) / w, Stride: w + int(gap)}
		if g.Stride > 0 {
			g.Height = (len(pix)-w)/g.Stride + 1
		}
		_, err := New(Options{}).Gray(g)
		if (err != nil) != (g.Stride < w) || err != nil && !strings.HasPrefix(err.Error(), "decode: bad gray image") {
			t.Fatalf("stride %d for width %d: %v", g.Stride, w, err)
		}
	})
}

// FuzzReadImage decodes whatever the image decoders accept: an image that
// loads must be read without an error, and without a panic in this package.
func FuzzReadImage(f *testing.F) {
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := ReadImage(strings.NewReader(string(data)), "fuzz")
		if err != nil {
			return
		}
		if b := img.Bounds(); b.Empty() || b.Dx()*b.Dy() > 1<<20 {
			return
		}
		if _, err := New(Options{Fast: true}).Image(img); err != nil {
			t.Fatal(err)
		}
	})
}

// turn rotates g by deg degrees about its centre onto a white page large
// enough to hold it.
func turn(g Gray, deg float64) Gray {
	a := deg * math.Pi / 180
	c, s := math.Cos(a), math.Sin(a)
	size := int(math.Hypot(float64(g.Width), float64(g.Height))) + 40
	out := canvas(size, size)
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			dx, dy := float64(x)-float64(size)/2, float64(y)-float64(size)/2
			sx, sy := int(c*dx+s*dy+float64(g.Width)/2), int(-s*dx+c*dy+float64(g.Height)/2)
			if sx >= 0 && sy >= 0 && sx < g.Width && sy < g.Height {
				out.Pix[y*size+x] = g.Pix[sy*g.Stride+sx]
			}
		}
	}
	return out
}

// TestDataMatrixByShape reads Data Matrix symbols turned at angles, with
// dark clutter beside them, which the finder by shape exists for.
func TestDataMatrixByShape(t *testing.T) {
	for _, deg := range []float64{0, 17, 33, 45, 71, 190} {
		sym := render(t, encode(t, serialgate.DataMatrix, "AC2000000001"), 6)
		page := canvas(sym.Width+120, sym.Height+120)
		paste(page, sym, 60, 60)
		for y := 10; y < 50; y++ { // a dark bar of print above the symbol
			for x := 10; x < page.Width-10; x += 3 {
				page.Pix[y*page.Stride+x] = 0
			}
		}
		turned := turn(page, deg)
		m, err := newLocalBinarizer(turned, minDynRange).GetBlackMatrix()
		if err != nil {
			t.Fatal(err)
		}
		got := dmByShape(m, 4, nil)
		if len(got) != 1 || got[0].Text != "AC2000000001" || got[0].AIM != "]d1" {
			t.Errorf("turned %v°: %+v", deg, got)
		}
	}
	// A mirrored symbol, as printed on the back of clear film.
	sym := render(t, encode(t, serialgate.DataMatrix, "SN-12345"), 5)
	mir := canvas(sym.Width+60, sym.Height+60)
	for y := 0; y < sym.Height; y++ {
		for x := 0; x < sym.Width; x++ {
			mir.Pix[(y+30)*mir.Stride+30+sym.Width-1-x] = sym.Pix[y*sym.Stride+x]
		}
	}
	m, _ := newLocalBinarizer(mir, minDynRange).GetBlackMatrix()
	if got := dmByShape(m, 4, nil); len(got) != 1 || got[0].Text != "SN-12345" {
		t.Errorf("mirrored: %+v", got)
	}
	// Inside a code of another symbology read there, its shapes are not
	// tried; a place beside it does not hide it.
	if got := dmByShape(m, 4, []image.Rectangle{image.Rect(20, 20, sym.Width+40, sym.Height+40)}); len(got) != 0 {
		t.Errorf("inside a code read already: %+v", got)
	}
	if got := dmByShape(m, 4, []image.Rectangle{image.Rect(40, 40, sym.Width+60, sym.Height+60)}); len(got) != 1 {
		t.Errorf("a code read beside it hid it: %+v", got)
	}
	// Sheared, as a photo taken at a slant or a label printed skewed makes
	// it: a parallelogram, which no rectangle fits, turned as well.
	for _, k := range []float64{0.2, -0.25} {
		sym := render(t, encode(t, serialgate.DataMatrix, "AC2000000001"), 6)
		page := canvas(sym.Width+160, sym.Height+120)
		for y := 0; y < sym.Height; y++ {
			for x := 0; x < sym.Width; x++ {
				page.Pix[(y+60)*page.Stride+80+x+int(k*float64(y-sym.Height/2))] = sym.Pix[y*sym.Stride+x]
			}
		}
		m, _ := newLocalBinarizer(turn(page, 20), minDynRange).GetBlackMatrix()
		if got := dmByShape(m, 4, nil); len(got) != 1 || got[0].Text != "AC2000000001" {
			t.Errorf("sheared by %v: %+v", k, got)
		}
	}
}

// FuzzDMByShape runs the Data Matrix finder by shape on arbitrary black and
// white pixels, one bit each, rows width bits long.
func FuzzDMByShape(f *testing.F) {
	sym := render(f, encode(f, serialgate.DataMatrix, "AC2000000001"), 3)
	page := canvas(sym.Width+40, sym.Height+40)
	paste(page, sym, 20, 20)
	page = turn(page, 17)
	seed := make([]byte, (page.Width*page.Height+7)/8)
	for i, v := range page.Pix {
		if v < 128 {
			seed[i/8] |= 1 << (i % 8)
		}
	}
	f.Add(seed, uint8(page.Width))
	f.Add([]byte{0xff, 0x0f, 0xf0, 0x3c}, uint8(4))
	f.Fuzz(func(t *testing.T, bits []byte, width uint8) {
		w := int(width)
		if w == 0 || len(bits)*8 < w {
			return
		}
		h := len(bits) * 8 / w
		m, err := gozxing.NewBitMatrix(w, h)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < w*h; i++ {
			if bits[i/8]>>(i%8)&1 == 1 {
				m.Set(i%w, i/w)
			}
		}
		for _, b := range dmByShape(m, 4, nil) {
			if b.Symbology != serialgate.DataMatrix || len(b.Corners) != 4 {
				t.Fatalf("got %+v", b)
			}
		}
	})
}

// TestMinQuad fits quadrilaterals around hulls of known shapes.
func TestMinQuad(t *testing.T) {
	// A parallelogram with its corners cut, as a Data Matrix symbol's
	// light top-right module cuts its outline.
	corner := []pt{{0, 0}, {100, 0}, {120, 60}, {20, 60}}
	var par []pt
	for s := range corner {
		a, b := corner[s], corner[(s+1)%4]
		for i := 0; i <= 50; i++ {
			p := lerp(a, b, float64(i)/50)
			if dist(p, corner[1]) > 8 { // the cut corner
				par = append(par, p)
			}
		}
	}
	q, ok := minQuad(hull(par))
	if !ok {
		t.Fatal("no quadrilateral")
	}
	for _, w := range corner {
		near := false
		for _, c := range q {
			near = near || dist(c, w) < 3
		}
		if !near {
			t.Errorf("corner %v missing from %v", w, q)
		}
	}
	if _, ok := minQuad([]pt{{0, 0}, {1, 0}, {0, 1}}); ok {
		t.Error("a triangle gave a quadrilateral")
	}
}

// TestAztecAppend takes the structured-append header off Aztec texts,
// and only where the symbol's first codes say it is one of a series.
func TestAztecAppend(t *testing.T) {
	series := []byte{0b1110_1111, 0b0100_0000} // M/L U/L
	for _, c := range []struct {
		text string
		raw  []byte
		want string
		seq  *Sequence
		aim  string
	}{
		{" Z1.txt DG3456", series, "3456", &Sequence{Index: 4, Count: 7, ID: "Z1.txt"}, "]z6"},
		{"ACSN-1", series, "SN-1", &Sequence{Index: 1, Count: 3}, "]z6"},
		{"ACSN-1", []byte{0b0001_0000, 0}, "ACSN-1", nil, "]z0"},                       // not a series: text kept
		{"CA", series, "CA", nil, "]z0"},                                               // place after count: not a header
		{" no-end", series, " no-end", nil, "]z0"},                                     // file ID without its closing space
		{"A", series, "A", nil, "]z0"},                                                 // too short
		{"AB", []byte{0b1110_1111}, "AB", nil, "]z0"},                                  // too few bits
		{" X AAhello", series, "hello", &Sequence{Index: 1, Count: 1, ID: "X"}, "]z6"}, // one of one
	} {
		b := Barcode{Barcode: serialgate.Barcode{Text: c.text, Symbology: serialgate.Aztec, AIM: "]z0"}}
		aztecAppend(&b, c.raw)
		if b.Text != c.want || b.AIM != c.aim || (b.Sequence == nil) != (c.seq == nil) || (c.seq != nil && *b.Sequence != *c.seq) {
			t.Errorf("%q: got %q %s %+v, want %q %s %+v", c.text, b.Text, b.AIM, b.Sequence, c.want, c.aim, c.seq)
		}
	}
}

// TestInParallel runs every piece of work and raises a worker's panic in
// the caller, after the others have finished.
func TestInParallel(t *testing.T) {
	done := make([]bool, 4)
	inParallel(4, func(i int) { done[i] = true })
	for i, d := range done {
		if !d {
			t.Errorf("piece %d not run", i)
		}
	}
	var finished atomic.Int32
	func() {
		defer func() {
			r := recover()
			if r == nil || !strings.Contains(fmt.Sprint(r), "boom") {
				t.Errorf("recovered %v, want the worker's panic", r)
			}
		}()
		inParallel(3, func(i int) {
			if i == 0 {
				panic("boom")
			}
			finished.Add(1)
		})
	}()
	if finished.Load() != 2 {
		t.Errorf("%d other pieces finished, want 2", finished.Load())
	}
}

// TestQRSequence maps gozxing's structured-append metadata (place in the
// high nibble from 0, count less one in the low nibble) to a Sequence.
func TestQRSequence(t *testing.T) {
	r := gozxing.NewResult("part two", nil, nil, gozxing.BarcodeFormat_QR_CODE)
	r.PutMetadata(gozxing.ResultMetadataType_STRUCTURED_APPEND_SEQUENCE, 0x13)
	r.PutMetadata(gozxing.ResultMetadataType_STRUCTURED_APPEND_PARITY, 7)
	b := fromResult(r)
	if b.Sequence == nil || *b.Sequence != (Sequence{Index: 2, Count: 4, ID: "7"}) || b.Text != "part two" {
		t.Errorf("got %+v", b)
	}
	if b := fromResult(gozxing.NewResult("whole", nil, nil, gozxing.BarcodeFormat_QR_CODE)); b.Sequence != nil {
		t.Errorf("a symbol without structured append got %+v", b.Sequence)
	}
}

// TestIdenticalRows reads a code whose rows binarize alike, where the
// readings of one row are given again for the others: every line crossing
// it counts, and the outline spans the lines, not the first one.
func TestIdenticalRows(t *testing.T) {
	sym := render(t, encode(t, serialgate.Code128, "AC2000000001"), 2) // 120 rows of the same bars
	page := canvas(sym.Width+80, sym.Height+80)
	paste(page, sym, 40, 40)
	got, err := New(Options{}).Gray(page)
	if err != nil || len(got) != 1 || got[0].Text != "AC2000000001" {
		t.Fatalf("got %+v %v", got, err)
	}
	b := got[0]
	box := bounds(b.Corners)
	// Lines are 2 pixels apart here; every other line is read first and,
	// the code being confirmed, the rest are not.
	if b.ScanLines < 25 || box.Dy() < sym.Height*3/4 {
		t.Errorf("%d scan lines, outline %v, want lines across the code's %d rows", b.ScanLines, box, sym.Height)
	}
}

// TestFlat: an image without eight gray levels between its darkest and
// lightest pixels holds no code and is not read at all; one pixel that
// differs enough, on its last row, makes it worth reading.
func TestFlat(t *testing.T) {
	g := Gray{Width: 50, Height: 40, Stride: 50, Pix: make([]byte, 50*40)}
	for i := range g.Pix {
		g.Pix[i] = byte(200 + i%8) // 200 to 207
	}
	if !flat(g) {
		t.Error("a range of 7 gray levels is not flat")
	}
	if got, err := New(Options{}).Gray(g); err != nil || len(got) != 0 {
		t.Errorf("flat image: %v, %v", got, err)
	}
	g.Pix[len(g.Pix)-1] = 199 // 199 to 207
	if flat(g) {
		t.Error("a range of 8 gray levels is flat")
	}
	if !flat(Gray{}) {
		t.Error("an empty image is not flat")
	}
}

// TestUpscaledShared checks that the two upscaled variants of an image
// read one upscaled copy, made once, and that another image given to
// them gets its own.
func TestUpscaledShared(t *testing.T) {
	g := canvas(120, 90)
	paste(g, render(t, encode(t, serialgate.DataMatrix, "AC2000000001"), 3), 10, 10)
	var up []variant
	for _, v := range matrixVariants(g) {
		if strings.HasPrefix(v.name, "upscaled") {
			up = append(up, v)
		}
	}
	if len(up) != 2 {
		t.Fatalf("%d upscaled variants for a %dx%d image, want 2", len(up), g.Width, g.Height)
	}
	a, b := up[0].make(g), up[1].make(g)
	if !sameGray(a, b) {
		t.Error("the upscaled variants made two copies of the image")
	}
	if a.Width != 2*g.Width+32 || a.Height != 2*g.Height+32 {
		t.Errorf("upscaled copy %dx%d, want %dx%d", a.Width, a.Height, 2*g.Width+32, 2*g.Height+32)
	}
	other := canvas(120, 90)
	if c := up[1].make(other); sameGray(c, a) {
		t.Error("another image got the first one's upscaled copy")
	}
}

// TestBoundsFirstPoint takes every point into the box, the first too: a
// QR Code's first result point is its bottom-left finder, which the box
// once left out, and Micro QR then searched that finder as a place
// outside every code read.
func TestBoundsFirstPoint(t *testing.T) {
	got := bounds([]Point{{49.5, 379.5}, {49.5, 49.5}, {379.5, 49.5}, {346.5, 346.5}})
	if want := image.Rect(49, 49, 380, 380); got != want {
		t.Errorf("bounds %v, want %v", got, want)
	}
	if got := bounds([]Point{{7, 8}}); got != image.Rect(7, 8, 8, 9) {
		t.Errorf("one point: bounds %v, want the pixel (7,8)-(8,9)", got)
	}
}
