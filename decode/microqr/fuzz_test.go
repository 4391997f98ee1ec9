package microqr

import (
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testdataSymbols returns the symbols kept in testdata (drawn by qrencode
// and zint) with the texts they hold.
func testdataSymbols(t testing.TB) (map[string]Image, map[string]string) {
	t.Helper()
	files, err := filepath.Glob("testdata/*.png")
	if err != nil || len(files) == 0 {
		t.Fatalf("no symbols in testdata: %v", err)
	}
	ims, texts := map[string]Image{}, map[string]string{}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want, err := os.ReadFile(strings.TrimSuffix(name, ".png") + ".txt")
		if err != nil {
			t.Fatal(err)
		}
		ims[name], texts[name] = grayImage(img), string(want)
	}
	return ims, texts
}

// TestTestdata reads the symbols kept in the repository, so that a fresh
// clone without qrencode or zint checks the reader too.
func TestTestdata(t *testing.T) {
	ims, texts := testdataSymbols(t)
	for name, im := range ims {
		got, err := Read(im)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Text != texts[name] {
			t.Errorf("%s: read %+v, want %q", name, got, texts[name])
		}
	}
}

// FuzzRead runs the detector on small images: it must return without a
// panic, and an error only for a malformed Image.
func FuzzRead(f *testing.F) {
	ims, _ := testdataSymbols(f)
	for _, im := range ims {
		if im.Width <= 255 {
			f.Add(im.Pix, uint8(im.Width), uint8(im.Stride-im.Width))
		}
	}
	f.Add([]byte{0, 255, 0, 255}, uint8(2), uint8(0))
	f.Fuzz(func(t *testing.T, pix []byte, width, gap uint8) {
		w := int(width)
		if w == 0 || len(pix) < w || len(pix) > 128*128 {
			return
		}
		stride := w + int(gap)
		im := Image{Pix: pix, Width: w, Height: (len(pix)-w)/stride + 1, Stride: stride}
		if _, err := Read(im); err != nil {
			t.Fatalf("%dx%d stride %d: %v", im.Width, im.Height, im.Stride, err)
		}
		// Around places inside, at the edges and outside the image, of any
		// module size the bytes give.
		var fs []Finder
		for i := 0; i+2 < len(pix) && len(fs) < 4; i += 37 {
			fs = append(fs, Finder{X: float64(int(pix[i]) - 64), Y: float64(int(pix[i+1]) - 64), Module: float64(pix[i+2]) / 16})
		}
		if _, err := ReadAround(im, fs); err != nil {
			t.Fatalf("%dx%d stride %d around %v: %v", im.Width, im.Height, im.Stride, fs, err)
		}
	})
}

// FuzzDecodeBits runs the bitstream decoder on any codewords: it returns
// segments, or a *BitstreamError (or a version or length error), never
// panics, and the segments it returns hold what their modes allow.
func FuzzDecodeBits(f *testing.F) {
	f.Add([]byte{0x40, 0x18, 0xac, 0xc3, 0x00}, uint8(2), uint16(40))
	f.Add([]byte{0x20, 0x06, 0x0b, 0x00}, uint8(1), uint16(20))
	f.Add([]byte{0b01001000, 0b11000010, 0b11000011, 0b00000000}, uint8(4), uint16(32))
	f.Fuzz(func(t *testing.T, data []byte, version uint8, bits uint16) {
		segs, err := DecodeBits(data, int(version), int(bits))
		if err != nil {
			var be *BitstreamError
			if !errors.As(err, &be) && !strings.HasPrefix(err.Error(), "micro qr: ") {
				t.Fatalf("error %q of an unexpected kind", err)
			}
			return
		}
		for _, s := range segs {
			switch s.Mode {
			case Numeric:
				if strings.Trim(string(s.Bytes), "0123456789") != "" {
					t.Fatalf("numeric segment %q", s.Bytes)
				}
			case Alphanumeric:
				if strings.Trim(string(s.Bytes), alnumChars) != "" {
					t.Fatalf("alphanumeric segment %q", s.Bytes)
				}
			case Kanji:
				if len(s.Bytes)%2 != 0 {
					t.Fatalf("kanji segment of %d bytes", len(s.Bytes))
				}
			}
		}
		if _, _, err := Text(segs); err != nil {
			t.Logf("text: %v", err)
		}
	})
}
