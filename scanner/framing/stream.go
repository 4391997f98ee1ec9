package framing

import (
	"bufio"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/serialgate/serialgate"
)

// Stream reads scans from a byte stream: a serial port, a terminal, a
// replayed capture. Frames that are not scans are counted and logged,
// never delivered.
type Stream struct {
	name    string
	framing Framing
	log     *slog.Logger
	now     func() time.Time

	r     io.Reader
	pipe  *Pipe
	stop  chan struct{} // closed by Close
	once  sync.Once
	done  chan struct{} // closed when the reader has stopped
	mu    sync.Mutex
	split Splitter
	dup   Counts // Counts of Parse problems, kept beside the splitter's
}

var _ serialgate.Source = (*Stream)(nil)

// StreamOptions tune a Stream; the zero value is ready to use.
type StreamOptions struct {
	Log *slog.Logger     // nil: discard
	Now func() time.Time // nil: time.Now
}

// NewStream starts reading scans from r, which name identifies in scans
// and logs. It reads until r returns an error or the stream is closed;
// io.EOF ends the stream cleanly. When r is an io.Closer, Close closes it,
// as that is what interrupts a Read in progress.
func NewStream(name string, r io.Reader, f Framing, opt StreamOptions) *Stream {
	s := &Stream{name: name, framing: f, log: opt.Log, now: opt.Now, r: r,
		pipe: NewPipe(1024), stop: make(chan struct{}), done: make(chan struct{})}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.split.Framing = f
	go s.run(r)
	return s
}

// errHold passes reads through, but turns an error into io.EOF for the
// bufio.Scanner, so that it hands the partial frame to the splitter (which
// drops and counts it), and keeps the error.
type errHold struct {
	r   io.Reader
	err error
}

func (e *errHold) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
		err = io.EOF
	}
	return n, err
}

func (s *Stream) run(r io.Reader) {
	defer close(s.done)
	hold := &errHold{r: r}
	sc := bufio.NewScanner(hold)
	sc.Buffer(make([]byte, 4096), s.framing.maxLen()+64)
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.split.Split(data, atEOF)
	})
	for sc.Scan() {
		select {
		case <-s.stop:
			return
		default:
		}
		tok := sc.Bytes()
		fr, problem := s.framing.Parse(tok)
		s.mu.Lock()
		switch problem {
		case NoProblem:
			s.split.Counts.Scans++
		case EmptyFrame:
			s.dup.Empty++
		default:
			s.dup.Noise++
		}
		s.mu.Unlock()
		if problem != NoProblem {
			if problem != EmptyFrame {
				s.log.Warn("frame dropped", "source", s.name, "why", string(problem), "raw_hex", clipHex(tok))
			}
			continue
		}
		if !s.pipe.Send(serialgate.Scan{Time: s.now(), Source: s.name, Text: fr.Text, AIM: fr.AIM, Raw: fr.Raw}, s.stop) {
			return
		}
	}
	s.mu.Lock()
	partial := s.split.Counts.Partial
	s.mu.Unlock()
	if partial > 0 {
		s.log.Warn("partial frame dropped at end of stream", "source", s.name)
	}
	switch {
	case hold.err != nil:
		s.pipe.End(hold.err)
	case sc.Err() != nil:
		s.pipe.End(sc.Err())
	default:
		s.pipe.End(io.EOF)
	}
}

func clipHex(b []byte) string {
	if len(b) > 32 {
		return hex.EncodeToString(b[:32]) + "…"
	}
	return hex.EncodeToString(b)
}

// Next returns the next scan. When the stream has ended it returns io.EOF,
// or the reader's error; after Close, ErrClosed.
func (s *Stream) Next(ctx context.Context) (serialgate.Scan, error) { return s.pipe.Next(ctx) }

// Close stops the stream: a Next waiting returns ErrClosed, and the
// reading goroutine ends once r's Read returns, at once when r is an
// io.Closer, which Close closes. It does not wait; Done tells when the
// goroutine has ended.
func (s *Stream) Close() error {
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
func (s *Stream) Done() <-chan struct{} { return s.done }

// Counts returns what the stream has delivered and dropped so far.
func (s *Stream) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.split.Counts
	c.Empty += s.dup.Empty
	c.Noise += s.dup.Noise
	return c
}

// ErrHangup is returned by device readers when the device went away:
// unplugged, powered off, or the other end of a pseudo-terminal closed.
var ErrHangup = errors.New("device hung up")
