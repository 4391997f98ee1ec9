package scanner

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/scanner/evdev"
	"github.com/serialgate/serialgate/scanner/framing"
	"github.com/serialgate/serialgate/scanner/serialport"
	"github.com/serialgate/serialgate/scanner/tty"
)

// SpecHelp describes the source specs Open takes, for a command's --help.
const SpecHelp = `source specs:
  serial:PATH[?baud=9600&suffix=any|cr|lf|crlf|tab|none&stx=1&prefix=P&aim=1&max=4096]
                      a serial or USB-CDC scanner; PATH is /dev/ttyACM0, a /dev/serial/by-id/ link,
                      or usb:VID:PID[:SERIAL]; a scanner not plugged in is waited for (with a warning)
  tty                 a keyboard-wedge scanner typing into this terminal
  evdev:PATH[?layout=us|de|fr&grab=1]
                      a keyboard-wedge scanner's input device, /dev/input/eventN
  camera:INDEX|PATH   a camera or a video file (built with -tags camera)
  replay:FILE[?speed=1]
                      a capture file played back (speed 0: as fast as possible)
  sim:FILE[?rate=10&loop=1]
                      a list of barcodes delivered at rate scans per second
  images:PATH[?rate=1&loop=1]
                      pictures of labels (a file, a folder's PNG/JPEG/... files, or a glob), each
                      decoded as a camera frame and judged as one label, at rate pictures per second
                      (0: as fast as they decode); the screen previews them as it would a camera's`

// spec is a parsed source spec.
type spec struct {
	kind, path string
	q          url.Values
}

// CheckSpec tells whether s is a well-formed source spec, without opening
// anything.
func CheckSpec(s string) error {
	sp, err := parseSpec(s)
	if err != nil {
		return err
	}
	return sp.check()
}

func parseSpec(s string) (spec, error) {
	kind, rest, _ := strings.Cut(s, ":")
	path, query, _ := strings.Cut(rest, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return spec{}, fmt.Errorf("source %q: %w", s, err)
	}
	switch kind {
	case "tty":
		return spec{kind: kind, q: q}, nil
	case "serial", "evdev", "camera", "replay", "sim", "images":
		if path == "" {
			return spec{}, fmt.Errorf("source %q: no path after %s:", s, kind)
		}
		return spec{kind: kind, path: path, q: q}, nil
	}
	return spec{}, fmt.Errorf("unknown source %q\n%s", s, SpecHelp)
}

func (sp spec) bool(key string) bool {
	v := sp.q.Get(key)
	return v == "1" || v == "true" || v == "yes"
}

// float reads a number option between lo and hi; 0 is also accepted when
// zero is set (a speed of 0 means as fast as possible).
func (sp spec) float(key string, def, lo, hi float64, zero bool) (float64, error) {
	v := sp.q.Get(key)
	if v == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || !(f == 0 && zero || f >= lo && f <= hi) {
		return 0, fmt.Errorf("source option %s=%q: want a number from %g to %g", key, v, lo, hi)
	}
	return f, nil
}

func (sp spec) baud() (int, error) {
	b := sp.q.Get("baud")
	if b == "" {
		return 9600, nil
	}
	baud, err := strconv.Atoi(b)
	if err != nil || baud <= 0 || baud > 4_000_000 {
		return 0, fmt.Errorf("source option baud=%q: want a positive number", b)
	}
	return baud, nil
}

func (sp spec) layout() (string, error) {
	name := sp.q.Get("layout")
	if name == "" {
		name = "us"
	}
	if _, ok := evdev.Layouts()[name]; !ok {
		return "", fmt.Errorf("source option layout=%q: want us, de or fr", name)
	}
	return name, nil
}

// check reads every option the spec's kind takes, so that a mistake is
// reported before anything is opened.
func (sp spec) check() error {
	var err error
	switch sp.kind {
	case "serial":
		if _, err = sp.framing(); err == nil {
			_, err = sp.baud()
		}
	case "evdev":
		_, err = sp.layout()
	case "sim":
		_, err = sp.float("rate", 10, 0.001, 100_000, false)
	case "images":
		_, err = sp.float("rate", 1, 0.001, 1000, true)
	case "replay":
		if _, err = sp.float("speed", 1, 0.001, 1_000_000, true); err == nil && sp.hasFraming() {
			_, err = sp.framing()
		}
	}
	return err
}

func (sp spec) hasFraming() bool {
	return sp.q.Has("suffix") || sp.q.Has("stx") || sp.q.Has("aim") || sp.q.Has("prefix") || sp.q.Has("max")
}

func (sp spec) framing() (framing.Framing, error) {
	f := framing.Framing{Suffix: framing.Suffix(sp.q.Get("suffix")), STXETX: sp.bool("stx"), Prefix: sp.q.Get("prefix"), AIM: sp.bool("aim")}
	switch f.Suffix {
	case "", framing.SuffixAny, framing.SuffixCR, framing.SuffixLF, framing.SuffixCRLF, framing.SuffixTab, framing.SuffixNone:
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

// Opened is a source opened from a spec.
type Opened struct {
	serialgate.Source
	close func() error
}

// Close stops the source and releases its device.
func (o *Opened) Close() error { return o.close() }

// OpenOptions are what Open may need besides the spec. The zero value is
// ready to use.
type OpenOptions struct {
	Log *slog.Logger
	// Terminal is the terminal a tty source reads (the process's standard
	// input); nil means the tty source is not available.
	Terminal *os.File
	// Record, when set, is called once with the capture header and returns
	// the recorder the source's raw input is written to.
	Record func(CaptureHeader) (*Recorder, error)
}

// Open opens the source a spec names (see SpecHelp).
func Open(spec string, opt OpenOptions) (*Opened, error) {
	s := spec
	sp, err := parseSpec(s)
	if err != nil {
		return nil, err
	}
	if err := sp.check(); err != nil {
		return nil, err
	}
	log, rec, term := opt.Log, opt.Record, opt.Terminal
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	switch sp.kind {
	case "serial":
		fr, err := sp.framing()
		if err != nil {
			return nil, err
		}
		baud, err := sp.baud()
		if err != nil {
			return nil, err
		}
		cfg := serialport.Config{Path: sp.path, Baud: baud}
		if rec != nil {
			// A capture records one connection: it fails at once when the
			// scanner is not there, rather than waiting for it.
			p, err := serialport.Open(cfg)
			if err != nil {
				return nil, err
			}
			r, err := rec(CaptureHeader{Source: s, Kind: KindBytes, Framing: &fr})
			if err != nil {
				p.Close()
				return nil, err
			}
			st := framing.NewStream("serial:"+sp.path, r.Tee(p), fr, framing.StreamOptions{Log: log})
			return &Opened{st, st.Close}, nil
		}
		src, err := serialport.NewSource(cfg, fr, log)
		if err != nil {
			return nil, err
		}
		return &Opened{src, src.Close}, nil
	case "tty":
		if term == nil {
			return nil, fmt.Errorf("source tty: standard input is not a terminal")
		}
		topt := tty.Options{}
		if rec != nil {
			r, err := rec(CaptureHeader{Source: s, Kind: KindKeys})
			if err != nil {
				return nil, err
			}
			topt.Tee = r.Record
		}
		t, err := tty.Open(term, topt)
		if err != nil {
			return nil, err
		}
		return &Opened{t, t.Close}, nil
	case "evdev":
		name, err := sp.layout()
		if err != nil {
			return nil, err
		}
		opt := evdev.Options{Layout: evdev.Layouts()[name], Grab: sp.q.Get("grab") != "0"}
		if rec != nil {
			r, err := rec(CaptureHeader{Source: s, Kind: KindEvdev, Layout: name})
			if err != nil {
				return nil, err
			}
			opt.Tee = r.Record
		}
		d, err := evdev.Open(sp.path, opt)
		if err != nil {
			return nil, err
		}
		return &Opened{d, d.Close}, nil
	case "camera":
		return openCamera(sp, log)
	case "replay":
		return openReplay(sp, log)
	case "sim":
		rate, err := sp.float("rate", 10, 0.001, 100_000, false)
		if err != nil {
			return nil, err
		}
		sim, err := LoadSim(sp.path, rate, sp.bool("loop"))
		if err != nil {
			return nil, err
		}
		return &Opened{sim, sim.Close}, nil
	case "images":
		rate, err := sp.float("rate", 1, 0.001, 1000, true)
		if err != nil {
			return nil, err
		}
		files, err := PictureFiles(sp.path)
		if err != nil {
			return nil, err
		}
		p := NewPictures("images:"+sp.path, FilePictures(files, sp.bool("loop")), rate, nil)
		return &Opened{p, p.Close}, nil
	}
	return nil, fmt.Errorf("unknown source %q", s)
}

// openReplay plays a capture file back through the decoding its kind needs.
func openReplay(sp spec, log *slog.Logger) (*Opened, error) {
	f, err := os.Open(sp.path)
	if err != nil {
		return nil, fmt.Errorf("open capture: %w", err)
	}
	h, chunks, err := ReadCapture(f, sp.path)
	f.Close()
	if err != nil {
		return nil, err
	}
	speed, err := sp.float("speed", 1, 0.001, 1_000_000, true)
	if err != nil {
		return nil, err
	}
	player := &Player{Chunks: chunks, Speed: speed}
	name := "replay:" + sp.path
	switch h.Kind {
	case KindBytes:
		fr := framing.Framing{}
		if h.Framing != nil {
			fr = *h.Framing
		}
		if sp.hasFraming() {
			if fr, err = sp.framing(); err != nil {
				return nil, err
			}
		}
		st := framing.NewStream(name, player, fr, framing.StreamOptions{Log: log})
		return &Opened{st, st.Close}, nil
	case KindKeys:
		k := newKeyReplay(name, player)
		return &Opened{k, k.Close}, nil
	case KindEvdev:
		layout, ok := evdev.Layouts()[h.Layout]
		if !ok {
			layout = evdev.Layouts()["us"]
		}
		d := evdev.NewSource(name, player, evdev.Options{Layout: layout})
		return &Opened{d, d.Close}, nil
	}
	return nil, &CaptureError{File: sp.path, Line: 1, Err: fmt.Errorf("unknown capture kind %q", h.Kind)}
}

// keyReplay replays terminal keystrokes, timing bursts by the recorded
// times, as the tty source times them by their arrival.
type keyReplay struct {
	name   string
	player *Player
	burst  framing.Burst
	pipe   *framing.Pipe
	stop   chan struct{}
	once   sync.Once
	done   chan struct{}
}

var _ serialgate.Source = (*keyReplay)(nil)

func newKeyReplay(name string, player *Player) *keyReplay {
	k := &keyReplay{name: name, player: player, pipe: framing.NewPipe(64),
		stop: make(chan struct{}), done: make(chan struct{})}
	go k.run()
	return k
}

func (k *keyReplay) run() {
	defer close(k.done)
	base := time.Now()
	buf := make([]byte, 4096)
	for {
		n, err := k.player.Read(buf)
		for _, text := range k.burst.Bytes(base.Add(k.player.At()), buf[:n]) {
			if !k.pipe.Send(serialgate.Scan{Time: time.Now(), Source: k.name, Text: text}, k.stop) {
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				err = fmt.Errorf("read %s: %w", k.name, err)
			}
			k.pipe.End(err)
			return
		}
	}
}

func (k *keyReplay) Next(ctx context.Context) (serialgate.Scan, error) { return k.pipe.Next(ctx) }

// Close stops the replay: a Next waiting returns framing.ErrClosed, and
// the player's wait for its next chunk ends.
func (k *keyReplay) Close() error {
	k.once.Do(func() {
		close(k.stop)
		k.pipe.Close()
		k.player.Close()
	})
	return nil
}
