package javadiff

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/serialgate/serialgate/internal/javacases"
	"github.com/serialgate/serialgate/internal/testenv"
	"github.com/serialgate/serialgate/pattern"
	"github.com/serialgate/serialgate/rules"
)

var (
	seed     = flag.Uint64("javadiff.seed", 1, "seed of the generated rules and strings")
	nRules   = flag.Int("javadiff.rules", 250, "number of generated rules")
	nStrings = flag.Int("javadiff.strings", 1000, "number of strings per generated rule")
	verbose  = flag.Int("javadiff.show", 40, "number of disagreements to print")
)

// TestJDKDifferential checks serialgate's Java dialect against the
// installed JDK: whether each generated rule compiles, and the verdict on
// every string, with the rules of the Java-computed cases added.
func TestJDKDifferential(t *testing.T) {
	java, err := exec.LookPath("java")
	if err != nil {
		testenv.Missing(t, "java", "openjdk-17-jdk-headless")
	}
	cases := Generate(*seed, *nRules, *nStrings)
	cases = append(cases, knownRules(t)...)
	for _, p := range probes {
		cases = append(cases, Probe(*seed, p.rule, p.strs, 200))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	type answer struct {
		res []Result
		err error
	}
	jdk := make(chan answer, 1)
	go func() {
		res, err := Run(ctx, java, cases)
		jdk <- answer{res, err}
	}()

	// serialgate's verdicts, computed while the JVM starts and works.
	type ours struct {
		err      error
		verdicts []byte
	}
	got := make([]ours, len(cases))
	for i, c := range cases {
		// The same time per string as Oracle.java gives the JDK: a rule
		// that times out here where Java answered is a disagreement. On a
		// shared machine a match may lose its time to other work, so a
		// string that times out gets a second try with ten times as long.
		p, err := pattern.Compile(c.Rule, pattern.Java, pattern.Options{Timeout: 200 * time.Millisecond})
		if err != nil {
			got[i].err = err
			continue
		}
		var patient *pattern.Pattern
		v := make([]byte, len(c.Strings))
		for j, s := range c.Strings {
			ok, timedOut := p.Match(s)
			if timedOut {
				if patient == nil {
					patient, _ = pattern.Compile(c.Rule, pattern.Java, pattern.Options{Timeout: 2 * time.Second})
				}
				ok, timedOut = patient.Match(s)
			}
			switch {
			case timedOut:
				v[j] = 'T'
			case ok:
				v[j] = '1'
			default:
				v[j] = '0'
			}
		}
		got[i].verdicts = v
	}

	a := <-jdk
	if a.err != nil {
		t.Fatal(a.err)
	}
	var compileDiffs, verdictDiffs, checked, skipped, timeouts int
	shown := 0
	show := func(format string, args ...any) {
		if shown < *verbose {
			t.Errorf(format, args...)
		}
		shown++
	}
	badRules := map[string]int{}
	threw := map[string]string{} // rules on which the JDK's matcher threw
	for i, c := range cases {
		want, g := a.res[i], got[i]
		switch {
		case want.Compiled && g.err != nil:
			compileDiffs++
			show("rule %s: java compiles it, serialgate refuses: %v", quote(c.Rule), g.err)
			continue
		case !want.Compiled && g.err == nil:
			compileDiffs++
			show("rule %s: java refuses it (%s), serialgate compiles it", quote(c.Rule), want.Err)
			continue
		case !want.Compiled:
			continue
		}
		for j, s := range c.Strings {
			w, o := want.Verdicts[j], g.verdicts[j]
			if w == 'X' {
				threw[c.Rule] = s
			}
			if o == 'T' && (w == '0' || w == '1') {
				timeouts++
				show("rule %s string %s: java %v, serialgate timed out", quote(c.Rule), quote(s), w == '1')
				continue
			}
			if w != '0' && w != '1' {
				skipped++
				continue
			}
			checked++
			if w != o {
				verdictDiffs++
				badRules[c.Rule]++
				show("rule %s string %s: java %v, serialgate %v", quote(c.Rule), quote(s), w == '1', o == '1')
			}
		}
	}
	t.Logf("seed %d: %d rules (%d compile in java), %d verdicts checked, %d skipped (java timed out, overflowed its stack or threw), %d timed out here where java answered",
		*seed, len(cases), countCompiled(a.res), checked, skipped, timeouts)
	for r, s := range threw {
		t.Logf("java threw matching %s against %s: no verdict to compare", quote(s), quote(r))
	}
	if compileDiffs+verdictDiffs > 0 {
		var worst []string
		for r := range badRules {
			worst = append(worst, r)
		}
		sort.Slice(worst, func(i, j int) bool { return badRules[worst[i]] > badRules[worst[j]] })
		for _, r := range worst[:min(len(worst), 10)] {
			t.Logf("%5d disagreements on %s", badRules[r], quote(r))
		}
		t.Errorf("%d disagreements: %d on compiling, %d verdicts over %d rules (go test ./internal/javadiff -run JDK -javadiff.seed %d -javadiff.rules %d -javadiff.strings %d)",
			compileDiffs+verdictDiffs, compileDiffs, verdictDiffs, len(badRules), *seed, *nRules, *nStrings)
	}
}

// probes are rules where serialgate and the JDK once disagreed, or could:
// each runs with its strings and mutations of them.
var probes = []struct {
	rule string
	strs []string
}{
	{`\b\w+\b`, []string{"e\u0301", "a\u0301b", "1\u0308", "\u0301a"}},
	{`a\b\u0301`, []string{"a\u0301", "-\u0301"}},
	{`(?U)\w+\b.*`, []string{"é\u0301 x", "_\u0301"}},
	{`(?i)\p{Lu}\p{Ll}\p{Lt}`, []string{"aBc", "ABǅ", "abc"}},
	{`(?i)\p{javaLowerCase}\p{IsLowercase}\p{javaUpperCase}\p{IsTitlecase}`, []string{"aAaǅ", "AaAA"}},
	{`(?iu)[a-z]+`, []string{"ſK", "abc", "ı"}},
	{`(?iu)[^a-z]+`, []string{"ſK", "1", "ı"}},
	{`(?i)[a-z]+`, []string{"ſK", "abc"}},
	{`(?iu)ß|ẞ|(?iu:[ß])|(?iu:[ẞ])`, []string{"ß", "ẞ", "ss"}},
	{`(?iu)[ϐϑϕµΩ]{5}`, []string{"βθφμω", "ΒΘΦΜΩ", "ϐϑϕµΩ"}},
	{`(?iu)(?:β|θ|φ|µ|Ω|ω|k|s)+`, []string{"ϐϑϕµΩKſ"}},
	{`(?i)(\w+)-\1`, []string{"ab-AB", "é-É", "k-K"}},
	{`(?iu)(\w+)-\1`, []string{"ab-AB", "é-É", "k-K", "ſ-S"}},
	{`(?iu)([a-zß]{1,2})\1`, []string{"aA", "ßẞ", "kK"}},
	{`\p{IsAssigned}+|\p{Cn}+`, []string{"a\u0870", "\u0870", "\U0001FAE0", "\u0378"}},
	{`(?U)\p{Graph}+|\p{Print}+`, []string{"a\u0870", "\U0001FAE0"}},
	{`\p{javaDefined}\P{Cn}\p{L}`, []string{"\u0870\u0870\u0870", "aaa"}},
	{`[a-c&&]x|[^a-c&&]y`, []string{"ax", "dy", "ay"}},
	{`(?<=\d+)x|\d+x`, []string{"12x", "x"}},
	{`\d{2}{3}|a*{2}b`, []string{"12", "123456", "aab"}},
	{`\p{javaMirrored}\p{IsLatn}\p{InGreek}\p{blk=Greek}`, []string{"(aαβ", ")zΩω"}},
	{`\X\X`, []string{"e\u0301a", "ab", "\r\na"}},
	{`.(?<=\p{So})x|.(?<=[😀])x|..(?<=.b)`, []string{"😀x", "✓x", "😀b"}},
	{`ab(?<=ab*)|cd(?<=c*d*)|x(?<=\w+\w)y|.*(?<=a-b+)c|.*(?<!a-b+)c|.(?<=(?:ab){0,1}+)`, []string{"ab", "cd", "xy", "a-bc", "a-bbc", "-bc", "bc", "c", "b"}},
	{`(?<=a{1,})b|(?<=(?:a)*)c|(?<=(a)*?)d`, []string{"ab", "c", "d"}},
	{`\Qab\E+|\Q1\E{2}`, []string{"abb", "11", "abab"}},
	{`(?x) a [ b ] \# c`, []string{"ab#c", "a b # c"}},
	{`\X|\X\X`, []string{"😀\u200d😀", "🇺🇸🇦", "\u1100\u1161\u11a8", "\u0600a", "😀\u0903\u200d😀"}},
	{`\R\n|(\R){1}\nx|\R{1}\ny`, []string{"\r\n", "\r\nx", "\n\nx", "\r\ny"}},
	{`(?i)(a\x{10400})\1.*|(?iu)(\x{10428})\2\x{10400}`, []string{"a𐐀a𐐀bc", "a𐐀A𐐀a", "𐐨𐐀𐐀"}},
	{`(?:(a)?+x|\1b)|K(?:(-a)?+φ|\2ε)`, []string{"ab", "K-aε"}},
}

func countCompiled(res []Result) int {
	n := 0
	for _, r := range res {
		if r.Compiled {
			n++
		}
	}
	return n
}

// quote escapes s so that every character is visible: non-ASCII as \u.
func quote(s string) string { return fmt.Sprintf("%+q", s) }

// knownRules are the rules of the Java-computed cases, in the repository
// and in the shared sample set when present, each with its serials.
func knownRules(t *testing.T) []Case {
	set, known := javacases.Load(t)
	byModel := map[string][]string{}
	for _, c := range known {
		byModel[c.Model] = append(byModel[c.Model], c.Serial)
	}
	var out []Case
	seen := map[string]bool{}
	add := func(s *rules.Set) {
		for _, m := range s.Models() {
			if m.Serial.Dialect != pattern.Java && m.Serial.Dialect != "" {
				continue
			}
			key := m.Serial.Regex + "\x00" + strings.Join(byModel[m.Model], "\x00")
			if seen[key] {
				continue
			}
			seen[key] = true
			strs := byModel[m.Model]
			for _, e := range append(m.Valid, m.Invalid...) {
				strs = append(strs, e.Text)
			}
			out = append(out, Case{Rule: m.Serial.Regex, Strings: strs})
		}
	}
	add(set)
	shared := filepath.Join(javacases.Dir(), "..", "..", "..", "shared", "testdata", "rules")
	if _, err := os.Stat(filepath.Join(shared, "java-dev.yaml")); err == nil {
		s, err := rules.Load(os.DirFS(shared), "java-dev.yaml")
		if err != nil {
			t.Fatal(err)
		}
		add(s)
	}
	return out
}
