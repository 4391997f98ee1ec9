package main

import (
	"errors"
	"fmt"
	"image"
	"io"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/decode"
	"github.com/serialgate/serialgate/report"
	"github.com/serialgate/serialgate/serials"
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
	summary := fl.Bool("summary", false, "print only the counts, in the output format")
	maxLine := fl.Int("max-line", serials.DefaultMaxLine, "longest serial line read, in bytes; a longer line is one rejected serial")
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
	if *maxLine <= 0 {
		fmt.Fprintln(e.stderr, "serialgate validate: --max-line must be positive")
		return exitUsage
	}
	var out report.Writer
	var err error
	if *summary {
		err = report.CheckFormat(*format)
	} else {
		out, err = report.New(*format, e.stdout)
	}
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
	v := &validator{set: set, model: m, out: out, summary: *summary, lists: serials.Reader{MaxLine: *maxLine}}
	failed := false
	for _, in := range inputs {
		if err := v.input(e, in); err != nil {
			if e.ctx.Err() != nil {
				fmt.Fprintln(e.stderr, "serialgate validate: interrupted")
				failed = true
				break
			}
			fmt.Fprintln(e.stderr, "serialgate validate:", err)
			failed = true
		}
	}
	if *summary {
		err = report.WriteSummary(e.stdout, *format, report.Summary{Checked: v.valid + v.invalid, Valid: v.valid, Invalid: v.invalid})
	} else {
		err = out.Close()
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate validate:", err)
		return exitUsage
	}
	if v.valid+v.invalid == 0 && !failed {
		fmt.Fprintln(e.stderr, "serialgate validate: 0 serials checked: the input is empty")
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
	out            report.Writer
	summary        bool
	lists          serials.Reader
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
		f, err := openInput(e.ctx, name)
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
			valid, invalid, err = v.lists.CountChunks(e.ctx, r, count, runtime.GOMAXPROCS(0))
		} else {
			valid, invalid, err = v.lists.Count(e.ctx, r, v.match, runtime.GOMAXPROCS(0))
		}
		v.valid += valid
		v.invalid += invalid
		return named(err, display)
	}
	lists := v.lists
	lists.TooLong = func(line int, n int64) error {
		return v.write(display, line, serialgate.Verdict{Model: v.modelName(), Reason: serialgate.ReasonTooLong,
			Message: fmt.Sprintf("too long: the line has %d bytes, over the limit of %d (--max-line)", n, v.lists.MaxLine)})
	}
	read := lists.Read
	if isCSV {
		read = lists.ReadCSV
	}
	err := read(e.ctx, r, func(line int, serial []byte) error {
		return v.check(display, line, serial)
	})
	return named(err, display)
}

// named puts the file's name on a list error.
func named(err error, file string) error {
	var le *serials.Error
	if errors.As(err, &le) {
		le.File = file
	}
	return err
}

// modelName is the model every serial is checked against, or "".
func (v *validator) modelName() string {
	if v.model == nil {
		return ""
	}
	return v.model.Model.Model
}

// lineCounter checks a chunk of a list in one pass, where the rule allows.
func (v *validator) lineCounter() func([]byte) (int, int) {
	if v.model == nil {
		return nil
	}
	return v.model.Pattern.LineCounter()
}

// match tells whether serial is valid, safe for concurrent use.
func (v *validator) match(serial []byte) bool {
	if v.model != nil {
		return v.model.Pattern.MatchBytes(serial)
	}
	return v.set.MatchesAny(serial)
}

func (v *validator) check(file string, line int, serial []byte) error {
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
		verdict = v.set.Check(v.model, string(serial))
	} else {
		verdict = v.set.CheckAny(string(serial))
	}
	return v.write(file, line, verdict)
}

// write counts a verdict and writes it.
func (v *validator) write(file string, line int, verdict serialgate.Verdict) error {
	if verdict.OK {
		v.valid++
	} else {
		v.invalid++
	}
	if v.summary {
		return nil
	}
	return v.out.Write(file, line, verdict)
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
	// A model whose serial is printed in known symbologies needs only
	// those looked for.
	opts := decode.Options{}
	if v.model != nil {
		opts.Formats = v.model.Symbologies
	}
	dec := decode.New(opts)
	return eachPage(e.ctx, name, 0, func(page, _ int, img image.Image) error {
		found, err := dec.Image(img)
		if err != nil {
			return fmt.Errorf("%s page %d: %w", name, page, err)
		}
		return v.write(name, page, v.set.CheckLabel(decode.Barcodes(found), v.model))
	})
}
