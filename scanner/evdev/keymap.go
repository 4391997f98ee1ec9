package evdev

import (
	"fmt"
	"sync"
)

// Linux input key codes (linux/input-event-codes.h) that scanners type.
const (
	keyEsc        = 1
	keyMinus      = 12
	keyEqual      = 13
	keyBackspace  = 14
	keyTab        = 15
	keyLeftBrace  = 26
	keyRightBrace = 27
	keyEnter      = 28
	keyLeftCtrl   = 29
	keySemicolon  = 39
	keyApostrophe = 40
	keyGrave      = 41
	keyLeftShift  = 42
	keyBackslash  = 43
	keyComma      = 51
	keyDot        = 52
	keySlash      = 53
	keyRightShift = 54
	keyLeftAlt    = 56
	keySpace      = 57
	keyCapsLock   = 58
	key102nd      = 86
	keyKPEnter    = 96
	keyRightCtrl  = 97
	keyRightAlt   = 100 // AltGr on European layouts
)

// keypad digits, for Alt+keypad character entry.
var keypadDigit = map[uint16]int{82: 0, 79: 1, 80: 2, 81: 3, 75: 4, 76: 5, 77: 6, 71: 7, 72: 8, 73: 9}

// Layout maps key codes to characters: plain, with Shift, with AltGr.
type Layout struct {
	Name  string
	plain map[uint16]rune
	shift map[uint16]rune
	altgr map[uint16]rune
}

// rows builds a layout from the characters on each key position, in US
// keyboard order.
func rows(name string, plain, shift string, altgr map[uint16]rune) Layout {
	codes := []uint16{
		41, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, // ` 1 2 3 4 5 6 7 8 9 0 - =
		16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 43, // q w e r t y u i o p [ ] \
		30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, // a s d f g h j k l ; '
		86, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, // 102nd z x c v b n m , . /
	}
	l := Layout{Name: name, plain: map[uint16]rune{}, shift: map[uint16]rune{}, altgr: altgr}
	pr, sr := []rune(plain), []rune(shift)
	if len(pr) != len(codes) || len(sr) != len(codes) {
		panic(fmt.Sprintf("layout %s: %d/%d characters for %d keys", name, len(pr), len(sr), len(codes)))
	}
	for i, c := range codes {
		if pr[i] != 0 && pr[i] != ' ' {
			l.plain[c] = pr[i]
		}
		if sr[i] != 0 && sr[i] != ' ' {
			l.shift[c] = sr[i]
		}
	}
	l.plain[keySpace], l.shift[keySpace] = ' ', ' '
	l.plain[keyTab], l.shift[keyTab] = '\t', '\t'
	// The keypad types digits whatever the layout.
	for code, d := range keypadDigit {
		l.plain[code] = rune('0' + d)
	}
	l.plain[74], l.plain[78], l.plain[83], l.plain[55], l.plain[98] = '-', '+', '.', '*', '/'
	return l
}

// Layouts are the keyboard layouts a scanner can be set to emulate. A
// scanner types key positions for its layout: decoding them with the same
// layout gives the right characters whatever the host's own layout, which
// is what garbles digits and letters when the two differ.
// They are built on first use, not at every process start.
var Layouts = sync.OnceValue(func() map[string]Layout {
	return map[string]Layout{
		"us": rows("us",
			"`1234567890-=qwertyuiop[]\\asdfghjkl;'\x00zxcvbnm,./",
			"~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:\"\x00ZXCVBNM<>?", nil),
		"de": rows("de",
			"^1234567890ß´qwertzuiopü+#asdfghjklöä<yxcvbnm,.-",
			"°!\"§$%&/()=?`QWERTZUIOPÜ*'ASDFGHJKLÖÄ>YXCVBNM;:_",
			map[uint16]rune{16: '@', 8: '{', 9: '[', 10: ']', 11: '}', 12: '\\', 27: '~', 86: '|', 18: '€'}),
		"fr": rows("fr",
			"²&é\"'(-è_çà)=azertyuiop^$*qsdfghjklmù<wxcvbn,;:!",
			"\x001234567890°+AZERTYUIOP¨£µQSDFGHJKLM%>WXCVBN?./§",
			map[uint16]rune{3: '~', 4: '#', 5: '{', 6: '[', 7: '|', 8: '`', 9: '\\', 10: '^', 11: '@', 12: ']', 13: '}', 18: '€'}),
	}
})
