package lumajpeg

import (
	"bytes"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/serialgate/serialgate/internal/photo"
)

// noisyPhoto is a 1920×1080 4:2:0 JPEG at quality 90 of a seeded
// synthetic picture: label-like strokes and gradients under camera noise,
// which makes as dense an entropy-coded stream as the noisiest box photos.
func noisyPhoto(tb testing.TB) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, photo.Synthetic(1920, 1080, 12), &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// BenchmarkDecode compares Decode with image/jpeg's Decode on the
// synthetic 1080p photo and, when the shared set is there, on a 720p and a
// noisy 1080p box photo.
func BenchmarkDecode(b *testing.B) {
	inputs := []struct {
		name string
		data []byte
	}{{"synthetic-1080p", noisyPhoto(b)}}
	for _, name := range []string{"0004", "0031"} {
		data, err := os.ReadFile(filepath.Join(boxPhotos, name+".jpg"))
		if err != nil {
			b.Logf("box photo %s absent: %v", name, err)
			continue
		}
		inputs = append(inputs, struct {
			name string
			data []byte
		}{"box-" + name, data})
	}
	for _, in := range inputs {
		b.Run(in.name+"/lumajpeg", func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			for b.Loop() {
				if _, err := Decode(in.data, 1<<26); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(in.name+"/image-jpeg", func(b *testing.B) {
			b.SetBytes(int64(len(in.data)))
			for b.Loop() {
				if _, err := jpeg.Decode(bytes.NewReader(in.data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
