package main

import (
	"strconv"
	"unicode/utf8"
)

// appendJSON appends rec as one line of JSON, byte for byte what
// encoding/json writes for it (FuzzDecodeRecordJSON holds the two
// together). The decode command writes its records this way: a one-image
// decode then sets up no reflection-driven encoder for three types, a
// quarter of a millisecond of its run.
func (rec decodeRecord) appendJSON(b []byte) []byte {
	b = append(b, `{"file":`...)
	b = appendJSONString(b, rec.File)
	b = append(b, `,"barcodes":`...)
	b = appendJSONArray(b, rec.Barcodes, func(b []byte, d decodedBarcode) []byte { return d.appendJSON(b) })
	b = append(b, `,"ms":`...)
	b = strconv.AppendInt(b, rec.MS, 10)
	if rec.Error != "" {
		b = append(b, `,"error":`...)
		b = appendJSONString(b, rec.Error)
	}
	return append(b, '}', '\n')
}

func (d decodedBarcode) appendJSON(b []byte) []byte {
	b = append(b, `{"text":`...)
	b = appendJSONString(b, d.Text)
	if d.RawHex != "" {
		b = append(b, `,"raw_hex":`...)
		b = appendJSONString(b, d.RawHex)
	}
	b = append(b, `,"format":`...)
	b = appendJSONString(b, d.Format)
	if d.AIM != "" {
		b = append(b, `,"aim":`...)
		b = appendJSONString(b, d.AIM)
	}
	b = append(b, `,"corners":`...)
	b = appendJSONArray(b, d.Corners, func(b []byte, c [2]float64) []byte {
		return append(appendJSONFloat(append(appendJSONFloat(append(b, '['), c[0]), ','), c[1]), ']')
	})
	b = append(b, `,"angle":`...)
	b = strconv.AppendInt(b, int64(d.Angle), 10)
	if q := d.Sequence; q != nil {
		b = append(b, `,"sequence":{"index":`...)
		b = strconv.AppendInt(b, int64(q.Index), 10)
		b = append(b, `,"count":`...)
		b = strconv.AppendInt(b, int64(q.Count), 10)
		if q.ID != "" {
			b = append(b, `,"id":`...)
			b = appendJSONString(b, q.ID)
		}
		b = append(b, '}')
	}
	if d.Page != 0 {
		b = append(b, `,"page":`...)
		b = strconv.AppendInt(b, int64(d.Page), 10)
	}
	return append(b, '}')
}

// appendJSONArray writes xs as a JSON array, each element by elem; a nil
// slice is null, as encoding/json writes it.
func appendJSONArray[T any](b []byte, xs []T, elem func([]byte, T) []byte) []byte {
	if xs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = elem(b, x)
	}
	return append(b, ']')
}

// appendJSONFloat writes f as encoding/json does: the shortest decimal
// that reads back as f, in exponent form only when very large or small.
// A corner is never NaN or infinite (the decoder's points are finite).
func appendJSONFloat(b []byte, f float64) []byte {
	abs := f
	if abs < 0 {
		abs = -abs
	}
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		n := len(b)
		b = strconv.AppendFloat(b, f, 'e', -1, 64)
		// e-07 becomes e-7, as encoding/json writes it.
		if k := len(b); k-n >= 4 && b[k-4] == 'e' && b[k-3] == '-' && b[k-2] == '0' {
			b[k-2] = b[k-1]
			b = b[:k-1]
		}
		return b
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// appendJSONString writes s as a JSON string with encoding/json's escapes:
// quotes, backslashes and control characters; <, > and & for HTML; U+2028
// and U+2029 for JavaScript; each byte that is not UTF-8 as U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
