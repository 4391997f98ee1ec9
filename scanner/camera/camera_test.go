//go:build camera

package camera

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/oned"
	"gocv.io/x/gocv"

	"github.com/serialgate/serialgate/scanner/framing"
)

// label draws a box label with the serial as Code 128 and Data Matrix.
func label(t testing.TB, serial string) (pix []byte, w, h int) {
	w, h = 420, 260
	pix = make([]byte, w*h)
	for i := range pix {
		pix[i] = 245
	}
	draw := func(m *gozxing.BitMatrix, x0, y0, scale int) {
		for y := 0; y < m.GetHeight()*scale; y++ {
			for x := 0; x < m.GetWidth()*scale; x++ {
				if m.Get(x/scale, y/scale) {
					pix[(y0+y)*w+x0+x] = 20
				}
			}
		}
	}
	c, err := oned.NewCode128Writer().Encode(serial, gozxing.BarcodeFormat_CODE_128, 0, 70, nil)
	if err != nil {
		t.Fatal(err)
	}
	draw(c, 20, 20, 2)
	dm, _ := datamatrix.NewDataMatrixWriter().Encode(serial, gozxing.BarcodeFormat_DATA_MATRIX, 0, 0, nil)
	draw(dm, 300, 150, 5)
	return pix, w, h
}

// writeVideo writes an MJPG video of width×height: a label enters at
// frame 5 and moves right, leaves at frame 20, and returns at frame 35.
func writeVideo(t testing.TB, path string, width, height, frames int) {
	vw, err := gocv.VideoWriterFile(path, "MJPG", 25, width, height, true)
	if err != nil {
		t.Fatal(err)
	}
	defer vw.Close()
	lab, lw, lh := label(t, "AC2000000001")
	for i := 0; i < frames; i++ {
		g := make([]byte, width*height)
		for k := range g {
			g[k] = byte(110 + (k*7+i)%23) // a textured bench surface
		}
		if (i >= 5 && i < 20) || (i >= 35 && i < 45) || frames > 60 {
			x0 := 40 + (i%20)*10
			y0 := (height - lh) / 2
			for y := 0; y < lh; y++ {
				copy(g[(y0+y)*width+x0:], lab[y*lw:(y+1)*lw])
			}
		}
		gray, err := gocv.NewMatFromBytes(height, width, gocv.MatTypeCV8UC1, g)
		if err != nil {
			t.Fatal(err)
		}
		bgr := gocv.NewMat()
		gocv.CvtColor(gray, &bgr, gocv.ColorGrayToBGR)
		if err := vw.Write(bgr); err != nil {
			t.Fatal(err)
		}
		gray.Close()
		bgr.Close()
	}
}

func TestVideoFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bench.avi")
	writeVideo(t, path, 1280, 720, 50)
	// The hold-off runs on the video's own frame times (25 fps): 300 ms
	// spans a few unread frames while the label is in view, and is shorter
	// than its 600 ms away.
	src, err := Open(Config{Device: path, HoldOff: framing.HoldOff{Window: 300 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var got []string
	for {
		sc, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, sc.Text)
		if sc.Picture == "" || len(sc.Label) != 1 || sc.Label[0].Text != sc.Text {
			t.Errorf("scan %q: picture %q, label %+v: want the frame's one code", sc.Text, sc.Picture, sc.Label)
		}
	}
	img, codes, _, ok := src.Frame()
	if !ok || img.Bounds().Dx() != 1280 || img.Bounds().Dy() != 720 {
		t.Errorf("Frame: %v %v", ok, img)
	}
	t.Logf("last frame: %d codes", len(codes))
	st := src.Stats()
	if st.Frames != 50 {
		t.Errorf("read %d frames, want 50", st.Frames)
	}
	t.Logf("%d frames, %.1f fps, scans %q", st.Frames, st.FPS(), got)
	if fmt.Sprint(got) != "[AC2000000001 AC2000000001]" {
		t.Fatalf("scans %q: want the label once per appearance", got)
	}
}

func TestMissingDevice(t *testing.T) {
	if _, err := Open(Config{Device: "/nonexistent/video.avi"}); err == nil {
		t.Fatal("opened a missing file")
	}
}

// BenchmarkCameraFPS decodes videos with a label in every frame, on one
// core: frames per second of conversion and decoding.
func BenchmarkCameraFPS(b *testing.B) {
	for _, size := range [][2]int{{1280, 720}, {1920, 1080}} {
		path := filepath.Join(b.TempDir(), "v.avi")
		writeVideo(b, path, size[0], size[1], 100)
		b.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(b *testing.B) {
			frames := 0
			var decoding time.Duration
			for b.Loop() {
				src, err := Open(Config{Device: path})
				if err != nil {
					b.Fatal(err)
				}
				for {
					if _, err := src.Next(context.Background()); err != nil {
						break
					}
				}
				st := src.Stats()
				frames += st.Frames
				decoding += st.Decoding
				src.Close()
			}
			b.ReportMetric(float64(frames)/decoding.Seconds(), "fps")
		})
	}
}
