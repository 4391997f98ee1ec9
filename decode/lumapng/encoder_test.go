package lumapng_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
)

// pngSpec describes a PNG for encodePNG to write: any colour type, bit
// depth and filter, which image/png's encoder does not offer (it writes no
// gray+alpha, no sub-byte gray, no tRNS for gray or RGB, and picks its own
// filters).
type pngSpec struct {
	width, height int
	depth, ctype  int
	rows          [][]byte // unfiltered rows, packed samples
	plte, trns    []byte
	level         int // zlib level
	filter        int // 0-4, or 5 to cycle through all five by row
	idatSize      int // split the zlib stream into IDAT chunks of this size; 0 for one
	interlace     byte
}

func channels(ctype int) int {
	return map[int]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
}

// rowBytes is the bytes per row for the spec's pixel format.
func (s *pngSpec) rowBytes() int { return (channels(s.ctype)*s.depth*s.width + 7) / 8 }

func writeChunk(b *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	b.Write(n[:])
	b.WriteString(typ)
	b.Write(data)
	binary.BigEndian.PutUint32(n[:], crc32.ChecksumIEEE(append([]byte(typ), data...)))
	b.Write(n[:])
}

// filterRow applies filter ft to cur (given the previous row), the
// encoder's side of PNG spec section 9.
func filterRow(ft int, cur, prev []byte, bpp int) []byte {
	out := make([]byte, 1+len(cur))
	out[0] = byte(ft)
	for i := range cur {
		var a, b, c int
		if i >= bpp {
			a = int(cur[i-bpp])
			c = int(prev[i-bpp])
		}
		b = int(prev[i])
		var pred int
		switch ft {
		case 1:
			pred = a
		case 2:
			pred = b
		case 3:
			pred = (a + b) / 2
		case 4:
			p := a + b - c
			pa, pb, pc := absInt(p-a), absInt(p-b), absInt(p-c)
			switch {
			case pa <= pb && pa <= pc:
				pred = a
			case pb <= pc:
				pred = b
			default:
				pred = c
			}
		}
		out[1+i] = cur[i] - byte(pred)
	}
	return out
}

func absInt(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// filtered returns the spec's rows filtered, as the zlib stream holds them.
func (s *pngSpec) filtered() []byte {
	bpp := max(1, channels(s.ctype)*s.depth/8)
	prev := make([]byte, s.rowBytes())
	var raw []byte
	for y, row := range s.rows {
		ft := s.filter
		if ft == 5 {
			ft = y % 5
		}
		raw = append(raw, filterRow(ft, row, prev, bpp)...)
		prev = row
	}
	return raw
}

func (s *pngSpec) encode() []byte {
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, s.level)
	if err != nil {
		panic(err)
	}
	zw.Write(s.filtered())
	zw.Close()
	return s.encodeStream(z.Bytes())
}

// encodeStream writes the PNG around a given zlib stream.
func (s *pngSpec) encodeStream(stream []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(s.width))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(s.height))
	ihdr[8], ihdr[9], ihdr[12] = byte(s.depth), byte(s.ctype), s.interlace
	writeChunk(&b, "IHDR", ihdr)
	writeChunk(&b, "tEXt", []byte("Comment\x00made by the lumapng tests"))
	if s.plte != nil {
		writeChunk(&b, "PLTE", s.plte)
	}
	if s.trns != nil {
		writeChunk(&b, "tRNS", s.trns)
	}
	if s.idatSize <= 0 {
		writeChunk(&b, "IDAT", stream)
	} else {
		for len(stream) > 0 {
			n := min(s.idatSize, len(stream))
			writeChunk(&b, "IDAT", stream[:n])
			stream = stream[n:]
		}
	}
	writeChunk(&b, "IEND", nil)
	return b.Bytes()
}
