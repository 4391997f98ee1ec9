// Package serials reads serial lists: one serial per line as it stands, or
// the "serial" column of a CSV file, and counts the serials of a large list
// that a check accepts, on every core.
package serials

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Error is a problem at a line of a serial list. It unwraps to its cause.
type Error struct {
	File   string
	Line   int
	Column int // 0 when the problem is the whole line or file
	Err    error
}

func (e *Error) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// DefaultMaxLine is the longest serial line read whole when a Reader's
// MaxLine is zero: far longer than any serial, short enough that a file
// without line breaks cannot exhaust memory.
const DefaultMaxLine = 64 << 10

// Reader reads serial lists with limits. The zero value is ready to use.
type Reader struct {
	// MaxLine is the longest line, in bytes without its terminator, that is
	// read as a serial; 0 means DefaultMaxLine.
	MaxLine int
	// TooLong is called, in place of the line callback, for a line longer
	// than MaxLine, with its number and length in bytes; the line is read
	// in bounded memory and not kept, and the lines after it go on. When
	// TooLong is nil such a line stops the reading with an *Error.
	TooLong func(line int, n int64) error
}

func (rd Reader) maxLine() int {
	if rd.MaxLine <= 0 {
		return DefaultMaxLine
	}
	return rd.MaxLine
}

// ErrLineTooLong is the cause of an Error for a line over the limit.
var ErrLineTooLong = errors.New("line too long")

// Read reads a serial list with the default limits; see Reader.Read.
func Read(r io.Reader, fn func(line int, serial []byte) error) error {
	return Reader{}.Read(context.Background(), r, fn)
}

// Read reads a serial list, one serial per line, calling fn with each
// line's number and serial. A serial is the line as it stands except its LF
// or CRLF terminator: nothing is trimmed, and an empty line is an empty
// serial. A final line without a terminator counts; an empty input has no
// lines. Like bufio.Scanner.Bytes, the serial's bytes are valid only during
// the call and are overwritten by the next line: a caller that keeps a
// serial copies it (string(serial) does). fn's error, or the end of ctx,
// stops the reading and is returned.
func (rd Reader) Read(ctx context.Context, r io.Reader, fn func(line int, serial []byte) error) error {
	max := rd.maxLine()
	br := bufio.NewReaderSize(r, 1<<16)
	var long []byte
	var skipped int64 // bytes of an over-long line read and dropped so far
	line := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			switch {
			case skipped > 0:
				skipped += int64(len(chunk))
			case len(long)+len(chunk) > max+1: // +1: room for a CR before the LF to come
				skipped = int64(len(long) + len(chunk))
				long = nil
			default:
				long = append(long, chunk...)
			}
			continue
		}
		if err != nil && err != io.EOF {
			// The line may be cut short: report it rather than deliver it.
			return &Error{Line: line + 1, Err: err}
		}
		if skipped > 0 || len(long)+len(chunk) > max+2 { // +2: room for CR LF
			n := skipped + int64(len(long)) + int64(len(chunk))
			skipped, long = 0, nil
			line++
			if err == nil {
				n-- // the LF
				if chunk[len(chunk)-1] == '\n' && len(chunk) > 1 && chunk[len(chunk)-2] == '\r' {
					n--
				}
			}
			if rd.TooLong == nil {
				return &Error{Line: line, Err: fmt.Errorf("%w: %d bytes, over the limit of %d", ErrLineTooLong, n, max)}
			}
			if ferr := rd.TooLong(line, n); ferr != nil {
				return ferr
			}
			if err == io.EOF {
				return nil
			}
			continue
		}
		if long != nil {
			chunk = append(long, chunk...)
			long = long[:0:0]
		}
		if len(chunk) > 0 {
			line++
			b := chunk
			if b[len(b)-1] == '\n' {
				b = b[:len(b)-1]
				if len(b) > 0 && b[len(b)-1] == '\r' {
					b = b[:len(b)-1]
				}
			}
			if len(b) > max {
				// Only a CR was allowed past the limit, and this line has none.
				if rd.TooLong == nil {
					return &Error{Line: line, Err: fmt.Errorf("%w: %d bytes, over the limit of %d", ErrLineTooLong, len(b), max)}
				}
				if ferr := rd.TooLong(line, int64(len(b))); ferr != nil {
					return ferr
				}
			} else if ferr := fn(line, b); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// ErrNoSerialColumn is the cause of an Error for a CSV file whose header
// has no "serial" column.
var ErrNoSerialColumn = errors.New(`no "serial" column in the header`)

// ReadCSV reads a CSV serial list with the default limits; see
// Reader.ReadCSV.
func ReadCSV(r io.Reader, fn func(line int, serial []byte) error) error {
	return Reader{}.ReadCSV(context.Background(), r, fn)
}

// ReadCSV reads a CSV serial list whose header names a "serial" column
// (in any letter case), calling fn with each record's line number and its
// serial. The serial is taken as the field stands; as with Read, its bytes
// are valid only during the call. A malformed record is reported as an
// *Error; records before it have been delivered. A UTF-8 byte order mark
// before the header is skipped. A physical line longer than MaxLine stops
// the file with an *Error: CSV records are read whole.
func (rd Reader) ReadCSV(ctx context.Context, r io.Reader, fn func(line int, serial []byte) error) error {
	br := bufio.NewReader(&lineGuard{r: r, max: rd.maxLine() + 2})
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return csvError(err, 1)
	}
	col := -1
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), "serial") {
			col = i
			break
		}
	}
	if col < 0 {
		return &Error{Line: 1, Err: ErrNoSerialColumn}
	}
	var field []byte
	last := 1
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvError(err, last+1)
		}
		line, _ := cr.FieldPos(0)
		last = line
		if col >= len(rec) {
			return &Error{Line: line, Err: fmt.Errorf("record has %d fields, the serial column is field %d", len(rec), col+1)}
		}
		field = append(field[:0], rec[col]...)
		if err := fn(line, field); err != nil {
			return err
		}
	}
}

// csvError places a CSV error: a parse error knows its line and column; a
// read error is placed at line, the one being read.
func csvError(err error, line int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) && !errors.As(err, new(*lineError)) {
		return &Error{Line: pe.Line, Column: pe.Column, Err: pe.Err}
	}
	var le *lineError
	if errors.As(err, &le) {
		return &Error{Line: le.line, Err: fmt.Errorf("%w: over the limit of %d bytes", ErrLineTooLong, le.max-2)}
	}
	return &Error{Line: line, Err: err}
}

// lineGuard passes bytes through until a physical line is longer than max,
// then fails, so that one huge line cannot exhaust memory.
type lineGuard struct {
	r        io.Reader
	max, run int
	line     int
}

type lineError struct{ line, max int }

func (e *lineError) Error() string { return fmt.Sprintf("line %d longer than %d bytes", e.line, e.max) }

func (g *lineGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	for i, c := range p[:n] {
		if c == '\n' {
			g.line++
			g.run = 0
			continue
		}
		if g.run++; g.run > g.max {
			return i, &lineError{line: g.line + 1, max: g.max}
		}
	}
	return n, err
}
