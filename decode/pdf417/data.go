package pdf417

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// The codewords 900 to 928 are not data: they switch the compaction mode
// (text, byte, numeric), designate an ECI, or open a Macro PDF417 control
// block.
const (
	latchText    = 900
	latchByte    = 901
	latchNumeric = 902
	shiftByte    = 913
	readerInit   = 921
	macroLast    = 922
	macroField   = 923
	latchByte6   = 924
	eciUser      = 925
	eciGeneral   = 926
	eciCharset   = 927
	macroBlock   = 928
)

// Segment is a run of a symbol's data under one Extended Channel
// Interpretation.
type Segment struct {
	ECI   int // 3 (ISO-8859-1) until the symbol designates another
	Bytes []byte
}

// Macro is the control block of a Macro PDF417 symbol: its place in a
// series of symbols that together carry one file.
type Macro struct {
	Index  int    // the segment index, from 0
	FileID string // the codewords of the file ID, three digits each
	Last   bool   // the symbol holds the terminator: it is the series' last
	// The optional fields; Count and the numbers are -1 when absent.
	Count     int
	FileName  string
	Timestamp int64
	Sender    string
	Addressee string
	FileSize  int64
	Checksum  int
}

// DataError is a symbol whose codewords were read and corrected but do not
// form a valid message.
type DataError struct {
	Pos    int // index of the offending codeword among the data codewords
	Reason string
}

func (e *DataError) Error() string {
	return fmt.Sprintf("pdf417: codeword %d: %s", e.Pos, e.Reason)
}

// message is what a symbol's data codewords say.
type message struct {
	segs       []Segment
	macro      *Macro
	readerInit bool
	eci        bool // the data designates an ECI
}

// decodeData decodes the data codewords of a symbol, the symbol length
// descriptor first, without the check codewords.
func decodeData(cw []int) (*message, error) {
	if len(cw) == 0 || cw[0] != len(cw) {
		return nil, &DataError{0, "symbol length descriptor disagrees with the symbol"}
	}
	m := &message{segs: []Segment{{ECI: 3}}}
	put := func(b ...byte) {
		s := &m.segs[len(m.segs)-1]
		s.Bytes = append(s.Bytes, b...)
	}
	t := textState{}
	mode := latchText
	for i := 1; i < len(cw); {
		c := cw[i]
		if c >= prime {
			return nil, &DataError{i, "codeword out of range"}
		}
		if c < latchText {
			switch mode {
			case latchText:
				i = t.decode(cw, i, put)
			case latchNumeric:
				n, err := numeric(cw, i)
				if err != nil {
					return nil, err
				}
				put(n.digits...)
				i = n.next
			default:
				next, err := m.bytesMode(cw, i, mode == latchByte6, put)
				if err != nil {
					return nil, err
				}
				i = next
			}
			continue
		}
		i++
		switch c {
		case latchText:
			mode, t.sub = latchText, alpha
		case latchByte, latchByte6, latchNumeric:
			mode = c
		case shiftByte:
			if i >= len(cw) || cw[i] >= 256 {
				return nil, &DataError{i, "shift to byte without a byte"}
			}
			put(byte(cw[i]))
			i++
		case readerInit:
			if i != 2 {
				return nil, &DataError{i - 1, "reader initialisation after the first data codeword"}
			}
			m.readerInit = true
		case eciUser, eciGeneral, eciCharset:
			next, err := m.designate(cw, i-1)
			if err != nil {
				return nil, err
			}
			i = next
		case macroBlock:
			mac, err := macroControl(cw, i)
			if err != nil {
				return nil, err
			}
			m.macro = mac
			i = len(cw)
		default: // 922, 923 outside a control block, and the reserved codewords
			return nil, &DataError{i - 1, "codeword " + strconv.Itoa(c) + " out of place"}
		}
	}
	if n := len(m.segs); n > 1 && len(m.segs[n-1].Bytes) == 0 {
		m.segs = m.segs[:n-1]
	}
	return m, nil
}

// The text compaction submodes.
const (
	alpha = iota
	lower
	mixed
	punct
)

const (
	mixedChars = "0123456789&\r\t,:#-.$/+%*=^"
	punctChars = ";<>@[\\]_`~!\r\t,:\n-.$/\"|*()?{}'"
)

// textState is text compaction's submode, which survives a switch to
// another mode and back only through a shift; a latch to text starts in
// alpha.
type textState struct{ sub int }

// decode reads text compaction codewords from i, each two base-30 values,
// up to the next codeword that is not data; it returns that codeword's
// index.
func (t *textState) decode(cw []int, i int, put func(...byte)) int {
	shift := -1 // the submode of the next value only
	for ; i < len(cw) && cw[i] < latchText; i++ {
		for _, v := range [2]int{cw[i] / 30, cw[i] % 30} {
			sub := t.sub
			if shift >= 0 {
				sub, shift = shift, -1
			}
			switch sub {
			case alpha, lower:
				switch {
				case v < 26 && sub == alpha:
					put(byte('A' + v))
				case v < 26:
					put(byte('a' + v))
				case v == 26:
					put(' ')
				case v == 27 && sub == alpha:
					t.sub = lower
				case v == 27:
					shift = alpha
				case v == 28:
					t.sub = mixed
				default:
					shift = punct
				}
			case mixed:
				switch {
				case v < 25:
					put(mixedChars[v])
				case v == 25:
					t.sub = punct
				case v == 26:
					put(' ')
				case v == 27:
					t.sub = lower
				case v == 28:
					t.sub = alpha
				default:
					shift = punct
				}
			case punct:
				if v < 29 {
					put(punctChars[v])
				} else {
					t.sub = alpha
				}
			}
		}
	}
	return i
}

// designate reads the ECI designator at cw[i] (925, 926 or 927 and its
// one or two codewords) and starts a segment under it; it returns the index
// after it.
func (m *message) designate(cw []int, i int) (int, error) {
	need := 1
	if cw[i] == eciGeneral {
		need = 2
	}
	if i+need >= len(cw) || cw[i+1] >= latchText || (need == 2 && cw[i+2] >= latchText) {
		return 0, &DataError{i, "ECI designator cut off"}
	}
	eci := cw[i+1]
	switch cw[i] {
	case eciGeneral:
		eci = 900*(cw[i+1]+1) + cw[i+2]
	case eciUser:
		eci = 810900 + cw[i+1]
	}
	m.eci = true
	if s := &m.segs[len(m.segs)-1]; len(s.Bytes) == 0 {
		s.ECI = eci
	} else {
		m.segs = append(m.segs, Segment{ECI: eci})
	}
	return i + 1 + need, nil
}

// bytesMode reads byte compaction codewords from i up to the next codeword
// that is neither data nor an ECI designator: five codewords in base 900
// carry six bytes; after 901, the last one to five codewords of the run
// carry one byte each. ECI designators may stand between the groups. It
// returns the index of the codeword after the run.
func (m *message) bytesMode(cw []int, i int, six bool, put func(...byte)) (int, error) {
	isECI := func(c int) bool { return c == eciUser || c == eciGeneral || c == eciCharset }
	// The byte codewords of the run, and the designators among them.
	var data []int
	end := i
	for end < len(cw) && (cw[end] < latchText || isECI(cw[end])) {
		if isECI(cw[end]) {
			n := 2
			if cw[end] == eciGeneral {
				n = 3
			}
			end += n
			continue
		}
		data = append(data, end)
		end++
	}
	end = min(end, len(cw))
	at := i // the next codeword to look at for designators
	flush := func(upto int) error {
		for ; at < upto; at++ {
			if isECI(cw[at]) {
				next, err := m.designate(cw, at)
				if err != nil {
					return err
				}
				at = next - 1
			}
		}
		return nil
	}
	k := 0
	for ; k+5 <= len(data) && (six || k+5 < len(data)); k += 5 {
		if err := flush(data[k]); err != nil {
			return 0, err
		}
		var v uint64
		for _, p := range data[k : k+5] {
			v = v*900 + uint64(cw[p])
		}
		if v >= 1<<48 {
			return 0, &DataError{data[k], "byte group over six bytes"}
		}
		var b [6]byte
		for j := 5; j >= 0; j-- {
			b[j] = byte(v)
			v >>= 8
		}
		put(b[:]...)
		at = data[k+4] + 1
	}
	for ; k < len(data); k++ {
		if err := flush(data[k]); err != nil {
			return 0, err
		}
		if cw[data[k]] > 255 {
			return 0, &DataError{data[k], "byte codeword over 255"}
		}
		put(byte(cw[data[k]]))
		at = data[k] + 1
	}
	if err := flush(end); err != nil {
		return 0, err
	}
	return end, nil
}

// digits is numeric compaction's output: decimal digits and the index of
// the codeword after them.
type digits struct {
	digits []byte
	next   int
}

// numeric reads numeric compaction codewords from i: groups of up to 15
// codewords, each a base-900 number whose decimal form is 1 followed by
// the digits.
func numeric(cw []int, i int) (digits, error) {
	var out []byte
	for i < len(cw) && cw[i] < latchText {
		n := 0
		for i+n < len(cw) && cw[i+n] < latchText && n < 15 {
			n++
		}
		d, err := base900(cw[i:i+n], i)
		if err != nil {
			return digits{}, err
		}
		out = append(out, d...)
		i += n
	}
	return digits{out, i}, nil
}

// base900 converts one numeric compaction group to its digits.
func base900(group []int, pos int) ([]byte, error) {
	v := new(big.Int)
	k := big.NewInt(900)
	for _, c := range group {
		v.Mul(v, k).Add(v, big.NewInt(int64(c)))
	}
	s := v.String()
	if s[0] != '1' {
		return nil, &DataError{pos, "numeric group without its leading 1"}
	}
	return []byte(s[1:]), nil
}

// macroControl reads a Macro PDF417 control block from i, the codeword
// after 928.
func macroControl(cw []int, i int) (*Macro, error) {
	m := &Macro{Count: -1, Timestamp: -1, FileSize: -1, Checksum: -1}
	if i+2 > len(cw) || cw[i] >= latchText || cw[i+1] >= latchText {
		return nil, &DataError{i, "macro segment index cut off"}
	}
	d, err := base900(cw[i:i+2], i)
	if err != nil {
		return nil, err
	}
	m.Index, _ = strconv.Atoi(string(d))
	i += 2
	var id strings.Builder
	for ; i < len(cw) && cw[i] < latchText; i++ {
		fmt.Fprintf(&id, "%03d", cw[i])
	}
	m.FileID = id.String()
	for i < len(cw) {
		c := cw[i]
		i++
		switch {
		case c == macroLast:
			m.Last = true
			for ; i < len(cw); i++ {
				if cw[i] != latchText { // padding may follow the terminator
					return nil, &DataError{i, "data after the macro terminator"}
				}
			}
		case c == macroField && i < len(cw):
			field := cw[i]
			i++
			end := i
			for end < len(cw) && cw[end] < latchText {
				end++
			}
			if err := m.setField(field, cw[i:end], i); err != nil {
				return nil, err
			}
			i = end
		default:
			return nil, &DataError{i - 1, "codeword " + strconv.Itoa(c) + " out of place in the macro control block"}
		}
	}
	return m, nil
}

// setField stores optional field f of a macro control block.
func (m *Macro) setField(f int, cw []int, pos int) error {
	var text strings.Builder
	var num int64
	switch f {
	case 0, 3, 4:
		t := textState{}
		t.decode(cw, 0, func(b ...byte) { text.Write(b) })
	case 1, 2, 5, 6:
		d, err := numeric(cw, 0)
		if err != nil {
			return &DataError{pos, "macro field " + strconv.Itoa(f) + ": not a number"}
		}
		num, err = strconv.ParseInt(string(d.digits), 10, 64)
		if err != nil {
			return &DataError{pos, "macro field " + strconv.Itoa(f) + ": not a number"}
		}
	default:
		return &DataError{pos - 1, "unknown macro field " + strconv.Itoa(f)}
	}
	switch f {
	case 0:
		m.FileName = text.String()
	case 1:
		m.Count = int(num)
	case 2:
		m.Timestamp = num
	case 3:
		m.Sender = text.String()
	case 4:
		m.Addressee = text.String()
	case 5:
		m.FileSize = num
	case 6:
		m.Checksum = int(num)
	}
	return nil
}
