package pattern

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestUnionAgrees checks that the union names exactly the patterns that
// match on their own, whatever the state budget of its combined automata,
// over generated patterns and inputs.
func TestUnionAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	var ps []*Pattern
	for len(ps) < 60 {
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
	for _, limit := range []int{maxGroupStates, 300, 40, 2} {
		u := NewUnion(ps)
		u.limit, u.maxAlone = limit, 0 // combine every bucket
		st := u.Stats()
		t.Logf("limit %d: %+v", limit, st)
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
}

// TestUnionSamePrefix checks a bucket of many patterns under one prefix,
// which the union combines, against each pattern alone.
func TestUnionSamePrefix(t *testing.T) {
	var ps []*Pattern
	for i := range 40 {
		expr := fmt.Sprintf(`^SN\d{%d,%d}[0-9X]?$`, 2+i%5, 2+i%5+i%3)
		if i%3 == 0 {
			expr = fmt.Sprintf(`^(?=.*7)SN[0-9A-F]{%d}$`, 1+i%6)
		}
		if i%5 == 0 {
			expr = fmt.Sprintf(`^[A-Z]{%d}\d*$`, 1+i%3)
		}
		p, err := Compile(expr, Java, Options{})
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, limit := range []int{maxGroupStates, 50, 10} {
		u := NewUnion(ps)
		u.limit = limit
		st := u.Stats()
		t.Logf("limit %d: %+v", limit, st)
		if limit == maxGroupStates && st.Groups == 0 {
			t.Errorf("no pattern combined: %+v", st)
		}
		for range 3000 {
			b := []byte("SN")
			if rng.IntN(4) == 0 {
				b = b[:rng.IntN(2)]
			}
			for range rng.IntN(10) {
				b = append(b, "0123456789AFXS7é"[rng.IntN(16)])
			}
			s := string(b)
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
}
