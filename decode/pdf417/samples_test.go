package pdf417

import (
	"bytes"
	"image"
	"image/draw"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "golang.org/x/image/webp"
)

const sharedBarcodes = "../../../shared/testdata/barcodes"

type sample struct {
	name string
	img  *image.Gray
	want []byte // nil for a photo without a symbol
}

// loadSamples reads the PNG, JPEG and WebP images of a folder with their expected bytes
// (NAME.txt or NAME.bin).
func loadSamples(t testing.TB, dir string) []sample {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("sample folder absent: %v", err)
	}
	var out []sample
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if ext != ".png" && ext != ".jpg" && ext != ".webp" {
			continue
		}
		base := strings.TrimSuffix(e.Name(), ext)
		want, err := os.ReadFile(filepath.Join(dir, base+".txt"))
		if err != nil {
			want, err = os.ReadFile(filepath.Join(dir, base+".bin"))
		}
		if err != nil {
			want = nil
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := image.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		out = append(out, sample{e.Name(), grayOf(img), bytes.TrimSuffix(want, []byte("\n"))})
	}
	return out
}

func grayOf(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok {
		return g
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
	return g
}

// TestSharedSamples reads the shared sample images: at least as many as
// this reader read when the test was written, and never a wrong one (the
// symbols with ECIs are compared as text in package decode).
func TestSharedSamples(t *testing.T) {
	read := 0
	for _, s := range loadSamples(t, filepath.Join(sharedBarcodes, "pdf417-1")) {
		got, err := Decode(s.img)
		if err != nil {
			t.Errorf("%s: %v", s.name, err)
			continue
		}
		for _, g := range got {
			switch {
			case bytes.Equal(g.Bytes(), s.want):
				read++
			case g.ECI:
				read++ // compared in package decode
			default:
				t.Errorf("%s: read %q, want %q", s.name, g.Bytes(), s.want)
			}
		}
		if len(got) == 0 {
			t.Logf("%s: not read", s.name)
		}
	}
	if read < 17 {
		t.Errorf("read %d images, want at least 17", read)
	}
}
