package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/serialgate/serialgate/scanner/framing"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// writeCapture writes a capture file of n reads, gap apart, each read's
// bytes from chunk(i).
func writeCapture(t *testing.T, h CaptureHeader, n int, gap time.Duration, chunk func(i int) []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), h.Kind+".capture.jsonl")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	clock := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	rec, err := NewRecorder(f, h, func() time.Time { return clock })
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		clock = clock.Add(gap)
		if err := rec.Record(chunk(i)); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// replayCaptures writes one capture of each kind, 2,000 scans 10 ms apart:
// more than any source's pipe holds.
func replayCaptures(t *testing.T) map[string]string {
	events, err := os.ReadFile("evdev/testdata/us-burst.events") // two scans
	if err != nil {
		t.Fatal(err)
	}
	scan := func(i int) []byte { return fmt.Appendf(nil, "S%05d\r", i) }
	return map[string]string{
		KindBytes: writeCapture(t, CaptureHeader{Source: "test", Kind: KindBytes, Framing: &framing.Framing{Suffix: framing.SuffixCR}}, 2000, 10*time.Millisecond, scan),
		KindKeys:  writeCapture(t, CaptureHeader{Source: "tty", Kind: KindKeys}, 2000, 10*time.Millisecond, scan),
		KindEvdev: writeCapture(t, CaptureHeader{Source: "evdev:x", Kind: KindEvdev, Layout: "us"}, 1000, 10*time.Millisecond, func(int) []byte { return events }),
	}
}

// TestReplayStops opens a replay of each kind, reads two scans, stops
// reading and closes it: whether its goroutine waits for the next
// chunk's time (speed 0.001) or on a full pipe (speed 0), Close ends it,
// ends a Next waiting, and leaves no goroutine.
func TestReplayStops(t *testing.T) {
	defer goleak.VerifyNone(t)
	for kind, path := range replayCaptures(t) {
		for _, speed := range []string{"0.001", "0"} {
			t.Run(kind+"/speed="+speed, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					o, err := Open("replay:"+path+"?speed="+speed, OpenOptions{})
					if err != nil {
						t.Fatal(err)
					}
					for range 2 {
						if sc, err := o.Next(t.Context()); err != nil || sc.Text == "" {
							t.Fatalf("Next: %+v %v", sc, err)
						}
					}
					synctest.Wait() // the goroutine waits for a chunk's time, or on the full pipe
					start := time.Now()
					if speed != "0" {
						// The next chunk is 10 s away: Next gives up at its deadline...
						ctx, cancel := context.WithTimeout(t.Context(), time.Second)
						defer cancel()
						if _, err := o.Next(ctx); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != time.Second {
							t.Fatalf("Next with a 1s deadline: %v after %v", err, time.Since(start))
						}
						// ... and a Next waiting returns at Close.
						errc := make(chan error, 1)
						go func() {
							_, err := o.Next(context.Background())
							errc <- err
						}()
						synctest.Wait()
						o.Close()
						if err := <-errc; !errors.Is(err, framing.ErrClosed) {
							t.Fatalf("Next waiting at Close: %v, want framing.ErrClosed", err)
						}
					}
					if err := o.Close(); err != nil {
						t.Fatal(err)
					}
					o.Close()
					if _, err := o.Next(t.Context()); !errors.Is(err, framing.ErrClosed) {
						t.Fatalf("Next after Close: %v, want framing.ErrClosed", err)
					}
					// synctest.Test fails if a goroutine of the bubble is
					// left blocked.
				})
			})
		}
	}
}

// TestReplayKinds replays each kind to its end, as fast as it goes.
func TestReplayKinds(t *testing.T) {
	defer goleak.VerifyNone(t)
	for kind, path := range replayCaptures(t) {
		o, err := Open("replay:"+path+"?speed=0", OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			sc, err := o.Next(t.Context())
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", kind, err)
			}
			if sc.Source != "replay:"+path {
				t.Fatalf("%s: scan from %q", kind, sc.Source)
			}
			n++
		}
		o.Close()
		if n != 2000 {
			t.Errorf("%s: %d scans, want 2000", kind, n)
		}
	}
}

// TestReplayEvdevErrorNamesFile: a recording cut inside an event fails
// with an error that names the capture file.
func TestReplayEvdevErrorNamesFile(t *testing.T) {
	events, err := os.ReadFile("evdev/testdata/us-burst.events")
	if err != nil {
		t.Fatal(err)
	}
	path := writeCapture(t, CaptureHeader{Source: "evdev:x", Kind: KindEvdev, Layout: "us"}, 1, time.Millisecond,
		func(int) []byte { return events[:len(events)-5] })
	o, err := Open("replay:"+path+"?speed=0", OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	for {
		_, err := o.Next(t.Context())
		if err == nil {
			continue
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), path) {
			t.Fatalf("got %v, want an error naming %s", err, path)
		}
		break
	}
}

// TestSimStops: a simulator waiting for its next scan's turn returns at
// its context's end and at Close.
func TestSimStops(t *testing.T) {
	defer goleak.VerifyNone(t)
	list := filepath.Join(t.TempDir(), "serials.txt")
	os.WriteFile(list, []byte("AC2000000001\nAC2000000002\nAC2000000003\n"), 0o644)
	synctest.Test(t, func(t *testing.T) {
		o, err := Open("sim:"+list+"?rate=0.001", OpenOptions{}) // one scan every 1,000 s
		if err != nil {
			t.Fatal(err)
		}
		if sc, err := o.Next(t.Context()); err != nil || sc.Text != "AC2000000001" {
			t.Fatalf("Next: %+v %v", sc, err)
		}
		start := time.Now()
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if _, err := o.Next(ctx); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != time.Second {
			t.Fatalf("Next with a 1s deadline: %v after %v", err, time.Since(start))
		}
		errc := make(chan error, 1)
		go func() {
			_, err := o.Next(context.Background())
			errc <- err
		}()
		synctest.Wait()
		o.Close()
		o.Close()
		if err := <-errc; !errors.Is(err, framing.ErrClosed) {
			t.Fatalf("Next waiting at Close: %v, want framing.ErrClosed", err)
		}
	})
}

// TestReplayKeysTiming replays a person typing, a key every 150 ms, then a
// scanner's burst, at the recorded pace under a fake clock: the burst is
// the one scan, delivered when its keys were recorded.
func TestReplayKeysTiming(t *testing.T) {
	typed := []string{"h", "e", "l", "l", "o", "\r"}
	path := writeCapture(t, CaptureHeader{Source: "tty", Kind: KindKeys}, len(typed)+1, 150*time.Millisecond, func(i int) []byte {
		if i < len(typed) {
			return []byte(typed[i])
		}
		return []byte("AC2000000001\r")
	})
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		o, err := Open("replay:"+path, OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		var got []string
		for {
			sc, err := o.Next(t.Context())
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%s@%v", sc.Text, sc.Time.Sub(start)))
		}
		if fmt.Sprint(got) != "[AC2000000001@1.05s]" {
			t.Fatalf("scans %q, want the burst alone, at its recorded 1.05s", got)
		}
	})
}
