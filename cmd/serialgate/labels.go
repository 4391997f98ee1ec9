//go:build !decodeonly

package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/labels"
	"github.com/serialgate/serialgate/labels/render"
	"github.com/serialgate/serialgate/payload"
	"github.com/serialgate/serialgate/report"
	"github.com/serialgate/serialgate/validate"
)

func runLabels(e *env, args []string) int {
	if len(args) == 0 || args[0] != "inspect" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprintln(e.stdout, "usage: serialgate labels inspect [--format text|jsonl] FILE...")
			return exitOK
		}
		fmt.Fprintln(e.stderr, "usage: serialgate labels inspect [--format text|jsonl] FILE...")
		return exitUsage
	}
	fl := newFlags(e, "labels inspect", "FILE...",
		"Reads ZPL II, EPL2 and TSPL label print files and prints every field of every\n"+
			"label they would print: each barcode with the data its symbol carries, and\n"+
			"each text field. Serialized fields (^SN, ^SF, counters) are expanded over the\n"+
			"print quantity.\n"+
			"Exits 0 when every file was read without fault, 2 when one was not.")
	format := fl.String("format", "text", "output format: text or jsonl")
	max := fl.Int64("max-labels", labels.DefaultMaxLabels, "most printed labels expanded per file")
	var files []string
	if code, ok := parse(fl, args[1:], &files); !ok {
		return code
	}
	if *format != "text" && *format != "jsonl" {
		fmt.Fprintf(e.stderr, "serialgate labels: unknown format %q (want text or jsonl)\n", *format)
		return exitUsage
	}
	if len(files) == 0 {
		fmt.Fprintln(e.stderr, "serialgate labels: no FILE given")
		return exitUsage
	}
	w := bufio.NewWriterSize(e.stdout, 1<<16)
	defer w.Flush()
	enc := json.NewEncoder(w)
	code := exitOK
	for _, name := range files {
		if e.ctx.Err() != nil {
			fmt.Fprintln(e.stderr, "serialgate labels: interrupted")
			return exitUsage
		}
		f, err := openInput(e.ctx, name)
		if err != nil {
			fmt.Fprintln(e.stderr, "serialgate labels:", err)
			code = exitUsage
			continue
		}
		job, err := labels.Parse(name, f)
		f.Close()
		if job == nil {
			fmt.Fprintln(e.stderr, "serialgate labels:", report.Name(err.Error()))
			code = exitUsage
			continue
		}
		for _, pe := range job.Errors {
			fmt.Fprintln(e.stderr, "serialgate labels:", report.Name(pe.Error()))
			code = exitUsage
		}
		job.MaxLabels = *max
		n := 0
		err = job.Each(func(fd labels.Field) error {
			if n++; n%4096 == 0 && e.ctx.Err() != nil {
				return e.ctx.Err()
			}
			if fd.Kind == labels.Blank {
				return nil // a copy with no field: nothing to list
			}
			if fd.Err != nil {
				return nil // a value the printer cannot print: reported with the job's faults below
			}
			if *format == "jsonl" {
				return enc.Encode(toLabelJSON(name, fd))
			}
			sym := string(fd.Symbology)
			if fd.Kind == labels.Text {
				sym = "text"
			} else if sym == "" {
				sym = "barcode"
			}
			_, err := fmt.Fprintf(w, "%s: label %d copy %d field %s: %s %s (%d,%d)\n", report.Name(name), fd.Label, fd.Copy,
				report.Name(fd.Field), sym, serialgate.Shown(fd.Value), fd.X, fd.Y)
			return err
		})
		if err != nil {
			var pe *labels.ParseError
			if errors.As(err, &pe) || e.ctx.Err() == nil {
				fmt.Fprintln(e.stderr, "serialgate labels:", report.Name(err.Error()))
			}
			code = exitUsage
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(e.stderr, "serialgate labels:", err)
		return exitUsage
	}
	return code
}

type labelJSON struct {
	File      string `json:"file"`
	Label     int    `json:"label"`
	Copy      int    `json:"copy"`
	Field     string `json:"field"`
	Kind      string `json:"kind,omitempty"` // "text" for text fields
	Symbology string `json:"symbology,omitempty"`
	Value     string `json:"value"`
	// ValueHex carries the exact bytes of a value that is not valid
	// UTF-8, as the report package does for serials.
	ValueHex string `json:"value_hex,omitempty"`
	X        int    `json:"x"`
	Y        int    `json:"y"`
	Offset   int64  `json:"offset"`
}

func toLabelJSON(file string, f labels.Field) labelJSON {
	j := labelJSON{File: file, Label: f.Label, Copy: f.Copy, Field: f.Field, Symbology: string(f.Symbology),
		Value: f.Value, X: f.X, Y: f.Y, Offset: f.Offset}
	if f.Kind == labels.Text {
		j.Kind = "text"
	}
	if !utf8.ValidString(f.Value) {
		j.ValueHex = hex.EncodeToString([]byte(f.Value))
	}
	return j
}

// place is where a serial was printed in this run.
type place struct {
	file        string
	label, copy int
	field       string
}

func (p place) String() string {
	s := fmt.Sprintf("label %d copy %d", p.label, p.copy)
	if p.field != "" {
		s += " field " + report.Name(p.field)
	}
	return s
}

// maxRendered bounds the render-check outcomes kept, so that a job of a
// million serialized labels does not keep a million.
const maxRendered = 4096

// labelFile checks every label a print file would print: one verdict per
// printed copy, placed by label, copy and the field the serial was taken
// from. A malformed label is a rejected row naming the file, the label and
// the byte offset of the fault, in its place among the others, as a serial
// list's over-long line is; the other labels are all checked. Only a read
// error, the --max-labels cap or a failing output ends the file early.
func (v *validator) labelFile(e *env, name string) error {
	var r io.Reader
	display := name
	if name == "-" {
		r, display = v.stdin, "(stdin)"
	} else {
		f, err := openInput(e.ctx, name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	job, err := labels.Parse(display, r)
	if job == nil {
		return err
	}
	job.MaxLabels = v.maxLabels
	v.progress.begin(display, min(job.Count(), v.maxLabels))
	faults := job.Errors
	// malformed reports the faults that come before label n in the file
	// (all of them when n is 0), in file order.
	malformed := func(n int, offset int64) error {
		for len(faults) > 0 {
			pe := faults[0]
			if n > 0 && (pe.Label > n || pe.Label == n || pe.Label == 0 && pe.Offset > offset) {
				return nil
			}
			faults = faults[1:]
			if err := v.result(malformedResult(display, pe)); err != nil {
				return err
			}
		}
		return nil
	}
	var copyFields []labels.Field
	n := 0
	flush := func() error {
		if len(copyFields) == 0 {
			return nil
		}
		v.progress.add()
		if n++; n%1024 == 0 && e.ctx.Err() != nil {
			return e.ctx.Err()
		}
		err := v.checkCopy(e, display, copyFields)
		copyFields = copyFields[:0]
		return err
	}
	var stop error // why the expansion was stopped, when it was
	eachErr := job.Each(func(f labels.Field) error {
		if len(copyFields) > 0 && (copyFields[0].Label != f.Label || copyFields[0].Copy != f.Copy) {
			if stop = flush(); stop != nil {
				return stop
			}
		}
		if len(copyFields) == 0 && f.Copy == 1 {
			if stop = malformed(f.Label, f.Offset); stop != nil {
				return stop
			}
		}
		copyFields = append(copyFields, f)
		return nil
	})
	if e.ctx.Err() != nil {
		return e.ctx.Err()
	}
	if stop != nil {
		return stop
	}
	if err := flush(); err != nil {
		return err
	}
	if err := malformed(0, 0); err != nil {
		return err
	}
	if errors.Is(eachErr, labels.ErrTooManyLabels) {
		return eachErr
	}
	// Each's other faults are copies whose fields carried them: each was
	// a rejected row already.
	return nil
}

// malformedResult is the rejected row of a label the file spoils (or of a
// fault outside any label, Label 0).
func malformedResult(file string, pe *labels.ParseError) report.Result {
	return report.Result{File: file, Label: pe.Label, Verdict: serialgate.Verdict{OK: false,
		Reason: serialgate.ReasonMalformed, Message: "malformed label: " + pe.Error()}}
}

// checkCopy gives the verdict on one printed copy of a label: picks its
// serial, checks it, looks for it earlier in the run and in the store, and
// with --render-check draws each barcode and reads it back.
func (v *validator) checkCopy(e *env, file string, fields []labels.Field) error {
	for _, f := range fields {
		if f.Err != nil {
			// A serialized value its symbology cannot carry: this copy
			// would not print as meant.
			res := malformedResult(file, f.Err)
			res.Copy, res.Field, res.Symbology = f.Copy, f.Field, f.Symbology
			res.Fields = labelFields(fields)
			return v.result(res)
		}
	}
	res := v.pickSerial(fields)
	res.File = file
	res.Label, res.Copy = fields[0].Label, fields[0].Copy
	if vd := &res.Verdict; vd.OK {
		key := vd.Model + "\x00" + strings.Join(vd.Models, " ") + "\x00" + vd.Serial
		here := place{file: file, label: res.Label, copy: res.Copy, field: res.Field}
		if first, dup := v.seen[key]; dup {
			msg := "duplicate: the serial is also printed on " + first.String()
			if first.file != file {
				msg += " of " + report.Name(first.file)
			}
			vd.OK, vd.Reason, vd.Message = false, serialgate.ReasonDuplicate, msg
		} else {
			v.seen[key] = here
		}
	}
	if vd := &res.Verdict; vd.OK && v.store != nil {
		models := vd.Models
		if vd.Model != "" {
			models = []string{vd.Model}
		}
		for _, m := range models {
			prev, err := v.store.Seen(e.ctx, m, vd.Serial)
			if err != nil {
				return err
			}
			if prev != nil {
				vd.OK, vd.Reason = false, serialgate.ReasonDuplicate
				vd.Message = fmt.Sprintf("duplicate: the store has it passed as record %d on station %s at %s",
					prev.RecordID, report.Name(prev.Station), prev.Time.UTC().Format(time.RFC3339))
				break
			}
		}
	}
	if !res.Verdict.OK {
		res.Fields = labelFields(fields)
	}
	if err := v.result(res); err != nil {
		return err
	}
	if !v.renderCheck {
		return nil
	}
	for _, f := range fields {
		if f.Kind != labels.Barcode || f.Symbology == "" {
			continue
		}
		err := v.render(f)
		var re *render.Error
		if err == nil || errors.Is(err, render.ErrUnsupported) {
			continue
		}
		if !errors.As(err, &re) {
			return err
		}
		// ReasonStation: the root package has no reason for a value
		// its symbology cannot carry (see the report of issue 11).
		bad := report.Result{File: file, Label: f.Label, Copy: f.Copy, Field: f.Field, Symbology: f.Symbology, Value: f.Value,
			Verdict: serialgate.Verdict{Serial: f.Value, Reason: serialgate.ReasonStation, Message: "render check: " + re.Reason},
			Fields:  labelFields(fields)}
		if err := v.result(bad); err != nil {
			return err
		}
	}
	return nil
}

// render checks one barcode, remembering the outcome for values seen
// before (fixed fields print the same value on every copy).
func (v *validator) render(f labels.Field) error {
	key := string(f.Symbology) + "\x00" + f.Value
	if err, ok := v.rendered[key]; ok {
		return err
	}
	err := render.Check(f.Symbology, f.Value)
	if v.rendered == nil {
		v.rendered = map[string]error{}
	}
	if len(v.rendered) < maxRendered {
		v.rendered[key] = err
	}
	return err
}

// result counts and writes a label result.
func (v *validator) result(r report.Result) error {
	if r.Verdict.OK {
		v.valid++
	} else {
		v.invalid++
	}
	if v.summary {
		return nil
	}
	return v.out.Result(r)
}

func labelFields(fields []labels.Field) []report.LabelField {
	out := make([]report.LabelField, 0, len(fields))
	for _, f := range fields {
		if f.Kind != labels.Blank {
			out = append(out, report.LabelField{Field: f.Field, Kind: f.Kind.String(), Symbology: f.Symbology, Value: f.Value})
		}
	}
	return out
}

// zplField finds the field a rule's serial.zpl_field names: the ^FN field
// of that number, else the data field in that place.
func zplField(fields []labels.Field, n int) (labels.Field, bool) {
	fn, pos := "FN"+strconv.Itoa(n), strconv.Itoa(n)
	for _, f := range fields {
		if f.Field == fn {
			return f, true
		}
	}
	for _, f := range fields {
		if f.Field == pos {
			return f, true
		}
	}
	return labels.Field{}, false
}

// candidate is a field whose value gives a serial a model's rule accepts.
type candidate struct {
	field  labels.Field
	serial string
	model  string
}

// pickSerial finds the serial on one printed copy and gives its verdict.
// A model whose rule names a field (serial.zpl_field) takes its serial
// from that field alone; the others from any barcode whose value matches
// their rule, as validate.Set.Pick finds it. Two fields that carry
// different serials make the label ambiguous: a reject, never a guess.
func (v *validator) pickSerial(fields []labels.Field) report.Result {
	models := v.set.Models
	if v.model != nil {
		models = []*validate.Model{v.model}
	}
	var cands []candidate
	var near []string
	auto := false
	for _, md := range models {
		if md.Serial.ZPLField == 0 {
			auto = true
			continue
		}
		f, ok := zplField(fields, md.Serial.ZPLField)
		if !ok {
			if v.model != nil {
				near = append(near, fmt.Sprintf("the label has no field %d (serial.zpl_field)", md.Serial.ZPLField))
			}
			continue
		}
		serial, ok, why := md.Source.Extract(f.Value, payload.AIM{})
		if !ok {
			if v.model != nil {
				near = append(near, fmt.Sprintf("field %s: %s", report.Name(f.Field), why))
			}
			continue
		}
		vd := v.set.Check(md, serial)
		if v.model != nil && !vd.OK {
			// The field the rule names is the serial, valid or not.
			return report.Result{Field: f.Field, Symbology: f.Symbology, Value: f.Value, Verdict: vd}
		}
		if vd.OK {
			cands = append(cands, candidate{f, serial, md.Model.Model})
		}
	}
	var barcodes []serialgate.Barcode
	var index []int
	for i, f := range fields {
		if f.Kind == labels.Barcode {
			barcodes = append(barcodes, serialgate.Barcode{Text: f.Value, Symbology: f.Symbology})
			index = append(index, i)
		}
	}
	var pick validate.Pick
	if auto {
		pick = v.set.Pick(barcodes, v.model)
		for _, c := range pick.Candidates {
			if md := v.set.ByModel(c.Model); md != nil && md.Serial.ZPLField == 0 {
				cands = append(cands, candidate{fields[index[c.Barcode]], c.Serial, c.Model})
			}
		}
	}
	var serials []string
	var where []string
	for _, c := range cands {
		if !slices.Contains(serials, c.serial) {
			serials = append(serials, c.serial)
			where = append(where, fmt.Sprintf("%s in field %s", c.serial, report.Name(c.field.Field)))
		}
	}
	vd := serialgate.Verdict{}
	if v.model != nil {
		vd.Model = v.model.Model.Model
	}
	switch {
	case len(serials) == 1:
		c := cands[0]
		vd.Serial, vd.OK = c.serial, true
		if v.model == nil {
			for _, c := range cands {
				if !slices.Contains(vd.Models, c.model) {
					vd.Models = append(vd.Models, c.model)
				}
			}
		}
		return report.Result{Field: c.field.Field, Symbology: c.field.Symbology, Value: c.field.Value, Verdict: vd}
	case len(serials) > 1:
		vd.Reason = serialgate.ReasonAmbiguous
		vd.Message = fmt.Sprintf("ambiguous: %d fields carry different serials: %s; name the serial's field with serial.zpl_field",
			len(serials), strings.Join(where, ", "))
		return report.Result{Verdict: vd}
	case auto && len(barcodes) == 1 && len(near) == 0 && pick.Verdict.Reason == serialgate.ReasonNoSerial:
		// One barcode: it is the serial, and its own verdict says what is
		// wrong with it (a ^SN run that rolled over, a typo).
		f := fields[index[0]]
		if v.model != nil {
			vd = v.set.Check(v.model, f.Value)
		} else {
			vd = v.set.CheckAny(f.Value)
		}
		if vd.OK { // its payload held no serial where the rule looks
			vd = pick.Verdict
		}
		return report.Result{Field: f.Field, Symbology: f.Symbology, Value: f.Value, Verdict: vd}
	case auto && (len(near) == 0 || pick.Verdict.Reason != serialgate.ReasonNoSerial):
		vd = pick.Verdict
		if vd.Reason == serialgate.ReasonNoSerial && v.model == nil {
			var vals []string
			for i, b := range barcodes {
				if i == 3 {
					vals = append(vals, "…")
					break
				}
				vals = append(vals, fmt.Sprintf("field %s %s", report.Name(fields[index[i]].Field), serialgate.Shown(b.Text)))
			}
			vd.Message += ": " + strings.Join(vals, ", ")
		}
		if vd.Reason == serialgate.ReasonNoBarcode {
			vd.Message = "the label prints no barcode"
		}
		return report.Result{Verdict: vd}
	}
	vd.Reason = serialgate.ReasonNoSerial
	vd.Message = "no field carries a serial"
	if v.model != nil {
		vd.Message += " for model " + v.model.Model.Model
	}
	if len(near) > 0 {
		vd.Message += ": " + strings.Join(near, "; ")
	}
	return report.Result{Verdict: vd}
}
