// Package labels reads label print files: PDF label sheets today; ZPL, EPL
// and TSPL print jobs and serial lists to come.
package labels

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
)

// ErrNoPdftoppm is returned when poppler's pdftoppm is not installed.
var ErrNoPdftoppm = errors.New("pdftoppm not found: install poppler-utils to read PDF label files")

// RasterizePDF renders every page of a PDF at dpi dots per inch in gray,
// with poppler's pdftoppm: it renders what label printers print (vector
// bars, embedded images, fonts) exactly, where no pure-Go PDF library
// rasterizes reliably.
func RasterizePDF(ctx context.Context, path string, dpi int) ([]image.Image, error) {
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		return nil, ErrNoPdftoppm
	}
	if dpi <= 0 || dpi > 1200 {
		return nil, fmt.Errorf("rasterize %s: resolution %d dpi out of range 1-1200", path, dpi)
	}
	dir, err := os.MkdirTemp("", "serialgate-pdf-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-r", fmt.Sprint(dpi), "-gray", "-png", path, filepath.Join(dir, "page"))
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := bytes.TrimSpace(stderr.Bytes())
		if len(msg) > 200 {
			msg = msg[:200]
		}
		return nil, fmt.Errorf("rasterize %s: %v: %s", path, err, msg)
	}
	pages, err := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if err != nil {
		return nil, err
	}
	// pdftoppm numbers pages with as many digits as the last page needs.
	sort.Slice(pages, func(i, j int) bool {
		if len(pages[i]) != len(pages[j]) {
			return len(pages[i]) < len(pages[j])
		}
		return pages[i] < pages[j]
	})
	var out []image.Image
	for _, p := range pages {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("rasterize %s: page %s: %w", path, filepath.Base(p), err)
		}
		out = append(out, img)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("rasterize %s: no pages", path)
	}
	return out, nil
}
