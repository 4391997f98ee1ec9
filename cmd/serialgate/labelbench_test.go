//go:build !decodeonly

package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// BenchmarkValidateZPL10k: a 10,000-label ZPL job, its serial from ^SN in
// a Code 128 and as text beside it, checked against every rule, JSONL out.
func BenchmarkValidateZPL10k(b *testing.B) {
	job := filepath.Join(b.TempDir(), "job.zpl")
	zpl := "^XA\n^FO40,30^A0N,28,28^FDAcme Smart Plug S2^FS\n" +
		"^FO40,80^BY2^BCN,90,Y,N,N^SNASP2-0000000001,1,Y^FS\n" +
		"^FO40,200^A0N,24,24^SNASP2-0000000001,1,Y^FS\n" +
		"^FO400,80^BXN,6,200^FDhttps://acme.example/s2^FS\n^PQ10000\n^XZ\n"
	if err := os.WriteFile(job, []byte(zpl), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var out, errb bytes.Buffer
		if code := Main(context.Background(), []string{"validate", "--rules", labelRules, "--format", "jsonl", job}, nil, &out, &errb); code != exitOK {
			b.Fatalf("exit %d: %s", code, errb.String())
		}
		if n := bytes.Count(out.Bytes(), []byte("\n")); n != 10000 {
			b.Fatalf("%d verdicts", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/10000, "ns/label")
}

// BenchmarkValidatePDF100: a 100-page label PDF, each page a Code 128
// serial drawn with gozxing's writer, assembled by img2pdf or ImageMagick
// and rasterized by pdftoppm as validate does. Skips without the tools,
// unless CI=true.
func BenchmarkValidatePDF100(b *testing.B) {
	need := []string{"pdftoppm", "pdfinfo"}
	var assemble []string
	if p, err := exec.LookPath("img2pdf"); err == nil {
		assemble = []string{p}
	} else if p, err := exec.LookPath("convert"); err == nil {
		assemble = []string{p}
	}
	for _, tool := range need {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				b.Fatalf("%s is missing (poppler-utils)", tool)
			}
			b.Skipf("%s is missing (poppler-utils)", tool)
		}
	}
	if assemble == nil {
		if os.Getenv("CI") == "true" {
			b.Fatal("neither img2pdf nor ImageMagick convert is installed")
		}
		b.Skip("neither img2pdf nor ImageMagick convert is installed")
	}
	dir := b.TempDir()
	var pages []string
	for i := 1; i <= 100; i++ {
		p := filepath.Join(dir, fmt.Sprintf("p%03d.png", i))
		if err := writeSerialPNG(p, fmt.Sprintf("ASP2-%010d", i)); err != nil {
			b.Fatal(err)
		}
		pages = append(pages, p)
	}
	pdf := filepath.Join(dir, "labels.pdf")
	args := append(append(assemble[1:], pages...), "-o", pdf)
	if !strings.HasSuffix(assemble[0], "img2pdf") {
		args = append(append([]string{}, pages...), pdf)
	}
	if out, err := exec.Command(assemble[0], args...).CombinedOutput(); err != nil {
		b.Fatalf("assemble the PDF: %v: %s", err, out)
	}
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		var out, errb bytes.Buffer
		code := Main(context.Background(), []string{"validate", "--rules", labelRules, "--model", "smart_plug_s2", "--summary", pdf}, nil, &out, &errb)
		if code == exitUsage || !strings.HasPrefix(out.String(), "100 checked") {
			b.Fatalf("exit %d: %s %s", code, out.String(), errb.String())
		}
		if code != exitOK {
			// A misread page is the decoder's matter, measured in bench/decode.sh;
			// here it is logged so the time is still reported.
			b.Logf("not every page read: %s", strings.TrimSpace(out.String()))
		}
	}
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
}

// writeSerialPNG draws a 4x6 inch label at 203 dpi with one Code 128.
func writeSerialPNG(name, serial string) error {
	img := image.NewGray(image.Rect(0, 0, 812, 1218))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	m, err := oned.NewCode128Writer().Encode(serial, gozxing.BarcodeFormat_CODE_128, 0, 120, nil)
	if err != nil {
		return err
	}
	for y := 0; y < m.GetHeight(); y++ {
		for x := 0; x < m.GetWidth()*3; x++ {
			if m.Get(x/3, y) {
				img.Pix[(200+y)*img.Stride+60+x] = 0
			}
		}
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
