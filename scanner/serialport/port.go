// Package serialport reads serial and USB-CDC scanners through
// github.com/tarm/serial, its only importer, and tames that driver:
// timeouts are not errors, a hang-up is reported as framing.ErrHangup
// within a second, Close returns promptly, and Source reconnects by a
// stable identity with backoff.
package serialport

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tarm/serial"

	"github.com/serialgate/serialgate/scanner/framing"
)

// Config names a port and its settings.
type Config struct {
	// Path is a device path (/dev/ttyACM0), a stable link
	// (/dev/serial/by-id/usb-…), or usb:VID:PID[:SERIAL], looked up in
	// sysfs at each open.
	Path string
	Baud int // zero: 9600
	// Poll is the driver's read timeout: how often a blocked read wakes to
	// look for a hang-up or Close. Zero: 100 ms, the driver's finest.
	Poll time.Duration
	// SysRoot is where sysfs is, for usb: paths; empty: /sys.
	SysRoot string
}

func (c Config) baud() int {
	if c.Baud <= 0 {
		return 9600
	}
	return c.Baud
}

func (c Config) poll() time.Duration {
	if c.Poll <= 0 {
		return 100 * time.Millisecond
	}
	return c.Poll
}

// ErrClosed is returned by Read after Close, and by a Source's Next after
// its Close: framing.ErrClosed, so that callers test for one error.
var ErrClosed = framing.ErrClosed

// ErrNotConnected is the cause when a usb: path names no device
// connected now.
var ErrNotConnected = errors.New("no such device connected")

// Port is an open serial port with clean read semantics.
type Port struct {
	cfg    Config
	path   string // the device opened
	p      *serial.Port
	closed atomic.Bool
	once   sync.Once
	quick  int // consecutive empty reads that returned at once
}

var _ io.ReadCloser = (*Port)(nil)

// Open opens the port cfg names.
func Open(cfg Config) (*Port, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	path, err := Resolve(cfg)
	if err != nil {
		return nil, err
	}
	p, err := serial.OpenPort(&serial.Config{Name: path, Baud: cfg.baud(), ReadTimeout: cfg.poll()})
	if err != nil {
		return nil, fmt.Errorf("open port %s: %w", path, err)
	}
	return &Port{cfg: cfg, path: path, p: p}, nil
}

// Path is the device the port opened.
func (p *Port) Path() string { return p.path }

// Read blocks until bytes arrive and returns them. The driver's timeouts
// are hidden; a device that went away gives framing.ErrHangup, a closed
// port ErrClosed.
func (p *Port) Read(b []byte) (int, error) {
	for {
		if p.closed.Load() {
			return 0, ErrClosed
		}
		start := time.Now()
		n, err := p.p.Read(b)
		if n > 0 {
			p.quick = 0
			return n, nil
		}
		if p.closed.Load() {
			return 0, ErrClosed
		}
		if err != nil && err != io.EOF {
			return 0, fmt.Errorf("read %s: %w: %w", p.path, framing.ErrHangup, err)
		}
		// The driver answers (0, EOF) both when its timeout passes and,
		// at once and forever, after a hang-up: an empty read that came
		// back well before the timeout, three times running, is a hang-up.
		if time.Since(start) < p.cfg.poll()/2 {
			p.quick++
			if p.quick >= 3 {
				return 0, fmt.Errorf("read %s: %w", p.path, framing.ErrHangup)
			}
			continue
		}
		p.quick = 0
		if _, err := os.Stat(p.path); err != nil {
			return 0, fmt.Errorf("read %s: %w: device gone", p.path, framing.ErrHangup)
		}
	}
}

// Write sends bytes to the scanner (some accept commands).
func (p *Port) Write(b []byte) (int, error) { return p.p.Write(b) }

// Close closes the port. A Read in progress returns ErrClosed within one
// poll interval; Close does not wait for it.
func (p *Port) Close() error {
	var err error
	p.once.Do(func() {
		p.closed.Store(true)
		done := make(chan error, 1)
		go func() { done <- p.p.Close() }()
		select {
		case err = <-done:
		case <-time.After(2 * p.cfg.poll()):
			// The driver's Close waits behind a read in progress, which
			// ends at its next timeout; it finishes in the background.
		}
	})
	return err
}

// Check reports a Config that can never name a port: no path, a usb:
// path that is not usb:VID:PID[:SERIAL], or a path to something that is
// not a device, such as a regular file. A device that is not there is not
// an error here: it may be plugged in later.
func (c Config) Check() error {
	if c.Path == "" {
		return errors.New("open port: no path")
	}
	if rest, ok := strings.CutPrefix(c.Path, "usb:"); ok {
		_, err := parseUSB(rest)
		return err
	}
	fi, err := os.Stat(c.Path)
	if err != nil {
		return nil
	}
	if fi.Mode()&os.ModeCharDevice == 0 {
		what := "a regular file"
		switch {
		case fi.IsDir():
			what = "a directory"
		case fi.Mode()&os.ModeNamedPipe != 0:
			what = "a named pipe"
		case fi.Mode()&os.ModeSocket != 0:
			what = "a socket"
		case fi.Mode()&os.ModeDevice != 0:
			what = "a block device"
		}
		return fmt.Errorf("open port %s: not a serial device but %s", c.Path, what)
	}
	return nil
}

// usbID is a usb: path taken apart.
type usbID struct{ vid, pid, serial string }

// parseUSB reads VID:PID[:SERIAL], the IDs four hex digits each as lsusb
// shows them.
func parseUSB(spec string) (usbID, error) {
	parts := strings.Split(spec, ":")
	bad := len(parts) < 2 || len(parts) > 3 || len(parts) == 3 && parts[2] == ""
	for _, id := range parts[:min(2, len(parts))] {
		if len(id) != 4 || strings.Trim(id, "0123456789abcdefABCDEF") != "" {
			bad = true
		}
	}
	if bad {
		return usbID{}, fmt.Errorf("open port usb:%s: want usb:VID:PID or usb:VID:PID:SERIAL, VID and PID four hex digits each (as lsusb shows them)", spec)
	}
	id := usbID{vid: parts[0], pid: parts[1]}
	if len(parts) == 3 {
		id.serial = parts[2]
	}
	return id, nil
}

// Resolve finds the device a Config names.
func Resolve(cfg Config) (string, error) {
	if rest, ok := strings.CutPrefix(cfg.Path, "usb:"); ok {
		return resolveUSB(cfg.SysRoot, rest)
	}
	if cfg.Path == "" {
		return "", errors.New("open port: no path")
	}
	return cfg.Path, nil
}

// resolveUSB finds the tty of the USB device VID:PID[:SERIAL] in sysfs:
// the identity that survives replugging, when the device node's name does
// not.
func resolveUSB(root, spec string) (string, error) {
	if root == "" {
		root = "/sys"
	}
	id, err := parseUSB(spec)
	if err != nil {
		return "", err
	}
	ttys, _ := filepath.Glob(filepath.Join(root, "class", "tty", "*"))
	for _, tty := range ttys {
		dev, err := filepath.EvalSymlinks(filepath.Join(tty, "device"))
		if err != nil {
			continue
		}
		// Walk up from the interface to the USB device holding idVendor.
		for d := dev; d != root && d != "/" && d != "."; d = filepath.Dir(d) {
			vid, err := os.ReadFile(filepath.Join(d, "idVendor"))
			if err != nil {
				continue
			}
			pid, _ := os.ReadFile(filepath.Join(d, "idProduct"))
			ser, _ := os.ReadFile(filepath.Join(d, "serial"))
			if strings.EqualFold(strings.TrimSpace(string(vid)), id.vid) &&
				strings.EqualFold(strings.TrimSpace(string(pid)), id.pid) &&
				(id.serial == "" || strings.TrimSpace(string(ser)) == id.serial) {
				return "/dev/" + filepath.Base(tty), nil
			}
			break
		}
	}
	return "", fmt.Errorf("open port usb:%s: %w", spec, ErrNotConnected)
}
