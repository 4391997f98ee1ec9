package labels

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/serialgate/serialgate"
)

// ZPL II, as the Zebra ZPL II Programming Guide gives it.
//
// Quantities: ^PQq,p,r,o. The guide calls q the "total quantity of labels
// to print" and r the "replicates of each serial number", and says ^SN
// fields advance "when all replicates for each serial number have been
// printed". We take it as written: a format prints q labels in all, and
// each serial value prints on r+1 consecutive labels (the label and its r
// replicates) before it advances. So ^PQ6,0,1 prints 6 labels carrying 3
// serial values, each twice. (Some third-party references read q as the
// count of serial values and print q×(r+1); the guide's example, "^PQ50,10,1
// prints a total of 50 labels with one replicate of each serial number",
// is the reading here.)
//
// Carriage returns and line feeds are ignored, in field data too, as the
// printer ignores them; use ^FH to put them in data.
//
// Real files: bytes before the first command are skipped; ~ commands
// (~JA, ~TA, ~SD, ~DG, ...) configure the printer and carry no label data;
// binary graphics (^GFB, ^GFC, ~DY with format B or C) are skipped by
// their byte count, since the printer ignores prefixes inside them; ASCII
// hex and B64/Z64 data hold no prefix and end at the next one. ^LH and
// ^MC are printer settings that outlive a format: the label home is added
// to every later ^FO/^FT, and after ^MCN the next format prints over the
// last copy of this one (its fields come first, named "L<label>.<field>").
// ^XZ ends a field left open. In a ^FB or ^TB block \& is a line break.
// Field data bytes are kept as they are (UTF-8 under ^CI28); ^CI
// character remapping is not applied.

type zplParser struct {
	file              string
	b                 []byte
	fmtP, ctlP, delim byte
	job               *Job
	formats           map[string]*zplFormat
	labels            int
	lab               *zplLabel
	// Printer settings that outlive a format: the label home (^LH) and
	// whether the bitmap is kept after printing (^MCN).
	lhx, lhy int
	keepMap  bool
	// overlay tells whether the next format prints over the last one:
	// the last format printed with ^MCN in effect, without fault.
	overlay bool
}

type zplFormat struct {
	fields []template
	q, r   int64
	hasPQ  bool
}

type zplLabel struct {
	n      int
	offset int64
	q, r   int64
	hasPQ  bool
	fields []template
	store  string // ^DF name
	f      zplField
	err    *ParseError
	index  int
	drawn  bool // a graphic (box, circle, line, image) is drawn: the label prints even with no field
}

type zplField struct {
	x, y      int
	bc        string // barcode command, "" for text
	bcOffset  int64
	params    []string
	block     bool // text in a ^FB or ^TB block: \& is a line break
	hexInd    byte
	fn        string
	data      string
	hasData   bool
	offset    int64
	ser       chain
	serOffset int64
}

func parseZPL(name string, b []byte) *Job {
	p := &zplParser{file: name, b: b, fmtP: '^', ctlP: '~', delim: ',', job: &Job{File: name, Language: "zpl"},
		formats: map[string]*zplFormat{}}
	p.run()
	return p.job
}

func (p *zplParser) fail(off int64, label int, format string, args ...any) *ParseError {
	return &ParseError{File: p.file, Offset: off, Label: label, Err: fmt.Errorf(format, args...)}
}

// labelErr records the first fault of the current label, which spoils it.
func (p *zplParser) labelErr(off int64, format string, args ...any) {
	if p.lab == nil {
		p.job.Errors = append(p.job.Errors, p.fail(off, 0, format, args...))
		return
	}
	if p.lab.err == nil {
		p.lab.err = p.fail(off, p.lab.n, format, args...)
	}
}

func stripCRLF(b []byte) string {
	if bytes.IndexByte(b, '\r') < 0 && bytes.IndexByte(b, '\n') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c != '\r' && c != '\n' {
			out = append(out, c)
		}
	}
	return string(out)
}

func (p *zplParser) run() {
	b := p.b
	i := 0
	for i < len(b) {
		c := b[i]
		if c != p.fmtP && c != p.ctlP {
			i++
			continue
		}
		start := int64(i)
		prefix := c
		j := i + 1
		for j < len(b) && (b[j] == '\r' || b[j] == '\n') {
			j++
		}
		if j+1 >= len(b) {
			p.labelErr(start, "command cut short at the end of the file")
			break
		}
		name := strings.ToUpper(string(b[j : j+2]))
		i = j + 2
		switch name {
		case "CC", "CT", "CD":
			if i >= len(b) {
				p.labelErr(start, "%c%s without its character", prefix, name)
				continue
			}
			ch := b[i]
			i++
			switch name {
			case "CC":
				p.fmtP = ch
			case "CT":
				p.ctlP = ch
			case "CD":
				p.delim = ch
			}
			continue
		case "FD", "FV":
			if prefix == p.fmtP {
				end := bytes.IndexByte(b[i:], p.fmtP)
				if end < 0 {
					end = len(b) - i
				}
				p.fieldData(start, stripCRLF(b[i:i+end]))
				i += end
				continue
			}
		}
		if name == "GF" && prefix == p.fmtP || name == "DY" && prefix == p.ctlP {
			if end, ok := p.binary(start, name, i); ok {
				i = end
				continue
			}
		}
		end := i
		for end < len(b) && b[end] != p.fmtP && b[end] != p.ctlP {
			end++
		}
		params := stripCRLF(b[i:end])
		i = end
		if prefix == p.fmtP {
			p.command(start, name, params)
		}
		// Control (~) commands configure the printer; none carries label data.
	}
	if p.lab != nil {
		p.labelErr(p.lab.offset, "label not ended by ^XZ")
		p.job.Errors = append(p.job.Errors, p.lab.err)
		p.lab = nil
	}
}

// binary skips the data of a graphic sent as binary: ^GFB or ^GFC (the
// binary byte count b after a,b,c,d) and ~DY with format B or C (t bytes
// after d:f,b,x,t,w). The guide: "all control prefixes are ignored until
// the total number of bytes needed for the graphic format is sent", so
// such data may hold ^ and ~. It returns where the command ends, and false
// for ASCII hex and B64/Z64 data, which hold neither and end at the next
// prefix as other parameters do.
func (p *zplParser) binary(start int64, name string, i int) (int, bool) {
	b := p.b
	fields, format, count := 4, 0, 1 // ^GFa,b,c,d,data: a the format, b the count
	if name == "DY" {
		fields, format, count = 5, 1, 3 // ~DYd:f,b,x,t,w,data
	}
	var ps []string
	k := i
	for len(ps) < fields {
		j := k
		for j < len(b) && b[j] != p.delim && b[j] != p.fmtP && b[j] != p.ctlP {
			j++
		}
		if j >= len(b) || b[j] != p.delim {
			return 0, false
		}
		ps = append(ps, strings.TrimSpace(stripCRLF(b[k:j])))
		k = j + 1
	}
	if f := strings.ToUpper(ps[format]); f != "B" && f != "C" {
		return 0, false
	}
	if bytes.HasPrefix(b[k:], []byte(":B64:")) || bytes.HasPrefix(b[k:], []byte(":Z64:")) {
		return 0, false
	}
	n, err := strconv.Atoi(ps[count])
	if err != nil || n < 0 {
		p.labelErr(start, "%c%s: binary graphic with a bad byte count %q", b[start], name, ps[count])
		return len(b), true
	}
	if n > len(b)-k {
		p.labelErr(start, "%c%s: binary graphic of %d bytes cut short: the file ends %d bytes after its start", b[start], name, n, len(b)-k)
		return len(b), true
	}
	return k + n, true
}

func (p *zplParser) split(s string) []string { return strings.Split(s, string(p.delim)) }

func (p *zplParser) command(off int64, name, params string) {
	if name == "XA" {
		if p.lab != nil {
			p.labelErr(off, "^XA inside a label: the label before it has no ^XZ")
			p.endLabel(off)
		}
		p.labels++
		p.lab = &zplLabel{n: p.labels, offset: off, q: 1}
		return
	}
	l := p.lab
	if l == nil {
		switch name {
		// ^FS alone is not reported: it ends the stray ^FD reported before it.
		case "FD", "FO", "FT", "SN", "SF", "FN", "PQ", "XZ", "XF", "DF":
			p.job.Errors = append(p.job.Errors, p.fail(off, 0, "^%s outside a label (no ^XA before it)", name))
		}
		return
	}
	f := &l.f
	ps := p.split(params)
	switch name {
	case "GB", "GC", "GD", "GE", "GF", "GS", "XG", "IM":
		l.drawn = true
	}
	switch name {
	case "XZ":
		if f.hasData || f.bc != "" {
			p.endField(off) // ^XZ ends a field left open, as the printer prints it
		}
		p.endLabel(off)
	case "FO", "FT":
		x, err1 := atoi(param(ps, 0), 0)
		y, err2 := atoi(param(ps, 1), 0)
		if err := errors.Join(err1, err2); err != nil {
			p.labelErr(off, "^%s: %v", name, err)
			return
		}
		f.x, f.y = x+p.lhx, y+p.lhy
	case "LH":
		// A printer setting: it holds for the formats after this one too
		// ("initial value at power up: 0,0 or last permanently saved").
		x, err1 := atoi(param(ps, 0), p.lhx)
		y, err2 := atoi(param(ps, 1), p.lhy)
		if err := errors.Join(err1, err2); err != nil {
			p.labelErr(off, "^LH: %v", err)
			return
		}
		p.lhx, p.lhy = x, y
	case "MC":
		if l.store == "" {
			switch strings.ToUpper(param(ps, 0)) {
			case "N":
				p.keepMap = true
			case "Y", "":
				p.keepMap = false
			}
		}
	case "FB", "TB":
		f.block = true
	case "FH":
		f.hexInd = '_'
		if params != "" {
			f.hexInd = params[0]
		}
	case "FN":
		// ^FNn"prompt": the prompt (firmware V60.14) is no field data.
		num, _, _ := strings.Cut(param(ps, 0), `"`)
		n, err := atoi(num, 0)
		if err != nil || n < 0 {
			p.labelErr(off, "^FN: bad field number %q", params)
			return
		}
		f.fn = strconv.Itoa(n)
	case "SN":
		data, s, err := parseSN(ps)
		if err != nil {
			p.labelErr(off, "%v", err)
			return
		}
		f.data, f.hasData, f.offset = data, true, off
		f.ser = append(f.ser, s)
	case "SF":
		s, err := parseSF(ps)
		if err != nil {
			p.labelErr(off, "%v", err)
			return
		}
		f.ser = append(f.ser, s)
	case "FS":
		p.endField(off)
	case "PQ":
		q, err1 := atoi(param(ps, 0), 1)
		r, err2 := atoi(param(ps, 2), 0)
		if err := errors.Join(err1, err2); err != nil || q < 1 || q > 99_999_999 || r < 0 || r > 99_999_999 {
			p.labelErr(off, "^PQ: want a quantity of 1 to 99999999 and 0 to 99999999 replicates, got %q", params)
			return
		}
		l.q, l.r, l.hasPQ = int64(q), int64(r), true
	case "DF":
		l.store = formatName(params, "R:")
	case "XF":
		// Without a device the printer searches R:, E:, B: and A: in turn.
		name := formatName(params, "")
		var st *zplFormat
		for _, d := range []string{"", "R:", "E:", "B:", "A:"} {
			if d != "" && strings.Contains(name, ":") {
				break
			}
			if st = p.formats[d+name]; st != nil {
				break
			}
		}
		if st == nil {
			p.labelErr(off, "^XF recalls %s, which no ^DF in this file stored", name)
			return
		}
		for _, t := range st.fields {
			l.fields = append(l.fields, t)
		}
		if st.hasPQ && !l.hasPQ {
			l.q, l.r = st.q, st.r
		}
	default:
		if len(name) == 2 && name[0] == 'B' && name != "BY" {
			f.bc, f.params, f.bcOffset = name, ps, off
		}
	}
}

func param(ps []string, i int) string {
	if i < len(ps) {
		return strings.TrimSpace(ps[i])
	}
	return ""
}

// formatName normalizes a stored format's name: upper case, the device
// dev unless one is given, the name UNKNOWN and the extension .ZPL unless
// given, as the guide's defaults for ^DF and ^XF are.
func formatName(s, dev string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if k := strings.IndexByte(s, ','); k >= 0 {
		s = s[:k]
	}
	d, name, ok := strings.Cut(s, ":")
	if ok {
		dev = d + ":"
	} else {
		name = s
	}
	if name == "" || name[0] == '.' {
		name = "UNKNOWN" + name
	}
	if !strings.Contains(name, ".") {
		name += ".ZPL"
	}
	return dev + name
}

func (p *zplParser) fieldData(off int64, data string) {
	l := p.lab
	if l == nil {
		p.job.Errors = append(p.job.Errors, p.fail(off, 0, "^FD outside a label (no ^XA before it)"))
		return
	}
	f := &l.f
	if f.hexInd != 0 {
		d, err := unhex(data, f.hexInd)
		if err != nil {
			p.labelErr(off, "^FH: %v", err)
			return
		}
		data = d
	}
	f.data, f.hasData, f.offset = data, true, off
}

func unhex(s string, ind byte) (string, error) {
	if strings.IndexByte(s, ind) < 0 {
		return s, nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != ind {
			out = append(out, s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", fmt.Errorf("hex escape %q cut short", s[i:])
		}
		h, ok1 := hexVal(s[i+1])
		lo, ok2 := hexVal(s[i+2])
		if !ok1 || !ok2 {
			return "", fmt.Errorf("bad hex escape %q", s[i:i+3])
		}
		out = append(out, h<<4|lo)
		i += 2
	}
	return string(out), nil
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (p *zplParser) endField(off int64) {
	l := p.lab
	f := l.f
	l.f = zplField{}
	if f.fn != "" && l.store == "" {
		// Data for the ^FN fields of a recalled format.
		matched := false
		for i := range l.fields {
			t := &l.fields[i]
			if t.fn == f.fn {
				matched = true
				t.data, t.offset, t.filled = f.data, f.offset, f.hasData
				t.ser = nil
				if len(f.ser) > 0 {
					t.ser = f.ser
				}
			}
		}
		if matched {
			return
		}
		if !f.hasData {
			return
		}
	}
	if !f.hasData && f.fn == "" {
		return // a graphic or an empty field: nothing to read
	}
	l.index++
	t := template{field: strconv.Itoa(l.index), kind: Text, x: f.x, y: f.y, offset: f.offset, data: f.data,
		fn: f.fn, filled: f.hasData}
	if f.fn != "" {
		t.field = "FN" + f.fn
	}
	if len(f.ser) > 0 {
		t.ser = f.ser
	}
	if f.bc != "" {
		t.kind = Barcode
		sym, enc, err := zplBarcode(f.bc, f.params)
		if err != nil {
			p.labelErr(f.bcOffset, "^%s: %v", f.bc, err)
			return
		}
		t.sym, t.enc = sym, enc
	} else if f.block {
		t.enc = fieldBlock
	}
	l.fields = append(l.fields, t)
}

// fieldBlock reads the escapes of text in a ^FB block, as the guide lists
// them: \& a line break (written \n here), \\ a backslash, and \(c) a
// soft hyphen, printed only where the block breaks a line, which this
// parser does not know: it is dropped.
func fieldBlock(s string) (string, error) {
	if strings.IndexByte(s, '\\') < 0 {
		return s, nil
	}
	var out strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] != '\\' || i+1 == len(s):
			out.WriteByte(s[i])
		case s[i+1] == '&':
			out.WriteByte('\n')
			i++
		case s[i+1] == '\\':
			out.WriteByte('\\')
			i++
		case s[i+1] == '(' && i+3 < len(s) && s[i+3] == ')':
			i += 3
		default:
			out.WriteByte(s[i])
		}
	}
	return out.String(), nil
}

// zplBarcode gives the symbology of a ^B command and how its field data
// becomes the symbol's data.
func zplBarcode(cmd string, ps []string) (serialgate.Symbology, func(string) (string, error), error) {
	yes := func(i int, def bool) bool {
		switch strings.ToUpper(param(ps, i)) {
		case "Y":
			return true
		case "N":
			return false
		}
		return def
	}
	switch cmd {
	case "BC":
		switch m := strings.ToUpper(param(ps, 5)); m {
		case "", "N":
			return serialgate.Code128, code128, nil
		case "A":
			return serialgate.Code128, code128Auto, nil
		case "U":
			return serialgate.Code128, code128UCC, nil
		case "D":
			return serialgate.Code128, code128GS1, nil
		default:
			return "", nil, fmt.Errorf("unknown code 128 mode %q (want N, U, A or D)", m)
		}
	case "B3":
		return serialgate.Code39, code39(yes(1, false)), nil
	case "BA":
		return serialgate.Code93, nil, nil
	case "BE":
		return serialgate.EAN13, eanUPC(12, "EAN-13"), nil
	case "B8":
		return serialgate.EAN8, eanUPC(7, "EAN-8"), nil
	case "BU":
		return serialgate.UPCA, eanUPC(11, "UPC-A"), nil
	case "B2":
		return serialgate.ITF, interleaved2of5(yes(4, false)), nil
	case "BK":
		return serialgate.Codabar, nil, nil
	case "BX":
		esc := byte('~')
		if e := param(ps, 6); e != "" {
			esc = e[0]
		}
		if q := param(ps, 2); q != "200" {
			return serialgate.DataMatrix, nil, nil // ECC 000–140 take no escapes
		}
		return serialgate.DataMatrix, dataMatrix(esc), nil
	case "B9":
		return serialgate.UPCE, nil, nil
	case "BQ":
		return serialgate.QRCode, qrCode, nil
	case "B7":
		return PDF417, nil, nil
	case "BO", "B0":
		return serialgate.Aztec, nil, nil
	}
	return "", nil, nil // a symbology serialgate has no name for: data as given
}

func (p *zplParser) endLabel(off int64) {
	l := p.lab
	p.lab = nil
	if l.f.hasData || l.f.bc != "" {
		if l.err == nil {
			l.err = p.fail(off, l.n, "field not ended by ^FS before ^XZ")
		}
	}
	if l.err != nil {
		p.job.Errors = append(p.job.Errors, l.err)
		p.overlay = false // what the spoilt label left in the bitmap is unknown
		return
	}
	if l.store != "" {
		p.formats[l.store] = &zplFormat{fields: l.fields, q: l.q, r: l.r, hasPQ: l.hasPQ}
		return
	}
	overlay := p.overlay
	p.overlay = p.keepMap
	var fields []template
	index := 0
	for _, t := range l.fields {
		if !t.filled {
			continue // a ^FN field the recall gave no data
		}
		index++
		if t.fn == "" {
			t.field = strconv.Itoa(index)
		}
		if _, err := t.value(t.data); err != nil {
			p.job.Errors = append(p.job.Errors, p.fail(t.offset, l.n, "%v", err))
			p.overlay = false
			return
		}
		fields = append(fields, t)
	}
	p.job.Labels = append(p.job.Labels, Label{N: l.n, Offset: l.offset, Count: l.q, Group: l.r + 1, fields: fields,
		overlay: overlay, prints: l.drawn})
}
