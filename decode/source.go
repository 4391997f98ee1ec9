package decode

import (
	"errors"

	"github.com/makiuchi-d/gozxing"
)

// source is a gozxing.LuminanceSource over a Gray image, without copies
// where gozxing allows.
type source struct {
	g Gray
}

var _ gozxing.LuminanceSource = (*source)(nil)

func (s *source) GetRow(y int, row []byte) ([]byte, error) {
	if y < 0 || y >= s.g.Height {
		return nil, errors.New("row out of range")
	}
	if cap(row) < s.g.Width {
		row = make([]byte, s.g.Width)
	}
	row = row[:s.g.Width]
	copy(row, s.g.row(y))
	return row, nil
}

func (s *source) GetMatrix() []byte {
	s.g = s.g.compact()
	return s.g.Pix
}

func (s *source) GetWidth() int           { return s.g.Width }
func (s *source) GetHeight() int          { return s.g.Height }
func (s *source) IsCropSupported() bool   { return true }
func (s *source) IsRotateSupported() bool { return true }

func (s *source) Crop(left, top, width, height int) (gozxing.LuminanceSource, error) {
	return &source{g: s.g.crop(rect(left, top, width, height))}, nil
}

func (s *source) Invert() gozxing.LuminanceSource { return gozxing.NewInvertedLuminanceSource(s) }

func (s *source) RotateCounterClockwise() (gozxing.LuminanceSource, error) {
	return &source{g: s.g.rotate90()}, nil
}

func (s *source) RotateCounterClockwise45() (gozxing.LuminanceSource, error) {
	return nil, errors.New("rotation by 45 degrees is not supported")
}

func (s *source) String() string { return gozxing.LuminanceSourceString(s) }
