package labels

import (
	"errors"
	"strconv"
	"strings"
)

// snSerial is ZPL's ^SN: the right-most run of digits of the field data
// (at most its 12 right-most digits) is a number that advances by step on
// each serial step, as an odometer of the run's width: past the largest
// value of that width it rolls over to zero (the manual does not say; we
// keep the width, as the printer keeps the field's). With zeros false,
// leading zeros print as spaces, the run's width taking in any spaces
// before it, and an all-zero number prints a single 0.
type snSerial struct {
	step  int64
	zeros bool
}

// numberSpan finds the digits a serial step indexes in s: s[i:j] is the
// run (with leading spaces when spaces count), at most 12 digits wide.
func numberSpan(s string, spaces bool) (i, j int, ok bool) {
	j = strings.LastIndexAny(s, "0123456789")
	if j < 0 {
		return 0, 0, false
	}
	j++
	i = j
	for i > 0 && j-i < 12 && (s[i-1] >= '0' && s[i-1] <= '9' || spaces && s[i-1] == ' ') {
		i--
	}
	return i, j, true
}

func (s *snSerial) next(data string) string {
	i, j, ok := numberSpan(data, !s.zeros)
	if !ok {
		return data
	}
	width := j - i
	var cur int64
	for k := i; k < j; k++ {
		if c := data[k]; c >= '0' && c <= '9' {
			cur = cur*10 + int64(c-'0')
		}
	}
	mod := int64(1)
	for k := 0; k < width; k++ {
		mod *= 10
	}
	cur = ((cur+s.step)%mod + mod) % mod
	return data[:i] + s.format(cur, width) + data[j:]
}

func (s *snSerial) format(n int64, width int) string {
	d := strconv.FormatInt(n, 10)
	pad := byte('0')
	if !s.zeros {
		pad = ' '
	}
	if len(d) < width {
		d = strings.Repeat(string(pad), width-len(d)) + d
	}
	return d
}

// first formats the starting value as the first label prints it: with
// leading zeros suppressed when zeros is false.
func (s *snSerial) first(data string) string {
	if s.zeros {
		return data
	}
	i, j, ok := numberSpan(data, true)
	if !ok {
		return data
	}
	var cur int64
	for k := i; k < j; k++ {
		if c := data[k]; c >= '0' && c <= '9' {
			cur = cur*10 + int64(c-'0')
		}
	}
	return data[:i] + s.format(cur, j-i) + data[j:]
}

// parseSN reads ^SN's v,n,z parameters.
func parseSN(params []string) (data string, s *snSerial, err error) {
	data = "1"
	if len(params) > 0 && params[0] != "" {
		data = params[0]
	}
	s = &snSerial{step: 1}
	if len(params) > 1 && strings.TrimSpace(params[1]) != "" {
		p := strings.TrimSpace(params[1])
		digits := strings.TrimPrefix(strings.TrimPrefix(p, "-"), "+")
		if len(digits) == 0 || len(digits) > 12 || !allDigits(digits) {
			return "", nil, errors.New("^SN increment must be at most 12 digits, with an optional minus sign")
		}
		s.step, _ = strconv.ParseInt(digits, 10, 64)
		if p[0] == '-' {
			s.step = -s.step
		}
	}
	if len(params) > 2 {
		switch strings.ToUpper(strings.TrimSpace(params[2])) {
		case "Y":
			s.zeros = true
		case "N", "":
		default:
			return "", nil, errors.New("^SN leading-zeros flag must be Y or N")
		}
	}
	return s.first(data), s, nil
}

// sfSerial is ZPL's ^SF: a mask aligned with the right end of the field
// data gives each position a radix (D decimal, H hexadecimal, O octal, A
// letters, N digits and letters, % skipped); the increment string,
// aligned with the right end of the mask, is added as a mixed-radix
// number, carrying across skipped positions; a carry out of the left end
// is lost.
type sfSerial struct {
	mask string
	inc  []int // per mask position, right-aligned with the mask
}

const (
	sfDigits = "0123456789"
	sfHex    = "0123456789ABCDEF"
	sfOct    = "01234567"
	sfAlpha  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	sfAlnum  = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

func sfAlphabet(m byte) string {
	switch m {
	case 'D', 'd':
		return sfDigits
	case 'H', 'h':
		return sfHex
	case 'O', 'o':
		return sfOct
	case 'A', 'a':
		return sfAlpha
	case 'N', 'n':
		return sfAlnum
	}
	return ""
}

func parseSF(params []string) (*sfSerial, error) {
	if len(params) == 0 || params[0] == "" {
		return nil, errors.New("^SF needs a mask")
	}
	mask := params[0]
	for i := 0; i < len(mask); i++ {
		if mask[i] != '%' && sfAlphabet(mask[i]) == "" {
			return nil, errors.New("^SF mask holds " + strconv.QuoteRune(rune(mask[i])) + ": want D, H, O, A, N or %")
		}
	}
	s := &sfSerial{mask: mask, inc: make([]int, len(mask))}
	incs := "1"
	if len(params) > 1 && params[1] != "" {
		incs = params[1]
	}
	if len(params) <= 1 || params[1] == "" {
		// Decimal one: one at the right-most position that is counted.
		for k := len(mask) - 1; k >= 0; k-- {
			if mask[k] != '%' {
				s.inc[k] = 1
				break
			}
		}
		return s, nil
	}
	for k := 0; k < len(incs) && k < len(mask); k++ {
		mi := len(mask) - 1 - k
		c := incs[len(incs)-1-k]
		if mask[mi] == '%' {
			continue
		}
		s.inc[mi] = strings.IndexByte(sfAlphabet(mask[mi]), upper(c)) // invalid: -1 → 0
		if s.inc[mi] < 0 {
			s.inc[mi] = 0
		}
	}
	return s, nil
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 32
	}
	return c
}

func (s *sfSerial) next(data string) string {
	b := []byte(data)
	carry := 0
	for k := len(s.mask) - 1; k >= 0; k-- {
		pos := len(b) - (len(s.mask) - k)
		if pos < 0 {
			break
		}
		m := s.mask[k]
		if m == '%' {
			continue
		}
		alpha := sfAlphabet(m)
		v := strings.IndexByte(alpha, upper(b[pos]))
		if v < 0 {
			v = 0
		}
		v += s.inc[k] + carry
		carry = v / len(alpha)
		c := alpha[v%len(alpha)]
		if m >= 'a' && m <= 'z' && c >= 'A' && c <= 'Z' {
			c += 32
		}
		b[pos] = c
	}
	return string(b)
}

// chain applies serializers in turn: ^SN and ^SF on one field.
type chain []serializer

func (c chain) next(data string) string {
	for _, s := range c {
		data = s.next(data)
	}
	return data
}
