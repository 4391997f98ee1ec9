package serials

import (
	"strings"
	"testing"

	"github.com/serialgate/serialgate/internal/benchdata"
	"github.com/serialgate/serialgate/pattern"
)

// benchList is a serial list of 100,000 lines of benchSerials.
func benchList() string {
	serials := benchdata.Serials()
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
	r, _ := pattern.Compile(benchdata.Rule, pattern.Java, pattern.Options{})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		Read(strings.NewReader(data), func(_ int, s []byte) error {
			if r.MatchBytes(s) {
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
	r, _ := pattern.Compile(benchdata.Rule, pattern.Java, pattern.Options{})
	match := r.MatchBytes
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
