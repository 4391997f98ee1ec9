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

// CaptureVersion is the capture format this serialgate writes and reads.
const CaptureVersion = 1

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
	h.Version = CaptureVersion
	h.Started = r.start.UTC().Format(time.RFC3339Nano)
	b, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("record capture header: %w", err)
	}
	// bufio.Writer keeps its first error, so Flush reports a failed Write.
	r.w.Write(append(b, '\n'))
	if err := r.w.Flush(); err != nil {
		return nil, fmt.Errorf("record capture header: %w", err)
	}
	return r, nil
}

// Record writes one read's bytes, stamped with the time since the start.
// An error (a disk full) is a fault the source reports from its Next.
func (r *Recorder) Record(p []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, err := json.Marshal(captureRecord{T: r.now().Sub(r.start).Microseconds(), Hex: hex.EncodeToString(p)})
	if err != nil {
		return fmt.Errorf("record capture: %w", err)
	}
	r.w.Write(append(b, '\n'))
	if err := r.w.Flush(); err != nil {
		return fmt.Errorf("record capture: %w", err)
	}
	return nil
}

// Tee returns a reader that records everything read through it. Once a
// record fails, its reads return that error; its Close closes src when src
// is an io.Closer.
func (r *Recorder) Tee(src io.Reader) io.ReadCloser { return &teeReader{src: src, rec: r} }

type teeReader struct {
	src io.Reader
	rec *Recorder
	err error // the first failed record, returned by every read after
}

func (t *teeReader) Read(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	n, err := t.src.Read(p)
	if n > 0 {
		if rerr := t.rec.Record(p[:n]); rerr != nil {
			t.err = rerr
			if err == nil {
				err = rerr
			}
		}
	}
	return n, err
}

func (t *teeReader) Close() error {
	if c, ok := t.src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// Chunk is one recorded read.
type Chunk struct {
	At   time.Duration // since the start of the capture
	Data []byte
}

// CaptureError is a capture file that cannot be read: the file, the line
// (zero when the error is not on one line) and the cause.
type CaptureError struct {
	File string
	Line int
	Err  error
}

func (e *CaptureError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("read capture %s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("read capture %s:%d: %v", e.File, e.Line, e.Err)
}

func (e *CaptureError) Unwrap() error { return e.Err }

// ErrCaptureVersion is the cause of a CaptureError for a capture file
// written in a format version this serialgate does not read.
var ErrCaptureVersion = errors.New("capture format version")

// ReadCapture reads a capture file. Errors are *CaptureError, naming the
// file and line.
func ReadCapture(r io.Reader, name string) (CaptureHeader, []Chunk, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	var h CaptureHeader
	var chunks []Chunk
	line := 0
	fail := func(err error) error { return &CaptureError{File: name, Line: line, Err: err} }
	haveHeader := false
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		if !haveHeader {
			haveHeader = true
			var err error
			if h, err = parseHeader(text); err != nil {
				return h, nil, fail(err)
			}
			continue
		}
		var rec captureRecord
		if err := json.Unmarshal([]byte(text), &rec); err != nil {
			return h, chunks, fail(fmt.Errorf("bad record: %w", err))
		}
		data, err := hex.DecodeString(rec.Hex)
		if err != nil {
			return h, chunks, fail(fmt.Errorf("bad hex: %w", err))
		}
		if rec.T < 0 || len(chunks) > 0 && time.Duration(rec.T)*time.Microsecond < chunks[len(chunks)-1].At {
			return h, chunks, fail(errors.New("time goes backwards"))
		}
		chunks = append(chunks, Chunk{At: time.Duration(rec.T) * time.Microsecond, Data: data})
	}
	if err := sc.Err(); err != nil {
		line++
		return h, chunks, fail(err)
	}
	if !haveHeader {
		line = 0
		return h, nil, fail(errors.New("empty capture"))
	}
	return h, chunks, nil
}

// parseHeader reads a capture's first line, looking at its version before
// anything else, since another version may have other fields.
func parseHeader(text string) (CaptureHeader, error) {
	var h CaptureHeader
	var v struct {
		Version *json.RawMessage `json:"serialgate_capture"`
	}
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return h, fmt.Errorf("not a serialgate capture header: %w", err)
	}
	if v.Version == nil {
		return h, errors.New(`not a serialgate capture header: no "serialgate_capture" field`)
	}
	var version int
	if err := json.Unmarshal(*v.Version, &version); err != nil {
		return h, fmt.Errorf("not a serialgate capture header: serialgate_capture is %s, want a version number", *v.Version)
	}
	if version != CaptureVersion {
		return h, fmt.Errorf("%w %d, this serialgate reads version %d", ErrCaptureVersion, version, CaptureVersion)
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return h, fmt.Errorf("bad capture header: %w", err)
	}
	switch h.Kind {
	case KindBytes, KindKeys, KindEvdev:
	default:
		return h, fmt.Errorf("unknown capture kind %q", h.Kind)
	}
	return h, nil
}

// Player plays recorded chunks back as an io.Reader, at the recorded pace
// divided by Speed (0 or less: as fast as they can be read). It waits on
// timers, which testing/synctest fakes, and Close ends a wait at once.
type Player struct {
	Chunks []Chunk
	Speed  float64
	i      int
	rest   []byte
	last   time.Duration

	stopOnce, closeOnce sync.Once
	stop                chan struct{} // closed by Close; made on first use
}

var _ io.ReadCloser = (*Player)(nil)

func (p *Player) stopped() chan struct{} {
	p.stopOnce.Do(func() { p.stop = make(chan struct{}) })
	return p.stop
}

// Read waits for the next chunk's time and returns its bytes; after Close
// it returns framing.ErrClosed.
func (p *Player) Read(b []byte) (int, error) {
	stop := p.stopped()
	select {
	case <-stop:
		return 0, framing.ErrClosed
	default:
	}
	if len(p.rest) == 0 {
		if p.i >= len(p.Chunks) {
			return 0, io.EOF
		}
		c := p.Chunks[p.i]
		if p.Speed > 0 && c.At > p.last {
			t := time.NewTimer(time.Duration(float64(c.At-p.last) / p.Speed))
			select {
			case <-t.C:
			case <-stop:
				t.Stop()
				return 0, framing.ErrClosed
			}
		}
		p.i++
		p.last = c.At
		p.rest = c.Data
	}
	n := copy(b, p.rest)
	p.rest = p.rest[n:]
	return n, nil
}

// Close ends a Read waiting for its chunk's time, and every Read after.
// It may be called from any goroutine, more than once.
func (p *Player) Close() error {
	stop := p.stopped()
	p.closeOnce.Do(func() { close(stop) })
	return nil
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

	stopOnce, closeOnce sync.Once
	stop                chan struct{} // closed by Close; made on first use
}

var _ serialgate.Source = (*Sim)(nil)

func (s *Sim) stopped() chan struct{} {
	s.stopOnce.Do(func() { s.stop = make(chan struct{}) })
	return s.stop
}

// Close ends a Next waiting for its scan's turn, and every Next after,
// with framing.ErrClosed.
func (s *Sim) Close() error {
	stop := s.stopped()
	s.closeOnce.Do(func() { close(stop) })
	return nil
}

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
		return nil, fmt.Errorf("read %s: no barcodes", path)
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
	stop := s.stopped()
	select {
	case <-stop:
		return serialgate.Scan{}, framing.ErrClosed
	default:
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
			case <-stop:
				t.Stop()
				return serialgate.Scan{}, framing.ErrClosed
			case <-t.C:
			}
		}
		s.next = s.next.Add(time.Duration(float64(time.Second) / s.Rate))
	}
	text := s.Texts[s.i]
	s.i++
	return serialgate.Scan{Time: now(), Source: s.Name, Text: text}, nil
}
