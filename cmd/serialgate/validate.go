//go:build !decodeonly

package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/decode"
	"github.com/serialgate/serialgate/labels"
	"github.com/serialgate/serialgate/raster"
	"github.com/serialgate/serialgate/record"
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
			"An INPUT may also be a ZPL, EPL2 or TSPL label print file (.zpl, .epl, .tspl,\n"+
			".prn, or any file that reads as one): every label it would print is expanded\n"+
			"(^SN/^SF serialization over ^PQ quantities included), the serial is taken from\n"+
			"the field the model's rule names (serial.zpl_field) or else from the barcode\n"+
			"whose value matches a rule, and checked, one verdict per printed label, placed\n"+
			"by label, copy and field. A serial printed twice in the run is a duplicate;\n"+
			"with --store, so is one the store has recorded as passed.\n"+
			"With --model or --asin each serial is checked against that model's rule;\n"+
			"without, against every rule, naming the models it matches.\n"+
			"Exits 0 when all serials are valid, 1 when any is not, 2 on usage or I/O errors.")
	rulesFile := fl.String("rules", "", "rules file (default: the sample rules built into serialgate)")
	model := fl.String("model", "", "check against this model's rule")
	asin := fl.String("asin", "", "check against the rule of the model this ASIN ships")
	format := fl.String("format", "text", "output format: text, jsonl, csv, junit or html (one self-contained page)")
	summary := fl.Bool("summary", false, "print only the counts, in the output format")
	maxLine := fl.Int("max-line", serials.DefaultMaxLine, "longest serial line read, in bytes; a longer line is one rejected serial")
	storeURL := fl.String("store", "", "also reject label serials this record has seen pass (sqlite:PATH or postgres://…)")
	renderCheck := fl.Bool("render-check", false, "draw each label barcode and read it back, rejecting values its symbology cannot carry")
	maxLabels := fl.Int64("max-labels", labels.DefaultMaxLabels, "most printed labels expanded per label file")
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
	if *maxLabels <= 0 {
		fmt.Fprintln(e.stderr, "serialgate validate: --max-labels must be positive")
		return exitUsage
	}
	kinds, stdin := classify(e, inputs)
	var out report.Writer
	var err error
	if *summary {
		err = report.CheckFormat(*format)
	} else {
		out, err = report.NewWith(*format, e.stdout, report.Options{Labels: slices.Contains(kinds, inputLabels)})
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
	v := &validator{set: set, model: m, out: out, summary: *summary, lists: serials.Reader{MaxLine: *maxLine},
		renderCheck: *renderCheck, maxLabels: *maxLabels, stdin: stdin, seen: map[string]place{},
		progress: newProgress(e.stderr)}
	if *storeURL != "" {
		if v.store, err = record.Open(e.ctx, *storeURL); err != nil {
			fmt.Fprintln(e.stderr, "serialgate validate:", err)
			return exitUsage
		}
		defer v.store.Close()
	}
	failed := false
	for i, in := range inputs {
		err := v.input(e, in, kinds[i])
		v.progress.done()
		if err != nil {
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

	// For label print files.
	store       *record.Store // nil without --store
	renderCheck bool
	maxLabels   int64
	stdin       io.Reader        // standard input, peeked at by classify
	seen        map[string]place // every serial passed in this run: model NUL serial → where first
	rendered    map[string]error // render-check outcomes of values seen, while few
	progress    *progress
}

// The kinds of INPUT.
const (
	inputList   = iota // a serial list, or a .csv file
	inputImage         // an image or PDF label
	inputLabels        // a ZPL, EPL2 or TSPL print file
)

// labelExts are the extensions of label print files; a file with another
// name is one when its start reads as one (see looksLikeLabels).
var labelExts = []string{".zpl", ".epl", ".tspl", ".tsc", ".prn", ".lbl"}

// classify tells each input's kind before any is read, so that the output
// knows whether it has label columns. Standard input is peeked at through
// a buffer, which then stands in for it.
func classify(e *env, inputs []string) ([]int, io.Reader) {
	kinds := make([]int, len(inputs))
	stdin := e.stdin
	for i, name := range inputs {
		ext := strings.ToLower(filepath.Ext(name))
		switch {
		case isLabelImage(name):
			kinds[i] = inputImage
		case slices.Contains(labelExts, ext):
			kinds[i] = inputLabels
		case ext == ".csv":
		case name == "-":
			if br, ok := stdin.(*bufio.Reader); ok {
				stdin = br
			} else {
				stdin = bufio.NewReaderSize(stdin, 4096)
			}
			head, _ := stdin.(*bufio.Reader).Peek(4096)
			if looksLikeLabels(head) {
				kinds[i] = inputLabels
			}
		default:
			if fi, err := os.Stat(name); err != nil || !fi.Mode().IsRegular() {
				continue // a FIFO or device is read as a list; errors show when it is opened
			}
			f, err := os.Open(name)
			if err != nil {
				continue
			}
			head := make([]byte, 4096)
			n, _ := io.ReadFull(f, head)
			f.Close()
			if looksLikeLabels(head[:n]) {
				kinds[i] = inputLabels
			}
		}
	}
	return kinds, stdin
}

// looksLikeLabels tells a label print file from a serial list by its
// start. It asks more than labels.Detect does, since a list of serials
// must never be read as labels: a ZPL format start (^XA), or a first line
// that is a TSPL SIZE command or EPL2's N (clear the image buffer) followed
// by an EPL2 command.
func looksLikeLabels(head []byte) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	if bytes.Contains(bytes.ToUpper(head), []byte("^XA")) {
		return true
	}
	lines := strings.Split(strings.ReplaceAll(string(head), "\r", ""), "\n")
	var first []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			first = append(first, l)
		}
		if len(first) == 2 {
			break
		}
	}
	if len(first) == 0 {
		return false
	}
	up := strings.ToUpper(first[0])
	if strings.HasPrefix(up, "SIZE ") && strings.ContainsAny(up, "0123456789") {
		return true
	}
	return first[0] == "N" && len(first) == 2 && len(first[1]) > 1 && strings.ContainsRune("qQRSDZABPO", rune(first[1][0])) &&
		strings.ContainsAny(first[1][1:2], "0123456789,\"")
}

func (v *validator) input(e *env, name string, kind int) error {
	switch kind {
	case inputImage:
		return v.label(e, name)
	case inputLabels:
		return v.labelFile(e, name)
	}
	var r io.Reader
	var mapped []byte // the file in memory, when it could be mapped
	display := name
	isCSV := strings.EqualFold(filepath.Ext(name), ".csv")
	if name == "-" {
		r, display = v.stdin, "(stdin)"
	} else {
		f, err := openInput(e.ctx, name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
		if v.summary && !isCSV {
			var unmap func()
			if mapped, unmap = mapFile(f); unmap != nil {
				defer unmap()
			}
		}
	}
	if v.summary && !isCSV {
		// Counting needs no line numbers or reasons: check chunks of the
		// list on every core, straight from the file's pages where it is
		// mapped.
		count := v.lineCounter()
		if count == nil {
			count = serials.LineCounter(v.match)
		}
		var valid, invalid int
		var err error
		if mapped != nil {
			valid, invalid, err = v.lists.CountMapped(e.ctx, mapped, count, runtime.GOMAXPROCS(0))
		} else {
			valid, invalid, err = v.lists.CountChunks(e.ctx, r, count, runtime.GOMAXPROCS(0))
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

// minMapped is the smallest list --summary maps into memory; smaller ones
// are read.
const minMapped = 1 << 20

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
	check := func(page int, img image.Image) (serialgate.Verdict, error) {
		found, err := dec.Image(img)
		if err != nil {
			return serialgate.Verdict{}, fmt.Errorf("%s page %d: %w", name, page, err)
		}
		return v.set.CheckLabel(decode.Barcodes(found), v.model), nil
	}
	if !isPDF(name) {
		return eachPage(e.ctx, name, 0, func(page, _ int, img image.Image) error {
			vd, err := check(page, img)
			if err != nil {
				return err
			}
			return v.write(name, page, vd)
		})
	}
	// A page that is a picture renders at the picture's resolution, which
	// reads most labels at a fraction of the cost; a page that gives no
	// valid serial that way is looked at again at full resolution before
	// it is rejected, so a coarse look never costs a verdict.
	return raster.PDF(e.ctx, name, raster.Options{ImageDPI: true}, func(p raster.Page) error {
		if p.Err != nil {
			return p.Err
		}
		vd, err := check(p.N, p.Image)
		if err != nil {
			return err
		}
		if !vd.OK && p.DPI < raster.DefaultDPI {
			img, err := raster.RenderPage(e.ctx, name, p.N, raster.Options{})
			if err != nil {
				return err
			}
			if vd, err = check(p.N, img); err != nil {
				return err
			}
		}
		return v.write(name, p.N, vd)
	})
}

// progress draws a bar on standard error while a long label file is
// checked, when standard error is a terminal: never into a pipe or file.
type progress struct {
	w       io.Writer // nil: draw nothing
	name    string
	total   int64
	n       int64
	start   time.Time
	last    time.Time
	drawn   bool
	nowFunc func() time.Time
}

// progressAfter is how long a file is checked before the bar shows.
const progressAfter = time.Second

func newProgress(stderr io.Writer) *progress {
	p := &progress{nowFunc: time.Now}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.w = f
	}
	return p
}

// begin starts counting the labels of one file.
func (p *progress) begin(name string, total int64) {
	p.name, p.total, p.n, p.drawn = name, total, 0, false
	p.start = p.nowFunc()
	p.last = p.start
}

// add counts one label; it looks at the clock once in 256 labels.
func (p *progress) add() {
	p.n++
	if p.w == nil || p.n%256 != 0 {
		return
	}
	now := p.nowFunc()
	if now.Sub(p.start) < progressAfter || now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last, p.drawn = now, true
	const width = 30
	frac := 0.0
	if p.total > 0 {
		frac = min(float64(p.n)/float64(p.total), 1)
	}
	full := int(frac * width)
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d labels %3.0f%%", report.Name(p.name), strings.Repeat("=", full), strings.Repeat(" ", width-full), p.n, p.total, frac*100)
}

// done clears the bar.
func (p *progress) done() {
	if p.w != nil && p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}
