package pattern

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCharNamesRoundTrip checks every name of the generated table both
// ways, and the spellings Character.codePointOf also takes: lower case,
// padding with spaces and controls, and the block form.
func TestCharNamesRoundTrip(t *testing.T) {
	cn := jNames()
	if len(cn.byCode) < 30000 || len(cn.blocks) < 10 || len(cn.upper) < 5 {
		t.Fatalf("jnames.txt read as %d names, %d block runs, %d upper-case mappings", len(cn.byCode), len(cn.blocks), len(cn.upper))
	}
	for i, e := range cn.byCode {
		if i > 0 && cn.byCode[i-1].r >= e.r {
			t.Fatalf("names out of order at U+%04X", e.r)
		}
		if got, want := JavaCharName(e.r), cn.name(e); got != want {
			t.Fatalf("JavaCharName(U+%04X) = %q, want %q", e.r, got, want)
		}
		name := cn.name(e)
		for _, spelling := range []string{name, strings.ToLower(name), " \t" + name + "\x00\x1f "} {
			if r, ok := javaCodePointOf(spelling); !ok || r != e.r {
				t.Fatalf("javaCodePointOf(%q) = U+%04X, %v; want U+%04X", spelling, r, ok, e.r)
			}
		}
	}
	for _, b := range cn.blocks {
		for _, r := range []rune{b.lo, (b.lo + b.hi) / 2, b.hi} {
			name := JavaCharName(r)
			if !strings.HasPrefix(name, b.prefix+" ") {
				t.Fatalf("JavaCharName(U+%04X) = %q, want the block form of %s", r, name, b.prefix)
			}
			if got, ok := javaCodePointOf(strings.ToLower(name)); !ok || got != r {
				t.Fatalf("javaCodePointOf(%q) = U+%04X, %v; want U+%04X", name, got, ok, r)
			}
		}
	}
}

func TestCharNameLookup(t *testing.T) {
	tests := []struct {
		name string
		want rune // -1: refused
	}{
		{"LATIN SMALL LETTER A", 'a'},
		{"latin small letter a", 'a'},
		{" LATIN SMALL LETTER A\t", 'a'},
		{"NULL", 0},
		{"LINE FEED (LF)", '\n'},
		{"LINE FEED", -1},       // an alias, which Java 17 does not read
		{"BYTE ORDER MARK", -1}, // likewise
		{"ZERO WIDTH NO-BREAK SPACE", 0xfeff},
		{"CJK UNIFIED IDEOGRAPHS 4E00", 0x4e00},
		{"cjk unified ideographs 4e00", 0x4e00},
		{"CJK UNIFIED IDEOGRAPHS 04E00", -1},
		{"CJK UNIFIED IDEOGRAPHS +4E00", -1},
		{"CJK UNIFIED IDEOGRAPH-4E00", -1},
		{"CJK UNIFIED IDEOGRAPHS 9FFD", -1}, // unassigned in Unicode 13
		{"CJK UNIFIED IDEOGRAPHS 3400", -1}, // in Extension A
		{"CJK COMPATIBILITY IDEOGRAPH-F900", 0xf900},
		{"HANGUL SYLLABLES AC00", 0xac00},
		{"HANGUL SYLLABLE GA", -1},
		{"LATIN 1 SUPPLEMENT 84", 0x84},
		{"PRIVATE USE AREA E000", 0xe000},
		{"LATıN SMALL LETTER A", 'a'},
		{"LATİN SMALL LETTER A", -1},
		{"ſOLIDUS", '/'},
		{"ﬁGURE DASH", 0x2012},
		{"CROß MARK", 0x274c},
		{"DIGIT  ONE", -1},
		{"", -1},
		{"LATIN SMALL LETTER A\u00a0", -1},
		{"FFFFFFFFFFFF", -1},
		{"A 110000", -1},
	}
	for _, tt := range tests {
		r, ok := javaCodePointOf(tt.name)
		if !ok {
			r = -1
		}
		if r != tt.want {
			t.Errorf("javaCodePointOf(%q) = %#x, want %#x", tt.name, r, tt.want)
		}
	}
	if n := JavaCharName(0x378); n != "" {
		t.Errorf("unassigned U+0378 named %q", n)
	}
	if n := JavaCharName(utf8.MaxRune + 1); n != "" {
		t.Errorf("U+110000 named %q", n)
	}
}

// TestCharNameEngine checks that \N{name} is only a way to write a code
// point: a rule with it runs on the automaton, and the translation for
// regexp2 writes the code point.
func TestCharNameEngine(t *testing.T) {
	for _, tc := range []struct{ rule, yes, no string }{
		{`SN\N{DIGIT ONE}[\N{DIGIT ZERO}-\N{DIGIT NINE}]{3}`, "SN1234", "SN2234"},
		{`(?i)\N{LATIN SMALL LETTER K}+\N{CJK UNIFIED IDEOGRAPHS 4E2D}`, "kK中", "kK一"},
	} {
		r, err := Compile(tc.rule, Java, Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.rule, err)
		}
		if r.Engine != EngineDFA {
			t.Errorf("%s: engine %s (%s), want dfa", tc.rule, r.Engine, r.Why)
		}
		if strings.Contains(r.Translated(), `\N`) {
			t.Errorf("%s: translated as %q", tc.rule, r.Translated())
		}
		if ok, _ := r.Match(tc.yes); !ok {
			t.Errorf("%s does not match %q", tc.rule, tc.yes)
		}
		if ok, _ := r.Match(tc.no); ok {
			t.Errorf("%s matches %q", tc.rule, tc.no)
		}
	}
	_, err := Compile(`\N{NO SUCH NAME}`, Java, Options{})
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "unknown character name [NO SUCH NAME]") {
		t.Errorf("unknown name: error %v", err)
	}
}
