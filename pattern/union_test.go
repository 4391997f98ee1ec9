package pattern

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestUnionAgrees checks that the combined automata name exactly the
// patterns that match on their own, however the patterns are split into
// groups, over generated patterns and inputs.
func TestUnionAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	var ps []*Pattern
	for len(ps) < 40 {
		src := make([]byte, 40)
		for i := range src {
			src[i] = byte(rng.IntN(256))
		}
		g := &patternGen{src: src}
		p, err := Compile(g.pattern(), Java, Options{})
		if err == nil {
			ps = append(ps, p)
		}
	}
	var inputs []string
	for range 400 {
		inputs = append(inputs, genInput(rng))
	}
	u := NewUnion(ps)
	u.Identify("", nil) // builds the default groups, which each limit then replaces
	for _, limit := range []int{maxGroupStates, 300, 40, 2} {
		u.build(limit)
		t.Logf("limit %d: %d groups, %d patterns outside them", limit, len(u.groups), len(u.slow))
		for _, s := range inputs {
			var want []int
			for i, p := range ps {
				if ok, _ := p.Match(s); ok {
					want = append(want, i)
				}
			}
			if got := u.Identify(s, nil); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("limit %d, %q: Identify = %v, patterns say %v", limit, s, got, want)
			}
		}
	}
	if len(u.slow) == 0 {
		t.Error("a limit of 2 states should leave patterns outside the groups")
	}
}
