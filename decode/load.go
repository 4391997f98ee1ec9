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
	"runtime/debug"

	"github.com/serialgate/serialgate/decode/lumajpeg"
	"github.com/serialgate/serialgate/decode/lumapng"
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
// plane alone, a PNG its gray (see ReadImageMax). name labels errors.
func ReadImage(r io.Reader, name string) (image.Image, error) {
	return ReadImageMax(r, name, DefaultMaxPixels)
}

// ReadColorImage decodes an image as ReadImage does, but keeps a JPEG's or
// a PNG's colour: for a picture people see as well as the readers (a
// preview).
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
//
// A non-interlaced PNG is decoded by lumapng straight into gray, with the
// pixels GrayOf makes of image/png's image, in half the time or less. An
// interlaced one, or one lumapng finds malformed, goes to image/png.
func ReadImageMax(r io.Reader, name string, maxPixels int64) (image.Image, error) {
	return readImage(r, name, maxPixels, true)
}

// readImage decodes an image; luma has JPEG and PNG decoded to gray.
func readImage(r io.Reader, name string, maxPixels int64, luma bool) (image.Image, error) {
	if luma {
		if data, done := mapInput(r); data != nil {
			defer done()
			return readMapped(data, name, maxPixels)
		}
	}
	// Keep what DecodeConfig reads, to decode the image from the start.
	var head bytes.Buffer
	br := bufio.NewReader(r)
	cfg, format, err := imageConfig(io.TeeReader(br, &head), name, maxPixels)
	if err != nil {
		return nil, err
	}
	rest := io.MultiReader(&head, br)
	if luma && (format == "jpeg" || format == "png") {
		return readLuma(r, rest, name, format, int64(cfg.Width)*int64(cfg.Height), maxPixels)
	}
	img, _, err := image.Decode(rest)
	if err != nil {
		return nil, fmt.Errorf("read image %s: %w", name, err)
	}
	return img, nil
}

// imageConfig reads an image's header: its format and size, refused when
// the size is empty or over maxPixels.
func imageConfig(r io.Reader, name string, maxPixels int64) (image.Config, string, error) {
	cfg, format, err := image.DecodeConfig(r)
	if err != nil {
		return cfg, format, fmt.Errorf("read image %s: %w", name, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return cfg, format, fmt.Errorf("read image %s: %s of %d×%d pixels", name, format, cfg.Width, cfg.Height)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > maxPixels {
		return cfg, format, fmt.Errorf("read image %s: %s of %d×%d pixels is over the limit of %d pixels", name, format, cfg.Width, cfg.Height, maxPixels)
	}
	return cfg, format, nil
}

// readLuma decodes a JPEG with lumajpeg or a PNG with lumapng, which take
// the stream whole, falling back to image/jpeg or image/png for what they
// leave alone. r is the reader rest reads on from, for its size.
func readLuma(r, rest io.Reader, name, format string, px, maxPixels int64) (image.Image, error) {
	// A noisy photo at quality 100 takes 3 to 4 bytes a pixel; a JPEG
	// longer than twice that (padded with metadata, say) is left to
	// image/jpeg, which streams, rather than held in memory.
	limit := 8*px + 1<<20
	if format == "png" {
		// A PNG's pixel data is at most 8 bytes a pixel (16-bit RGBA)
		// and a filter byte a row, which DEFLATE's stored blocks grow by
		// 5 bytes in 65535: within 9 bytes a pixel for any shape.
		limit = 9*px + 1<<20
	}
	var data bytes.Buffer
	if f, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			data.Grow(int(min(fi.Size(), limit)) + bytes.MinRead)
		}
	}
	if _, err := data.ReadFrom(io.LimitReader(rest, limit+1)); err != nil {
		return nil, fmt.Errorf("read image %s: %w", name, err)
	}
	return decodeLuma(data.Bytes(), rest, name, format, maxPixels, int64(data.Len()) <= limit)
}

// decodeLuma decodes a JPEG with lumajpeg or a PNG with lumapng when data
// is the stream whole (whole), falling back to image/jpeg or image/png on
// data followed by rest for what they leave alone.
func decodeLuma(data []byte, rest io.Reader, name, format string, maxPixels int64, whole bool) (image.Image, error) {
	decodeGray, errTooLarge, errUnsupported := lumajpeg.Decode, lumajpeg.ErrTooLarge, lumajpeg.ErrUnsupported
	if format == "png" {
		decodeGray, errTooLarge, errUnsupported = lumapng.Decode, lumapng.ErrTooLarge, lumapng.ErrUnsupported
	}
	var lumaErr error
	if whole {
		img, err := decodeGray(data, maxPixels)
		if err == nil {
			return img, nil
		}
		if errors.Is(err, errTooLarge) {
			return nil, fmt.Errorf("read image %s: %w", name, err)
		}
		// Unsupported, or a stream lumajpeg or lumapng finds malformed
		// where image/jpeg or image/png may be more lenient: the
		// standard decoder decides, and when it fails too, the fast
		// decoder's error names the byte.
		lumaErr = err
	}
	img, _, err := image.Decode(io.MultiReader(bytes.NewReader(data), rest))
	if err != nil {
		if lumaErr != nil && !errors.Is(lumaErr, errUnsupported) {
			err = lumaErr
		}
		return nil, fmt.Errorf("read image %s: %w", name, err)
	}
	return img, nil
}

// readMapped decodes an image file mapped into memory whole: a JPEG or a
// PNG is decoded straight from the mapping, without a copy of the file.
// A file cut short while it is read (another program rewriting it) makes
// the reads past its new end fault; that is an error here, not a crash.
func readMapped(data []byte, name string, maxPixels int64) (img image.Image, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(interface{ Addr() uintptr }); !ok {
				panic(r)
			}
			img, err = nil, fmt.Errorf("read image %s: the file changed while it was read", name)
		}
	}()
	_, format, err := imageConfig(bytes.NewReader(data), name, maxPixels)
	if err != nil {
		return nil, err
	}
	if format == "jpeg" || format == "png" {
		return decodeLuma(data, bytes.NewReader(nil), name, format, maxPixels, true)
	}
	// The other decoders get a copy: their images must not share memory
	// with a mapping that is gone once this returns.
	img, _, err = image.Decode(bytes.NewReader(bytes.Clone(data)))
	if err != nil {
		return nil, fmt.Errorf("read image %s: %w", name, err)
	}
	return img, nil
}
