package microqr

import (
	"errors"
	"fmt"
)

// level is an error-correction level of a Micro QR symbol: M1 has error
// detection only ('-'); M2 and M3 have L and M; M4 has L, M and Q.
type level byte

// symbolInfo is one row of the standard's table of symbol numbers: the
// version, the level, and the symbol's codewords.
type symbolInfo struct {
	version   int   // 1 to 4 for M1 to M4
	level     level // 'L', 'M', 'Q', or '-' for M1
	data      int   // data codewords, the last one of M1 and M3 only 4 bits
	ec        int   // error-correction codewords
	protected int   // misdecode-protection codewords: ec-protected is what may be corrected, twice over
}

// symbols is indexed by the 3-bit symbol number of the format information.
var symbols = [8]symbolInfo{
	{1, '-', 3, 2, 2},
	{2, 'L', 5, 5, 1},
	{2, 'M', 4, 6, 0},
	{3, 'L', 11, 6, 2},
	{3, 'M', 9, 8, 0},
	{4, 'L', 16, 8, 2},
	{4, 'M', 14, 10, 0},
	{4, 'Q', 10, 14, 0},
}

// size is the symbol's side in modules.
func (s symbolInfo) size() int { return 2*s.version + 9 }

// halfLast tells whether the last data codeword holds 4 bits, not 8.
func (s symbolInfo) halfLast() bool { return s.version == 1 || s.version == 3 }

// dataBits is the symbol's data capacity in bits.
func (s symbolInfo) dataBits() int {
	if s.halfLast() {
		return 8*s.data - 4
	}
	return 8 * s.data
}

// formatMask is XORed onto Micro QR's format information, so that no
// valid format is all light.
const formatMask = 0x4445

// bchFormat returns the 15-bit format codeword for 5 bits of data: the
// data followed by the remainder of its division by the BCH (15,5)
// generator x^10+x^8+x^5+x^4+x^2+x+1, before masking.
func bchFormat(data int) int {
	v := data << 10
	for bit := 14; bit >= 10; bit-- {
		if v&(1<<bit) != 0 {
			v ^= 0x537 << (bit - 10)
		}
	}
	return data<<10 | v
}

// readFormat decodes 15 raw format bits into the symbol number and mask,
// correcting up to maxErr wrong bits. It reports the bits it corrected.
func readFormat(raw, maxErr int) (symbol, mask, wrong int, ok bool) {
	best, bestDist := -1, 16
	for d := range 32 {
		dist := popcount(raw ^ (bchFormat(d) ^ formatMask))
		if dist < bestDist {
			best, bestDist = d, dist
		}
	}
	if bestDist > maxErr {
		return 0, 0, bestDist, false
	}
	return best >> 2, best & 3, bestDist, true
}

func popcount(v int) int {
	n := 0
	for ; v != 0; v &= v - 1 {
		n++
	}
	return n
}

// grid is a sampled symbol, true for a dark module, indexed [row][column].
type grid [][]bool

func newGrid(n int) grid {
	g := make(grid, n)
	for i := range g {
		g[i] = make([]bool, n)
	}
	return g
}

// transposed is the grid mirrored on its diagonal: a mirrored symbol read
// the right way round.
func (g grid) transposed() grid {
	t := newGrid(len(g))
	for r := range g {
		for c := range g {
			t[c][r] = g[r][c]
		}
	}
	return t
}

// formatBits reads the format information: row 8 from column 1 to 8,
// then column 8 from row 7 up to row 1, most significant bit first.
func (g grid) formatBits() int {
	v := 0
	for c := 1; c <= 8; c++ {
		v = v<<1 | b2i(g[8][c])
	}
	for r := 7; r >= 1; r-- {
		v = v<<1 | b2i(g[r][8])
	}
	return v
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// isFunction tells whether module (r, c) belongs to the finder pattern,
// its separator, the format information or the timing patterns.
func isFunction(r, c int) bool { return r == 0 || c == 0 || (r <= 8 && c <= 8) }

// masked tells whether data mask m inverts module (r, c). Micro QR's four
// masks are QR Code's masks 1, 4, 6 and 7.
func masked(m, r, c int) bool {
	switch m {
	case 0:
		return r%2 == 0
	case 1:
		return (r/2+c/3)%2 == 0
	case 2:
		return (r*c%2+r*c%3)%2 == 0
	default:
		return ((r+c)%2+r*c%3)%2 == 0
	}
}

// codewordBits reads the data region's bits in placement order: pairs of
// columns from the right, up and down in turn, the right module of a pair
// first, skipping function modules.
func (g grid) codewordBits(mask int) []bool {
	n := len(g)
	var bits []bool
	up := true
	for right := n - 1; right >= 1; right -= 2 {
		for i := range n {
			r := i
			if up {
				r = n - 1 - i
			}
			for _, c := range [2]int{right, right - 1} {
				if c < 1 || isFunction(r, c) {
					continue
				}
				bits = append(bits, g[r][c] != masked(mask, r, c))
			}
		}
		up = !up
	}
	return bits
}

// Errors of a symbol that was found but could not be read.
var (
	errFormat = errors.New("format information unreadable")
	errSize   = errors.New("format information names another symbol size")
	errRS     = errors.New("too many codeword errors")
)

// decoded is what a symbol's modules say.
type decoded struct {
	info     symbolInfo
	mask     int
	data     []byte // corrected data codewords (M1/M3: the last one's 4 bits high)
	errors   int    // codewords corrected
	formatEr int    // format bits corrected
}

// readGrid checks the format information of a sampled grid, unmasks it
// and corrects its codewords.
func readGrid(g grid, f *field, maxFormatErr int) (decoded, error) {
	num, mask, fe, ok := readFormat(g.formatBits(), maxFormatErr)
	if !ok {
		return decoded{}, errFormat
	}
	info := symbols[num]
	if info.size() != len(g) {
		return decoded{}, errSize
	}
	bits := g.codewordBits(mask)
	need := info.dataBits() + 8*info.ec
	if len(bits) < need {
		return decoded{}, fmt.Errorf("data region holds %d bits, want %d", len(bits), need)
	}
	block := make([]byte, info.data+info.ec)
	pos := 0
	for i := range block {
		width := 8
		if i == info.data-1 && info.halfLast() {
			width = 4
		}
		var v byte
		for range width {
			v = v<<1 | byte(b2i(bits[pos]))
			pos++
		}
		if width == 4 {
			v <<= 4
		}
		block[i] = v
	}
	fixed, ok := f.correct(block, info.ec, (info.ec-info.protected)/2)
	if !ok {
		return decoded{}, errRS
	}
	if info.halfLast() && block[info.data-1]&0x0f != 0 {
		return decoded{}, errRS // a correction that set bits the symbol does not hold
	}
	return decoded{info: info, mask: mask, data: block[:info.data], errors: fixed, formatEr: fe}, nil
}
