//go:build unix

package decode

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadImageMapped reads image files as a station does, from an open
// file (mapped when large enough), and checks each gives the image that
// reading the same bytes from memory gives, from where the file stood, and
// leaves the file at its end.
func TestReadImageMapped(t *testing.T) {
	dir := t.TempDir()
	jpegData, err := os.ReadFile("testdata/boxlabels/images/0000.jpg")
	if err != nil {
		t.Fatal(err)
	}
	// A noisy PNG and GIF, large enough to be mapped.
	rng := rand.New(rand.NewPCG(1, 2))
	noisy := image.NewGray(image.Rect(0, 0, 300, 200))
	for i := range noisy.Pix {
		noisy.Pix[i] = uint8(rng.IntN(256))
	}
	var pngData, gifData bytes.Buffer
	if err := png.Encode(&pngData, noisy); err != nil {
		t.Fatal(err)
	}
	grays := make(color.Palette, 256)
	for i := range grays {
		grays[i] = color.Gray{uint8(i)}
	}
	pal := image.NewPaletted(noisy.Rect, grays)
	copy(pal.Pix, noisy.Pix)
	if err := gif.Encode(&gifData, pal, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data []byte
		skip int // bytes before the image, read by the caller first
	}{
		{"label.jpg", jpegData, 0},
		{"label.png", pngData.Bytes(), 0},
		{"label.gif", gifData.Bytes(), 0},
		{"after-a-header.png", append(bytes.Repeat([]byte("x"), 1000), pngData.Bytes()...), 1000},
		{"small.png", small16(t), 0},
	} {
		if c.name != "small.png" && len(c.data)-c.skip < minMapped {
			t.Fatalf("%s: %d bytes, too few to be mapped", c.name, len(c.data))
		}
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		want, err := ReadImage(bytes.NewReader(c.data[c.skip:]), c.name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Seek(int64(c.skip), io.SeekStart); err != nil {
			t.Fatal(err)
		}
		got, err := ReadImage(f, c.name)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !sameImage(got, want) {
			t.Errorf("%s: the file's image differs from its bytes'", c.name)
		}
		if at, _ := f.Seek(0, io.SeekCurrent); at != int64(len(c.data)) {
			t.Errorf("%s: the file is left at %d, want its end %d", c.name, at, len(c.data))
		}
		// Over a pixel limit, or cut short: the same error either way.
		_, wantErr := ReadImageMax(bytes.NewReader(c.data[c.skip:]), c.name, 100)
		f.Seek(int64(c.skip), io.SeekStart)
		if _, err := ReadImageMax(f, c.name, 100); wantErr == nil || err == nil || err.Error() != wantErr.Error() {
			t.Errorf("%s over the limit: got %v, want %v", c.name, err, wantErr)
		}
		cut := filepath.Join(dir, "cut-"+c.name)
		os.WriteFile(cut, c.data[:c.skip+(len(c.data)-c.skip)*2/3], 0o644)
		_, wantErr = ReadImage(bytes.NewReader(c.data[c.skip:c.skip+(len(c.data)-c.skip)*2/3]), c.name)
		cf, err := os.Open(cut)
		if err != nil {
			t.Fatal(err)
		}
		cf.Seek(int64(c.skip), io.SeekStart)
		if _, err := ReadImage(cf, c.name); wantErr == nil || err == nil || err.Error() != wantErr.Error() {
			t.Errorf("%s cut short: got %v, want %v", c.name, err, wantErr)
		}
		cf.Close()
		f.Close()
	}
}

// sameImage tells whether two images have the same bounds and colours.
func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				return false
			}
		}
	}
	return true
}

// TestReadImageMappedCutShort cuts a mapped image file short before it is
// decoded, as another program rewriting it would: the reads past its new
// end fault, which must come back as an error naming the file, not crash
// the process.
func TestReadImageMappedCutShort(t *testing.T) {
	data, err := os.ReadFile("testdata/boxlabels/images/0000.jpg")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "label.jpg")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, done := mapInput(f)
	if m == nil {
		t.Fatal("the file was not mapped")
	}
	defer done()
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	img, err := readMapped(m, "label.jpg", DefaultMaxPixels)
	if err == nil || img != nil || !strings.Contains(err.Error(), "label.jpg") || !strings.Contains(err.Error(), "changed while it was read") {
		t.Fatalf("got %v, %v; want an error that the file changed", img, err)
	}
}
