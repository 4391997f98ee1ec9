package microqr

import (
	"image"
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
	finders := func(g *image.Gray) []finder {
		im := Image{Pix: g.Pix, Width: g.Rect.Dx(), Height: g.Rect.Dy(), Stride: g.Stride}
		lo, hi, _, _ := extremes(im, 8)
		return findFinders(midThreshold(im, lo, hi, 8), maxFinders)
	}
	for _, angle := range []float64{0, 17, 45, 130} {
		g := photo.Render(src, photo.Params{Angle: angle, Scale: 4, Margin: 40, Seed: 1})
		fs := finders(g)
		if len(fs) < 3 {
			t.Fatalf("QR Code turned %.0f°: %d finder patterns found, want 3", angle, len(fs))
		}
		if left := notQR(fs); len(left) != 0 {
			t.Errorf("QR Code turned %.0f°: %d of %d finder patterns left as Micro QR's: %+v", angle, len(left), len(fs), left)
		}
	}
	found := 0
	for _, c := range photoCases(8, 3) {
		fs := finders(renderCase(t, c))
		found += len(fs)
		if left := notQR(fs); len(left) != len(fs) {
			t.Errorf("%v: %d of %d finder patterns dropped", c, len(fs)-len(left), len(fs))
		}
	}
	if found < 8 {
		t.Errorf("%d finder patterns on 8 Micro QR photos", found)
	}
}
