package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/serialgate/serialgate"
)

// eventJSON is an event as the File and MQTT sinks write it: its fields,
// and its body as a JSON object under "message".
type eventJSON struct {
	ID           string          `json:"id"`
	Type         string          `json:"type"`
	Version      string          `json:"version"`
	Manufacturer string          `json:"manufacturer"`
	Time         time.Time       `json:"time"`
	RecordID     int64           `json:"record_id"`
	Message      json.RawMessage `json:"message"`
}

// encodeEvent writes e as one line of JSON, without the newline. The body
// must be a JSON object; it is written compacted, so that the line is one.
func encodeEvent(e serialgate.Event) ([]byte, error) {
	body := bytes.TrimSpace(e.Body)
	if len(body) == 0 || body[0] != '{' || !json.Valid(body) {
		return nil, fmt.Errorf("encode event %s: body is not a JSON object", e.ID)
	}
	b, err := json.Marshal(eventJSON{
		ID: e.ID, Type: e.Type, Version: e.Version, Manufacturer: e.Manufacturer,
		Time: e.Time.UTC(), RecordID: e.RecordID, Message: body,
	})
	if err != nil {
		return nil, fmt.Errorf("encode event %s: %w", e.ID, err)
	}
	return b, nil
}

// File appends each event to a file as a line of JSON
// ({"id", "type", "version", "manufacturer", "time", "record_id", "message"}),
// and syncs the file to disk before Publish returns. It is safe for
// concurrent use: lines never interleave, and concurrent Publishes share a
// sync. The file is created when missing and kept open until Close.
type File struct {
	Path string

	mu      sync.Mutex // guards f, written, partial, closed
	f       *os.File
	written uint64 // lines written so far
	partial bool   // the last write stopped short of its newline
	closed  bool

	syncMu sync.Mutex // one sync at a time; guards synced
	synced uint64     // lines known to be on disk
}

var _ serialgate.Publisher = (*File)(nil)

// ErrClosed is the error of a Publish after Close.
var ErrClosed = errors.New("sink closed")

// Publish appends the event's line and syncs the file.
func (s *File) Publish(ctx context.Context, e serialgate.Event) error {
	b, err := encodeEvent(e)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	f, seq, err := s.append(b)
	if err != nil {
		return err
	}
	return s.sync(f, seq)
}

// append writes the line and returns the file and the line's number.
func (s *File) append(b []byte) (*os.File, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, 0, fmt.Errorf("append to %s: %w", s.Path, ErrClosed)
	}
	if s.Path == "" {
		return nil, 0, errors.New("file sink: Path is empty")
	}
	if s.f == nil {
		f, err := os.OpenFile(s.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return nil, 0, fmt.Errorf("open event file: %w", err)
		}
		s.f = f
	}
	if s.partial {
		// End the torn line so that this one stands alone: a reader skips
		// the line it cannot parse.
		b = append([]byte{'\n'}, b...)
	}
	n, err := s.f.Write(b)
	if err != nil {
		s.partial = n > 0
		return nil, 0, fmt.Errorf("append to %s: %w", s.Path, err)
	}
	s.partial = false
	s.written++
	return s.f, s.written, nil
}

// sync returns once line seq is on disk. Whoever syncs syncs every line
// written so far, so concurrent callers share one fsync.
func (s *File) sync(f *os.File, seq uint64) error {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	if s.synced >= seq {
		return nil
	}
	s.mu.Lock()
	upto := s.written
	s.mu.Unlock()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", s.Path, err)
	}
	s.synced = upto
	return nil
}

// Close closes the file. Publish fails after it; Close is idempotent.
func (s *File) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}
