//go:build !decodeonly

package main

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/scanner"
	"github.com/serialgate/serialgate/scanner/tty"
)

func runScan(e *env, args []string) int {
	fl := newFlags(e, "scan", "",
		"Prints each scan as it arrives: what a scanner sends, framed, the first tool an\n"+
			"integrator reaches for. Runs until the source ends or Ctrl-C.\n\n"+scanner.SpecHelp)
	src := fl.String("source", "", "source spec (required)")
	format := fl.String("format", "text", "output format: text or jsonl")
	if code, ok := parse(fl, args, nil); !ok {
		return code
	}
	if *src == "" {
		fmt.Fprintln(e.stderr, "serialgate scan: --source is required\n"+scanner.SpecHelp)
		return exitUsage
	}
	if *format != "text" && *format != "jsonl" {
		fmt.Fprintf(e.stderr, "serialgate scan: unknown format %q (want text or jsonl)\n", *format)
		return exitUsage
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s, err := scanner.Open(*src, scanner.OpenOptions{Log: log, Terminal: e.terminal()})
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate scan:", err)
		return exitUsage
	}
	defer s.Close()
	return printScans(e, s, *format)
}

func printScans(e *env, s *scanner.Opened, format string) int {
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	for {
		sc, err := s.Next(e.ctx)
		if err != nil {
			w.Flush()
			switch {
			case errors.Is(err, io.EOF), errors.Is(err, scanner.ErrEnd), errors.Is(err, tty.ErrInterrupted), e.ctx.Err() != nil:
				return exitOK
			}
			fmt.Fprintln(e.stderr, "serialgate scan:", err)
			return exitUsage
		}
		if format == "jsonl" {
			enc.Encode(struct {
				Time   string `json:"time"`
				Source string `json:"source"`
				Text   string `json:"text"`
				AIM    string `json:"aim,omitempty"`
				RawHex string `json:"raw_hex,omitempty"`
			}{sc.Time.Format(time.RFC3339Nano), sc.Source, sc.Text, sc.AIM, hex.EncodeToString(sc.Raw)})
		} else {
			aim := sc.AIM
			if aim == "" {
				aim = "-"
			}
			fmt.Fprintf(w, "%s %s %s %s\n", sc.Time.Format("15:04:05.000"), sc.Source, aim, serialgate.Shown(sc.Text))
		}
		w.Flush()
	}
}

func runCapture(e *env, args []string) int {
	fl := newFlags(e, "capture", "",
		"Records what a source receives, raw bytes or key events with timestamps, to a\n"+
			"capture file, printing the scans as they arrive. Play it back with\n"+
			"--source replay:FILE. Runs until Ctrl-C or --duration.\n\n"+scanner.SpecHelp)
	src := fl.String("source", "", "source spec (required): serial, tty or evdev")
	out := fl.String("out", "", "capture file to write (required)")
	dur := fl.Duration("duration", 0, "stop after this long (default: until Ctrl-C)")
	if code, ok := parse(fl, args, nil); !ok {
		return code
	}
	if *src == "" || *out == "" {
		fmt.Fprintln(e.stderr, "serialgate capture: --source and --out are required")
		return exitUsage
	}
	// Everything is checked before the capture file is touched, and the
	// capture is written beside it and renamed on success: a typo must not
	// wipe an earlier capture.
	if err := scanner.CheckSpec(*src); err != nil {
		fmt.Fprintln(e.stderr, "serialgate capture:", err)
		return exitUsage
	}
	if kind, _, _ := strings.Cut(*src, ":"); kind != "serial" && kind != "tty" && kind != "evdev" {
		fmt.Fprintf(e.stderr, "serialgate capture: %s sources are not recorded: capture records what a serial, tty or evdev scanner sends\n", kind)
		return exitUsage
	}
	f, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*.tmp")
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate capture:", err)
		return exitUsage
	}
	defer func() {
		f.Close()
		os.Remove(f.Name()) // gone already when the capture was kept
	}()
	ctx := e.ctx
	if *dur > 0 {
		var cancel func()
		ctx, cancel = context.WithTimeout(ctx, *dur)
		defer cancel()
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	s, err := scanner.Open(*src, scanner.OpenOptions{Log: log, Terminal: e.terminal(),
		Record: func(h scanner.CaptureHeader) (*scanner.Recorder, error) { return scanner.NewRecorder(f, h, nil) }})
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate capture:", err)
		return exitUsage
	}
	defer s.Close()
	sub := *e
	sub.ctx = ctx
	code := printScans(&sub, s, "text")
	if err := f.Close(); err != nil {
		fmt.Fprintln(e.stderr, "serialgate capture:", err)
		return exitUsage
	}
	if err := os.Rename(f.Name(), *out); err != nil {
		fmt.Fprintln(e.stderr, "serialgate capture:", err)
		return exitUsage
	}
	return code
}
