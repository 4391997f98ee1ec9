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
	return writeObjects(t, "labels.pdf", all)
}

// writeObjects writes a PDF of the objects, numbered from 1, with their
// cross-reference table, and returns its path.
func writeObjects(t *testing.T, name string, objs []string) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
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

// writeImagePDF writes a PDF of two pages: the first holds a w×h gray
// picture (a checkerboard of 10-pixel squares) drawn over the whole 2×1 in page, so at w/2
// pixels per inch; the second the same picture as a 0.2×0.1 in logo in
// a corner, which is no reason to render that page coarsely.
func writeImagePDF(t *testing.T, w, h int) (string, []byte) {
	t.Helper()
	pix := make([]byte, w*h)
	for i := range pix {
		if (i%w/10+i/w/10)%2 == 1 {
			pix[i] = 255
		}
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 144 72] /Resources << /XObject << /Im1 7 0 R >> >> /Contents 4 0 R >>",
		"<< /Length 28 >>\nstream\nq 144 0 0 72 0 0 cm /Im1 Do Q\nendstream",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 144 72] /Resources << /XObject << /Im1 7 0 R >> >> /Contents 6 0 R >>",
		"<< /Length 26 >>\nstream\nq 14.4 0 0 7.2 0 0 cm /Im1 Do Q\nendstream",
		fmt.Sprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream", w, h, len(pix), pix),
	}
	return writeObjects(t, "picture.pdf", objs), pix
}

// TestPDFImageDPI: with ImageDPI a page that is a picture renders at the
// picture's own resolution, pixel for pixel; a page where the picture is
// a small logo renders at DPI; RenderPage gives the full resolution.
func TestPDFImageDPI(t *testing.T) {
	testenv.Tool(t, "pdftoppm", "poppler-utils")
	testenv.Tool(t, "pdfimages", "poppler-utils")
	p, pix := writeImagePDF(t, 200, 100) // 100 ppi on page 1
	for _, workers := range []int{1, 3} {
		pages, err := collect(t, context.Background(), p, Options{ImageDPI: true, Workers: workers})
		if err != nil || len(pages) != 2 {
			t.Fatalf("%d pages, %v", len(pages), err)
		}
		img := pages[0].Image
		if pages[0].N != 1 || pages[0].DPI != 100 || img == nil || img.Bounds().Dx() != 200 || img.Bounds().Dy() != 100 {
			t.Fatalf("picture page: %+v", pages[0])
		}
		// Drawn at its own resolution, each square is where it was:
		// the middle of a square has the square's gray.
		for _, xy := range [][2]int{{5, 5}, {15, 5}, {155, 65}, {195, 95}, {105, 45}} {
			got, want := int(img.GrayAt(xy[0], xy[1]).Y), int(pix[xy[1]*200+xy[0]])
			if got-want > 8 || want-got > 8 {
				t.Errorf("pixel %v: %d, want %d", xy, got, want)
			}
		}
		if pages[1].N != 2 || pages[1].DPI != 300 || pages[1].Image.Bounds().Dx() != 600 {
			t.Errorf("logo page: %+v", pages[1])
		}
	}
	pages, err := collect(t, context.Background(), p, Options{})
	if err != nil || pages[0].DPI != 300 || pages[0].Image.Bounds().Dx() != 600 {
		t.Errorf("without ImageDPI: %+v %v", pages[0], err)
	}
	img, err := RenderPage(context.Background(), p, 1, Options{})
	if err != nil || img.Bounds().Dx() != 600 || img.Bounds().Dy() != 300 {
		t.Errorf("RenderPage: %v %v", img.Bounds(), err)
	}
	if _, err := RenderPage(context.Background(), p, 3, Options{}); err == nil || !strings.Contains(err.Error(), "no page 3") {
		t.Errorf("page 3 of 2: %v", err)
	}
}
