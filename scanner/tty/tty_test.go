package tty

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"go.uber.org/goleak"
	"golang.org/x/term"

	"github.com/serialgate/serialgate/internal/testenv"
	"github.com/serialgate/serialgate/scanner/framing"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// terminal opens a pseudo-terminal pair: the slave is the terminal a
// keyboard wedge types into, the master where the test types.
func terminal(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, slave, err := pty.Open()
	if err != nil {
		testenv.Missing(t, fmt.Sprintf("a pseudo-terminal (%v)", err), "devpts, mounted at /dev/pts")
	}
	t.Cleanup(func() { master.Close(); slave.Close() })
	return master, slave
}

func TestTerminalScans(t *testing.T) {
	master, slave := terminal(t)
	before, _ := term.GetState(int(slave.Fd()))
	s, err := Open(slave, Options{})
	if err != nil {
		t.Fatal(err)
	}
	next := func() (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		sc, err := s.Next(ctx)
		return sc.Text, err
	}
	// A scanner's burst arrives in one go.
	master.Write([]byte("AC2000000001\r"))
	if got, err := next(); err != nil || got != "AC2000000001" {
		t.Fatalf("burst: %q %v", got, err)
	}
	// A person typing: a key every 60 ms, then Enter. The keys go through
	// a real terminal and are timed as they arrive, so this waits in real
	// time.
	for _, c := range "AC2000000002\r" {
		master.Write([]byte(string(c)))
		time.Sleep(60 * time.Millisecond)
	}
	master.Write([]byte("AC2000000003\r"))
	if got, err := next(); err != nil || got != "AC2000000003" {
		t.Fatalf("after typing: %q %v (typing must not be a scan)", got, err)
	}
	if s.Typed() == 0 {
		t.Error("typed sequence not counted")
	}
	master.Write([]byte{3})
	if _, err := next(); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Ctrl-C: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	after, _ := term.GetState(int(slave.Fd()))
	if before != nil && after != nil && *before != *after {
		t.Error("terminal mode not restored")
	}
}

// TestCloseStops: with a Next waiting and the reader blocked in Read, and
// again with the reader blocked on a full pipe, Close ends both and leaves
// no goroutine.
func TestCloseStops(t *testing.T) {
	defer goleak.VerifyNone(t)
	master, slave := terminal(t)
	s, err := Open(slave, Options{})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := s.Next(context.Background())
		errc <- err
	}()
	s.Close()
	s.Close()
	if err := <-errc; !errors.Is(err, framing.ErrClosed) {
		t.Fatalf("Next waiting at Close: %v, want framing.ErrClosed", err)
	}
	<-s.Done()

	s, err = Open(slave, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// 100 scans in one burst: more than the pipe holds, and nobody reads.
	var b strings.Builder
	for i := range 100 {
		fmt.Fprintf(&b, "S%05d\r", i)
	}
	master.Write([]byte(b.String()))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if sc, err := s.Next(ctx); err != nil || sc.Text != "S00000" {
		t.Fatalf("Next: %q %v", sc.Text, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("reading goroutine still running 5 s after Close")
	}
	if _, err := s.Next(context.Background()); !errors.Is(err, framing.ErrClosed) {
		t.Fatalf("Next after Close: %v, want framing.ErrClosed", err)
	}
}

// TestTeeFailure: a capture that cannot be written ends the source with
// its error.
func TestTeeFailure(t *testing.T) {
	master, slave := terminal(t)
	full := errors.New("write capture: no space left on device")
	s, err := Open(slave, Options{Tee: func([]byte) error { return full }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	master.Write([]byte("AC2000000001\r"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		_, err := s.Next(ctx)
		if err == nil {
			continue
		}
		if !errors.Is(err, full) {
			t.Fatalf("Next: %v, want the capture's error", err)
		}
		break
	}
}
