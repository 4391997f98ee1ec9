package evdev

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/scanner/framing"
)

// eviocgrab is EVIOCGRAB, _IOW('E', 0x90, int): with 1, this reader gets
// the device's events alone.
const eviocgrab = 0x40044590

// Source reads scans from an input device, or any stream of input events.
type Source struct {
	name string
	r    io.Reader // closed by Close when it is an io.Closer
	rd   *Reader
	pipe *framing.Pipe
	stop chan struct{}
	once sync.Once
	done chan struct{}
}

var _ serialgate.Source = (*Source)(nil)

// Options for Open.
type Options struct {
	Layout Layout
	// Grab takes the device's events for serialgate alone, so that scans
	// do not also type into other windows.
	Grab bool
	// Tee, if set, is given the raw event bytes as they are read, for
	// capture files; an error it returns ends the source with that error.
	Tee func([]byte) error
}

// Open opens an input device and decodes its key events into scans.
func Open(path string, opt Options) (*Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open input device: %w", err)
	}
	if opt.Grab {
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
	return NewSource("evdev:"+path, f, opt), nil
}

// NewSource starts decoding scans from a stream of input events: an
// opened device, a recording being played back, a pipe. name labels the
// scans and the errors. Close closes r when it is an io.Closer, as that is
// what interrupts a Read in progress. Grab is not used.
func NewSource(name string, r io.Reader, opt Options) *Source {
	var in io.Reader = r
	if opt.Tee != nil {
		in = &teeFunc{r: r, tee: opt.Tee}
	}
	s := &Source{name: name, r: r, rd: NewReader(in, opt.Layout), pipe: framing.NewPipe(64),
		stop: make(chan struct{}), done: make(chan struct{})}
	go s.run()
	return s
}

func (s *Source) run() {
	defer close(s.done)
	for {
		text, t, err := s.rd.Scan()
		if errors.Is(err, io.EOF) {
			s.pipe.End(io.EOF)
			return
		}
		if err != nil {
			s.pipe.End(fmt.Errorf("read %s: %w", s.name, err))
			return
		}
		if !s.pipe.Send(serialgate.Scan{Time: t, Source: s.name, Text: text}, s.stop) {
			return
		}
	}
}

// Next returns the next scan; io.EOF when a recording ends, and
// framing.ErrClosed after Close.
func (s *Source) Next(ctx context.Context) (serialgate.Scan, error) { return s.pipe.Next(ctx) }

// Close releases the device (and its grab) and stops reading: a Next
// waiting returns framing.ErrClosed. It does not wait for the reading
// goroutine, which ends when its Read returns; Done tells when.
func (s *Source) Close() error {
	var err error
	s.once.Do(func() {
		close(s.stop)
		s.pipe.Close()
		if c, ok := s.r.(io.Closer); ok {
			err = c.Close()
		}
	})
	return err
}

// Done is closed when the reading goroutine has ended.
func (s *Source) Done() <-chan struct{} { return s.done }

// teeFunc hands what is read to tee; once tee fails, every Read returns
// its error, since io.ReadFull drops an error that comes with a full read.
type teeFunc struct {
	r   io.Reader
	tee func([]byte) error
	err error
}

func (t *teeFunc) Read(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	n, err := t.r.Read(p)
	if n > 0 {
		if terr := t.tee(p[:n]); terr != nil {
			t.err = terr
			if err == nil {
				err = terr
			}
		}
	}
	return n, err
}
