package lumapng_test

import (
	"bytes"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/serialgate/serialgate/decode"
	"github.com/serialgate/serialgate/decode/lumapng"
	"github.com/serialgate/serialgate/internal/photo"
)

// sharedBarcodes is the shared sample set beside the repository, when it
// is there.
const sharedBarcodes = "../../../shared/testdata/barcodes"

// photoPNG is an RGB PNG at image/png's default compression of a seeded
// synthetic picture: label-like strokes and gradients under camera noise.
func photoPNG(tb testing.TB, w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, photo.Synthetic(w, h, 6)); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// labelPNG is an 8-bit gray PNG at image/png's default compression of a
// seeded synthetic label scan: bars and text-like strokes on paper, with
// scanner noise.
func labelPNG(tb testing.TB, w, h int) []byte {
	rng := rand.New(rand.NewPCG(uint64(w), uint64(h)))
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := 235
			if y > h/3 && y < h/2 && (x*7/w+x/3)%4 == 0 || (x/4+y/6)%11 == 0 && y > 2*h/3 {
				v = 25
			}
			img.Pix[y*w+x] = uint8(min(255, max(0, v+int(rng.NormFloat64()*4))))
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// webpPNGs converts a few of the shared WebP photos to PNG with dwebp
// (what a camera pipeline writing PNG would give), when both are there.
func webpPNGs(tb testing.TB) map[string][]byte {
	out := map[string][]byte{}
	dwebp, err := exec.LookPath("dwebp")
	if err != nil {
		tb.Logf("dwebp absent: %v", err)
		return out
	}
	dir := tb.TempDir()
	for _, name := range []string{"ean13-1/37", "falsepositives-1/16"} {
		src := filepath.Join(sharedBarcodes, name+".webp")
		if _, err := os.Stat(src); err != nil {
			tb.Logf("%s absent", src)
			continue
		}
		dst := filepath.Join(dir, filepath.Base(name)+".png")
		if err := exec.Command(dwebp, "-quiet", src, "-o", dst).Run(); err != nil {
			tb.Fatalf("dwebp %s: %v", src, err)
		}
		data, err := os.ReadFile(dst)
		if err != nil {
			tb.Fatal(err)
		}
		out["webp-"+filepath.Base(name)] = data
	}
	return out
}

// BenchmarkDecode compares Decode with image/png's Decode followed by
// decode.GrayOf, what the decode package did before, on synthetic RGB
// photos of 480×270 and 1920×1080, a synthetic gray label scan, and shared
// WebP photos converted to PNG.
func BenchmarkDecode(b *testing.B) {
	type input struct {
		name string
		data []byte
	}
	inputs := []input{{"photo-480x270", photoPNG(b, 480, 270)}, {"photo-1920x1080", photoPNG(b, 1920, 1080)},
		{"label-gray-1200x800", labelPNG(b, 1200, 800)}}
	webp := webpPNGs(b)
	for _, name := range []string{"webp-37", "webp-16"} {
		if data, ok := webp[name]; ok {
			inputs = append(inputs, input{name, data})
		}
	}
	for _, in := range inputs {
		b.Run(in.name+"/lumapng", func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			for b.Loop() {
				if _, err := lumapng.Decode(in.data, 1<<26); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(in.name+"/png+gray", func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			for b.Loop() {
				img, err := png.Decode(bytes.NewReader(in.data))
				if err != nil {
					b.Fatal(err)
				}
				decode.GrayOf(img)
			}
		})
	}
}
