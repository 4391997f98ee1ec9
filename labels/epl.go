package labels

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/serialgate/serialgate"
)

// EPL2, as Zebra's EPL2 Programming Guide gives it: N clears the image
// buffer, A draws text, B a linear barcode, b a two-dimensional one, and
// Pp1,p2 prints the buffer: p1 label sets of p2 copies each (p1×p2
// labels; counters would advance per set). Each P is one Label. Stored
// forms, variables (Vnn) and counters (Cn) are not read: a field that
// uses one is reported as a fault of its label.

type eplParser struct {
	file   string
	job    *Job
	fields []template
	err    *ParseError
	labels int
}

func parseEPL(name string, b []byte) *Job {
	p := &eplParser{file: name, job: &Job{File: name, Language: "epl"}}
	lines(b, p.line)
	return p.job
}

func (p *eplParser) fault(off int64, format string, args ...any) {
	if p.err == nil {
		p.err = &ParseError{File: p.file, Offset: off, Label: p.labels + 1, Err: fmt.Errorf(format, args...)}
	}
}

func (p *eplParser) line(off int64, line string) {
	if strings.TrimSpace(line) == "" || line[0] == ';' {
		return
	}
	switch {
	case line == "N" || strings.HasPrefix(line, "N "):
		p.fields, p.err = nil, nil
	case line[0] == 'P' && (len(line) == 1 || isDigit(line[1])):
		p.labels++
		ps := strings.Split(line[1:], ",")
		sets, err1 := atoi(param(ps, 0), 1)
		copies, err2 := atoi(param(ps, 1), 1)
		if err := errors.Join(err1, err2); err != nil || sets < 1 || copies < 1 {
			p.fault(off, "P: want label sets and copies of 1 or more, got %q", line[1:])
		}
		if p.err != nil {
			p.err.Label = p.labels
			p.job.Errors = append(p.job.Errors, p.err)
			p.err = nil
			return
		}
		fs := make([]template, len(p.fields))
		copy(fs, p.fields)
		for i := range fs {
			fs[i].field = strconv.Itoa(i + 1)
		}
		p.job.Labels = append(p.job.Labels, Label{N: p.labels, Offset: off, Count: int64(sets) * int64(copies),
			Group: int64(copies), fields: fs})
	case line[0] == 'A' && len(line) > 1 && isDigit(line[1]):
		p.field(off, line, 7, Text)
	case line[0] == 'B' && len(line) > 1 && isDigit(line[1]):
		p.field(off, line, 8, Barcode)
	case line[0] == 'b' && len(line) > 1 && isDigit(line[1]):
		p.field(off, line, -1, Barcode)
	}
}

// field reads an A, B or b command: n parameters before the data (-1:
// the data is the last parameter).
func (p *eplParser) field(off int64, line string, n int, kind Kind) {
	ps, err := splitParams(line[1:], true)
	if err != nil {
		p.fault(off, "%c: %v", line[0], err)
		return
	}
	if n < 0 {
		n = len(ps) - 1
	}
	if len(ps) != n+1 || n < 2 {
		p.fault(off, "%c: want %d parameters and the data, got %d", line[0], n, len(ps)-1)
		return
	}
	x, err1 := atoi(ps[0], 0)
	y, err2 := atoi(ps[1], 0)
	if err := errors.Join(err1, err2); err != nil {
		p.fault(off, "%c: %v", line[0], err)
		return
	}
	data, err := eplString(ps[n])
	if err != nil {
		p.fault(off, "%c: %v", line[0], err)
		return
	}
	t := template{kind: kind, x: x, y: y, offset: off, data: data, filled: true}
	if kind == Barcode {
		if line[0] == 'B' {
			t.sym, t.enc = eplBarcode(ps[3])
		} else {
			switch strings.ToUpper(ps[2]) {
			case "Q":
				t.sym = serialgate.QRCode
			case "D":
				t.sym = serialgate.DataMatrix
			case "P":
				t.sym = PDF417
			case "A":
				t.sym = serialgate.Aztec
			}
		}
		if _, err := t.value(t.data); err != nil {
			p.fault(off, "%c: %v", line[0], err)
			return
		}
	}
	p.fields = append(p.fields, t)
}

// eplString reads quoted field data with \" and \\ escapes.
func eplString(s string) (string, error) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", fmt.Errorf("data %q is not a quoted string (variables and counters are not supported)", s)
	}
	s = s[1 : len(s)-1]
	var out strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		} else if s[i] == '"' {
			return "", errors.New("data mixes quoted text with variables or counters, which are not supported")
		}
		out.WriteByte(s[i])
	}
	return out.String(), nil
}

// eplBarcode maps a B command's barcode selection to its symbology.
func eplBarcode(code string) (serialgate.Symbology, func(string) (string, error)) {
	switch strings.ToUpper(code) {
	case "3":
		return serialgate.Code39, code39(false)
	case "3C":
		return serialgate.Code39, code39(true)
	case "9":
		return serialgate.Code93, nil
	case "0", "1", "1A", "1B", "1C", "1E":
		return serialgate.Code128, nil
	case "K":
		return serialgate.Codabar, nil
	case "E30", "E32", "E35":
		return serialgate.EAN13, eanUPC(12, "EAN-13")
	case "E80", "E82", "E85":
		return serialgate.EAN8, eanUPC(7, "EAN-8")
	case "UA0", "UA2", "UA5":
		return serialgate.UPCA, eanUPC(11, "UPC-A")
	case "UE0", "UE2", "UE5":
		return serialgate.UPCE, nil
	case "2":
		return serialgate.ITF, interleaved2of5(false)
	case "2C", "2D":
		return serialgate.ITF, interleaved2of5(true)
	case "R14":
		return serialgate.RSS14, nil
	}
	return "", nil
}
