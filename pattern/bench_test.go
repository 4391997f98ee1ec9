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

// BenchmarkNestedRepeat measures a rule the automaton cannot take, with a
// nested repetition and a backreference, on 20 digits and an X: the
// backtracking matcher's memory of failed states keeps it polynomial
// (the JDK takes most of a second on it).
func BenchmarkNestedRepeat(b *testing.B) {
	r, err := Compile(`^(?:(\d+)+Y|\d+X)\1?$`, Java, Options{})
	if err != nil || r.Engine != EngineBacktrack {
		b.Fatal(err, r.Engine)
	}
	serial := strings.Repeat("7", 20) + "X"
	b.ReportAllocs()
	for b.Loop() {
		if ok, timedOut := r.Match(serial); !ok || timedOut {
			b.Fatal("no match")
		}
	}
}
