package pdf417

import (
	"errors"
	"sync"
)

// PDF417's error correction is Reed–Solomon over the prime field GF(929),
// with 3 as the primitive element: a symbol of error-correction level s
// has k = 2^(s+1) check codewords, and the generator polynomial has the
// roots 3^1 … 3^k, so every codeword polynomial c(x) (data codewords as the
// high coefficients, check codewords as the low ones) has c(3^j) = 0.

const prime = 929

// field holds the powers of 3 and their logarithms modulo 929.
type field struct {
	exp [2 * prime]uint16 // exp[i] = 3^i, twice over so that sums of logs need no reduction
	log [prime]uint16
}

// gf is built on first use: a process that reads no PDF417 does not
// build it as it starts.
var gf = sync.OnceValue(newField)

func newField() *field {
	f := &field{}
	v := 1
	for i := range 2 * prime {
		f.exp[i] = uint16(v)
		if i < prime-1 {
			f.log[v] = uint16(i)
		}
		v = v * 3 % prime
	}
	return f
}

func (f *field) mul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	return int(f.exp[int(f.log[a])+int(f.log[b])])
}

func (f *field) inv(a int) int { return int(f.exp[prime-1-int(f.log[a])]) }

func sub(a, b int) int { return (a - b + prime) % prime }

// eval evaluates the polynomial p (p[i] is the coefficient of x^i) at x.
func (f *field) eval(p []int, x int) int {
	v := 0
	for i := len(p) - 1; i >= 0; i-- {
		v = (f.mul(v, x) + p[i]) % prime
	}
	return v
}

var (
	errTooManyErrors = errors.New("pdf417: too many errors to correct")
	errBadCodeword   = errors.New("pdf417: codeword out of range")
)

// correct corrects codewords in place: the last k are the check codewords,
// and erasures lists the indexes of codewords that could not be read.
// It returns how many codewords it changed. It corrects e erasures and t
// errors while e + 2t <= k - 2, keeping two check codewords in reserve for
// detecting a miscorrection, as ISO/IEC 15438 advises; beyond that it
// returns errTooManyErrors and leaves codewords as they were.
func correct(codewords []int, k int, erasures []int) (int, error) {
	f := gf()
	n := len(codewords)
	if k < 2 || k >= n {
		return 0, errTooManyErrors
	}
	for _, c := range codewords {
		if c < 0 || c >= prime {
			return 0, errBadCodeword
		}
	}
	// Index i holds the coefficient of x^(n-1-i).
	syn := make([]int, k) // syn[j] = c(3^(j+1))
	clean := true
	for j := range syn {
		x := int(f.exp[j+1])
		v := 0
		for _, c := range codewords {
			v = (f.mul(v, x) + c) % prime
		}
		syn[j] = v
		clean = clean && v == 0
	}
	// Too many erasures fail even when the syndromes are 0: erased
	// codewords stand as 0, and a symbol read as a few zeros is a codeword.
	if len(erasures) > k-2 {
		return 0, errTooManyErrors
	}
	if clean {
		return 0, nil
	}
	// The erasure locator: the product of (1 - X x) over the erased
	// positions, X = 3^(power of x at that position).
	seen := map[int]bool{}
	gamma := []int{1}
	for _, e := range erasures {
		if e < 0 || e >= n || seen[e] {
			return 0, errTooManyErrors
		}
		seen[e] = true
		x := int(f.exp[n-1-e])
		next := make([]int, len(gamma)+1)
		for i, g := range gamma {
			next[i] = (next[i] + g) % prime
			next[i+1] = sub(next[i+1], f.mul(g, x))
		}
		gamma = next
	}
	rho := len(erasures)
	// Berlekamp–Massey started from the erasure locator.
	lambda := append([]int(nil), gamma...)
	b := append([]int(nil), gamma...)
	l := rho
	for r := rho; r < k; r++ {
		d := 0
		for i := 0; i < len(lambda) && i <= r; i++ {
			d = (d + f.mul(lambda[i], syn[r-i])) % prime
		}
		b = append([]int{0}, b...) // x·B
		if d == 0 {
			continue
		}
		next := make([]int, max(len(lambda), len(b)))
		copy(next, lambda)
		for i, v := range b {
			next[i] = sub(next[i], f.mul(d, v))
		}
		if 2*l <= r+rho {
			l = r + 1 + rho - l
			inv := f.inv(d)
			b = make([]int, len(lambda))
			for i, v := range lambda {
				b[i] = f.mul(v, inv)
			}
		}
		lambda = next
	}
	for len(lambda) > 1 && lambda[len(lambda)-1] == 0 {
		lambda = lambda[:len(lambda)-1]
	}
	deg := len(lambda) - 1
	if deg != l || 2*(l-rho)+rho > k-2 {
		return 0, errTooManyErrors
	}
	// Chien search over the codeword's positions.
	var where []int
	for i := range n {
		xinv := int(f.exp[prime-1-(n-1-i)])
		if f.eval(lambda, xinv) == 0 {
			where = append(where, i)
		}
	}
	if len(where) != deg {
		return 0, errTooManyErrors
	}
	// Forney: the error value at X is -Ω(X⁻¹) / Λ'(X⁻¹), where
	// Ω = S·Λ mod x^k and S(x) = Σ syn[j] x^j.
	omega := make([]int, k)
	for i, li := range lambda {
		for j := 0; i+j < k; j++ {
			omega[i+j] = (omega[i+j] + f.mul(li, syn[j])) % prime
		}
	}
	deriv := make([]int, max(deg, 1))
	for i := 1; i <= deg; i++ {
		deriv[i-1] = f.mul(i%prime, lambda[i])
	}
	fixed := append([]int(nil), codewords...)
	for _, i := range where {
		xinv := int(f.exp[prime-1-(n-1-i)])
		den := f.eval(deriv, xinv)
		if den == 0 {
			return 0, errTooManyErrors
		}
		e := sub(0, f.mul(f.eval(omega, xinv), f.inv(den)))
		fixed[i] = sub(fixed[i], e)
	}
	// A correction that leaves a syndrome is no correction.
	for j := range k {
		x := int(f.exp[j+1])
		v := 0
		for _, c := range fixed {
			v = (f.mul(v, x) + c) % prime
		}
		if v != 0 {
			return 0, errTooManyErrors
		}
	}
	changed := 0
	for i := range fixed {
		if fixed[i] != codewords[i] {
			changed++
		}
	}
	copy(codewords, fixed)
	return changed, nil
}
