package decode

import (
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/serialgate/serialgate"
)

// TestMicroQRNoFalsePositives reads shared sample photos without a Micro
// QR Code, looking for Micro QR only: they must give nothing.
func TestMicroQRNoFalsePositives(t *testing.T) {
	if testing.Short() {
		t.Skip("reads every shared photo")
	}
	// Regular QR codes, whose finder patterns look alike, and the photos
	// without any code.
	folders := []string{"falsepositives-1", "qrcode-2", "qrcode-5"}
	d := New(Options{Formats: []serialgate.Symbology{serialgate.MicroQR}})
	n := 0
	for _, p := range loadPhotos(t, folders...) {
		n++
		got, err := d.Gray(p.g)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range got {
			t.Errorf("%s/%s: read a Micro QR Code %q where there is none", p.folder, p.name, b.Text)
		}
	}
	t.Logf("%d photos", n)
}

// TestMicroQRInverted reads a Micro QR Code printed light on dark, which
// the standard allows, through the decoder's inverted view.
func TestMicroQRInverted(t *testing.T) {
	c := roundTrip{name: "microqr-inverted", sym: serialgate.MicroQR, tool: "qrencode", args: []string{"-M", "-v", "2", "-s", "4", "-m", "3", "--foreground=FFFFFF", "--background=000000", "SN4711"}}
	got, err := New(Options{}).Image(c.encode(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Text != "SN4711" || got[0].Symbology != serialgate.MicroQR || got[0].AIM != "]Q1" {
		t.Errorf("read %+v", got)
	}
}

// TestMicroQRLabel reads a label with a Micro QR Code beside a QR code, an
// Aztec code and a Code 128, all drawn by zint: each is read once, as what
// it is (the Micro QR reader runs after the other 2D readers and passes
// over what lies inside their codes).
func TestMicroQRLabel(t *testing.T) {
	page := canvas(800, 500)
	for _, c := range []struct {
		rt   roundTrip
		x, y int
	}{
		{zintCase("qr", serialgate.QRCode, 58, "SG-0042", "", "", "--scale=2"), 40, 40},
		{zintCase("microqr", serialgate.MicroQR, 97, "SN4711", "", "", "--scale=2"), 300, 60},
		{zintCase("aztec", serialgate.Aztec, 92, "AZ-0042", "", "", "--scale=2"), 370, 220},
		{zintCase("code128", serialgate.Code128, 20, "AC2000000001", "", ""), 40, 300},
	} {
		paste(page, GrayOf(c.rt.encode(t)), c.x, c.y)
	}
	got, err := New(Options{}).Gray(page)
	if err != nil {
		t.Fatal(err)
	}
	want := map[serialgate.Symbology]string{serialgate.QRCode: "SG-0042", serialgate.MicroQR: "SN4711", serialgate.Aztec: "AZ-0042",
		serialgate.Code128: "AC2000000001"}
	for _, b := range got {
		if want[b.Symbology] != b.Text {
			t.Errorf("read %s %q", b.Symbology, b.Text)
		}
		delete(want, b.Symbology)
	}
	for s, text := range want {
		t.Errorf("%s %q not read", s, text)
	}
}

// TestFinderLike: the gate before the Micro QR reader's own binarization
// opens on a Micro QR Code (square, turned, blurred), and stays shut on a
// page of 1D codes and on a blank page. (Speckle of single pixels can open
// it: a Micro QR Code of one-pixel modules is read, so the gate takes them.)
func TestFinderLike(t *testing.T) {
	matrix := func(g Gray) *gozxing.BitMatrix {
		m, err := newLocalBinarizer(g, minDynRange).GetBlackMatrix()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	sym := GrayOf(zintCase("microqr", serialgate.MicroQR, 97, "SN4711", "", "", "--scale=3").encode(t))
	for _, deg := range []float64{0, 30, 63} {
		page := canvas(400, 300)
		paste(page, sym, 120, 80)
		g := boxBlur(turnSmooth(page, deg), 1)
		if fs, ok := finderLike(matrix(g), nil); !ok || len(fs) == 0 {
			t.Errorf("Micro QR Code turned %.0f° and blurred: no finder pattern seen", deg)
		}
	}
	if fs, ok := finderLike(matrix(label(t, 3)), nil); !ok || len(fs) > 0 {
		t.Error("a finder pattern seen on a page of a Code 128 and an EAN-13")
	}
	if fs, ok := finderLike(matrix(canvas(400, 300)), nil); !ok || len(fs) > 0 {
		t.Error("a finder pattern seen on a blank page")
	}
}

// TestMicroQRBesidePDF417: Micro QR passes over the finder-like places
// inside a PDF417 symbol already read (its rows' bars make them), and still
// reads a Micro QR Code printed beside it.
func TestMicroQRBesidePDF417(t *testing.T) {
	page := canvas(760, 300)
	pdf := zintCase("pdf417", serialgate.PDF417, 55, "SERIAL AC2000000001 MODEL X", "", "", "--scale=2")
	paste(page, GrayOf(pdf.encode(t)), 30, 40)
	paste(page, GrayOf(zintCase("microqr", serialgate.MicroQR, 97, "SN4711", "", "", "--scale=3").encode(t)), 620, 100)
	var known []Barcode
	got, err := New(Options{}).Gray(page)
	if err != nil {
		t.Fatal(err)
	}
	want := map[serialgate.Symbology]string{serialgate.PDF417: "SERIAL AC2000000001 MODEL X", serialgate.MicroQR: "SN4711"}
	for _, b := range got {
		if want[b.Symbology] != b.Text {
			t.Errorf("read %s %q", b.Symbology, b.Text)
		}
		if b.Symbology == serialgate.PDF417 {
			known = append(known, b)
		}
		delete(want, b.Symbology)
	}
	for s, text := range want {
		t.Errorf("%s %q not read", s, text)
	}
	// The symbol's bars do look like finder patterns: there was something
	// to pass over.
	m, err := newLocalBinarizer(page, minDynRange).GetBlackMatrix()
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := finderLike(m, nil)
	in := 0
	for _, f := range fs {
		at := Barcode{Corners: []Point{{f.X, f.Y}}}
		if len(known) == 1 && inside(at, known[0], 0.1) {
			in++
		}
	}
	if in == 0 {
		t.Errorf("none of %d finder-like places inside the PDF417 symbol: nothing to pass over", len(fs))
	}
}
