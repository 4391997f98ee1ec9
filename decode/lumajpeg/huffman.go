package lumajpeg

import (
	"encoding/binary"
	"errors"
)

// lookBits is how many bits a Huffman table looks ahead: codes up to this
// long, nearly all of a photo's, decode with one table look-up.
const lookBits = 9

// huffTable is a canonical Huffman code (T.81 annex C).
type huffTable struct {
	// fast is indexed by the next lookBits bits: the symbol<<8 | code
	// length of a code no longer than lookBits, 0 for a longer code.
	fast [1 << lookBits]uint16
	// short is, for an AC table, indexed the same way: when the code and
	// the value bits after it fit in lookBits, the value<<16 | run<<8 |
	// their length; 0 otherwise.
	short [1 << lookBits]int32
	// A 16-bit lookahead starts a code of length l when it is below
	// limit[l] (and at least limit[l-1]); the code's symbol is then
	// vals[lookahead>>(16-l) + offset[l]].
	limit  [17]uint32
	offset [17]int32
	vals   [256]byte
}

var (
	errOversubscribed = errors.New("more codes than their lengths allow")
	errDCSymbol       = errors.New("DC table symbol over 15")
)

// newHuffTable builds a table from the number of codes of each length and
// their symbols, refusing a set of lengths no prefix code can have.
func newHuffTable(counts *[17]int, vals []byte, dc bool) (*huffTable, error) {
	t := &huffTable{}
	copy(t.vals[:], vals)
	if dc {
		for _, v := range vals {
			if v > 15 {
				return nil, errDCSymbol
			}
		}
	}
	code, k := 0, 0
	for l := 1; l <= 16; l++ {
		first := code
		code += counts[l]
		if code > 1<<l {
			return nil, errOversubscribed
		}
		t.limit[l] = uint32(code) << (16 - l)
		t.offset[l] = int32(k - first)
		if l <= lookBits {
			for c := first; c < code; c++ {
				e := uint16(vals[k+c-first])<<8 | uint16(l)
				lo := c << (lookBits - l)
				hi := (c + 1) << (lookBits - l)
				for i := lo; i < hi; i++ {
					t.fast[i] = e
				}
			}
		}
		k += counts[l]
		code <<= 1
	}
	if !dc {
		for i, e := range t.fast {
			l, run, size := int(e&0xff), int(e>>12), int(e>>8&15)
			if e == 0 || size == 0 || l+size > lookBits {
				continue
			}
			v := i >> (lookBits - l - size) & (1<<size - 1)
			if v < 1<<(size-1) {
				v += 1 - 1<<size
			}
			t.short[i] = int32(v)<<16 | int32(run)<<8 | int32(l+size)
		}
	}
	return t, nil
}

// decode decodes the code at the top of acc: its symbol<<8 | its length,
// or 0 when no code of the table starts there.
func (t *huffTable) decode(acc uint64) uint16 {
	if e := t.fast[acc>>(64-lookBits)]; e != 0 {
		return e
	}
	return t.slow(acc)
}

// slow is decode for a code longer than lookBits, from the top 16 bits
// of acc. Kept out of line, so that decode inlines into the decoding
// loops.
//
//go:noinline
func (t *huffTable) slow(acc uint64) uint16 {
	c := uint32(acc >> 48)
	for l := lookBits + 1; l <= 16; l++ {
		if c < t.limit[l] {
			return uint16(t.vals[int32(c>>(16-l))+t.offset[l]])<<8 | uint16(l)
		}
	}
	return 0
}

// bitReader reads the entropy-coded data of a scan: byte-stuffed (each
// 0xff data byte followed by 0x00), ending at a marker. Bits come from the
// top of acc.
type bitReader struct {
	data []byte
	pos  int    // next byte to load
	acc  uint64 // the next bit is acc's top bit
	n    int    // bits loaded in acc
	// pad counts zero bits loaded after the data ended (at a marker or the
	// end of the stream). Decoding may look ahead into them, but a code or
	// value that takes one means the data ran out: the caller checks
	// overrun after each block.
	pad  int
	stop bool // at a marker or the end of the data
}

func (r *bitReader) reset(pos int) {
	*r = bitReader{data: r.data, pos: pos}
}

// overrun tells whether bits past the end of the data were taken.
func (r *bitReader) overrun() bool { return r.n < r.pad }

// offset is the byte holding the next bit, for errors.
func (r *bitReader) offset() int {
	real := r.n - r.pad
	if real < 0 {
		return r.pos
	}
	return max(0, r.pos-(real+7)/8)
}

// fill loads bytes until acc holds more than 56 bits.
func (r *bitReader) fill() {
	for r.n <= 56 {
		if r.stop {
			r.n += 8
			r.pad += 8
			continue
		}
		// Eight bytes with no 0xff among them load in one go.
		if r.pos+8 <= len(r.data) {
			w := binary.BigEndian.Uint64(r.data[r.pos:])
			x := ^w
			if (x-0x0101010101010101)&^x&0x8080808080808080 == 0 {
				k := (64 - r.n) >> 3
				r.acc |= w >> (64 - 8*k) << (64 - r.n - 8*k)
				r.n += 8 * k
				r.pos += k
				continue
			}
		}
		if r.pos >= len(r.data) {
			r.stop = true
			continue
		}
		b := r.data[r.pos]
		if b == 0xff {
			if r.pos+1 >= len(r.data) || r.data[r.pos+1] != 0 {
				r.stop = true
				continue
			}
			r.pos++
		}
		r.pos++
		r.acc |= uint64(b) << (56 - r.n)
		r.n += 8
	}
}
