package validate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/serialgate/serialgate/pattern"
	"github.com/serialgate/serialgate/rules"
)

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
	s, err := Compile(rs, pattern.Options{})
	if err != nil {
		b.Fatal(err)
	}
	serials := make([]string, 0, 256)
	for i := 0; len(serials) < 256; i++ {
		m := s.Models[(i*37)%len(s.Models)]
		serials = append(serials, sampleSerial(m.Serial.Regex, i))
	}
	s.Identify("", nil)
	automata, alone := s.union.Size()
	b.Logf("%d rules in %d automata, %d checked alone", len(s.Models), automata, alone)
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
				m.Pattern.Match(serials[i&255])
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
	s, err := Compile(genRules(60), pattern.Options{})
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
