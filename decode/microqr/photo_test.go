package microqr

import (
	"fmt"
	"image"
	"math/rand/v2"
	"testing"

	"github.com/serialgate/serialgate/internal/photo"
)

// photoCase is a symbol drawn by qrencode and photographed.
type photoCase struct {
	text    string
	version int
	level   string
	params  photo.Params
}

// photoCases returns n seeded random photos of symbols of every version.
func photoCases(n int, seed uint64) []photoCase {
	rng := rand.New(rand.NewPCG(seed, 1))
	texts := []struct {
		text    string
		version int
		level   string
	}{
		{"12345", 1, "L"}, {"90210", 1, "L"}, {"SN4711", 2, "L"}, {"12345678", 2, "M"},
		{"sg-0042", 3, "L"}, {"BOX 17/3", 3, "M"}, {"DSN:G0A1B2C3D4", 4, "L"},
		{"serial 42", 4, "M"}, {"A1B2C3D4E5", 4, "Q"},
	}
	var out []photoCase
	for i := range n {
		tx := texts[i%len(texts)]
		out = append(out, photoCase{tx.text, tx.version, tx.level, photo.Random(rng, uint64(i))})
	}
	return out
}

func (c photoCase) String() string {
	p := c.params
	return fmt.Sprintf("M%d-%s %q angle %.0f module %.1f tilt %.2f,%.2f blur %.1f noise %.0f", c.version, c.level, c.text, p.Angle, p.Scale, p.Tilt[0], p.Tilt[1], p.Blur, p.Noise)
}

func renderCase(t testing.TB, c photoCase) *image.Gray {
	im := qrencodeSymbol(t, c.text, c.version, c.level, 1, 2)
	src := image.NewGray(image.Rect(0, 0, im.Width, im.Height))
	copy(src.Pix, im.Pix)
	return photo.Render(src, c.params)
}

// TestPhotos reads symbols drawn by qrencode and rendered as photos: turned
// to any angle, in perspective, blurred, noisy and unevenly lit. Nearly
// all must read, and none may read wrong.
func TestPhotos(t *testing.T) {
	cases := photoCases(72, 14)
	read := 0
	for _, c := range cases {
		g := renderCase(t, c)
		got, err := Read(Image{Pix: g.Pix, Width: g.Rect.Dx(), Height: g.Rect.Dy(), Stride: g.Stride})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range got {
			if s.Text != c.text {
				t.Errorf("%v: misread as %q", c, s.Text)
			}
		}
		if len(got) == 1 && got[0].Text == c.text {
			read++
		} else {
			t.Logf("not read: %v", c)
		}
	}
	t.Logf("read %d of %d photos", read, len(cases))
	if read < len(cases)*9/10 {
		t.Errorf("read %d of %d photos, want at least 90%%", read, len(cases))
	}
}
