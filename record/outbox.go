package record

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/serialgate/serialgate"
)

// Sink is a destination of events, as the station configures it.
type Sink struct {
	Name          string
	Manufacturers []string // the manufacturers whose events it takes; empty means every one
}

// lease is how long Due keeps what it returned from other relays.
const lease = 30 * time.Second

// maxErrorText bounds the error text kept per delivery.
const maxErrorText = 2000

// SetSinks makes sinks the store's sinks. Events recorded from then on get a
// pending delivery for each sink that takes their manufacturer; events
// recorded earlier are not delivered to a sink that is new. A sink left out
// takes no new events; what it had pending stays, and Backlog shows it.
func (s *Store) SetSinks(ctx context.Context, sinks []Sink) error {
	seen := map[string]bool{}
	for i, k := range sinks {
		if k.Name == "" {
			return fmt.Errorf("set sinks: sink %d has no name", i)
		}
		if seen[k.Name] {
			return fmt.Errorf("set sinks: sink %q named twice", k.Name)
		}
		seen[k.Name] = true
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if s.d.postgres {
			// Stations sharing a database set their sinks as they start.
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", lockSinks); err != nil {
				return err
			}
		}
		keep := make([]any, 0, len(sinks))
		for _, k := range sinks {
			keep = append(keep, k.Name)
			if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO sinks (name) VALUES (?) ON CONFLICT (name) DO NOTHING`), k.Name); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM sink_manufacturers WHERE sink = ?`), k.Name); err != nil {
				return err
			}
			for _, m := range k.Manufacturers {
				if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO sink_manufacturers (sink, manufacturer) VALUES (?, ?)
					ON CONFLICT (sink, manufacturer) DO NOTHING`), k.Name, m); err != nil {
					return err
				}
			}
		}
		del := `DELETE FROM sinks`
		if len(keep) > 0 {
			del += ` WHERE name NOT IN (` + placeholders(len(keep)) + `)`
		}
		_, err := tx.ExecContext(ctx, s.d.q(del), keep...)
		return err
	})
	if err != nil {
		return fmt.Errorf("set sinks: %w", err)
	}
	return nil
}

// Due returns up to limit deliveries to sink that are pending, or failed
// and due again by now, oldest event first, and leases them until
// now+30s so that other relays on the same database skip them.
func (s *Store) Due(ctx context.Context, sink string, now time.Time, limit int) ([]serialgate.Delivery, error) {
	if limit <= 0 {
		return nil, nil
	}
	var out []serialgate.Delivery
	err := s.tx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		rows, err := tx.QueryContext(ctx, s.d.q(`SELECT d.event_seq, e.id, e.type, e.version, e.manufacturer, e.at, e.body, e.record_id, d.attempts, d.last_error
			FROM deliveries d JOIN events e ON e.seq = d.event_seq
			WHERE d.sink = ? AND d.state <> 'sent'
			  AND (d.state = 'pending' OR d.next_at IS NULL OR d.next_at <= ?)
			  AND (d.lease_until IS NULL OR d.lease_until <= ?)
			ORDER BY d.event_seq LIMIT ?`)+s.d.skipLocked("d"),
			sink, s.d.t(now), s.d.t(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		var seqs []any
		for rows.Next() {
			var seq int64
			dl := serialgate.Delivery{Sink: sink}
			e := &dl.Event
			if err := rows.Scan(&seq, &e.ID, &e.Type, &e.Version, &e.Manufacturer, dbTime{&e.Time}, &e.Body, &e.RecordID, &dl.Attempts, &dl.LastError); err != nil {
				return err
			}
			seqs = append(seqs, seq)
			out = append(out, dl)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if len(seqs) == 0 {
			return nil
		}
		args := append([]any{s.d.t(now.Add(lease)), sink}, seqs...)
		_, err = tx.ExecContext(ctx, s.d.q(`UPDATE deliveries SET lease_until = ?
			WHERE sink = ? AND event_seq IN (`+placeholders(len(seqs))+`)`), args...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find due deliveries to %s: %w", sink, err)
	}
	return out, nil
}

// MarkSent records that sink acknowledged the events, in one transaction
// (one sync to disk for a relay's whole batch). Marking a sent delivery
// again changes nothing; an id with no delivery to the sink is
// ErrNoDelivery, after the others are marked.
func (s *Store) MarkSent(ctx context.Context, sink string, eventIDs []string, at time.Time) error {
	if len(eventIDs) == 0 {
		return nil
	}
	if at.IsZero() {
		at = s.now()
	}
	eventIDs = slices.Compact(slices.Sorted(slices.Values(eventIDs)))
	const chunk = 500 // bound the statement's parameters
	unknown := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		unknown = false
		marked := 0
		for i := 0; i < len(eventIDs); i += chunk {
			ids := eventIDs[i:min(i+chunk, len(eventIDs))]
			args := []any{s.d.t(at), sink}
			for _, id := range ids {
				args = append(args, id)
			}
			res, err := tx.ExecContext(ctx, s.d.q(`UPDATE deliveries SET state = 'sent', sent_at = ?, lease_until = NULL, next_at = NULL
				WHERE sink = ? AND event_seq IN (SELECT seq FROM events WHERE id IN (`+placeholders(len(ids))+`)) AND state <> 'sent'`), args...)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			marked += int(n)
		}
		if marked > 0 {
			if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE sinks SET sent = sent + ?,
				last_success = CASE WHEN last_success IS NULL OR last_success < ? THEN ? ELSE last_success END
				WHERE name = ?`), marked, s.d.t(at), s.d.t(at), sink); err != nil {
				return err
			}
		}
		if marked < len(eventIDs) {
			// Some were sent already (by another relay, say), or are not
			// deliveries to this sink at all: only the latter is an error.
			var have int
			args := []any{sink}
			for _, id := range eventIDs {
				args = append(args, id)
			}
			if len(eventIDs) <= chunk {
				if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM deliveries d JOIN events e ON e.seq = d.event_seq
					WHERE d.sink = ? AND e.id IN (`+placeholders(len(eventIDs))+`)`), args...).Scan(&have); err != nil {
					return err
				}
				unknown = have < len(eventIDs)
			}
		}
		return nil
	})
	if err == nil && unknown {
		err = ErrNoDelivery
	}
	if err != nil {
		what := eventIDs[0]
		if len(eventIDs) > 1 {
			what = fmt.Sprintf("%s and %d more", eventIDs[0], len(eventIDs)-1)
		}
		return fmt.Errorf("mark event %s sent to %s: %w", what, sink, err)
	}
	return nil
}

// MarkFailed records a failed attempt to deliver the event to sink: one
// more attempt, its error, when to try again, and no lease.
func (s *Store) MarkFailed(ctx context.Context, sink, eventID, errText string, next time.Time) error {
	errText = truncate(errText, maxErrorText)
	now := s.now()
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.d.q(`UPDATE deliveries SET state = 'failed', attempts = attempts + 1,
			last_error = ?, last_error_at = ?, next_at = ?, lease_until = NULL
			WHERE sink = ? AND event_seq = (SELECT seq FROM events WHERE id = ?) AND state <> 'sent'`),
			errText, s.d.t(now), s.d.t(next), sink, eventID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			// Already sent (by another relay, say): a late failure changes nothing.
			return s.deliveryExists(ctx, tx, sink, eventID)
		}
		_, err = tx.ExecContext(ctx, s.d.q(`UPDATE sinks SET last_error = ?, last_error_at = ? WHERE name = ?`),
			errText, s.d.t(now), sink)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark event %s failed at %s: %w", eventID, sink, err)
	}
	return nil
}

// ErrNoDelivery is the error of MarkSent and MarkFailed for an event that
// has no delivery to the sink.
var ErrNoDelivery = errors.New("no such delivery")

func (s *Store) deliveryExists(ctx context.Context, tx *sql.Tx, sink, eventID string) error {
	var one int
	err := tx.QueryRowContext(ctx, s.d.q(`SELECT 1 FROM deliveries d JOIN events e ON e.seq = d.event_seq
		WHERE d.sink = ? AND e.id = ?`), sink, eventID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNoDelivery
	}
	return err
}

// SinkHealth is how deliveries to one sink are going.
type SinkHealth struct {
	Sink        string
	Pending     int       // deliveries not yet acknowledged, failed ones included
	Oldest      time.Time // the time of the oldest event pending, zero when none is
	Sent        int
	LastSuccess time.Time
	LastError   string
	LastErrorAt time.Time
}

// Backlog reports every sink's health, by name: the configured sinks and
// any sink taken out of the configuration with deliveries still pending.
func (s *Store) Backlog(ctx context.Context) ([]SinkHealth, error) {
	bySink := map[string]*SinkHealth{}
	rows, err := s.r.QueryContext(ctx, `SELECT name, sent, last_success, last_error, last_error_at FROM sinks`)
	if err != nil {
		return nil, fmt.Errorf("read backlog: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var h SinkHealth
		if err := rows.Scan(&h.Sink, &h.Sent, dbTime{&h.LastSuccess}, &h.LastError, dbTime{&h.LastErrorAt}); err != nil {
			return nil, fmt.Errorf("read backlog: %w", err)
		}
		bySink[h.Sink] = &h
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read backlog: %w", err)
	}
	rows.Close()

	rows, err = s.r.QueryContext(ctx, `SELECT d.sink, COUNT(*), MIN(e.at)
		FROM deliveries d JOIN events e ON e.seq = d.event_seq
		WHERE d.state <> 'sent' GROUP BY d.sink`)
	if err != nil {
		return nil, fmt.Errorf("read backlog: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var n int
		var oldest time.Time
		if err := rows.Scan(&name, &n, dbTime{&oldest}); err != nil {
			return nil, fmt.Errorf("read backlog: %w", err)
		}
		h := bySink[name]
		if h == nil {
			h = &SinkHealth{Sink: name}
			bySink[name] = h
		}
		h.Pending, h.Oldest = n, oldest
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read backlog: %w", err)
	}
	out := make([]SinkHealth, 0, len(bySink))
	for _, h := range bySink {
		out = append(out, *h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Sink < out[j].Sink })
	return out, nil
}

// placeholders is "?, ?, ..." for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// truncate cuts s to at most n bytes, on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
