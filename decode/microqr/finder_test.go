package microqr

import (
	"image"
	"slices"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/serialgate/serialgate/internal/photo"
)

// TestNotQR: the three finder patterns of a QR Code, square or turned, are
// not tried as Micro QR finders; a Micro QR Code's one finder is.
func TestNotQR(t *testing.T) {
	m, err := qrcode.NewQRCodeWriter().Encode("https://example.com/sn/AC2000000001", gozxing.BarcodeFormat_QR_CODE, 0, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	src := image.NewGray(image.Rect(0, 0, m.GetWidth(), m.GetHeight()))
	for y := range m.GetHeight() {
		for x := range m.GetWidth() {
			if !m.Get(x, y) {
				src.Pix[y*src.Stride+x] = 255
			}
		}
	}
	finders := func(g *image.Gray) ([]finder, *bitmap) {
		im := Image{Pix: g.Pix, Width: g.Rect.Dx(), Height: g.Rect.Dy(), Stride: g.Stride}
		lo, hi, _, _ := extremes(im, 8)
		b := midThreshold(im, lo, hi, 8)
		return findFinders(b, maxFinders), b
	}
	for _, angle := range []float64{0, 17, 45, 130} {
		g := photo.Render(src, photo.Params{Angle: angle, Scale: 4, Margin: 40, Seed: 1})
		fs, b := finders(g)
		if len(fs) < 3 {
			t.Fatalf("QR Code turned %.0f°: %d finder patterns found, want 3", angle, len(fs))
		}
		if left := b.notQR(fs); len(left) != 0 {
			t.Errorf("QR Code turned %.0f°: %d of %d finder patterns left as Micro QR's: %+v", angle, len(left), len(fs), left)
		}
	}
	found := 0
	for _, c := range photoCases(8, 3) {
		fs, b := finders(renderCase(t, c))
		found += len(fs)
		if left := b.notQR(fs); len(left) != len(fs) {
			t.Errorf("%v: %d of %d finder patterns dropped", c, len(fs)-len(left), len(fs))
		}
	}
	if found < 8 {
		t.Errorf("%d finder patterns on 8 Micro QR photos", found)
	}
}

// TestThreeMicroQR: three Micro QR Codes placed as a QR Code's finders are
// (a right angle, equal legs) are not taken for one: no timing pattern runs
// between them, and each is read.
func TestThreeMicroQR(t *testing.T) {
	texts := []string{"SN-001", "SN-002", "SN-003"}
	const scale, d = 4, 100 // legs of 25 modules
	page := page(2*d+120, 2*d+120, 255)
	for i, at := range [][2]int{{20, 20}, {20 + d, 20}, {20, 20 + d}} {
		page.paste(qrencodeSymbol(t, texts[i], 3, "L", scale, 0), at[0], at[1])
	}
	got, err := Read(page)
	if err != nil {
		t.Fatal(err)
	}
	var read []string
	for _, s := range got {
		read = append(read, s.Text)
	}
	slices.Sort(read)
	if !slices.Equal(read, texts) {
		t.Errorf("read %q, want %q", read, texts)
	}
}

// TestMaybeFinderPassesRatioOK: the integer pre-test rejects no five runs
// that ratioOK accepts (every width 1 to 14 pixels, and runs scaled up),
// and does reject most of them.
func TestMaybeFinderPassesRatioOK(t *testing.T) {
	rejected, total := 0, 0
	var r [5]int
	for a := 1; a <= 14; a++ {
		for b := 1; b <= 14; b++ {
			for c := 1; c <= 14; c++ {
				for d := 1; d <= 14; d++ {
					for e := 1; e <= 14; e++ {
						for _, k := range []int{1, 7} {
							r = [5]int{a * k, b * k, c * k, d * k, e * k}
							total++
							_, ok := ratioOK(r)
							maybe := maybeFinder(r)
							if ok && !maybe {
								t.Fatalf("%v: ratioOK accepts, maybeFinder rejects", r)
							}
							if !maybe {
								rejected++
							}
						}
					}
				}
			}
		}
	}
	if rejected < total/2 {
		t.Fatalf("maybeFinder rejects only %d of %d", rejected, total)
	}
	t.Logf("rejected %d of %d", rejected, total)
}
