// Package report writes verdicts for people and pipelines: text lines, JSON
// lines, CSV, JUnit XML and a self-contained HTML page, and the packaging
// line's shift report from the record (see Shift). The command line, the
// label-file checks and the station's reports write through it, so a
// verdict reads the same everywhere.
package report

import (
	"bufio"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/serialgate/serialgate"
)

// Formats lists the formats New accepts.
var Formats = []string{"text", "jsonl", "csv", "junit", "html"}

// Writer writes verdicts, each with the file and line it came from.
type Writer interface {
	Write(file string, line int, v serialgate.Verdict) error
	// Result writes a verdict with its place: a line, or a field of a
	// printed label.
	Result(r Result) error
	// Close writes what the format keeps to the end and flushes.
	Close() error
}

// Result is a verdict with where it stands: a line of a serial list (or a
// page of an image or PDF), or a field of one printed copy of a label in
// a label print file.
type Result struct {
	File string
	Line int // the line or page; 0 for a label field
	// Label, Copy and Field place a label field: the label in the file
	// and the printed copy, from 1, and the field's name ("FN3", "2").
	// Label is 0 for a line.
	Label, Copy int
	Field       string
	Symbology   serialgate.Symbology
	Value       string // the data the field prints, from which the serial was taken
	Verdict     serialgate.Verdict
	// Fields are every field of the label the result stands on, shown
	// beside a rejected label in the HTML report; the writer may ignore
	// them.
	Fields []LabelField
}

// LabelField is one field of a printed label, as shown beside a rejected
// label.
type LabelField struct {
	Field     string
	Kind      string // "barcode" or "text"
	Symbology serialgate.Symbology
	Value     string
}

// Place names where a result stands: "line 4", "label 3 copy 2 field FN1",
// "label 3" (a malformed label, no copy of which prints), "outside any
// label" (a label file's fault between its labels).
func (r Result) Place() string {
	if r.Label == 0 {
		if r.Line == 0 {
			return "outside any label"
		}
		return "line " + strconv.Itoa(r.Line)
	}
	p := "label " + strconv.Itoa(r.Label)
	if r.Copy > 0 {
		p += " copy " + strconv.Itoa(r.Copy)
	}
	if r.Field != "" {
		p += " field " + Name(r.Field)
	}
	return p
}

// Options are New's choices.
type Options struct {
	// Labels adds the label columns (label, copy, field, symbology,
	// value) to the CSV header; a run that checks label files sets it.
	Labels bool
	// Title heads the HTML report.
	Title string
}

// CheckFormat tells whether format is one New accepts.
func CheckFormat(format string) error {
	for _, f := range Formats {
		if f == format {
			return nil
		}
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// Summary counts the verdicts of a run.
type Summary struct {
	Checked, Valid, Invalid int
}

// WriteSummary writes s alone as a document of format, so that a
// pipeline's parser reads it like any other output: a line of text, a JSON
// object, a CSV header and row, or JUnit suites of counts.
func WriteSummary(w io.Writer, format string, s Summary) error {
	var err error
	switch format {
	case "text":
		_, err = fmt.Fprintf(w, "%d checked, %d valid, %d invalid\n", s.Checked, s.Valid, s.Invalid)
	case "jsonl":
		err = json.NewEncoder(w).Encode(struct {
			Checked int `json:"checked"`
			Valid   int `json:"valid"`
			Invalid int `json:"invalid"`
		}{s.Checked, s.Valid, s.Invalid})
	case "csv":
		_, err = fmt.Fprintf(w, "checked,valid,invalid\n%d,%d,%d\n", s.Checked, s.Valid, s.Invalid)
	case "junit":
		_, err = fmt.Fprintf(w, "%s<testsuites tests=\"%d\" failures=\"%d\"></testsuites>\n", xml.Header, s.Checked, s.Invalid)
	case "html":
		hw := newHTMLWriter(bufio.NewWriter(w), "")
		hw.checked, hw.valid, hw.invalid = s.Checked, s.Valid, s.Invalid
		err = hw.Close()
	default:
		err = CheckFormat(format)
	}
	return err
}

// New returns a Writer of format ("text", "jsonl", "csv", "junit" or
// "html") on w.
func New(format string, w io.Writer) (Writer, error) { return NewWith(format, w, Options{}) }

// NewWith is New with options.
func NewWith(format string, w io.Writer, opt Options) (Writer, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	switch format {
	case "text":
		return &textWriter{w: bw}, nil
	case "jsonl":
		return &jsonWriter{w: bw, enc: json.NewEncoder(bw)}, nil
	case "csv":
		cw := csv.NewWriter(bw)
		header := []string{"file", "line", "serial", "model", "ok", "reason", "code", "pos"}
		if opt.Labels {
			header = append(header, "label", "copy", "field", "symbology", "value")
		}
		err := cw.Write(header)
		return &csvWriter{w: bw, cw: cw, labels: opt.Labels}, err
	case "junit":
		return &junitWriter{w: bw}, nil
	case "html":
		return newHTMLWriter(bw, opt.Title), nil
	}
	return nil, fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// Models names the model a verdict was checked for, or the models it
// matches, space-separated.
func Models(v serialgate.Verdict) string {
	if v.Model != "" {
		return v.Model
	}
	return strings.Join(v.Models, " ")
}

// Name writes a file or model name for a line of text: as it stands when
// it holds only printable characters, else quoted with escapes, so that a
// name cannot forge a line or send the terminal escape codes.
func Name(s string) string {
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) && r != ' ' {
			return strconv.Quote(s)
		}
	}
	return s
}

// Cell makes a field safe for a spreadsheet: a field that starts like a
// formula (= + - @, or a tab or CR) gets a leading apostrophe, as OWASP
// advises, and a field holding control characters or bytes that are not
// UTF-8 is written quoted with escapes, as text output shows it.
func Cell(s string) string {
	if s == "" {
		return s
	}
	for _, r := range s {
		if r == utf8.RuneError || r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return strconv.QuoteToASCII(s)
		}
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

type textWriter struct{ w *bufio.Writer }

func (o *textWriter) Write(file string, line int, v serialgate.Verdict) error {
	return o.Result(Result{File: file, Line: line, Verdict: v})
}

func (o *textWriter) Result(r Result) error {
	var err error
	v := r.Verdict
	where := Name(r.File) + ":" + strconv.Itoa(r.Line)
	if r.Label > 0 || r.Line == 0 {
		where = Name(r.File) + ": " + r.Place()
		if r.Symbology != "" {
			where += " " + string(r.Symbology)
		}
	}
	switch {
	case v.OK:
		_, err = fmt.Fprintf(o.w, "%s: ok %s (%s)\n", where, serialgate.Shown(v.Serial), Name(Models(v)))
	case v.Model != "":
		_, err = fmt.Fprintf(o.w, "%s: REJECT %s (%s): %s\n", where, serialgate.Shown(v.Serial), Name(v.Model), Name(v.Message))
	default:
		_, err = fmt.Fprintf(o.w, "%s: REJECT %s: %s\n", where, serialgate.Shown(v.Serial), Name(v.Message))
	}
	return err
}

func (o *textWriter) Close() error { return o.w.Flush() }

type jsonWriter struct {
	w   *bufio.Writer
	enc *json.Encoder
}

type jsonVerdict struct {
	File      string `json:"file"`
	Line      int    `json:"line,omitempty"`
	Label     int    `json:"label,omitempty"`
	Copy      int    `json:"copy,omitempty"`
	Field     string `json:"field,omitempty"`
	Symbology string `json:"symbology,omitempty"`
	Value     string `json:"value,omitempty"`
	// ValueHex carries a value that is not valid UTF-8, as SerialHex does.
	ValueHex string `json:"value_hex,omitempty"`
	Serial   string `json:"serial"`
	// SerialHex carries the exact bytes of a serial that is not valid
	// UTF-8, which JSON strings cannot hold: two such serials would
	// otherwise print the same.
	SerialHex string    `json:"serial_hex,omitempty"`
	Model     string    `json:"model,omitempty"`
	Models    *[]string `json:"models,omitempty"` // set when checked against every rule
	OK        bool      `json:"ok"`
	Reason    string    `json:"reason,omitempty"`
	Code      string    `json:"code,omitempty"`
	Pos       int       `json:"pos,omitempty"`
}

func (o *jsonWriter) Write(file string, line int, v serialgate.Verdict) error {
	return o.Result(Result{File: file, Line: line, Verdict: v})
}

func (o *jsonWriter) Result(r Result) error {
	v := r.Verdict
	jv := jsonVerdict{File: r.File, Line: r.Line, Label: r.Label, Copy: r.Copy, Field: r.Field, Symbology: string(r.Symbology),
		Value: r.Value, Serial: v.Serial, Model: v.Model, OK: v.OK, Reason: v.Message, Code: v.Reason.String(), Pos: v.Pos}
	if !utf8.ValidString(v.Serial) {
		jv.SerialHex = hex.EncodeToString([]byte(v.Serial))
	}
	if !utf8.ValidString(r.Value) {
		jv.ValueHex = hex.EncodeToString([]byte(r.Value))
	}
	if v.Model == "" {
		ms := v.Models
		if ms == nil {
			ms = []string{}
		}
		jv.Models = &ms
	}
	return o.enc.Encode(jv)
}

func (o *jsonWriter) Close() error { return o.w.Flush() }

type csvWriter struct {
	w      *bufio.Writer
	cw     *csv.Writer
	labels bool
}

func (o *csvWriter) Write(file string, line int, v serialgate.Verdict) error {
	return o.Result(Result{File: file, Line: line, Verdict: v})
}

func (o *csvWriter) Result(r Result) error {
	v := r.Verdict
	pos := ""
	if v.Pos > 0 {
		pos = strconv.Itoa(v.Pos)
	}
	line := ""
	if r.Label == 0 && r.Line > 0 {
		line = strconv.Itoa(r.Line)
	}
	row := []string{Cell(r.File), line, Cell(v.Serial), Cell(Models(v)), strconv.FormatBool(v.OK), Cell(v.Message), v.Reason.String(), pos}
	if o.labels {
		label, cp := "", ""
		if r.Label > 0 {
			label = strconv.Itoa(r.Label)
		}
		if r.Copy > 0 {
			cp = strconv.Itoa(r.Copy)
		}
		row = append(row, label, cp, Cell(r.Field), string(r.Symbology), Cell(r.Value))
	}
	return o.cw.Write(row)
}

func (o *csvWriter) Close() error {
	o.cw.Flush()
	if err := o.cw.Error(); err != nil {
		return err
	}
	return o.w.Flush()
}

// junitWriter collects verdicts into one test suite per input file, so that
// CI systems show rejected serials as failed tests.
type junitWriter struct {
	w      *bufio.Writer
	suites []*junitSuite
}

type junitSuites struct {
	XMLName  xml.Name      `xml:"testsuites"`
	Tests    int           `xml:"tests,attr"`
	Failures int           `xml:"failures,attr"`
	Suites   []*junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"` // the label's fields, one a line
}

func (o *junitWriter) Write(file string, line int, v serialgate.Verdict) error {
	return o.Result(Result{File: file, Line: line, Verdict: v})
}

func (o *junitWriter) Result(r Result) error {
	v := r.Verdict
	if len(o.suites) == 0 || o.suites[len(o.suites)-1].Name != r.File {
		o.suites = append(o.suites, &junitSuite{Name: r.File})
	}
	s := o.suites[len(o.suites)-1]
	c := junitCase{Name: fmt.Sprintf("%s: %s", r.Place(), serialgate.Shown(v.Serial)), Classname: Models(v)}
	if c.Classname == "" {
		c.Classname = "serialgate"
	}
	s.Tests++
	if !v.OK {
		s.Failures++
		c.Failure = &junitFailure{Message: v.Message, Type: v.Reason.String()}
		var text strings.Builder
		for _, f := range r.Fields {
			fmt.Fprintf(&text, "field %s %s %s\n", Name(f.Field), fieldKind(f), serialgate.Shown(f.Value))
		}
		c.Failure.Text = text.String()
	}
	s.Cases = append(s.Cases, c)
	return nil
}

func (o *junitWriter) Close() error {
	all := junitSuites{Suites: o.suites}
	for _, s := range o.suites {
		all.Tests += s.Tests
		all.Failures += s.Failures
	}
	o.w.WriteString(xml.Header)
	enc := xml.NewEncoder(o.w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	o.w.WriteString("\n")
	return o.w.Flush()
}

// fieldKind names a label field's symbology, or "text".
func fieldKind(f LabelField) string {
	switch {
	case f.Kind == "text":
		return "text"
	case f.Symbology == "":
		return "barcode"
	}
	return string(f.Symbology)
}
