package serialport

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/scanner/framing"
)

// Source delivers the scans of a serial scanner, reconnecting when it is
// unplugged and plugged in again. Each disconnect and reconnect is logged.
type Source struct {
	Config  Config
	Framing framing.Framing
	Log     *slog.Logger
	// MinBackoff and MaxBackoff bound the wait between reconnection
	// attempts: zero means 100 ms and 2 s.
	MinBackoff, MaxBackoff time.Duration

	mu     sync.Mutex
	port   *Port
	stream *framing.Stream
	closed bool
	counts framing.Counts // of streams before the current one
}

var _ serialgate.Source = (*Source)(nil)

func (s *Source) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// Name is how scans from this source are labelled.
func (s *Source) Name() string { return "serial:" + s.Config.Path }

// Next returns the next scan, waiting through disconnections until ctx
// ends or Close is called.
func (s *Source) Next(ctx context.Context) (serialgate.Scan, error) {
	backoff := s.MinBackoff
	if backoff <= 0 {
		backoff = 100 * time.Millisecond
	}
	maxBackoff := s.MaxBackoff
	if maxBackoff <= 0 {
		maxBackoff = 2 * time.Second
	}
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
				select {
				case <-ctx.Done():
					return serialgate.Scan{}, ctx.Err()
				case <-time.After(backoff):
				}
				backoff = min(2*backoff, maxBackoff)
			}
			first = false
			if err := s.connect(); err != nil {
				s.log().Debug("scanner not available", "source", s.Name(), "err", err)
				continue
			}
			backoff = s.MinBackoff
			if backoff <= 0 {
				backoff = 100 * time.Millisecond
			}
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
		s.disconnect(err)
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
	s.port = p
	s.stream = framing.NewStream(s.Name(), p, s.Framing, framing.StreamOptions{Log: s.Log})
	s.log().Info("scanner connected", "source", s.Name(), "device", p.Path())
	return nil
}

func (s *Source) disconnect(cause error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stream != nil {
		c := s.stream.Counts()
		s.counts.Scans += c.Scans
		s.counts.Empty += c.Empty
		s.counts.Noise += c.Noise
		s.counts.Overlong += c.Overlong
		s.counts.Partial += c.Partial
	}
	if s.port != nil {
		s.port.Close()
	}
	s.port, s.stream = nil, nil
	if errors.Is(cause, ErrClosed) || s.closed {
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

// Close closes the port; a Next in progress returns promptly.
func (s *Source) Close() error {
	s.mu.Lock()
	s.closed = true
	p := s.port
	s.mu.Unlock()
	if p != nil {
		return p.Close()
	}
	return nil
}
