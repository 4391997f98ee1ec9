package framing

import (
	"context"
	"errors"
	"sync"

	"github.com/serialgate/serialgate"
)

// ErrClosed is returned by a source's Next after its Close.
var ErrClosed = errors.New("source closed")

// Pipe hands scans from a source's reading goroutine to its Next: the
// goroutine sends scans, then ends the pipe with the error that stopped
// it; Next returns the scans in order, then that error. Close ends it from
// the other side.
type Pipe struct {
	ch     chan serialgate.Scan
	end    chan struct{} // closed by the first End
	mu     sync.Mutex
	err    error
	closed bool
	once   sync.Once
}

// NewPipe makes a pipe that holds up to n scans not yet taken.
func NewPipe(n int) *Pipe {
	return &Pipe{ch: make(chan serialgate.Scan, n), end: make(chan struct{})}
}

// Send passes a scan on, waiting while the pipe is full; it gives up and
// reports false when stop is closed or the pipe has ended.
func (p *Pipe) Send(sc serialgate.Scan, stop <-chan struct{}) bool {
	// Checked first because a select with room in the channel may pick
	// the send even when stop is closed.
	select {
	case <-stop:
		return false
	case <-p.end:
		return false
	default:
	}
	select {
	case p.ch <- sc:
		return true
	case <-stop:
		return false
	case <-p.end:
		return false
	}
}

// End ends the pipe: Next returns err (io.EOF for a clean end) once the
// scans sent before are taken, and Send gives up. Only the first End
// counts.
func (p *Pipe) End(err error) {
	p.once.Do(func() {
		if err == nil {
			err = errNoReason
		}
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(p.end)
	})
}

// Close ends the pipe at once: scans not yet taken are dropped, a Next
// waiting returns ErrClosed, and so does every Next after.
func (p *Pipe) Close() {
	// Marked before End wakes a waiting Next, so that it sees the close.
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.End(ErrClosed)
}

// errNoReason stands in when a pipe is ended without an error.
var errNoReason = errors.New("source ended")

// Next returns the next scan, or the pipe's error once it has ended and
// is empty. It returns ctx's error as soon as ctx ends.
func (p *Pipe) Next(ctx context.Context) (serialgate.Scan, error) {
	if err := p.closedErr(); err != nil {
		return serialgate.Scan{}, err
	}
	select {
	case <-ctx.Done():
		return serialgate.Scan{}, ctx.Err()
	case sc := <-p.ch:
		return sc, nil
	case <-p.end:
	}
	if err := p.closedErr(); err != nil {
		return serialgate.Scan{}, err
	}
	// Ended: scans sent before the end still come first.
	select {
	case sc := <-p.ch:
		return sc, nil
	default:
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return serialgate.Scan{}, p.err
}

func (p *Pipe) closedErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return ErrClosed
	}
	return nil
}
