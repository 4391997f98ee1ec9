package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// zint barcode types used here.
const (
	zintCode39     = 8
	zintEAN13      = 13
	zintGS1128     = 16
	zintCode128    = 20
	zintUPCA       = 34
	zintQR         = 58
	zintDataMatrix = 71
)

// symbol is a barcode's modules, one bool per module (true: dark), as
// zint draws it at one module per cell, without quiet zones.
type symbol struct {
	rows [][]bool
	w, h int
}

// zintSymbol runs zint to encode data and reads back its modules (the
// --dump output: one line of hex digits per row).
func zintSymbol(barcode int, data string, extra ...string) (*symbol, error) {
	args := append([]string{"--barcode=" + strconv.Itoa(barcode), "--dump", "--notext", "--data=" + data}, extra...)
	cmd := exec.Command("zint", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("zint %s: %v: %s%s", strings.Join(args, " "), err, stderr.String(), stdout.String())
	}
	s := &symbol{}
	for _, line := range strings.Split(stdout.String(), "\n") {
		line = strings.ReplaceAll(strings.TrimSpace(line), " ", "")
		if line == "" {
			continue
		}
		var row []bool
		for _, c := range line {
			v, err := strconv.ParseUint(string(c), 16, 8)
			if err != nil {
				return nil, fmt.Errorf("zint %s: unexpected dump %q", strings.Join(args, " "), line)
			}
			for b := 3; b >= 0; b-- {
				row = append(row, v>>uint(b)&1 == 1)
			}
		}
		s.rows = append(s.rows, row)
	}
	// The dump pads each row to whole hex digits. Every symbol drawn here
	// has a dark module in its last column (the stop or guard bar, Data
	// Matrix's solid bottom row, QR's top-right finder), so the width is
	// the last dark module over all rows.
	for _, row := range s.rows {
		for i := len(row) - 1; i >= 0; i-- {
			if row[i] {
				s.w = max(s.w, i+1)
				break
			}
		}
	}
	s.h = len(s.rows)
	if s.w == 0 || s.h == 0 {
		return nil, fmt.Errorf("zint %s: empty symbol", strings.Join(args, " "))
	}
	for i := range s.rows {
		if len(s.rows[i]) < s.w {
			s.rows[i] = append(s.rows[i], make([]bool, s.w-len(s.rows[i]))...)
		}
		s.rows[i] = s.rows[i][:s.w]
	}
	return s, nil
}
