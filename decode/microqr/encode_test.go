package microqr

import (
	"bytes"
	"image"
	"image/draw"
	"image/png"
	"os/exec"
	"testing"

	"github.com/serialgate/serialgate/internal/testenv"
)

// qrencodeSymbol draws text as a Micro QR Code with qrencode, the
// independent encoder, scale pixels per module with a quiet zone of
// margin modules.
func qrencodeSymbol(t testing.TB, text string, version int, level string, scale, margin int) Image {
	t.Helper()
	bin := testenv.Tool(t, "qrencode", "qrencode")
	args := []string{"-M", "-o", "-", "-t", "PNG", "-s", itoa(scale), "-m", itoa(margin), "-l", level}
	if version > 0 {
		args = append(args, "-v", itoa(version))
	}
	cmd := exec.Command(bin, append(args, "--", text)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("qrencode %q: %v: %s", text, err, stderr.String())
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("qrencode %q: %v", text, err)
	}
	return grayImage(img)
}

func grayImage(img image.Image) Image {
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(g, g.Bounds(), img, b.Min, draw.Src)
	return Image{Pix: g.Pix, Width: b.Dx(), Height: b.Dy(), Stride: g.Stride}
}

func itoa(v int) string {
	if v == 0 {
		return "0"
	}
	var b []byte
	for ; v > 0; v /= 10 {
		b = append([]byte{byte('0' + v%10)}, b...)
	}
	return string(b)
}

// TestQrencodeSymbols reads clean symbols of every version and level, in
// every mode qrencode writes, drawn by qrencode.
func TestQrencodeSymbols(t *testing.T) {
	cases := []struct {
		text    string
		version int
		level   string
	}{
		{"12345", 1, "L"},
		{"0", 1, "L"},
		{"1234567890", 2, "L"},
		{"ABC12", 2, "M"},
		{"HELLO123", 3, "L"},
		{"serial", 3, "M"},
		{"123456789012345678", 3, "M"},
		{"SN-4711/B", 4, "L"},
		{"sg-0042 box", 4, "M"},
		{"ABCDEFGHIJKLM", 4, "Q"},
		{"Grüße", 4, "L"},
		{"点茗", 4, "L"},
	}
	for _, c := range cases {
		im := qrencodeSymbol(t, c.text, c.version, c.level, 4, 2)
		got, err := Read(im)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Text != c.text {
			t.Errorf("M%d-%s %q: read %+v", c.version, c.level, c.text, got)
			continue
		}
		if got[0].Version != c.version {
			t.Errorf("%q: version M%d, want M%d", c.text, got[0].Version, c.version)
		}
	}
}

// TestMirrored reads a symbol seen from behind (mirrored left to right)
// and one turned a quarter, and says which is mirrored.
func TestMirrored(t *testing.T) {
	im := qrencodeSymbol(t, "sg-0042", 3, "L", 3, 2)
	flipped := Image{Pix: make([]byte, len(im.Pix)), Width: im.Width, Height: im.Height, Stride: im.Stride}
	turned := Image{Pix: make([]byte, im.Width*im.Height), Width: im.Height, Height: im.Width, Stride: im.Height}
	for y := range im.Height {
		for x := range im.Width {
			v := im.Pix[y*im.Stride+x]
			flipped.Pix[y*im.Stride+im.Width-1-x] = v
			turned.Pix[(im.Width-1-x)*turned.Stride+y] = v // a quarter turn counterclockwise
		}
	}
	for _, c := range []struct {
		name     string
		im       Image
		mirrored bool
	}{{"plain", im, false}, {"mirrored", flipped, true}, {"turned", turned, false}} {
		got, err := Read(c.im)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Text != "sg-0042" || got[0].Mirrored != c.mirrored {
			t.Errorf("%s: read %+v", c.name, got)
		}
	}
}
