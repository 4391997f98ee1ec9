package labels

import (
	"errors"
	"strings"
)

// Shared by the line-oriented languages, EPL2 and TSPL.

// lines calls fn with each line of b and its byte offset, without its CR
// or LF.
func lines(b []byte, fn func(off int64, line string)) {
	off := 0
	for off < len(b) {
		end := off
		for end < len(b) && b[end] != '\n' {
			end++
		}
		line := string(b[off:end])
		line = strings.TrimRight(line, "\r")
		fn(int64(off), line)
		off = end + 1
	}
}

// splitParams splits a parameter list at commas outside double quotes.
// A backslash escapes the next character inside quotes when esc is set.
func splitParams(s string, esc bool) ([]string, error) {
	var out []string
	start, inQ := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case inQ && esc && c == '\\':
			i++
		case c == '"':
			inQ = !inQ
		case c == ',' && !inQ:
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	if inQ {
		return nil, errors.New("string not closed by a double quote")
	}
	return append(out, strings.TrimSpace(s[start:])), nil
}

// spanSerial is a counter inside field data: the digits s[i:j] advance
// by step as an odometer of their width, zeros kept.
type spanSerial struct {
	i, j int
	step int64
}

func (c *spanSerial) next(data string) string {
	if c.j > len(data) {
		return data
	}
	return data[:c.i] + addDigits(data[c.i:c.j], c.step) + data[c.j:]
}

// addDigits adds n to the decimal digits d modulo 10^len(d), keeping the
// width; non-digits count as zero.
func addDigits(d string, n int64) string {
	w := len(d)
	if w > 18 {
		return d[:w-18] + addDigits(d[w-18:], n)
	}
	mod := int64(1)
	var cur int64
	for k := 0; k < w; k++ {
		mod *= 10
		cur *= 10
		if c := d[k]; c >= '0' && c <= '9' {
			cur += int64(c - '0')
		}
	}
	cur = ((cur+n%mod)%mod + mod) % mod
	out := []byte(d)
	for k := w - 1; k >= 0; k-- {
		out[k] = byte('0' + cur%10)
		cur /= 10
	}
	return string(out)
}
