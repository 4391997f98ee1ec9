package scanner

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/serialgate/serialgate/scanner/framing"
)

func TestCaptureRoundTrip(t *testing.T) {
	var file bytes.Buffer
	clock := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	rec, err := NewRecorder(&file, CaptureHeader{Source: "serial:/dev/ttyACM0", Kind: KindBytes, Framing: &framing.Framing{Suffix: framing.SuffixCR}}, now)
	if err != nil {
		t.Fatal(err)
	}
	for i, chunk := range []string{"AC20000", "00001\rAC2", "000000002\r\x00\x00\r"} {
		clock = clock.Add(time.Duration(i+1) * 40 * time.Millisecond)
		rec.Record([]byte(chunk))
	}
	h, chunks, err := ReadCapture(&file, "cap.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if h.Kind != KindBytes || h.Framing == nil || h.Framing.Suffix != framing.SuffixCR || len(chunks) != 3 || chunks[2].At != 240*time.Millisecond {
		t.Fatalf("header %+v, chunks %+v", h, chunks)
	}
	// Replayed at twice the speed under a fake clock: the chunks come at
	// 20, 60 and 120 ms, and each scan when its last chunk does.
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		p := &Player{Chunks: chunks, Speed: 2}
		s := framing.NewStream("replay", p, *h.Framing, framing.StreamOptions{})
		defer s.Close()
		var got []string
		for {
			sc, err := s.Next(t.Context())
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%s@%v", sc.Text, sc.Time.Sub(start)))
		}
		if fmt.Sprint(got) != "[AC2000000001@60ms AC2000000002@120ms]" || s.Counts().Noise != 1 {
			t.Fatalf("replayed %q, counts %+v; want the scans at half the recorded times", got, s.Counts())
		}
	})
}

// TestPlayerClose: Close ends a Read waiting for its chunk's time at once,
// without the time passing.
func TestPlayerClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &Player{Chunks: []Chunk{{At: 0, Data: []byte("A")}, {At: time.Hour, Data: []byte("B")}}, Speed: 1}
		buf := make([]byte, 8)
		if n, err := p.Read(buf); err != nil || string(buf[:n]) != "A" {
			t.Fatalf("first chunk: %q %v", buf[:n], err)
		}
		start := time.Now()
		errc := make(chan error, 1)
		go func() {
			_, err := p.Read(buf)
			errc <- err
		}()
		synctest.Wait() // Read waits for the second chunk's hour
		p.Close()
		p.Close()
		if err := <-errc; !errors.Is(err, framing.ErrClosed) {
			t.Fatalf("Read after Close: %v, want framing.ErrClosed", err)
		}
		if d := time.Since(start); d != 0 {
			t.Fatalf("Close took %v of the player's clock", d)
		}
	})
}

func TestReadCaptureErrors(t *testing.T) {
	head := `{"serialgate_capture":1,"source":"x","kind":"bytes"}` + "\n"
	for _, tc := range []struct {
		in, want string
		line     int
		cause    error
	}{
		{"", "read capture c.jsonl: empty capture", 0, nil},
		{`{"serialgate_capture":7,"source":"x","kind":"bytes","new_field":1}` + "\n",
			"read capture c.jsonl:1: capture format version 7, this serialgate reads version 1", 1, ErrCaptureVersion},
		{`{"source":"x","kind":"bytes"}` + "\n", `c.jsonl:1: not a serialgate capture header: no "serialgate_capture" field`, 1, nil},
		{"\n\n[1,2]\n", "c.jsonl:3: not a serialgate capture header: json: cannot unmarshal array", 3, nil},
		{`{"serialgate_capture":"one"}` + "\n", `c.jsonl:1: not a serialgate capture header: serialgate_capture is "one", want a version number`, 1, nil},
		{`{"serialgate_capture":1,"kind":"bytes","colour":"red"}` + "\n", `c.jsonl:1: bad capture header: json: unknown field "colour"`, 1, nil},
		{`{"serialgate_capture":1,"kind":"video"}` + "\n", `c.jsonl:1: unknown capture kind "video"`, 1, nil},
		{head + `{"t_us":5,"hex":"zz"}` + "\n", "c.jsonl:2: bad hex: encoding/hex: invalid byte", 2, hex.InvalidByteError('z')},
		{head + `{"t_us":5,"hex":"41"}` + "\n" + `{"t_us":4,"hex":"41"}` + "\n", "c.jsonl:3: time goes backwards", 3, nil},
		{head + "not json\n", "c.jsonl:2: bad record: invalid character", 2, nil},
	} {
		_, _, err := ReadCapture(strings.NewReader(tc.in), "c.jsonl")
		var ce *CaptureError
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &ce) || ce.File != "c.jsonl" || ce.Line != tc.line {
			t.Errorf("%q: got %v, want %q at line %d", tc.in, err, tc.want, tc.line)
			continue
		}
		if tc.cause != nil && !errors.Is(err, tc.cause) {
			t.Errorf("%q: %v does not unwrap to %v", tc.in, err, tc.cause)
		}
	}
}

// failAfter is a disk that fills up: it takes n writes, then fails.
type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, &os.PathError{Op: "write", Path: "cap.jsonl", Err: syscall.ENOSPC}
	}
	f.n--
	return len(p), nil
}

// reads returns one string per Read.
type reads []string

func (r *reads) Read(p []byte) (int, error) {
	if len(*r) == 0 {
		return 0, io.EOF
	}
	n := copy(p, (*r)[0])
	*r = (*r)[1:]
	return n, nil
}

// TestRecordFailureIsAFault: a capture that cannot be written ends the
// source with the write's error, once the scans already read are taken.
func TestRecordFailureIsAFault(t *testing.T) {
	rec, err := NewRecorder(&failAfter{n: 2}, CaptureHeader{Source: "test", Kind: KindBytes}, nil)
	if err != nil {
		t.Fatal(err)
	}
	src := &reads{"AC1\r", "AC2\r", "AC3\r"}
	s := framing.NewStream("test", rec.Tee(src), framing.Framing{}, framing.StreamOptions{})
	defer s.Close()
	var got []string
	for {
		sc, err := s.Next(t.Context())
		if err != nil {
			if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "record capture: write cap.jsonl") {
				t.Fatalf("end: %v, want the capture's write error", err)
			}
			break
		}
		got = append(got, sc.Text)
	}
	// The header and the first read were written; the second read's scan
	// is delivered, as it was read, and then the fault.
	if fmt.Sprint(got) != "[AC1 AC2]" {
		t.Errorf("scans %q, want AC1 and AC2 before the fault", got)
	}
	if _, err := NewRecorder(&failAfter{}, CaptureHeader{Kind: KindBytes}, nil); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("header on a full disk: %v", err)
	}
}

func TestSimRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := &Sim{Name: "sim", Texts: []string{"A", "B", "C"}, Rate: 10}
		start := time.Now()
		var at []time.Duration
		for {
			sc, err := s.Next(context.Background())
			if err == ErrEnd {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			at = append(at, sc.Time.Sub(start))
		}
		if fmt.Sprint(at) != "[0s 100ms 200ms]" {
			t.Fatalf("scans at %v, want every 100ms", at)
		}
		s.Loop, s.i = true, 0
		for range 5 {
			if _, err := s.Next(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func FuzzReadCapture(f *testing.F) {
	f.Add(`{"serialgate_capture":1,"source":"x","kind":"bytes"}` + "\n" + `{"t_us":1,"hex":"410d"}`)
	f.Fuzz(func(t *testing.T, in string) {
		h, chunks, err := ReadCapture(strings.NewReader(in), "f")
		if err == nil && h.Version != 1 {
			t.Fatalf("accepted header %+v", h)
		}
		for i := 1; i < len(chunks); i++ {
			if chunks[i].At < chunks[i-1].At {
				t.Fatal("time goes backwards")
			}
		}
	})
}

// drain reads a stream to its end and returns its scans, each with its
// AIM identifier in front.
func drain(t *testing.T, s *framing.Stream) []string {
	t.Helper()
	var got []string
	for {
		sc, err := s.Next(context.Background())
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, sc.AIM+sc.Text)
	}
}
