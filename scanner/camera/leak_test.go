//go:build camera

package camera

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/serialgate/serialgate/scanner/framing"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestCloseStops reads the first scan of a recorded video with a label in
// every frame, then stops reading while frames are still being decoded:
// Next returns when its context ends, a Next waiting returns at Close,
// and Close leaves no goroutine.
func TestCloseStops(t *testing.T) {
	defer goleak.VerifyNone(t)
	path := filepath.Join(t.TempDir(), "bench.avi")
	writeVideo(t, path, 800, 480, 80)
	src, err := Open(Config{Device: path, HoldOff: framing.HoldOff{Window: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	if sc, err := src.Next(context.Background()); err != nil || sc.Text != "AC2000000001" {
		t.Fatalf("Next: %+v %v", sc, err)
	}
	// The label stays in view and is held off: no second scan comes.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := src.Next(ctx); !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, io.EOF) {
		t.Fatalf("Next with a deadline: %v", err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := src.Next(context.Background())
		errc <- err
	}()
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	src.Close()
	select {
	case err := <-errc:
		// io.EOF when the video was decoded to its end before Close.
		if !errors.Is(err, framing.ErrClosed) && !errors.Is(err, io.EOF) {
			t.Fatalf("Next waiting at Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Next still waiting 5 s after Close")
	}
	if _, err := src.Next(context.Background()); !errors.Is(err, framing.ErrClosed) {
		t.Fatalf("Next after Close: %v, want framing.ErrClosed", err)
	}
	if st := src.Stats(); st.Frames >= 80 {
		t.Logf("all %d frames decoded before Close", st.Frames)
	}
}
