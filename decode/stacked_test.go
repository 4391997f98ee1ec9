package decode

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/decode/pdf417"
	"github.com/serialgate/serialgate/internal/testenv"
)

// TestPDF417Macro reads a Macro PDF417 symbol zint draws: its text, its
// AIM identifier and its place in the series.
func TestPDF417Macro(t *testing.T) {
	out := filepath.Join(t.TempDir(), "macro.png")
	zint := testenv.Tool(t, "zint", "zint")
	if b, err := exec.Command(zint, "-b", "55", "--structapp=2,3,17", "-o", out, "-d", "AC2000000001").CombinedOutput(); err != nil {
		t.Fatalf("zint: %v: %s", err, b)
	}
	png, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	img, err := ReadImage(bytes.NewReader(png), out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := New(Options{Formats: []serialgate.Symbology{serialgate.PDF417}}).Image(img)
	if err != nil || len(got) != 1 {
		t.Fatalf("got %v, %v", got, err)
	}
	b := got[0]
	if b.Text != "AC2000000001" || b.AIM != "]L2" || b.Symbology != serialgate.PDF417 || len(b.Corners) != 4 {
		t.Errorf("read %+v", b)
	}
	if s := b.Sequence; s == nil || *s != (Sequence{Index: 2, Count: 3, ID: "017"}) || !b.Partial() {
		t.Errorf("sequence %+v", b.Sequence)
	}
}

// TestPDF417Shared reads the shared PDF417 samples (at least as many as
// when the reader was written, none wrong) and finds no PDF417 symbol on
// the photos without a barcode.
func TestPDF417Shared(t *testing.T) {
	d := New(Options{Formats: []serialgate.Symbology{serialgate.PDF417}})
	read := 0
	for _, p := range loadPhotos(t, "pdf417-1", "falsepositives-1") {
		got, err := d.Gray(p.g)
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		for _, b := range got {
			if p.want == "" || b.Text != p.want {
				t.Errorf("%s/%s: read %q, want %q", p.folder, p.name, b.Text, p.want)
				continue
			}
			read++
		}
	}
	if read < 16 { // 09.png's expectation is a .bin file, compared by bench/decodecmp
		t.Errorf("read %d PDF417 samples, want at least 16", read)
	}
}

// TestCheckedOutlines: the MicroPDF417 search passes over the outlines of
// 1D codes with a check character only, and only those with four corners.
func TestCheckedOutlines(t *testing.T) {
	quad := []Point{{0, 0}, {10, 0}, {10, 5}, {0, 5}}
	code := func(s serialgate.Symbology, corners []Point) Barcode {
		return Barcode{Barcode: serialgate.Barcode{Symbology: s, Text: "1"}, Corners: corners}
	}
	moved := []Point{{20, 0}, {30, 0}, {30, 5}, {20, 5}}
	in := []Barcode{
		code(serialgate.Code128, quad), code(serialgate.EAN13, moved), code(serialgate.UPCE, quad),
		code(serialgate.Codabar, quad), code(serialgate.Code39, quad), code(serialgate.ITF, quad),
		code(serialgate.QRCode, quad), code(serialgate.Code128, quad[:2]),
	}
	qs := checkedOutlines(in)
	if len(qs) != 3 || qs[0][2] != (pdf417.Point{X: 10, Y: 5}) || qs[1][0] != (pdf417.Point{X: 20, Y: 0}) {
		t.Errorf("checkedOutlines %v, want the Code 128, EAN-13 and UPC-E outlines", qs)
	}
}
