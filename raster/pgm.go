package raster

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"io"
)

// ReadPGM reads a binary PGM (P5) image of 8-bit samples, refusing one of
// more than maxPixels pixels before reading its samples.
func ReadPGM(r io.Reader, maxPixels int64) (*image.Gray, error) {
	br := bufio.NewReader(r)
	var off int64
	next := func() (byte, error) {
		c, err := br.ReadByte()
		if err == nil {
			off++
		}
		return c, err
	}
	magic := make([]byte, 2)
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != "P5" {
		return nil, errors.New("not a binary PGM (P5) image")
	}
	off = 2
	var fields [3]int
	for i := range fields {
		c, err := next()
		// Skip white space and comments before the field.
		for err == nil && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '#') {
			if c == '#' {
				for err == nil && c != '\n' {
					c, err = next()
				}
				continue
			}
			c, err = next()
		}
		if err != nil {
			return nil, fmt.Errorf("pgm header at byte %d: %w", off, io.ErrUnexpectedEOF)
		}
		n := 0
		for err == nil && c >= '0' && c <= '9' {
			if n > 1<<30 {
				return nil, fmt.Errorf("pgm header at byte %d: number too large", off)
			}
			n = n*10 + int(c-'0')
			c, err = next()
		}
		if err != nil || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			return nil, fmt.Errorf("pgm header at byte %d: want a number followed by white space", off)
		}
		fields[i] = n
	}
	w, h, maxval := fields[0], fields[1], fields[2]
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("pgm size %d×%d", w, h)
	}
	if int64(w)*int64(h) > maxPixels {
		return nil, fmt.Errorf("pgm of %d×%d pixels is over the limit of %d pixels", w, h, maxPixels)
	}
	if maxval < 1 || maxval > 255 {
		return nil, fmt.Errorf("pgm maximum value %d: only 8-bit samples are read", maxval)
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	if _, err := io.ReadFull(br, img.Pix); err != nil {
		return nil, fmt.Errorf("pgm samples at byte %d: %w", off, io.ErrUnexpectedEOF)
	}
	if maxval != 255 {
		for i, v := range img.Pix {
			img.Pix[i] = byte(min(int(v), maxval) * 255 / maxval)
		}
	}
	return img, nil
}
