package record

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/serialgate/serialgate"
)

// Scan is one judged scan to record.
type Scan struct {
	Time                         time.Time // stored in UTC with millisecond precision; zero means now
	Station, Line, Source        string
	Serial, Model, ASIN, OrderID string
	OK                           bool
	Reason                       serialgate.Reason
	Message                      string // the reason in the operator's words
	// Events go to the outbox in the same transaction as the scan, and only
	// when the scan is recorded as the first pass of its serial.
	Events []serialgate.Event
}

// DuplicatePolicy says what a pass of a serial that already passed becomes.
type DuplicatePolicy int

const (
	Reject DuplicatePolicy = iota // recorded as a reject with serialgate.ReasonDuplicate
	Warn                          // recorded as a pass that points at the first one
)

// Policy is how Record treats a serial that already passed.
type Policy struct {
	Duplicate DuplicatePolicy
	// Rescan is the window in which a pass of the same serial on the same
	// station is the same label scanned again, and records nothing.
	Rescan time.Duration
}

// Previous is the first pass of a serial.
type Previous struct {
	RecordID int64
	Station  string
	Time     time.Time
}

// Receipt says what Record wrote.
type Receipt struct {
	RecordID  int64     // the new record, or the first pass when Same
	Duplicate *Previous // the first pass, when this scan was a duplicate
	Same      bool      // the same label scanned again within the rescan window: nothing written
}

// Record writes a scan and, when it is the first pass of its serial, its
// events and their deliveries, in one transaction. It returns once the
// transaction is committed.
func (s *Store) Record(ctx context.Context, sc Scan, p Policy) (Receipt, error) {
	if sc.Time.IsZero() {
		sc.Time = s.now()
	}
	sc.Time = ms(sc.Time)
	for i, e := range sc.Events {
		if e.ID == "" {
			return Receipt{}, fmt.Errorf("record scan: event %d has no ID", i)
		}
	}
	var rc Receipt
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		rc, err = s.record(ctx, tx, sc, p)
		return err
	})
	if errors.Is(err, errSame) {
		return rc, nil
	}
	if err != nil {
		return Receipt{}, fmt.Errorf("record scan: %w", err)
	}
	return rc, nil
}

// errSame rolls back the transaction of a rescan, which writes nothing.
var errSame = errors.New("same label scanned again")

func (s *Store) record(ctx context.Context, tx *sql.Tx, sc Scan, p Policy) (Receipt, error) {
	var id int64
	err := tx.QueryRowContext(ctx, s.d.q(`INSERT INTO scans
		(at, station, line, source, serial, model, asin, order_id, ok, reason, message)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		s.d.t(sc.Time), sc.Station, sc.Line, sc.Source, sc.Serial, sc.Model, sc.ASIN, sc.OrderID,
		sc.OK, sc.Reason.String(), sc.Message).Scan(&id)
	if err != nil {
		return Receipt{}, err
	}
	if !sc.OK {
		return Receipt{RecordID: id}, nil
	}
	// The claim: on PostgreSQL a competing transaction waits here for the
	// first to commit or roll back, then does nothing or wins.
	res, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO claims (model, serial, record_id, station, at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (model, serial) DO NOTHING`),
		sc.Model, sc.Serial, id, sc.Station, s.d.t(sc.Time))
	if err != nil {
		return Receipt{}, fmt.Errorf("claim serial: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return Receipt{}, err
	} else if n == 1 {
		for _, e := range sc.Events {
			if err := s.writeEvent(ctx, tx, e, id, sc.Time); err != nil {
				return Receipt{}, err
			}
		}
		return Receipt{RecordID: id}, nil
	}

	prev, err := s.seen(ctx, tx, sc.Model, sc.Serial)
	if err != nil {
		return Receipt{}, err
	}
	if prev == nil {
		return Receipt{}, errors.New("claim serial: lost to a claim that is gone")
	}
	if p.Rescan > 0 && prev.Station == sc.Station {
		var latest time.Time
		err := tx.QueryRowContext(ctx, s.d.q(`SELECT MAX(at) FROM scans
			WHERE model = ? AND serial = ? AND station = ? AND id <> ?`),
			sc.Model, sc.Serial, sc.Station, id).Scan(dbTime{&latest})
		if err != nil {
			return Receipt{}, fmt.Errorf("find latest scan: %w", err)
		}
		if !latest.IsZero() && sc.Time.Sub(latest) <= p.Rescan {
			return Receipt{RecordID: prev.RecordID, Same: true}, errSame
		}
	}
	q := `UPDATE scans SET duplicate_of = ? WHERE id = ?`
	args := []any{prev.RecordID, id}
	if p.Duplicate != Warn {
		msg := sc.Message
		if msg == "" {
			msg = fmt.Sprintf("already passed as record %d on station %s at %s", prev.RecordID, prev.Station, prev.Time.Format(time.RFC3339))
		}
		q = `UPDATE scans SET duplicate_of = ?, ok = ?, reason = ?, message = ? WHERE id = ?`
		args = []any{prev.RecordID, false, serialgate.ReasonDuplicate.String(), msg, id}
	}
	if _, err := tx.ExecContext(ctx, s.d.q(q), args...); err != nil {
		return Receipt{}, fmt.Errorf("mark duplicate: %w", err)
	}
	return Receipt{RecordID: id, Duplicate: prev}, nil
}

// writeEvent writes an event and a pending delivery to each sink that takes
// its manufacturer's events.
func (s *Store) writeEvent(ctx context.Context, tx *sql.Tx, e serialgate.Event, recordID int64, scanned time.Time) error {
	if e.Time.IsZero() {
		e.Time = scanned
	}
	if e.Body == nil {
		e.Body = []byte{}
	}
	var seq int64
	err := tx.QueryRowContext(ctx, s.d.q(`INSERT INTO events (id, type, version, manufacturer, at, body, record_id)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq`),
		e.ID, e.Type, e.Version, e.Manufacturer, s.d.t(e.Time), e.Body, recordID).Scan(&seq)
	if err != nil {
		return fmt.Errorf("write event %s: %w", e.ID, err)
	}
	_, err = tx.ExecContext(ctx, s.d.q(`INSERT INTO deliveries (event_seq, sink)
		SELECT ?, s.name FROM sinks s
		WHERE NOT EXISTS (SELECT 1 FROM sink_manufacturers m WHERE m.sink = s.name)
		   OR EXISTS (SELECT 1 FROM sink_manufacturers m WHERE m.sink = s.name AND m.manufacturer = ?)`),
		seq, e.Manufacturer)
	if err != nil {
		return fmt.Errorf("write deliveries of event %s: %w", e.ID, err)
	}
	return nil
}

// Seen returns the first pass of a serial, or nil when it never passed.
func (s *Store) Seen(ctx context.Context, model, serial string) (*Previous, error) {
	p, err := s.seen(ctx, s.r, model, serial)
	if err != nil {
		return nil, fmt.Errorf("look up serial %s: %w", serial, err)
	}
	return p, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) seen(ctx context.Context, q querier, model, serial string) (*Previous, error) {
	var p Previous
	err := q.QueryRowContext(ctx, s.d.q(`SELECT record_id, station, at FROM claims WHERE model = ? AND serial = ?`),
		model, serial).Scan(&p.RecordID, &p.Station, dbTime{&p.Time})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}
