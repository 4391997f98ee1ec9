package decode

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// repoBarcodes holds a few photos per symbology in the repository;
// sharedBarcodes, the larger sample set beside it when present.
const (
	repoBarcodes   = "../testdata/barcodes"
	sharedBarcodes = "../../shared/testdata/barcodes"
)

type photo struct {
	folder, name string
	g            Gray
	want         string // "" for a photo with no barcode
}

// loadPhotos reads the shared sample photos of the folders named, with
// their expected texts, skipping the test when the shared set is absent.
func loadPhotos(t testing.TB, folders ...string) []photo {
	t.Helper()
	if _, err := os.Stat(sharedBarcodes); err != nil {
		t.Skipf("the shared sample set is absent (%v): only the repository's photos are checked", err)
	}
	return loadPhotosIn(t, sharedBarcodes, folders...)
}

// loadPhotosIn reads the photos of the folders named under root, with
// their expected texts. WebP goes through Go's decoder.
func loadPhotosIn(t testing.TB, root string, folders ...string) []photo {
	t.Helper()
	var out []photo
	for _, folder := range folders {
		dir := filepath.Join(root, folder)
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
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

// repoFolders names the sample folders kept in the repository.
func repoFolders(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir(repoBarcodes)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestRepoSamples reads every photo kept in the repository: each gives its
// expected text and no other text of its family where it stands, and the
// photos without a barcode give none.
func TestRepoSamples(t *testing.T) {
	d := New(Options{})
	n := 0
	for _, folder := range repoFolders(t) {
		for _, p := range loadPhotosIn(t, repoBarcodes, folder) {
			n++
			got, err := d.Gray(p.g)
			if err != nil {
				t.Errorf("%s/%s: %v", p.folder, p.name, err)
				continue
			}
			if p.want == "" {
				if len(got) > 0 {
					t.Errorf("%s/%s: no barcode in the photo, read %q", p.folder, p.name, got[0].Text)
				}
				continue
			}
			var read *Barcode
			for i, b := range got {
				if sameText(b, p.want) {
					read = &got[i]
				}
			}
			if read == nil {
				t.Errorf("%s/%s: %q not read (got %d codes)", p.folder, p.name, p.want, len(got))
				continue
			}
			// Beside the code, no other of its family where it stands:
			// one symbol carries one text.
			for _, b := range got {
				if b.Text != read.Text && family(b.Symbology) == family(read.Symbology) && (inside(b, *read, 0.1) || inside(*read, b, 0.1)) {
					t.Errorf("%s/%s: misread %s %q where %q stands", p.folder, p.name, b.Symbology, b.Text, read.Text)
				}
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d photos in %s", n, repoBarcodes)
	}
}
