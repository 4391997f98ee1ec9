package labels

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/serialgate/serialgate"
)

// PDF417 names the PDF417 symbology as zxing names it; the root package
// lists only the symbologies serialgate decodes.
const PDF417 serialgate.Symbology = "PDF_417"

// DefaultMaxLabels is the number of printed labels Each expands before it
// stops with ErrTooManyLabels, when Job.MaxLabels is zero.
const DefaultMaxLabels = 1_000_000

// MaxFileSize is the largest label file Parse reads.
const MaxFileSize = 64 << 20

// ErrTooManyLabels is returned by Each when a job prints more labels than
// its cap allows.
var ErrTooManyLabels = errors.New("too many labels")

// Kind tells a barcode field from a text field.
type Kind uint8

// The kinds of field.
const (
	Barcode Kind = iota
	Text
	// Blank stands for a printed copy that carries no data field at all
	// (graphics and lines only): Each gives one per copy, so that a label
	// without a barcode is still seen.
	Blank
)

// String returns "barcode", "text" or "blank".
func (k Kind) String() string {
	switch k {
	case Text:
		return "text"
	case Blank:
		return "blank"
	}
	return "barcode"
}

// Field is one field of one printed label: a barcode and the data its
// symbol carries, or a line of text.
type Field struct {
	Label int // the label in the file, from 1: a ^XA…^XZ format (ZPL), a P or PRINT command (EPL, TSPL)
	Copy  int // the printed copy of that label, from 1 to its quantity
	// Field names the field: "FN3" for a ZPL ^FN3 field, else the
	// field's place among the label's data fields, from 1; "L2.3" for
	// field 3 of label 2 printed again under a later label, which the
	// printer kept in its bitmap (ZPL ^MCN).
	Field     string
	Kind      Kind
	Symbology serialgate.Symbology // "" for text and for barcodes serialgate has no name for
	Value     string               // the data the symbol carries, or the text printed
	X, Y      int
	Offset    int64 // byte offset of the command that gave the field its data
	// Err is set, and Value empty, when this copy's value of a serialized
	// field is one its symbology cannot carry (a ^SF step that puts a
	// letter into an EAN field): the copy would not print as meant. Each
	// also returns these faults, joined, once it is done.
	Err *ParseError
}

// ParseError is a fault in a label file. Offset counts bytes from the
// start of the file; Label is the label it spoils (0 when none).
type ParseError struct {
	File   string
	Offset int64
	Label  int
	Err    error
}

func (e *ParseError) Error() string {
	if e.Label > 0 {
		return fmt.Sprintf("%s: offset %d: label %d: %v", e.File, e.Offset, e.Label, e.Err)
	}
	return fmt.Sprintf("%s: offset %d: %v", e.File, e.Offset, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// Job is what a label file would print: its labels, each with a quantity,
// expanded lazily by Each.
type Job struct {
	File     string
	Language string // "zpl", "epl" or "tspl"
	Labels   []Label
	// Errors holds the faults found; a label with a fault is left out of
	// Labels, the others stay.
	Errors []*ParseError
	// MaxLabels caps the printed labels Each expands (0: DefaultMaxLabels).
	MaxLabels int64
}

// Label is one label format and how many times it prints.
type Label struct {
	N      int   // the label's number in the file, from 1
	Offset int64 // where it starts
	Count  int64 // printed copies
	// Group is how many consecutive copies share one value of the
	// serialized fields before they advance (ZPL ^PQ replicates + 1, EPL
	// and TSPL copies per set).
	Group  int64
	fields []template
	// overlay: the label prints over the last copy of the label before
	// it, which the printer kept in its bitmap (ZPL ^MCN).
	overlay bool
	// prints: a copy feeds a label even with no data field (a graphic
	// is drawn, or, in EPL and TSPL, the print command prints the buffer);
	// a ZPL format of printer settings alone prints nothing.
	prints bool
}

// Fields returns the number of data fields on each copy of l.
func (l *Label) Fields() int { return len(l.fields) }

// template is a field as the format gives it: fixed, or serialized from
// its first value.
type template struct {
	field  string
	kind   Kind
	sym    serialgate.Symbology
	x, y   int
	offset int64
	data   string // the field data on the first copy
	ser    serializer
	enc    func(string) (string, error) // field data → what the symbol carries; nil: as is
	fn     string                       // ZPL ^FN number, for stored formats
	filled bool                         // a ZPL stored field that got data
}

// serializer advances a field's data by one step.
type serializer interface {
	next(data string) string
}

// stepper is a serializer that computes the data of step k (from 0)
// itself rather than from the data before it (EPL counters, whose width
// can change).
type stepper interface {
	serializer
	at(k int64) string
}

func (t *template) value(data string) (string, error) {
	if t.enc == nil {
		return data, nil
	}
	return t.enc(data)
}

// Count returns how many labels the job prints, without expanding them.
func (j *Job) Count() int64 {
	var n int64
	for i := range j.Labels {
		n += j.Labels[i].Count
		if n < 0 {
			return 1<<63 - 1
		}
	}
	return n
}

// Err returns the job's faults joined, or nil.
func (j *Job) Err() error {
	if len(j.Errors) == 0 {
		return nil
	}
	errs := make([]error, len(j.Errors))
	for i, e := range j.Errors {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// Each calls fn with every field of every printed label in print order,
// computing serialized values as it goes, so that memory stays bounded
// however large the quantities. It stops at fn's first error, and with
// ErrTooManyLabels (wrapped in a *ParseError) once MaxLabels labels were
// expanded and more remain.
func (j *Job) Each(fn func(Field) error) error {
	max := j.MaxLabels
	if max <= 0 {
		max = DefaultMaxLabels
	}
	var done, faults int64
	var errs []error
	var kept []Field // the last copy of the label before, for an overlay
	for li := range j.Labels {
		l := &j.Labels[li]
		var under []Field
		if l.overlay {
			under = kept
		}
		kept = nil
		data := make([]string, len(l.fields))
		for i := range l.fields {
			data[i] = l.fields[i].data
		}
		fixed := make([]string, len(l.fields))
		for i := range l.fields {
			if l.fields[i].ser == nil {
				v, err := l.fields[i].value(data[i])
				if err != nil {
					return &ParseError{File: j.File, Offset: l.fields[i].offset, Label: l.N, Err: err}
				}
				fixed[i] = v
			}
		}
		group := max64(l.Group, 1)
		for c := int64(0); c < l.Count; c++ {
			if done >= max {
				return &ParseError{File: j.File, Offset: l.Offset, Label: l.N,
					Err: fmt.Errorf("%w: the job prints %d labels, more than the cap of %d", ErrTooManyLabels, j.Count(), max)}
			}
			done++
			if c > 0 && c%group == 0 {
				for i := range l.fields {
					switch s := l.fields[i].ser.(type) {
					case nil:
					case stepper:
						data[i] = s.at(c / group)
					default:
						data[i] = s.next(data[i])
					}
				}
			}
			last := c == l.Count-1
			for _, f := range under {
				f.Label, f.Copy = l.N, int(c+1)
				if last {
					kept = append(kept, f)
				}
				if err := fn(f); err != nil {
					return err
				}
			}
			for i := range l.fields {
				t := &l.fields[i]
				v := fixed[i]
				var pe *ParseError
				if t.ser != nil {
					var err error
					if v, err = t.value(data[i]); err != nil {
						pe = &ParseError{File: j.File, Offset: t.offset, Label: l.N, Err: fmt.Errorf("copy %d: %w", c+1, err)}
						if faults++; faults <= maxCopyFaults {
							errs = append(errs, pe)
						}
					}
				}
				f := Field{Label: l.N, Copy: int(c + 1), Field: t.field, Kind: t.kind, Symbology: t.sym,
					Value: v, X: t.x, Y: t.y, Offset: t.offset, Err: pe}
				if last && pe == nil {
					k := f
					k.Field = "L" + strconv.Itoa(l.N) + "." + f.Field
					kept = append(kept, k)
				}
				if err := fn(f); err != nil {
					return err
				}
			}
			if len(l.fields) == 0 && len(under) == 0 && l.prints {
				if err := fn(Field{Label: l.N, Copy: int(c + 1), Kind: Blank, Offset: l.Offset}); err != nil {
					return err
				}
			}
		}
	}
	if faults > maxCopyFaults {
		errs = append(errs, fmt.Errorf("%s: %d more copies with faults", j.File, faults-maxCopyFaults))
	}
	return errors.Join(errs...)
}

// maxCopyFaults bounds the copy faults Each keeps for its error, so that a
// million faulty copies cost no memory; every one still reaches fn.
const maxCopyFaults = 100

// Fields expands the job into a slice, up to MaxLabels labels.
func (j *Job) Fields() ([]Field, error) {
	var out []Field
	err := j.Each(func(f Field) error { out = append(out, f); return nil })
	return out, err
}

// Parse reads a label file, telling its language from its contents (and
// from its name's extension when the contents leave it open). The error is
// the job's faults joined (see Job.Errors) or a read error; the job holds
// every good label either way, nil only on a read error.
func Parse(name string, r io.Reader) (*Job, error) {
	b, err := readAll(name, r)
	if err != nil {
		return nil, err
	}
	switch lang := Detect(name, b); lang {
	case "zpl":
		return finish(parseZPL(name, b))
	case "epl":
		return finish(parseEPL(name, b))
	case "tspl":
		return finish(parseTSPL(name, b))
	}
	return nil, &ParseError{File: name, Err: errors.New("unknown label language: not ZPL, EPL or TSPL")}
}

// ParseZPL reads a ZPL II file.
func ParseZPL(name string, r io.Reader) (*Job, error) {
	b, err := readAll(name, r)
	if err != nil {
		return nil, err
	}
	return finish(parseZPL(name, b))
}

// ParseEPL reads an EPL2 file.
func ParseEPL(name string, r io.Reader) (*Job, error) {
	b, err := readAll(name, r)
	if err != nil {
		return nil, err
	}
	return finish(parseEPL(name, b))
}

// ParseTSPL reads a TSPL or TSPL2 file.
func ParseTSPL(name string, r io.Reader) (*Job, error) {
	b, err := readAll(name, r)
	if err != nil {
		return nil, err
	}
	return finish(parseTSPL(name, b))
}

func finish(j *Job) (*Job, error) { return j, j.Err() }

func readAll(name string, r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > MaxFileSize {
		return nil, &ParseError{File: name, Offset: MaxFileSize, Err: fmt.Errorf("file larger than %d bytes", MaxFileSize)}
	}
	return b, nil
}

var tsplWords = []string{"SIZE", "GAP", "BLINE", "CLS", "DIRECTION", "REFERENCE", "TEXT", "BARCODE", "QRCODE",
	"DMATRIX", "PRINT", "SET", "SPEED", "DENSITY", "CODEPAGE", "OFFSET", "SHIFT", "BAR", "BOX", "PDF417", "AZTEC", "@"}

// Detect names the language of a label file: "zpl", "epl", "tspl" or "".
func Detect(name string, b []byte) string {
	rest := bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	// A format start anywhere makes a ZPL job: real files often start with
	// a line of junk or a prefix reset ("CT~~CD,~CC^~CT~") before it.
	if bytes.Contains(b, []byte("^XA")) || bytes.Contains(b, []byte("^xa")) {
		return "zpl"
	}
	for len(rest) > 0 {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if line[0] == '^' || line[0] == '~' || bytes.Contains(line, []byte("^XA")) {
			return "zpl"
		}
		word := strings.ToUpper(string(line))
		if i := strings.IndexAny(word, " \t=,"); i >= 0 {
			word = word[:i]
		}
		for _, w := range tsplWords {
			if word == w || strings.HasPrefix(word, "@") {
				return "tspl"
			}
		}
		if line[0] == ';' { // an EPL comment line
			continue
		}
		switch line[0] {
		case 'N', 'q', 'Q', 'A', 'B', 'b', 'P', 'S', 'D', 'O', 'R', 'Z', 'I', 'F', 'V', 'C', '?', 'U', 'W', 'X', 'L', 'G', 'J':
			if len(line) == 1 || strings.ContainsAny(string(line[1:2]), "0123456789,\"KSERNBT") {
				return "epl"
			}
		}
		break
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".zpl":
		return "zpl"
	case ".epl":
		return "epl"
	case ".tspl", ".tsc":
		return "tspl"
	}
	if bytes.Contains(b, []byte("^XA")) || bytes.Contains(b, []byte("^xa")) {
		return "zpl"
	}
	return ""
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// atoi reads a decimal parameter, def when it is empty.
func atoi(s string, def int) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("bad number %q", s)
	}
	return n, nil
}

// gs1Check returns the GS1 mod-10 check digit of the digits s.
func gs1Check(s string) byte {
	sum := 0
	w := 3
	for i := len(s) - 1; i >= 0; i-- {
		sum += int(s[i]-'0') * w
		w = 4 - w
	}
	return byte('0' + (10-sum%10)%10)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
