package evdev

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/synctest"

	"go.uber.org/goleak"

	"github.com/serialgate/serialgate/scanner/framing"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestSourceStops feeds recorded events through an OS pipe, as a device
// delivers them: two scans are read, then nobody reads while the events
// go on, and Close ends the reading goroutine, blocked on the full pipe
// or in Read, and the writer's writes.
func TestSourceStops(t *testing.T) {
	defer goleak.VerifyNone(t)
	events, err := os.ReadFile("testdata/us-burst.events")
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	s := NewSource("evdev:pipe", r, Options{Layout: Layouts()["us"]})
	done := make(chan error, 1)
	go func() {
		for range 100 { // 200 scans, more than the pipe holds
			if _, err := w.Write(events); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for _, want := range []string{"AC2000000001", "BK2024W0112345"} {
		sc, err := s.Next(t.Context())
		if err != nil || sc.Text != want || sc.Source != "evdev:pipe" {
			t.Fatalf("Next: %+v %v, want %s", sc, err, want)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	<-s.Done()
	if _, err := s.Next(t.Context()); !errors.Is(err, framing.ErrClosed) {
		t.Fatalf("Next after Close: %v, want framing.ErrClosed", err)
	}
	// The read end is closed: the writer stops with EPIPE.
	if err := <-done; err == nil {
		t.Error("the pipe was read to the end after Close")
	}
}

// TestNextContext: Next returns when its context ends, and a Next waiting
// returns at Close, with the reader blocked in Read.
func TestNextContext(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		pr, pw := io.Pipe()
		defer pw.Close()
		s := NewSource("evdev:pipe", pr, Options{Layout: Layouts()["us"]})
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, err := s.Next(ctx); !errors.Is(err, context.Canceled) {
			t.Fatalf("Next: %v, want context.Canceled", err)
		}
		errc := make(chan error, 1)
		go func() {
			_, err := s.Next(context.Background())
			errc <- err
		}()
		synctest.Wait()
		s.Close()
		if err := <-errc; !errors.Is(err, framing.ErrClosed) {
			t.Fatalf("Next waiting at Close: %v, want framing.ErrClosed", err)
		}
		synctest.Wait()
		select {
		case <-s.Done():
		default:
			t.Fatal("the reading goroutine did not end at Close")
		}
	})
}

// TestSourceErrors: a stream cut inside an event fails with an error that
// names the source; a failing Tee ends the source with its error; the end
// of a recording is io.EOF.
func TestSourceErrors(t *testing.T) {
	defer goleak.VerifyNone(t)
	events, err := os.ReadFile("testdata/us-burst.events")
	if err != nil {
		t.Fatal(err)
	}
	full := errors.New("record capture: no space left on device")
	for _, tc := range []struct {
		name string
		data []byte
		tee  func([]byte) error
		want error
		text string
	}{
		{"end", events, nil, io.EOF, ""},
		{"cut", events[:len(events)-5], nil, io.ErrUnexpectedEOF, "read replay:cut.capture.jsonl: input events: stream ends inside an event"},
		{"tee", events, func([]byte) error { return full }, full, "read replay:tee.capture.jsonl: record capture"},
	} {
		s := NewSource("replay:"+tc.name+".capture.jsonl", strings.NewReader(string(tc.data)), Options{Layout: Layouts()["us"], Tee: tc.tee})
		for {
			_, err := s.Next(t.Context())
			if err == nil {
				continue
			}
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Errorf("%s: %v, want %v saying %q", tc.name, err, tc.want, tc.text)
			}
			break
		}
		s.Close()
	}
}

// TestOpenMissing: a device that is not there fails Open, naming it.
func TestOpenMissing(t *testing.T) {
	if _, err := Open("/dev/input/event-missing", Options{}); err == nil || !strings.Contains(err.Error(), "event-missing") {
		t.Fatalf("Open: %v", err)
	}
}
