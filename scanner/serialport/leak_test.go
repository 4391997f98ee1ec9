package serialport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/serialgate/serialgate/scanner/framing"
)

// framingAny is the default framing: CR, LF or CRLF ends a scan.
var framingAny = framing.Framing{}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestSourceStops reads two scans, stops reading while the scanner sends
// more than the stream holds, and closes the source: Close is prompt, a
// Next after it fails with ErrClosed, and no goroutine is left.
func TestSourceStops(t *testing.T) {
	l := newLink(t)
	s := &Source{Config: Config{Path: l.dev, Baud: 115200}}
	var burst strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&burst, "S%05d\r", i)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.w.Write([]byte(burst.String()))
	}()
	for range 2 {
		if _, err := next(t, s, 5*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v", d)
	}
	s.Close()
	if _, err := s.Next(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Next after Close: %v, want ErrClosed", err)
	}
	l.stop() // ends a write blocked on a full buffer
	<-done
	goleak.VerifyNone(t)
}

// TestPortStops closes a Port with a Read blocked in the driver: the Read
// returns ErrClosed and no goroutine is left.
func TestPortStops(t *testing.T) {
	l := newLink(t)
	p, err := Open(Config{Path: l.dev})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		buf := make([]byte, 64)
		_, err := p.Read(buf)
		errc <- err
	}()
	p.Close()
	p.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("Read: %v, want ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read still blocked 5 s after Close")
	}
	goleak.VerifyNone(t)
}

// record is a log line as the tests look at it.
type record struct {
	at    time.Duration // since the test's start
	level slog.Level
	msg   string
	err   string
}

// recorder is a slog.Handler that keeps what it is given.
type recorder struct {
	start time.Time
	mu    sync.Mutex
	recs  []record
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *recorder) WithGroup(string) slog.Handler            { return r }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	var err string
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" {
			err = a.Value.String()
		}
		return true
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs = append(r.recs, record{rec.Time.Sub(r.start), rec.Level, rec.Message, err})
	return nil
}

func (r *recorder) records() []record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]record(nil), r.recs...)
}

// TestWaitsForMissingScanner: a scanner that is not plugged in is reported
// once, at Warn level, when the source is made; Next then tries again with
// a backoff that doubles up to its maximum, at Debug level, until its
// context ends or Close.
func TestWaitsForMissingScanner(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		logs := &recorder{start: time.Now()}
		path := filepath.Join(t.TempDir(), "ttyACM9")
		s, err := NewSource(Config{Path: path}, framingAny, slog.New(logs))
		if err != nil {
			t.Fatal(err)
		}
		s.MinBackoff, s.MaxBackoff = 100*time.Millisecond, 400*time.Millisecond
		recs := logs.records()
		if len(recs) != 1 || recs[0].level != slog.LevelWarn || recs[0].msg != "scanner not connected; waiting for it" || !strings.Contains(recs[0].err, path) {
			t.Fatalf("log when made: %+v, want one warning naming %s", recs, path)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		if _, err := s.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Next: %v, want the deadline", err)
		}
		var attempts []time.Duration
		for _, r := range logs.records()[1:] {
			if r.level != slog.LevelDebug {
				t.Errorf("%+v: want later attempts at Debug level", r)
			}
			attempts = append(attempts, r.at)
		}
		if fmt.Sprint(attempts) != "[0s 100ms 300ms 700ms 1.1s 1.5s 1.9s]" {
			t.Errorf("attempts at %v, want the backoff doubling from 100ms to 400ms", attempts)
		}
		// Close ends a Next waiting between attempts, without waiting out
		// the backoff.
		errc := make(chan error, 1)
		go func() {
			_, err := s.Next(context.Background())
			errc <- err
		}()
		synctest.Wait()
		closed := time.Now()
		s.Close()
		if err := <-errc; !errors.Is(err, ErrClosed) || time.Since(closed) != 0 {
			t.Fatalf("Next at Close: %v after %v, want ErrClosed at once", err, time.Since(closed))
		}
	})
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "scans.txt")
	os.WriteFile(regular, []byte("AC2000000001\n"), 0o644)
	fifo := filepath.Join(dir, "fifo")
	syscall.Mkfifo(fifo, 0o600)
	for path, want := range map[string]string{
		filepath.Join(dir, "missing"): "", // not plugged in yet
		"/dev/null":                   "", // a character device
		"usb:05e0:1200":               "",
		"usb:05E0:1200:S123":          "",
		"":                            "open port: no path",
		regular:                       "open port " + regular + ": not a serial device but a regular file",
		dir:                           "not a serial device but a directory",
		fifo:                          "not a serial device but a named pipe",
		"usb:zzzz:yyyy":               "open port usb:zzzz:yyyy: want usb:VID:PID or usb:VID:PID:SERIAL",
		"usb:05e0":                    "want usb:VID:PID",
		"usb:5e0:1200":                "want usb:VID:PID",
		"usb:05e0:1200:":              "want usb:VID:PID",
		"usb:05e0:1200:S1:x":          "want usb:VID:PID",
	} {
		err := Config{Path: path}.Check()
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("Check(%q): %v, want %q", path, err, want)
		}
		if want != "" {
			if _, err := NewSource(Config{Path: path}, framingAny, nil); err == nil {
				t.Errorf("NewSource(%q) accepted it", path)
			}
		}
	}
}
