package decode

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sharedBarcodes = "../../shared/testdata/barcodes"

type photo struct {
	folder, name string
	g            Gray
	want         string // "" for a photo with no barcode
}

// loadPhotos reads the shared sample photos of the folders named, with
// their expected texts. WebP goes through Go's decoder.
func loadPhotos(t testing.TB, folders ...string) []photo {
	t.Helper()
	var out []photo
	for _, folder := range folders {
		dir := filepath.Join(sharedBarcodes, folder)
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Skipf("sample photos not found: %v", err)
		}
		for _, e := range entries {
			ext := strings.ToLower(filepath.Ext(e.Name()))
			if ext != ".png" && ext != ".jpg" && ext != ".webp" {
				continue
			}
			base := strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))
			want, err := os.ReadFile(filepath.Join(dir, base+".txt"))
			if err != nil && !strings.HasPrefix(folder, "falsepositives") {
				continue
			}
			f, err := os.Open(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			img, err := ReadImage(f, e.Name())
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, photo{folder, e.Name(), GrayOf(img), string(bytes.TrimRight(want, "\n"))})
		}
	}
	return out
}
