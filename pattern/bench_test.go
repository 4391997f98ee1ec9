package pattern

import (
	"regexp"
	"strings"
	"testing"

	"github.com/dlclark/regexp2"
	"github.com/serialgate/serialgate/internal/benchdata"
)

// BenchmarkMatch measures one check of a 16-character serial against one
// regular rule, on the automaton and on the engines it replaces.
func BenchmarkMatch(b *testing.B) {
	serials := benchdata.Serials()
	r, err := Compile(benchdata.Rule, Java, Options{})
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
		re := regexp2.MustCompile(`\A(?:`+benchdata.Rule+`)\z`, regexp2.None)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			re.MatchString(serials[i&1023])
		}
	})
	b.Run("engine=goregexp", func(b *testing.B) {
		re := regexp.MustCompile(`\A(?:` + strings.ReplaceAll(benchdata.Rule, `\d`, `[0-9]`) + `)\z`)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			re.MatchString(serials[i&1023])
		}
	})
}
