package lumapng_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
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

func TestSmoke(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, ct := range []struct{ ctype, depth int }{{0, 1}, {0, 2}, {0, 4}, {0, 8}, {0, 16}, {2, 8}, {2, 16}, {3, 1}, {3, 2}, {3, 4}, {3, 8}, {4, 8}, {4, 16}, {6, 8}, {6, 16}} {
		s := randomSpec(rng, 37, 11, ct.depth, ct.ctype)
		agree(t, fmt.Sprintf("ct%d-d%d", ct.ctype, ct.depth), s.encode())
	}
}
