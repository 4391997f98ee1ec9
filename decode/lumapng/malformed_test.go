package lumapng_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image/png"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/serialgate/serialgate/decode/lumapng"
)

// smallPNG is a 13×6 RGB image with every filter, in three IDAT chunks.
func smallPNG() (*pngSpec, []byte) {
	s := randomSpec(rand.New(rand.NewPCG(9, 9)), 13, 6, 8, 2)
	s.idatSize = 40
	return s, s.encode()
}

// chunkAt lists the offsets of the chunks of a PNG.
func chunkAt(data []byte) []int {
	var at []int
	for pos := 8; pos+8 <= len(data); {
		at = append(at, pos)
		pos += 12 + int(binary.BigEndian.Uint32(data[pos:]))
	}
	return at
}

// wantError checks that Decode fails on data with an *Error whose offset
// lies in [lo, hi] and whose text holds want, and reports when image/png
// accepts what Decode refuses.
func wantError(t *testing.T, name string, data []byte, lo, hi int, want string) {
	t.Helper()
	if refused(t, name, data, lo, hi, want) {
		t.Errorf("%s: image/png accepts what lumapng refuses", name)
	}
}

// refused checks Decode's error as wantError does, and reports whether
// image/png accepts the data.
func refused(t *testing.T, name string, data []byte, lo, hi int, want string) bool {
	t.Helper()
	_, err := lumapng.Decode(data, 1<<20)
	var e *lumapng.Error
	if !errors.As(err, &e) {
		t.Errorf("%s: error %v, want an *Error", name, err)
		return false
	}
	if e.Offset < lo || e.Offset > hi || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: %v, want %q at a byte in [%d, %d]", name, err, want, lo, hi)
	}
	if errors.Is(err, lumapng.ErrUnsupported) {
		t.Errorf("%s: %v wraps ErrUnsupported", name, err)
	}
	_, perr := png.Decode(bytes.NewReader(data))
	return perr == nil
}

// TestTruncated cuts a PNG at every byte: each cut fails naming a byte of
// the file, without a panic, and image/png refuses each too.
func TestTruncated(t *testing.T) {
	_, data := smallPNG()
	iend := chunkAt(data)[len(chunkAt(data))-1]
	for n := range len(data) {
		hi := n
		if n == iend {
			// Cut right before IEND: the error names the missing header.
			hi = iend
		}
		wantError(t, "cut at "+strconv.Itoa(n), data[:n], 0, hi, "")
	}
}

// fixCRC rewrites the CRC of the chunk at pos after an edit.
func fixCRC(data []byte, pos int) {
	n := int(binary.BigEndian.Uint32(data[pos:]))
	binary.BigEndian.PutUint32(data[pos+8+n:], crc32.ChecksumIEEE(data[pos+4:pos+8+n]))
}

// TestMalformed breaks a PNG in the ways a file goes wrong: each gives an
// *Error naming the byte at fault.
func TestMalformed(t *testing.T) {
	s, data := smallPNG()
	at := chunkAt(data) // IHDR, tEXt, IDAT×n, IEND
	idat := at[2]
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), data...)) }

	wantError(t, "signature", edit(func(b []byte) []byte { b[1] = 'Q'; return b }), 0, 0, "signature")
	for i, pos := range at {
		n := int(binary.BigEndian.Uint32(data[pos:]))
		crc := pos + 8 + n
		wantError(t, "CRC of chunk "+strconv.Itoa(i), edit(func(b []byte) []byte { b[crc] ^= 1; return b }), crc, crc, "CRC")
	}
	wantError(t, "zlib header", edit(func(b []byte) []byte { b[idat+8] = 0x79; fixCRC(b, idat); return b }), idat+8, idat+8, "zlib")
	wantError(t, "zlib header check", edit(func(b []byte) []byte { b[idat+9]++; fixCRC(b, idat); return b }), idat+8, idat+8, "zlib")
	wantError(t, "IHDR depth", edit(func(b []byte) []byte { b[8+8+8] = 3; fixCRC(b, 8); return b }), 8, 8+25, "bit depth")
	wantError(t, "IHDR zero width", edit(func(b []byte) []byte { b[8+8+3] = 0; fixCRC(b, 8); return b }), 8, 8+25, "size")
	wantError(t, "no IEND", data[:at[len(at)-1]], at[len(at)-1], at[len(at)-1], "IEND")

	// Streams of the wrong length, a bad filter byte, and bytes after the
	// zlib stream in its IDAT chunk.
	raw := s.filtered()
	rowLen := 1 + s.rowBytes()
	stream, body := wrongLengths(t, "", s, raw, rowLen)
	badFilter := append([]byte(nil), raw...)
	badFilter[2*rowLen] = 5
	bf := s.encodeStream(stream(badFilter))
	wantError(t, "filter type 5", bf, body, len(bf), "filter type 5")
	// image/png accepts a few bytes after the zlib stream when its
	// buffered reader happens to have read them with the stream's end,
	// and refuses more ("too much pixel data"): Decode refuses them all,
	// leaving the file to image/png.
	trailing := s.encodeStream(append(stream(raw), 0, 0))
	refused(t, "bytes after the zlib stream", trailing, body, len(trailing), "after the zlib stream")
	z := stream(raw)
	z[len(z)-1] ^= 0x40
	adler := s.encodeStream(z)
	wantError(t, "Adler-32", adler, body+len(z)-4, body+len(z)-4, "Adler-32")
	deflateCut := s.encodeStream(z[:len(z)-6])
	wantError(t, "deflate stream cut", deflateCut, body, len(deflateCut), "")

	// Chunk order.
	p := &pngSpec{width: 5, height: 3, depth: 8, ctype: 3, level: 6, rows: make([][]byte, 3)}
	for i := range p.rows {
		p.rows[i] = []byte{0, 1, 2, 1, 0}
	}
	p.plte = []byte{0, 0, 0, 255, 255, 255, 9, 9, 9}
	if _, err := lumapng.Decode(p.encode(), 100); err != nil {
		t.Fatalf("palette image: %v", err)
	}
	noPLTE := *p
	noPLTE.plte = nil
	d := noPLTE.encode()
	wantError(t, "palette image without PLTE", d, chunkAt(d)[2], chunkAt(d)[2], "IDAT chunk out of order")
	grayPLTE := *p
	grayPLTE.ctype = 0
	d = grayPLTE.encode()
	wantError(t, "PLTE in a gray image", d, chunkAt(d)[2], chunkAt(d)[2], "PLTE")
	longTRNS := *p
	longTRNS.trns = make([]byte, 257)
	d = longTRNS.encode()
	wantError(t, "tRNS of 257 bytes", d, chunkAt(d)[3], chunkAt(d)[3], "tRNS")
	rgbaTRNS := *p
	rgbaTRNS.ctype, rgbaTRNS.plte, rgbaTRNS.trns = 6, nil, []byte{1, 2}
	rgbaTRNS.rows = [][]byte{make([]byte, 20), make([]byte, 20), make([]byte, 20)}
	d = rgbaTRNS.encode()
	wantError(t, "tRNS in an RGBA image", d, chunkAt(d)[2], chunkAt(d)[2], "tRNS")
	// IHDR twice.
	d = p.encode()
	twice := append(append(append([]byte(nil), d[:8+25]...), d[8:8+25]...), d[8+25:]...)
	wantError(t, "IHDR twice", twice, 8+25, 8+25, "IHDR")
	// PLTE after IDAT.
	at = chunkAt(d)
	plte := d[at[2]:at[3]]
	iend := at[len(at)-1]
	late := append(append(append([]byte(nil), d[:iend]...), plte...), d[iend:]...)
	late = append(late[:at[2]], late[at[3]:]...)
	wantError(t, "PLTE after IDAT", late, 0, len(late), "")
}

// TestChunkLeniency: what image/png accepts around the chunks, Decode
// accepts too: unknown chunks before IHDR, zero-length and trailing IDAT
// chunks, bytes after IEND.
func TestChunkLeniency(t *testing.T) {
	s, data := smallPNG()
	var unknown bytes.Buffer
	writeChunk(&unknown, "zZzZ", []byte("anything"))
	before := append(append(append([]byte(nil), data[:8]...), unknown.Bytes()...), data[8:]...)
	agree(t, "chunk before IHDR", before)
	at := chunkAt(data)
	iend := at[len(at)-1]
	var empty bytes.Buffer
	writeChunk(&empty, "IDAT", nil)
	writeChunk(&empty, "IDAT", []byte("garbage after the stream"))
	trailing := append(append(append([]byte(nil), data[:iend]...), empty.Bytes()...), data[iend:]...)
	agree(t, "trailing IDAT chunks", trailing)
	agree(t, "bytes after IEND", append(append([]byte(nil), data...), "junk"...))
	// One IDAT of zero length before the data.
	s.idatSize = 0
	one := s.encode()
	at = chunkAt(one)
	lead := append(append(append([]byte(nil), one[:at[2]]...), empty.Bytes()[:12]...), one[at[2]:]...)
	agree(t, "empty IDAT first", lead)
}

// TestMutations flips bytes of valid PNGs: Decode never panics, fails with
// an *Error, and whatever it accepts image/png decodes to the same pixels.
func TestMutations(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	seeds := fuzzSeeds()
	for i := range 3000 {
		data := append([]byte(nil), seeds[i%len(seeds)]...)
		for range 1 + rng.IntN(3) {
			data[rng.IntN(len(data))] ^= byte(1 + rng.IntN(255))
		}
		check(t, data)
		check(t, withCRCs(data))
	}
}

// withCRCs returns a copy of data with every whole chunk's CRC made right,
// so that a mutation inside a chunk reaches the chunk's parser (and the
// inflater) rather than stopping at the CRC.
func withCRCs(data []byte) []byte {
	data = bytes.Clone(data)
	for pos := 8; pos+8 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[pos:]))
		if n < 0 || n > len(data)-pos-12 {
			break
		}
		fixCRC(data, pos)
		pos += 12 + n
	}
	return data
}

// check is the fuzz target's property.
func check(t *testing.T, data []byte) {
	img, err := lumapng.Decode(data, 1<<16)
	if err != nil {
		var e *lumapng.Error
		if !errors.As(err, &e) || e.Offset < 0 || e.Offset > len(data) {
			t.Fatalf("error %v is not an *Error within the data", err)
		}
		return
	}
	want, rect, perr := reference(data)
	if perr != nil {
		t.Fatalf("lumapng accepts what image/png refuses (%v)", perr)
	}
	if img.Rect.Dx() != rect.Dx() || img.Rect.Dy() != rect.Dy() || !bytes.Equal(img.Pix, want) {
		t.Fatalf("pixels differ from image/png's through GrayOf")
	}
}

func fuzzSeeds() [][]byte {
	rng := rand.New(rand.NewPCG(13, 14))
	var seeds [][]byte
	for i, f := range formats {
		s := randomSpec(rng, 1+i%4, 1+i%3, f.depth, f.ctype)
		s.level = []int{0, 1, 6, -2}[i%4]
		if ts := transparencies(rng, s); len(ts) > 1 {
			s.trns = ts[1]
		}
		seeds = append(seeds, s.encode())
	}
	_, small := smallPNG()
	// A large image in 1.3 KB of file (white rows with a dark
	// stripe): its rows take the piped path.
	large := &pngSpec{width: 600, height: 400, depth: 8, ctype: 0, level: 9, filter: 2}
	for y := range large.height {
		row := bytes.Repeat([]byte{0xff}, large.width)
		row[y%large.width] = 0
		large.rows = append(large.rows, row)
	}
	return append(seeds, small, large.encode())
}

func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check(t, data)
		check(t, withCRCs(data))
	})
}

// TestPipedRows decodes images large enough that their rows are
// unfiltered on a goroutine of their own while the stream inflates (more
// than 192 KiB of rows): every colour type at 8 bits and RGB at 16, each
// filter, stored, fixed and dynamic codes, in one IDAT chunk or many; the
// pixels are image/png's. Then the same image broken as the small one is
// above: a row short, a row long, a bad filter byte early and late (found
// on the row goroutine, and before the stream's end the inflater finds
// later), and a wrong checksum; each error names a byte of the stream.
func TestPipedRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 0
	for _, f := range []struct{ ctype, depth int }{{0, 8}, {2, 8}, {2, 16}, {3, 8}, {4, 8}, {6, 8}} {
		s := randomSpec(rng, 700, 420, f.depth, f.ctype)
		if s.rowBytes()*s.height < 192<<10 {
			t.Fatalf("type %d depth %d: %d bytes of rows, too few to pipe", f.ctype, f.depth, s.rowBytes()*s.height)
		}
		for _, level := range []int{0, 1, 9} {
			s.level = level
			s.filter = n % 6
			s.idatSize = []int{0, 8192}[n%2]
			n++
			agree(t, fmt.Sprintf("type %d depth %d level %d filter %d idat %d", f.ctype, f.depth, level, s.filter, s.idatSize), s.encode())
		}
	}
	s := randomSpec(rng, 640, 480, 8, 2)
	raw := s.filtered()
	rowLen := 1 + s.rowBytes()
	stream, body := wrongLengths(t, "piped: ", s, raw, rowLen)
	for _, row := range []int{2, 470} {
		bad := append([]byte(nil), raw...)
		bad[row*rowLen] = 5
		b := s.encodeStream(stream(bad))
		wantError(t, fmt.Sprintf("piped: filter type 5 in row %d", row), b, body, len(b), fmt.Sprintf("row %d has filter type 5", row))
		// The same row, in a stream a row short: the bad row comes first.
		b = s.encodeStream(stream(bad[:len(bad)-rowLen]))
		wantError(t, fmt.Sprintf("piped: filter type 5 in row %d, a row short", row), b, body, len(b), fmt.Sprintf("row %d has filter type 5", row))
	}
	z := stream(raw)
	z[len(z)-1] ^= 1
	b := s.encodeStream(z)
	wantError(t, "piped: Adler-32", b, body, len(b), "Adler-32")
}

// wrongLengths checks that s's filtered rows raw, compressed a row short
// and a row long into one IDAT chunk, are refused; it returns the
// compressor it used and the offset of the IDAT chunk's data.
func wrongLengths(t *testing.T, prefix string, s *pngSpec, raw []byte, rowLen int) (stream func([]byte) []byte, body int) {
	t.Helper()
	stream = func(raw []byte) []byte {
		var z bytes.Buffer
		w, _ := zlib.NewWriterLevel(&z, 6)
		w.Write(raw)
		w.Close()
		return z.Bytes()
	}
	s.idatSize = 0
	body = 8 + 25 + 12 + len("Comment\x00made by the lumapng tests") + 8 // first IDAT's data
	short := s.encodeStream(stream(raw[:len(raw)-rowLen]))
	wantError(t, prefix+"IDAT short a row", short, body, len(short), "rows")
	long := s.encodeStream(stream(append(append([]byte(nil), raw...), raw[:rowLen]...)))
	wantError(t, prefix+"IDAT a row long", long, body, len(long), "more than")
	return stream, body
}
