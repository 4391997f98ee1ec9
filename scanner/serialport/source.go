package serialport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/scanner/framing"
)

// Source delivers the scans of a serial scanner, reconnecting when it is
// unplugged and plugged in again. Each disconnect and reconnect is logged,
// and so, at Warn level and at once, is a scanner that is not there.
type Source struct {
	Config  Config
	Framing framing.Framing
	Log     *slog.Logger
	// MinBackoff and MaxBackoff bound the wait between reconnection
	// attempts: zero means 100 ms and 2 s.
	MinBackoff, MaxBackoff time.Duration

	mu      sync.Mutex
	stream  *framing.Stream // reading the port, which it closes
	closed  bool
	waiting bool           // "waiting for the scanner" is logged for this absence
	counts  framing.Counts // of streams before the current one

	stopOnce sync.Once
	stop     chan struct{} // closed by Close; made on first use
}

var _ serialgate.Source = (*Source)(nil)

// NewSource checks cfg, naming what is wrong with it, and returns a source
// that connects on its first Next. A scanner that is not there yet is not
// an error: it is logged at Warn level now, and Next waits for it.
func NewSource(cfg Config, f framing.Framing, log *slog.Logger) (*Source, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	s := &Source{Config: cfg, Framing: f, Log: log}
	if path, err := Resolve(cfg); err != nil {
		s.absent(err)
	} else if _, err := os.Stat(path); err != nil {
		if pe, ok := err.(*fs.PathError); ok {
			err = pe.Err // the path is in the message already
		}
		s.absent(fmt.Errorf("open port %s: %w", path, err))
	}
	return s, nil
}

func (s *Source) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

func (s *Source) stopped() chan struct{} {
	s.stopOnce.Do(func() { s.stop = make(chan struct{}) })
	return s.stop
}

// Name is how scans from this source are labelled.
func (s *Source) Name() string { return "serial:" + s.Config.Path }

// absent logs that the scanner is not there: at Warn level the first time
// since it was last connected, so the operator sees it at once, and at
// Debug level on every later attempt.
func (s *Source) absent(err error) {
	s.mu.Lock()
	first := !s.waiting
	s.waiting = true
	s.mu.Unlock()
	if first {
		s.log().Warn("scanner not connected; waiting for it", "source", s.Name(), "err", err)
		return
	}
	s.log().Debug("scanner still not connected", "source", s.Name(), "err", err)
}

// Next returns the next scan, waiting through disconnections until ctx
// ends or Close is called.
func (s *Source) Next(ctx context.Context) (serialgate.Scan, error) {
	minBackoff := s.MinBackoff
	if minBackoff <= 0 {
		minBackoff = 100 * time.Millisecond
	}
	maxBackoff := s.MaxBackoff
	if maxBackoff <= 0 {
		maxBackoff = 2 * time.Second
	}
	backoff := minBackoff
	stop := s.stopped()
	first := true
	for {
		s.mu.Lock()
		closed, stream := s.closed, s.stream
		s.mu.Unlock()
		if closed {
			return serialgate.Scan{}, ErrClosed
		}
		if stream == nil {
			if !first {
				t := time.NewTimer(backoff)
				select {
				case <-ctx.Done():
					t.Stop()
					return serialgate.Scan{}, ctx.Err()
				case <-stop:
					t.Stop()
					return serialgate.Scan{}, ErrClosed
				case <-t.C:
				}
				backoff = min(2*backoff, maxBackoff)
			}
			first = false
			if err := s.connect(); err != nil {
				if errors.Is(err, ErrClosed) {
					return serialgate.Scan{}, ErrClosed
				}
				s.absent(err)
				continue
			}
			backoff = minBackoff
			continue
		}
		sc, err := stream.Next(ctx)
		if err == nil {
			sc.Source = s.Name()
			return sc, nil
		}
		if ctx.Err() != nil {
			return serialgate.Scan{}, ctx.Err()
		}
		s.disconnect(stream, err)
	}
}

func (s *Source) connect() error {
	p, err := Open(s.Config)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		p.Close()
		return ErrClosed
	}
	s.stream = framing.NewStream(s.Name(), p, s.Framing, framing.StreamOptions{Log: s.Log})
	s.waiting = false
	s.log().Info("scanner connected", "source", s.Name(), "device", p.Path())
	return nil
}

// disconnect drops the stream that failed with cause, unless another
// Next has already replaced it.
func (s *Source) disconnect(stream *framing.Stream, cause error) {
	s.mu.Lock()
	if s.stream != stream {
		s.mu.Unlock()
		return
	}
	c := stream.Counts()
	s.counts.Scans += c.Scans
	s.counts.Empty += c.Empty
	s.counts.Noise += c.Noise
	s.counts.Overlong += c.Overlong
	s.counts.Partial += c.Partial
	s.stream = nil
	closed := s.closed
	s.mu.Unlock()
	stream.Close() // and the port, outside the lock as it may wait for the driver
	if errors.Is(cause, ErrClosed) || closed {
		return
	}
	if errors.Is(cause, io.EOF) || errors.Is(cause, framing.ErrHangup) {
		s.log().Warn("scanner disconnected", "source", s.Name(), "err", cause)
		return
	}
	s.log().Error("scanner read failed", "source", s.Name(), "err", cause)
}

// Counts returns the frames delivered and dropped since the source started.
func (s *Source) Counts() framing.Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counts
	if s.stream != nil {
		sc := s.stream.Counts()
		c.Scans += sc.Scans
		c.Empty += sc.Empty
		c.Noise += sc.Noise
		c.Overlong += sc.Overlong
		c.Partial += sc.Partial
	}
	return c
}

// Close closes the port and stops the reading goroutine; a Next in
// progress returns ErrClosed promptly. Close may be called more than once.
func (s *Source) Close() error {
	stop := s.stopped()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(stop)
	st := s.stream
	s.mu.Unlock()
	if st != nil {
		return st.Close()
	}
	return nil
}
