package serialport

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
	"testing"
	"time"

	"github.com/serialgate/serialgate/internal/testenv"
)

// link is a pair of pseudo-terminals joined by socat: the scanner side,
// which the tests write to, and the device side, opened as the port. The
// device's path is a symlink that stays the same when socat restarts, as
// /dev/serial/by-id/ links do when a scanner is replugged.
type link struct {
	t            testing.TB
	dir          string
	dev, scanner string
	cmd          *exec.Cmd
	w            *os.File
}

func newLink(t testing.TB) *link {
	t.Helper()
	testenv.Tool(t, "socat", "socat")
	l := &link{t: t, dir: t.TempDir()}
	l.dev = filepath.Join(l.dir, "dev")
	l.scanner = filepath.Join(l.dir, "scanner")
	l.start()
	t.Cleanup(l.stop)
	return l
}

func (l *link) start() {
	l.t.Helper()
	l.cmd = exec.Command("socat", "pty,raw,echo=0,link="+l.dev, "pty,raw,echo=0,link="+l.scanner)
	if err := l.cmd.Start(); err != nil {
		l.t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, e1 := os.Stat(l.dev)
		_, e2 := os.Stat(l.scanner)
		if e1 == nil && e2 == nil {
			break
		}
		if time.Now().After(deadline) {
			l.t.Fatal("socat did not create its ptys")
		}
		time.Sleep(10 * time.Millisecond)
	}
	w, err := os.OpenFile(l.scanner, os.O_WRONLY, 0)
	if err != nil {
		l.t.Fatal(err)
	}
	l.w = w
}

// stop kills socat: the device side hangs up.
func (l *link) stop() {
	if l.w != nil {
		l.w.Close()
		l.w = nil
	}
	if l.cmd != nil && l.cmd.Process != nil {
		l.cmd.Process.Kill()
		l.cmd.Wait()
		l.cmd = nil
	}
	os.Remove(l.dev)
	os.Remove(l.scanner)
}

func (l *link) send(s string) {
	l.t.Helper()
	if _, err := l.w.Write([]byte(s)); err != nil {
		l.t.Fatal(err)
	}
}

func next(t *testing.T, s *Source, timeout time.Duration) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	sc, err := s.Next(ctx)
	return sc.Text, err
}

type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Write(p) }
func (l *logBuf) String() string              { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func TestPortScans(t *testing.T) {
	l := newLink(t)
	var logs logBuf
	s := &Source{Config: Config{Path: l.dev, Baud: 115200}, Log: slog.New(slog.NewTextHandler(&logs, nil))}
	defer s.Close()

	// One scan.
	l.send("AC2000000001\r")
	if got, err := next(t, s, 5*time.Second); err != nil || got != "AC2000000001" {
		t.Fatalf("one scan: %q %v", got, err)
	}
	// A scan split across writes.
	l.send("AC20000")
	time.Sleep(150 * time.Millisecond) // more than one driver timeout between the halves
	l.send("00002\r")
	if got, err := next(t, s, 5*time.Second); err != nil || got != "AC2000000002" {
		t.Fatalf("split scan: %q %v", got, err)
	}
	// Garbage, NUL bytes and an over-long frame between scans.
	l.send("\x00\x00\x00\r\xff\xfe\xfd\rAC2000000003\r" + strings.Repeat("X", 5000) + "\rAC2000000004\r")
	for _, want := range []string{"AC2000000003", "AC2000000004"} {
		if got, err := next(t, s, 5*time.Second); err != nil || got != want {
			t.Fatalf("after noise: %q %v, want %s", got, err, want)
		}
	}
	c := s.Counts()
	if c.Noise != 2 || c.Overlong != 1 {
		t.Errorf("counts %+v, want 2 noise and 1 over-long", c)
	}
	// A burst of 1,000 scans in one write: each once, in order.
	var burst strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&burst, "B%06d\r\n", i)
	}
	l.send(burst.String())
	for i := range 1000 {
		want := fmt.Sprintf("B%06d", i)
		if got, err := next(t, s, 5*time.Second); err != nil || got != want {
			t.Fatalf("burst scan %d: %q %v", i, got, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if sc, err := s.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("an extra scan after the burst: %+v %v", sc, err)
	}
}

// TestHangupAndReconnect cuts the line in the middle of a frame: the
// partial frame is never delivered, the disconnect is noticed within a
// second, and scans flow again when the scanner comes back.
func TestHangupAndReconnect(t *testing.T) {
	l := newLink(t)
	var logs logBuf
	s := &Source{Config: Config{Path: l.dev}, Log: slog.New(slog.NewTextHandler(&logs, nil)), MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}
	defer s.Close()
	l.send("AC2000000001\rAC20000")
	if got, err := next(t, s, 5*time.Second); err != nil || got != "AC2000000001" {
		t.Fatalf("before hang-up: %q %v", got, err)
	}
	// A reader is waiting when the line is cut, as the station's scan
	// loop always is.
	waiting := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		defer cancel()
		sc, err := s.Next(ctx)
		if err == nil {
			err = fmt.Errorf("delivered %q while hung up", sc.Text)
		}
		waiting <- err
	}()
	time.Sleep(50 * time.Millisecond)
	l.stop()
	hung := time.Now()
	for !strings.Contains(logs.String(), "scanner disconnected") {
		if time.Since(hung) > time.Second {
			t.Fatalf("hang-up not noticed within a second; log:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := <-waiting; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatal(err)
	}
	l.start()
	l.send("AC2000000002\r")
	got, err := next(t, s, 5*time.Second)
	if err != nil || got != "AC2000000002" {
		t.Fatalf("after reconnect: %q %v\n%s", got, err, logs.String())
	}
	if !strings.Contains(logs.String(), "scanner connected") || s.Counts().Partial != 1 {
		t.Errorf("counts %+v; log:\n%s", s.Counts(), logs.String())
	}
}

func TestCloseIsPrompt(t *testing.T) {
	l := newLink(t)
	s := &Source{Config: Config{Path: l.dev}}
	errc := make(chan error, 1)
	go func() {
		_, err := s.Next(context.Background())
		errc <- err
	}()
	time.Sleep(300 * time.Millisecond) // Next is blocked in a read
	start := time.Now()
	s.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Next returned %v, want ErrClosed", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Next still blocked a second after Close")
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("Close took %v", d)
	}
}

func TestResolveUSB(t *testing.T) {
	root := t.TempDir()
	// A fake sysfs: /sys/class/tty/ttyACM3/device -> ../../devices/usb1/1-2/1-2:1.0
	usbdev := filepath.Join(root, "devices", "usb1", "1-2")
	iface := filepath.Join(usbdev, "1-2:1.0")
	os.MkdirAll(iface, 0o755)
	os.WriteFile(filepath.Join(usbdev, "idVendor"), []byte("05e0\n"), 0o644)
	os.WriteFile(filepath.Join(usbdev, "idProduct"), []byte("1200\n"), 0o644)
	os.WriteFile(filepath.Join(usbdev, "serial"), []byte("S123\n"), 0o644)
	os.MkdirAll(filepath.Join(root, "class", "tty", "ttyACM3"), 0o755)
	os.Symlink(iface, filepath.Join(root, "class", "tty", "ttyACM3", "device"))
	for spec, want := range map[string]string{
		"usb:05e0:1200": "/dev/ttyACM3", "usb:05E0:1200:S123": "/dev/ttyACM3", "usb:05e0:1200:S999": "", "usb:0c2e:0b61": "", "usb:05e0": "",
	} {
		got, err := Resolve(Config{Path: spec, SysRoot: root})
		if got != want || (want == "") != (err != nil) {
			t.Errorf("%s: %q %v, want %q", spec, got, err, want)
		}
	}
	if _, err := Open(Config{Path: filepath.Join(root, "nothing")}); err == nil || !strings.Contains(err.Error(), "nothing") {
		t.Errorf("open missing port: %v", err)
	}
}
