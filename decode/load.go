package decode

import (
	"bufio"
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

// ReadImage decodes a PNG, JPEG, GIF, BMP, TIFF or WebP image. name labels
// errors.
func ReadImage(r io.Reader, name string) (image.Image, error) {
	img, _, err := image.Decode(bufio.NewReader(r))
	if err != nil {
		return nil, fmt.Errorf("read image %s: %w", name, err)
	}
	return img, nil
}
