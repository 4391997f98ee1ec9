package validate

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/serialgate/serialgate/rules"
)

// lineCounterRules are rules for the one-pass counter's tests: ASCII,
// non-ASCII classes, a rule that accepts CR and LF themselves, and one
// that accepts the empty serial.
var lineCounterRules = []struct {
	re      string
	dialect rules.Dialect
}{
	{`^AC2\d{9}$`, rules.Java},
	{`[A-Z]{2}\p{L}+-\d+`, rules.Java},
	{`(?s)A.*B`, rules.Java},
	{`[\s\S]{0,5}`, rules.Java},
	{`(?iu)straße\d*`, rules.Java},
}

// TestLineCounter checks the one-pass counter against checking each line
// of the list as ReadList splits it, on the java-dev serials (one per line,
// as lists are), and on lines with CRs, LFs, empty lines and bad UTF-8.
func TestLineCounter(t *testing.T) {
	set, cases := loadJavaCases(t)
	var list strings.Builder
	for _, c := range cases {
		if !strings.ContainsAny(c.serial, "\n") {
			list.WriteString(c.serial + "\n")
		}
	}
	inputs := []string{"", "\n", "\r\n", "AC2000000001", "AC2000000001\r", "AC2000000001\r\n", "\r\r\n",
		"AC2000000001\n\nAC2000000001\r\nAC20000000\r01\nAC2000000001", "ABstraße1\nAC2\xff\nAB\r\rB\r\n",
		"A\rB\nA\r\nB", list.String()}
	seeded := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"A", "B", "C", "2", "0", "\r", "\n", "\r\n", "ß", "ſ", "\xff", "-", "K", " "}
	for range 200 {
		var b strings.Builder
		for range seeded.IntN(60) {
			b.WriteString(alphabet[seeded.IntN(len(alphabet))])
		}
		inputs = append(inputs, b.String())
	}
	check := func(name string, r *Rule) {
		count := r.LineCounter()
		if count == nil {
			t.Fatalf("%s: no line counter for a %s rule", name, r.Engine)
		}
		match := func(s string) bool { ok, _ := r.Match(s); return ok }
		for _, in := range inputs {
			wantV, wantI := countByReadList(in, match)
			v, n := count([]byte(in))
			if v != wantV || n-v != wantI {
				t.Errorf("%s on %q: %d valid of %d, want %d of %d", name, in[:min(len(in), 80)], v, n, wantV, wantV+wantI)
			}
		}
	}
	for _, m := range set.Models() {
		r, err := CompileRule(m.Serial.Regex, m.Serial.Dialect, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.LineCounter() != nil {
			check(m.Model, r)
		}
	}
	for _, lr := range lineCounterRules {
		r, err := CompileRule(lr.re, lr.dialect, Options{})
		if err != nil {
			t.Fatal(err)
		}
		check(lr.re, r)
	}
}

func FuzzLineCounter(f *testing.F) {
	f.Add(0, "AC2000000001\r\nAB\rC\n\nstraße\xff")
	var compiled []*Rule
	for _, lr := range lineCounterRules {
		r, err := CompileRule(lr.re, lr.dialect, Options{})
		if err != nil {
			f.Fatal(err)
		}
		compiled = append(compiled, r)
	}
	f.Fuzz(func(t *testing.T, which int, in string) {
		r := compiled[uint(which)%uint(len(compiled))]
		match := func(s string) bool { ok, _ := r.Match(s); return ok }
		wantV, wantI := countByReadList(in, match)
		v, n := r.LineCounter()([]byte(in))
		if v != wantV || n-v != wantI {
			t.Fatalf("%d valid of %d, want %d of %d", v, n, wantV, wantV+wantI)
		}
	})
}
