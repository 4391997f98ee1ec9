package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/serialgate/serialgate/decode"
)

// TestCleanPhotos makes clean photos (square to the camera, sharp) and
// checks their truth against the photo: every corner inside the frame,
// and each serial read back by the decoder, as placed.
func TestCleanPhotos(t *testing.T) {
	if _, err := exec.LookPath("zint"); err != nil {
		t.Skipf("zint is not installed (Debian package zint): %v", err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "images"), 0o755); err != nil {
		t.Fatal(err)
	}
	serials := 0
	for i := range 4 {
		tl, err := makePhoto(i, 11, dir, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range tl.Barcodes {
			for _, c := range b.CornersPx {
				if c[0] < 0 || c[1] < 0 || c[0] > float64(tl.Width) || c[1] > float64(tl.Height) {
					t.Errorf("%s: barcode %d corner %v outside the %dx%d frame", tl.File, b.ID, c, tl.Width, tl.Height)
				}
			}
		}
		f, err := os.Open(filepath.Join(dir, tl.File))
		if err != nil {
			t.Fatal(err)
		}
		img, err := decode.ReadImage(f, tl.File)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != tl.Width || b.Dy() != tl.Height {
			t.Errorf("%s: %v, truth says %dx%d", tl.File, b, tl.Width, tl.Height)
		}
		if tl.SerialBarcode == nil {
			continue
		}
		serials++
		found, err := decode.New(decode.Options{}).Image(img)
		if err != nil {
			t.Fatal(err)
		}
		want := tl.Barcodes[*tl.SerialBarcode].Text
		if !slices.ContainsFunc(found, func(b decode.Barcode) bool { return b.Text == want }) {
			t.Errorf("%s: serial %q not read on the clean photo", tl.File, want)
		}
	}
	if serials == 0 {
		t.Error("no serial on four photos")
	}
}
