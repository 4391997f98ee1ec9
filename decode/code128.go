package decode

import (
	"errors"
	"fmt"
)

// code128Widths are the symbol characters of Code 128 (ISO/IEC 15417,
// table 1) as the widths, in modules, of their bar, space, bar, space,
// bar and space; value 106, the stop character, has a seventh element,
// a bar of two modules, not written here.
var code128Widths = [107]string{
	"212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
	"221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
	"221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
	"212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
	"231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
	"231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
	"314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
	"112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
	"111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
	"214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
	"114131", "311141", "411131", "211412", "211214", "211232", "233111",
}

// The Code 128 symbol values with a meaning of their own.
const (
	c128FNC3   = 96
	c128FNC2   = 97
	c128Shift  = 98
	c128CodeC  = 99
	c128CodeB  = 100 // FNC4 in code set B
	c128CodeA  = 101 // FNC4 in code set A
	c128FNC1   = 102
	c128StartA = 103
	c128StartB = 104
	c128StartC = 105
	c128Stop   = 106
)

var errCode128 = errors.New("code 128: invalid symbol values")

// code128Text turns the values of a Code 128 symbol's characters, from its
// start character up to the last data character (the check character and
// the stop are not given), into the text it carries and its AIM
// identifier. FNC1 in the first position marks GS1 data (]C1) and is not
// part of the text; in the second, after one letter or two digits, it
// marks an application's data (]C2); anywhere else it is a GS (0x1D), the
// GS1 separator. FNC2 marks a message to append (]C4). FNC4 gives the
// next character, or every character between two doubled FNC4s, the
// value 128 higher, as ISO/IEC 15417 does for ISO 8859-1.
//
// The check character is never interpreted: a check value of 102 is not
// an FNC1 and becomes no GS.
func code128Text(values []int) (text string, aim string, err error) {
	if len(values) < 2 {
		return "", "", errCode128
	}
	set := values[0]
	switch set {
	case c128StartA, c128StartB, c128StartC:
	default:
		return "", "", errCode128
	}
	var out []byte
	modifier := 0
	shifted := false // the next character is in the other of sets A and B
	upperLatch, upperNext := false, false
	fnc4 := false // the previous character was an FNC4
	for i, v := range values[1:] {
		if v < 0 || v > c128FNC1 {
			return "", "", fmt.Errorf("code 128: symbol value %d in the data", v)
		}
		cur := set
		if shifted {
			cur = c128StartA + c128StartB - set
			shifted = false
		}
		wasFNC4 := fnc4
		fnc4 = false
		if v == c128FNC1 {
			switch {
			case i == 0:
				modifier = 1
			case i == 1 && modifier == 0 && (len(out) == 1 || (len(out) == 2 && cur == c128StartC)):
				modifier = 2
			default:
				out = append(out, 0x1d)
			}
			continue
		}
		switch cur {
		case c128StartC:
			switch {
			case v < 100:
				out = append(out, '0'+byte(v/10), '0'+byte(v%10))
			case v == c128CodeB:
				set = c128StartB
			case v == c128CodeA:
				set = c128StartA
			default:
				return "", "", errCode128
			}
			continue
		case c128StartA, c128StartB:
			var c byte
			switch {
			case cur == c128StartA && v < 64:
				c = ' ' + byte(v)
			case cur == c128StartA && v < 96:
				c = byte(v - 64)
			case cur == c128StartB && v < 96:
				c = ' ' + byte(v)
			case v == c128FNC2:
				if i == 0 || modifier == 0 {
					modifier = 4
				}
				continue
			case v == c128FNC3:
				continue
			case v == c128Shift:
				shifted = true
				continue
			case v == c128CodeC:
				set = c128StartC
				continue
			case (cur == c128StartA && v == c128CodeA) || (cur == c128StartB && v == c128CodeB):
				// FNC4: two in a row latch or unlatch the upper half.
				fnc4 = true
				if wasFNC4 {
					upperLatch, upperNext, fnc4 = !upperLatch, false, false
				} else {
					upperNext = true
				}
				continue
			default: // a change to the other of sets A and B
				set = c128StartA + c128StartB - cur
				continue
			}
			if upperLatch != upperNext {
				c += 128
			}
			upperNext = false
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return "", "", errCode128
	}
	return string(out), fmt.Sprintf("]C%d", modifier), nil
}

// code128Check computes the check value of a symbol's start and data
// values.
func code128Check(values []int) int {
	sum := values[0]
	for i, v := range values[1:] {
		sum += (i + 1) * v
	}
	return sum % 103
}

// code128Message checks the values of a symbol read, from its start
// character to its check character, and returns its text and AIM
// identifier: false for a symbol without data or with a wrong check.
func code128Message(values []int) (text, aim string, ok bool) {
	if len(values) < 3 {
		return "", "", false
	}
	last := len(values) - 1
	if code128Check(values[:last]) != values[last] {
		return "", "", false
	}
	text, aim, err := code128Text(values[:last])
	return text, aim, err == nil
}
