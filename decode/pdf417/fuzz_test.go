package pdf417

import (
	"image"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecodeData decodes arbitrary codeword sequences (two bytes each,
// taken modulo 929) as a symbol's data, then as a whole symbol: each either
// decodes or returns an error, never panics.
func FuzzDecodeData(f *testing.F) {
	for _, seed := range [][]int{
		{5, 453, 178, 121, 239},
		{9, 924, 163, 238, 432, 766, 244, 913, 65},
		{8, 902, 1, 624, 434, 632, 282, 200},
		{14, 1, 928, 111, 102, 17, 123, 923, 1, 13, 923, 0, 179, 922},
		{12, 927, 26, 901, 0xd0, 0x96, 927, 7, 900, 29, 926, 0, 5},
	} {
		var b []byte
		for _, c := range seed {
			b = append(b, byte(c>>8), byte(c))
		}
		f.Add(b, uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, level uint8) {
		var cw []int
		for i := 0; i+1 < len(data); i += 2 {
			cw = append(cw, (int(data[i])<<8|int(data[i+1]))%prime)
		}
		m, err := decodeData(cw)
		if err == nil && m == nil {
			t.Fatal("no message and no error")
		}
		if len(cw) == 0 {
			return
		}
		cols := 1 + int(level)%5
		rows := (len(cw) + cols - 1) / cols
		for len(cw) < rows*cols {
			cw = append(cw, 900)
		}
		s, err := decodeMatrix(cw, rows, cols, int(level)/5%9, []int{0})
		if err == nil && s == nil {
			t.Fatal("no symbol and no error")
		}
	})
}

// FuzzDecodeImage runs the detector, with and without MicroPDF417, on
// arbitrary small gray images, with rows stride bytes apart: it finds
// symbols or none, never panics.
func FuzzDecodeImage(f *testing.F) {
	for _, name := range []string{"13-readerinit.png"} {
		fh, err := os.Open(filepath.Join("../../testdata/barcodes/pdf417-1", name))
		if err != nil {
			f.Fatal(err)
		}
		img, _, err := image.Decode(fh)
		fh.Close()
		if err != nil {
			f.Fatal(err)
		}
		g := grayOf(img)
		f.Add(g.Pix, uint16(g.Rect.Dx()))
	}
	f.Add([]byte{0, 255, 0, 255}, uint16(2))
	f.Fuzz(func(t *testing.T, pix []byte, width uint16) {
		w := int(width)
		if w == 0 || len(pix) > 1<<13 {
			return
		}
		h := len(pix) / w
		img := &image.Gray{Pix: pix, Stride: w, Rect: image.Rect(0, 0, w, h)}
		syms, err := Decode(img)
		if err != nil && h > 0 {
			t.Fatalf("%dx%d: %v", w, h, err)
		}
		// The slanted scans, over areas reaching past the image, at an
		// angle the input chooses.
		deg := 0.0
		if len(pix) > 0 {
			deg = float64(pix[0]) * 360 / 256
		}
		areas := []Area{
			{Box: image.Rect(-w/4, -h/4, w+w/4, h+h/4), Angle: deg * math.Pi / 180},
			{Box: image.Rect(w/3, h/3, w, h), Angle: (deg + 97) * math.Pi / 180},
		}
		micro, err := (&Reader{Micro: true, Areas: func() []Area { return areas }}).Decode(img)
		if err != nil && h > 0 {
			t.Fatalf("%dx%d, MicroPDF417 too: %v", w, h, err)
		}
		syms = append(syms, micro...)
		for _, s := range syms {
			if s.Rows < 3 || s.Cols < 1 {
				t.Fatalf("symbol of %d rows, %d columns", s.Rows, s.Cols)
			}
		}
	})
}
