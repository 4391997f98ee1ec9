package pattern

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/dlclark/regexp2"
	"github.com/serialgate/serialgate"
)

// patternGen writes small Java patterns from a stream of choices, in the
// constructs serial rules use.
type patternGen struct {
	src   []byte
	i     int
	depth int
}

func (g *patternGen) pick(n int) int {
	if g.i >= len(g.src) {
		return 0
	}
	b := g.src[g.i]
	g.i++
	return int(b) % n
}

var genAtoms = []string{
	"a", "b", "0", "-", "A", `\d`, `\w`, `\s`, ".", "[a-c]", "[^a]", "[ab0]", `\p{Upper}`, `[a-z&&[^b]]`,
	`(?i:a)`, `\x41`, `\u0062`, `\Q-\E`, `[\d-]`, `\p{L}`, `(?iu:k)`, `[A-Z0-9]`,
	`\N{LATIN SMALL LETTER A}`, `[\N{DIGIT ZERO}-\N{digit one}]`, `(?i:\N{KELVIN SIGN})`,
}

var genQuants = []string{"", "", "", "*", "+", "?", "{2}", "{1,3}", "{0,2}", "*?", "+?", "*+", "++", "?+", "{1,2}+"}

func (g *patternGen) seq() string {
	var b strings.Builder
	n := 1 + g.pick(4)
	for k := 0; k < n; k++ {
		b.WriteString(g.item())
	}
	return b.String()
}

func (g *patternGen) item() string {
	var atom string
	switch c := g.pick(10); {
	case c < 6 || g.depth > 2:
		atom = genAtoms[g.pick(len(genAtoms))]
	default:
		g.depth++
		inner := g.seq()
		if g.pick(3) == 0 {
			inner += "|" + g.seq()
		}
		g.depth--
		atom = []string{"(", "(?:", "(?>", "(?:"}[g.pick(4)] + inner + ")"
	}
	return atom + genQuants[g.pick(len(genQuants))]
}

func (g *patternGen) pattern() string {
	var b strings.Builder
	switch g.pick(6) {
	case 0:
		b.WriteString("^")
	case 1:
		b.WriteString("(?=" + g.seq() + ")")
	case 2:
		b.WriteString("(?!" + g.seq() + ")")
	}
	b.WriteString(g.seq())
	if g.pick(3) == 0 {
		b.WriteString("$")
	}
	return b.String()
}

const genAlphabet = "ab0-AB1 \n\u212ak_é"

func genInput(r *rand.Rand) string {
	rs := []rune(genAlphabet)
	n := r.IntN(7)
	var b strings.Builder
	for range n {
		b.WriteRune(rs[r.IntN(len(rs))])
	}
	return b.String()
}

// differential compiles pattern and, when it runs on the automaton,
// compares its verdicts with regexp2 running the same pattern.
func differential(t *testing.T, pattern string, inputs []string) {
	// Short time limits on both sides keep one generated pattern's worst
	// case well inside the fuzz coordinator's patience.
	r, err := Compile(pattern, Java, Options{Timeout: 50 * time.Millisecond})
	if err != nil {
		return // generated patterns may be invalid Java; the parser said so
	}
	re2, err := regexp2.Compile(r.netRE, regexp2.None)
	if err != nil {
		t.Fatalf("%q: translation %q does not compile: %v", pattern, r.netRE, err)
	}
	re2.MatchTimeout = 50 * time.Millisecond
	for _, s := range inputs {
		want, err := re2.MatchString(s)
		if err != nil {
			return // backtracking ran out of time: no reference verdict
		}
		got, timedOut := r.Match(s)
		if timedOut {
			return // our backtracking ran out of time: the verdict is a timeout, not a mismatch
		}
		if got != want {
			t.Fatalf("%q (%s) on %q: got %v, regexp2 says %v", pattern, r.Engine, s, got, want)
		}
		v := r.Check(s)
		if v.OK != want || (!v.OK && (v.Reason == serialgate.ReasonNone || v.Message == "")) {
			t.Fatalf("%q on %q: Check = %+v, want ok %v", pattern, s, v, want)
		}
	}
}

// TestDifferential checks the automaton against regexp2 on generated
// patterns and inputs (a fixed sample; FuzzDifferential explores more).
func TestDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 1500
	if testing.Short() {
		n = 200
	}
	dfas := 0
	for range n {
		src := make([]byte, 40)
		for i := range src {
			src[i] = byte(rng.IntN(256))
		}
		g := &patternGen{src: src}
		p := g.pattern()
		inputs := make([]string, 60)
		for i := range inputs {
			inputs[i] = genInput(rng)
		}
		differential(t, p, inputs)
		if r, err := Compile(p, Java, Options{}); err == nil && r.Engine == EngineDFA {
			dfas++
		}
	}
	if dfas < n/5 {
		t.Errorf("only %d of %d generated patterns ran on the automaton", dfas, n)
	}
}

func FuzzDifferential(f *testing.F) {
	f.Add([]byte("\x01\x02\x03\x04\x05\x06\x07\x08"), "ab0")
	f.Add([]byte("\x06\x07\x00\x09\x11\x03\x05"), "AB1-")
	f.Fuzz(func(t *testing.T, choices []byte, input string) {
		g := &patternGen{src: choices}
		p := g.pattern()
		if len(input) > 16 {
			input = input[:16]
		}
		inputs := []string{input}
		for i := 0; i < len(input); i++ {
			inputs = append(inputs, input[:i], input[i:])
		}
		differential(t, p, inputs)
	})
}

// FuzzJavaParse feeds arbitrary patterns to the compiler: it must not
// panic, and whatever compiles must answer on its own examples.
func FuzzJavaParse(f *testing.F) {
	for _, tc := range javaTable {
		f.Add(tc.pattern, "")
	}
	for _, p := range []string{`[\Q`, `(?<`, `\p{`, `\x{`, `[a&&`, `(?x)#`, `\c`, `\0`, `a{99999999999}`, `(?<=\R)`,
		`\N{`, `\N{DIGIT ONE`, `\N{}`, `[\N{DIGIT ONE}-\N{DIGIT FIVE}]`, `(?iu)\N{latin small letter sharp s}+`,
		`(?x)\N {DIGIT #}`, `\N{CJK UNIFIED IDEOGRAPHS 4E00}`, "\\N{\x00 ı}", `\N{HANGUL SYLLABLES D7A4}`} {
		f.Add(p, "x")
	}
	f.Fuzz(func(t *testing.T, pattern, input string) {
		r, err := Compile(pattern, Java, Options{Timeout: 50 * time.Millisecond})
		if err != nil {
			return
		}
		r.Match(input)
		r.Check(input)
		r.Lint()
	})
}

// TestCostlyPatternFallsBack: a pattern found by FuzzDifferential whose
// automaton stays under the state limit but took 15 s to build. The work
// budget sends it to the backtracking engine, which must still agree with
// regexp2.
func TestCostlyPatternFallsBack(t *testing.T) {
	const p = `[A-Z0-9]((?:\w+(?:[^a]{1,3}\d{1,3}|\p{L}*-{1,3}\N{LATIN SMALL LETTER A}{2}-){1,3}){1,3}aa|a)$`
	r, err := Compile(p, Java, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Engine != EngineBacktrack || !strings.Contains(r.Why, "costly") {
		t.Fatalf("engine %s (%q), want the backtracking fallback for cost", r.Engine, r.Why)
	}
	differential(t, p, []string{"", "Aa", "A", "Ab1aa", "A1x2aa", "Aabc-aa-aa", "AZ9-aa-1aa", "A__b12c3aa", "Ab-aa-b-aa-aa"})
}
