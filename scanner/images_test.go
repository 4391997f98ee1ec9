package scanner

import (
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/labels/render"
)

func writePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// An image folder is a camera that sees each picture once: one scan a
// picture, carrying every barcode read off it, and the latest picture on
// view for the preview.
func TestImagesSource(t *testing.T) {
	dir := t.TempDir()
	label, err := render.Compose([]render.Code{{Symbology: serialgate.EAN13, Value: "4006381333931"}, {Symbology: serialgate.Code128, Value: "AC2000000001"}})
	if err != nil {
		t.Fatal(err)
	}
	writePNG(t, filepath.Join(dir, "1-label.png"), label)
	writePNG(t, filepath.Join(dir, "2-blank.png"), image.NewGray(image.Rect(0, 0, 200, 100)))
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a picture"), 0o644)

	o, err := Open("images:"+dir+"?rate=0", OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	ctx := context.Background()
	sc, err := o.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, b := range sc.Label {
		texts = append(texts, b.Text)
	}
	if !strings.HasSuffix(sc.Picture, "1-label.png") || strings.Join(texts, " ") != "4006381333931 AC2000000001" && strings.Join(texts, " ") != "AC2000000001 4006381333931" {
		t.Fatalf("first picture: %q, codes %q", sc.Picture, texts)
	}
	sc, err = o.Next(ctx)
	if err != nil || !strings.HasSuffix(sc.Picture, "2-blank.png") || sc.Label == nil || len(sc.Label) != 0 {
		t.Fatalf("blank picture: %+v, %v: want a scan with an empty label", sc, err)
	}
	if _, err := o.Next(ctx); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last picture: %v, want io.EOF", err)
	}
	f, ok := o.Source.(Framer).Frame()
	if !ok || !strings.HasSuffix(f.Name, "2-blank.png") || f.Image.Bounds().Dx() != 200 {
		t.Errorf("Frame: %v %+v", ok, f.Name)
	}
}

// A picture that cannot be read ends the source with an error naming it;
// a folder with no pictures is refused when opened.
func TestImagesSourceErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open("images:"+dir, OpenOptions{}); err == nil || !strings.Contains(err.Error(), "no picture files") {
		t.Errorf("empty folder: %v", err)
	}
	bad := filepath.Join(dir, "broken.png")
	os.WriteFile(bad, []byte("\x89PNG\r\n\x1a\nnot really"), 0o644)
	o, err := Open("images:"+bad+"?rate=0", OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if _, err := o.Next(context.Background()); err == nil || !strings.Contains(err.Error(), "broken.png") {
		t.Errorf("broken picture: %v, want an error naming it", err)
	}
	if _, err := Open("images:"+dir+"?rate=-1", OpenOptions{}); err == nil || !strings.Contains(err.Error(), "rate") {
		t.Errorf("negative rate: %v", err)
	}
}
