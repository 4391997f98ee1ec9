// Package report writes verdicts for people and pipelines: text lines, JSON
// lines, CSV and JUnit XML. The command line, the label-file checks and the
// station's reports write through it, so a verdict reads the same
// everywhere.
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
var Formats = []string{"text", "jsonl", "csv", "junit"}

// Writer writes verdicts, each with the file and line it came from.
type Writer interface {
	Write(file string, line int, v serialgate.Verdict) error
	// Close writes what the format keeps to the end and flushes.
	Close() error
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
	default:
		err = CheckFormat(format)
	}
	return err
}

// New returns a Writer of format ("text", "jsonl", "csv" or "junit") on w.
func New(format string, w io.Writer) (Writer, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	switch format {
	case "text":
		return &textWriter{w: bw}, nil
	case "jsonl":
		return &jsonWriter{w: bw, enc: json.NewEncoder(bw)}, nil
	case "csv":
		cw := csv.NewWriter(bw)
		err := cw.Write([]string{"file", "line", "serial", "model", "ok", "reason", "code", "pos"})
		return &csvWriter{w: bw, cw: cw}, err
	case "junit":
		return &junitWriter{w: bw}, nil
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

// Shown writes a serial so that invisible and look-alike characters show:
// as it stands when it is printable ASCII without spaces, else quoted with
// escapes.
func Shown(s string) string {
	for _, r := range s {
		if r >= utf8.RuneSelf || !unicode.IsPrint(r) || r == ' ' {
			return strconv.QuoteToASCII(s)
		}
	}
	if s == "" {
		return `""`
	}
	return s
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
	var err error
	file = Name(file)
	switch {
	case v.OK:
		_, err = fmt.Fprintf(o.w, "%s:%d: ok %s (%s)\n", file, line, Shown(v.Serial), Name(Models(v)))
	case v.Model != "":
		_, err = fmt.Fprintf(o.w, "%s:%d: REJECT %s (%s): %s\n", file, line, Shown(v.Serial), Name(v.Model), Name(v.Message))
	default:
		_, err = fmt.Fprintf(o.w, "%s:%d: REJECT %s: %s\n", file, line, Shown(v.Serial), Name(v.Message))
	}
	return err
}

func (o *textWriter) Close() error { return o.w.Flush() }

type jsonWriter struct {
	w   *bufio.Writer
	enc *json.Encoder
}

type jsonVerdict struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Serial string `json:"serial"`
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
	jv := jsonVerdict{File: file, Line: line, Serial: v.Serial, Model: v.Model, OK: v.OK, Reason: v.Message, Code: v.Reason.String(), Pos: v.Pos}
	if !utf8.ValidString(v.Serial) {
		jv.SerialHex = hex.EncodeToString([]byte(v.Serial))
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
	w  *bufio.Writer
	cw *csv.Writer
}

func (o *csvWriter) Write(file string, line int, v serialgate.Verdict) error {
	pos := ""
	if v.Pos > 0 {
		pos = strconv.Itoa(v.Pos)
	}
	return o.cw.Write([]string{Cell(file), strconv.Itoa(line), Cell(v.Serial), Cell(Models(v)), strconv.FormatBool(v.OK), Cell(v.Message), v.Reason.String(), pos})
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
}

func (o *junitWriter) Write(file string, line int, v serialgate.Verdict) error {
	if len(o.suites) == 0 || o.suites[len(o.suites)-1].Name != file {
		o.suites = append(o.suites, &junitSuite{Name: file})
	}
	s := o.suites[len(o.suites)-1]
	c := junitCase{Name: fmt.Sprintf("line %d: %s", line, Shown(v.Serial)), Classname: Models(v)}
	if c.Classname == "" {
		c.Classname = "serialgate"
	}
	s.Tests++
	if !v.OK {
		s.Failures++
		c.Failure = &junitFailure{Message: v.Message, Type: v.Reason.String()}
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
