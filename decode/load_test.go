package decode

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/serialgate/serialgate/decode/lumajpeg"
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

// TestReadImageJPEG: a sequential JPEG comes back as its luma plane, within
// ±1 of image/jpeg's; ReadColorImage keeps its colour; a progressive one
// falls back to image/jpeg; a broken one fails naming the file and the
// byte.
func TestReadImageJPEG(t *testing.T) {
	const photo = "testdata/boxlabels/images/0000.jpg"
	data, err := os.ReadFile(photo)
	if err != nil {
		t.Fatal(err)
	}
	img, err := ReadImage(bytes.NewReader(data), "0000.jpg")
	if err != nil {
		t.Fatal(err)
	}
	g, ok := img.(*image.Gray)
	if !ok {
		t.Fatalf("got a %T, want *image.Gray", img)
	}
	want, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	y := want.(*image.YCbCr)
	if !g.Rect.Eq(y.Rect) {
		t.Fatalf("size %v, want %v", g.Rect, y.Rect)
	}
	for py := range y.Rect.Dy() {
		for px := range y.Rect.Dx() {
			if d := int(g.Pix[py*g.Stride+px]) - int(y.Y[py*y.YStride+px]); d > 1 || d < -1 {
				t.Fatalf("pixel (%d,%d) differs by %d", px, py, d)
			}
		}
	}
	f, err := os.Open(photo)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if img, err := ReadColorImage(f, "0000.jpg"); err != nil {
		t.Fatal(err)
	} else if _, ok := img.(*image.YCbCr); !ok {
		t.Fatalf("ReadColorImage gave a %T, want *image.YCbCr", img)
	}

	const progressive = "../testdata/barcodes/falsepositives-1/MQR-falsepositive.jpg"
	pdata, err := os.ReadFile(progressive)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lumajpeg.Decode(pdata, DefaultMaxPixels); !errors.Is(err, lumajpeg.ErrUnsupported) {
		t.Fatalf("lumajpeg on a progressive JPEG: %v, want ErrUnsupported", err)
	}
	pimg, err := ReadImage(bytes.NewReader(pdata), "p.jpg")
	if err != nil {
		t.Fatal(err)
	}
	pwant, err := jpeg.Decode(bytes.NewReader(pdata))
	if err != nil {
		t.Fatal(err)
	}
	if pg, ok := pimg.(*image.Gray); !ok || !bytes.Equal(pg.Pix, pwant.(*image.Gray).Pix) {
		t.Fatalf("progressive JPEG gave a %T, not image/jpeg's decoding", pimg)
	}

	// A stream lumajpeg finds malformed but image/jpeg reads (no DQT
	// segment: image/jpeg takes all-zero tables) is image/jpeg's.
	noDQT := small16(t)
	for i := 2; i+4 <= len(noDQT) && noDQT[i] == 0xff && noDQT[i+1] != 0xda; {
		n := 2 + int(noDQT[i+2])<<8 | int(noDQT[i+3])
		if noDQT[i+1] == 0xdb {
			noDQT = append(noDQT[:i:i], noDQT[i+n:]...)
			continue
		}
		i += n
	}
	if _, err := lumajpeg.Decode(noDQT, DefaultMaxPixels); err == nil || errors.Is(err, lumajpeg.ErrUnsupported) {
		t.Fatalf("lumajpeg on a JPEG without DQT: %v, want it malformed", err)
	}
	if _, err := jpeg.Decode(bytes.NewReader(noDQT)); err != nil {
		t.Fatalf("image/jpeg on a JPEG without DQT: %v", err)
	}
	if img, err := ReadImage(bytes.NewReader(noDQT), "nodqt.jpg"); err != nil {
		t.Fatalf("a JPEG image/jpeg reads: %v", err)
	} else if _, ok := img.(*image.YCbCr); !ok {
		t.Fatalf("a JPEG without DQT gave a %T, not image/jpeg's decoding", img)
	}

	broken := bytes.Clone(data[:len(data)/2])
	_, err = ReadImage(bytes.NewReader(broken), "broken.jpg")
	if err == nil || !strings.HasPrefix(err.Error(), "read image broken.jpg: lumajpeg: byte ") {
		t.Fatalf("got %v", err)
	}
	// A stream padded past 8 bytes a pixel (and 1 MiB) with a comment
	// after the frame is left to image/jpeg, which streams: its colour
	// shows which decoder read it.
	small := new(bytes.Buffer)
	jpeg.Encode(small, image.NewRGBA(image.Rect(0, 0, 16, 16)), nil)
	if img, err := ReadImage(bytes.NewReader(small.Bytes()), "small.jpg"); err != nil {
		t.Fatal(err)
	} else if _, ok := img.(*image.Gray); !ok {
		t.Fatalf("unpadded: got a %T, want lumajpeg's *image.Gray", img)
	}
	padded := append(bytes.Clone(small.Bytes()[:2]), 0xff, 0xfe, 0xff, 0xff)
	padded = append(padded, make([]byte, 0xfffd)...)
	for range 17 {
		padded = append(padded, padded[2:2+0x10001]...)
	}
	padded = append(padded, small.Bytes()[2:]...)
	if img, err := ReadImage(bytes.NewReader(padded), "padded.jpg"); err != nil {
		t.Fatal(err)
	} else if _, ok := img.(*image.YCbCr); !ok || img.Bounds().Dx() != 16 {
		t.Fatalf("padded: got a %T of %v, want image/jpeg's *image.YCbCr", img, img.Bounds())
	}
	_, err = ReadImageMax(bytes.NewReader(data), "big.jpg", 1000)
	if err == nil || !strings.Contains(err.Error(), "big.jpg: jpeg of ") {
		t.Fatalf("got %v", err)
	}
}

// small16 is a 16×16 colour JPEG from image/jpeg.
func small16(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 16, 16)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
