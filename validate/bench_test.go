package validate

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/dlclark/regexp2"

	"github.com/serialgate/serialgate/rules"
)

// benchRule is a fixed-layout 16-character rule of the kind manufacturers
// register; benchSerials are valid serials and near-misses for it.
const benchRule = `^[A-Z]{2}\d{2}[A-HJ-NP-Z0-9]{12}$`

func benchSerials() []string {
	rng := rand.New(rand.NewPCG(7, 7))
	const alnum = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
	out := make([]string, 1024)
	for i := range out {
		b := []byte{byte('A' + rng.IntN(26)), byte('A' + rng.IntN(26)), byte('0' + rng.IntN(10)), byte('0' + rng.IntN(10))}
		for range 12 {
			b = append(b, alnum[rng.IntN(len(alnum))])
		}
		if i%4 == 3 { // a near-miss: one wrong character late in the serial
			b[14] = 'I'
		}
		out[i] = string(b)
	}
	return out
}

// BenchmarkMatch measures one check of a 16-character serial against one
// regular rule, on the automaton and on the engines it replaces.
func BenchmarkMatch(b *testing.B) {
	serials := benchSerials()
	r, err := CompileRule(benchRule, rules.Java, Options{})
	if err != nil || r.Engine != EngineDFA {
		b.Fatal(err, r.Engine)
	}
	b.Run("engine=dfa", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for i := 0; b.Loop(); i++ {
			if ok, _ := r.Match(serials[i&1023]); ok {
				n++
			}
		}
		_ = n
	})
	b.Run("engine=regexp2", func(b *testing.B) {
		re := regexp2.MustCompile(`\A(?:`+benchRule+`)\z`, regexp2.None)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			re.MatchString(serials[i&1023])
		}
	})
	b.Run("engine=goregexp", func(b *testing.B) {
		re := regexp.MustCompile(`\A(?:` + strings.ReplaceAll(benchRule, `\d`, `[0-9]`) + `)\z`)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			re.MatchString(serials[i&1023])
		}
	})
}

// genRules makes n distinct serial rules in the shapes manufacturers use:
// a model prefix, then fixed-layout or ranged digit and letter fields.
func genRules(n int) *rules.Set {
	rng := rand.New(rand.NewPCG(11, 13))
	var b strings.Builder
	b.WriteString("version: 1\nmanufacturers:\n  - name: Bench\n    models:\n")
	for i := range n {
		prefix := fmt.Sprintf("%c%c%d", 'A'+i%26, 'A'+(i/26)%26, i/676)
		var body string
		switch rng.IntN(4) {
		case 0:
			body = fmt.Sprintf(`\d{%d}`, 6+rng.IntN(8))
		case 1:
			body = fmt.Sprintf(`[A-HJ-NP-Z0-9]{%d}`, 6+rng.IntN(8))
		case 2:
			body = fmt.Sprintf(`-\d{4}-[A-F0-9]{%d}`, 4+rng.IntN(6))
		default:
			body = fmt.Sprintf(`(19|20)\d{2}W(0[1-9]|[1-4]\d|5[0-3])\d{%d}`, 3+rng.IntN(4))
		}
		fmt.Fprintf(&b, "      - model: M%04d\n        serial: {regex: '^%s%s$'}\n", i, prefix, body)
	}
	rs, err := rules.Parse("gen.yaml", []byte(b.String()))
	if err != nil {
		panic(err)
	}
	return rs
}

// BenchmarkIdentify500 measures "which model is this serial?" over 500
// rules, against trying each rule's own automaton in turn.
func BenchmarkIdentify500(b *testing.B) {
	rs := genRules(500)
	s, err := Compile(rs, Options{})
	if err != nil {
		b.Fatal(err)
	}
	serials := make([]string, 0, 256)
	for i := 0; len(serials) < 256; i++ {
		m := s.Models[(i*37)%len(s.Models)]
		serials = append(serials, sampleSerial(m.Serial.Regex, i))
	}
	s.Identify("", nil)
	b.Logf("%d rules in %d automata (%d states in the first)", len(s.Models), len(s.groups), s.groups[0].d.states())
	b.Run("combined", func(b *testing.B) {
		b.ReportAllocs()
		var dst []int
		for i := 0; b.Loop(); i++ {
			dst = s.Identify(serials[i&255], dst[:0])
		}
	})
	b.Run("each-rule", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			for _, m := range s.Models {
				m.Rule.Match(serials[i&255])
			}
		}
	})
}

// sampleSerial writes a serial for one of genRules' patterns.
func sampleSerial(re string, seed int) string {
	re = strings.TrimSuffix(strings.TrimPrefix(re, "^"), "$")
	var out strings.Builder
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	for i := 0; i < len(re); i++ {
		switch {
		case strings.HasPrefix(re[i:], `\d{`):
			var n int
			fmt.Sscanf(re[i+3:], "%d", &n)
			for range n {
				out.WriteByte(byte('0' + rng.IntN(10)))
			}
			i = strings.IndexByte(re[i:], '}') + i
		case strings.HasPrefix(re[i:], `[A-HJ-NP-Z0-9]{`), strings.HasPrefix(re[i:], `[A-F0-9]{`):
			j := strings.IndexByte(re[i:], '{') + i
			var n int
			fmt.Sscanf(re[j+1:], "%d", &n)
			for range n {
				out.WriteByte("ABC123"[rng.IntN(6)])
			}
			i = strings.IndexByte(re[i:], '}') + i
		case strings.HasPrefix(re[i:], `(19|20)\d{2}W(0[1-9]|[1-4]\d|5[0-3])`):
			out.WriteString("2024W17")
			i += len(`(19|20)\d{2}W(0[1-9]|[1-4]\d|5[0-3])`) - 1
		default:
			out.WriteByte(re[i])
		}
	}
	return out.String()
}

func TestSampleSerialsMatch(t *testing.T) {
	s, err := Compile(genRules(60), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range s.Models {
		serial := sampleSerial(m.Serial.Regex, i)
		got := s.Identify(serial, nil)
		if len(got) != 1 || got[0] != i {
			t.Errorf("%s: serial %q identified as %v", m.Serial.Regex, serial, got)
		}
	}
}

// benchList is a serial list of 100,000 lines of benchSerials.
func benchList() string {
	serials := benchSerials()
	var in strings.Builder
	for i := range 100000 {
		in.WriteString(serials[i&1023])
		in.WriteByte('\n')
	}
	return in.String()
}

// BenchmarkValidateList measures reading and checking a serial list end to
// end, as "validate --summary" does, per line.
func BenchmarkValidateList(b *testing.B) {
	data := benchList()
	r, _ := CompileRule(benchRule, rules.Java, Options{})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		ReadList(strings.NewReader(data), func(_ int, s string) error {
			if ok, _ := r.Match(s); ok {
				n++
			}
			return nil
		})
	}
}

// BenchmarkCountLines compares checking a list's lines one by one with the
// one-pass counter that "validate --summary --model" uses, on one core's
// worth of work (the whole list as one chunk).
func BenchmarkCountLines(b *testing.B) {
	data := []byte(benchList())
	r, _ := CompileRule(benchRule, rules.Java, Options{})
	match := func(s string) bool { ok, _ := r.Match(s); return ok }
	count := r.LineCounter()
	for _, c := range []struct {
		name  string
		count func([]byte) (int, int)
	}{
		{"per-line", func(c []byte) (int, int) { return countLines(c, match) }},
		{"one-pass", count},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				c.count(data)
			}
		})
	}
}
