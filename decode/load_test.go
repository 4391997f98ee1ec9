package decode

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/serialgate/serialgate/decode/lumajpeg"
	"github.com/serialgate/serialgate/decode/lumapng"
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

// pngChunks writes a PNG of the given IHDR fields around a zlib stream of
// raw (filtered) rows, plus tail bytes after the stream in its IDAT.
func pngChunks(t *testing.T, w, h uint32, depth, ctype, interlace byte, raw, tail []byte) []byte {
	t.Helper()
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(raw)
	zw.Close()
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		b.Write(binary.BigEndian.AppendUint32(nil, uint32(len(data))))
		b.WriteString(typ)
		b.Write(data)
		b.Write(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(append([]byte(typ), data...))))
	}
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)
	chunk("IHDR", append(ihdr, depth, ctype, 0, 0, interlace))
	chunk("IDAT", append(z.Bytes(), tail...))
	chunk("IEND", nil)
	return b.Bytes()
}

// TestReadImagePNG: a PNG comes back as lumapng's gray, exactly GrayOf of
// image/png's image; ReadColorImage keeps its colour; an interlaced one
// falls back to image/png, as does one lumapng finds malformed but
// image/png reads; a broken one fails naming the file and the byte.
func TestReadImagePNG(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 61, 37))
	for i := range src.Pix {
		src.Pix[i] = byte(i*7 + i/61)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, src); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	img, err := ReadImage(bytes.NewReader(data), "c.png")
	if err != nil {
		t.Fatal(err)
	}
	g, ok := img.(*image.Gray)
	if !ok {
		t.Fatalf("got a %T, want *image.Gray", img)
	}
	want, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := want.(*image.NRGBA); !ok {
		t.Fatalf("image/png gave a %T, want *image.NRGBA", want)
	}
	wg := GrayOf(want)
	if !g.Rect.Eq(want.Bounds()) || !bytes.Equal(g.Pix, wg.Pix) {
		t.Fatal("lumapng's pixels differ from GrayOf(image/png)")
	}
	if img, err := ReadColorImage(bytes.NewReader(data), "c.png"); err != nil {
		t.Fatal(err)
	} else if _, ok := img.(*image.NRGBA); !ok {
		t.Fatalf("ReadColorImage gave a %T, want *image.NRGBA", img)
	}

	// An interlaced 2×1 RGB image: Adam7 puts its pixels in passes 1 and
	// 6, a row each. image/png's *image.RGBA shows who decoded it.
	interlaced := pngChunks(t, 2, 1, 8, 2, 1, []byte{0, 10, 20, 30, 0, 40, 50, 60}, nil)
	if _, err := lumapng.Decode(interlaced, DefaultMaxPixels); !errors.Is(err, lumapng.ErrUnsupported) {
		t.Fatalf("lumapng on an interlaced PNG: %v, want ErrUnsupported", err)
	}
	if img, err := ReadImage(bytes.NewReader(interlaced), "i.png"); err != nil {
		t.Fatal(err)
	} else if m, ok := img.(*image.RGBA); !ok || m.Pix[4] != 40 {
		t.Fatalf("interlaced PNG gave a %T, not image/png's decoding", img)
	}

	// Bytes after the zlib stream in its IDAT chunk: lumapng refuses them,
	// image/png reads them when its buffer holds them with the stream.
	trailing := pngChunks(t, 2, 1, 8, 2, 0, []byte{0, 10, 20, 30, 40, 50, 60}, []byte{0, 0})
	if _, err := lumapng.Decode(trailing, DefaultMaxPixels); err == nil || errors.Is(err, lumapng.ErrUnsupported) {
		t.Fatalf("lumapng on trailing bytes: %v, want it malformed", err)
	}
	if img, err := ReadImage(bytes.NewReader(trailing), "t.png"); err != nil {
		t.Fatalf("a PNG image/png reads: %v", err)
	} else if _, ok := img.(*image.RGBA); !ok {
		t.Fatalf("trailing bytes gave a %T, not image/png's decoding", img)
	}

	broken := bytes.Clone(data[:len(data)/2])
	_, err = ReadImage(bytes.NewReader(broken), "broken.png")
	if err == nil || !strings.HasPrefix(err.Error(), "read image broken.png: lumapng: byte ") {
		t.Fatalf("got %v", err)
	}
	_, err = ReadImageMax(bytes.NewReader(data), "big.png", 1000)
	if err == nil || !strings.Contains(err.Error(), "big.png: png of 61×37 pixels is over the limit") {
		t.Fatalf("got %v", err)
	}
}
