package main

import (
	"context"
	"image"
	"os"
	"path/filepath"
	"strings"

	"github.com/serialgate/serialgate/decode"
	"github.com/serialgate/serialgate/labels"
)

// defaultDPI is the resolution label PDFs are rasterized at: 300 dpi gives
// a 10-mil module about 3 pixels, enough for every symbology.
const defaultDPI = 300

// loadPages reads an image file as one page, or a PDF as its pages.
func loadPages(ctx context.Context, name string, dpi int) ([]image.Image, error) {
	if strings.EqualFold(filepath.Ext(name), ".pdf") {
		return labels.RasterizePDF(ctx, name, dpi)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := decode.ReadImage(f, name)
	if err != nil {
		return nil, err
	}
	return []image.Image{img}, nil
}
