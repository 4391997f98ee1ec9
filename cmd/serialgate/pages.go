package main

import (
	"context"
	"image"
	"path/filepath"
	"strings"

	"github.com/serialgate/serialgate/decode"
	"github.com/serialgate/serialgate/raster"
)

// isPDF tells whether a file is taken for a PDF: by its name.
func isPDF(name string) bool { return strings.EqualFold(filepath.Ext(name), ".pdf") }

// eachPage calls fn with an image file as page 1 of 1, or with each page
// of a PDF in turn, rendered at dpi (0: the default); a PDF page that could
// not be rendered stops with its error.
func eachPage(ctx context.Context, name string, dpi int, fn func(page, of int, img image.Image) error) error {
	if isPDF(name) {
		return raster.PDF(ctx, name, raster.Options{DPI: dpi}, func(p raster.Page) error {
			if p.Err != nil {
				return p.Err
			}
			return fn(p.N, p.Of, p.Image)
		})
	}
	f, err := openInput(ctx, name)
	if err != nil {
		return err
	}
	defer f.Close()
	img, err := decode.ReadImage(f, name)
	if err != nil {
		return err
	}
	return fn(1, 1, img)
}
