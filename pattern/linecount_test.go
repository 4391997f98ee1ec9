package pattern

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// lineCounterRules are rules for the one-pass counter's tests: ASCII,
// non-ASCII classes, a rule that accepts CR and LF themselves, and one
// that accepts the empty serial.
var lineCounterRules = []struct {
	re      string
	dialect Dialect
}{
	{`^AC2\d{9}$`, Java},
	{`[A-Z]{2}\p{L}+-\d+`, Java},
	{`(?s)A.*B`, Java},
	{`[\s\S]{0,5}`, Java},
	{`(?iu)straße\d*`, Java},
}

// countByLines is the reference the one-pass counter must agree with: the
// input split at each LF, a CR before an LF dropped, a final line without LF
// counted as it stands when it is not empty.
func countByLines(in string, match func(string) bool) (valid, invalid int) {
	if in == "" {
		return 0, 0
	}
	lines := strings.SplitAfter(in, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for _, l := range lines {
		if body, ok := strings.CutSuffix(l, "\n"); ok {
			l = strings.TrimSuffix(body, "\r")
		}
		if match(l) {
			valid++
		} else {
			invalid++
		}
	}
	return valid, invalid
}

// TestLineCounter checks the one-pass counter against checking each line
// on its own, on lines with CRs, LFs, empty lines and bad UTF-8.
func TestLineCounter(t *testing.T) {
	inputs := []string{"", "\n", "\r\n", "AC2000000001", "AC2000000001\r", "AC2000000001\r\n", "\r\r\n",
		"AC2000000001\n\nAC2000000001\r\nAC20000000\r01\nAC2000000001", "ABstraße1\nAC2\xff\nAB\r\rB\r\n",
		"A\rB\nA\r\nB"}
	seeded := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"A", "B", "C", "2", "0", "\r", "\n", "\r\n", "ß", "ſ", "\xff", "-", "K", " "}
	for range 200 {
		var b strings.Builder
		for range seeded.IntN(60) {
			b.WriteString(alphabet[seeded.IntN(len(alphabet))])
		}
		inputs = append(inputs, b.String())
	}
	// Long inputs: lines of every kind between serial-like lines.
	for range 100 {
		var b strings.Builder
		for range seeded.IntN(2000) {
			if seeded.IntN(3) == 0 {
				b.WriteString("AC2000000001\n")
			}
			b.WriteString(alphabet[seeded.IntN(len(alphabet))])
		}
		inputs = append(inputs, b.String())
	}
	check := func(name string, r *Pattern) {
		count := r.LineCounter()
		if count == nil {
			t.Fatalf("%s: no line counter for a %s rule", name, r.Engine)
		}
		match := func(s string) bool { ok, _ := r.Match(s); return ok }
		for _, in := range inputs {
			wantV, wantI := countByLines(in, match)
			v, n := count([]byte(in))
			if v != wantV || n-v != wantI {
				t.Errorf("%s on %q: %d valid of %d, want %d of %d", name, in[:min(len(in), 80)], v, n, wantV, wantV+wantI)
			}
		}
	}
	for _, lr := range lineCounterRules {
		r, err := Compile(lr.re, lr.dialect, Options{})
		if err != nil {
			t.Fatal(err)
		}
		check(lr.re, r)
	}
}

func FuzzLineCounter(f *testing.F) {
	f.Add(0, "AC2000000001\r\nAB\rC\n\nstraße\xff")
	var compiled []*Pattern
	for _, lr := range lineCounterRules {
		r, err := Compile(lr.re, lr.dialect, Options{})
		if err != nil {
			f.Fatal(err)
		}
		compiled = append(compiled, r)
	}
	f.Fuzz(func(t *testing.T, which int, in string) {
		r := compiled[uint(which)%uint(len(compiled))]
		match := func(s string) bool { ok, _ := r.Match(s); return ok }
		wantV, wantI := countByLines(in, match)
		v, n := r.LineCounter()([]byte(in))
		if v != wantV || n-v != wantI {
			t.Fatalf("%d valid of %d, want %d of %d", v, n, wantV, wantV+wantI)
		}
	})
}

// BenchmarkCountLines counts a list of 12-character serial lines, most of
// them valid.
func BenchmarkCountLines(b *testing.B) {
	r, err := Compile(`^AC2\d{9}$`, Java, Options{})
	if err != nil {
		b.Fatal(err)
	}
	seeded := rand.New(rand.NewPCG(3, 4))
	var sb strings.Builder
	for sb.Len() < 1<<20 {
		if seeded.IntN(5) == 0 {
			sb.WriteString("AC3")
		} else {
			sb.WriteString("AC2")
		}
		for range 9 {
			sb.WriteByte(byte('0' + seeded.IntN(10)))
		}
		sb.WriteString("\n")
	}
	chunk := []byte(sb.String())
	b.SetBytes(int64(len(chunk)))
	for b.Loop() {
		r.dfa.countLines(chunk)
	}
}
