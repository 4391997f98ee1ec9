package lumapng

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	adler32pkg "hash/adler32"
	"io"
	"math/rand/v2"
	"testing"
)

// inflateAll inflates a whole zlib stream through the window, as the row
// reader does, checking the Adler-32 and that nothing follows the stream.
func inflateAll(in []byte, bufLen int) ([]byte, error) {
	f, err := newInflater(in, bufLen)
	if err != nil {
		return nil, err
	}
	var out []byte
	limit := len(f.out) - slack
	for !f.done() {
		f.slide(f.n)
		if err := f.fill(limit); err != nil {
			return nil, err
		}
		// Everything before n is final; keep what slide will drop.
		out = append(out, f.out[len(out)-int(f.base):f.n]...)
	}
	if got, want := adler32pkg.Checksum(out), f.adler(); got != want {
		return nil, errAt(f.end-4, "adler-32 %08x, want %08x", want, got)
	}
	if f.end != len(in) {
		return nil, errAt(f.end, "%d bytes after the stream", len(in)-f.end)
	}
	return out, nil
}

func zlibBytes(tb testing.TB, data []byte, level int) []byte {
	var b bytes.Buffer
	w, err := zlib.NewWriterLevel(&b, level)
	if err != nil {
		tb.Fatal(err)
	}
	w.Write(data)
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// sampleData is a mix the compressor finds every kind of code in: random
// bytes (literals, stored blocks at level 0 or when incompressible), runs
// (distance 1), short repeats, and copies from up to 32 KiB back.
func sampleData(rng *rand.Rand, n int) []byte {
	out := make([]byte, 0, n)
	for len(out) < n {
		switch rng.IntN(5) {
		case 0:
			for range rng.IntN(300) {
				out = append(out, byte(rng.IntN(256)))
			}
		case 1:
			b := byte(rng.IntN(256))
			for range rng.IntN(600) {
				out = append(out, b)
			}
		case 2:
			if len(out) > 8 {
				d := 1 + rng.IntN(min(len(out), 7))
				for range rng.IntN(100) {
					out = append(out, out[len(out)-d])
				}
			}
		default:
			if len(out) > 0 {
				d := 1 + rng.IntN(min(len(out), 32768))
				for range 3 + rng.IntN(400) {
					out = append(out, out[len(out)-d])
				}
			}
		}
	}
	return out[:n]
}

// TestInflateRoundTrip inflates compress/zlib's streams at every level,
// through windows of several sizes.
func TestInflateRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, n := range []int{0, 1, 2, 100, 5000, 70000, 300000} {
		data := sampleData(rng, n)
		for level := flate.HuffmanOnly; level <= flate.BestCompression; level++ {
			z := zlibBytes(t, data, level)
			for _, bufLen := range []int{windowSize + slack + 1, windowSize + slack + 1000, 1 << 20} {
				got, err := inflateAll(z, bufLen)
				if err != nil {
					t.Fatalf("%d bytes, level %d, window %d: %v", n, level, bufLen, err)
				}
				if !bytes.Equal(got, data) {
					t.Fatalf("%d bytes, level %d, window %d: output differs", n, level, bufLen)
				}
			}
		}
	}
}

// handStream builds a zlib stream from a bit writer, for block kinds
// compress/flate never writes the way a test wants.
type bitWriter struct {
	out   []byte
	acc   uint64
	nbits uint
}

func (w *bitWriter) bits(v uint64, n uint) {
	w.acc |= v << w.nbits
	w.nbits += n
	for w.nbits >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nbits -= 8
	}
}

// code writes a Huffman code of n bits, first bit first.
func (w *bitWriter) code(c uint64, n uint) { w.bits(uint64(reverse(int(c), int(n))), n) }

func (w *bitWriter) flush() {
	if w.nbits > 0 {
		w.bits(0, 8-w.nbits)
	}
}

func zlibWrap(deflate, data []byte) []byte {
	out := append([]byte{0x78, 0x9c}, deflate...)
	s := adler32pkg.Checksum(data)
	return append(out, byte(s>>24), byte(s>>16), byte(s>>8), byte(s))
}

// fixedLit writes literal/length symbol sym in the fixed code.
func (w *bitWriter) fixedLit(sym int) {
	switch {
	case sym < 144:
		w.code(uint64(0x30+sym), 8)
	case sym < 256:
		w.code(uint64(0x190+sym-144), 9)
	case sym < 280:
		w.code(uint64(sym-256), 7)
	default:
		w.code(uint64(0xc0+sym-280), 8)
	}
}

// TestInflateHandMade covers fixed Huffman blocks with the longest
// distance, stored blocks of every length boundary, and the streams
// compress/flate refuses.
func TestInflateHandMade(t *testing.T) {
	// A fixed block: 'a', then a match of length 258 (symbol 285) at
	// distance 1, a stored block of 0 bytes, a stored block of 3 bytes.
	var w bitWriter
	w.bits(0b010, 3) // not final, fixed
	w.fixedLit('a')
	w.fixedLit(285)
	w.code(0, 5) // distance code 0: distance 1
	w.fixedLit(256)
	w.bits(0b000, 3) // stored
	w.flush()
	w.out = append(w.out, 0, 0, 0xff, 0xff)
	w.bits(0b001, 3) // final stored
	w.flush()
	w.out = append(w.out, 3, 0, 0xfc, 0xff, 'x', 'y', 'z')
	want := append(bytes.Repeat([]byte{'a'}, 259), 'x', 'y', 'z')
	got, err := inflateAll(zlibWrap(w.out, want), 1<<16)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("fixed and stored blocks: %v, %q", err, got)
	}

	// Distance 32768 in a fixed block, after 32768 bytes of a stored block.
	prefix := make([]byte, 32768)
	for i := range prefix {
		prefix[i] = byte(i * 7)
	}
	w = bitWriter{}
	w.bits(0b000, 3)
	w.flush()
	w.out = append(w.out, 0, 0x80, 0xff, 0x7f)
	w.out = append(w.out, prefix...)
	w.bits(0b011, 3) // final, fixed
	w.fixedLit(257)  // length 3
	w.code(29, 5)    // distance code 29: 24577 + 13 bits
	w.bits(32768-24577, 13)
	w.fixedLit(256)
	w.flush()
	want = append(append([]byte(nil), prefix...), prefix[:3]...)
	got, err = inflateAll(zlibWrap(w.out, want), windowSize+slack+1)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("distance 32768: %v", err)
	}

	bad := map[string][]byte{}
	// A distance past the start of the output.
	w = bitWriter{}
	w.bits(0b011, 3)
	w.fixedLit('a')
	w.fixedLit(257)
	w.code(1, 5) // distance 2, one byte written
	w.fixedLit(256)
	w.flush()
	bad["distance too far"] = zlibWrap(w.out, nil)
	// Literal/length symbol 286 and distance symbol 30 of the fixed code.
	w = bitWriter{}
	w.bits(0b011, 3)
	w.fixedLit(286)
	w.flush()
	bad["symbol 286"] = zlibWrap(append(w.out, 0, 0), nil)
	w = bitWriter{}
	w.bits(0b011, 3)
	w.fixedLit('a')
	w.fixedLit(257)
	w.code(30, 5)
	w.flush()
	bad["distance symbol 30"] = zlibWrap(append(w.out, 0, 0), nil)
	// Block type 3.
	w = bitWriter{}
	w.bits(0b111, 3)
	w.flush()
	bad["block type 3"] = zlibWrap(append(w.out, 0, 0), nil)
	// A stored block whose length's complement is wrong.
	bad["stored complement"] = zlibWrap([]byte{1, 3, 0, 0xfc, 0xfe, 'x', 'y', 'z'}, []byte("xyz"))
	// A dynamic block whose literal/length code lengths are all zero.
	w = bitWriter{}
	w.bits(0b101, 3)
	w.bits(0, 5)        // 257 literal/length codes
	w.bits(0, 5)        // 1 distance code
	w.bits(14, 4)       // 18 code length codes (up to "1" in the order)
	for i := range 18 { // lengths in clenOrder: 16,17,18,0,8,...,2(index 15),14,1
		l := uint64(0)
		switch clenOrder[i] {
		case 18, 2, 0:
			l = 2
		case 1:
			l = 2
		}
		w.bits(l, 3)
	}
	w.flush()
	bad["empty literal/length code"] = zlibWrap(append(w.out, 0, 0, 0, 0, 0, 0), nil)
	// A zlib header asking for a preset dictionary, one with a bad check,
	// one of another method.
	bad["dictionary"] = []byte{0x78, 0xbb, 0, 0, 0, 1, 3, 0}
	bad["header check"] = []byte{0x78, 0x9d, 3, 0, 0, 0, 0, 1}
	bad["method"] = []byte{0x79, 0x9c ^ 0x1f, 3, 0, 0, 0, 0, 1}
	bad["wrong adler"] = zlibWrap([]byte{3, 0}, []byte("x"))
	bad["trailing byte"] = append(zlibBytes(t, []byte("abc"), 6), 0)
	for name, z := range bad {
		_, err := inflateAll(z, 1<<16)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: error %v, want an *Error", name, err)
			continue
		}
		if _, ferr := io.ReadAll(flateReader(z)); ferr == nil && name != "trailing byte" {
			t.Errorf("%s: compress/zlib accepts the stream; lumapng: %v", name, err)
		}
	}
}

// TestBuildCompleteness: a code must fill its code space, as compress/flate
// wants, except a lone one-bit code (zlib writes one for a single
// distance); an empty code builds, failing only when used.
func TestBuildCompleteness(t *testing.T) {
	for _, c := range []struct {
		lengths []uint8
		ok      bool
	}{
		{nil, true}, {[]uint8{0, 0}, true}, {[]uint8{1}, true}, {[]uint8{0, 1}, true},
		{[]uint8{1, 1}, true}, {[]uint8{2, 1, 2}, true}, {[]uint8{2}, false}, {[]uint8{2, 2}, false},
		{[]uint8{1, 1, 1}, false}, {[]uint8{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 15}, true},
		{[]uint8{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, false},
	} {
		var h huffTable
		if got := h.build(c.lengths, litBits, litPayloads[:]); got != c.ok {
			t.Errorf("lengths %v: build %v, want %v", c.lengths, got, c.ok)
		}
	}
	// The 15-bit code decodes through a subtable.
	var h huffTable
	h.build([]uint8{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 15}, litBits, litPayloads[:])
	var w bitWriter
	w.code(0x7fff, 15) // the last symbol's code: fifteen ones
	w.bits(0, 17)
	bits := uint64(w.out[0]) | uint64(w.out[1])<<8
	e := h.t[bits&h.mask]
	if e&kindMask != kLink {
		t.Fatalf("entry %#x, want a link", e)
	}
	e = h.t[(e>>16)+uint32(bits>>litBits)&(1<<(e>>8&15)-1)]
	if e&31 != 15 || e>>16 != 15 {
		t.Fatalf("entry %#x, want symbol 15 of 15 bits", e)
	}
}

func flateReader(z []byte) io.Reader {
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		return iotestErr{err}
	}
	return r
}

type iotestErr struct{ err error }

func (e iotestErr) Read([]byte) (int, error) { return 0, e.err }

// TestInflateTruncated cuts a stream at every length and flips bits
// through it: every cut fails with an error (never a panic), and every
// corruption either fails or, like compress/zlib, gives the same data.
func TestInflateTruncated(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	data := sampleData(rng, 20000)
	for _, level := range []int{0, 1, 6, 9, -2} {
		z := zlibBytes(t, data, level)
		for n := range len(z) {
			if _, err := inflateAll(z[:n], windowSize+slack+1); err == nil {
				t.Fatalf("level %d cut at %d of %d: no error", level, n, len(z))
			}
		}
		for range 2000 {
			c := append([]byte(nil), z...)
			c[rng.IntN(len(c))] ^= 1 << rng.IntN(8)
			got, err := inflateAll(c, windowSize+slack+1)
			want, ferr := io.ReadAll(flateReader(c))
			if (err == nil) != (ferr == nil) || err == nil && !bytes.Equal(got, want) {
				t.Fatalf("level %d corrupt: lumapng %v, compress/zlib %v", level, err, ferr)
			}
		}
	}
}

// BenchmarkInflate compares the inflater with compress/zlib on the
// filtered rows of a noisy RGB photo at the default level.
func BenchmarkInflate(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	data := make([]byte, 3*1920*1080)
	for i := range data {
		data[i] = byte(128 + rng.NormFloat64()*6 + float64(i%5760)/100)
	}
	z := zlibBytes(b, data, -1)
	b.Run("lumapng", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			f, _ := newInflater(z, windowSize+1<<16+slack)
			for !f.done() {
				f.slide(f.n)
				if err := f.fill(len(f.out) - slack); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("compress-zlib", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		buf := make([]byte, 1<<16)
		for b.Loop() {
			r, _ := zlib.NewReader(bytes.NewReader(z))
			for {
				if _, err := r.Read(buf); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// TestAdler32 holds adler32 to hash/adler32 at every length around its
// group and block sizes, on bytes of 0xff (the largest sums).
func TestAdler32(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, n := range []int{0, 1, 7, 8, 9, 63, 5552, 5553, 1 << 20, 1<<20 + 9, 3 << 20} {
		for _, fill := range []func() byte{func() byte { return 0xff }, func() byte { return byte(rng.IntN(256)) }} {
			p := make([]byte, n)
			for i := range p {
				p[i] = fill()
			}
			if got, want := adler32(1, p), adler32pkg.Checksum(p); got != want {
				t.Fatalf("%d bytes: %08x, want %08x", n, got, want)
			}
			// In two pieces, as rows arrive.
			k := n / 3
			if got, want := adler32(adler32(1, p[:k]), p[k:]), adler32pkg.Checksum(p); got != want {
				t.Fatalf("%d bytes in two: %08x, want %08x", n, got, want)
			}
		}
	}
}

// TestPaethPredictor holds paethPredictor to the PNG spec's form for
// every three bytes.
func TestPaethPredictor(t *testing.T) {
	for a := range int32(256) {
		for b := range int32(256) {
			for c := range int32(256) {
				p := a + b - c
				pa, pb, pc := max(p-a, a-p), max(p-b, b-p), max(p-c, c-p)
				want := c
				if pa <= pb && pa <= pc {
					want = a
				} else if pb <= pc {
					want = b
				}
				if got := paethPredictor(a, b, c); got != want {
					t.Fatalf("paethPredictor(%d, %d, %d) = %d, want %d", a, b, c, got, want)
				}
			}
		}
	}
}
