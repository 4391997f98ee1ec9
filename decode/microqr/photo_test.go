package microqr

import (
	"fmt"
	"image"
	"math"
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

// TestRetryAroundFinder: a symbol the first binarization cannot read is
// read by the retries around its finder, and reported where it is in the
// whole image, not in the part the retries looked at.
func TestRetryAroundFinder(t *testing.T) {
	f := newField()
	for _, c := range photoCases(200, 21) {
		g := renderCase(t, c)
		im := Image{Pix: g.Pix, Width: g.Rect.Dx(), Height: g.Rect.Dy(), Stride: g.Stride}
		lo, hi, _, _ := extremes(im, 8)
		if first, unread := readBitmap(midThreshold(im, lo, hi, 8), f); len(first) > 0 || len(unread) == 0 {
			continue
		}
		alone, err := Read(im)
		if err != nil || len(alone) != 1 || alone[0].Text != c.text {
			continue
		}
		// The same photo on a larger light canvas, away from its corner,
		// on the same blocks of 8.
		const dx, dy = 312, 168
		big := page(im.Width+2*dx, im.Height+2*dy, 200)
		big.paste(im, dx, dy)
		lo, hi, _, _ = extremes(big, 8)
		if first, _ := readBitmap(midThreshold(big, lo, hi, 8), f); len(first) > 0 {
			continue
		}
		got, err := Read(big)
		if err != nil || len(got) != 1 || got[0].Text != c.text {
			t.Fatalf("%v: read alone, but on the canvas %v (%v)", c, got, err)
		}
		// Within a module: the retries' blocks start where the part
		// looked at starts, so the fit moves a little.
		for i, p := range got[0].Corners {
			q := alone[0].Corners[i]
			if math.Abs(p.X-q.X-dx) > 3 || math.Abs(p.Y-q.Y-dy) > 3 {
				t.Fatalf("%v: corner %d at %v on the canvas, %v alone", c, i, p, q)
			}
		}
		return
	}
	t.Fatal("no case needed the retries")
}

// TestAround: the parts around finders stay inside the image and overlapping
// ones are joined, also when a join makes a part meet one passed over.
func TestAround(t *testing.T) {
	// The third part meets the second only, and joined with it, the first.
	fs := []finder{{x: 10, y: 10, module: 1}, {x: 104, y: 20, module: 1}, {x: 74, y: 104, module: 1}, {x: 900, y: 900, module: 1}}
	got := around(fs, 1000, 950)
	want := []rect{{0, 0, 149, 149}, {856, 856, 945, 945}}
	if len(got) != len(want) {
		t.Fatalf("around = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("around = %v, want %v", got, want)
		}
	}
}

// TestReadAround: given where another reader saw its finder pattern, a
// symbol on a large page is read in the page's coordinates from the part
// around that place; given nothing, or a place far from it, nothing is read.
func TestReadAround(t *testing.T) {
	const scale, margin, dx, dy = 3, 2, 700, 450
	sym := qrencodeSymbol(t, "SN4711", 2, "M", scale, margin)
	page := page(1280, 720, 235)
	page.paste(sym, dx, dy)
	whole, err := Read(page)
	if err != nil || len(whole) != 1 || whole[0].Text != "SN4711" {
		t.Fatalf("Read: %v %v", whole, err)
	}
	at := Finder{X: dx + (margin+3.5)*scale, Y: dy + (margin+3.5)*scale, Module: scale}
	got, err := ReadAround(page, []Finder{at})
	if err != nil || len(got) != 1 || got[0].Text != "SN4711" {
		t.Fatalf("ReadAround: %v %v", got, err)
	}
	for i, p := range got[0].Corners {
		if q := whole[0].Corners[i]; math.Abs(p.X-q.X) > 3 || math.Abs(p.Y-q.Y) > 3 {
			t.Errorf("corner %d at %v, Read puts it at %v", i, p, q)
		}
	}
	for _, fs := range [][]Finder{nil, {{X: 100, Y: 100, Module: scale}}} {
		if got, err := ReadAround(page, fs); err != nil || len(got) != 0 {
			t.Errorf("around %v: %v %v", fs, got, err)
		}
	}
}

// page is a w×h image of gray bg.
func page(w, h int, bg byte) Image {
	im := Image{Pix: make([]byte, w*h), Width: w, Height: h, Stride: w}
	for i := range im.Pix {
		im.Pix[i] = bg
	}
	return im
}

// paste copies src into im with its top left corner at (x, y).
func (im Image) paste(src Image, x, y int) {
	for r := range src.Height {
		copy(im.Pix[(y+r)*im.Stride+x:], src.Pix[r*src.Stride:r*src.Stride+src.Width])
	}
}
