package labels

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/serialgate/serialgate"
)

// EPL2, as Zebra's EPL2 Programming Guide gives it: N clears the image
// buffer, A draws text, B a linear barcode, b a two-dimensional one, and
// Pp1,p2 prints the buffer: p1 label sets of p2 copies each (p1×p2
// labels). Each P is one Label.
//
// Stored forms: FS"name" … FE stores the lines between, FR"name" loads
// them into the image buffer (in place of what was there), FK"name"
// deletes a form. A form's variables (Vnn,width,justification,"prompt")
// and counters (Cn,digits,justification,±step,"prompt") are filled by the
// lines after a ? command: the variables in ascending order, then the
// counters, one line each. A field's data is a sequence of quoted
// strings and references: Vnn, Cn, and Cn+d or Cn-d (the counter's value
// plus or minus one digit, leaving the counter as it is), as in
// "Lot: "V00. Counters advance by their step once per label set, and go
// on from where they stopped at the next P. A counter whose starting value
// has a leading zero ("01") is padded with zeros to its digits; justified
// fields (L, R, C) are padded with spaces to their width, N prints what
// there is. Past its digits a counter rolls over as an odometer (the
// guide does not say). Date and time fields (TD, TT) are not read: a
// field that uses one is a fault of its label.

type eplParser struct {
	file   string
	job    *Job
	fields []eplField
	err    *ParseError
	labels int

	forms    map[string][]eplLine
	storing  []eplLine // the form being stored, from FS to FE
	store    string    // its name; "" when not storing
	vars     map[int]*eplVar
	counters map[int]*eplCounter
	fill     []int // the ? data lines still expected: variable n, or counter -1-n
	fillOff  int64
	depth    int // forms being recalled, one within another
}

// eplLine is a line of a stored form and where it was in the file.
type eplLine struct {
	off  int64
	text string
}

// eplField is a field and the parts of its data.
type eplField struct {
	t     template
	parts []eplPart
	cmd   byte
}

// eplPart is a quoted string (ref 0), a variable (ref 'V') or a counter
// (ref 'C', with add for Cn±d).
type eplPart struct {
	ref  byte
	n    int
	add  int64
	text string
}

type eplVar struct {
	width int
	just  byte
	value string
	set   bool
}

type eplCounter struct {
	digits int
	just   byte
	step   int64
	value  int64
	zeros  bool // the starting value had a leading zero: pad with zeros
	set    bool
}

func parseEPL(name string, b []byte) *Job {
	p := &eplParser{file: name, job: &Job{File: name, Language: "epl"}, forms: map[string][]eplLine{},
		vars: map[int]*eplVar{}, counters: map[int]*eplCounter{}}
	lines(b, p.line)
	return p.job
}

func (p *eplParser) fault(off int64, format string, args ...any) {
	if p.err == nil {
		p.err = &ParseError{File: p.file, Offset: off, Label: p.labels + 1, Err: fmt.Errorf(format, args...)}
	}
}

func (p *eplParser) line(off int64, line string) {
	if len(p.fill) > 0 {
		p.fillLine(off, line)
		return
	}
	if strings.TrimSpace(line) == "" || line[0] == ';' {
		return
	}
	if p.store != "" {
		if line == "FE" || strings.HasPrefix(line, "FE ") {
			p.forms[p.store] = p.storing
			p.store, p.storing = "", nil
			return
		}
		p.storing = append(p.storing, eplLine{off, line})
		return
	}
	switch {
	case line == "N" || strings.HasPrefix(line, "N "):
		p.fields, p.err = nil, nil
	case strings.HasPrefix(line, "FS"):
		name, err := eplName(line[2:])
		if err != nil {
			p.fault(off, "FS: %v", err)
			return
		}
		p.store, p.storing = name, []eplLine{}
	case strings.HasPrefix(line, "FK"):
		if name, err := eplName(line[2:]); err == nil {
			delete(p.forms, name)
		}
	case strings.HasPrefix(line, "FR"):
		name, err := eplName(line[2:])
		if err != nil {
			p.fault(off, "FR: %v", err)
			return
		}
		form, ok := p.forms[name]
		if !ok {
			p.fault(off, "FR recalls form %q, which no FS in this file stored", name)
			return
		}
		if p.depth >= 8 {
			p.fault(off, "FR: forms recalled within forms more than 8 deep")
			return
		}
		// The form takes the place of what the buffer held.
		p.fields = nil
		p.vars, p.counters = map[int]*eplVar{}, map[int]*eplCounter{}
		p.depth++
		for _, l := range form {
			p.line(l.off, l.text)
		}
		p.depth--
	case line == "?":
		p.fill, p.fillOff = p.fillOrder(), off
	case line[0] == 'V' && len(line) > 1 && isDigit(line[1]):
		p.defineVar(off, line)
	case line[0] == 'C' && len(line) > 1 && isDigit(line[1]):
		p.defineCounter(off, line)
	case line[0] == 'P' && (len(line) == 1 || isDigit(line[1])):
		p.print(off, line)
	case line[0] == 'A' && len(line) > 1 && isDigit(line[1]):
		p.field(off, line, 7, Text)
	case line[0] == 'B' && len(line) > 1 && isDigit(line[1]):
		p.field(off, line, 8, Barcode)
	case line[0] == 'b' && len(line) > 1 && isDigit(line[1]):
		p.field(off, line, -1, Barcode)
	}
}

// eplName reads a form name in double quotes.
func eplName(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", fmt.Errorf("form name %q is not in double quotes", s)
	}
	return s[1 : len(s)-1], nil
}

// fillOrder lists what the ? data lines fill: the variables in ascending
// order, then the counters.
func (p *eplParser) fillOrder() []int {
	var vs, cs []int
	for n := range p.vars {
		vs = append(vs, n)
	}
	for n := range p.counters {
		cs = append(cs, -1-n)
	}
	sort.Ints(vs)
	sort.Sort(sort.Reverse(sort.IntSlice(cs))) // -1 (C0) first
	return append(vs, cs...)
}

func (p *eplParser) fillLine(off int64, line string) {
	n := p.fill[0]
	p.fill = p.fill[1:]
	if n >= 0 {
		v := p.vars[n]
		v.value, v.set = line, true
		return
	}
	c := p.counters[-1-n]
	d := strings.TrimSpace(line)
	if d == "" || len(d) > 18 || !allDigits(d) {
		p.fault(off, "counter C%d: starting value %q is not a number", -1-n, line)
		return
	}
	c.value, _ = strconv.ParseInt(d, 10, 64)
	c.value %= pow10(c.digits)
	c.zeros, c.set = len(d) > 1 && d[0] == '0', true
}

func pow10(n int) int64 {
	m := int64(1)
	for i := 0; i < n && i < 18; i++ {
		m *= 10
	}
	return m
}

func eplJust(s string) (byte, bool) {
	if len(s) == 1 && strings.Contains("LRCN", s) {
		return s[0], true
	}
	return 0, false
}

// definition reads the number, width and justification a V or C
// definition starts with, and its other parameters; maxN and maxW bound
// the number and the width.
func (p *eplParser) definition(off int64, line string, maxN, maxW int) (n, w int, just byte, rest []string, ok bool) {
	ps, err := splitParams(line[1:], true)
	if err == nil && len(ps) >= 4 {
		var err1, err2 error
		n, err1 = atoi(ps[0], -1)
		w, err2 = atoi(ps[1], -1)
		just, ok = eplJust(ps[2])
		ok = ok && errors.Join(err1, err2) == nil && n >= 0 && n <= maxN && w >= 1 && w <= maxW
	}
	if !ok {
		p.fault(off, "%c: want a number of 0 to %d, a width of 1 to %d, L, R, C or N and a prompt, got %q",
			line[0], maxN, maxW, line[1:])
		return 0, 0, 0, nil, false
	}
	return n, w, just, ps[3:], true
}

// defineVar reads Vp1,p2,p3,"prompt".
func (p *eplParser) defineVar(off int64, line string) {
	if n, w, just, _, ok := p.definition(off, line, 99, 99); ok {
		p.vars[n] = &eplVar{width: w, just: just}
	}
}

// defineCounter reads Cp1,p2,p3,p4,"prompt": p4 the step, ±0 to ±9.
func (p *eplParser) defineCounter(off int64, line string) {
	n, d, just, rest, ok := p.definition(off, line, 9, 18)
	if !ok {
		return
	}
	step, err := strconv.ParseInt(rest[0], 10, 64)
	if err != nil || len(rest[0]) != 2 || rest[0][0] != '+' && rest[0][0] != '-' {
		p.fault(off, "C: want a step of ±0 to ±9, got %q", rest[0])
		return
	}
	p.counters[n] = &eplCounter{digits: d, just: just, step: step}
}

func (p *eplParser) print(off int64, line string) {
	p.labels++
	ps := strings.Split(line[1:], ",")
	sets, err1 := atoi(param(ps, 0), 1)
	copies, err2 := atoi(param(ps, 1), 1)
	if err := errors.Join(err1, err2); err != nil || sets < 1 || copies < 1 {
		p.fault(off, "P: want label sets and copies of 1 or more, got %q", line[1:])
	}
	if len(p.fill) > 0 {
		p.fault(p.fillOff, "? expects %d more data lines", len(p.fill))
	}
	var fs []template
	for i, f := range p.fields {
		t := f.t
		t.field = strconv.Itoa(i + 1)
		if f.parts != nil {
			var err error
			if t.data, err = p.eval(f.parts, 0); err != nil {
				p.fault(t.offset, "%c: %v", f.cmd, err)
				break
			}
			if p.advances(f.parts) {
				t.ser = &eplSeq{p: p.snapshot(), parts: f.parts}
			}
			if _, err := t.value(t.data); err != nil {
				p.fault(t.offset, "%c: %v", f.cmd, err)
				break
			}
		}
		fs = append(fs, t)
	}
	if p.err != nil {
		p.err.Label = p.labels
		p.job.Errors = append(p.job.Errors, p.err)
		p.err = nil
	} else {
		p.job.Labels = append(p.job.Labels, Label{N: p.labels, Offset: off, Count: int64(sets) * int64(copies),
			Group: int64(copies), fields: fs, prints: true})
	}
	// The counters go on from where this print left them.
	for _, c := range p.counters {
		c.value = wrap(c.value+c.step*int64(max(sets, 1)), c.digits)
	}
}

func wrap(v int64, digits int) int64 {
	m := pow10(digits)
	return (v%m + m) % m
}

// advances tells whether a field's data holds a counter that moves.
func (p *eplParser) advances(parts []eplPart) bool {
	for _, pt := range parts {
		if c := p.counters[pt.n]; pt.ref == 'C' && c != nil && c.step != 0 {
			return true
		}
	}
	return false
}

// snapshot copies the variables and counters as they stand, for the
// serialized values of one print.
func (p *eplParser) snapshot() *eplParser {
	q := &eplParser{vars: map[int]*eplVar{}, counters: map[int]*eplCounter{}}
	for n, v := range p.vars {
		vv := *v
		q.vars[n] = &vv
	}
	for n, c := range p.counters {
		cc := *c
		q.counters[n] = &cc
	}
	return q
}

// eval gives a field's data on label set k of a print.
func (p *eplParser) eval(parts []eplPart, k int64) (string, error) {
	var out strings.Builder
	for _, pt := range parts {
		switch pt.ref {
		case 0:
			out.WriteString(pt.text)
		case 'V':
			v := p.vars[pt.n]
			if err := unfilled(fmt.Sprintf("variable V%02d", pt.n), v != nil, v != nil && v.set); err != nil {
				return "", err
			}
			s := v.value
			if len(s) > v.width {
				s = s[:v.width]
			}
			out.WriteString(justify(s, v.width, v.just))
		case 'C':
			c := p.counters[pt.n]
			if err := unfilled(fmt.Sprintf("counter C%d", pt.n), c != nil, c != nil && c.set); err != nil {
				return "", err
			}
			d := strconv.FormatInt(wrap(c.value+c.step*k+pt.add, c.digits), 10)
			if c.zeros && len(d) < c.digits {
				d = strings.Repeat("0", c.digits-len(d)) + d
			}
			out.WriteString(justify(d, c.digits, c.just))
		}
	}
	return out.String(), nil
}

// unfilled tells why a variable or counter has no value, nil when it
// has one.
func unfilled(what string, defined, set bool) error {
	switch {
	case !defined:
		return fmt.Errorf("%s is not defined in the form", what)
	case !set:
		return fmt.Errorf("%s has no data (? command)", what)
	}
	return nil
}

// justify pads s with spaces to width: L on the right, R on the left, C
// on both sides (the odd space on the right); N leaves it.
func justify(s string, width int, just byte) string {
	pad := width - len(s)
	if pad <= 0 || just == 'N' {
		return s
	}
	switch just {
	case 'L':
		return s + strings.Repeat(" ", pad)
	case 'R':
		return strings.Repeat(" ", pad) + s
	}
	return strings.Repeat(" ", pad/2) + s + strings.Repeat(" ", pad-pad/2)
}

// eplSeq serializes a field whose data holds counters: its value on label
// set k is computed from the counters as the print started.
type eplSeq struct {
	p     *eplParser
	parts []eplPart
}

func (s *eplSeq) next(data string) string { return data } // unused: Each asks at

func (s *eplSeq) at(k int64) string {
	v, _ := s.p.eval(s.parts, k)
	return v
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
	parts, err := eplData(ps[n])
	if err != nil {
		p.fault(off, "%c: %v", line[0], err)
		return
	}
	f := eplField{t: template{kind: kind, x: x, y: y, offset: off, filled: true}, cmd: line[0]}
	if len(parts) == 1 && parts[0].ref == 0 {
		f.t.data = parts[0].text
	} else {
		f.parts = parts
	}
	if kind == Barcode {
		if line[0] == 'B' {
			f.t.sym, f.t.enc = eplBarcode(ps[3])
		} else {
			switch strings.ToUpper(ps[2]) {
			case "Q":
				f.t.sym = serialgate.QRCode
			case "D":
				f.t.sym = serialgate.DataMatrix
			case "P":
				f.t.sym = PDF417
			case "A":
				f.t.sym = serialgate.Aztec
			}
		}
		if f.parts == nil {
			if _, err := f.t.value(f.t.data); err != nil {
				p.fault(off, "%c: %v", line[0], err)
				return
			}
		}
	}
	p.fields = append(p.fields, f)
}

// eplData reads a field's data: quoted strings (with \" and \\ escapes)
// and variable and counter references, side by side.
func eplData(s string) ([]eplPart, error) {
	var parts []eplPart
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '"':
			var out strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				out.WriteByte(s[j])
			}
			if j == len(s) {
				return nil, errors.New("string not closed by a double quote")
			}
			parts = append(parts, eplPart{text: out.String()})
			i = j + 1
		case c == 'V' && i+2 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]):
			parts = append(parts, eplPart{ref: 'V', n: int(s[i+1]-'0')*10 + int(s[i+2]-'0')})
			i += 3
		case c == 'C' && i+1 < len(s) && isDigit(s[i+1]):
			pt := eplPart{ref: 'C', n: int(s[i+1] - '0')}
			i += 2
			if i+1 < len(s) && (s[i] == '+' || s[i] == '-') && isDigit(s[i+1]) {
				pt.add = int64(s[i+1] - '0')
				if s[i] == '-' {
					pt.add = -pt.add
				}
				i += 2
			}
			parts = append(parts, pt)
		case c == ' ':
			i++
		default:
			return nil, fmt.Errorf("data %q: want quoted text, Vnn or Cn (date and time fields are not read)", s[i:])
		}
	}
	if len(parts) == 0 {
		return nil, errors.New("no data")
	}
	return parts, nil
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
