package framing

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/serialgate/serialgate"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// endless is a scanner that never stops sending and cannot be closed, so
// only the pipe's stop can end a Stream blocked on a consumer that went.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	const scan = "AC2000000001\r"
	n := 0
	for n+len(scan) <= len(p) {
		n += copy(p[n:], scan)
	}
	return n, nil
}

// TestStreamCloseStopsSender: the consumer reads two scans and stops while
// the reader keeps sending, so the goroutine fills the pipe and blocks in
// Send; Close must end it.
func TestStreamCloseStopsSender(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		s := NewStream("test", endless{}, Framing{}, StreamOptions{})
		for range 2 {
			if sc, err := s.Next(t.Context()); err != nil || sc.Text != "AC2000000001" {
				t.Fatalf("Next: %q %v", sc.Text, err)
			}
		}
		synctest.Wait() // the goroutine is blocked on the full pipe
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		select {
		case <-s.Done():
		default:
			t.Fatal("the reading goroutine did not end at Close")
		}
		if _, err := s.Next(t.Context()); !errors.Is(err, ErrClosed) {
			t.Fatalf("Next after Close: %v, want ErrClosed", err)
		}
	})
}

// TestStreamCloseUnblocksRead: with the goroutine blocked in Read and a
// Next waiting, Close returns the Next with ErrClosed and, by closing the
// reader, ends the goroutine.
func TestStreamCloseUnblocksRead(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		pr, pw := io.Pipe()
		s := NewStream("test", pr, Framing{}, StreamOptions{})
		go pw.Write([]byte("AC2000000001\r"))
		if sc, err := s.Next(t.Context()); err != nil || sc.Text != "AC2000000001" {
			t.Fatalf("Next: %q %v", sc.Text, err)
		}
		errc := make(chan error, 1)
		go func() {
			_, err := s.Next(context.Background())
			errc <- err
		}()
		synctest.Wait() // Next waits, the goroutine is in Read
		s.Close()
		s.Close() // idempotent
		if err := <-errc; !errors.Is(err, ErrClosed) {
			t.Fatalf("waiting Next: %v, want ErrClosed", err)
		}
		synctest.Wait()
		select {
		case <-s.Done():
		default:
			t.Fatal("the reading goroutine did not end at Close")
		}
		if _, err := pw.Write([]byte("x")); !errors.Is(err, io.ErrClosedPipe) {
			t.Fatalf("reader not closed: write gave %v", err)
		}
	})
}

// TestNextContext: Next returns as soon as its context ends, and the
// stream goes on for the next caller.
func TestNextContext(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		pr, pw := io.Pipe()
		s := NewStream("test", pr, Framing{}, StreamOptions{})
		defer s.Close()
		start := time.Now()
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		if _, err := s.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Next: %v, want the deadline", err)
		}
		if d := time.Since(start); d != 300*time.Millisecond {
			t.Fatalf("Next returned after %v, want at the 300ms deadline", d)
		}
		go pw.Write([]byte("B\r"))
		if sc, err := s.Next(t.Context()); err != nil || sc.Text != "B" {
			t.Fatalf("Next after a timeout: %q %v", sc.Text, err)
		}
	})
}

func TestPipe(t *testing.T) {
	boom := errors.New("boom")
	p := NewPipe(4)
	for _, text := range []string{"A", "B"} {
		if !p.Send(serialgate.Scan{Text: text}, nil) {
			t.Fatal("Send refused before the end")
		}
	}
	p.End(boom)
	p.End(io.EOF) // only the first End counts
	if p.Send(serialgate.Scan{Text: "C"}, nil) {
		t.Error("Send after End accepted")
	}
	var got []string
	for {
		sc, err := p.Next(context.Background())
		if err != nil {
			if !errors.Is(err, boom) {
				t.Fatalf("end: %v, want %v", err, boom)
			}
			break
		}
		got = append(got, sc.Text)
	}
	if strings.Join(got, ",") != "A,B" {
		t.Fatalf("scans %q, want those sent before End", got)
	}

	p = NewPipe(4)
	p.Send(serialgate.Scan{Text: "A"}, nil)
	p.Close()
	if _, err := p.Next(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Next after Close: %v, want ErrClosed, scans dropped", err)
	}
	stop := make(chan struct{})
	close(stop)
	if NewPipe(4).Send(serialgate.Scan{}, stop) {
		t.Error("Send with stop closed accepted")
	}
}

// TestPipeCloseWhileSending closes a pipe while senders are blocked on it,
// which must neither panic nor leave them blocked (run it with -race).
func TestPipeCloseWhileSending(t *testing.T) {
	defer goleak.VerifyNone(t)
	p := NewPipe(1)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for p.Send(serialgate.Scan{Text: "A"}, nil) {
			}
		})
	}
	p.Next(context.Background())
	p.Close()
	wg.Wait()
}
