package pattern_test

import (
	"strings"
	"testing"

	"github.com/dlclark/regexp2"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/internal/javacases"
	"github.com/serialgate/serialgate/pattern"
)

// javaRules holds the Java-dialect rules with their 6,000 verdicts computed
// TestJavaVerdicts checks every serial whose verdict java.util.regex
// computed, on the compiled rule and on its regexp2 translation.
func TestJavaVerdicts(t *testing.T) {
	set, cases := javacases.Load(t)
	compiled := map[string]*pattern.Pattern{}
	translated := map[string]*regexp2.Regexp{}
	for _, m := range set.Models() {
		r, err := pattern.Compile(m.Serial.Regex, m.Serial.Dialect, pattern.Options{})
		if err != nil {
			t.Fatalf("%s: %v", m.Model, err)
		}
		compiled[m.Model] = r
		translated[m.Model] = regexp2.MustCompile(r.Translated(), regexp2.None)
		t.Logf("%-18s %-8s %5d states  %s", m.Model, r.Engine, r.States(), m.Serial.Regex)
	}
	bad := 0
	for _, c := range cases {
		r := compiled[c.Model]
		if r == nil {
			t.Fatalf("line %d: unknown model %q", c.Line, c.Model)
		}
		got, timedOut := r.Match(c.Serial)
		if timedOut || got != c.Want {
			bad++
			if bad < 30 {
				t.Errorf("line %d: %s %q (%s): got %v, java says %v", c.Line, c.Model, c.Serial, r.Expr, got, c.Want)
			}
		}
		got2, err := translated[c.Model].MatchString(c.Serial)
		if err != nil || got2 != c.Want {
			bad++
			if bad < 30 {
				t.Errorf("line %d: regexp2 translation of %s %q: got %v, java says %v", c.Line, c.Model, c.Serial, got2, c.Want)
			}
		}
		if v := r.Check(c.Serial); v.OK != c.Want || (!v.OK && (v.Reason == serialgate.ReasonNone || v.Message == "")) {
			t.Errorf("line %d: Check(%q) = %+v", c.Line, c.Serial, v)
		}
	}
	if bad > 0 {
		t.Errorf("%d disagreements with java.util.regex", bad)
	}
}

// TestLineCounterJavaRules checks the one-pass counter of every Java rule
// that has one against matching each line on its own, over the 6,000 serials
// written one per line.
func TestLineCounterJavaRules(t *testing.T) {
	set, cases := javacases.Load(t)
	var list strings.Builder
	for _, c := range cases {
		if !strings.Contains(c.Serial, "\n") {
			list.WriteString(c.Serial + "\n")
		}
	}
	lines := strings.Split(strings.TrimSuffix(list.String(), "\n"), "\n")
	counted := 0
	for _, m := range set.Models() {
		r, err := pattern.Compile(m.Serial.Regex, m.Serial.Dialect, pattern.Options{})
		if err != nil {
			t.Fatal(err)
		}
		count := r.LineCounter()
		if count == nil {
			continue
		}
		counted++
		want := 0
		for _, l := range lines {
			if ok, _ := r.Match(strings.TrimSuffix(l, "\r")); ok {
				want++
			}
		}
		if v, n := count([]byte(list.String())); v != want || n != len(lines) {
			t.Errorf("%s: %d valid of %d lines, want %d of %d", m.Model, v, n, want, len(lines))
		}
	}
	if counted == 0 {
		t.Fatal("no Java rule has a line counter")
	}
}
