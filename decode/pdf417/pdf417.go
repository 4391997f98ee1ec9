package pdf417

import (
	"errors"
	"fmt"
)

// Symbol is one PDF417 symbol read from an image.
type Symbol struct {
	// Segments hold the data, split where an ECI designator changes the
	// character set; the bytes are as the symbol carries them.
	Segments   []Segment
	ECI        bool   // the data designates an ECI
	ReaderInit bool   // a reader-programming symbol (codeword 921)
	Macro      *Macro // the Macro PDF417 control block, if any
	// Rows, Cols and Level give the symbol's size in rows and data columns
	// and its error-correction level (0-8; 0 for MicroPDF417, whose check
	// codewords follow from its size).
	Rows, Cols, Level int
	Micro             bool // a MicroPDF417 symbol
	Corrected         int  // codewords the error correction changed
	Erased            int  // codewords that could not be read
	// Corners are the outer corners of the symbol (the start pattern's
	// first row, the stop pattern's first row, the stop pattern's last row,
	// the start pattern's last row), in the image's pixels.
	Corners [4]Point
}

// Point is a position in an image, in pixels.
type Point struct{ X, Y float64 }

// Bytes returns the data of all segments.
func (s *Symbol) Bytes() []byte {
	var out []byte
	for _, seg := range s.Segments {
		out = append(out, seg.Bytes...)
	}
	return out
}

// ErrSize is a symbol whose row indicators give no valid size.
var ErrSize = errors.New("pdf417: no valid symbol size")

// decodeMatrix corrects and decodes the rows·cols codewords of a symbol of
// the given error-correction level, erasures listing those not read.
func decodeMatrix(cw []int, rows, cols, level int, erasures []int) (*Symbol, error) {
	n, k := rows*cols, 2<<level
	if rows < 3 || rows > 90 || cols < 1 || cols > 30 || level < 0 || level > 8 || len(cw) != n || n > 928 || k >= n {
		return nil, fmt.Errorf("%w: %d rows, %d columns, level %d", ErrSize, rows, cols, level)
	}
	fixed, err := correct(cw, k, erasures)
	if err != nil {
		return nil, err
	}
	sld := cw[0]
	if sld < 1 || sld > n-k {
		return nil, &DataError{0, fmt.Sprintf("symbol length descriptor %d in a symbol of %d data codewords", sld, n-k)}
	}
	m, err := decodeData(cw[:sld])
	if err != nil {
		return nil, err
	}
	return &Symbol{
		Segments: m.segs, ECI: m.eci, ReaderInit: m.readerInit, Macro: m.macro,
		Rows: rows, Cols: cols, Level: level, Corrected: fixed, Erased: len(erasures),
	}, nil
}
