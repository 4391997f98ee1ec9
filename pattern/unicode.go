package pattern

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
)

// The Java dialect's characters come from tables.go, generated from the
// JDK (Unicode 13 for Java 17), not from Go's unicode package: the
// versions differ in what is assigned, and java.util.regex has its own
// case rules. The RE2 and .NET dialects keep Go's tables.

//go:generate java -Xmx2g --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util.regex=ALL-UNNAMED tablegen/Tables.java tables.go
//go:generate gofmt -w tables.go

// cased lists the code points whose upper or lower case differs from
// themselves in Go's tables: the only candidates for another character's
// case-insensitive matches under RE2's (?i).
var cased = sync.OnceValue(func() []rune {
	var out []rune
	for r := rune(0); r <= maxRune; r++ {
		if unicode.ToUpper(r) != r || unicode.ToLower(r) != r || unicode.SimpleFold(r) != r {
			out = append(out, r)
		}
	}
	return out
})

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

// javaCase maps the code points in jCase to their Character.toUpperCase
// and toLowerCase.
var javaCase = sync.OnceValue(func() map[rune][2]rune {
	m := make(map[rune][2]rune, len(jCase))
	for _, c := range jCase {
		m[c[0]] = [2]rune{c[1], c[2]}
	}
	return m
})

// jUpper and jLower are Character.toUpperCase and toLowerCase.
func jUpper(r rune) rune {
	if c, ok := javaCase()[r]; ok {
		return c[0]
	}
	return r
}

func jLower(r rune) rune {
	if c, ok := javaCase()[r]; ok {
		return c[1]
	}
	return r
}

// unicodeFoldChar is the set one character matches under (?iu): Java
// compares toLowerCase(toUpperCase(c)) with the pattern character's, and
// matches a character with no case difference exactly (so ß does not
// match ẞ, though ẞ matches ß).
func unicodeFoldChar(r rune) charset {
	up := jUpper(r)
	key := jLower(up)
	if up == key {
		return single(r)
	}
	set := charset{r, r, key, key}
	for _, c := range jCase {
		if jLower(c[1]) == key {
			set = append(set, c[0], c[0])
		}
	}
	return normalize(set)
}

// sliceFoldChar is the set a character matches under (?iu) within a run
// of literal characters: Java compares toLowerCase(toUpperCase(c)) with
// no exception, so there ß matches ẞ.
func sliceFoldChar(r rune) charset {
	key := jLower(jUpper(r))
	set := charset{r, r, key, key}
	for _, c := range jCase {
		if jLower(c[1]) == key {
			set = append(set, c[0], c[0])
		}
	}
	return normalize(set)
}

// unicodeFoldRange is the set a class range matches under (?iu): a
// character in range, or whose upper case, or the lower case of that, is.
func unicodeFoldRange(lo, hi rune) charset {
	set := charset{lo, hi}
	for _, c := range jCase {
		up := c[1]
		if up >= lo && up <= hi {
			set = append(set, c[0], c[0])
		} else if l := jLower(up); l >= lo && l <= hi {
			set = append(set, c[0], c[0])
		}
	}
	return normalize(set)
}

// unicodeBackrefFold is the set one character of a group's text matches
// in a backreference under (?iu): the same character, the same upper
// case, or the same lower case of the upper case.
func unicodeBackrefFold(r rune) charset {
	up := jUpper(r)
	key := jLower(up)
	set := charset{r, r}
	for _, c := range jCase {
		if c[1] == up || jLower(c[1]) == key {
			set = append(set, c[0], c[0])
		}
	}
	if up == r || key == r {
		// r is not in jCase: only cased characters can fold to it.
		set = append(set, up, up, key, key)
	}
	return normalize(set)
}

// jSet returns a copy of a generated set.
func jSet(i uint16) charset { return jSets[i].clone() }

// jProperty is the set of \p{name} for the names forProperty knows.
func jProperty(name string, caseInsens bool) charset {
	p, ok := jProperties()[name]
	if !ok {
		return nil
	}
	if caseInsens {
		return jSet(p[1])
	}
	return jSet(p[0])
}

// jUnicodeProperty is the set of \p{IsName} for binary properties and
// POSIX names, which Java matches case-insensitively.
func jUnicodeProperty(name string, caseInsens bool) charset {
	p, ok := jUnicodeProperties()[strings.ToUpper(name)]
	if !ok {
		return nil
	}
	if caseInsens {
		return jSet(p[1])
	}
	return jSet(p[0])
}

var posixNames = map[string]bool{
	"ALPHA": true, "LOWER": true, "UPPER": true, "SPACE": true, "PUNCT": true, "XDIGIT": true,
	"ALNUM": true, "CNTRL": true, "DIGIT": true, "BLANK": true, "GRAPH": true, "PRINT": true,
}

// jPOSIX is a POSIX class under UNICODE_CHARACTER_CLASS.
func jPOSIX(name string, caseInsens bool) charset {
	if !posixNames[strings.ToUpper(name)] {
		return nil
	}
	return jUnicodeProperty(name, caseInsens)
}

func jScript(name string) charset {
	if i, ok := jScripts()[strings.ToUpper(name)]; ok {
		return jSet(i)
	}
	return nil
}

func jBlock(name string) charset {
	if i, ok := jBlocks()[strings.ToUpper(name)]; ok {
		return jSet(i)
	}
	return nil
}

// unicodeWord is \w under UNICODE_CHARACTER_CLASS.
func unicodeWord() charset { return jUnicodeProperty("WORD", false) }

// javaDigitSet, javaSpace and letterOrDigit are \d and \s under
// UNICODE_CHARACTER_CLASS and Character.isLetterOrDigit.
func javaDigitSet() charset   { return jProperty("javaDigit", false) }
func javaSpace() charset      { return jUnicodeProperty("WHITE_SPACE", false) }
func letterOrDigit() charset  { return jProperty("javaLetterOrDigit", false) }
func nonSpacingMark() charset { return jProperty("Mn", false) }

// javaProperty resolves \p{name} as java.util.regex does: name=value
// forms, In for blocks, Is for binary properties, categories and scripts,
// and plain names for categories, POSIX and java.lang.Character classes.
func javaProperty(name string, unicodeClass, caseInsens bool) (charset, error) {
	var set charset
	if k, v, ok := strings.Cut(name, "="); ok {
		k = strings.ToLower(k)
		switch k {
		case "sc", "script":
			set = jScript(v)
		case "blk", "block":
			set = jBlock(v)
		case "gc", "general_category":
			set = jProperty(v, caseInsens)
		}
		if set == nil {
			return nil, fmt.Errorf("unknown Unicode property {name=<%s>, value=<%s>}", k, v)
		}
		return set, nil
	}
	switch {
	case strings.HasPrefix(name, "In"):
		set = jBlock(name[2:])
	case strings.HasPrefix(name, "Is"):
		short := name[2:]
		if set = jUnicodeProperty(short, caseInsens); set == nil {
			if set = jProperty(short, caseInsens); set == nil {
				set = jScript(short)
			}
		}
	default:
		if unicodeClass {
			set = jPOSIX(name, caseInsens)
		}
		if set == nil {
			set = jProperty(name, caseInsens)
		}
	}
	if set == nil {
		return nil, fmt.Errorf("unknown character property name {%s}", name)
	}
	return set, nil
}
