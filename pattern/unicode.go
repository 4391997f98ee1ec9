package pattern

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
)

// cased lists the code points whose upper or lower case differs from
// themselves: the only candidates for case-insensitive matches of another
// character.
var cased = sync.OnceValue(func() []rune {
	var out []rune
	for r := rune(0); r <= maxRune; r++ {
		if unicode.ToUpper(r) != r || unicode.ToLower(r) != r || unicode.SimpleFold(r) != r {
			out = append(out, r)
		}
	}
	return out
})

// javaUnicodeKey is the key Java compares characters by under
// CASE_INSENSITIVE with UNICODE_CASE: toLowerCase(toUpperCase(c)).
func javaUnicodeKey(r rune) rune { return unicode.ToLower(unicode.ToUpper(r)) }

// unicodeFoldChar is the set one character matches under (?iu).
func unicodeFoldChar(r rune) charset {
	set := charset{r, r}
	k := javaUnicodeKey(r)
	for _, c := range cased() {
		if javaUnicodeKey(c) == k || unicode.ToUpper(c) == unicode.ToUpper(r) {
			set = append(set, c, c)
		}
	}
	return normalize(set)
}

// unicodeFoldRange is the set a class range matches under (?iu): a
// character whose upper or lower case is in range.
func unicodeFoldRange(lo, hi rune) charset {
	set := charset{lo, hi}
	for _, c := range cased() {
		if u := unicode.ToUpper(c); u >= lo && u <= hi {
			set = append(set, c, c)
		} else if l := unicode.ToLower(c); l >= lo && l <= hi {
			set = append(set, c, c)
		}
	}
	return normalize(set)
}

// goFold is the set a character matches under Go's (?i): its SimpleFold orbit.
func goFold(lo, hi rune) charset {
	set := charset{lo, hi}
	for _, c := range cased() {
		for f := unicode.SimpleFold(c); f != c; f = unicode.SimpleFold(f) {
			if f >= lo && f <= hi {
				set = append(set, c, c)
				break
			}
		}
	}
	return normalize(set)
}

func alphabetic() charset {
	return fromTables(unicode.Lu, unicode.Ll, unicode.Lt, unicode.Lm, unicode.Lo, unicode.Nl, unicode.Other_Alphabetic)
}

// unicodeWord is \w under UNICODE_CHARACTER_CLASS.
func unicodeWord() charset {
	return union(alphabetic(), fromTables(unicode.Mn, unicode.Me, unicode.Mc, unicode.Nd, unicode.Pc, unicode.Join_Control))
}

var asciiPOSIX = map[string]string{
	"Lower":  "a-z",
	"Upper":  "A-Z",
	"ASCII":  "\x00-\x7f",
	"Alpha":  "a-zA-Z",
	"Digit":  "0-9",
	"Alnum":  "a-zA-Z0-9",
	"Punct":  "!-/:-@[-`{-~",
	"Graph":  "!-~",
	"Print":  " -~",
	"Blank":  " \t",
	"Cntrl":  "\x00-\x1f\x7f",
	"XDigit": "0-9a-fA-F",
	"Space":  " \t\n\x0b\f\r",
}

// rangeSpec turns "a-zA-Z_" into a set.
func rangeSpec(s string) charset {
	rs := []rune(s)
	var out charset
	for i := 0; i < len(rs); i++ {
		if i+2 < len(rs) && rs[i+1] == '-' {
			out = append(out, rs[i], rs[i+2])
			i += 2
			continue
		}
		out = append(out, rs[i], rs[i])
	}
	return normalize(out)
}

// unicodePOSIX is a POSIX class under UNICODE_CHARACTER_CLASS.
func unicodePOSIX(name string) charset {
	switch name {
	case "Lower":
		return fromTables(unicode.Ll, unicode.Other_Lowercase)
	case "Upper":
		return fromTables(unicode.Lu, unicode.Other_Uppercase)
	case "ASCII":
		return span(0, 0x7f)
	case "Alpha":
		return alphabetic()
	case "Digit":
		return fromTable(unicode.Nd)
	case "Alnum":
		return union(alphabetic(), fromTable(unicode.Nd))
	case "Punct":
		return fromTable(unicode.P)
	case "Graph":
		return negate(fromTables(unicode.White_Space, unicode.Cc, unicode.Cs, unassigned()))
	case "Print":
		graph := negate(fromTables(unicode.White_Space, unicode.Cc, unicode.Cs, unassigned()))
		return subtract(union(graph, union(fromTable(unicode.Zs), single('\t'))), fromTable(unicode.Cc))
	case "Blank":
		return union(fromTable(unicode.Zs), single('\t'))
	case "Cntrl":
		return fromTable(unicode.Cc)
	case "XDigit":
		return union(fromTable(unicode.Nd), fromTable(unicode.Hex_Digit))
	case "Space":
		return fromTable(unicode.White_Space)
	}
	return nil
}

func unassigned() *unicode.RangeTable {
	var all charset
	for _, t := range unicode.Categories {
		all = append(all, fromTable(t)...)
	}
	neg := negate(normalize(all))
	t := &unicode.RangeTable{}
	for i := 0; i < len(neg); i += 2 {
		t.R32 = append(t.R32, unicode.Range32{Lo: uint32(neg[i]), Hi: uint32(neg[i+1]), Stride: 1})
	}
	return t
}

// javaLang are the \p{javaXxx} classes, java.lang.Character's predicates.
func javaLang(name string) charset {
	switch name {
	case "javaLowerCase":
		return fromTables(unicode.Ll, unicode.Other_Lowercase)
	case "javaUpperCase":
		return fromTables(unicode.Lu, unicode.Other_Uppercase)
	case "javaTitleCase":
		return fromTable(unicode.Lt)
	case "javaDigit":
		return fromTable(unicode.Nd)
	case "javaLetter":
		return fromTable(unicode.L)
	case "javaLetterOrDigit":
		return fromTables(unicode.L, unicode.Nd)
	case "javaAlphabetic":
		return alphabetic()
	case "javaIdeographic":
		return fromTable(unicode.Ideographic)
	case "javaSpaceChar":
		return fromTable(unicode.Z)
	case "javaWhitespace":
		z := subtract(fromTable(unicode.Z), fromChars("\u00a0\u2007\u202f"))
		return union(z, rangeSpec("\t-\r\x1c-\x1f"))
	case "javaISOControl":
		return rangeSpec("\x00-\x1f\x7f-\u009f")
	case "javaDefined":
		return negate(fromTable(unassigned()))
	}
	return nil
}

var binaryProps = map[string]*unicode.RangeTable{
	"WHITESPACE": unicode.White_Space, "WHITE_SPACE": unicode.White_Space,
	"HEXDIGIT": unicode.Hex_Digit, "HEX_DIGIT": unicode.Hex_Digit,
	"IDEOGRAPHIC": unicode.Ideographic, "JOINCONTROL": unicode.Join_Control, "JOIN_CONTROL": unicode.Join_Control,
	"NONCHARACTERCODEPOINT": unicode.Noncharacter_Code_Point, "NONCHARACTER_CODE_POINT": unicode.Noncharacter_Code_Point,
	"PUNCTUATION": unicode.P, "CONTROL": unicode.Cc, "LETTER": unicode.L, "DIGIT": unicode.Nd,
}

// javaProperty resolves \p{name}.
func javaProperty(name string, unicodeClass, caseInsens bool) (charset, error) {
	if k, v, ok := strings.Cut(name, "="); ok {
		switch strings.ToLower(k) {
		case "gc", "general_category":
			if t, ok := unicode.Categories[v]; ok {
				return fromTable(t), nil
			}
		case "sc", "script":
			if t := script(v); t != nil {
				return fromTable(t), nil
			}
		case "blk", "block":
			return nil, fmt.Errorf("unicode block %q is not supported", v)
		}
		return nil, fmt.Errorf("unknown character property name {%s}", name)
	}
	if spec, ok := asciiPOSIX[name]; ok {
		if unicodeClass {
			return unicodePOSIX(name), nil
		}
		if caseInsens && (name == "Lower" || name == "Upper") {
			return rangeSpec(asciiPOSIX["Alpha"]), nil
		}
		return rangeSpec(spec), nil
	}
	if set := javaLang(name); set != nil {
		return set, nil
	}
	if strings.HasPrefix(name, "In") {
		return nil, fmt.Errorf("unicode block %q is not supported", name[2:])
	}
	base := strings.TrimPrefix(name, "Is")
	if t, ok := unicode.Categories[base]; ok {
		return fromTable(t), nil
	}
	if base == "LC" || base == "L&" {
		return fromTables(unicode.Lu, unicode.Ll, unicode.Lt), nil
	}
	if base != name {
		switch strings.ToUpper(base) {
		case "ALPHABETIC":
			return alphabetic(), nil
		case "UPPERCASE":
			return fromTables(unicode.Lu, unicode.Other_Uppercase), nil
		case "LOWERCASE":
			return fromTables(unicode.Ll, unicode.Other_Lowercase), nil
		case "TITLECASE":
			return fromTable(unicode.Lt), nil
		case "ASSIGNED":
			return negate(fromTable(unassigned())), nil
		}
		if t, ok := binaryProps[strings.ToUpper(base)]; ok {
			return fromTable(t), nil
		}
		if t := script(base); t != nil {
			return fromTable(t), nil
		}
	}
	return nil, fmt.Errorf("unknown character property name {%s}", name)
}

func script(name string) *unicode.RangeTable {
	for k, t := range unicode.Scripts {
		if strings.EqualFold(k, name) {
			return t
		}
	}
	return nil
}
