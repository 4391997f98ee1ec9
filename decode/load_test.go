package decode

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"strings"
	"testing"
)

// TestReadImageMax: an image within the limit decodes whole (what the size
// check read is not lost); one over it is refused from its header, with
// the file's name and its size in the error.
func TestReadImageMax(t *testing.T) {
	src := image.NewGray(image.Rect(0, 0, 300, 200))
	for i := range src.Pix {
		src.Pix[i] = byte(i * 7)
	}
	var b bytes.Buffer
	png.Encode(&b, src)
	img, err := ReadImageMax(bytes.NewReader(b.Bytes()), "ok.png", 60000)
	if err != nil {
		t.Fatal(err)
	}
	if g, ok := img.(*image.Gray); !ok || !bytes.Equal(g.Pix, src.Pix) {
		t.Fatal("decoded image differs")
	}
	_, err = ReadImageMax(bytes.NewReader(b.Bytes()), "big.png", 59999)
	if err == nil || !strings.Contains(err.Error(), "big.png: png of 300×200 pixels is over the limit of 59999 pixels") {
		t.Fatalf("got %v", err)
	}
	// A WebP sample read through the size check decodes as before.
	f, err := os.Open("../testdata/barcodes/code128-2/01.webp")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := ReadImage(f, "01.webp"); err != nil {
		t.Fatal(err)
	}
}
