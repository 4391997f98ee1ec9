package decode

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // GIF labels
	_ "image/jpeg" // photos
	_ "image/png"  // label images
	"io"
	"io/fs"

	"github.com/serialgate/serialgate/decode/lumajpeg"
	_ "golang.org/x/image/bmp"  // BMP scans
	_ "golang.org/x/image/tiff" // TIFF scans
	_ "golang.org/x/image/webp" // WebP photos
)

// DefaultMaxPixels is the largest image ReadImage decodes: a 64-megapixel
// photo, more than any label needs, and few enough that decoding it (up to
// four bytes a pixel) stays within a few hundred megabytes.
const DefaultMaxPixels = 64 << 20

// ReadImage decodes a PNG, JPEG, GIF, BMP, TIFF or WebP image of at most
// DefaultMaxPixels pixels for the barcode readers: a JPEG gives its luma
// plane alone (see ReadImageMax). name labels errors.
func ReadImage(r io.Reader, name string) (image.Image, error) {
	return ReadImageMax(r, name, DefaultMaxPixels)
}

// ReadColorImage decodes an image as ReadImage does, but keeps a JPEG's
// colour: for a picture people see as well as the readers (a preview).
func ReadColorImage(r io.Reader, name string) (image.Image, error) {
	return readImage(r, name, DefaultMaxPixels, false)
}

// ReadImageMax decodes an image of at most maxPixels pixels. The size is
// read from the image's header first, so a file whose header claims a huge
// image (a decompression bomb) is refused before any pixel is allocated.
//
// A sequential JPEG, what cameras write, is decoded by lumajpeg into its
// luma plane alone, an *image.Gray: the barcode readers look at nothing
// else, and skipping the colour takes a third to a half of the time. A
// JPEG lumajpeg leaves alone (progressive, CMYK, ...) is decoded whole by
// image/jpeg.
func ReadImageMax(r io.Reader, name string, maxPixels int64) (image.Image, error) {
	return readImage(r, name, maxPixels, true)
}

func readImage(r io.Reader, name string, maxPixels int64, lumaJPEG bool) (image.Image, error) {
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
	rest := io.MultiReader(&head, br)
	if format == "jpeg" && lumaJPEG {
		// lumajpeg takes the stream whole. A noisy photo at quality 100
		// takes 3 to 4 bytes a pixel; a stream longer than twice that
		// (padded with metadata, say) is left to image/jpeg, which
		// streams, rather than held in memory.
		limit := 8*int64(cfg.Width)*int64(cfg.Height) + 1<<20
		var data bytes.Buffer
		if f, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
				data.Grow(int(min(fi.Size(), limit)) + bytes.MinRead)
			}
		}
		if _, err := data.ReadFrom(io.LimitReader(rest, limit+1)); err != nil {
			return nil, fmt.Errorf("read image %s: %w", name, err)
		}
		var lumaErr error
		if int64(data.Len()) <= limit {
			img, err := lumajpeg.Decode(data.Bytes(), maxPixels)
			if err == nil {
				return img, nil
			}
			if errors.Is(err, lumajpeg.ErrTooLarge) {
				return nil, fmt.Errorf("read image %s: %w", name, err)
			}
			// Unsupported, or a stream lumajpeg finds malformed where
			// image/jpeg may be more lenient: image/jpeg decides, and
			// when it fails too, lumajpeg's error names the byte.
			lumaErr = err
		}
		img, _, err := image.Decode(io.MultiReader(bytes.NewReader(data.Bytes()), rest))
		if err != nil {
			if lumaErr != nil && !errors.Is(lumaErr, lumajpeg.ErrUnsupported) {
				err = lumaErr
			}
			return nil, fmt.Errorf("read image %s: %w", name, err)
		}
		return img, nil
	}
	img, _, err := image.Decode(rest)
	if err != nil {
		return nil, fmt.Errorf("read image %s: %w", name, err)
	}
	return img, nil
}
