// Package framing cuts what barcode scanners send into scans: serial byte
// streams framed by bufio.SplitFuncs (suffix, STX/ETX, prefix, AIM),
// keyboard-wedge keystrokes grouped into bursts, and camera reads held off
// so one label gives one scan. It is pure: the device adapters feed it
// bytes, keys and frames.
package framing

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Suffix is the byte sequence that ends each scan on the wire.
type Suffix string

// The suffixes scanners are set to send.
const (
	SuffixAny  Suffix = "any" // CR, LF or CRLF
	SuffixCR   Suffix = "cr"
	SuffixLF   Suffix = "lf"
	SuffixCRLF Suffix = "crlf"
	SuffixTab  Suffix = "tab"
	SuffixNone Suffix = "none" // only STX/ETX framing delimits scans
)

// Control characters scanners send.
const (
	stx = 0x02
	etx = 0x03
	gs  = 0x1d
)

// Framing describes how a scanner model frames each scan. The zero value
// is a scanner ending each scan with CR, LF or CRLF.
type Framing struct {
	Suffix Suffix
	// STXETX: each scan is wrapped in STX … ETX; bytes outside are noise.
	STXETX bool
	// Prefix is a configured prefix sent before every scan; it is taken
	// off, and a frame without it is noise.
	Prefix string
	// AIM: scans start with an AIM symbology identifier (]C0, ]d2, ...),
	// taken off the data and kept as metadata.
	AIM bool
	// MaxLen bounds a frame; a longer one is dropped whole. Zero means 4096.
	MaxLen int
	// GSSubstitutes are spellings of the GS character that scanners set to
	// replace it send; they are mapped back to GS. Nil means the usual
	// ones: <GS>, {GS}, [GS] and ␝.
	GSSubstitutes []string
}

var defaultGSSubstitutes = []string{"<GS>", "{GS}", "[GS]", "\u241d"}

func (f Framing) maxLen() int {
	if f.MaxLen <= 0 {
		return 4096
	}
	return f.MaxLen
}

// Counts are what a framer did not deliver, and what it did.
type Counts struct {
	Scans    int // frames delivered as scans
	Empty    int // frames with no data
	Noise    int // frames of line noise: NUL or 0xFF runs, control bytes, bad UTF-8, missing prefix
	Overlong int // frames longer than MaxLen
	Partial  int // a frame cut off by the end of the stream or a hang-up
}

// Splitter splits a byte stream into frames. It keeps counts of what it
// dropped, so it is one per stream.
type Splitter struct {
	Framing Framing
	Counts  Counts
	skip    bool // dropping an over-long frame until its end
	afterCR bool // the last frame ended with a CR that may be half a CRLF
	garbage bool // in a run of bytes outside STX … ETX, already counted
}

// Split is the bufio.SplitFunc: each token is one frame's bytes without
// its terminator or STX/ETX. Partial frames at the end of the stream are
// dropped and counted, never returned. It gives the same frames however
// the stream is cut into reads.
func (s *Splitter) Split(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if s.Framing.STXETX {
		return s.splitSTX(data, atEOF)
	}
	for {
		if s.afterCR && len(data) > 0 {
			s.afterCR = false
			if data[0] == '\n' {
				data = data[1:]
				advance++
				continue
			}
		}
		end, width := s.terminator(data)
		if end < 0 {
			if len(data) > s.Framing.maxLen() {
				// Too long to be a scan: drop what we have and the rest
				// of the frame when its terminator comes.
				if !s.skip {
					s.Counts.Overlong++
				}
				s.skip = true
				return advance + len(data), nil, nil
			}
			if atEOF {
				if len(data) > 0 && !s.skip {
					s.Counts.Partial++
				}
				s.skip = false
				return advance + len(data), nil, nil
			}
			return advance, nil, nil // need more data
		}
		s.afterCR = width == 1 && data[end] == '\r' && (s.Framing.Suffix == SuffixAny || s.Framing.Suffix == "")
		if s.skip || end > s.Framing.maxLen() {
			if !s.skip {
				s.Counts.Overlong++
			}
			s.skip = false
			data = data[end+width:]
			advance += end + width
			continue
		}
		return advance + end + width, data[:end], nil
	}
}

// terminator finds the end of the first frame in data: its index and the
// terminator's width, or -1.
func (s *Splitter) terminator(data []byte) (int, int) {
	switch s.Framing.Suffix {
	case SuffixCR:
		return bytes.IndexByte(data, '\r'), 1
	case SuffixLF:
		return bytes.IndexByte(data, '\n'), 1
	case SuffixCRLF:
		return bytes.Index(data, []byte("\r\n")), 2
	case SuffixTab:
		return bytes.IndexByte(data, '\t'), 1
	case SuffixNone:
		return -1, 0
	}
	i := bytes.IndexAny(data, "\r\n")
	if i < 0 {
		return -1, 0
	}
	if data[i] == '\r' {
		if i+1 < len(data) {
			if data[i+1] == '\n' {
				return i, 2
			}
			return i, 1
		}
		// A CR at the end of the buffer may be the start of CRLF: the scan
		// is complete at its CR, so it is delivered now, and an LF right
		// after it is skipped.
	}
	return i, 1
}

func (s *Splitter) splitSTX(data []byte, atEOF bool) (advance int, token []byte, err error) {
	for len(data) > 0 {
		if s.skip {
			end := bytes.IndexByte(data, etx)
			if end < 0 {
				return advance + len(data), nil, nil
			}
			s.skip = false
			data, advance = data[end+1:], advance+end+1
			continue
		}
		start := bytes.IndexByte(data, stx)
		if start != 0 {
			before := data
			if start > 0 {
				before = data[:start]
			}
			if len(bytes.Trim(before, "\r\n\t")) > 0 && !s.garbage {
				s.Counts.Noise++
				s.garbage = true
			}
			if start < 0 {
				return advance + len(data), nil, nil
			}
			data, advance = data[start:], advance+start
		}
		s.garbage = false
		end := bytes.IndexByte(data[1:], etx)
		if end < 0 {
			switch {
			case len(data)-1 > s.Framing.maxLen():
				s.Counts.Overlong++
				s.skip = true
				return advance + len(data), nil, nil
			case atEOF:
				s.Counts.Partial++
				return advance + len(data), nil, nil
			}
			return advance, nil, nil // need more data
		}
		frame := data[1 : 1+end]
		if len(frame) > s.Framing.maxLen() {
			s.Counts.Overlong++
			data, advance = data[end+2:], advance+end+2
			continue
		}
		if frame == nil {
			frame = []byte{}
		}
		return advance + end + 2, frame, nil
	}
	return advance, nil, nil
}

var _ bufio.SplitFunc = (&Splitter{}).Split

// Frame is one scan's data, as taken out of its frame.
type Frame struct {
	Text string
	AIM  string
	Raw  []byte // the frame's bytes as received
}

// Problem says why a frame is not a scan.
type Problem string

// The problems.
const (
	NoProblem     Problem = ""
	EmptyFrame    Problem = "empty frame"
	LineNoise     Problem = "line noise"
	MissingPrefix Problem = "missing prefix"
)

// Parse takes one frame from the splitter apart: prefix, AIM identifier,
// GS substitutes. A frame that is empty or line noise comes back with its
// problem and is not a scan.
func (f Framing) Parse(token []byte) (Frame, Problem) {
	fr := Frame{Raw: append([]byte(nil), token...)}
	data := string(token)
	if len(strings.Trim(data, "\r\n")) == 0 {
		return fr, EmptyFrame
	}
	if why := noise(token); why != "" {
		return fr, LineNoise
	}
	if f.Prefix != "" {
		rest, ok := strings.CutPrefix(data, f.Prefix)
		if !ok {
			return fr, MissingPrefix
		}
		data = rest
	}
	if f.AIM && len(data) >= 3 && data[0] == ']' {
		fr.AIM, data = data[:3], data[3:]
	}
	subs := f.GSSubstitutes
	if subs == nil {
		subs = defaultGSSubstitutes
	}
	for _, s := range subs {
		if s != "" {
			data = strings.ReplaceAll(data, s, string(rune(gs)))
		}
	}
	if data == "" {
		return fr, EmptyFrame
	}
	fr.Text = data
	return fr, NoProblem
}

// noise tells why a frame is line noise rather than a scan: bytes a
// scanner never sends, as a wrong baud rate or a loose cable produces.
func noise(b []byte) string {
	if !utf8.Valid(b) {
		return "invalid UTF-8"
	}
	for _, c := range b {
		switch {
		case c == 0:
			return "NUL byte"
		case c == gs || c == 0x1e || c == 0x04 || c == 0x1c || c == '\t':
			// GS, RS, EOT, FS: GS1 and ISO/IEC 15434 data; tab in text.
		case c < 0x20 || c == 0x7f:
			return fmt.Sprintf("control byte 0x%02x", c)
		}
	}
	return ""
}
