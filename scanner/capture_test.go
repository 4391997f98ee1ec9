package scanner

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
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
	var slept []time.Duration
	p := &Player{Chunks: chunks, Speed: 2, Sleep: func(d time.Duration) { slept = append(slept, d) }}
	s := framing.NewStream("replay", p, *h.Framing, framing.StreamOptions{})
	got := drain(t, s)
	if fmt.Sprint(got) != "[AC2000000001 AC2000000002]" || s.Counts().Noise != 1 {
		t.Fatalf("replayed %q, counts %+v", got, s.Counts())
	}
	if fmt.Sprint(slept) != "[20ms 40ms 60ms]" {
		t.Errorf("paced %v, want half the recorded gaps", slept)
	}
}

func TestReadCaptureErrors(t *testing.T) {
	head := `{"serialgate_capture":1,"source":"x","kind":"bytes"}` + "\n"
	for _, tc := range []struct{ in, want string }{
		{"", "empty capture"},
		{`{"serialgate_capture":2}` + "\n", "c.jsonl:1:"},
		{`{"serialgate_capture":1,"kind":"video"}` + "\n", `unknown capture kind "video"`},
		{head + `{"t_us":5,"hex":"zz"}` + "\n", "c.jsonl:2: bad hex"},
		{head + `{"t_us":5,"hex":"41"}` + "\n" + `{"t_us":4,"hex":"41"}` + "\n", "c.jsonl:3: time goes backwards"},
		{head + "not json\n", "c.jsonl:2:"},
	} {
		_, _, err := ReadCapture(strings.NewReader(tc.in), "c.jsonl")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.in, err, tc.want)
		}
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
