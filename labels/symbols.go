package labels

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

const gs = "\x1d" // ASCII group separator: what a reader sends for a non-leading FNC1

// code128 turns ZPL ^BC field data in mode N (no mode) into the data the
// symbol carries. Subset B takes characters as they stand; subsets A and
// C take pairs of digits, each a code value (ZPL II Programming Guide,
// ^BC, "Code 128 Subsets": a non-digit first in a pair is ignored, a
// non-digit second drops the pair, an unpaired digit before a code shift
// is ignored). ">" invokes the codes of the guide's Table 6 by their
// values: >< 62, >0 30, >= 94, >1 95, >2 FNC3, >3 FNC2, >4 SHIFT, >5 CODE
// C, >6 CODE B (FNC4 in B), >7 CODE A (FNC4 in A), >8 FNC1, >9 >: >;
// start A, B, C. An FNC1 before any data marks a GS1-128 symbol and is
// not data, as a reader reports it; a later FNC1 is a GS.
func code128(data string) (string, error) {
	var out strings.Builder
	subset := byte('B')
	i := 0
	if len(data) >= 2 && data[0] == '>' {
		switch data[1] {
		case '9':
			subset, i = 'A', 2
		case ':':
			subset, i = 'B', 2
		case ';':
			subset, i = 'C', 2
		}
	}
	shift, fnc4 := false, false
	emit := func(set byte, v int) {
		var c rune
		if set == 'A' {
			if v < 64 {
				c = rune(v + 32)
			} else {
				c = rune(v - 64)
			}
		} else {
			c = rune(v + 32)
		}
		if fnc4 {
			c += 128
			fnc4 = false
		}
		out.WriteRune(c)
	}
	cur := func() byte {
		if shift && subset != 'C' {
			shift = false
			if subset == 'A' {
				return 'B'
			}
			return 'A'
		}
		return subset
	}
	for i < len(data) {
		if data[i] == '>' {
			if i+1 >= len(data) {
				return "", errors.New("code 128 data ends with an incomplete invocation code \">\"")
			}
			code := data[i+1]
			i += 2
			switch code {
			case '<', '0', '=', '1':
				if subset == 'C' {
					return "", fmt.Errorf("code 128 invocation code >%c is not valid in subset C", code)
				}
				v := map[byte]int{'<': 62, '0': 30, '=': 94, '1': 95}[code]
				emit(cur(), v)
			case '2', '3': // FNC3, FNC2: reader instructions, not data
			case '4':
				shift = subset != 'C'
			case '5':
				subset = 'C'
			case '6':
				if subset == 'B' {
					fnc4 = true
				} else {
					subset = 'B'
				}
			case '7':
				if subset == 'A' {
					fnc4 = true
				} else {
					subset = 'A'
				}
			case '8':
				if out.Len() > 0 {
					out.WriteString(gs)
				}
			case '9':
				subset = 'A'
			case ':':
				subset = 'B'
			case ';':
				subset = 'C'
			default:
				return "", fmt.Errorf("unknown code 128 invocation code \">%c\"", code)
			}
			continue
		}
		set := cur()
		if set == 'B' {
			r, n := utf8.DecodeRuneInString(data[i:])
			if r == utf8.RuneError && n == 1 {
				// Not UTF-8: the byte is kept as it is, as other field
				// data is (a single-byte code page under ^CI0).
				out.WriteByte(data[i])
				i++
				fnc4 = false
				continue
			}
			i += n
			if fnc4 {
				r += 128
				fnc4 = false
			}
			out.WriteRune(r)
			continue
		}
		// Subsets A and C: pairs of digits.
		if !isDigit(data[i]) {
			i++
			continue
		}
		if i+1 >= len(data) || data[i+1] == '>' {
			i++ // an unpaired digit
			continue
		}
		if !isDigit(data[i+1]) {
			i += 2
			continue
		}
		pair := data[i : i+2]
		i += 2
		if set == 'C' {
			out.WriteString(pair)
			continue
		}
		v := int(pair[0]-'0')*10 + int(pair[1]-'0')
		switch v {
		case 96, 97: // FNC3, FNC2
		case 98:
			shift = true
		case 99:
			subset = 'C'
		default:
			emit('A', v)
		}
	}
	return out.String(), nil
}

// code128Auto is ^BC mode A: the printer picks the subsets itself, so the
// field data is taken as it stands, but for the invocation codes a label
// can still hold: >8 FNC1 (leading: GS1, not data; later: GS), >< >0 >=
// for ^ > ~, and the start and code switches, which carry no data.
func code128Auto(data string) (string, error) {
	var out strings.Builder
	for i := 0; i < len(data); i++ {
		if data[i] != '>' || i+1 >= len(data) {
			out.WriteByte(data[i])
			continue
		}
		i++
		switch data[i] {
		case '8':
			if out.Len() > 0 {
				out.WriteString(gs)
			}
		case '<':
			out.WriteByte('^')
		case '0':
			out.WriteByte('>')
		case '=':
			out.WriteByte('~')
		case '2', '3', '4', '5', '6', '7', '9', ':', ';':
		default:
			return "", fmt.Errorf("unknown code 128 invocation code \">%c\"", data[i])
		}
	}
	return out.String(), nil
}

// code128UCC is ^BC mode U (UCC case mode): 19 digits (more are dropped,
// fewer padded with zeros on the right, as the guide says) and the mod-10
// check digit the printer adds: the AI 00 and SSCC-18 of a GS1-128 symbol.
func code128UCC(data string) (string, error) {
	var d []byte
	for i := 0; i < len(data); i++ {
		if isDigit(data[i]) {
			d = append(d, data[i])
		}
	}
	if len(d) > 19 {
		d = d[:19]
	}
	for len(d) < 19 {
		d = append(d, '0')
	}
	return string(d) + string(gs1Check(string(d))), nil
}

// code128GS1 is ^BC mode D (UCC/EAN): a GS1-128 symbol whose data may
// show AIs in parentheses; the printer drops parentheses and spaces,
// starts with FNC1 and takes >8 as the FNC1 separator (a GS in the data).
// The check digit of a (00) SSCC given with 17 digits or a (01)/(02) GTIN
// given with 13 is added, as the printer "determines if a check digit is
// required".
func code128GS1(data string) (string, error) {
	var out strings.Builder
	ai := ""
	inAI := false
	var seg strings.Builder
	flush := func() {
		s := seg.String()
		if (ai == "00" && len(s) == 17 || (ai == "01" || ai == "02") && len(s) == 13) && allDigits(s) {
			s += string(gs1Check(s))
		}
		out.WriteString(s)
		seg.Reset()
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '(':
			flush()
			inAI, ai = true, ""
		case c == ')':
			inAI = false
		case c == ' ':
		case c == '>' && i+1 < len(data):
			i++
			if data[i] == '8' {
				flush()
				if out.Len() > 0 {
					out.WriteString(gs)
				}
				ai = ""
			}
		case inAI:
			ai += string(c)
			out.WriteByte(c)
		default:
			seg.WriteByte(c)
		}
	}
	flush()
	return out.String(), nil
}

// dataMatrix undoes ^BX quality-200 escapes with escape character e (ZPL
// II Programming Guide, ^BX field data): eX a control character (e@ NUL
// … e_ US), e1 FNC1 (leading: GS1, not data; later: GS), e2 structured
// append with its nine digits, e3 reader programming, e5NNN a code page
// (no data), edNNN the byte NNN, ee the escape character itself.
func dataMatrix(e byte) func(string) (string, error) {
	return func(data string) (string, error) {
		var out []byte
		for i := 0; i < len(data); i++ {
			c := data[i]
			if c != e {
				out = append(out, c)
				continue
			}
			if i+1 >= len(data) {
				return "", errors.New("data matrix data ends with its escape character")
			}
			i++
			switch k := data[i]; {
			case k == e:
				out = append(out, e)
			case k == '1':
				if len(out) > 0 {
					out = append(out, gs[0])
				}
			case k == '2':
				if i+9 >= len(data) || !allDigits(data[i+1:i+10]) {
					return "", errors.New("data matrix structured append (FNC2) wants nine digits")
				}
				i += 9
			case k == '3':
			case k == '5':
				if i+3 >= len(data) || !allDigits(data[i+1:i+4]) {
					return "", errors.New("data matrix code page escape wants three digits")
				}
				i += 3
			case k == 'd' || k == 'D':
				if i+3 >= len(data) || !allDigits(data[i+1:i+4]) {
					return "", errors.New("data matrix decimal escape wants three digits")
				}
				n := int(data[i+1]-'0')*100 + int(data[i+2]-'0')*10 + int(data[i+3]-'0')
				if n > 255 {
					return "", fmt.Errorf("data matrix decimal escape %03d is over 255", n)
				}
				out = append(out, byte(n))
				i += 3
			case k >= '@' && k <= '_':
				out = append(out, k-'@')
			default:
				return "", fmt.Errorf("unknown data matrix escape %q", string([]byte{e, k}))
			}
		}
		return string(out), nil
	}
}

// qrCode drops what ^BQ field data holds before the data (ZPL II
// Programming Guide, ^BQ): the error-correction level (H, Q, M or L), the
// input mode (A automatic, M manual) and a comma; in manual mode each
// segment starts with its character mode: N numeric, A alphanumeric, K
// Kanji (to the next comma: neither set holds one) or B with a 4-digit
// byte count. Mixed mode (D) starts with a structured-append header
// "Dxxyyzz," before the level.
func qrCode(data string) (string, error) {
	s := data
	if len(s) > 0 && s[0] == 'D' {
		k := strings.IndexByte(s, ',')
		if k < 0 {
			return "", errors.New("qr mixed-mode data lacks the comma after its header")
		}
		s = s[k+1:]
	}
	if len(s) < 3 || !strings.ContainsRune("HQML", rune(s[0])) || (s[1] != 'A' && s[1] != 'M') || s[2] != ',' {
		return "", errors.New("qr data lacks its error-correction level and input mode before the data, e.g. \"QA,\"")
	}
	mode := s[1]
	s = s[3:]
	if mode == 'A' {
		return s, nil
	}
	var out strings.Builder
	for len(s) > 0 {
		switch s[0] {
		case 'N', 'A', 'K':
			seg := s[1:]
			if k := strings.IndexByte(seg, ','); k >= 0 {
				out.WriteString(seg[:k])
				s = seg[k+1:]
			} else {
				out.WriteString(seg)
				s = ""
			}
		case 'B':
			if len(s) < 5 || !allDigits(s[1:5]) {
				return "", errors.New("qr byte segment wants a 4-digit count after B")
			}
			n := int(s[1]-'0')*1000 + int(s[2]-'0')*100 + int(s[3]-'0')*10 + int(s[4]-'0')
			if 5+n > len(s) {
				return "", fmt.Errorf("qr byte segment of %d bytes runs past the data", n)
			}
			out.WriteString(s[5 : 5+n])
			s = s[5+n:]
			if len(s) > 0 && s[0] == ',' {
				s = s[1:]
			}
		default:
			return "", fmt.Errorf("qr manual-mode segment starts with %q: want N, A, B or K", s[0])
		}
	}
	return out.String(), nil
}

// eanUPC returns the digits of an EAN/UPC symbol: n data digits (the
// field's first n, left-padded with zeros when fewer) and the check digit
// the printer computes.
func eanUPC(n int, name string) func(string) (string, error) {
	return func(data string) (string, error) {
		if !allDigits(data) || data == "" {
			return "", fmt.Errorf("%s data %q is not all digits", name, data)
		}
		if len(data) > n {
			data = data[:n]
		}
		data = strings.Repeat("0", n-len(data)) + data
		return data + string(gs1Check(data)), nil
	}
}

const code39Set = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"

// code39 returns Code 39 data, with the mod-43 check character the
// printer adds when asked (a reader not told to check it reports it).
func code39(check bool) func(string) (string, error) {
	return func(data string) (string, error) {
		sum := 0
		for i := 0; i < len(data); i++ {
			k := strings.IndexByte(code39Set, data[i])
			if k < 0 {
				return "", fmt.Errorf("code 39 cannot hold %q", data[i])
			}
			sum += k
		}
		if check {
			data += string(code39Set[sum%43])
		}
		return data, nil
	}
}

// interleaved2of5 returns ITF digits: with the mod-10 check digit when
// asked, and a leading zero when the count is odd (ITF encodes pairs).
func interleaved2of5(check bool) func(string) (string, error) {
	return func(data string) (string, error) {
		if !allDigits(data) || data == "" {
			return "", fmt.Errorf("interleaved 2 of 5 data %q is not all digits", data)
		}
		if check {
			data += string(gs1Check(data))
		}
		if len(data)%2 == 1 {
			data = "0" + data
		}
		return data, nil
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
