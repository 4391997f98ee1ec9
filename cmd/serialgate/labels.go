package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/serialgate/serialgate/labels"
	"github.com/serialgate/serialgate/report"
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
				report.Name(fd.Field), sym, report.Shown(fd.Value), fd.X, fd.Y)
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
