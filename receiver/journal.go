package receiver

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Entry kinds of the journal.
const (
	KindNotification = "notification" // a DRS notification, verified and parsed
	KindSubscription = "subscription" // a subscription confirmed
	KindUnsubscribe  = "unsubscribe"  // an UnsubscribeConfirmation received
	KindToken        = "token"        // the push flow's token exchange
)

// Entry is one line of the journal.
type Entry struct {
	Kind             string    `json:"kind"`
	ReceivedAt       time.Time `json:"received_at"`
	MessageID        string    `json:"message_id,omitempty"` // the SNS MessageId
	TopicARN         string    `json:"topic_arn,omitempty"`
	SignatureVersion string    `json:"signature_version,omitempty"`
	// Notifications.
	NotificationType string          `json:"notification_type,omitempty"`
	Version          string          `json:"version,omitempty"` // the message version, 1.0 or 2.0
	NotificationID   string          `json:"notification_id,omitempty"`
	Serial           string          `json:"serial,omitempty"`
	Model            string          `json:"model,omitempty"`
	Message          json.RawMessage `json:"message,omitempty"` // the notification as it came
	// Tokens: their SHA-256 hashes only, and what went wrong.
	OK                 *bool  `json:"ok,omitempty"`
	Status             int    `json:"status,omitempty"`
	AccessTokenSHA256  string `json:"access_token_sha256,omitempty"`
	RefreshTokenSHA256 string `json:"refresh_token_sha256,omitempty"`
	ExpiresIn          int64  `json:"expires_in,omitempty"`
	Error              string `json:"error,omitempty"`
}

// Journal is an append-only JSONL file of entries, each synced to disk
// before Append returns, and the set of notification IDs it holds, read
// back when it is opened so that a restarted receiver still drops a
// redelivery. The zero Journal keeps the IDs in memory only.
type Journal struct {
	mu   sync.Mutex
	f    *os.File
	seen map[string]bool
}

// OpenJournal opens (creating) a journal file and reads the notification
// IDs it holds. A torn last line, from a crash mid-write, is cut off.
func OpenJournal(path string) (*Journal, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	j := &Journal{f: f, seen: map[string]bool{}}
	r := bufio.NewReader(f)
	line := 0
	var off int64
	for {
		b, err := r.ReadBytes('\n')
		if len(b) > 0 && b[len(b)-1] == '\n' {
			line++
			off += int64(len(b))
			var e Entry
			if jerr := json.Unmarshal(b, &e); jerr != nil {
				f.Close()
				return nil, fmt.Errorf("read journal %s:%d: %w", path, line, jerr)
			}
			if e.Kind == KindNotification && e.NotificationID != "" {
				j.seen[e.NotificationID] = true
			}
		} else if len(b) > 0 {
			// A torn last line, never acknowledged: drop it.
			if err := f.Truncate(off); err != nil {
				f.Close()
				return nil, fmt.Errorf("open journal: %w", err)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("read journal: %w", err)
		}
	}
	return j, nil
}

// Seen reports whether a notification ID is in the journal.
func (j *Journal) Seen(id string) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.seen[id]
}

// Append writes an entry and syncs it; a notification entry's ID is then
// seen.
func (j *Journal) Append(e Entry) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("write journal: %w", err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f != nil {
		if _, err := j.f.Write(append(b, '\n')); err != nil {
			return fmt.Errorf("write journal: %w", err)
		}
		if err := j.f.Sync(); err != nil {
			return fmt.Errorf("sync journal: %w", err)
		}
	}
	if e.Kind == KindNotification && e.NotificationID != "" {
		if j.seen == nil {
			j.seen = map[string]bool{}
		}
		j.seen[e.NotificationID] = true
	}
	return nil
}

// Close closes the file.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	return err
}
