package decode

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/serialgate/serialgate"
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
