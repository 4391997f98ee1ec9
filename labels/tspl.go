package labels

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/serialgate/serialgate"
)

// TSPL and TSPL2, as TSC's TSPL/TSPL2 Programming Manual gives them: CLS
// clears the image buffer; TEXT, BARCODE, QRCODE, DMATRIX, PDF417 and
// AZTEC draw fields, their content the last parameter; PRINT m,n prints
// the buffer: m label sets of n copies each (m×n labels), counters
// advancing once per set. Each PRINT is one Label. Content is a string
// expression: quoted strings (\["] a quote) and counters @n joined by +.
// SET COUNTER @n step sets a counter's step and @n="0001" its value; the
// counter advances as an odometer of its digits' width and goes on
// counting across PRINT commands.

type tsplParser struct {
	file     string
	job      *Job
	fields   []template
	err      *ParseError
	labels   int
	steps    map[string]int64
	counters map[string]string
}

func parseTSPL(name string, b []byte) *Job {
	p := &tsplParser{file: name, job: &Job{File: name, Language: "tspl"}, steps: map[string]int64{}, counters: map[string]string{}}
	lines(b, p.line)
	return p.job
}

func (p *tsplParser) fault(off int64, format string, args ...any) {
	if p.err == nil {
		p.err = &ParseError{File: p.file, Offset: off, Label: p.labels + 1, Err: fmt.Errorf(format, args...)}
	}
}

func (p *tsplParser) line(off int64, line string) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "REM") {
		return
	}
	if line[0] == '@' {
		name, val, ok := strings.Cut(line, "=")
		if !ok {
			p.fault(off, "counter line %q lacks =", line)
			return
		}
		v, err := tsplString(strings.TrimSpace(val))
		if err != nil {
			p.fault(off, "%v", err)
			return
		}
		p.counters[strings.TrimSpace(name)] = v
		return
	}
	word, rest, _ := strings.Cut(line, " ")
	word = strings.ToUpper(word)
	rest = strings.TrimSpace(rest)
	switch word {
	case "CLS":
		p.fields, p.err = nil, nil
	case "SET":
		f := strings.Fields(rest)
		if len(f) >= 3 && strings.EqualFold(f[0], "COUNTER") {
			n, err := strconv.ParseInt(f[2], 10, 64)
			if err != nil {
				p.fault(off, "SET COUNTER: bad step %q", f[2])
				return
			}
			p.steps[f[1]] = n
		}
	case "PRINT":
		p.print(off, rest)
	case "TEXT":
		p.field(off, word, rest, Text, "")
	case "BARCODE":
		p.field(off, word, rest, Barcode, "")
	case "QRCODE":
		p.field(off, word, rest, Barcode, serialgate.QRCode)
	case "DMATRIX":
		p.field(off, word, rest, Barcode, serialgate.DataMatrix)
	case "PDF417":
		p.field(off, word, rest, Barcode, PDF417)
	case "AZTEC":
		p.field(off, word, rest, Barcode, serialgate.Aztec)
	}
}

func (p *tsplParser) print(off int64, rest string) {
	p.labels++
	ps := strings.Split(rest, ",")
	sets, err1 := atoi(param(ps, 0), 1)
	copies, err2 := atoi(param(ps, 1), 1)
	if err := errors.Join(err1, err2); err != nil || sets < 1 || copies < 1 {
		p.fault(off, "PRINT: want label sets and copies of 1 or more, got %q", rest)
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
		Group: int64(copies), fields: fs, prints: true})
	// The fields still in the buffer print again on the next PRINT, with
	// the counters advanced by the sets just printed.
	for i := range p.fields {
		t := &p.fields[i]
		if c, ok := t.ser.(chain); ok {
			for _, s := range c {
				sp := s.(*spanSerial)
				t.data = t.data[:sp.i] + addDigits(t.data[sp.i:sp.j], sp.step*int64(sets)) + t.data[sp.j:]
			}
		}
	}
	for name, v := range p.counters {
		p.counters[name] = addDigits(v, p.steps[name]*int64(sets))
	}
}

func (p *tsplParser) field(off int64, word, rest string, kind Kind, sym serialgate.Symbology) {
	ps, err := splitParams(rest, false)
	if err != nil || len(ps) < 3 {
		p.fault(off, "%s: want its parameters and content", word)
		return
	}
	x, err1 := atoi(ps[0], 0)
	y, err2 := atoi(ps[1], 0)
	if err := errors.Join(err1, err2); err != nil {
		p.fault(off, "%s: %v", word, err)
		return
	}
	t := template{kind: kind, sym: sym, x: x, y: y, offset: off, filled: true}
	var ch chain
	for _, part := range splitPlus(ps[len(ps)-1]) {
		if strings.HasPrefix(part, "@") {
			v, ok := p.counters[part]
			if !ok {
				p.fault(off, "%s: counter %s has no value", word, part)
				return
			}
			ch = append(ch, &spanSerial{i: len(t.data), j: len(t.data) + len(v), step: p.steps[part]})
			t.data += v
			continue
		}
		s, err := tsplString(part)
		if err != nil {
			p.fault(off, "%s: %v", word, err)
			return
		}
		t.data += s
	}
	if len(ch) > 0 {
		t.ser = ch
	}
	switch word {
	case "BARCODE":
		if len(ps) < 4 {
			p.fault(off, "BARCODE: want a code type")
			return
		}
		typ, err := tsplString(ps[2])
		if err != nil {
			p.fault(off, "BARCODE: %v", err)
			return
		}
		t.sym, t.enc = tsplBarcode(typ)
	case "QRCODE":
		if len(ps) > 4 && strings.EqualFold(ps[4], "M") {
			t.enc = tsplQRManual
		}
	}
	if _, err := t.value(t.data); err != nil {
		p.fault(off, "%s: %v", word, err)
		return
	}
	p.fields = append(p.fields, t)
}

// splitPlus splits a content expression at + outside quotes.
func splitPlus(s string) []string {
	var out []string
	start, inQ := 0, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			inQ = !inQ
		case '+':
			if !inQ {
				out = append(out, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

func tsplString(s string) (string, error) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", fmt.Errorf("content %q is neither a quoted string nor a counter", s)
	}
	return strings.ReplaceAll(s[1:len(s)-1], `\["]`, `"`), nil
}

// tsplQRManual drops the character mode a manual-mode QRCODE's content
// starts with: N, A or K, or B and a 4-digit byte count.
func tsplQRManual(s string) (string, error) {
	switch {
	case s == "":
		return s, nil
	case s[0] == 'N' || s[0] == 'A' || s[0] == 'K':
		return s[1:], nil
	case s[0] == 'B' && len(s) >= 5 && allDigits(s[1:5]):
		return s[5:], nil
	}
	return "", fmt.Errorf("manual-mode QR content starts with %q: want N, A, K or B and a byte count", s[:1])
}

// tsplBarcode maps a BARCODE code type to its symbology.
func tsplBarcode(typ string) (serialgate.Symbology, func(string) (string, error)) {
	switch strings.ToUpper(typ) {
	case "128":
		return serialgate.Code128, nil
	case "128M":
		return serialgate.Code128, code128Manual
	case "EAN128", "EAN128M":
		return serialgate.Code128, stripParens
	case "39", "39S", "39C":
		return serialgate.Code39, nil
	case "93":
		return serialgate.Code93, nil
	case "25":
		return serialgate.ITF, interleaved2of5(false)
	case "25C":
		return serialgate.ITF, interleaved2of5(true)
	case "ITF14":
		return serialgate.ITF, itf14
	case "EAN13":
		return serialgate.EAN13, eanUPC(12, "EAN-13")
	case "EAN8":
		return serialgate.EAN8, eanUPC(7, "EAN-8")
	case "UPCA":
		return serialgate.UPCA, eanUPC(11, "UPC-A")
	case "UPCE":
		return serialgate.UPCE, nil
	case "CODA":
		return serialgate.Codabar, nil
	}
	return "", nil
}

// itf14 is 13 digits and the check digit the printer adds.
func itf14(s string) (string, error) {
	if len(s) == 14 && allDigits(s) {
		s = s[:13]
	}
	return eanUPC(13, "ITF-14")(s)
}

// stripParens drops the parentheses and spaces that show GS1 AIs.
func stripParens(s string) (string, error) {
	return strings.NewReplacer("(", "", ")", "", " ", "").Replace(s), nil
}

// code128Manual reads TSPL's 128M content: !NNN is the Code 128 value NNN
// (103–105 start A, B, C; 99, 100, 101 code C, B, A; 102 FNC1; 96, 97
// FNC3, FNC2; 98 SHIFT), other characters stand for themselves (digit
// pairs in subset C).
func code128Manual(s string) (string, error) {
	var out strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '!' {
			out.WriteByte(s[i])
			continue
		}
		if i+4 > len(s) || !allDigits(s[i+1:i+4]) {
			return "", fmt.Errorf("128M: %q is not ! and three digits", s[i:])
		}
		v, _ := strconv.Atoi(s[i+1 : i+4])
		i += 3
		switch {
		case v == 102:
			if out.Len() > 0 {
				out.WriteString(gs)
			}
		case v >= 96 && v <= 105:
		default:
			return "", fmt.Errorf("128M: !%03d is not a function code", v)
		}
	}
	return out.String(), nil
}
