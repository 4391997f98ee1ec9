package lumajpeg

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/serialgate/serialgate/internal/testenv"
)

// TestLibjpeg decodes what libjpeg-turbo's cjpeg writes (samplings Go's
// encoder does not, restart intervals, optimized tables, a scan per
// component) to within ±1 of djpeg's own gray decoding, a third decoder;
// and what it writes that this package leaves to image/jpeg (progressive,
// arithmetic coding, RGB) gives ErrUnsupported.
func TestLibjpeg(t *testing.T) {
	cjpeg := testenv.Tool(t, "cjpeg", "libjpeg-turbo-progs")
	djpeg := testenv.Tool(t, "djpeg", "libjpeg-turbo-progs")
	dir := t.TempDir()
	ppm := filepath.Join(dir, "in.ppm")
	src := pattern("text", 203, 117, 9)
	noise := pattern("noise", 203, 117, 9)
	var b bytes.Buffer
	fmt.Fprintf(&b, "P6\n203 117\n255\n")
	for i := range 203 * 117 {
		p := src.Pix[4*i : 4*i+3]
		if i%203 > 120 {
			p = noise.Pix[4*i : 4*i+3]
		}
		b.Write(p)
	}
	if err := os.WriteFile(ppm, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	scans := filepath.Join(dir, "scans.txt")
	if err := os.WriteFile(scans, []byte("0;\n1;\n2;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) []byte {
		t.Helper()
		out, err := exec.Command(name, args...).Output()
		if err != nil {
			t.Fatalf("%s %v: %v", filepath.Base(name), args, err)
		}
		return out
	}
	tests := []struct {
		name        string
		args        []string
		unsupported bool
	}{
		{"4:4:4", []string{"-sample", "1x1"}, false},
		{"4:2:2", []string{"-sample", "2x1"}, false},
		{"4:2:0", []string{"-sample", "2x2"}, false},
		{"4:1:1", []string{"-sample", "4x1"}, false},
		{"4:4:0", []string{"-sample", "1x2"}, false},
		{"3x2 luma", []string{"-sample", "3x2"}, false},
		{"4x2 luma", []string{"-sample", "4x2"}, false},
		{"quality 100", []string{"-quality", "100"}, false},
		{"quality 20, optimized tables", []string{"-quality", "20", "-optimize"}, false},
		{"restart every MCU", []string{"-restart", "1B"}, false},
		{"restart every 3 MCU rows, 4:1:1", []string{"-restart", "3", "-sample", "4x1"}, false},
		{"grayscale, restarts", []string{"-grayscale", "-restart", "2B"}, false},
		{"a scan per component", []string{"-scans", scans}, false},
		{"a scan per component, restarts", []string{"-scans", scans, "-restart", "5B"}, false},
		{"progressive", []string{"-progressive"}, true},
		{"arithmetic coding", []string{"-arithmetic"}, true},
		{"RGB", []string{"-rgb"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jpg := filepath.Join(dir, "out.jpg")
			run(cjpeg, append(tt.args, "-outfile", jpg, ppm)...)
			data, err := os.ReadFile(jpg)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(data, 1<<20)
			if tt.unsupported {
				if !errors.Is(err, ErrUnsupported) {
					t.Fatalf("got %v, want ErrUnsupported", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want, err := readPGM(run(djpeg, "-grayscale", "-pnm", jpg))
			if err != nil {
				t.Fatal(err)
			}
			checkClose(t, got, want)
		})
	}
}

// readPGM reads a binary 8-bit PGM (P5), as djpeg writes it.
func readPGM(data []byte) (*image.Gray, error) {
	var w, h, maxv int
	r := bytes.NewReader(data)
	if _, err := fmt.Fscanf(r, "P5\n%d %d\n%d", &w, &h, &maxv); err != nil || maxv != 255 {
		return nil, fmt.Errorf("not an 8-bit PGM: %v", err)
	}
	r.ReadByte() // the single whitespace after the header
	g := image.NewGray(image.Rect(0, 0, w, h))
	if n, _ := r.Read(g.Pix); n != w*h {
		return nil, fmt.Errorf("PGM of %d×%d has %d bytes of pixels", w, h, n)
	}
	return g, nil
}
