package decode

import (
	"math"
	"testing"

	"github.com/serialgate/serialgate"
	shoot "github.com/serialgate/serialgate/internal/photo"
)

// TestMicroPDF417NoFalsePositives reads shared sample photos without a
// MicroPDF417 symbol, looking for MicroPDF417 only: they must give
// nothing. The 1D folders are there for their bars, which read as row
// address patterns on every line, and PDF417 for its codewords.
func TestMicroPDF417NoFalsePositives(t *testing.T) {
	if testing.Short() {
		t.Skip("reads shared photos")
	}
	folders := []string{"falsepositives-1", "pdf417-1", "code128-2", "code39-3", "ean13-1", "itf-1", "upca-2", "datamatrix-3", "qrcode-4"}
	d := New(Options{Formats: []serialgate.Symbology{serialgate.MicroPDF417}})
	n := 0
	for _, p := range loadPhotos(t, folders...) {
		n++
		got, err := d.Gray(p.g)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range got {
			t.Errorf("%s/%s: read a MicroPDF417 symbol %q where there is none", p.folder, p.name, b.Text)
		}
	}
	t.Logf("%d photos", n)
}

// microPDF417Label is a label with a MicroPDF417 symbol beside a PDF417
// symbol and a Code 128, all drawn by zint.
func microPDF417Label(t *testing.T) Gray {
	page := canvas(900, 500)
	for _, c := range []struct {
		rt   roundTrip
		x, y int
	}{
		{zintCase("pdf417", serialgate.PDF417, 55, "SG-0042", "", "", "--scale=2"), 40, 40},
		{zintCase("micropdf417", serialgate.MicroPDF417, 84, "SN4711", "", "", "--scale=2"), 480, 60},
		{zintCase("code128", serialgate.Code128, 20, "AC2000000001", "", ""), 40, 300},
	} {
		paste(page, GrayOf(c.rt.encode(t)), c.x, c.y)
	}
	return page
}

// TestMicroPDF417Label reads the label: each code once, as what it is,
// the MicroPDF417 symbol with PDF417's AIM identifier.
func TestMicroPDF417Label(t *testing.T) {
	got, err := New(Options{}).Gray(microPDF417Label(t))
	if err != nil {
		t.Fatal(err)
	}
	want := map[serialgate.Symbology]string{serialgate.PDF417: "SG-0042", serialgate.MicroPDF417: "SN4711", serialgate.Code128: "AC2000000001"}
	for _, b := range got {
		if want[b.Symbology] != b.Text {
			t.Errorf("read %s %q", b.Symbology, b.Text)
		}
		if b.Symbology == serialgate.MicroPDF417 && b.AIM != "]L2" {
			t.Errorf("MicroPDF417 AIM %q, want ]L2", b.AIM)
		}
		delete(want, b.Symbology)
	}
	for s, text := range want {
		t.Errorf("%s %q not read", s, text)
	}
}

// TestMicroPDF417Formats: the formats choose between PDF417 and
// MicroPDF417, and the fast mode looks for MicroPDF417 only when the
// formats name it.
func TestMicroPDF417Formats(t *testing.T) {
	page := microPDF417Label(t)
	for _, c := range []struct {
		name string
		opts Options
		want []serialgate.Symbology
	}{
		{"micro only", Options{Formats: []serialgate.Symbology{serialgate.MicroPDF417}}, []serialgate.Symbology{serialgate.MicroPDF417}},
		{"pdf417 only", Options{Formats: []serialgate.Symbology{serialgate.PDF417}}, []serialgate.Symbology{serialgate.PDF417}},
		{"fast", Options{Fast: true}, []serialgate.Symbology{serialgate.PDF417, serialgate.Code128}},
		{"fast, micro named", Options{Fast: true, Formats: []serialgate.Symbology{serialgate.MicroPDF417, serialgate.PDF417}}, []serialgate.Symbology{serialgate.PDF417, serialgate.MicroPDF417}},
	} {
		got, err := New(c.opts).Gray(page)
		if err != nil {
			t.Fatal(err)
		}
		have := map[serialgate.Symbology]bool{}
		for _, b := range got {
			have[b.Symbology] = true
		}
		for _, s := range c.want {
			if !have[s] {
				t.Errorf("%s: %s not read (read %v)", c.name, s, have)
			}
			delete(have, s)
		}
		for s := range have {
			t.Errorf("%s: read %s", c.name, s)
		}
	}
}

func TestParseMicroPDF417(t *testing.T) {
	for _, name := range []string{"MicroPDF417", "micropdf417", "MICRO_PDF_417", "micropdf", "micro-pdf417"} {
		if s, err := serialgate.ParseSymbology(name); err != nil || s != serialgate.MicroPDF417 {
			t.Errorf("ParseSymbology(%q) = %q, %v", name, s, err)
		}
	}
	if s, err := serialgate.ParseSymbology("PDF417"); err != nil || s != serialgate.PDF417 {
		t.Errorf("ParseSymbology(PDF417) = %q, %v", s, err)
	}
}

// TestMicroPDF417Turned reads MicroPDF417 symbols zint draws, photographed
// at angles between the quarter turns, blurred and noisy: the decoder's
// gradient regions give the PDF417 reader the angle to scan along. The
// text comes back exactly, and nothing else is read.
func TestMicroPDF417Turned(t *testing.T) {
	d := New(Options{})
	for _, c := range []roundTrip{
		zintCase("micropdf417-1col", serialgate.MicroPDF417, 84, "AC2000000001", "AC2000000001", "]L2", "--cols=1"),
		zintCase("micropdf417", serialgate.MicroPDF417, 84, "SG-0042-ABC", "SG-0042-ABC", "]L2"),
		zintCase("micropdf417-3col", serialgate.MicroPDF417, 84, "SN: AC-2000-000001 lot 42", "SN: AC-2000-000001 lot 42", "]L2", "--cols=3"),
		zintCase("micropdf417-4col", serialgate.MicroPDF417, 84, "serial AC2000000001, model GBX-CAM-2W", "serial AC2000000001, model GBX-CAM-2W", "]L2", "--cols=4"),
	} {
		src := c.encode(t)
		for i, deg := range []float64{-5, 15, 35, 50, 65, 110, 145, 200, 235, 290, 320} {
			for _, scale := range []float64{1.5, 2.5} {
				img := shoot.Render(src, shoot.Params{Angle: deg, Scale: scale, Blur: 0.6, Noise: 6, Margin: 40, Seed: uint64(i)})
				got, err := d.Image(img)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != 1 || got[0].Symbology != c.sym || got[0].Text != c.text || got[0].AIM != c.aim {
					t.Errorf("%s at %v°, scale %v: read %+v", c.name, deg, scale, got)
				}
			}
		}
	}
}

// TestAngleNear: directions across bars a half turn apart are the same,
// and the difference wraps there.
func TestAngleNear(t *testing.T) {
	deg := math.Pi / 180
	for _, c := range []struct {
		a, b float64
		want bool
	}{
		{10 * deg, 11.5 * deg, true},
		{10 * deg, 13 * deg, false},
		{89.5 * deg, -89.5 * deg, true},
		{5 * deg, 184 * deg, true},
		{0, 90 * deg, false},
	} {
		if got := angleNear(c.a, c.b, 2*deg); got != c.want {
			t.Errorf("angleNear(%.1f°, %.1f°) = %v", c.a/deg, c.b/deg, got)
		}
	}
}
