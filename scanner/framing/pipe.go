package framing

import (
	"context"
	"errors"
	"sync"

	"github.com/serialgate/serialgate"
)

// Pipe hands scans from a source's reading goroutine to its Next: the
// goroutine sends scans, then ends the pipe with the error that stopped
// it; Next returns the scans in order, then that error.
type Pipe struct {
	ch   chan serialgate.Scan
	mu   sync.Mutex
	err  error
	once sync.Once
}

// NewPipe makes a pipe that holds up to n scans not yet taken.
func NewPipe(n int) *Pipe { return &Pipe{ch: make(chan serialgate.Scan, n)} }

// Send passes a scan on, waiting while the pipe is full; it gives up and
// reports false when stop is closed.
func (p *Pipe) Send(sc serialgate.Scan, stop <-chan struct{}) bool {
	select {
	case p.ch <- sc:
		return true
	case <-stop:
		return false
	}
}

// End closes the pipe: Next returns err (io.EOF for a clean end) once the
// scans sent before are taken. Only the first End counts.
func (p *Pipe) End(err error) {
	p.once.Do(func() {
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(p.ch)
	})
}

// errNoReason stands in when a pipe is ended without an error.
var errNoReason = errors.New("source ended")

// Next returns the next scan, or the pipe's error once it has ended and
// is empty.
func (p *Pipe) Next(ctx context.Context) (serialgate.Scan, error) {
	select {
	case <-ctx.Done():
		return serialgate.Scan{}, ctx.Err()
	case sc, ok := <-p.ch:
		if ok {
			return sc, nil
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil {
		return serialgate.Scan{}, errNoReason
	}
	return serialgate.Scan{}, p.err
}
