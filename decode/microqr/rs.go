package microqr

// Reed–Solomon error correction over GF(256) with the field polynomial
// x^8+x^4+x^3+x^2+1 (0x11d) and generator roots α^0 … α^(n-1), as QR Code
// and Micro QR use it. Codeword 0 is the coefficient of the highest power.

// field holds GF(256)'s exponent and logarithm tables.
type field struct {
	exp [512]byte
	log [256]byte
}

func newField() *field {
	f := new(field)
	x := 1
	for i := range 255 {
		f.exp[i] = byte(x)
		f.log[x] = byte(i)
		x <<= 1
		if x&0x100 != 0 {
			x ^= 0x11d
		}
	}
	for i := 255; i < 512; i++ {
		f.exp[i] = f.exp[i-255]
	}
	return f
}

func (f *field) mul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return f.exp[int(f.log[a])+int(f.log[b])]
}

func (f *field) div(a, b byte) byte {
	if a == 0 {
		return 0
	}
	return f.exp[int(f.log[a])+255-int(f.log[b])]
}

// pow returns α^e for any e ≥ 0.
func (f *field) pow(e int) byte { return f.exp[e%255] }

// evalLow evaluates the polynomial p, lowest coefficient first, at x.
func (f *field) evalLow(p []byte, x byte) byte {
	var y byte
	for i := len(p) - 1; i >= 0; i-- {
		y = f.mul(y, x) ^ p[i]
	}
	return y
}

// correct repairs up to maxErrors wrong codewords of block, whose last
// ecLen codewords are the check codewords, in place. It reports how many it
// repaired, or ok false when the block has more errors than that (or the
// errors fall outside the block), leaving block as it was.
func (f *field) correct(block []byte, ecLen, maxErrors int) (fixed int, ok bool) {
	n := len(block)
	synd := make([]byte, ecLen)
	clean := true
	for i := range ecLen {
		x := f.pow(i)
		var s byte
		for _, c := range block {
			s = f.mul(s, x) ^ c
		}
		synd[i] = s
		clean = clean && s == 0
	}
	if clean {
		return 0, true
	}
	if maxErrors <= 0 {
		return 0, false
	}
	// Berlekamp–Massey: the error locator Λ, lowest coefficient first.
	lambda := []byte{1}
	prev := []byte{1}
	l, m := 0, 1
	var b byte = 1
	for k := range ecLen {
		d := synd[k]
		for i := 1; i <= l && i < len(lambda); i++ {
			d ^= f.mul(lambda[i], synd[k-i])
		}
		if d == 0 {
			m++
			continue
		}
		coef := f.div(d, b)
		next := make([]byte, max(len(lambda), len(prev)+m))
		copy(next, lambda)
		for i, p := range prev {
			next[i+m] ^= f.mul(coef, p)
		}
		if 2*l <= k {
			prev, l, b, m = lambda, k+1-l, d, 1
		} else {
			m++
		}
		lambda = next
	}
	for len(lambda) > 1 && lambda[len(lambda)-1] == 0 {
		lambda = lambda[:len(lambda)-1]
	}
	if l > maxErrors || len(lambda)-1 != l {
		return 0, false
	}
	// Chien search over the block's positions: the codeword at index j is
	// the coefficient of x^(n-1-j), its locator X = α^(n-1-j).
	var where []int
	for j := range n {
		inv := f.pow(255 - (n-1-j)%255)
		if f.evalLow(lambda, inv) == 0 {
			where = append(where, j)
		}
	}
	if len(where) != l {
		return 0, false
	}
	// Forney, for first root α^0: e = X·Ω(X⁻¹)/Λ'(X⁻¹), Ω = S·Λ mod x^ecLen.
	omega := make([]byte, ecLen)
	for i := range ecLen {
		for k := 0; k <= i && k < len(lambda); k++ {
			omega[i] ^= f.mul(lambda[k], synd[i-k])
		}
	}
	deriv := make([]byte, len(lambda))
	for i := 1; i < len(lambda); i += 2 {
		deriv[i-1] = lambda[i]
	}
	fixes := make([]byte, len(where))
	for i, j := range where {
		x := f.pow(n - 1 - j)
		inv := f.pow(255 - (n-1-j)%255)
		den := f.evalLow(deriv, inv)
		if den == 0 {
			return 0, false
		}
		fixes[i] = f.mul(x, f.div(f.evalLow(omega, inv), den))
	}
	for i, j := range where {
		block[j] ^= fixes[i]
	}
	return len(where), true
}
