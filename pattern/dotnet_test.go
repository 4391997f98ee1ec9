package pattern

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/dlclark/regexp2"
)

// TestNetClasses checks the classes the dotnet and ecmascript parser
// spells out against regexp2 itself, code point by code point.
func TestNetClasses(t *testing.T) {
	if testing.Short() {
		t.Skip("checks every code point")
	}
	for _, ecma := range []bool{false, true} {
		opts := regexp2.None
		if ecma {
			opts = regexp2.ECMAScript
		}
		for _, pat := range []string{`\d`, `\w`, `\s`, `.`, `\D`, `[\w-]`} {
			ast, _, err := parseNet(pat, ecma)
			if err != nil {
				t.Fatalf("%s: %v", pat, err)
			}
			re := regexp2.MustCompile(`^`+pat+`$`, opts)
			bad := 0
			for r := rune(0); r <= maxRune; r++ {
				if r >= 0xd800 && r <= 0xdfff {
					continue
				}
				want, _ := re.MatchString(string(r))
				if r == '\n' && pat == "." {
					want = false // $ would match before the newline; the class excludes it either way
				}
				if got := ast.set.contains(r); got != want && r != '\n' {
					bad++
					if bad < 5 {
						t.Errorf("ecma=%v %s: U+%04X: got %v, regexp2 %v", ecma, pat, r, got, want)
					}
				}
			}
		}
	}
}

func TestNetEngineChoice(t *testing.T) {
	for _, tc := range []struct {
		dialect Dialect
		pattern string
		want    Engine
	}{
		{DotNet, `^AC2\d{9}$`, EngineDFA},
		{DotNet, `(?:FP|FQ)-[0-9A-F]{8}`, EngineDFA},
		{DotNet, `^(?=.*\d)[A-Z\d]{8}$`, EngineDFA},
		{DotNet, `^([A-Z])\1\d{4}$`, EngineDFA},
		{DotNet, `(?i)^ac2\d{9}$`, EngineRegexp2},
		{DotNet, `^[a-z-[aeiou]]+$`, EngineRegexp2},
		{DotNet, `\bAB\b`, EngineRegexp2},
		{ECMAScript, `^AC2\d{9}$`, EngineDFA},
		{ECMAScript, `^[^\s]{4}$`, EngineDFA},
		{ECMAScript, `^(?<n>A)B$`, EngineRegexp2},
	} {
		r, err := Compile(tc.pattern, tc.dialect, Options{})
		if err != nil {
			t.Errorf("%s %q: %v", tc.dialect, tc.pattern, err)
			continue
		}
		if r.Engine != tc.want {
			t.Errorf("%s %q: engine %s (%s), want %s", tc.dialect, tc.pattern, r.Engine, r.Why, tc.want)
		}
	}
}

// TestNetDifferential compares the automaton with regexp2, the dialects'
// own engine, on generated patterns and inputs.
func TestNetDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	n := 1500
	if testing.Short() {
		n = 200
	}
	dfas := 0
	for i := 0; i < n; i++ {
		src := make([]byte, 40)
		for j := range src {
			src[j] = byte(rng.IntN(256))
		}
		p := (&patternGen{src: src}).pattern()
		for _, d := range []Dialect{DotNet, ECMAScript} {
			r, err := Compile(p, d, Options{})
			if err != nil || r.Engine != EngineDFA {
				continue
			}
			dfas++
			full, opts := `\A(?:`+p+`)\z`, regexp2.None
			if d == ECMAScript {
				full, opts = `^(?:`+p+`)(?![\s\S])`, regexp2.ECMAScript
			}
			re := regexp2.MustCompile(full, opts)
			re.MatchTimeout = 100 * time.Millisecond
			for k := 0; k < 40; k++ {
				s := genInput(rng)
				want, err := re.MatchString(s)
				if err != nil {
					break
				}
				if got, _ := r.Match(s); got != want {
					t.Fatalf("%s %q on %q: automaton %v, regexp2 %v", d, p, s, got, want)
				}
			}
		}
	}
	t.Logf("%d dialect patterns ran on the automaton", dfas)
	if dfas < n/10 {
		t.Errorf("only %d generated patterns ran on the automaton", dfas)
	}
}
