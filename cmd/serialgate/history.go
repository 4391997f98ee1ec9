//go:build !decodeonly

package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/record"
	"github.com/serialgate/serialgate/report"
)

// parseWhen reads a --since/--until value: an RFC 3339 time, a date, or a
// duration back from now ("8h").
func parseWhen(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time (want 2026-12-01T08:00:00Z, 2026-12-01, or a duration back from now like 8h)", s)
}

// queryFlags makes the flags history and events share.
func queryFlags(e *env, name, doc string) (*flag.FlagSet, *queryOpts) {
	fl := newFlags(e, name, "", doc)
	q := &queryOpts{}
	fl.StringVar(&q.store, "store", "sqlite:serialgate.db", "the record: sqlite:PATH or postgres://…")
	fl.StringVar(&q.since, "since", "", "from this time (RFC 3339, a date, or a duration back from now such as 8h)")
	fl.StringVar(&q.until, "until", "", "up to this time")
	fl.StringVar(&q.station, "station", "", "only this station")
	fl.StringVar(&q.line, "line", "", "only this line")
	fl.IntVar(&q.limit, "limit", 0, "at most this many (0: all)")
	fl.StringVar(&q.format, "format", "text", "text, jsonl or csv")
	return fl, q
}

type queryOpts struct {
	store, since, until, station, line string
	format                             string
	limit                              int
	pending                            bool
	query                              record.Query
}

func (q *queryOpts) build(now time.Time) error {
	var err error
	if q.query.Since, err = parseWhen(q.since, now); err != nil {
		return fmt.Errorf("--since: %w", err)
	}
	if q.query.Until, err = parseWhen(q.until, now); err != nil {
		return fmt.Errorf("--until: %w", err)
	}
	if q.limit < 0 {
		return fmt.Errorf("--limit: %d is negative", q.limit)
	}
	switch q.format {
	case "text", "jsonl", "csv":
	default:
		return fmt.Errorf("unknown --format %q (want text, jsonl or csv)", q.format)
	}
	q.query.Station, q.query.Line, q.query.Limit = q.station, q.line, q.limit
	return nil
}

// historyRow is a record row as history prints it.
type historyRow struct {
	ID          int64     `json:"record_id"`
	Time        time.Time `json:"time"`
	Station     string    `json:"station"`
	Line        string    `json:"line,omitempty"`
	Source      string    `json:"source,omitempty"`
	Serial      string    `json:"serial"`
	Model       string    `json:"model,omitempty"`
	ASIN        string    `json:"asin,omitempty"`
	OrderID     string    `json:"order_id,omitempty"`
	OK          bool      `json:"ok"`
	Code        string    `json:"reason_code"`
	Reason      string    `json:"reason,omitempty"`
	DuplicateOf int64     `json:"duplicate_of,omitempty"`
	EventIDs    []string  `json:"event_ids,omitempty"`
}

var historyColumns = []string{"record_id", "time", "station", "line", "source", "serial", "model", "asin", "order_id", "ok", "reason_code", "reason", "duplicate_of", "event_ids"}

func runHistory(e *env, args []string) int {
	fs, q := queryFlags(e, "history", "Prints the record of scans, oldest first, streaming: every verdict with its\nreason code, record id and event ids.")
	if code, ok := parse(fs, args, nil); !ok {
		return code
	}
	if err := q.build(time.Now()); err != nil {
		fmt.Fprintln(e.stderr, "serialgate history:", err)
		return exitUsage
	}
	st, err := record.Open(e.ctx, q.store)
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate history:", err)
		return exitUsage
	}
	defer st.Close()
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	defer w.Flush()
	cw := csv.NewWriter(w)
	if q.format == "csv" {
		cw.Write(historyColumns)
	}
	enc := json.NewEncoder(w)
	err = st.History(e.ctx, q.query, func(r record.Row) error {
		h := historyRow{ID: r.ID, Time: r.Time.UTC(), Station: r.Station, Line: r.Line, Source: r.Source, Serial: r.Serial, Model: r.Model,
			ASIN: r.ASIN, OrderID: r.OrderID, OK: r.OK, Code: r.Reason.String(), Reason: r.Message, DuplicateOf: r.DuplicateOf, EventIDs: r.EventIDs}
		switch q.format {
		case "jsonl":
			return enc.Encode(h)
		case "csv":
			dup := ""
			if h.DuplicateOf != 0 {
				dup = strconv.FormatInt(h.DuplicateOf, 10)
			}
			cw.Write([]string{strconv.FormatInt(h.ID, 10), h.Time.Format(time.RFC3339Nano), h.Station, h.Line, h.Source, report.Cell(h.Serial), h.Model, h.ASIN,
				h.OrderID, strconv.FormatBool(h.OK), h.Code, report.Cell(h.Reason), dup, strings.Join(h.EventIDs, " ")})
			cw.Flush()
			return cw.Error()
		}
		word := "PASS"
		if !h.OK {
			word = "REJECT"
		}
		_, err := fmt.Fprintf(w, "%8d  %s  %-10s %-6s %-24s %-20s %s\n", h.ID, h.Time.Local().Format("2006-01-02 15:04:05.000"), h.Station, word,
			serialgate.Shown(h.Serial), h.Model, serialgate.Shown(h.Reason))
		return err
	})
	if err != nil {
		w.Flush()
		fmt.Fprintln(e.stderr, "serialgate history:", err)
		return exitUsage
	}
	return exitOK
}

func runEvents(e *env, args []string) int {
	fs, q := queryFlags(e, "events", "Prints the outbox: each event with its delivery state per sink\n(pending, sent, failed), attempts and last error.")
	fs.BoolVar(&q.pending, "pending", false, "only events not yet delivered to every sink")
	if code, ok := parse(fs, args, nil); !ok {
		return code
	}
	if err := q.build(time.Now()); err != nil {
		fmt.Fprintln(e.stderr, "serialgate events:", err)
		return exitUsage
	}
	st, err := record.Open(e.ctx, q.store)
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate events:", err)
		return exitUsage
	}
	defer st.Close()
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	defer w.Flush()
	cw := csv.NewWriter(w)
	if q.format == "csv" {
		cw.Write([]string{"event_id", "type", "version", "manufacturer", "time", "record_id", "serial", "model", "sink", "state", "attempts", "last_error", "sent_at", "next_at"})
	}
	enc := json.NewEncoder(w)
	err = st.Events(e.ctx, q.query, func(ev record.EventState) error {
		if q.pending {
			done := len(ev.Deliveries) > 0
			for _, d := range ev.Deliveries {
				done = done && d.State == "sent"
			}
			if done {
				return nil
			}
		}
		switch q.format {
		case "jsonl":
			return enc.Encode(eventJSON(ev))
		case "csv":
			if len(ev.Deliveries) == 0 {
				cw.Write([]string{ev.ID, ev.Type, ev.Version, ev.Manufacturer, ev.Time.UTC().Format(time.RFC3339Nano), strconv.FormatInt(ev.RecordID, 10),
					report.Cell(ev.Serial), ev.Model, "", "no sink", "", "", "", ""})
			}
			for _, d := range ev.Deliveries {
				cw.Write([]string{ev.ID, ev.Type, ev.Version, ev.Manufacturer, ev.Time.UTC().Format(time.RFC3339Nano), strconv.FormatInt(ev.RecordID, 10),
					report.Cell(ev.Serial), ev.Model, d.Sink, d.State, strconv.Itoa(d.Attempts), report.Cell(d.LastError), timeCell(d.SentAt), timeCell(d.NextAt)})
			}
			cw.Flush()
			return cw.Error()
		}
		fmt.Fprintf(w, "%s  %s  %s  %s %s\n", ev.ID, ev.Time.Local().Format("2006-01-02 15:04:05.000"), ev.Type, serialgate.Shown(ev.Serial), ev.Model)
		if len(ev.Deliveries) == 0 {
			fmt.Fprintln(w, "    (no sink routes this manufacturer)")
		}
		for _, d := range ev.Deliveries {
			fmt.Fprintf(w, "    %-16s %-8s attempts %d", d.Sink, d.State, d.Attempts)
			if d.LastError != "" {
				fmt.Fprintf(w, "  last error: %s", serialgate.Shown(d.LastError))
			}
			fmt.Fprintln(w)
		}
		return nil
	})
	if err != nil {
		w.Flush()
		fmt.Fprintln(e.stderr, "serialgate events:", err)
		return exitUsage
	}
	return exitOK
}

func timeCell(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

type eventDeliveryJSON struct {
	Sink      string    `json:"sink"`
	State     string    `json:"state"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	SentAt    time.Time `json:"sent_at,omitzero"`
	NextAt    time.Time `json:"next_at,omitzero"`
}

func eventJSON(ev record.EventState) any {
	out := struct {
		ID           string              `json:"event_id"`
		Type         string              `json:"type"`
		Version      string              `json:"version"`
		Manufacturer string              `json:"manufacturer"`
		Time         time.Time           `json:"time"`
		RecordID     int64               `json:"record_id"`
		Serial       string              `json:"serial"`
		Model        string              `json:"model"`
		Deliveries   []eventDeliveryJSON `json:"deliveries"`
	}{ev.ID, ev.Type, ev.Version, ev.Manufacturer, ev.Time.UTC(), ev.RecordID, ev.Serial, ev.Model, []eventDeliveryJSON{}}
	for _, d := range ev.Deliveries {
		out.Deliveries = append(out.Deliveries, eventDeliveryJSON{d.Sink, d.State, d.Attempts, d.LastError, d.SentAt.UTC(), d.NextAt.UTC()})
	}
	return out
}
