package lumapng

import (
	"encoding/binary"
	"math/bits"
	"slices"
)

// The inflater decodes a zlib stream (RFC 1950) of DEFLATE data (RFC 1951)
// held whole in memory. compress/flate reads through an io.ByteReader a
// byte at a time; here the input is a slice, read eight bytes at a time
// into a 64-bit bit buffer, and Huffman codes decode by table lookup: one
// lookup for codes of up to 10 bits (literal/length) or 8 bits (distance),
// a second for the rare longer ones.
//
// Output goes into a window buffer that the caller drains: fill decodes
// until the buffer holds a given number of bytes, and slide drops what the
// caller has used while keeping the last 32 KiB that back-references may
// reach. So an image's filtered rows never exist whole in memory.
//
// It accepts what compress/zlib accepts: complete Huffman codes (or a
// single code of one bit, as zlib writes), no distance reaching before the
// start of the output, no preset dictionary, and a matching Adler-32.

const (
	windowSize = 32 << 10
	maxMatch   = 258
	// slack is the room the window buffer keeps past the fill limit: the
	// last match may run 258 bytes past it, and copies move eight bytes at
	// a time, overshooting by up to seven, and the literal loop may write
	// up to six literals past it.
	slack = maxMatch + 8 + 6

	litBits  = 10 // primary table bits of literal/length codes
	distBits = 8  // primary table bits of distance codes
	clenBits = 7  // code length codes are at most 7 bits: one table
)

// A table entry packs what a code decodes to:
//
//	bits 0-4   code length, the bits to consume
//	bits 5-7   kind
//	bits 8-11  extra bits to read after the code (a length or distance),
//	           or the index bits of a subtable (kLink)
//	bits 16-31 the literal byte, the base length or distance, the code
//	           length code's symbol, or a subtable's offset (kLink)
//
// A literal's entry in the primary literal/length table may hold a second
// literal (bit 15 set, the byte in bits 24-31, the length the two codes'
// sum) when both codes fit in the primary bits.
const (
	kLit  = 0 << 5
	kVal  = 1 << 5 // a length (literal/length table), a distance, or a code length symbol
	kEOB  = 2 << 5
	kLink = 3 << 5
	kBad  = 4 << 5 // no code decodes here: an incomplete code's hole, or symbols 286-287 and 30-31

	kindMask = 7 << 5
	kPair    = 1 << 15
)

var lengthBase = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
var lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
var distBase = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
var distExtra = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}

// clenOrder is the order of the code length code lengths in a dynamic
// block header (RFC 1951 section 3.2.7).
var clenOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}

// litPayloads and distPayloads are the entries of each symbol, without
// the code length; clenPayloads those of the code length code.
var litPayloads, distPayloads, clenPayloads = func() (lit [288]uint32, dist [32]uint32, clen [19]uint32) {
	for i := range lit {
		lit[i] = litPayload(i)
	}
	for i := range dist {
		dist[i] = distPayload(i)
	}
	for i := range clen {
		clen[i] = kVal | uint32(i)<<16
	}
	return
}()

func litPayload(sym int) uint32 {
	switch {
	case sym < 256:
		return kLit | uint32(sym)<<16
	case sym == 256:
		return kEOB
	case sym < 286:
		i := sym - 257
		return kVal | uint32(lengthExtra[i])<<8 | uint32(lengthBase[i])<<16
	}
	return kBad
}

func distPayload(sym int) uint32 {
	if sym < 30 {
		return kVal | uint32(distExtra[sym])<<8 | uint32(distBase[sym])<<16
	}
	return kBad
}

// huffTable is a lookup table for one Huffman code: t[bits&mask] is the
// entry of the code the next bits start with, or a link to a subtable.
type huffTable struct {
	t    []uint32
	bits uint // primary index bits
	mask uint64
}

// build makes the table of the canonical code with the given code lengths
// (0 for an unused symbol). It reports false for a code compress/flate
// refuses: over-subscribed, or incomplete other than a lone one-bit code.
// An empty code builds a table of holes, an error only when used.
func (h *huffTable) build(lengths []uint8, primary uint, payload []uint32) bool {
	var count [16]int
	for _, l := range lengths {
		count[l]++
	}
	count[0] = 0
	maxLen := 0
	for l := 15; l > 0; l-- {
		if count[l] > 0 {
			maxLen = l
			break
		}
	}
	h.bits = primary
	h.mask = 1<<primary - 1
	size := 1 << primary
	h.t = slices.Grow(h.t[:0], size)[:size]
	left := 1
	for l := 1; l <= 15; l++ {
		left = left<<1 - count[l]
		if left < 0 {
			return false
		}
	}
	if left > 0 {
		// Holes, which decode as errors: all of an empty code, half
		// of a lone one-bit code. A complete code fills every entry.
		for i := range h.t {
			h.t[i] = kBad
		}
		if maxLen > 1 || maxLen == 1 && count[1] != 1 {
			return false
		}
		if maxLen == 0 {
			return true
		}
	}
	var next [16]int
	code := 0
	for l := 1; l <= 15; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	// Codes longer than the primary bits go to subtables, one per primary
	// index, as wide as the longest code sharing that index needs.
	if maxLen > int(primary) {
		var subLen [1 << litBits]uint8
		nx := next
		for _, l := range lengths {
			if int(l) <= int(primary) {
				if l > 0 {
					nx[l]++
				}
				continue
			}
			c := nx[l]
			nx[l]++
			idx := reverse(c>>(int(l)-int(primary)), int(primary))
			subLen[idx] = max(subLen[idx], l)
		}
		for idx := range size {
			if subLen[idx] == 0 {
				continue
			}
			sb := uint32(subLen[idx]) - uint32(primary)
			off := uint32(len(h.t))
			h.t = slices.Grow(h.t, 1<<sb)[:int(off)+1<<sb]
			h.t[idx] = kLink | sb<<8 | off<<16 | uint32(primary)
		}
	}
	for sym, l := range lengths {
		if l == 0 {
			continue
		}
		c := next[l]
		next[l]++
		rev := reverse(c, int(l))
		e := payload[sym] | uint32(l)
		if int(l) <= int(primary) {
			for k := rev; k < size; k += 1 << l {
				h.t[k] = e
			}
			continue
		}
		link := h.t[rev&(size-1)]
		off, sb := int(link>>16), int(link>>8&15)
		step := 1 << (int(l) - int(primary))
		for k := rev >> primary; k < 1<<sb; k += step {
			h.t[off+k] = e
		}
	}
	return true
}

// pairLiterals makes each primary entry of a literal whose code leaves
// room for the next literal's code hold that literal too: in a noisy
// image's rows, literals of 4 to 6 bits are most of the stream. The entry
// at i>>n1 (n1 the first code's length) is what the next bits start with;
// when its code is short enough to lie within them, the unknown high bits
// do not matter. It runs from the top index down, so that t[i>>n1], at or
// below i, still holds a single literal.
func (h *huffTable) pairLiterals() {
	p := uint32(h.bits)
	for i := 1<<h.bits - 1; i >= 0; i-- {
		e := h.t[i]
		if e&kindMask != kLit {
			continue
		}
		n1 := e & 31
		if n1 >= p {
			continue
		}
		e2 := h.t[i>>n1]
		if n2 := e2 & 31; e2&kindMask == kLit && e2&kPair == 0 && n1+n2 <= p {
			h.t[i] = e + n2 | kPair | (e2>>16&0xff)<<24
		}
	}
}

// reverse returns the low n bits of c in reverse order: DEFLATE packs
// Huffman codes from their first bit, into a stream read from the low bit.
func reverse(c, n int) int { return int(bits.Reverse16(uint16(c)) >> (16 - n)) }

const (
	stHeader  = iota // at a block header
	stStored         // inside a stored block
	stHuffman        // inside a Huffman-coded block
	stDone           // past the final block and the Adler-32
)

type inflater struct {
	in    []byte
	pos   int // next byte of in to load; past len(in) once zeros are loaded after the end
	bits  uint64
	nbits uint

	out  []byte // window buffer: out[:n] is output not yet dropped
	n    int
	base int64 // output bytes dropped before out[0]

	state  int
	final  bool
	stored int // bytes left in a stored block
	lit    *huffTable
	dist   *huffTable

	dynLit, dynDist, clen huffTable
	fixLit, fixDist       *huffTable
	lengths               [286 + 30]uint8

	end int // offset in in just past the Adler-32, once done
}

// newInflater reads the zlib header of in and returns an inflater writing
// into a window buffer of bufLen bytes (at least windowSize+slack+1).
func newInflater(in []byte, bufLen int) (*inflater, error) {
	if len(in) < 2 {
		return nil, errAt(len(in), "zlib stream ends in its header")
	}
	cmf, flg := in[0], in[1]
	if cmf&0x0f != 8 {
		return nil, errAt(0, "zlib compression method %d, want 8 (deflate)", cmf&0x0f)
	}
	if cmf>>4 > 7 {
		return nil, errAt(0, "zlib window of 2^%d bytes, more than 32 KiB", cmf>>4+8)
	}
	if (uint(cmf)<<8|uint(flg))%31 != 0 {
		return nil, errAt(0, "zlib header check bits are wrong")
	}
	if flg&0x20 != 0 {
		return nil, errAt(1, "zlib stream needs a preset dictionary")
	}
	return &inflater{in: in, pos: 2, out: make([]byte, bufLen)}, nil
}

// offset is the input offset of the next unread bit's byte.
func (f *inflater) offset() int { return min(f.pos-int(f.nbits/8), len(f.in)) }

// refill loads bytes until the bit buffer holds at least 56 bits, loading
// zeros past the end of the input. It fails once a code has used a bit
// the input does not have.
func (f *inflater) refill() error {
	if f.pos+8 <= len(f.in) {
		f.bits |= binary.LittleEndian.Uint64(f.in[f.pos:]) << f.nbits
		f.pos += int(63-f.nbits) >> 3
		f.nbits |= 56
		return nil
	}
	for f.nbits <= 56 {
		if f.pos < len(f.in) {
			f.bits |= uint64(f.in[f.pos]) << f.nbits
		}
		f.pos++
		f.nbits += 8
	}
	if over := f.pos - len(f.in); over > 0 && 8*over > int(f.nbits) {
		return errAt(len(f.in), "zlib stream is truncated")
	}
	return nil
}

// getBits reads n ≤ 32 bits (for block headers).
func (f *inflater) getBits(n uint) (uint32, error) {
	if f.nbits < n {
		if err := f.refill(); err != nil {
			return 0, err
		}
	}
	v := uint32(f.bits & (1<<n - 1))
	f.bits >>= n
	f.nbits -= n
	return v, nil
}

// alignByte drops the bits up to the next byte boundary and empties the
// bit buffer, putting its whole bytes back. It fails if a code used a bit
// past the end of the input.
func (f *inflater) alignByte() error {
	f.pos -= int(f.nbits / 8)
	f.bits, f.nbits = 0, 0
	if f.pos > len(f.in) {
		return errAt(len(f.in), "zlib stream is truncated")
	}
	return nil
}

// done reports whether the stream has ended.
func (f *inflater) done() bool { return f.state == stDone }

// slide drops out[:from], keeping at least the last windowSize bytes.
func (f *inflater) slide(from int) int {
	from = min(from, f.n-windowSize)
	if from <= 0 {
		return 0
	}
	copy(f.out, f.out[from:f.n])
	f.n -= from
	f.base += int64(from)
	return from
}

// fill decodes until out holds at least limit bytes or the stream ends.
// limit is at most len(out)-slack.
func (f *inflater) fill(limit int) error {
	for f.n < limit {
		switch f.state {
		case stDone:
			return nil
		case stHeader:
			if f.final {
				return f.finish()
			}
			if err := f.blockHeader(); err != nil {
				return err
			}
		case stStored:
			k := min(f.stored, limit-f.n)
			copy(f.out[f.n:], f.in[f.pos:f.pos+k])
			f.pos += k
			f.n += k
			f.stored -= k
			if f.stored == 0 {
				f.state = stHeader
			}
		case stHuffman:
			if err := f.huffman(limit); err != nil {
				return err
			}
		}
	}
	return nil
}

// finish reads the Adler-32 after the final block.
func (f *inflater) finish() error {
	if err := f.alignByte(); err != nil {
		return err
	}
	if f.pos+4 > len(f.in) {
		return errAt(len(f.in), "zlib stream ends in its Adler-32 checksum")
	}
	f.end = f.pos + 4
	f.state = stDone
	return nil
}

// adler returns the stream's Adler-32 checksum, once done.
func (f *inflater) adler() uint32 { return binary.BigEndian.Uint32(f.in[f.end-4:]) }

func (f *inflater) blockHeader() error {
	at := f.offset()
	h, err := f.getBits(3)
	if err != nil {
		return err
	}
	f.final = h&1 != 0
	switch h >> 1 {
	case 0:
		if err := f.alignByte(); err != nil {
			return err
		}
		if f.pos+4 > len(f.in) {
			return errAt(len(f.in), "zlib stream is truncated in a stored block's length")
		}
		n := int(binary.LittleEndian.Uint16(f.in[f.pos:]))
		if nn := binary.LittleEndian.Uint16(f.in[f.pos+2:]); uint16(n) != ^nn {
			return errAt(f.pos, "stored block length %#04x does not match its complement %#04x", n, nn)
		}
		f.pos += 4
		if f.pos+n > len(f.in) {
			return errAt(len(f.in), "zlib stream is truncated in a stored block of %d bytes", n)
		}
		f.stored = n
		if n > 0 {
			f.state = stStored
		}
	case 1:
		if f.fixLit == nil {
			f.fixLit, f.fixDist = fixedTables()
		}
		f.lit, f.dist = f.fixLit, f.fixDist
		f.state = stHuffman
	case 2:
		if err := f.dynamicHeader(at); err != nil {
			return err
		}
		f.lit, f.dist = &f.dynLit, &f.dynDist
		f.state = stHuffman
	default:
		return errAt(at, "deflate block of reserved type 3")
	}
	return nil
}

// fixedTables builds the fixed Huffman codes of RFC 1951 section 3.2.6.
func fixedTables() (*huffTable, *huffTable) {
	var l [288]uint8
	for i := range l {
		switch {
		case i < 144:
			l[i] = 8
		case i < 256:
			l[i] = 9
		case i < 280:
			l[i] = 7
		default:
			l[i] = 8
		}
	}
	var d [32]uint8
	for i := range d {
		d[i] = 5
	}
	lit, dist := new(huffTable), new(huffTable)
	lit.build(l[:], litBits, litPayloads[:])
	lit.pairLiterals()
	dist.build(d[:], distBits, distPayloads[:])
	return lit, dist
}

func (f *inflater) dynamicHeader(at int) error {
	h, err := f.getBits(14)
	if err != nil {
		return err
	}
	nlit, ndist, nclen := int(h&31)+257, int(h>>5&31)+1, int(h>>10)+4
	if nlit > 286 {
		return errAt(at, "dynamic block with %d literal/length codes, more than 286", nlit)
	}
	if ndist > 30 {
		return errAt(at, "dynamic block with %d distance codes, more than 30", ndist)
	}
	var cl [19]uint8
	for i := range nclen {
		v, err := f.getBits(3)
		if err != nil {
			return err
		}
		cl[clenOrder[i]] = uint8(v)
	}
	if !f.clen.build(cl[:], clenBits, clenPayloads[:]) {
		return errAt(at, "dynamic block's code length code is not a complete prefix code")
	}
	lengths := f.lengths[:nlit+ndist]
	for i := 0; i < len(lengths); {
		if f.nbits < 16 {
			if err := f.refill(); err != nil {
				return err
			}
		}
		e := f.clen.t[f.bits&f.clen.mask]
		if e&kindMask != kVal {
			return errAt(f.offset(), "bad code length code")
		}
		f.bits >>= e & 31
		f.nbits -= uint(e & 31)
		sym := e >> 16
		if sym < 16 {
			lengths[i] = uint8(sym)
			i++
			continue
		}
		var rep int
		var fill uint8
		switch sym {
		case 16:
			if i == 0 {
				return errAt(f.offset(), "code length repeat with no previous length")
			}
			fill = lengths[i-1]
			rep = 3 + int(f.bits&3)
			f.bits >>= 2
			f.nbits -= 2
		case 17:
			rep = 3 + int(f.bits&7)
			f.bits >>= 3
			f.nbits -= 3
		default:
			rep = 11 + int(f.bits&127)
			f.bits >>= 7
			f.nbits -= 7
		}
		if i+rep > len(lengths) {
			return errAt(f.offset(), "code length repeat runs past the %d codes", len(lengths))
		}
		for range rep {
			lengths[i] = fill
			i++
		}
	}
	if !f.dynLit.build(lengths[:nlit], litBits, litPayloads[:]) {
		return errAt(at, "dynamic block's literal/length code is not a complete prefix code")
	}
	f.dynLit.pairLiterals()
	if !f.dynDist.build(lengths[nlit:], distBits, distPayloads[:]) {
		return errAt(at, "dynamic block's distance code is not a complete prefix code")
	}
	return nil
}

// huffman decodes a Huffman-coded block until out holds limit bytes or
// the block ends. It keeps the decoder's state in locals, the hot loop of
// the package.
func (f *inflater) huffman(limit int) error {
	bitbuf, nbits := f.bits, f.nbits
	in, pos := f.in, f.pos
	out, n := f.out, f.n
	// Array pointers, indexed with constant masks, need no bounds checks;
	// the tables are at least that long, replicated when their primary
	// bits are fewer (the fixed distance code's 5).
	lt, dt := (*[1 << litBits]uint32)(f.lit.t), (*[1 << distBits]uint32)(f.dist.t)
	lsub, dsub := f.lit.t, f.dist.t
	var err error
	for n < limit {
		if nbits < 48 {
			if pos+8 <= len(in) {
				bitbuf |= binary.LittleEndian.Uint64(in[pos:]) << nbits
				pos += int(63-nbits) >> 3
				nbits |= 56
			} else {
				f.bits, f.nbits, f.pos = bitbuf, nbits, pos
				if err = f.refill(); err != nil {
					break
				}
				bitbuf, nbits, pos = f.bits, f.nbits, f.pos
			}
		}
		e := lt[bitbuf&(1<<litBits-1)]
		if e&kindMask == kLit {
			// Up to three entries of one or two literals without a
			// refill: 48 bits cover three codes of at most 15 bits. A
			// single literal writes a stray byte after itself, which the
			// next output overwrites.
			bitbuf >>= e & 31
			nbits -= uint(e & 31)
			out[n] = byte(e >> 16)
			out[n+1] = byte(e >> 24)
			n += 1 + int(e>>15&1)
			e = lt[bitbuf&(1<<litBits-1)]
			if e&kindMask != kLit {
				continue
			}
			bitbuf >>= e & 31
			nbits -= uint(e & 31)
			out[n] = byte(e >> 16)
			out[n+1] = byte(e >> 24)
			n += 1 + int(e>>15&1)
			e = lt[bitbuf&(1<<litBits-1)]
			if e&kindMask != kLit {
				continue
			}
			bitbuf >>= e & 31
			nbits -= uint(e & 31)
			out[n] = byte(e >> 16)
			out[n+1] = byte(e >> 24)
			n += 1 + int(e>>15&1)
			continue
		}
		if e&kindMask == kLink {
			e = lsub[(e>>16)+uint32(bitbuf>>litBits)&(1<<(e>>8&15)-1)]
		}
		bitbuf >>= e & 31
		nbits -= uint(e & 31)
		if e&kindMask == kLit {
			out[n] = byte(e >> 16)
			n++
			continue
		}
		if e&kindMask != kVal {
			if e&kindMask == kEOB {
				f.state = stHeader
				break
			}
			f.bits, f.nbits, f.pos = bitbuf, nbits, pos
			err = errAt(f.offset(), "bad literal/length code")
			break
		}
		// A length: up to 5 extra bits, then a distance code of up to 15
		// bits and 13 extra bits, 48 in all.
		length := int(e>>16) + int(bitbuf&(1<<(e>>8&15)-1))
		bitbuf >>= e >> 8 & 15
		nbits -= uint(e >> 8 & 15)
		d := dt[bitbuf&(1<<distBits-1)]
		if d&kindMask == kLink {
			d = dsub[(d>>16)+uint32(bitbuf>>distBits)&(1<<(d>>8&15)-1)]
		}
		if d&kindMask != kVal {
			f.bits, f.nbits, f.pos = bitbuf, nbits, pos
			err = errAt(f.offset(), "bad distance code")
			break
		}
		bitbuf >>= d & 31
		nbits -= uint(d & 31)
		dist := int(d>>16) + int(bitbuf&(1<<(d>>8&15)-1))
		bitbuf >>= d >> 8 & 15
		nbits -= uint(d >> 8 & 15)
		if int64(dist) > f.base+int64(n) {
			f.bits, f.nbits, f.pos = bitbuf, nbits, pos
			err = errAt(f.offset(), "distance %d reaches before the start of the output (%d bytes)", dist, f.base+int64(n))
			break
		}
		src := n - dist
		if dist >= 8 {
			// Eight bytes at a time: each word read lies wholly before
			// the one written. The last word may write up to seven bytes
			// past the match, into the slack.
			for i := 0; i < length; i += 8 {
				binary.LittleEndian.PutUint64(out[n+i:], binary.LittleEndian.Uint64(out[src+i:]))
			}
		} else if dist == 1 {
			b := out[src]
			s := out[n : n+length]
			for i := range s {
				s[i] = b
			}
		} else {
			s := out[src : n+length]
			for i := dist; i < len(s); i++ {
				s[i] = s[i-dist]
			}
		}
		n += length
	}
	f.bits, f.nbits, f.pos, f.n = bitbuf, nbits, pos, n
	return err
}
