package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/scanner"
	"github.com/serialgate/serialgate/scanner/evdev"
	"github.com/serialgate/serialgate/scanner/serialport"
	"github.com/serialgate/serialgate/scanner/tty"
)

const sourceHelp = `source specs:
  serial:PATH[?baud=9600&suffix=any|cr|lf|crlf|tab|none&stx=1&prefix=P&aim=1&max=4096]
                      a serial or USB-CDC scanner; PATH is /dev/ttyACM0, a /dev/serial/by-id/ link,
                      or usb:VID:PID[:SERIAL]
  tty                 a keyboard-wedge scanner typing into this terminal
  evdev:PATH[?layout=us|de|fr&grab=1]
                      a keyboard-wedge scanner's input device, /dev/input/eventN
  camera:INDEX|PATH   a camera or a video file (built with -tags camera)
  replay:FILE[?speed=1]
                      a capture file played back (speed 0: as fast as possible)
  sim:FILE[?rate=10&loop=1]
                      a list of barcodes delivered at rate scans per second`

// spec is a parsed source spec.
type spec struct {
	kind, path string
	q          url.Values
}

func parseSpec(s string) (spec, error) {
	kind, rest, _ := strings.Cut(s, ":")
	path, query, _ := strings.Cut(rest, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return spec{}, fmt.Errorf("source %q: %v", s, err)
	}
	switch kind {
	case "tty":
		return spec{kind: kind, q: q}, nil
	case "serial", "evdev", "camera", "replay", "sim":
		if path == "" {
			return spec{}, fmt.Errorf("source %q: no path after %s:", s, kind)
		}
		return spec{kind: kind, path: path, q: q}, nil
	}
	return spec{}, fmt.Errorf("unknown source %q\n%s", s, sourceHelp)
}

func (sp spec) bool(key string) bool {
	v := sp.q.Get(key)
	return v == "1" || v == "true" || v == "yes"
}

func (sp spec) float(key string, def float64) (float64, error) {
	v := sp.q.Get(key)
	if v == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		return 0, fmt.Errorf("source option %s=%q: want a number", key, v)
	}
	return f, nil
}

func (sp spec) framing() (scanner.Framing, error) {
	f := scanner.Framing{Suffix: scanner.Suffix(sp.q.Get("suffix")), STXETX: sp.bool("stx"), Prefix: sp.q.Get("prefix"), AIM: sp.bool("aim")}
	switch f.Suffix {
	case "", scanner.SuffixAny, scanner.SuffixCR, scanner.SuffixLF, scanner.SuffixCRLF, scanner.SuffixTab, scanner.SuffixNone:
	default:
		return f, fmt.Errorf("source option suffix=%q: want any, cr, lf, crlf, tab or none", f.Suffix)
	}
	if m := sp.q.Get("max"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n <= 0 {
			return f, fmt.Errorf("source option max=%q: want a positive number", m)
		}
		f.MaxLen = n
	}
	return f, nil
}

// source is an open scan source and what closes it.
type source struct {
	serialgate.Source
	close func() error
}

// openSource opens a source spec. rec, when set, records the raw input.
func openSource(ctx context.Context, e *env, s string, log *slog.Logger, rec func(h scanner.CaptureHeader) (*scanner.Recorder, error)) (*source, error) {
	sp, err := parseSpec(s)
	if err != nil {
		return nil, err
	}
	noClose := func() error { return nil }
	switch sp.kind {
	case "serial":
		fr, err := sp.framing()
		if err != nil {
			return nil, err
		}
		baud := 9600
		if b := sp.q.Get("baud"); b != "" {
			if baud, err = strconv.Atoi(b); err != nil || baud <= 0 {
				return nil, fmt.Errorf("source option baud=%q: want a positive number", b)
			}
		}
		cfg := serialport.Config{Path: sp.path, Baud: baud}
		if rec != nil {
			r, err := rec(scanner.CaptureHeader{Source: s, Kind: scanner.KindBytes, Framing: &fr})
			if err != nil {
				return nil, err
			}
			p, err := serialport.Open(cfg)
			if err != nil {
				return nil, err
			}
			st := scanner.NewStream("serial:"+sp.path, r.Tee(p), fr, scanner.StreamOptions{Log: log})
			return &source{st, p.Close}, nil
		}
		src := &serialport.Source{Config: cfg, Framing: fr, Log: log}
		return &source{src, src.Close}, nil
	case "tty":
		opt := tty.Options{}
		if rec != nil {
			r, err := rec(scanner.CaptureHeader{Source: s, Kind: scanner.KindKeys})
			if err != nil {
				return nil, err
			}
			opt.Tee = func(p []byte) { r.Record(p) }
		}
		f, ok := e.stdin.(*os.File)
		if !ok {
			return nil, fmt.Errorf("source tty: standard input is not a terminal")
		}
		t, err := tty.Open(f, opt)
		if err != nil {
			return nil, err
		}
		return &source{t, t.Close}, nil
	case "evdev":
		name := sp.q.Get("layout")
		if name == "" {
			name = "us"
		}
		layout, ok := evdev.Layouts[name]
		if !ok {
			return nil, fmt.Errorf("source option layout=%q: want us, de or fr", name)
		}
		opt := evdev.Options{Layout: layout, Grab: sp.q.Get("grab") != "0"}
		if rec != nil {
			r, err := rec(scanner.CaptureHeader{Source: s, Kind: scanner.KindEvdev, Layout: name})
			if err != nil {
				return nil, err
			}
			opt.Tee = func(p []byte) { r.Record(p) }
		}
		d, err := evdev.Open(sp.path, opt)
		if err != nil {
			return nil, err
		}
		return &source{d, d.Close}, nil
	case "camera":
		return openCamera(sp, log)
	case "replay":
		return openReplay(sp, log)
	case "sim":
		rate, err := sp.float("rate", 10)
		if err != nil {
			return nil, err
		}
		sim, err := scanner.LoadSim(sp.path, rate, sp.bool("loop"))
		if err != nil {
			return nil, err
		}
		return &source{sim, noClose}, nil
	}
	return nil, fmt.Errorf("unknown source %q", s)
}

// openReplay plays a capture file back through the decoding its kind needs.
func openReplay(sp spec, log *slog.Logger) (*source, error) {
	f, err := os.Open(sp.path)
	if err != nil {
		return nil, err
	}
	h, chunks, err := scanner.ReadCapture(f, sp.path)
	f.Close()
	if err != nil {
		return nil, err
	}
	speed, err := sp.float("speed", 1)
	if err != nil {
		return nil, err
	}
	player := &scanner.Player{Chunks: chunks, Speed: speed}
	name := "replay:" + sp.path
	switch h.Kind {
	case scanner.KindBytes:
		fr := scanner.Framing{}
		if h.Framing != nil {
			fr = *h.Framing
		}
		if len(sp.q) > 0 && (sp.q.Has("suffix") || sp.q.Has("stx") || sp.q.Has("aim") || sp.q.Has("prefix")) {
			if fr, err = sp.framing(); err != nil {
				return nil, err
			}
		}
		return &source{scanner.NewStream(name, player, fr, scanner.StreamOptions{Log: log}), func() error { return nil }}, nil
	case scanner.KindKeys:
		return &source{&keyReplay{name: name, player: player}, func() error { return nil }}, nil
	case scanner.KindEvdev:
		layout, ok := evdev.Layouts[h.Layout]
		if !ok {
			layout = evdev.Layouts["us"]
		}
		return &source{&evdevReplay{name: name, rd: evdev.NewReader(player, layout)}, func() error { return nil }}, nil
	}
	return nil, fmt.Errorf("%s: unknown capture kind %q", sp.path, h.Kind)
}

// keyReplay replays terminal keystrokes, timing bursts by the recorded
// times.
type keyReplay struct {
	name    string
	player  *scanner.Player
	burst   scanner.Burst
	pending []string
	base    time.Time
}

func (k *keyReplay) Next(ctx context.Context) (serialgate.Scan, error) {
	if k.base.IsZero() {
		k.base = time.Now()
	}
	buf := make([]byte, 4096)
	for len(k.pending) == 0 {
		if err := ctx.Err(); err != nil {
			return serialgate.Scan{}, err
		}
		n, err := k.player.Read(buf)
		if err != nil {
			return serialgate.Scan{}, err
		}
		k.pending = k.burst.Bytes(k.base.Add(k.player.At()), bytes.Clone(buf[:n]))
	}
	text := k.pending[0]
	k.pending = k.pending[1:]
	return serialgate.Scan{Time: time.Now(), Source: k.name, Text: text}, nil
}

type evdevReplay struct {
	name string
	rd   *evdev.Reader
}

func (r *evdevReplay) Next(ctx context.Context) (serialgate.Scan, error) {
	if err := ctx.Err(); err != nil {
		return serialgate.Scan{}, err
	}
	text, _, err := r.rd.Scan()
	if err != nil {
		return serialgate.Scan{}, err
	}
	return serialgate.Scan{Time: time.Now(), Source: r.name, Text: text}, nil
}
