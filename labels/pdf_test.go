package labels

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"

	"github.com/serialgate/serialgate/decode"
)

// writePDF writes a PDF whose pages each draw one Code 128 symbol as
// vector bars, as label software prints them.
func writePDF(t *testing.T, serials ...string) string {
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
		pageIDs += fmt.Sprintf("%d 0 R ", pageID)
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d 140] /Contents %d 0 R >>", m.GetWidth()+40, pageID+1),
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

func TestRasterizePDF(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed (poppler-utils)")
	}
	p := writePDF(t, "AC2000000001", "AC2000000002")
	pages, err := RasterizePDF(context.Background(), p, 300)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 {
		t.Fatalf("%d pages", len(pages))
	}
	d := decode.New(decode.Options{})
	for i, want := range []string{"AC2000000001", "AC2000000002"} {
		got, err := d.Image(pages[i])
		if err != nil || len(got) != 1 || got[0].Text != want {
			t.Errorf("page %d: %+v %v, want %s", i+1, got, err, want)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.pdf")
	os.WriteFile(bad, []byte("%PDF-1.4 garbage"), 0o644)
	if _, err := RasterizePDF(context.Background(), bad, 300); err == nil || !strings.Contains(err.Error(), "bad.pdf") {
		t.Errorf("broken PDF: %v", err)
	}
	if _, err := RasterizePDF(context.Background(), p, 0); err == nil {
		t.Error("0 dpi accepted")
	}
}

func TestNoPdftoppm(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, err := RasterizePDF(context.Background(), "x.pdf", 300); !errors.Is(err, ErrNoPdftoppm) {
		t.Fatalf("got %v", err)
	}
}
