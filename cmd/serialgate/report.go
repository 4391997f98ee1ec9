//go:build !decodeonly

package main

import (
	"fmt"
	"time"

	"github.com/serialgate/serialgate/record"
	"github.com/serialgate/serialgate/report"
)

func runReport(e *env, args []string) int {
	fl := newFlags(e, "report", "",
		"Writes the packaging line's report from the record: totals and pass rate,\n"+
			"rejects by reason, scans per model and ASIN, scans per hour as a chart,\n"+
			"duplicates with the stations that scanned them, and events not yet delivered.\n"+
			"The HTML report is one file, no scripts, that prints on paper as it reads on\n"+
			"screen. The record is read as a stream: memory does not grow with the scans.\n"+
			"Exits 0 on success, 2 on usage or store errors.")
	store := fl.String("store", "sqlite:serialgate.db", "the record: sqlite:PATH or postgres://…")
	line := fl.String("line", "", "only this packaging line")
	station := fl.String("station", "", "only this station")
	since := fl.String("since", "", "from this time (RFC 3339, a date, or a duration back from now such as 8h)")
	until := fl.String("until", "", "up to this time")
	format := fl.String("format", "html", "html, csv or json")
	title := fl.String("title", "", "the report's title (default: names the line and station)")
	if code, ok := parse(fl, args, nil); !ok {
		return code
	}
	switch *format {
	case "html", "csv", "json":
	default:
		fmt.Fprintf(e.stderr, "serialgate report: unknown --format %q (want html, csv or json)\n", *format)
		return exitUsage
	}
	now := time.Now()
	q := record.Query{Line: *line, Station: *station}
	var err error
	if q.Since, err = parseWhen(*since, now); err != nil {
		fmt.Fprintln(e.stderr, "serialgate report: --since:", err)
		return exitUsage
	}
	if q.Until, err = parseWhen(*until, now); err != nil {
		fmt.Fprintln(e.stderr, "serialgate report: --until:", err)
		return exitUsage
	}
	st, err := record.Open(e.ctx, *store)
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate report:", err)
		return exitUsage
	}
	defer st.Close()
	s, err := shiftReport(e, st, q)
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate report:", err)
		return exitUsage
	}
	s.Title, s.Generated = *title, now
	if err := report.WriteShift(e.stdout, *format, s); err != nil {
		fmt.Fprintln(e.stderr, "serialgate report:", err)
		return exitUsage
	}
	return exitOK
}

// shiftReport reads the record q selects into a shift report: the scans
// as a stream, then where each listed duplicate first passed, then the
// sinks' backlog and the events of those scans still undelivered.
func shiftReport(e *env, st *record.Store, q record.Query) (*report.Shift, error) {
	s := &report.Shift{Store: st.String(), Line: q.Line, Station: q.Station, Since: q.Since, Until: q.Until}
	err := st.History(e.ctx, q, func(r record.Row) error {
		s.Add(report.Scan{ID: r.ID, Time: r.Time, Station: r.Station, Line: r.Line, Serial: r.Serial, Model: r.Model,
			ASIN: r.ASIN, OK: r.OK, Reason: r.Reason, DuplicateOf: r.DuplicateOf})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range s.Duplicates {
		d := &s.Duplicates[i]
		prev, err := st.Seen(e.ctx, d.Model, d.Serial)
		if err != nil {
			return nil, err
		}
		if prev != nil {
			d.FirstID, d.FirstStation, d.FirstTime = prev.RecordID, prev.Station, prev.Time
		}
	}
	sinks, err := st.Backlog(e.ctx)
	if err != nil {
		return nil, err
	}
	for _, k := range sinks {
		s.Sinks = append(s.Sinks, report.Sink{Name: k.Sink, Pending: k.Pending, Oldest: k.Oldest, Sent: k.Sent,
			LastError: k.LastError, LastErrorAt: k.LastErrorAt})
	}
	err = st.Events(e.ctx, q, func(ev record.EventState) error {
		for _, d := range ev.Deliveries {
			if d.State != "sent" {
				s.AddUndelivered(report.Undelivered{EventID: ev.ID, Type: ev.Type, Time: ev.Time, Serial: ev.Serial, Model: ev.Model,
					Sink: d.Sink, State: d.State, Attempts: d.Attempts, LastError: d.LastError})
			}
		}
		return nil
	})
	return s, err
}
