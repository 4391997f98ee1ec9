package javadiff

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/serialgate/serialgate/internal/testenv"
	"github.com/serialgate/serialgate/pattern"
)

// charNameCases are \N{name} escapes with the strings that tell what they
// match: whether a rule compiles is written down (OpenJDK 17 by hand) and
// checked against the JDK, and serialgate must agree with the JDK on both
// that and every verdict.
var charNameCases = []struct {
	rule     string
	compiles bool
	strs     []string
}{
	{`\N{LATIN SMALL LETTER A}`, true, []string{"a", "A", "aa"}},
	{`\N{latin small letter a}b`, true, []string{"ab", "Ab"}},
	{`\N{ LATIN SMALL LETTER A }`, true, []string{"a"}},
	{"\\N{\x01\tdigit one\x1f }+", true, []string{"1", "111", "l"}},
	{`\N{LATıN SMALL LETTER A}`, true, []string{"a"}},   // ı upper-cases to I
	{`\N{ſOLIDUS}\N{ﬁGURE DASH}`, true, []string{"/‒"}}, // ſ to S, ﬁ to FI
	{`\N{CROß MARK}`, true, []string{"❌"}},              // ß to SS
	{`\N{LATİN SMALL LETTER A}`, false, nil},            // İ stays İ
	{`\N{LATIN SMALL LETTER SHARP ß}`, false, nil},      // SHARP SS
	{`\N{DIGIT  ONE}`, false, nil},                      // two spaces
	{"\\N{DIGIT ONE\u00a0}", false, nil},                // trim stops at U+0020
	{`\N{}`, false, nil},
	{`\N`, false, nil},
	{`\NA`, false, nil},
	{`\N{LATIN`, false, nil},
	{`[\N{DIGIT ONE]`, false, nil},
	{`\N{\}`, false, nil},
	{`\N{NULL}\N{LINE FEED (LF)}\N{CHARACTER TABULATION}`, true, []string{"\x00\n\t", "\x00\r\t"}},
	{`\N{LINE FEED}`, false, nil},       // an alias: Java 17 reads UnicodeData names only
	{`\N{BYTE ORDER MARK}`, false, nil}, // likewise
	{`\N{<control>}`, false, nil},
	{`\N{ZERO WIDTH NO-BREAK SPACE}`, true, []string{"\ufeff"}},
	{`\N{CJK UNIFIED IDEOGRAPHS 4E2D}\N{cjk unified ideographs 4e00}`, true, []string{"中一", "中中"}},
	{`\N{CJK UNIFIED IDEOGRAPHS 04E2D}`, false, nil},
	{`\N{CJK UNIFIED IDEOGRAPHS +4E2D}`, false, nil},
	{`\N{CJK UNIFIED IDEOGRAPH-4E2D}`, false, nil},
	{`\N{CJK UNIFIED IDEOGRAPHS 9FFD}`, false, nil}, // unassigned in Unicode 13
	{`\N{CJK UNIFIED IDEOGRAPHS 3400}`, false, nil}, // Extension A
	{`\N{CJK UNIFIED IDEOGRAPHS EXTENSION A 3400}\N{CJK UNIFIED IDEOGRAPHS EXTENSION B 20000}`, true, []string{"\u3400\U00020000"}},
	{`\N{CJK COMPATIBILITY IDEOGRAPH-F900}`, true, []string{"\uf900"}},
	{`\N{HANGUL SYLLABLES AC00}\N{hangul syllables d7a3}`, true, []string{"가힣"}},
	{`\N{HANGUL SYLLABLE GA}`, false, nil},
	{`\N{HANGUL SYLLABLES D7A4}`, false, nil},
	{`\N{TANGUT 17000}\N{PRIVATE USE AREA E000}\N{LATIN 1 SUPPLEMENT 84}`, true, []string{"\U00017000\ue000\u0084"}},
	{`\N{TANGUT IDEOGRAPH-17000}`, false, nil},
	{`\N{LATIN 1 SUPPLEMENT 85}`, false, nil}, // U+0085 has a name
	{`\N{NEXT LINE (NEL)}`, true, []string{"\u0085"}},
	{`[\N{DIGIT ONE}-\N{DIGIT FIVE}]+`, true, []string{"12345", "6", "0"}},
	{`[\N{DIGIT FIVE}-\N{DIGIT ONE}]`, false, nil},
	{`[^\N{LATIN SMALL LETTER A}\N{DIGIT ONE}]`, true, []string{"a", "1", "b"}},
	{`[\N{LATIN SMALL LETTER A}-z&&[^\N{LATIN SMALL LETTER Q}]]+`, true, []string{"abc", "q", "aqz"}},
	{`(?i)\N{LATIN SMALL LETTER K}[\N{LATIN SMALL LETTER S}]`, true, []string{"KS", "ks", "\u212aſ"}},
	{`(?iu)\N{LATIN SMALL LETTER K}[\N{LATIN SMALL LETTER S}]\N{LATIN SMALL LETTER SHARP S}`, true, []string{"KSß", "\u212aſẞ", "ksss"}},
	{`(?iu)[\N{LATIN SMALL LETTER A}-\N{LATIN SMALL LETTER Z}]+`, true, []string{"ſK", "abc", "1"}},
	{`\N{LATIN SMALL LETTER A}{2}\N{DIGIT ONE}?`, true, []string{"aa", "aa1", "a"}},
	{`(?x) \N {LATIN SMALL LETTER A} \N{ DIGIT ONE }`, true, []string{"a1", "a 1"}},
	{`(?x)\N{DIGIT #ONE}`, false, nil},
	{`(\N{LATIN SMALL LETTER A}+)-\1`, true, []string{"aa-aa", "a-aa"}},
	{`\N{MATHEMATICAL BOLD CAPITAL A}\N{GRINNING FACE}`, true, []string{"\U0001d400\U0001f600"}},
	{`\N{HIGH SURROGATES D800}`, true, []string{"a"}},
	{`\Q\N{DIGIT ONE}\E`, true, []string{`\N{DIGIT ONE}`, "1"}},
}

// TestJDKCharNames checks \N{name} against the installed JDK.
func TestJDKCharNames(t *testing.T) {
	java, err := exec.LookPath("java")
	if err != nil {
		testenv.Missing(t, "java", "openjdk-17-jdk-headless")
	}
	cases := make([]Case, len(charNameCases))
	for i, c := range charNameCases {
		cases[i] = Case{Rule: c.rule, Strings: c.strs}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := Run(ctx, java, cases)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range charNameCases {
		want := res[i]
		if want.Compiled != c.compiles {
			t.Errorf("rule %s: the table says compiles %v, the JDK %v (%s)", quote(c.rule), c.compiles, want.Compiled, want.Err)
		}
		p, err := pattern.Compile(c.rule, pattern.Java, pattern.Options{Timeout: time.Second})
		if (err == nil) != want.Compiled {
			t.Errorf("rule %s: java compiles %v (%s), serialgate: %v", quote(c.rule), want.Compiled, want.Err, err)
			continue
		}
		if err != nil {
			continue
		}
		for j, s := range c.strs {
			ok, timedOut := p.Match(s)
			if w := want.Verdicts[j]; timedOut || (w == '1') != ok {
				t.Errorf("rule %s string %s: java %c, serialgate %v (timed out %v)", quote(c.rule), quote(s), w, ok, timedOut)
			}
		}
	}
}
