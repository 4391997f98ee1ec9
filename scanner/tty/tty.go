// Package tty reads a keyboard-wedge (USB HID) scanner that types into the
// terminal serialgate runs in: the terminal is put in raw mode, and a
// scanner's burst of keys is told from a person typing by the time between
// keys.
package tty

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/scanner/framing"
)

// ErrInterrupted is returned when the operator presses Ctrl-C, which raw
// mode delivers as a byte rather than a signal.
var ErrInterrupted = errors.New("interrupted")

// Source reads scans typed into a terminal.
type Source struct {
	f     *os.File // our non-blocking duplicate
	fd    int      // the terminal, whose mode is restored on Close
	state *term.State
	now   func() time.Time
	tee   func([]byte) error

	mu    sync.Mutex // guards burst, which Typed reads
	burst framing.Burst

	pipe *framing.Pipe
	stop chan struct{} // closed by Close
	once sync.Once
	done chan struct{}
}

var _ serialgate.Source = (*Source)(nil)

// Options tune a Source; the zero value is ready to use.
type Options struct {
	Burst framing.Burst
	Now   func() time.Time
	// Tee, if set, is given the bytes as they are read, for capture files;
	// an error it returns ends the source with that error.
	Tee func([]byte) error
}

// Open puts the terminal f in raw mode and starts reading it. Close
// restores the terminal.
func Open(f *os.File, opt Options) (*Source, error) {
	fd := int(f.Fd())
	state, err := term.MakeRaw(fd)
	if err != nil {
		return nil, fmt.Errorf("raw mode on %s: %w", f.Name(), err)
	}
	// A non-blocking descriptor of our own goes through Go's poller, so
	// that Close can interrupt a read in progress.
	dup, err := syscall.Dup(fd)
	if err == nil {
		err = syscall.SetNonblock(dup, true)
	}
	if err != nil {
		term.Restore(fd, state)
		return nil, fmt.Errorf("read %s: %w", f.Name(), err)
	}
	s := &Source{f: os.NewFile(uintptr(dup), f.Name()), fd: fd, state: state, burst: opt.Burst, now: opt.Now, tee: opt.Tee,
		pipe: framing.NewPipe(64), stop: make(chan struct{}), done: make(chan struct{})}
	if s.now == nil {
		s.now = time.Now
	}
	go s.run()
	return s, nil
}

func (s *Source) run() {
	defer close(s.done)
	buf := make([]byte, 256)
	for {
		n, err := s.f.Read(buf)
		t := s.now()
		if n > 0 && s.tee != nil {
			if terr := s.tee(buf[:n]); terr != nil && err == nil {
				err = fmt.Errorf("read %s: %w", s.f.Name(), terr)
			}
		}
		for _, c := range buf[:n] {
			if c == 3 { // Ctrl-C
				s.pipe.End(ErrInterrupted)
				return
			}
		}
		s.mu.Lock()
		texts := s.burst.Bytes(t, buf[:n])
		s.mu.Unlock()
		for _, text := range texts {
			if !s.pipe.Send(serialgate.Scan{Time: t, Source: "tty", Text: text}, s.stop) {
				return
			}
		}
		if err != nil {
			s.pipe.End(err)
			return
		}
	}
}

// Next returns the next scan; ErrInterrupted after Ctrl-C, and
// framing.ErrClosed after Close.
func (s *Source) Next(ctx context.Context) (serialgate.Scan, error) { return s.pipe.Next(ctx) }

// Typed is how many key sequences were dropped as typed by a person.
func (s *Source) Typed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.burst.Typed
}

// Close restores the terminal and stops reading: a Next waiting returns
// framing.ErrClosed, and the reading goroutine ends (Done) as closing our
// descriptor interrupts its read.
func (s *Source) Close() error {
	var err error
	s.once.Do(func() {
		close(s.stop)
		s.pipe.Close()
		err = term.Restore(s.fd, s.state)
		if cerr := s.f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			err = fmt.Errorf("close %s: %w", s.f.Name(), err)
		}
	})
	return err
}

// Done is closed when the reading goroutine has ended.
func (s *Source) Done() <-chan struct{} { return s.done }
