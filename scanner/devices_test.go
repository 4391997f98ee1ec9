package scanner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"go.uber.org/goleak"

	"github.com/serialgate/serialgate/internal/testenv"
	"github.com/serialgate/serialgate/scanner/framing"
)

// These tests open real devices through Open: a pseudo-terminal pair
// joined by socat as a serial port, a pseudo-terminal as the terminal a
// keyboard wedge types into, and a named pipe carrying recorded input
// events. They run in real time, with a device in the loop.

// socatPair starts socat joining two pseudo-terminals and returns the
// device side's path and the scanner side, open for writing.
func socatPair(t *testing.T) (dev string, scanner *os.File) {
	t.Helper()
	testenv.Tool(t, "socat", "socat")
	dir := t.TempDir()
	dev, other := filepath.Join(dir, "dev"), filepath.Join(dir, "scanner")
	cmd := exec.Command("socat", "pty,raw,echo=0,link="+dev, "pty,raw,echo=0,link="+other)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		_, e1 := os.Stat(dev)
		_, e2 := os.Stat(other)
		if e1 == nil && e2 == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("socat did not create its pseudo-terminals")
		}
	}
	w, err := os.OpenFile(other, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return dev, w
}

// scans returns n scans for a scanner to send, each ended by CR.
func scans(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "S%05d\r", i)
	}
	return b.Bytes()
}

// within is a Next that gives up after a while, so that a broken source
// fails its test rather than hanging it.
func within(o *Opened, d time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	sc, err := o.Next(ctx)
	return sc.Text, err
}

// stopsAt checks the Close of a source whose consumer has stopped reading
// while the scanner goes on sending: it returns promptly, a Next after it
// fails with framing.ErrClosed, and once the test's scanner has stopped
// (stopScanner), no goroutine is left.
func stopsAt(t *testing.T, o *Opened, stopScanner func()) {
	t.Helper()
	start := time.Now()
	if err := o.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v", d)
	}
	o.Close()
	if _, err := o.Next(context.Background()); !errors.Is(err, framing.ErrClosed) {
		t.Errorf("Next after Close: %v, want framing.ErrClosed", err)
	}
	stopScanner()
	goleak.VerifyNone(t)
}

// sending runs a scanner's writes in a goroutine; the func it returns
// closes w, which ends a write blocked on a full buffer, and waits for
// the goroutine to end.
func sending(w *os.File, write func(w *os.File)) (stop func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		write(w)
	}()
	return func() {
		w.Close()
		<-done
	}
}

func TestSerialStops(t *testing.T) {
	dev, w := socatPair(t)
	o, err := Open("serial:"+dev+"?baud=115200&suffix=cr", OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("AC2000000001\r"))
	if got, err := within(o, 5*time.Second); err != nil || got != "AC2000000001" {
		t.Fatalf("Next: %q %v", got, err)
	}
	// More than the stream's pipe holds, written while nobody reads.
	stop := sending(w, func(w *os.File) { w.Write(scans(2000)) })
	if _, err := within(o, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	stopsAt(t, o, stop)
}

func TestSerialCaptureStops(t *testing.T) {
	dev, w := socatPair(t)
	var capture lockedBuffer
	o, err := Open("serial:"+dev+"?suffix=cr", OpenOptions{Record: func(h CaptureHeader) (*Recorder, error) {
		return NewRecorder(&capture, h, nil)
	}})
	if err != nil {
		t.Fatal(err)
	}
	stop := sending(w, func(w *os.File) { w.Write(scans(2000)) })
	for range 2 {
		if _, err := within(o, 5*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	stopsAt(t, o, stop)
	if !strings.Contains(capture.String(), `"kind":"bytes"`) || strings.Count(capture.String(), "\n") < 2 {
		t.Errorf("capture %.300q: want the header and the reads", capture.String())
	}
}

func TestTerminalStops(t *testing.T) {
	master, slave := terminal(t)
	o, err := Open("tty", OpenOptions{Terminal: slave})
	if err != nil {
		t.Fatal(err)
	}
	// A pending Next is ended by Close, with the reader blocked in Read.
	errc := make(chan error, 1)
	go func() {
		_, err := o.Next(context.Background())
		errc <- err
	}()
	master.Write([]byte("AC2000000001\r"))
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	// 100 scans in bursts, more than the source's pipe holds, while
	// nobody reads.
	all := scans(100)
	stop := sending(master, func(w *os.File) {
		for i := 0; i < len(all); i += 70 {
			w.Write(all[i : i+70])
		}
	})
	if _, err := within(o, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	stopsAt(t, o, stop)
}

func TestEvdevStops(t *testing.T) {
	fifo, w := eventPipe(t)
	o, err := Open("evdev:"+fifo+"?grab=0", OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	events, err := os.ReadFile("evdev/testdata/us-burst.events") // two scans
	if err != nil {
		t.Fatal(err)
	}
	// 200 scans, more than the source's pipe holds, while nobody reads.
	stop := sending(w(), func(w *os.File) {
		for range 100 {
			if _, err := w.Write(events); err != nil {
				return
			}
		}
	})
	for _, want := range []string{"AC2000000001", "BK2024W0112345"} {
		if got, err := within(o, 5*time.Second); err != nil || got != want {
			t.Fatalf("Next: %q %v, want %s", got, err, want)
		}
	}
	stopsAt(t, o, stop)
}

// TestCaptureWriteFailsNext: each device source that records a capture
// fails its Next when the capture cannot be written, as on a full disk.
func TestCaptureWriteFailsNext(t *testing.T) {
	events, err := os.ReadFile("evdev/testdata/us-burst.events")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		open func(t *testing.T, rec func(CaptureHeader) (*Recorder, error)) (*Opened, func([]byte))
		send []byte
	}{
		{"serial", func(t *testing.T, rec func(CaptureHeader) (*Recorder, error)) (*Opened, func([]byte)) {
			dev, w := socatPair(t)
			o, err := Open("serial:"+dev, OpenOptions{Record: rec})
			if err != nil {
				t.Fatal(err)
			}
			return o, func(b []byte) { w.Write(b) }
		}, []byte("AC2000000001\r")},
		{"tty", func(t *testing.T, rec func(CaptureHeader) (*Recorder, error)) (*Opened, func([]byte)) {
			master, slave := terminal(t)
			o, err := Open("tty", OpenOptions{Terminal: slave, Record: rec})
			if err != nil {
				t.Fatal(err)
			}
			return o, func(b []byte) { master.Write(b) }
		}, []byte("AC2000000001\r")},
		{"evdev", func(t *testing.T, rec func(CaptureHeader) (*Recorder, error)) (*Opened, func([]byte)) {
			fifo, w := eventPipe(t)
			o, err := Open("evdev:"+fifo+"?grab=0", OpenOptions{Record: rec})
			if err != nil {
				t.Fatal(err)
			}
			return o, func(b []byte) { w().Write(b) }
		}, events},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full := &failAfter{n: 1} // the header, then a full disk
			o, send := tc.open(t, func(h CaptureHeader) (*Recorder, error) { return NewRecorder(full, h, nil) })
			defer o.Close()
			go send(tc.send)
			for {
				_, err := within(o, 5*time.Second)
				if err == nil {
					continue
				}
				if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "record capture") {
					t.Fatalf("Next: %v, want the capture's write error", err)
				}
				break
			}
		})
	}
}

// TestMissingSerialScanner: a serial scanner that is not there is
// reported at once at Warn level, and the source waits for it; a spec
// that can never name a port fails Open.
func TestMissingSerialScanner(t *testing.T) {
	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	missing := filepath.Join(t.TempDir(), "ttyACM9")
	o, err := Open("serial:"+missing, OpenOptions{Log: log})
	if err != nil {
		t.Fatalf("Open of a scanner not plugged in: %v", err)
	}
	if got := logs.String(); !strings.Contains(got, "level=WARN") || !strings.Contains(got, "scanner not connected; waiting for it") || !strings.Contains(got, missing) {
		t.Errorf("log at Open: %q, want a warning that the scanner is not there", got)
	}
	if _, err := within(o, 300*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Next: %v, want it to wait for the scanner", err)
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 1 {
		t.Errorf("%d warnings, want one:\n%s", n, logs.String())
	}
	stopsAt(t, o, func() {})

	regular := filepath.Join(t.TempDir(), "scans.txt")
	os.WriteFile(regular, []byte("AC2000000001\n"), 0o644)
	for spec, want := range map[string]string{
		"serial:" + regular:     "not a serial device but a regular file",
		"serial:" + t.TempDir(): "not a serial device but a directory",
		"serial:usb:zzzz:yyyy":  "want usb:VID:PID or usb:VID:PID:SERIAL",
		"serial:usb:05e0":       "want usb:VID:PID or usb:VID:PID:SERIAL",
		"serial:usb:05e0:1200:": "want usb:VID:PID or usb:VID:PID:SERIAL",
	} {
		o, err := Open(spec, OpenOptions{Log: log})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%q): %v, want an error saying %q", spec, err, want)
		}
		if o != nil {
			o.Close()
		}
	}
}

// terminal opens a pseudo-terminal pair: the slave is the terminal a
// keyboard wedge types into, the master where the test types.
func terminal(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, slave, err := pty.Open()
	if err != nil {
		testenv.Missing(t, fmt.Sprintf("a pseudo-terminal (%v)", err), "devpts, mounted at /dev/pts")
	}
	t.Cleanup(func() { master.Close(); slave.Close() })
	return master, slave
}

// eventPipe makes a named pipe to open as an input device. Opening a
// named pipe waits for both ends, so its writing end is opened in a
// goroutine, and writer waits for it.
func eventPipe(t *testing.T) (fifo string, writer func() *os.File) {
	t.Helper()
	fifo = filepath.Join(t.TempDir(), "event0")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	wc := make(chan *os.File, 1)
	go func() {
		w, _ := os.OpenFile(fifo, os.O_WRONLY, 0)
		wc <- w
	}()
	var once sync.Once
	var w *os.File
	writer = func() *os.File {
		once.Do(func() { w = <-wc })
		return w
	}
	t.Cleanup(func() {
		// A reader of our own lets the writer's open finish, if the
		// source never opened the pipe.
		if r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			defer r.Close()
		}
		if w := writer(); w != nil {
			w.Close()
		}
	})
	return fifo, writer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  *bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b == nil {
		l.b = new(bytes.Buffer)
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b == nil {
		return ""
	}
	return l.b.String()
}
