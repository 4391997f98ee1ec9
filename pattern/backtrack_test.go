package pattern

import (
	"strings"
	"testing"
	"time"
)

// backtrackTable holds, class by class, rules that need the backtracking
// matcher and what java.util.regex's matches() answered for each string
// (OpenJDK 17, run by hand). Each class is one where serialgate once gave
// another verdict than Java's.
var backtrackTable = []struct {
	class   string
	pattern string
	yes, no []string
}{
	// (?i) folds a backreference in ASCII only; (?iu) compares the upper
	// cases, or the lower cases of those.
	{"ci-backref", `(?i)(.+)-\1`, []string{"ab-AB", "k-K"}, []string{"é-É", "K-\u212a"}},
	{"ci-backref", `(?iu)(.+)-\1`, []string{"é-É", "S-ſ", "ſ-S", "K-\u212a", "ß-ẞ", "ı-I"}, []string{"ab-AC"}},
	{"ci-backref", `(?i)(ß+?)\1`, []string{"ßß"}, []string{"ßẞ"}},
	{"ci-backref", `(?iu)(ß+?)\1`, []string{"ßẞ"}, nil},
	// A folded backreference compares as many code points as the group
	// holds UTF-16 units, reading past the group's own text, and goes on
	// that many units later.
	{"ci-backref-supplementary", `(?i)(\x{10400})\1\x{10400}`, []string{"𐐀𐐀𐐀"}, []string{"𐐀𐐀𐐀𐐀"}},
	{"ci-backref-supplementary", `(?iu)(a\x{10400})\1.*`, []string{"a𐐀a𐐀a"}, []string{"a𐐀a𐐀bc"}},
	// A capture made inside an atomic group, a possessive quantifier or a
	// look-ahead stays when the match backs out of it.
	{"kept-capture", `(?:(a)?+x|\1b)`, []string{"ab"}, nil},
	{"kept-capture", `(?:(?>(a))x|\1b)`, []string{"ab"}, nil},
	{"kept-capture", `(?:(?=(a))x|\1b)`, []string{"ab"}, nil},
	{"kept-capture", `(?:(a)++x|\1b)`, []string{"ab"}, nil},
	{"kept-capture", `(?:(a)?x|\1b)`, nil, []string{"ab"}},
	{"kept-capture", `(?:(?!(a)x)y|\1b)`, nil, []string{"ab"}},
	{"kept-capture", `K(?:(-a)?+φ|\1ε)`, []string{"K-aε"}, []string{"Kε"}},
	// A look-behind steps back by UTF-16 unit, into a surrogate pair,
	// unless the pattern text from the look-behind on holds a
	// supplementary character (an escape does not count).
	{"behind-units", `.(?<=\x{10400})x`, nil, []string{"𐐀x"}},
	{"behind-units", `.(?<=𐐀)x`, []string{"𐐀x"}, nil},
	{"behind-units", `.(?<=.)x`, []string{"𐐀x"}, nil},
	{"behind-units", `.(?<=\p{So})x`, nil, []string{"😀x"}},
	{"behind-units", `.(?<=[\x{10400}a])x|𐐀`, []string{"𐐀x"}, nil},
	{"behind-units", `𐐀|.(?<=[\x{10400}a])x`, nil, []string{"𐐀x"}},
	{"behind-units", `(?x).(?<=[\x{10400}a])x #𐐀`, []string{"𐐀x"}, nil},
	// Stepping back by code point, Java negates the longest length in
	// int32: one that overflowed to the smallest int steps back nowhere.
	{"behind-overflow", `(?s)μ(?<=(?:μ){0,}μ).*`, []string{"μ𐐀"}, nil},
	{"behind-overflow", `(?s)μ(?<=(?:μ){0,}μ).*𐐀`, nil, []string{"μ𐐀"}},
	// A look-behind inside a look-behind is not measured: Java compiles
	// these.
	{"nested-behind", `(?<!(?<!a*b){2})c`, nil, []string{"c", "bc"}},
	{"nested-behind", `(?<=(?<=a*b)c)d`, nil, []string{"bcd", "abcd"}},
	// Each \b and \B uses the word characters of the flags it was written
	// under.
	{"word-flags", `(?U)ϑ\B\u216b|a\b-`, []string{"ϑⅫ", "a-"}, nil},
	// \X is the JDK's extended grapheme cluster: emoji ZWJ sequences
	// (even across a spacing mark), regional indicator pairs, Hangul
	// syllables in jamo, prepended marks.
	{"grapheme", `(?s)\X`, []string{"😀\u200d😀\u200d😀\u200d😀", "🇺🇸", "\u1100\u1161\u11a8", "\u0600a", "e\u0301\u0301", "\u00a9\u0e33", "😀\u0903\u200d😀"}, []string{"🇺🇸🇦", "a\u200d😀"}},
	{"grapheme", `\X\X`, []string{"🇺🇸🇦", "a\u200d😀", "ab"}, []string{"\u1100\u1161\u11a8"}},
	// \b{g} holds between two characters when the text's first cluster,
	// measured up to the second of them, ends there: so it depends on
	// what came first.
	{"grapheme-boundary", `x\uAC00\b{g}\u093E|ab\u0301\b{g}\u0301|\x{1F1FA}\x{1F1F8}\b{g}\x{1F1E6}`, []string{"x가\u093e", "ab\u0301\u0301", "🇺🇸🇦"}, nil},
	{"grapheme-boundary", `\uAC00\b{g}\u093E|a\u0301\b{g}\u0301|\x{1F1FA}\b{g}\x{1F1F8}`, nil, []string{"가\u093e", "a\u0301\u0301", "🇺🇸"}},
	// A nested repetition Java takes long over still gets its verdict.
	{"no-timeout", `^(?:(\d+)+Y|\d+X)\1?$`, []string{"12345678901234567890X", "1234567X"}, []string{"12345678901234567890Z"}},
}

func TestBacktrackJavaVerdicts(t *testing.T) {
	for _, tc := range backtrackTable {
		r, err := Compile(tc.pattern, Java, Options{Timeout: time.Second})
		if err != nil {
			t.Errorf("%s %q: %v", tc.class, tc.pattern, err)
			continue
		}
		for _, want := range []bool{true, false} {
			strs := tc.yes
			if !want {
				strs = tc.no
			}
			for _, s := range strs {
				ok, timedOut := r.Match(s)
				if ok != want || timedOut {
					t.Errorf("%s %q (%s) on %q: match %v (timed out %v), java %v", tc.class, tc.pattern, r.Engine, s, ok, timedOut, want)
				}
			}
		}
	}
}

// TestNestedRepeatNoTimeout is item 6 of issue 13: a rule with a
// backreference after a nested repetition gets its verdict on serials
// longer than backtracking without memory could try (2^60 ways to split
// the digits); BenchmarkNestedRepeat measures how fast. What the rule
// answers there follows from the shorter cases the JDK ran: the second
// alternative matches, \1 is unset and so its ? matches nothing.
func TestNestedRepeatNoTimeout(t *testing.T) {
	r, err := Compile(`^(?:(\d+)+Y|\d+X)\1?$`, Java, Options{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if r.Engine != EngineBacktrack {
		t.Fatalf("engine %s, want backtrack", r.Engine)
	}
	for _, tc := range []struct {
		serial string
		want   bool
	}{
		{strings.Repeat("7", 60) + "X", true},
		{strings.Repeat("7", 60) + "Z", false},
		{strings.Repeat("7", 60) + "Y", true},
	} {
		ok, timedOut := r.Match(tc.serial)
		if ok != tc.want || timedOut {
			t.Errorf("%q: match %v (timed out %v), want %v", tc.serial, ok, timedOut, tc.want)
		}
	}
}

// TestMemoKeepsVerdicts runs every Java table rule that needs backtracking
// with failed states remembered from the first step and never: the memory
// only saves time, so the verdicts agree.
func TestMemoKeepsVerdicts(t *testing.T) {
	var cases []struct {
		pattern string
		strs    []string
	}
	for _, tc := range backtrackTable {
		if tc.class == "no-timeout" {
			continue // without memory it takes as long as Java does
		}
		cases = append(cases, struct {
			pattern string
			strs    []string
		}{tc.pattern, append(append([]string(nil), tc.yes...), tc.no...)})
	}
	for _, tc := range javaTable {
		cases = append(cases, struct {
			pattern string
			strs    []string
		}{tc.pattern, append(append([]string(nil), tc.yes...), tc.no...)})
	}
	checked := 0
	for _, tc := range cases {
		r, err := Compile(tc.pattern, Java, Options{Timeout: time.Second})
		if err != nil || r.Engine != EngineBacktrack {
			continue
		}
		for _, s := range tc.strs {
			r.bt.memoAfter, r.bt.memoProbation = 1<<62, memoProbation
			never, to1 := r.bt.match(s, time.Second)
			r.bt.memoAfter = -1
			always, to2 := r.bt.match(s, time.Second)
			// Giving up remembering after two states, as a match does
			// when remembering does not pay, keeps the verdict too.
			r.bt.memoProbation = 2
			givenUp, to3 := r.bt.match(s, time.Second)
			if always != never || givenUp != never || to1 || to2 || to3 {
				t.Errorf("%q on %q: %v remembering failures, %v giving up, %v not (timed out %v, %v, %v)", tc.pattern, s, always, givenUp, never, to1, to2, to3)
			}
			checked++
		}
	}
	if checked < 40 {
		t.Errorf("only %d strings ran on the backtracking matcher", checked)
	}
}

// TestBackrefLoopSteps is a rule of the JDK differential run (seed 27)
// that took 250–850 ms a string: a repeated group with several ways to
// match, read by a backreference after the loop. Remembering failed
// states by the capture of the repetition before made every state inside
// the loop count once per earlier repetition (13 million steps on 950
// units); keyed only by what the rest of the match can read, the steps
// grow with the square of the length. java.util.regex answers false for
// each of these (OpenJDK 17, by hand, up to 125 and 104 units: it takes
// seconds there, trying every way to split the text); the longer ones
// fail the same way, the text having no \d, \r or \p{Blank} where the
// loop could end and no \p{Print} that spans it.
func TestBackrefLoopSteps(t *testing.T) {
	const rule = "(?U:(?d)a{1}{2}+$??|\\G(É(?i:^{2,}Ⅻ{0,}?|(?i)ａ̈{3}é)){2,2}[[^A-F]]*+|(?<g2>(?:\\X*)ε[\u00a0]){2,})" +
		"(?>\\Q\r\\E{1,}+(?s)|\\dk\\k<g2>{0,1}|\\p{Blank}(?>([ϵKß-ß][^\u0378k🫠][ρ]?\\A)[^[ΣＡ]&&[ϕ[K-K]]]*))ϱ{2}{2}(?>\\w{1}{3})|\\p{Print}"
	r, err := Compile(rule, Java, Options{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if r.Engine != EngineBacktrack {
		t.Fatalf("engine %s, want backtrack", r.Engine)
	}
	for _, tc := range []struct {
		unit  string
		times []int
	}{
		{"\tε\u00a0aε\u00a0aaaε\u00a0aaε\u00a0 \n\u0378ϱϱϱϱ_99", []int{1, 2, 3, 4, 5, 38, 60}},
		{"ε\u00a0aε\u00a0\rϱϰϱϱ9_9", []int{1, 4, 8, 32, 70}},
	} {
		for _, k := range tc.times {
			s := strings.Repeat(tc.unit, k)
			n := len(appendUTF16(nil, s))
			ok, timedOut, steps := r.bt.run(s, time.Minute)
			if ok || timedOut {
				t.Errorf("%d × %q: match %v (timed out %v), java false", k, tc.unit, ok, timedOut)
			}
			// Before remembering starts, a match may take memoAfter steps.
			if limit := 2*memoAfter + n*n/2; steps > limit {
				t.Errorf("%d × %q (%d units): %d steps, more than %d", k, tc.unit, n, steps, limit)
			}
		}
	}
}
