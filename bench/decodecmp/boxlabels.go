package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// boxLabel is one photo of the box-label set with the barcodes placed on
// it (truth.jsonl: the fields used here).
type boxLabel struct {
	File          string `json:"file"`
	SerialBarcode *int   `json:"serial_barcode"`
	Barcodes      []struct {
		Symbology string `json:"symbology"`
		Text      string `json:"text"`
	} `json:"barcodes"`
}

// boxScore is what one tool read on the set.
type boxScore struct {
	serialImages, serialRead int
	barcodes, barcodesRead   int
	misreads                 int
	ms                       []float64
	misread                  []string // "file: text", for -v
}

func (s boxScore) median() float64 {
	if len(s.ms) == 0 {
		return 0
	}
	ms := append([]float64(nil), s.ms...)
	sort.Float64s(ms)
	return ms[len(ms)/2]
}

// readBoxLabels reads dir's truth.jsonl.
func readBoxLabels(dir string) ([]boxLabel, error) {
	f, err := os.Open(filepath.Join(dir, "truth.jsonl"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []boxLabel
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		var b boxLabel
		if err := json.Unmarshal(sc.Bytes(), &b); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", f.Name(), line, err)
		}
		out = append(out, b)
	}
	return out, sc.Err()
}

// sameCode tells whether a tool's text is the placed barcode's: the same
// text, with or without a leading GS (GS1 data), or a UPC-A written as its
// 13-digit EAN-13 form or the other way round.
func sameCode(got, want string) bool {
	got, want = strings.TrimPrefix(got, "\x1d"), strings.TrimPrefix(want, "\x1d")
	return got == want || "0"+got == want || got == "0"+want
}

// runBoxLabels runs every tool on every photo of the set in dir, one
// process per photo and tool, and prints serials read (of the labels that
// carry one), all barcodes read, misreads (a text no barcode on the photo
// carries) and the median time per photo, with ratios between the tools.
func runBoxLabels(dir string, tools []tool, verbose bool) error {
	labels, err := readBoxLabels(dir)
	if err != nil {
		return err
	}
	scores := make([]boxScore, len(tools))
	// As on the sample folders: the tools take turns on each photo, and a
	// photo's time is the fastest of a tool's runs.
	for _, lb := range labels {
		runs := turns(tools, filepath.Join(dir, lb.File))
		for ti, t := range tools {
			s := &scores[ti]
			texts, err := runs[ti].texts, runs[ti].err
			s.ms = append(s.ms, float64(runs[ti].best.Microseconds())/1000)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s %s: %v\n", t.name, lb.File, err)
			}
			read := make([]bool, len(lb.Barcodes))
			for _, txt := range texts {
				ok := false
				for i, b := range lb.Barcodes {
					if sameCode(string(txt), b.Text) {
						read[i], ok = true, true
					}
				}
				if !ok {
					s.misreads++
					s.misread = append(s.misread, fmt.Sprintf("%s: %q", lb.File, txt))
				}
			}
			s.barcodes += len(lb.Barcodes)
			for _, r := range read {
				if r {
					s.barcodesRead++
				}
			}
			if lb.SerialBarcode != nil {
				s.serialImages++
				if read[*lb.SerialBarcode] {
					s.serialRead++
				}
			}
		}
	}
	fmt.Printf("\n== box-label photos: %d photos, %d with a serial, %d barcodes (%s)\n", len(labels), scores[0].serialImages, scores[0].barcodes, dir)
	fmt.Printf("%-12s %16s %16s %9s %10s", "tool", "serial read", "barcodes read", "misreads", "median ms")
	for _, o := range tools[1:] {
		fmt.Printf(" | %-26s", "ratio to "+o.name+" serial/all/time")
	}
	fmt.Println()
	pct := func(a, b int) string { return fmt.Sprintf("%d/%d %3.0f%%", a, b, 100*float64(a)/float64(max(b, 1))) }
	ratio := func(a, b float64) string {
		if b == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", a/b)
	}
	for ti, t := range tools {
		s := scores[ti]
		fmt.Printf("%-12s %16s %16s %9d %10.1f", t.name, pct(s.serialRead, s.serialImages), pct(s.barcodesRead, s.barcodes), s.misreads, s.median())
		if ti == 0 {
			for oi := range tools[1:] {
				o := scores[oi+1]
				fmt.Printf(" | %-26s", strings.Join([]string{ratio(float64(s.serialRead), float64(o.serialRead)),
					ratio(float64(s.barcodesRead), float64(o.barcodesRead)), ratio(s.median(), o.median())}, " / "))
			}
		}
		fmt.Println()
	}
	// The same photos in one process per tool: the time per photo without
	// the process's start-up.
	var paths []string
	for _, lb := range labels {
		paths = append(paths, filepath.Join(dir, lb.File))
	}
	fmt.Printf("%-12s", "one process")
	var batch []float64
	aborted := false
	for i, t := range tools {
		el, ok := batchTime(t, paths)
		ms := float64(el.Microseconds()) / 1000 / float64(len(paths))
		batch = append(batch, ms)
		if !ok {
			fmt.Printf(" | %s aborted", t.name)
			aborted = aborted || i < 2
			continue
		}
		fmt.Printf(" | %s %.1f ms/photo", t.name, ms)
	}
	if len(batch) > 1 && !aborted {
		fmt.Printf(" | ratio to %s %s", tools[1].name, ratio(batch[0], batch[1]))
	}
	fmt.Println()
	if verbose {
		for ti, t := range tools {
			for _, m := range scores[ti].misread {
				fmt.Printf("  %s misread %s\n", t.name, m)
			}
		}
	}
	return nil
}

// textOf returns the exact text of a ZXingReader result from its Bytes
// line (its Text line leaves out control characters such as GS), or the
// Text line when there is none.
func textOf(rec string) (string, bool) {
	i := strings.Index(rec, "\nBytes:")
	if i < 0 {
		return "", false
	}
	var out bytes.Buffer
	for _, h := range strings.Fields(strings.SplitN(rec[i+7:], "\n", 2)[0]) {
		var b byte
		if _, err := fmt.Sscanf(h, "%02X", &b); err != nil {
			return "", false
		}
		out.WriteByte(b)
	}
	return out.String(), true
}
