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
	for _, limit := range []int{maxGroupStates, 300, 40, 2, -1} {
		u := NewUnion(ps)
		u.limit, u.maxAlone = limit, 0 // combine every bucket
		if limit < 0 {
			// as built: small buckets run one by one, from their keys
			u = NewUnion(ps)
		}
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

// TestIndexDivides: a state's number found by multiplication is the
// quotient a division gives, for every class count and across the 32-bit
// range of scaled states.
func TestIndexDivides(t *testing.T) {
	for n := uint32(1); n <= 1<<12; n++ {
		d := &dfa{ncls: n, inv: inverse(n)}
		for _, st := range []uint32{0, 1, n - 1, n, n + 1, 12345 * n, 1<<31 + 7, ^uint32(0) - n, ^uint32(0)} {
			if got, want := d.index(st), st/n; got != want {
				t.Fatalf("ncls %d: index(%d) = %d, want %d", n, st, got, want)
			}
		}
	}
}

// TestPairWalk: an automaton walked two ASCII bytes a step reaches the
// state a walk byte by byte reaches, whatever the length and wherever a
// character outside ASCII falls.
func TestPairWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	paired := 0
	for n := 0; n < 300; {
		src := make([]byte, 40)
		for i := range src {
			src[i] = byte(rng.IntN(256))
		}
		g := &patternGen{src: src}
		p, err := Compile(g.pattern(), Java, Options{})
		if err != nil || p.Engine != EngineDFA {
			continue
		}
		n++
		d := p.dfa
		if d.pairTable() == nil {
			continue
		}
		paired++
		plain := &dfa{ncls: d.ncls, inv: d.inv, ascii: d.ascii, hiLo: d.hiLo, hiCls: d.hiCls,
			trans: d.trans, start: d.start, final: d.final}
		plain.pairOnce.Do(func() {}) // no pair table: byte by byte
		for range 200 {
			s := genInput(rng)
			if rng.IntN(3) == 0 {
				s += "é" + genInput(rng)
			}
			st1, ok1 := d.end(s)
			st2, ok2 := plain.end(s)
			if ok1 != ok2 || (ok1 && st1 != st2) {
				t.Fatalf("%q on %q: pairs reach %d %v, bytes %d %v", p.Expr, s, st1, ok1, st2, ok2)
			}
		}
	}
	if paired < 100 {
		t.Errorf("only %d of 300 automata have a pair table", paired)
	}
	t.Logf("%d of 300 automata walked by pairs", paired)
}
