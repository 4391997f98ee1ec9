package tty

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/term"
)

func TestTerminalScans(t *testing.T) {
	master, slave, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	defer slave.Close()
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
	// A person typing: a key every 100 ms, then Enter.
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
