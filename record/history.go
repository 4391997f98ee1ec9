package record

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/serialgate/serialgate"
)

// Query selects records. Its zero value selects every record.
type Query struct {
	Since, Until time.Time // scans at or after Since and before Until, when set
	Station      string
	Line         string
	AfterID      int64 // records after this one, to resume where a page ended
	Limit        int   // at most this many (records for History, events for Events); 0 means no limit
}

// where is q's condition on the scans table, as alias names it.
func (q Query) where(d dialect, alias string) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		conds = append(conds, alias+"."+cond)
		args = append(args, arg)
	}
	if !q.Since.IsZero() {
		add("at >= ?", d.t(q.Since))
	}
	if !q.Until.IsZero() {
		add("at < ?", d.t(q.Until))
	}
	if q.Station != "" {
		add("station = ?", q.Station)
	}
	if q.Line != "" {
		add("line = ?", q.Line)
	}
	if q.AfterID > 0 {
		add("id > ?", q.AfterID)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func (q Query) limit() string {
	if q.Limit > 0 {
		return fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	return ""
}

// Row is one recorded scan.
type Row struct {
	ID                                                  int64
	Time                                                time.Time
	Station, Line, Source, Serial, Model, ASIN, OrderID string
	OK                                                  bool
	Reason                                              serialgate.Reason
	Message                                             string
	DuplicateOf                                         int64 // the first pass, when this was a duplicate
	EventIDs                                            []string
}

// History calls fn with each record q selects, in id order, as it reads
// them: memory does not grow with the number of records. It stops at the
// first error fn returns, and returns it.
func (s *Store) History(ctx context.Context, q Query, fn func(Row) error) error {
	where, args := q.where(s.d, "s")
	// One row per event, so that the scans come grouped with their events.
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT x.id, x.at, x.station, x.line, x.source, x.serial, x.model, x.asin, x.order_id,
		x.ok, x.reason, x.message, x.duplicate_of, e.id
		FROM (SELECT s.* FROM scans s`+where+` ORDER BY s.id`+q.limit()+`) x
		LEFT JOIN events e ON e.record_id = x.id
		ORDER BY x.id, e.seq`), args...)
	if err != nil {
		return fmt.Errorf("read history: %w", err)
	}
	defer rows.Close()
	var cur Row
	have := false
	for rows.Next() {
		var r Row
		var reason string
		var dup sql.NullInt64
		var eventID sql.NullString
		if err := rows.Scan(&r.ID, dbTime{&r.Time}, &r.Station, &r.Line, &r.Source, &r.Serial, &r.Model, &r.ASIN, &r.OrderID,
			&r.OK, &reason, &r.Message, &dup, &eventID); err != nil {
			return fmt.Errorf("read history: %w", err)
		}
		if have && r.ID == cur.ID {
			cur.EventIDs = append(cur.EventIDs, eventID.String)
			continue
		}
		if have {
			if err := fn(cur); err != nil {
				return err
			}
		}
		if r.Reason, err = serialgate.ParseReason(reason); err != nil {
			return fmt.Errorf("read history: record %d: %w", r.ID, err)
		}
		r.DuplicateOf = dup.Int64
		if eventID.Valid {
			r.EventIDs = []string{eventID.String}
		}
		cur, have = r, true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read history: %w", err)
	}
	if have {
		return fn(cur)
	}
	return nil
}

// EventState is an outbox event with the state of its deliveries.
type EventState struct {
	ID, Type, Version, Manufacturer string
	Time                            time.Time
	RecordID                        int64
	Serial, Model                   string
	Deliveries                      []DeliveryState
}

// DeliveryState is where an event's delivery to one sink stands.
type DeliveryState struct {
	Sink      string
	State     string // "pending", "sent" or "failed"
	Attempts  int    // failed attempts
	LastError string
	SentAt    time.Time
	NextAt    time.Time // when a failed delivery is due again
}

// Events calls fn with each event of the records q selects, in the order
// they were written, as it reads them. q.Limit counts events.
func (s *Store) Events(ctx context.Context, q Query, fn func(EventState) error) error {
	where, args := q.where(s.d, "s")
	rows, err := s.r.QueryContext(ctx, s.d.q(`SELECT x.seq, x.id, x.type, x.version, x.manufacturer, x.at, x.record_id, x.serial, x.model,
		d.sink, d.state, d.attempts, d.last_error, d.sent_at, d.next_at
		FROM (SELECT e.seq, e.id, e.type, e.version, e.manufacturer, e.at, e.record_id, s.serial, s.model
			FROM events e JOIN scans s ON s.id = e.record_id`+where+` ORDER BY e.seq`+q.limit()+`) x
		LEFT JOIN deliveries d ON d.event_seq = x.seq
		ORDER BY x.seq, d.sink`), args...)
	if err != nil {
		return fmt.Errorf("read events: %w", err)
	}
	defer rows.Close()
	var cur EventState
	var curSeq int64
	have := false
	for rows.Next() {
		var e EventState
		var seq int64
		var sink, state, lastError sql.NullString
		var attempts sql.NullInt64
		var ds DeliveryState
		if err := rows.Scan(&seq, &e.ID, &e.Type, &e.Version, &e.Manufacturer, dbTime{&e.Time}, &e.RecordID, &e.Serial, &e.Model,
			&sink, &state, &attempts, &lastError, dbTime{&ds.SentAt}, dbTime{&ds.NextAt}); err != nil {
			return fmt.Errorf("read events: %w", err)
		}
		ds.Sink, ds.State, ds.Attempts, ds.LastError = sink.String, state.String, int(attempts.Int64), lastError.String
		if !have || seq != curSeq {
			if have {
				if err := fn(cur); err != nil {
					return err
				}
			}
			cur, curSeq, have = e, seq, true
		}
		if sink.Valid {
			cur.Deliveries = append(cur.Deliveries, ds)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read events: %w", err)
	}
	if have {
		return fn(cur)
	}
	return nil
}
