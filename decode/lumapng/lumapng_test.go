package lumapng_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/serialgate/serialgate/decode"
	"github.com/serialgate/serialgate/decode/lumapng"
)

// reference is what the decode package made of a PNG before lumapng:
// image/png's image through GrayOf.
func reference(data []byte) ([]byte, image.Rectangle, error) {
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, image.Rectangle{}, err
	}
	g := decode.GrayOf(img)
	out := make([]byte, 0, g.Width*g.Height)
	for y := range g.Height {
		out = append(out, g.Pix[y*g.Stride:y*g.Stride+g.Width]...)
	}
	return out, img.Bounds(), nil
}

// agree checks that Decode gives the reference's pixels exactly.
func agree(t *testing.T, name string, data []byte) {
	t.Helper()
	want, rect, err := reference(data)
	if err != nil {
		t.Fatalf("%s: image/png: %v", name, err)
	}
	got, err := lumapng.Decode(data, 1<<30)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !got.Rect.Eq(rect.Sub(rect.Min)) {
		t.Fatalf("%s: size %v, want %v", name, got.Rect, rect)
	}
	w := rect.Dx()
	for y := range rect.Dy() {
		row := got.Pix[y*got.Stride : y*got.Stride+w]
		if !bytes.Equal(row, want[y*w:y*w+w]) {
			for x := range row {
				if row[x] != want[y*w+x] {
					t.Fatalf("%s: pixel (%d,%d) is %d, want %d", name, x, y, row[x], want[y*w+x])
				}
			}
		}
	}
}

// randomSpec makes a PNG spec of random samples: smooth ramps with noise,
// so that the zlib stream has both matches and literals, and where there
// is alpha, every alpha from transparent to opaque.
func randomSpec(rng *rand.Rand, w, h, depth, ctype int) *pngSpec {
	s := &pngSpec{width: w, height: h, depth: depth, ctype: ctype, level: -1, filter: 5}
	nb := s.rowBytes()
	for y := range h {
		row := make([]byte, nb)
		for i := range row {
			switch rng.IntN(4) {
			case 0:
				row[i] = byte(rng.IntN(256))
			case 1:
				row[i] = byte(i + y)
			case 2:
				row[i] = 0xff
			default:
				row[i] = 0
			}
		}
		s.rows = append(s.rows, row)
	}
	if ctype == 3 {
		n := min(1<<depth, 1+rng.IntN(256))
		s.plte = make([]byte, 3*n)
		for i := range s.plte {
			s.plte[i] = byte(rng.IntN(256))
		}
	}
	return s
}

// formats lists every colour type and bit depth PNG allows.
var formats = []struct{ ctype, depth int }{
	{0, 1}, {0, 2}, {0, 4}, {0, 8}, {0, 16}, {2, 8}, {2, 16}, {3, 1}, {3, 2}, {3, 4}, {3, 8},
	{4, 8}, {4, 16}, {6, 8}, {6, 16},
}

// transparencies returns tRNS chunks to try for a format: none, and ones
// that some pixels match (or, for a palette, shorter than, as long as and
// longer than the palette; and for sub-byte gray, a sample out of range,
// which image/png scales with 8-bit wraparound).
func transparencies(rng *rand.Rand, s *pngSpec) [][]byte {
	out := [][]byte{nil}
	pick := func(i int) byte { // a sample byte of the image at byte i of some row
		row := s.rows[rng.IntN(len(s.rows))]
		return row[i%len(row)]
	}
	switch s.ctype {
	case 0:
		switch s.depth {
		case 16:
			out = append(out, []byte{pick(0), pick(1)}, []byte{0, pick(0)})
		case 8:
			out = append(out, []byte{0, pick(0)}, []byte{7, pick(0)})
		default:
			out = append(out, []byte{0, pick(0) >> (8 - s.depth)}, []byte{0, 0xff}, []byte{0, 2})
		}
	case 2:
		if s.depth == 8 {
			i := 3 * rng.IntN(s.width)
			out = append(out, []byte{9, pick(i), 0, pick(i + 1), 0, pick(i + 2)})
		} else {
			i := 6 * rng.IntN(s.width)
			out = append(out, []byte{pick(i), pick(i + 1), pick(i + 2), pick(i + 3), pick(i + 4), pick(i + 5)})
		}
	case 3:
		n := len(s.plte) / 3
		for _, m := range []int{0, 1, n, min(256, n+3)} {
			t := make([]byte, m)
			for i := range t {
				t[i] = []byte{0, 255, byte(rng.IntN(256))}[rng.IntN(3)]
			}
			out = append(out, t)
		}
	}
	return out
}

// TestAgreesGenerated decodes PNGs of every colour type and bit depth,
// with and without tRNS, at several zlib levels (stored, Huffman only,
// fixed and dynamic codes), with every filter, in one IDAT chunk or many
// small ones, at sizes from 1×1 up, odd widths included: the pixels are
// those of image/png through GrayOf.
func TestAgreesGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := [][2]int{{1, 1}, {1, 5}, {5, 1}, {7, 3}, {33, 17}, {257, 4}, {64, 70}}
	levels := []int{0, -2, 1, 6, 9}
	n := 0
	for _, f := range formats {
		for _, sz := range sizes {
			s := randomSpec(rng, sz[0], sz[1], f.depth, f.ctype)
			for ti, trns := range transparencies(rng, s) {
				s.trns = trns
				for _, level := range levels {
					s.level = level
					for _, split := range []int{0, 7} {
						s.idatSize = split
						s.filter = (n % 6)
						if s.filter == 5 && sz[1] < 5 {
							s.filter = 4
						}
						n++
						name := fmt.Sprintf("type %d depth %d %dx%d trns#%d level %d filter %d idat %d",
							f.ctype, f.depth, sz[0], sz[1], ti, level, s.filter, split)
						agree(t, name, s.encode())
					}
				}
			}
		}
	}
	t.Logf("%d images", n)
}

// TestAgreesImagePNGEncoder decodes what image/png's encoder writes from
// each kind of image at each of its compression levels.
func TestAgreesImagePNGEncoder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const w, h = 45, 23
	var imgs []image.Image
	gray := image.NewGray(image.Rect(0, 0, w, h))
	gray16 := image.NewGray16(image.Rect(0, 0, w, h))
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	nrgba := image.NewNRGBA(image.Rect(0, 0, w, h))
	rgba64 := image.NewRGBA64(image.Rect(0, 0, w, h))
	nrgba64 := image.NewNRGBA64(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := func() uint8 { return uint8(x*5 + y*3 + rng.IntN(20)) }
			a := []uint8{0, 255, 255, uint8(rng.IntN(256))}[rng.IntN(4)]
			gray.SetGray(x, y, color.Gray{v()})
			gray16.SetGray16(x, y, color.Gray16{uint16(rng.IntN(65536))})
			rgba.SetRGBA(x, y, color.RGBA{v(), v(), v(), 255})
			nrgba.SetNRGBA(x, y, color.NRGBA{v(), v(), v(), a})
			rgba64.SetRGBA64(x, y, color.RGBA64{uint16(rng.IntN(65536)), uint16(rng.IntN(65536)), uint16(rng.IntN(65536)), 0xffff})
			a16 := []uint16{0, 0xffff, uint16(rng.IntN(65536))}[rng.IntN(3)]
			nrgba64.SetNRGBA64(x, y, color.NRGBA64{uint16(rng.IntN(65536)), uint16(rng.IntN(65536)), uint16(rng.IntN(65536)), a16})
		}
	}
	imgs = append(imgs, gray, gray16, rgba, nrgba, rgba64, nrgba64)
	for _, n := range []int{2, 3, 4, 16, 200, 256} {
		pal := make(color.Palette, n)
		for i := range pal {
			if i%3 == 1 {
				pal[i] = color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256))}
			} else {
				pal[i] = color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
			}
		}
		p := image.NewPaletted(image.Rect(0, 0, w, h), pal)
		for i := range p.Pix {
			p.Pix[i] = uint8(rng.IntN(n))
		}
		imgs = append(imgs, p)
	}
	for _, img := range imgs {
		for _, level := range []png.CompressionLevel{png.DefaultCompression, png.NoCompression, png.BestSpeed, png.BestCompression} {
			var b bytes.Buffer
			if err := (&png.Encoder{CompressionLevel: level}).Encode(&b, img); err != nil {
				t.Fatal(err)
			}
			agree(t, fmt.Sprintf("%T level %d", img, level), b.Bytes())
		}
	}
}

// TestAgreesFiles decodes every PNG in the repository and, when it is
// there, in the shared sample set beside it. Interlaced ones must give
// ErrUnsupported.
func TestAgreesFiles(t *testing.T) {
	n := 0
	for _, root := range []string{"../..", "../../../shared/testdata"} {
		if _, err := os.Stat(root); err != nil {
			t.Logf("%s absent", root)
			continue
		}
		err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() && e.Name() == ".git" {
				return filepath.SkipDir
			}
			if e.IsDir() || !strings.EqualFold(filepath.Ext(path), ".png") {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if len(data) > 28 && data[28] == 1 {
				if _, err := lumapng.Decode(data, 1<<30); !errors.Is(err, lumapng.ErrUnsupported) {
					t.Errorf("%s is interlaced: got %v, want ErrUnsupported", path, err)
				}
				return nil
			}
			agree(t, path, data)
			n++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n == 0 {
		t.Fatal("no PNG found")
	}
	t.Logf("%d files", n)
}

// TestUnsupported: an interlaced image is left to image/png.
func TestUnsupported(t *testing.T) {
	s := randomSpec(rand.New(rand.NewPCG(5, 6)), 9, 9, 8, 2)
	s.interlace = 1
	_, err := lumapng.Decode(s.encode(), 1<<20)
	var e *lumapng.Error
	if !errors.Is(err, lumapng.ErrUnsupported) || !errors.As(err, &e) || e.Offset != 8+8+12 {
		t.Fatalf("interlaced: %v, want ErrUnsupported at byte 28", err)
	}
}

// TestMaxPixels: an image over the limit is refused from its header, even
// one claiming 2^31-1 × 2^31-1 pixels with no data behind it.
func TestMaxPixels(t *testing.T) {
	s := randomSpec(rand.New(rand.NewPCG(5, 6)), 30, 20, 8, 0)
	data := s.encode()
	if _, err := lumapng.Decode(data, 600); err != nil {
		t.Fatalf("600 pixels with a limit of 600: %v", err)
	}
	if _, err := lumapng.Decode(data, 599); !errors.Is(err, lumapng.ErrTooLarge) {
		t.Fatalf("600 pixels with a limit of 599: %v, want ErrTooLarge", err)
	}
	s = &pngSpec{width: 1<<31 - 1, height: 1<<31 - 1, depth: 8, ctype: 6}
	huge := s.encodeStream([]byte{0x78, 0x9c, 3, 0, 0, 0, 0, 1})
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := lumapng.Decode(huge, 1<<26); !errors.Is(err, lumapng.ErrTooLarge) {
			t.Fatalf("huge: %v, want ErrTooLarge", err)
		}
	})
	if allocs > 10 {
		t.Fatalf("refusing a huge image took %v allocations", allocs)
	}

	// Within the limit, but with far too little data for its size: refused
	// before the image or its rows are allocated.
	s = &pngSpec{width: 1 << 25, height: 2, depth: 16, ctype: 6}
	bomb := s.encodeStream([]byte{0x78, 0x9c, 3, 0, 0, 0, 0, 1})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := lumapng.Decode(bomb, 1<<26)
	runtime.ReadMemStats(&after)
	var e *lumapng.Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "cannot hold") {
		t.Fatalf("a 2^25×2 image in 8 bytes: %v", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Fatalf("refusing a 2^25×2 image in 8 bytes allocated %d bytes", n)
	}
}
