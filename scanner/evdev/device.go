package evdev

import (
	"context"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/scanner/framing"
)

// eviocgrab is EVIOCGRAB, _IOW('E', 0x90, int): with 1, this reader gets
// the device's events alone.
const eviocgrab = 0x40044590

// Source reads scans from an input device.
type Source struct {
	path string
	f    *os.File
	rd   *Reader
	pipe *framing.Pipe
}

var _ serialgate.Source = (*Source)(nil)

// Options for Open.
type Options struct {
	Layout Layout
	// Grab takes the device's events for serialgate alone, so that scans
	// do not also type into other windows.
	Grab bool
	// Tee, if set, is given the raw event bytes as they are read, for
	// capture files.
	Tee func([]byte)
}

// Open opens an input device and decodes its key events into scans.
func Open(path string, opt Options) (*Source, error) {
	layout, grab := opt.Layout, opt.Grab
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open input device: %w", err)
	}
	if grab {
		raw, err := f.SyscallConn()
		if err == nil {
			cerr := raw.Control(func(fd uintptr) { err = unix.IoctlSetInt(int(fd), eviocgrab, 1) })
			if cerr != nil {
				err = cerr
			}
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("grab input device %s: %w", path, err)
		}
	}
	var r io.Reader = f
	if opt.Tee != nil {
		r = teeFunc{f, opt.Tee}
	}
	s := &Source{path: path, f: f, rd: NewReader(r, layout), pipe: framing.NewPipe(64)}
	go s.run()
	return s, nil
}

func (s *Source) run() {
	for {
		text, t, err := s.rd.Scan()
		if err != nil {
			s.pipe.End(fmt.Errorf("read %s: %w", s.path, err))
			return
		}
		s.pipe.Send(serialgate.Scan{Time: t, Source: "evdev:" + s.path, Text: text}, nil)
	}
}

// Next returns the next scan.
func (s *Source) Next(ctx context.Context) (serialgate.Scan, error) { return s.pipe.Next(ctx) }

type teeFunc struct {
	r   io.Reader
	tee func([]byte)
}

func (t teeFunc) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.tee(p[:n])
	}
	return n, err
}

// Close releases the device (and its grab).
func (s *Source) Close() error { return s.f.Close() }
