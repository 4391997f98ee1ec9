package decode

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/serialgate/serialgate"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// gozxing's Data Matrix decoder notices an ECI (Extended Channel
// Interpretation) designator but reads the designator's number as text and
// decodes every byte as ISO-8859-1, so a symbol with ECIs comes out with the
// wrong text. Such symbols (AIM ]d4, ]d5, ]d6) are decoded again here from
// their data codewords, each segment in its ECI's character set. Where the
// symbol uses an encodation this decoder does not follow (C40, Text, X12
// after an ECI), the symbol is not reported: no text beats a wrong one.

// errEncodation is a Data Matrix encodation dmECI does not follow.
var errEncodation = errors.New("data matrix: encodation not followed with ECI")

// eciSegment is a run of bytes under one ECI.
type eciSegment struct {
	eci   int
	bytes []byte
}

// dmECI decodes Data Matrix data codewords that contain ECI designators.
// It returns the text, each segment converted from its character set, and
// the bytes of all segments as they stand.
func dmECI(cw []byte) (text string, raw []byte, err error) {
	segs := []eciSegment{{eci: 3}} // ISO-8859-1 until an ECI says otherwise
	put := func(b ...byte) { segs[len(segs)-1].bytes = append(segs[len(segs)-1].bytes, b...) }
	var trailer []byte
	upper := false
	for i := 0; i < len(cw); i++ {
		c := int(cw[i])
		switch {
		case c == 0:
			return "", nil, fmt.Errorf("data matrix: codeword 0 at %d", i)
		case c <= 128:
			v := byte(c - 1)
			if upper {
				v += 128
				upper = false
			}
			put(v)
			continue
		case c == 129: // pad: the data ends
			i = len(cw)
			continue
		case c <= 229:
			put(byte('0'+(c-130)/10), byte('0'+(c-130)%10))
			continue
		}
		if upper {
			return "", nil, fmt.Errorf("data matrix: upper shift before codeword %d at %d", c, i)
		}
		switch c {
		case 231: // Base 256
			n, next, err := base256(cw, i+1)
			if err != nil {
				return "", nil, err
			}
			put(n...)
			i = next - 1
		case 232: // FNC1: the GS1 flag in first place, else a separator
			if i != 0 {
				put(0x1d)
			}
		case 235:
			upper = true
		case 236, 237: // 05 / 06 macro
			put([]byte(fmt.Sprintf("[)>\x1e%02d\x1d", c-231))...)
			trailer = []byte("\x1e\x04")
		case 240: // EDIFACT
			next := edifact(cw, i+1, put)
			i = next - 1
		case 241:
			eci, next, err := eciNumber(cw, i+1)
			if err != nil {
				return "", nil, err
			}
			segs = append(segs, eciSegment{eci: eci})
			i = next - 1
		case 254: // unlatch in ASCII: nothing to do
		default: // 230 C40, 238 X12, 239 Text, 233 structured append, 234 reader programming
			return "", nil, errEncodation
		}
	}
	put(trailer...)
	var sb strings.Builder
	for _, s := range segs {
		raw = append(raw, s.bytes...)
		sb.WriteString(eciText(s.eci, s.bytes))
	}
	return sb.String(), raw, nil
}

// eciNumber reads an ECI designator's number from codeword i on: one to
// three codewords, as the first says.
func eciNumber(cw []byte, i int) (eci, next int, err error) {
	if i >= len(cw) {
		return 0, 0, fmt.Errorf("data matrix: ECI designator missing at %d", i)
	}
	n := 1
	if cw[i] >= 128 {
		n = 2
	}
	if cw[i] >= 192 {
		n = 3
	}
	if i+n > len(cw) {
		return 0, 0, fmt.Errorf("data matrix: ECI designator cut off at %d", len(cw))
	}
	c := cw[i : i+n]
	switch n {
	case 1:
		eci = int(c[0]) - 1
	case 2:
		eci = (int(c[0])-128)*254 + int(c[1]) - 1 + 127
	default:
		eci = (int(c[0])-192)*64516 + (int(c[1])-1)*254 + int(c[2]) - 1 + 16383
	}
	return eci, i + n, nil
}

// base256 reads a Base 256 segment from codeword i on: a length, then that
// many bytes, each unrandomized by its position (the 255-state algorithm).
func base256(cw []byte, i int) (data []byte, next int, err error) {
	un := func(k int) int {
		r := (149*(k+1))%255 + 1 // k+1: positions count from 1
		v := int(cw[k]) - r
		if v < 0 {
			v += 256
		}
		return v
	}
	if i >= len(cw) {
		return nil, 0, fmt.Errorf("data matrix: Base 256 length missing at %d", i)
	}
	n := un(i)
	i++
	switch {
	case n == 0:
		n = len(cw) - i // to the end of the symbol
	case n >= 250:
		if i >= len(cw) {
			return nil, 0, fmt.Errorf("data matrix: Base 256 length cut off at %d", i)
		}
		n = (n-249)*250 + un(i)
		i++
	}
	if i+n > len(cw) {
		return nil, 0, fmt.Errorf("data matrix: Base 256 segment of %d bytes at %d runs past the data", n, i)
	}
	for k := i; k < i+n; k++ {
		data = append(data, byte(un(k)))
	}
	return data, i + n, nil
}

// edifact reads an EDIFACT segment from codeword i on: four 6-bit values
// in three codewords, up to the unlatch value 31 or the end of the data;
// it returns the codeword after the segment.
func edifact(cw []byte, i int, put func(...byte)) int {
	for i+3 <= len(cw) {
		bits := int(cw[i])<<16 | int(cw[i+1])<<8 | int(cw[i+2])
		for k := 0; k < 4; k++ {
			v := bits >> (18 - 6*k) & 0x3f
			if v == 0x1f {
				// Unlatch: ASCII resumes at the next whole codeword.
				return i + (6*(k+1)+7)/8
			}
			if v&0x20 == 0 {
				v |= 0x40
			}
			put(byte(v))
		}
		i += 3
	}
	// Fewer than three codewords left: they are ASCII again.
	return i
}

// fixDMECI decodes again a Data Matrix symbol whose AIM identifier says it
// has ECIs (]d4, ]d5, ]d6), from its data codewords; a symbol it cannot
// decode is marked to be left out.
func fixDMECI(b *Barcode, codewords []byte) {
	if b.Symbology != serialgate.DataMatrix || (b.AIM != "]d4" && b.AIM != "]d5" && b.AIM != "]d6") {
		return
	}
	text, raw, err := dmECI(codewords)
	if err != nil {
		b.unread = true
		return
	}
	b.Text, b.Raw = strings.TrimPrefix(text, "\x1d"), nil
	if string(raw) != b.Text {
		b.Raw = raw
	}
}

// eciCharset is the character set of an ECI that has one (AIM ECI
// assignments), nil for the others. ECI 13 is ISO-8859-11, of which
// Windows-874 is a superset. A switch, not a map: nothing to build as the
// program starts, for the few symbols that carry an ECI.
func eciCharset(eci int) encoding.Encoding {
	switch eci {
	case 0, 2:
		return charmap.CodePage437
	case 1, 3, 27, 170: // 27 and 170: ASCII, the lower half of ISO-8859-1
		return charmap.ISO8859_1
	case 4:
		return charmap.ISO8859_2
	case 5:
		return charmap.ISO8859_3
	case 6:
		return charmap.ISO8859_4
	case 7:
		return charmap.ISO8859_5
	case 8:
		return charmap.ISO8859_6
	case 9:
		return charmap.ISO8859_7
	case 10:
		return charmap.ISO8859_8
	case 11:
		return charmap.ISO8859_9
	case 12:
		return charmap.ISO8859_10
	case 13:
		return charmap.Windows874
	case 15:
		return charmap.ISO8859_13
	case 16:
		return charmap.ISO8859_14
	case 17:
		return charmap.ISO8859_15
	case 18:
		return charmap.ISO8859_16
	case 20:
		return japanese.ShiftJIS
	case 21:
		return charmap.Windows1250
	case 22:
		return charmap.Windows1251
	case 23:
		return charmap.Windows1252
	case 24:
		return charmap.Windows1256
	case 25:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	case 26:
		return unicode.UTF8
	case 28:
		return traditionalchinese.Big5
	case 29:
		return simplifiedchinese.GB18030
	case 30:
		return korean.EUCKR
	}
	return nil
}

// eciText converts a segment's bytes to text by its ECI's character set.
// Bytes of an ECI without one (binary, or one this decoder does not know),
// or that are not valid in it, are taken as ISO-8859-1.
func eciText(eci int, b []byte) string {
	if enc := eciCharset(eci); enc != nil {
		if s, err := enc.NewDecoder().Bytes(b); err == nil && (eci != 26 || utf8.Valid(b)) {
			return string(s)
		}
	}
	out, _ := charmap.ISO8859_1.NewDecoder().Bytes(b)
	return string(out)
}
