package pattern

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dlclark/regexp2"
	"github.com/serialgate/serialgate"
)

// javaTable lists patterns with inputs and what java.util.regex's
// matches() answers for them (OpenJDK 17).
var javaTable = []struct {
	pattern string
	yes, no []string
}{
	{`\d{3}`, []string{"123"}, []string{"١٢٣", "１２３", "12", "1234"}},
	{`\w+`, []string{"a_Z9"}, []string{"é", "a-b", ""}},
	{`(?U)\w+`, []string{"é", "a_Z9"}, []string{"a-b"}},
	{`\s`, []string{" ", "\t", "\x0b"}, []string{"\u00a0", "\u2003"}},
	{`\h`, []string{" ", "\u00a0", "\u2003"}, []string{"\n"}},
	{`(?i)k`, []string{"k", "K"}, []string{"\u212a"}},
	{`(?iu)k`, []string{"k", "K", "\u212a"}, []string{"x"}},
	{`(?i)s`, []string{"s", "S"}, []string{"ſ"}},
	{`(?iu)s`, []string{"ſ", "S"}, nil},
	{`(?i)[a-c]+`, []string{"aBc"}, []string{"d"}},
	{`(?i)à`, []string{"à"}, []string{"À"}},
	{`(?iu)à`, []string{"À", "à"}, nil},
	{`(?i)İ`, []string{"İ"}, []string{"i", "I"}},
	{`.`, []string{"a", "\t"}, []string{"\n", "\r", "\u0085", "\u2028", "\u2029"}},
	{`(?s).`, []string{"\n", "\u2028"}, nil},
	{`(?d).`, []string{"\r", "\u2028"}, []string{"\n"}},
	{`abc$`, []string{"abc"}, []string{"abc\n"}},
	{`a$\n`, []string{"a\n"}, []string{"a"}},
	{`abc\Z`, []string{"abc"}, []string{"abc\n"}},
	{`abc\z`, []string{"abc"}, []string{"abc\n"}},
	{`\Qa.b\E`, []string{"a.b"}, []string{"axb"}},
	{`\Qa.b`, []string{"a.b"}, []string{"axb"}},
	{`[a-z&&[^aeiou]]+`, []string{"bcd"}, []string{"bad"}},
	{`[\w&&\D]+`, []string{"ab_"}, []string{"a1"}},
	{`[a-d[m-p]]+`, []string{"amp"}, []string{"e"}},
	{`[]a]+`, []string{"]a"}, []string{"b"}},
	{`[^]a]`, []string{"b"}, []string{"]", "a"}},
	{`[a-]+`, []string{"a-"}, []string{"b"}},
	{`[\Q]\E]`, []string{"]"}, []string{`\`}},
	{`a++a`, nil, []string{"aa", "aaa"}},
	{`[A-Z]++\d`, []string{"ABC1"}, []string{"ABC"}},
	{`(?>a+)a`, nil, []string{"aa"}},
	{`(?>ab|a)b`, []string{"abb"}, []string{"ab"}},
	{`(?>a|ab)c`, []string{"ac"}, []string{"abc"}},
	{`a{2,}+b`, []string{"aab", "aaaab"}, []string{"ab"}},
	{`\p{Lu}+`, []string{"ÀB"}, []string{"a"}},
	{`\p{IsLatin}+`, []string{"abcé"}, []string{"α"}},
	{`\p{InGreek}\p{IsLatn}\p{blk=Greek}`, []string{"αaΩ"}, []string{"aaa"}},
	{`\d{2}{3}`, []string{"12"}, []string{"123456"}},
	{`{2}a`, []string{"a"}, []string{"aa"}},
	{`\Qab\E+`, []string{"abbb"}, []string{"abab"}},
	{`\p{Alpha}`, []string{"a"}, []string{"é"}},
	{`(?U)\p{Alpha}`, []string{"é"}, []string{"1"}},
	{`\p{Punct}+`, []string{"!-/"}, []string{"a", "¡"}},
	{`\P{Digit}`, []string{"a"}, []string{"1"}},
	{`\p{javaLowerCase}`, []string{"é"}, []string{"É"}},
	{`(?i)\p{Lower}`, []string{"a", "A"}, []string{"1"}},
	{`\x{1F600}`, []string{"😀"}, []string{"?"}},
	{`\uD83D\uDE00`, []string{"😀"}, nil},
	{`\x41\u0042\0103\011`, []string{"ABC\t"}, nil},
	{`\cA`, []string{"\x01"}, nil},
	{`(?<y>\d)\k<y>`, []string{"11"}, []string{"12"}},
	{`(\d)(\d)\2\1`, []string{"1221"}, []string{"1212"}},
	{`(a|ab)(c|bcd)(d*)\3`, []string{"abcd", "acdd", "abcdd"}, []string{"abd", "abcdx", "acd"}},
	{`(?i)(a)\1`, []string{"aA", "Aa"}, []string{"ab"}},
	{`\1(a)`, nil, []string{"aa", "a"}}, // a reference to a group not yet matched fails
	{`(?x) a b # comment` + "\n" + ` c`, []string{"abc"}, []string{"a b c"}},
	{`(?x)[a b]+`, []string{"ab"}, []string{" "}},
	{`\R`, []string{"\r\n", "\n", "\r", "\u2028"}, []string{"\n\r"}},
	{`\R\n`, []string{"\n\n", "\r\n"}, []string{"\r\n\r"}},
	{`\R{1}\n`, []string{"\n\n", "\r\n\n"}, []string{"\r\n"}},
	{`\R`, []string{"\v", "\f", "\u0085"}, []string{" "}},
	// A repeated group with \R repeats its first way, CR LF; an optional
	// one backs off to CR.
	{`(?:\R){1}\n|(\R){1}\nx|(?:\R)+\ny`, []string{"\n\n", "\n\nx", "\r\n\ny"}, []string{"\r\n", "\r\nx", "\r\ny"}},
	{`(?:\R)?\n`, []string{"\r\n", "\n"}, nil},
	{`^(?!000)\d{3}$`, []string{"001"}, []string{"000"}},
	{`(?=.*\d)(?=.*[a-z])\w{4}`, []string{"ab1c"}, []string{"abcd", "1234"}},
	{`(?=\w{3}$)...`, []string{"abc"}, []string{"ab\n"}},
	{`(?=a\z)a|b`, []string{"a", "b"}, nil},
	{`a(?<=a)b`, []string{"ab"}, []string{"b"}},
	{`a(?<!a)b`, nil, []string{"ab"}},
	{`(?m)^a$\n^b$`, []string{"a\nb"}, []string{"a\nc"}},
	{`a\bb`, nil, []string{"ab"}},
	{`a\b-`, []string{"a-"}, nil},
	{`\Bb`, nil, []string{"b"}},
	{`x*?y`, []string{"xxy", "y"}, []string{"x"}},
	{`(a+)+X`, []string{"aaaX"}, []string{strings.Repeat("a", 40)}},
	{`([0-9A-Z]+-?)+`, []string{"AB-12-"}, []string{strings.Repeat("A1", 20) + "!"}},
	{`(?:AC|BC)(?i:x)y`, []string{"ACXy"}, []string{"ACXY"}},
	{`a(?i)b|c`, []string{"aB", "C"}, nil},
	{`(a(?i)b)c`, []string{"aBc"}, []string{"aBC"}},
	// A group holding one literal does not join the literals around it
	// in a run that (?iu) folds its own way.
	{`(?iu:(?-i:Σ)x)`, []string{"Σx", "ΣX"}, []string{"σx"}},
}

func TestJavaSemantics(t *testing.T) {
	for _, tc := range javaTable {
		r, err := Compile(tc.pattern, Java, Options{})
		if tc.yes == nil && tc.no == nil {
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.pattern, err)
			continue
		}
		re2 := regexp2.MustCompile(r.netRE, regexp2.None)
		// The translation backtracks: catastrophic cases time out there,
		// which is why such rules run on the automaton.
		re2.MatchTimeout = 200 * time.Millisecond
		for _, s := range tc.yes {
			if ok, _ := r.Match(s); !ok {
				t.Errorf("%q (%s) does not match %q; java matches", tc.pattern, r.Engine, s)
			}
			if ok, _ := re2.MatchString(s); !ok {
				t.Errorf("%q translated as %q does not match %q; java matches", tc.pattern, r.netRE, s)
			}
		}
		for _, s := range tc.no {
			if ok, _ := r.Match(s); ok {
				t.Errorf("%q (%s) matches %q; java does not", tc.pattern, r.Engine, s)
			}
			if ok, err := re2.MatchString(s); ok && err == nil {
				t.Errorf("%q translated as %q matches %q; java does not", tc.pattern, r.netRE, s)
			}
		}
	}
}

// TestEngineChoice checks that regular rules, however they are written,
// get the automaton, and that only what cannot be compiled away is left to
// backtracking.
func TestEngineChoice(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		want    Engine
	}{
		{`^AC2\d{9}$`, EngineDFA},
		{`^(\d+)+X$`, EngineDFA},
		{`^(a+)+$`, EngineDFA},
		{`^([0-9A-Z]+-?)+$`, EngineDFA},
		{`^[A-Z]++\d{4}$`, EngineDFA},
		{`^(?>[A-Z]{2})\d$`, EngineDFA},
		{`^(?=.*[A-Z])(?=.*\d)[A-Z\d]{12}$`, EngineDFA},
		{`^(?!TEST)[A-Z]{4}\d{4}$`, EngineDFA},
		{`^([A-Z])\1\d{6}$`, EngineDFA},
		{`(?i)^drs-[a-z]{4}-\d{4}$`, EngineDFA},
		{`a++a`, EngineBacktrack},
		{`(a+)\1`, EngineBacktrack},
		{`a(?=b)b`, EngineBacktrack},
		{`\bAB\b`, EngineBacktrack},
		{`(?m)^AB$`, EngineBacktrack},
	} {
		r, err := Compile(tc.pattern, Java, Options{})
		if err != nil {
			t.Errorf("%q: %v", tc.pattern, err)
			continue
		}
		if r.Engine != tc.want {
			t.Errorf("%q: engine %s (%s), want %s", tc.pattern, r.Engine, r.Why, tc.want)
		}
	}
}

func TestJavaSyntaxErrors(t *testing.T) {
	for _, p := range []string{
		`a{`, `{x}`, `a{,3}`, `a{3,1}`, `*a`, `a**`, `(`, `)`, `[a`, `[b-a]`,
		`(?<n>a)(?<n>b)`, `\k<x>`, `(?<=(ab)+)b`, `\p{Foo}`, `\p{InFoo}`, `\Q\E+`, `\y`,
		`(?q)`, `\x4`, `\u12`, `[\b]`, `\08`,
		`\p{^L}`, `\P{^L}`, `\p{^Punct}`, `\p{^IsLatin}`, // Java has no \p{^...}
	} {
		_, err := Compile(p, Java, Options{})
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: got %v, want a *SyntaxError", p, err)
		}
	}
}

// TestTimeoutRejects runs a pattern that needs backtracking on a near-miss
// with a deadline already past when the matcher first looks at its clock:
// the serial is rejected, and the verdict says the rule timed out.
func TestTimeoutRejects(t *testing.T) {
	r, err := Compile(`^(a|aa)+\1b$`, Java, Options{Timeout: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Engine != EngineBacktrack {
		t.Fatalf("engine %s, want backtrack", r.Engine)
	}
	v := r.Check(strings.Repeat("a", 70))
	if v.OK {
		t.Fatal("accepted a serial the rule cannot match")
	}
	if v.Reason != serialgate.ReasonTimedOut && v.Reason != serialgate.ReasonNoMatch {
		t.Fatalf("reason %v %q", v.Reason, v.Message)
	}
	if ok, timedOut := r.Match(strings.Repeat("a", 70)); ok || !timedOut {
		t.Errorf("Match = %v, %v; want a timeout (the match takes more steps than the first clock check)", ok, timedOut)
	}
}

func TestOtherDialects(t *testing.T) {
	for _, tc := range []struct {
		dialect Dialect
		pattern string
		yes, no []string
	}{
		{RE2, `AC2\d{9}`, []string{"AC2000000001"}, []string{"AC2000000001\n", "AC2٠00000001"}},
		{RE2, `(?i)k+`, []string{"kK\u212a"}, nil},
		{RE2, `\bAB\b`, []string{"AB"}, []string{"ABC"}},
		{DotNet, `\d{3}`, []string{"123", "١٢٣"}, []string{"12"}},
		{DotNet, `(?x) a b # note`, []string{"ab"}, []string{"a b"}},
		{DotNet, `abc$`, []string{"abc"}, nil},
		{ECMAScript, `\d{3}`, []string{"123"}, []string{"١٢٣"}},
		{ECMAScript, `abc$`, []string{"abc"}, []string{"abc\n"}},
	} {
		r, err := Compile(tc.pattern, tc.dialect, Options{})
		if err != nil {
			t.Errorf("%s %q: %v", tc.dialect, tc.pattern, err)
			continue
		}
		for _, s := range tc.yes {
			if ok, _ := r.Match(s); !ok {
				t.Errorf("%s %q (%s) does not match %q", tc.dialect, tc.pattern, r.Engine, s)
			}
		}
		for _, s := range tc.no {
			if ok, _ := r.Match(s); ok {
				t.Errorf("%s %q (%s) matches %q", tc.dialect, tc.pattern, r.Engine, s)
			}
		}
	}
}
