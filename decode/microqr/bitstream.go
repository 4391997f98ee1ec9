package microqr

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
)

// Mode is a data segment's encoding.
type Mode byte

// The modes of Micro QR: M1 holds numeric data only, M2 also
// alphanumeric, M3 and M4 all four.
const (
	Numeric Mode = iota
	Alphanumeric
	Byte
	Kanji
)

func (m Mode) String() string {
	return [...]string{"numeric", "alphanumeric", "byte", "kanji"}[m]
}

// countBits is the length of the character count indicator, by mode and
// version (index 0 unused).
var countBits = [4][5]int{
	Numeric:      {0, 3, 4, 5, 6},
	Alphanumeric: {0, 0, 3, 4, 5},
	Byte:         {0, 0, 0, 4, 5},
	Kanji:        {0, 0, 0, 3, 4},
}

const alnumChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// BitstreamError is a data bitstream that breaks Micro QR's rules: it
// gives the bit position and what was wrong there.
type BitstreamError struct {
	Bit    int
	Reason string
}

func (e *BitstreamError) Error() string {
	return fmt.Sprintf("micro qr bitstream: bit %d: %s", e.Bit, e.Reason)
}

// Segment is one run of data in one mode.
type Segment struct {
	Mode  Mode
	Bytes []byte // the bytes encoded: digits and characters as ASCII, Kanji as Shift JIS
}

type bitReader struct {
	data []byte
	n    int // bits available
	pos  int
}

func (b *bitReader) left() int { return b.n - b.pos }

func (b *bitReader) read(k int) int {
	v := 0
	for range k {
		v = v<<1 | int(b.data[b.pos/8]>>(7-b.pos%8)&1)
		b.pos++
	}
	return v
}

// DecodeBits reads the segments of the data codewords of a symbol of
// version 1 to 4 (M1 to M4), whose data capacity is bits long. It stops at
// the terminator or where too few bits remain for another segment.
func DecodeBits(data []byte, version, bits int) ([]Segment, error) {
	if version < 1 || version > 4 {
		return nil, fmt.Errorf("micro qr: version M%d does not exist", version)
	}
	if bits < 0 || bits > 8*len(data) {
		return nil, fmt.Errorf("micro qr: %d bits in %d bytes", bits, len(data))
	}
	r := &bitReader{data: data, n: bits}
	modeBits := version - 1
	var segs []Segment
	for {
		if r.left() < modeBits {
			break
		}
		start := r.pos
		mode := Mode(r.read(modeBits))
		if int(mode) > 3 {
			return nil, &BitstreamError{start, fmt.Sprintf("mode indicator %d", mode)}
		}
		cb := countBits[mode][version]
		if cb == 0 {
			return nil, &BitstreamError{start, fmt.Sprintf("%s mode in an M%d symbol", mode, version)}
		}
		if r.left() < cb {
			// a terminator cut short by the end of the symbol
			if mode == Numeric && r.read(r.left()) == 0 {
				break
			}
			return nil, &BitstreamError{r.pos, "character count cut off"}
		}
		count := r.read(cb)
		if mode == Numeric && count == 0 {
			break // the terminator: a numeric mode indicator with count 0
		}
		seg := Segment{Mode: mode}
		var err error
		switch mode {
		case Numeric:
			seg.Bytes, err = readNumeric(r, count)
		case Alphanumeric:
			seg.Bytes, err = readAlnum(r, count)
		case Byte:
			seg.Bytes, err = readBytes(r, count, 8)
		case Kanji:
			seg.Bytes, err = readKanji(r, count)
		}
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}
	if len(segs) == 0 {
		return nil, &BitstreamError{0, "no data"}
	}
	return segs, nil
}

func short(r *bitReader, need int, what string) error {
	if r.left() < need {
		return &BitstreamError{r.pos, what + " cut off"}
	}
	return nil
}

func readNumeric(r *bitReader, count int) ([]byte, error) {
	out := make([]byte, 0, count)
	for count > 0 {
		digits, width := min(count, 3), [4]int{0, 4, 7, 10}[min(count, 3)]
		if err := short(r, width, "numeric data"); err != nil {
			return nil, err
		}
		at := r.pos
		v := r.read(width)
		if v >= [4]int{1, 10, 100, 1000}[digits] {
			return nil, &BitstreamError{at, fmt.Sprintf("%d is not a %d-digit group", v, digits)}
		}
		s := fmt.Sprintf("%0*d", digits, v)
		out = append(out, s...)
		count -= digits
	}
	return out, nil
}

func readAlnum(r *bitReader, count int) ([]byte, error) {
	out := make([]byte, 0, count)
	for count > 0 {
		at := r.pos
		if count >= 2 {
			if err := short(r, 11, "alphanumeric data"); err != nil {
				return nil, err
			}
			v := r.read(11)
			if v >= 45*45 {
				return nil, &BitstreamError{at, fmt.Sprintf("alphanumeric pair %d", v)}
			}
			out = append(out, alnumChars[v/45], alnumChars[v%45])
			count -= 2
			continue
		}
		if err := short(r, 6, "alphanumeric data"); err != nil {
			return nil, err
		}
		v := r.read(6)
		if v >= 45 {
			return nil, &BitstreamError{at, fmt.Sprintf("alphanumeric character %d", v)}
		}
		out = append(out, alnumChars[v])
		count--
	}
	return out, nil
}

func readBytes(r *bitReader, count, width int) ([]byte, error) {
	if err := short(r, count*width, "byte data"); err != nil {
		return nil, err
	}
	out := make([]byte, count)
	for i := range out {
		out[i] = byte(r.read(width))
	}
	return out, nil
}

// readKanji turns each 13-bit value back into its two Shift JIS bytes.
func readKanji(r *bitReader, count int) ([]byte, error) {
	if err := short(r, count*13, "kanji data"); err != nil {
		return nil, err
	}
	out := make([]byte, 0, 2*count)
	for range count {
		at := r.pos
		v := r.read(13)
		c := v/0xc0<<8 | v%0xc0
		if c < 0x1f00 {
			c += 0x8140
		} else {
			c += 0xc140
		}
		if c > 0xebbf {
			return nil, &BitstreamError{at, fmt.Sprintf("kanji value %d", v)}
		}
		out = append(out, byte(c>>8), byte(c))
	}
	return out, nil
}

// Text joins the segments into text, and returns the raw bytes too when
// they differ from it. Byte segments are read as UTF-8 when they are
// valid UTF-8 and as ISO 8859-1 (the symbology's default) otherwise;
// Kanji segments are Shift JIS.
func Text(segs []Segment) (text string, raw []byte, err error) {
	var b strings.Builder
	var all []byte
	var bin []byte
	for _, s := range segs {
		all = append(all, s.Bytes...)
		if s.Mode == Byte {
			bin = append(bin, s.Bytes...)
		}
	}
	latin := !utf8.Valid(bin)
	for _, s := range segs {
		switch {
		case s.Mode == Kanji:
			u, err := japanese.ShiftJIS.NewDecoder().Bytes(s.Bytes)
			if err != nil {
				return "", nil, fmt.Errorf("micro qr: kanji segment: %w", err)
			}
			b.Write(u)
		case s.Mode == Byte && latin:
			for _, c := range s.Bytes {
				b.WriteRune(rune(c))
			}
		default:
			b.Write(s.Bytes)
		}
	}
	text = b.String()
	if string(all) != text {
		raw = all
	}
	return text, raw, nil
}
