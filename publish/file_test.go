package publish

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/serialgate/serialgate"
)

func TestFileSink(t *testing.T) {
	path := filepath.Join(t.TempDir(), "events.jsonl")
	s := &File{Path: path}
	evs := testEvents(t, 2000)
	// Indented bodies too: each event is still one line.
	for i := range evs {
		if i%2 == 0 {
			var v any
			json.Unmarshal(evs[i].Body, &v)
			evs[i].Body, _ = json.MarshalIndent(v, "", "  ")
		}
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < len(evs); i += 8 {
				if err := s.Publish(t.Context(), evs[i]); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := s.Publish(t.Context(), evs[0]); !errors.Is(err, ErrClosed) {
		t.Errorf("Publish after Close = %v, want ErrClosed", err)
	}

	byID := map[string]serialgate.Event{}
	for _, e := range evs {
		byID[e.ID] = e
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		var line struct {
			ID           string          `json:"id"`
			Type         string          `json:"type"`
			Version      string          `json:"version"`
			Manufacturer string          `json:"manufacturer"`
			Time         time.Time       `json:"time"`
			RecordID     int64           `json:"record_id"`
			Message      json.RawMessage `json:"message"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("line %d: %v: %s", n, err, sc.Bytes())
		}
		e, ok := byID[line.ID]
		if !ok {
			t.Fatalf("line %d: unknown or repeated event %q", n, line.ID)
		}
		delete(byID, line.ID)
		if line.Type != e.Type || line.Version != e.Version || line.Manufacturer != e.Manufacturer ||
			!line.Time.Equal(e.Time) || line.RecordID != e.RecordID {
			t.Errorf("line %d: %+v, want the fields of %+v", n, line, e)
		}
		var got, want any
		json.Unmarshal(line.Message, &got)
		json.Unmarshal(e.Body, &want)
		if gb, _ := json.Marshal(got); string(gb) != string(mustCompact(t, e.Body)) || line.Message[0] != '{' {
			t.Errorf("line %d: message %s, want the body as an object %s", n, line.Message, e.Body)
		}
	}
	if len(byID) != 0 {
		t.Errorf("%d events missing from the file", len(byID))
	}
}

func mustCompact(t *testing.T, b []byte) []byte {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(v)
	return out
}

func TestFileSinkRefuses(t *testing.T) {
	ev := testEvents(t, 1)[0]
	for _, body := range []string{"", "not json", `["an array"]`, `{"open":`} {
		e := ev
		e.Body = []byte(body)
		s := &File{Path: filepath.Join(t.TempDir(), "x.jsonl")}
		if err := s.Publish(t.Context(), e); err == nil {
			t.Errorf("body %q written", body)
		}
		s.Close()
	}
	if err := (&File{Path: filepath.Join(t.TempDir(), "no", "dir", "x.jsonl")}).Publish(t.Context(), ev); err == nil {
		t.Error("wrote to a missing directory")
	}
}
