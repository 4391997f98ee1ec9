// Package serials reads serial lists: one serial per line as it stands, or
// the "serial" column of a CSV file, and counts the serials of a large list
// that a check accepts, on every core.
package serials

import (
	"bufio"
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

// Read reads a serial list, one serial per line, calling fn with each
// line's number and serial. A serial is the line as it stands except its LF
// or CRLF terminator: nothing is trimmed, and an empty line is an empty
// serial. A final line without a terminator counts; an empty input has no
// lines. Like bufio.Scanner.Bytes, the serial's bytes are valid only during
// the call and are overwritten by the next line: a caller that keeps a
// serial copies it (string(serial) does). fn's error stops the reading and
// is returned.
func Read(r io.Reader, fn func(line int, serial []byte) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	var long []byte
	line := 0
	for {
		chunk, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long, chunk...)
			continue
		}
		if long != nil {
			chunk = append(long, chunk...)
			long = nil
		}
		if err != nil && err != io.EOF {
			// The line may be cut short: report it rather than deliver it.
			return &Error{Line: line + 1, Err: err}
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
			if ferr := fn(line, b); ferr != nil {
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

// ReadCSV reads a CSV serial list whose header names a "serial" column
// (in any letter case), calling fn with each record's line number and its
// serial. The serial is taken as the field stands; as with Read, its bytes
// are valid only during the call. A malformed record is reported as an
// *Error; records before it have been delivered.
func ReadCSV(r io.Reader, fn func(line int, serial []byte) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return csvError(err)
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
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if col >= len(rec) {
			return &Error{Line: line, Err: fmt.Errorf("record has %d fields, the serial column is field %d", len(rec), col+1)}
		}
		field = append(field[:0], rec[col]...)
		if err := fn(line, field); err != nil {
			return err
		}
	}
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{Line: pe.Line, Column: pe.Column, Err: pe.Err}
	}
	return &Error{Err: err}
}
