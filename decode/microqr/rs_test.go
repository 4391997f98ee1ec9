package microqr

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// rsEncode appends ec check codewords to data: the remainder of
// data·x^ec divided by ∏(x − α^i), i < ec, written independently of the
// decoder as long division.
func rsEncode(f *field, data []byte, ec int) []byte {
	gen := []byte{1} // highest coefficient first
	for i := range ec {
		next := make([]byte, len(gen)+1)
		for j, g := range gen {
			next[j] ^= g
			next[j+1] ^= f.mul(g, f.pow(i))
		}
		gen = next
	}
	rem := make([]byte, len(data)+ec)
	copy(rem, data)
	for i := range data {
		c := rem[i]
		if c == 0 {
			continue
		}
		for j, g := range gen {
			rem[i+j] ^= f.mul(c, g)
		}
	}
	return append(append([]byte{}, data...), rem[len(data):]...)
}

func TestCorrect(t *testing.T) {
	f := newField()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range symbols {
		for range 200 {
			data := make([]byte, s.data)
			for i := range data {
				data[i] = byte(rng.IntN(256))
			}
			if s.halfLast() {
				data[len(data)-1] &= 0xf0
			}
			block := rsEncode(f, data, s.ec)
			limit := (s.ec - s.protected) / 2
			bad := append([]byte{}, block...)
			nerr := rng.IntN(limit + 1)
			for _, p := range rng.Perm(len(bad))[:nerr] {
				bad[p] ^= byte(1 + rng.IntN(255))
			}
			fixed, ok := f.correct(bad, s.ec, limit)
			if !ok || fixed != nerr || !bytes.Equal(bad, block) {
				t.Fatalf("M%d-%c with %d errors: corrected %d, ok %v, equal %v", s.version, s.level, nerr, fixed, ok, bytes.Equal(bad, block))
			}
		}
	}
	// M1 detects errors only.
	block := rsEncode(f, []byte{0x12, 0x34, 0x50}, 2)
	block[0] ^= 1
	if _, ok := f.correct(block, 2, 0); ok {
		t.Error("M1: a wrong codeword passed")
	}
}

func TestFormat(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for d := range 32 {
		code := bchFormat(d) ^ formatMask
		for errs := 0; errs <= 3; errs++ {
			raw := code
			for _, b := range rng.Perm(15)[:errs] {
				raw ^= 1 << b
			}
			num, mask, wrong, ok := readFormat(raw, 3)
			if !ok || num != d>>2 || mask != d&3 || wrong != errs {
				t.Errorf("format %05b with %d errors: %d %d %d %v", d, errs, num, mask, wrong, ok)
			}
		}
	}
	// The mask keeps every format away from all light.
	for d := range 32 {
		if bchFormat(d)^formatMask == 0 {
			t.Errorf("format %05b masks to all light", d)
		}
	}
}

// FuzzGrid reads any module grid of each size: never a panic.
func FuzzGrid(f *testing.F) {
	f.Add([]byte{0xff, 0x00, 0xaa}, uint8(0))
	f.Fuzz(func(t *testing.T, bits []byte, size uint8) {
		n := 11 + 2*int(size%4)
		g := newGrid(n)
		for i := range n * n {
			if i/8 < len(bits) {
				g[i/n][i%n] = bits[i/8]>>(i%8)&1 == 1
			}
		}
		if d, err := readGrid(g, newField(), 3); err == nil {
			_, _ = symbolOf(d)
		}
	})
}
