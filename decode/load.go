package decode

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	_ "image/gif"  // GIF labels
	_ "image/jpeg" // photos
	_ "image/png"  // label images
	"io"

	_ "golang.org/x/image/bmp"  // BMP scans
	_ "golang.org/x/image/tiff" // TIFF scans
	_ "golang.org/x/image/webp" // WebP photos
)

// DefaultMaxPixels is the largest image ReadImage decodes: a 64-megapixel
// photo, more than any label needs, and few enough that decoding it (up to
// four bytes a pixel) stays within a few hundred megabytes.
const DefaultMaxPixels = 64 << 20

// ReadImage decodes a PNG, JPEG, GIF, BMP, TIFF or WebP image of at most
// DefaultMaxPixels pixels. name labels errors.
func ReadImage(r io.Reader, name string) (image.Image, error) {
	return ReadImageMax(r, name, DefaultMaxPixels)
}

// ReadImageMax decodes an image of at most maxPixels pixels. The size is
// read from the image's header first, so a file whose header claims a huge
// image (a decompression bomb) is refused before any pixel is allocated.
func ReadImageMax(r io.Reader, name string, maxPixels int64) (image.Image, error) {
	// Keep what DecodeConfig reads, to decode the image from the start.
	var head bytes.Buffer
	br := bufio.NewReader(r)
	cfg, format, err := image.DecodeConfig(io.TeeReader(br, &head))
	if err != nil {
		return nil, fmt.Errorf("read image %s: %w", name, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("read image %s: %s of %d×%d pixels", name, format, cfg.Width, cfg.Height)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > maxPixels {
		return nil, fmt.Errorf("read image %s: %s of %d×%d pixels is over the limit of %d pixels", name, format, cfg.Width, cfg.Height, maxPixels)
	}
	img, _, err := image.Decode(io.MultiReader(&head, br))
	if err != nil {
		return nil, fmt.Errorf("read image %s: %w", name, err)
	}
	return img, nil
}
