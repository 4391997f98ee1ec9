package pdf417

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// checkCodewords computes the k check codewords of data the way an encoder
// does: the remainder of d(x)·x^k divided by the generator ∏(x − 3^j),
// negated, highest power first.
func checkCodewords(data []int, k int) []int {
	g := []int{1} // g[i]: coefficient of x^(len(g)-1-i), highest first
	for j := 1; j <= k; j++ {
		root := int(gf().exp[j])
		next := make([]int, len(g)+1)
		for i, c := range g {
			next[i] = (next[i] + c) % prime
			next[i+1] = sub(next[i+1], gf().mul(c, root))
		}
		g = next
	}
	rem := make([]int, k)
	for _, d := range data {
		lead := (d + rem[0]) % prime
		copy(rem, rem[1:])
		rem[k-1] = 0
		for i := range k {
			rem[i] = sub(rem[i], gf().mul(lead, g[i+1]))
		}
	}
	out := make([]int, k)
	for i, r := range rem {
		out[i] = sub(0, r)
	}
	return out
}

func TestFieldTables(t *testing.T) {
	seen := map[int]bool{}
	for i := range prime - 1 {
		v := int(gf().exp[i])
		if seen[v] || v == 0 {
			t.Fatalf("3^%d = %d repeats: 3 is not primitive", i, v)
		}
		seen[v] = true
		if int(gf().log[v]) != i {
			t.Fatalf("log(%d) = %d, want %d", v, gf().log[v], i)
		}
	}
	for a := 1; a < prime; a += 37 {
		if gf().mul(a, gf().inv(a)) != 1 {
			t.Fatalf("%d · inv = %d", a, gf().mul(a, gf().inv(a)))
		}
	}
}

// TestCheckCodewordsSpec compares the check codewords with the worked
// example of ISO/IEC 15438 Annex: data 5, 453, 178, 121, 239 at level 1
// (four check codewords).
func TestCheckCodewordsSpec(t *testing.T) {
	data := []int{5, 453, 178, 121, 239}
	got := checkCodewords(data, 4)
	want := []int{452, 327, 657, 619}
	if !slices.Equal(got, want) {
		t.Fatalf("check codewords %v, want %v", got, want)
	}
}

func TestCorrect(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for level := range 9 {
		k := 2 << level
		for trial := range 60 {
			n := k + 1 + rng.IntN(min(928-k, 200))
			data := make([]int, n-k)
			for i := range data {
				data[i] = rng.IntN(900)
			}
			cw := append(append([]int(nil), data...), checkCodewords(data, k)...)
			// Errors and erasures within the capacity e + 2t <= k-2 are
			// corrected; beyond it, at most 2 beyond, the result is
			// refused or right, never a different codeword.
			budget := k - 2 + rng.IntN(3)
			erase := rng.IntN(budget + 1)
			errs := (budget - erase) / 2
			bad := append([]int(nil), cw...)
			pos := rng.Perm(n)[:min(n, erase+errs)]
			var erasures []int
			for i, p := range pos {
				bad[p] = (bad[p] + 1 + rng.IntN(prime-1)) % prime
				if i < erase {
					erasures = append(erasures, p)
				}
			}
			within := erase+2*errs <= k-2
			got := append([]int(nil), bad...)
			_, err := correct(got, k, erasures)
			switch {
			case within && err != nil:
				t.Fatalf("level %d trial %d: %d erasures %d errors in %d: %v", level, trial, erase, errs, n, err)
			case err == nil && !slices.Equal(got, cw):
				t.Fatalf("level %d trial %d: %d erasures %d errors: miscorrected", level, trial, erase, errs)
			case err != nil && !slices.Equal(got, bad):
				t.Fatalf("level %d trial %d: a refused correction changed the codewords", level, trial)
			}
		}
	}
}

// TestCorrectBeyond corrupts many more codewords than the check codewords
// can correct: every attempt is refused (a random word almost never lies
// within reach of another codeword).
func TestCorrectBeyond(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		k := 2 << (trial % 6)
		n := k + 10 + rng.IntN(50)
		data := make([]int, n-k)
		for i := range data {
			data[i] = rng.IntN(900)
		}
		cw := append(append([]int(nil), data...), checkCodewords(data, k)...)
		for _, p := range rng.Perm(n)[:k] {
			cw[p] = (cw[p] + 1 + rng.IntN(prime-1)) % prime
		}
		if _, err := correct(cw, k, nil); err == nil {
			t.Fatalf("trial %d: %d errors with %d check codewords were 'corrected'", trial, k, k)
		}
	}
}

func TestCorrectBadInput(t *testing.T) {
	if _, err := correct([]int{1, 2, 3, 929}, 2, nil); err == nil {
		t.Error("a codeword of 929 was taken")
	}
	if _, err := correct([]int{1, 2}, 2, nil); err == nil {
		t.Error("no data codewords was taken")
	}
	if _, err := correct([]int{1, 2, 3, 4, 5, 6}, 4, []int{9}); err == nil {
		t.Error("an erasure out of range was taken")
	}
}

// TestCorrectErasedZeros: codewords read as a few zeros among erasures,
// which stand as 0, have syndromes of 0; more erasures than the check
// codewords can take still fail.
func TestCorrectErasedZeros(t *testing.T) {
	cw := make([]int, 17)
	var erasures []int
	for i := 1; i < len(cw); i++ {
		erasures = append(erasures, i)
	}
	if _, err := correct(cw, 7, erasures); err == nil {
		t.Error("16 of 17 codewords erased, 7 check codewords: corrected")
	}
}
