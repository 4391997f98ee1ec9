package scanner

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/scanner/framing"
)

// A capture file records what a source received, with timestamps, so that
// it can be replayed through the same framing: JSON lines, a header first,
// then one line per read.
//
//	{"serialgate_capture":1,"source":"serial:/dev/ttyACM0","kind":"bytes","framing":{...}}
//	{"t_us":0,"hex":"4143320d"}

// Capture kinds.
const (
	KindBytes = "bytes" // a serial byte stream, framed by Framing
	KindKeys  = "keys"  // terminal keystrokes, split into scans by timing
	KindEvdev = "evdev" // raw Linux input events
)

// CaptureHeader is a capture file's first line.
type CaptureHeader struct {
	Version int              `json:"serialgate_capture"`
	Source  string           `json:"source"`
	Kind    string           `json:"kind"`
	Framing *framing.Framing `json:"framing,omitempty"`
	Layout  string           `json:"layout,omitempty"`
	Started string           `json:"started,omitempty"`
}

type captureRecord struct {
	T   int64  `json:"t_us"`
	Hex string `json:"hex"`
}

// Recorder writes a capture file.
type Recorder struct {
	mu    sync.Mutex
	w     *bufio.Writer
	start time.Time
	now   func() time.Time
}

// NewRecorder writes the header to w and returns a recorder for the reads.
func NewRecorder(w io.Writer, h CaptureHeader, now func() time.Time) (*Recorder, error) {
	if now == nil {
		now = time.Now
	}
	r := &Recorder{w: bufio.NewWriter(w), now: now, start: now()}
	h.Version = 1
	h.Started = r.start.UTC().Format(time.RFC3339Nano)
	b, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	r.w.Write(append(b, '\n'))
	return r, r.w.Flush()
}

// Record writes one read's bytes, stamped with the time since the start.
func (r *Recorder) Record(p []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, _ := json.Marshal(captureRecord{T: r.now().Sub(r.start).Microseconds(), Hex: hex.EncodeToString(p)})
	r.w.Write(append(b, '\n'))
	return r.w.Flush()
}

// Tee returns a reader that records everything read through it.
func (r *Recorder) Tee(src io.Reader) io.Reader { return &teeReader{src: src, rec: r} }

type teeReader struct {
	src io.Reader
	rec *Recorder
}

func (t *teeReader) Read(p []byte) (int, error) {
	n, err := t.src.Read(p)
	if n > 0 {
		if rerr := t.rec.Record(p[:n]); rerr != nil && err == nil {
			err = rerr
		}
	}
	return n, err
}

// Chunk is one recorded read.
type Chunk struct {
	At   time.Duration // since the start of the capture
	Data []byte
}

// ReadCapture reads a capture file. Errors name the line.
func ReadCapture(r io.Reader, name string) (CaptureHeader, []Chunk, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	var h CaptureHeader
	var chunks []Chunk
	line := 0
	haveHeader := false
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		if !haveHeader {
			haveHeader = true
			dec := json.NewDecoder(strings.NewReader(text))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&h); err != nil || h.Version != 1 {
				return h, nil, fmt.Errorf("%s:%d: not a serialgate capture header: %v", name, line, err)
			}
			switch h.Kind {
			case KindBytes, KindKeys, KindEvdev:
			default:
				return h, nil, fmt.Errorf("%s:%d: unknown capture kind %q", name, line, h.Kind)
			}
			continue
		}
		var rec captureRecord
		if err := json.Unmarshal([]byte(text), &rec); err != nil {
			return h, chunks, fmt.Errorf("%s:%d: %v", name, line, err)
		}
		data, err := hex.DecodeString(rec.Hex)
		if err != nil {
			return h, chunks, fmt.Errorf("%s:%d: bad hex: %v", name, line, err)
		}
		if rec.T < 0 || len(chunks) > 0 && time.Duration(rec.T)*time.Microsecond < chunks[len(chunks)-1].At {
			return h, chunks, fmt.Errorf("%s:%d: time goes backwards", name, line)
		}
		chunks = append(chunks, Chunk{At: time.Duration(rec.T) * time.Microsecond, Data: data})
	}
	if err := sc.Err(); err != nil {
		return h, chunks, fmt.Errorf("%s:%d: %w", name, line+1, err)
	}
	if !haveHeader {
		return h, nil, fmt.Errorf("%s: empty capture", name)
	}
	return h, chunks, nil
}

// Player plays recorded chunks back as an io.Reader, at the recorded pace
// divided by Speed (0 or less: as fast as they can be read). Sleep is the
// clock, injected for tests.
type Player struct {
	Chunks []Chunk
	Speed  float64
	Sleep  func(time.Duration)
	i      int
	rest   []byte
	last   time.Duration
}

func (p *Player) Read(b []byte) (int, error) {
	if len(p.rest) == 0 {
		if p.i >= len(p.Chunks) {
			return 0, io.EOF
		}
		c := p.Chunks[p.i]
		p.i++
		if p.Speed > 0 && c.At > p.last {
			sleep := p.Sleep
			if sleep == nil {
				sleep = time.Sleep
			}
			sleep(time.Duration(float64(c.At-p.last) / p.Speed))
		}
		p.last = c.At
		p.rest = c.Data
	}
	n := copy(b, p.rest)
	p.rest = p.rest[n:]
	return n, nil
}

// At is the recorded time of the chunk being played.
func (p *Player) At() time.Duration { return p.last }

// Sim is a simulated scanner: it delivers a list of barcodes at a steady
// rate, for demonstrations and load tests.
type Sim struct {
	Name  string
	Texts []string
	Rate  float64 // scans per second; 0 or less: as fast as asked
	Loop  bool    // start again at the end
	Now   func() time.Time
	i     int
	next  time.Time
}

var _ serialgate.Source = (*Sim)(nil)

// LoadSim reads a barcode list, one per line as a serial list is.
func LoadSim(path string, rate float64, loop bool) (*Sim, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := &Sim{Name: "sim:" + path, Rate: rate, Loop: loop}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if t := strings.TrimRight(sc.Text(), "\r"); t != "" {
			s.Texts = append(s.Texts, t)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(s.Texts) == 0 {
		return nil, fmt.Errorf("%s: no barcodes", path)
	}
	return s, nil
}

// ErrEnd is returned by a simulator that has delivered its list.
var ErrEnd = errors.New("end of simulated scans")

// Next waits for the next scan's turn and returns it.
func (s *Sim) Next(ctx context.Context) (serialgate.Scan, error) {
	now := s.Now
	if now == nil {
		now = time.Now
	}
	if s.i >= len(s.Texts) {
		if !s.Loop || len(s.Texts) == 0 {
			return serialgate.Scan{}, ErrEnd
		}
		s.i = 0
	}
	if s.Rate > 0 {
		if s.next.IsZero() {
			s.next = now()
		}
		if d := s.next.Sub(now()); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				return serialgate.Scan{}, ctx.Err()
			case <-t.C:
			}
		}
		s.next = s.next.Add(time.Duration(float64(time.Second) / s.Rate))
	}
	text := s.Texts[s.i]
	s.i++
	return serialgate.Scan{Time: now(), Source: s.Name, Text: text}, nil
}
