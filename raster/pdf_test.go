package raster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"

	"github.com/serialgate/serialgate/decode"
	"github.com/serialgate/serialgate/internal/testenv"
)

// writePDF writes a PDF whose pages each draw one Code 128 symbol as
// vector bars, as label software prints them.
func writePDF(t *testing.T, serials ...string) string { return writePDFSized(t, 0, serials...) }

// writePDFSized is writePDF with every page at least height points square
// (0: fit the symbol).
func writePDFSized(t *testing.T, height int, serials ...string) string {
	t.Helper()
	var objs []string
	pageIDs := ""
	for i, s := range serials {
		m, err := oned.NewCode128Writer().Encode(s, gozxing.BarcodeFormat_CODE_128, 0, 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		var content strings.Builder
		for x := 0; x < m.GetWidth(); x++ {
			if m.Get(x, 0) {
				fmt.Fprintf(&content, "%d 40 1 60 re f\n", 20+x) // 1 pt modules
			}
		}
		pageID := 3 + 2*i
		h := 140
		if height > 0 {
			h = height
		}
		pageIDs += fmt.Sprintf("%d 0 R ", pageID)
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R >>", max(m.GetWidth()+40, height), h, pageID+1),
			fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()))
	}
	all := append([]string{"<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", pageIDs, len(serials))}, objs...)
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(all))
	for i, o := range all {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(all)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(all)+1, xref)
	p := filepath.Join(t.TempDir(), "labels.pdf")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// collect renders every page of path, keeping each.
func collect(t *testing.T, ctx context.Context, path string, opt Options) ([]Page, error) {
	t.Helper()
	var pages []Page
	err := PDF(ctx, path, opt, func(p Page) error {
		pages = append(pages, p)
		return nil
	})
	return pages, err
}

func TestPDF(t *testing.T) {
	testenv.Tool(t, "pdftoppm", "poppler-utils")
	p := writePDF(t, "AC2000000001", "AC2000000002", "AC2000000003")
	pages, err := collect(t, context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 3 {
		t.Fatalf("%d pages", len(pages))
	}
	d := decode.New(decode.Options{})
	for i, want := range []string{"AC2000000001", "AC2000000002", "AC2000000003"} {
		if pages[i].N != i+1 || pages[i].Err != nil {
			t.Fatalf("page %d: %+v", i+1, pages[i])
		}
		got, err := d.Image(pages[i].Image)
		if err != nil || len(got) != 1 || got[0].Text != want {
			t.Errorf("page %d: %+v %v, want %s", i+1, got, err, want)
		}
	}
}

func TestPDFErrors(t *testing.T) {
	testenv.Tool(t, "pdftoppm", "poppler-utils")
	bad := filepath.Join(t.TempDir(), "bad.pdf")
	os.WriteFile(bad, []byte("%PDF-1.4 garbage"), 0o644)
	var e *Error
	if _, err := collect(t, context.Background(), bad, Options{}); !errors.As(err, &e) || e.File != bad || !strings.Contains(err.Error(), "bad.pdf") {
		t.Errorf("broken PDF: %v", err)
	}
	p := writePDF(t, "A1", "A2", "A3")
	if _, err := collect(t, context.Background(), p, Options{DPI: -1}); err == nil {
		t.Error("-1 dpi accepted")
	}
	// Too many pages: refused before any page is rendered.
	pages, err := collect(t, context.Background(), p, Options{MaxPages: 2})
	if err == nil || len(pages) != 0 || !strings.Contains(err.Error(), "3 pages, over the limit of 2 pages") {
		t.Errorf("page limit: %d pages, %v", len(pages), err)
	}
}

// TestPDFPageTooLarge: a page that would render over the pixel budget is an
// error for that page, and the pages after it are still rendered. A page
// pdftoppm itself cannot render (it writes a 1×1 image and a warning) is an
// error for that page too, not an empty page.
func TestPDFPageTooLarge(t *testing.T) {
	testenv.Tool(t, "pdftoppm", "poppler-utils")
	p := writePDFSized(t, 14000, "AC2000000001", "AC2000000002") // 194 in square
	pages, err := collect(t, context.Background(), p, Options{})
	if err != nil || len(pages) != 2 {
		t.Fatalf("%d pages, %v", len(pages), err)
	}
	for _, pg := range pages {
		if pg.Err == nil || pg.Image != nil || !strings.Contains(pg.Err.Error(), "over the limit") || !strings.Contains(pg.Err.Error(), fmt.Sprintf("page %d", pg.N)) {
			t.Errorf("page %d: %+v", pg.N, pg)
		}
	}
	// Raised limit: pdftoppm is asked, cannot allocate a page this large,
	// writes a 1×1 image and a warning: an error naming the page.
	pages, err = collect(t, context.Background(), p, Options{MaxPixels: 1 << 40})
	if err != nil || len(pages) != 2 {
		t.Fatalf("%d pages, %v", len(pages), err)
	}
	for _, pg := range pages {
		if pg.Err == nil || !strings.Contains(pg.Err.Error(), "pdftoppm rendered 1×1 pixels") || !strings.Contains(pg.Err.Error(), fmt.Sprintf("page %d", pg.N)) {
			t.Errorf("page %d: %+v", pg.N, pg)
		}
	}
}

// TestPDFStops: the callback's error stops the rendering at once, and so
// does the end of the context.
func TestPDFStops(t *testing.T) {
	testenv.Tool(t, "pdftoppm", "poppler-utils")
	p := writePDF(t, "A1", "A2", "A3")
	stop := errors.New("enough")
	n := 0
	if err := PDF(context.Background(), p, Options{}, func(Page) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("callback error: %d pages, %v", n, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n = 0
	err := PDF(ctx, p, Options{}, func(Page) error { n++; cancel(); return nil })
	if !errors.Is(err, context.Canceled) || n != 1 {
		t.Errorf("cancel: %d pages, %v", n, err)
	}
}

func TestNoPoppler(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if err := PDF(context.Background(), "x.pdf", Options{}, func(Page) error { return nil }); !errors.Is(err, ErrNoPoppler) {
		t.Fatalf("got %v", err)
	}
}

func TestReadPGM(t *testing.T) {
	img, err := ReadPGM(strings.NewReader("P5\n# c\n3 2\n255\n\x00\x01\x02\x03\x04\x05"), 100)
	if err != nil || img.Bounds().Dx() != 3 || img.Bounds().Dy() != 2 || img.Pix[5] != 5 {
		t.Fatalf("%v %v", img, err)
	}
	for _, bad := range []string{"", "P6\n1 1\n255\n\x00", "P5 1 1 255\n", "P5\n2 2\n255\n\x00", "P5\n1000 1000\n255\n", "P5\n1 1\n65535\n\x00\x00", "P5\n0 1\n255\n"} {
		if _, err := ReadPGM(strings.NewReader(bad), 100); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func FuzzReadPGM(f *testing.F) {
	f.Add([]byte("P5\n3 2\n255\n\x00\x01\x02\x03\x04\x05"))
	f.Add([]byte("P5\n1 1\n15\n\x10"))
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := ReadPGM(bytes.NewReader(b), 1<<16)
		if err == nil && int64(len(img.Pix)) > 1<<16 {
			t.Fatalf("%d pixels over the budget", len(img.Pix))
		}
	})
}
