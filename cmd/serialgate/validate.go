package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/decode"
	"github.com/serialgate/serialgate/validate"
)

func runValidate(e *env, args []string) int {
	fl := newFlags(e, "validate", "INPUT...",
		"Checks every serial in each INPUT against the rules. An INPUT is a serial list\n"+
			"(one serial per line, taken verbatim but for its LF or CRLF; an empty line is\n"+
			"an empty serial), a .csv file with a \"serial\" column, - for standard input,\n"+
			"or a label image or PDF: its barcodes are read and the one carrying the serial\n"+
			"is picked, one verdict per page.\n"+
			"With --model or --asin each serial is checked against that model's rule;\n"+
			"without, against every rule, naming the models it matches.\n"+
			"Exits 0 when all serials are valid, 1 when any is not, 2 on usage or I/O errors.")
	rulesFile := fl.String("rules", "", "rules file (default: the sample rules built into serialgate)")
	model := fl.String("model", "", "check against this model's rule")
	asin := fl.String("asin", "", "check against the rule of the model this ASIN ships")
	format := fl.String("format", "text", "output format: text, jsonl, csv or junit")
	summary := fl.Bool("summary", false, "print only the counts")
	var inputs []string
	if code, ok := parse(fl, args, &inputs); !ok {
		return code
	}
	if len(inputs) == 0 {
		fmt.Fprintln(e.stderr, "serialgate validate: no INPUT given (use - for standard input)")
		return exitUsage
	}
	if *model != "" && *asin != "" {
		fmt.Fprintln(e.stderr, "serialgate validate: give --model or --asin, not both")
		return exitUsage
	}
	out, err := newOutput(*format, e.stdout)
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate validate:", err)
		return exitUsage
	}
	_, set, err := loadRules(*rulesFile)
	if err != nil {
		for _, line := range splitErrors(err) {
			fmt.Fprintln(e.stderr, "serialgate validate:", line)
		}
		return exitUsage
	}
	var m *validate.Model
	switch {
	case *model != "":
		if m = set.ByModel(*model); m == nil {
			fmt.Fprintf(e.stderr, "serialgate validate: model %q is not in the rules\n", *model)
			return exitUsage
		}
	case *asin != "":
		if m = set.ByASIN(*asin); m == nil {
			fmt.Fprintf(e.stderr, "serialgate validate: ASIN %q is not in the rules\n", *asin)
			return exitUsage
		}
	}
	v := &validator{set: set, model: m, out: out, summary: *summary}
	failed := false
	for _, in := range inputs {
		if err := v.input(e, in); err != nil {
			fmt.Fprintln(e.stderr, "serialgate validate:", err)
			failed = true
		}
	}
	if err := out.close(); err != nil {
		fmt.Fprintln(e.stderr, "serialgate validate:", err)
		return exitUsage
	}
	if *summary {
		fmt.Fprintf(e.stdout, "%d checked, %d valid, %d invalid\n", v.valid+v.invalid, v.valid, v.invalid)
	}
	switch {
	case failed:
		return exitUsage
	case v.invalid > 0:
		return exitInvalid
	}
	return exitOK
}

type validator struct {
	set            *validate.Set
	model          *validate.Model
	out            output
	summary        bool
	valid, invalid int
}

func (v *validator) input(e *env, name string) error {
	if isLabelImage(name) {
		return v.label(e, name)
	}
	var r io.Reader
	display := name
	if name == "-" {
		r, display = e.stdin, "(stdin)"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	isCSV := strings.EqualFold(filepath.Ext(name), ".csv")
	if v.summary && !isCSV {
		// Counting needs no line numbers or reasons: check chunks of the
		// list on every core.
		var valid, invalid int
		var err error
		if count := v.lineCounter(); count != nil {
			valid, invalid, err = validate.CountChunks(r, count, runtime.GOMAXPROCS(0))
		} else {
			valid, invalid, err = validate.CountList(r, v.match, runtime.GOMAXPROCS(0))
		}
		v.valid += valid
		v.invalid += invalid
		if le, ok := err.(*validate.ListError); ok {
			le.File = display
		}
		return err
	}
	read := validate.ReadList
	if isCSV {
		read = validate.ReadCSV
	}
	err := read(r, func(line int, serial string) error {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		return v.check(display, line, serial)
	})
	if le, ok := err.(*validate.ListError); ok {
		le.File = display
	}
	return err
}

// lineCounter checks a chunk of a list in one pass, where the rule allows.
func (v *validator) lineCounter() func([]byte) (int, int) {
	if v.model == nil {
		return nil
	}
	return v.model.Rule.LineCounter()
}

// match tells whether serial is valid, safe for concurrent use.
func (v *validator) match(serial string) bool {
	if v.model != nil {
		ok, _ := v.model.Rule.Match(serial)
		return ok
	}
	var idx [8]int
	return len(v.set.Identify(serial, idx[:0])) > 0
}

func (v *validator) check(file string, line int, serial string) error {
	if v.summary {
		// Counting needs only the verdict, not its reason.
		if v.match(serial) {
			v.valid++
		} else {
			v.invalid++
		}
		return nil
	}
	var verdict serialgate.Verdict
	if v.model != nil {
		verdict = v.model.Check(serial)
	} else {
		verdict = v.set.CheckAny(serial)
	}
	if verdict.OK {
		v.valid++
	} else {
		v.invalid++
	}
	return v.out.write(file, line, verdict)
}

// output writes verdicts in one format.
type output interface {
	write(file string, line int, v serialgate.Verdict) error
	close() error
}

func newOutput(format string, w io.Writer) (output, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	switch format {
	case "text":
		return &textOut{w: bw}, nil
	case "jsonl":
		return &jsonOut{w: bw, enc: json.NewEncoder(bw)}, nil
	case "csv":
		cw := csv.NewWriter(bw)
		err := cw.Write([]string{"file", "line", "serial", "model", "ok", "reason"})
		return &csvOut{w: bw, cw: cw}, err
	case "junit":
		return &junitOut{w: bw}, nil
	}
	return nil, fmt.Errorf("unknown format %q (want text, jsonl, csv or junit)", format)
}

func models(v serialgate.Verdict) string {
	if v.Model != "" {
		return v.Model
	}
	return strings.Join(v.Models, " ")
}

// shown writes a serial so that invisible and look-alike characters show.
func shown(s string) string {
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

type textOut struct{ w *bufio.Writer }

func (o *textOut) write(file string, line int, v serialgate.Verdict) error {
	var err error
	switch {
	case v.OK:
		_, err = fmt.Fprintf(o.w, "%s:%d: ok %s (%s)\n", file, line, shown(v.Serial), models(v))
	case v.Model != "":
		_, err = fmt.Fprintf(o.w, "%s:%d: REJECT %s (%s): %s\n", file, line, shown(v.Serial), v.Model, v.Reason)
	default:
		_, err = fmt.Fprintf(o.w, "%s:%d: REJECT %s: %s\n", file, line, shown(v.Serial), v.Reason)
	}
	return err
}

func (o *textOut) close() error { return o.w.Flush() }

type jsonOut struct {
	w   *bufio.Writer
	enc *json.Encoder
}

type jsonVerdict struct {
	File   string    `json:"file"`
	Line   int       `json:"line"`
	Serial string    `json:"serial"`
	Model  string    `json:"model,omitempty"`
	Models *[]string `json:"models,omitempty"` // set when checked against every rule
	OK     bool      `json:"ok"`
	Reason string    `json:"reason,omitempty"`
}

func (o *jsonOut) write(file string, line int, v serialgate.Verdict) error {
	jv := jsonVerdict{File: file, Line: line, Serial: v.Serial, Model: v.Model, OK: v.OK, Reason: v.Reason}
	if v.Model == "" {
		ms := v.Models
		if ms == nil {
			ms = []string{}
		}
		jv.Models = &ms
	}
	return o.enc.Encode(jv)
}

func (o *jsonOut) close() error { return o.w.Flush() }

type csvOut struct {
	w  *bufio.Writer
	cw *csv.Writer
}

func (o *csvOut) write(file string, line int, v serialgate.Verdict) error {
	return o.cw.Write([]string{file, strconv.Itoa(line), v.Serial, models(v), strconv.FormatBool(v.OK), v.Reason})
}

func (o *csvOut) close() error {
	o.cw.Flush()
	if err := o.cw.Error(); err != nil {
		return err
	}
	return o.w.Flush()
}

// junitOut collects verdicts into one test suite per input file, so that CI
// systems show rejected serials as failed tests.
type junitOut struct {
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
}

func (o *junitOut) write(file string, line int, v serialgate.Verdict) error {
	if len(o.suites) == 0 || o.suites[len(o.suites)-1].Name != file {
		o.suites = append(o.suites, &junitSuite{Name: file})
	}
	s := o.suites[len(o.suites)-1]
	c := junitCase{Name: fmt.Sprintf("line %d: %s", line, shown(v.Serial)), Classname: models(v)}
	if c.Classname == "" {
		c.Classname = "serialgate"
	}
	s.Tests++
	if !v.OK {
		s.Failures++
		c.Failure = &junitFailure{Message: v.Reason}
	}
	s.Cases = append(s.Cases, c)
	return nil
}

func (o *junitOut) close() error {
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

// isLabelImage tells whether a file is an image or PDF label rather than a
// serial list.
func isLabelImage(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".pdf":
		return true
	}
	return false
}

// label decodes an image or each page of a PDF, picks the barcode that
// carries the serial and gives one verdict per page, numbered as lines.
func (v *validator) label(e *env, name string) error {
	pages, err := loadPages(e.ctx, name, defaultDPI)
	if err != nil {
		return err
	}
	// A model whose serial is printed in known symbologies needs only
	// those looked for.
	opts := decode.Options{}
	if v.model != nil {
		opts.Formats = v.model.Symbologies
	}
	dec := decode.New(opts)
	for i, img := range pages {
		found, err := dec.Image(img)
		if err != nil {
			return fmt.Errorf("%s page %d: %w", name, i+1, err)
		}
		codes := make([]serialgate.Barcode, len(found))
		for k, b := range found {
			codes[k] = serialgate.Barcode{Text: b.Text, Raw: b.Raw, Symbology: b.Format, AIM: b.AIM,
				Partial: b.Sequence != nil && b.Sequence.Count > 1}
		}
		p := v.set.Pick(codes, v.model)
		verdict := serialgate.Verdict{Serial: p.Serial, OK: p.OK(), Reason: p.Reason}
		if v.model != nil {
			verdict.Model = v.model.Model.Model
		} else {
			verdict.Models = p.Models
		}
		if verdict.OK {
			v.valid++
		} else {
			v.invalid++
		}
		if !v.summary {
			if err := v.out.write(name, i+1, verdict); err != nil {
				return err
			}
		}
	}
	return nil
}
