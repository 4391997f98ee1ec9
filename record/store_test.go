package record

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/internal/pgtest"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The suite runs against each backend: a SQLite file in the test's
// temporary directory, and a fresh database on a PostgreSQL server
// (SERIALGATE_TEST_POSTGRES, or one the tests start and stop).
var backends = []struct {
	name string
	url  func(t testing.TB) string
}{
	{"sqlite", sqliteURL},
	{"postgres", postgresURL},
}

func sqliteURL(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "record.db")
}

// One PostgreSQL server serves the whole package's tests; each test gets
// a database of its own.
var pg struct {
	once sync.Once
	srv  *pgtest.Server
	err  error
}

func postgresURL(t testing.TB) string {
	t.Helper()
	pg.once.Do(func() { pg.srv, pg.err = pgtest.Start(context.Background()) })
	pgtest.Missing(t, pg.err)
	if pg.err != nil {
		t.Fatal(pg.err)
	}
	return pg.srv.DB(t)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if big.dir != "" {
		os.RemoveAll(big.dir)
	}
	if pg.srv != nil {
		if err := pg.srv.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "stop postgres:", err)
		}
	}
	os.Exit(code)
}

func eachBackend(t *testing.T, f func(t *testing.T, url string)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { f(t, b.url(t)) })
	}
}

func open(t testing.TB, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589_000_000, time.UTC)

func pass(station, serial string, at time.Time, events ...serialgate.Event) Scan {
	return Scan{Time: at, Station: station, Line: "L1", Source: "serial:/dev/ttyACM0", Serial: serial,
		Model: "M100", ASIN: "B000TEST01", OrderID: "order-1", OK: true, Events: events}
}

func event(id, manufacturer string) serialgate.Event {
	return serialgate.Event{ID: id, Type: "DeviceRegisteredNotification", Version: "2", Manufacturer: manufacturer,
		Time: t0, Body: []byte(`{"notificationId":"` + id + `"}`)}
}

func record(t testing.TB, s *Store, sc Scan, p Policy) Receipt {
	t.Helper()
	rc, err := s.Record(context.Background(), sc, p)
	if err != nil {
		t.Fatal(err)
	}
	return rc
}

func history(t testing.TB, s *Store, q Query) []Row {
	t.Helper()
	var rows []Row
	if err := s.History(context.Background(), q, func(r Row) error { rows = append(rows, r); return nil }); err != nil {
		t.Fatal(err)
	}
	return rows
}

func events(t testing.TB, s *Store, q Query) []EventState {
	t.Helper()
	var out []EventState
	if err := s.Events(context.Background(), q, func(e EventState) error { out = append(out, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDurable: what Record returned is there for another store on the same
// database, and after the store is closed and opened again.
func TestDurable(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		at := t0.Add(123456 * time.Nanosecond) // kept to the millisecond
		sc := pass("st-1", "SN0001", at, event("ev-1", "acme"))
		sc.Message = "operator note"
		rc := record(t, s, sc, Policy{})
		if rc.RecordID == 0 || rc.Duplicate != nil || rc.Same {
			t.Fatalf("receipt %+v, want a new record", rc)
		}
		want := Row{ID: rc.RecordID, Time: t0, Station: "st-1", Line: "L1", Source: "serial:/dev/ttyACM0", Serial: "SN0001",
			Model: "M100", ASIN: "B000TEST01", OrderID: "order-1", OK: true, Message: "operator note", EventIDs: []string{"ev-1"}}

		other := open(t, url) // a second station on the same database, before the first closes
		for i, st := range []*Store{other, nil} {
			if st == nil {
				s.Close()
				st = open(t, url)
			}
			p, err := st.Seen(ctx, "M100", "SN0001")
			if err != nil {
				t.Fatal(err)
			}
			if p == nil || *p != (Previous{RecordID: rc.RecordID, Station: "st-1", Time: t0}) {
				t.Errorf("%d: Seen = %+v, want record %d at st-1 at %v", i, p, rc.RecordID, t0)
			}
			rows := history(t, st, Query{})
			if len(rows) != 1 || !reflect.DeepEqual(rows[0], want) {
				t.Errorf("%d: History = %+v\nwant %+v", i, rows, want)
			}
		}
	})
}

// TestEventsFirstPassOnly: events and their deliveries are written with a
// first pass, and only with one; a failure writing them leaves no scan.
func TestEventsFirstPassOnly(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		if err := s.SetSinks(ctx, []Sink{{Name: "all"}, {Name: "acme-only", Manufacturers: []string{"acme"}}}); err != nil {
			t.Fatal(err)
		}
		first := record(t, s, pass("st-1", "SN1", t0, event("ev-acme", "acme"), event("ev-other", "other")), Policy{})
		dup := record(t, s, pass("st-2", "SN1", t0.Add(time.Minute), event("ev-dup", "acme")), Policy{Duplicate: Warn})
		failed := pass("st-1", "SN2", t0, event("ev-failed", "acme"))
		failed.OK, failed.Reason, failed.Message = false, serialgate.ReasonNoMatch, "does not match"
		rej := record(t, s, failed, Policy{})

		got := events(t, s, Query{})
		var summary []string
		for _, e := range got {
			var sinks []string
			for _, d := range e.Deliveries {
				sinks = append(sinks, d.Sink+":"+d.State)
			}
			summary = append(summary, fmt.Sprintf("%s@%d %s/%s %v", e.ID, e.RecordID, e.Model, e.Serial, sinks))
		}
		want := []string{
			fmt.Sprintf("ev-acme@%d M100/SN1 [acme-only:pending all:pending]", first.RecordID),
			fmt.Sprintf("ev-other@%d M100/SN1 [all:pending]", first.RecordID),
		}
		if !reflect.DeepEqual(summary, want) {
			t.Errorf("events:\n%q\nwant\n%q", summary, want)
		}
		if e := got[0]; e.Type != "DeviceRegisteredNotification" || e.Version != "2" || e.Manufacturer != "acme" || !e.Time.Equal(t0) {
			t.Errorf("event fields: %+v", e)
		}
		for _, r := range history(t, s, Query{}) {
			if r.ID != first.RecordID && len(r.EventIDs) > 0 {
				t.Errorf("record %d (dup %d, reject %d) has events %v", r.ID, dup.RecordID, rej.RecordID, r.EventIDs)
			}
		}

		// An event ID already used fails the whole transaction: no scan, no claim.
		before := len(history(t, s, Query{}))
		_, err := s.Record(ctx, pass("st-1", "SN3", t0, event("ev-new", "acme"), event("ev-acme", "acme")), Policy{})
		if err == nil || !strings.HasPrefix(err.Error(), "record scan: ") {
			t.Fatalf("Record with a used event ID: %v, want a record scan error", err)
		}
		if p, _ := s.Seen(ctx, "M100", "SN3"); p != nil {
			t.Errorf("failed Record left a claim: %+v", p)
		}
		if n := len(history(t, s, Query{})); n != before {
			t.Errorf("failed Record left %d rows, want %d", n, before)
		}
		if n := len(events(t, s, Query{})); n != 2 {
			t.Errorf("failed Record left events: %d, want 2", n)
		}
	})
}

// TestDuplicates: Reject and Warn, and the rescan window.
func TestDuplicates(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		first := record(t, s, pass("st-1", "SN1", t0), Policy{})
		prev := Previous{RecordID: first.RecordID, Station: "st-1", Time: t0}
		row := func(id int64) Row {
			t.Helper()
			rows := history(t, s, Query{AfterID: id - 1, Limit: 1})
			if len(rows) != 1 || rows[0].ID != id {
				t.Fatalf("no record %d: %+v", id, rows)
			}
			return rows[0]
		}
		count := func() int { return len(history(t, s, Query{})) }

		// Reject, from another station.
		rc := record(t, s, pass("st-2", "SN1", t0.Add(time.Second), event("ev-x", "acme")), Policy{Duplicate: Reject, Rescan: time.Hour})
		if rc.Same || rc.Duplicate == nil || *rc.Duplicate != prev || rc.RecordID == first.RecordID {
			t.Fatalf("reject: receipt %+v, want a new record, duplicate of %+v", rc, prev)
		}
		if r := row(rc.RecordID); r.OK || r.Reason != serialgate.ReasonDuplicate || r.DuplicateOf != first.RecordID || r.Message == "" || len(r.EventIDs) != 0 {
			t.Errorf("reject: row %+v", r)
		}

		// Warn: a pass pointing at the first.
		rc = record(t, s, pass("st-2", "SN1", t0.Add(2*time.Second)), Policy{Duplicate: Warn})
		if rc.Duplicate == nil || *rc.Duplicate != prev {
			t.Fatalf("warn: receipt %+v", rc)
		}
		if r := row(rc.RecordID); !r.OK || r.Reason != serialgate.ReasonNone || r.DuplicateOf != first.RecordID {
			t.Errorf("warn: row %+v", r)
		}

		// The same label again on the first station, within the window
		// (its edge included): nothing written.
		n := count()
		for _, d := range []time.Duration{time.Second, 5 * time.Second} {
			rc = record(t, s, pass("st-1", "SN1", t0.Add(d)), Policy{Rescan: 5 * time.Second})
			if !rc.Same || rc.RecordID != first.RecordID || rc.Duplicate != nil {
				t.Errorf("rescan after %v: receipt %+v, want Same as record %d", d, rc, first.RecordID)
			}
		}
		if got := count(); got != n {
			t.Errorf("rescans wrote %d records", got-n)
		}
		// Past the window, or with no window: a duplicate.
		rc = record(t, s, pass("st-1", "SN1", t0.Add(5*time.Second+time.Millisecond)), Policy{Rescan: 5 * time.Second})
		if rc.Same || rc.Duplicate == nil {
			t.Errorf("past the window: receipt %+v, want a duplicate", rc)
		}
		late := t0.Add(5*time.Second + time.Millisecond)
		// The window runs from the latest scan on the station, that duplicate.
		rc = record(t, s, pass("st-1", "SN1", late.Add(4*time.Second)), Policy{Rescan: 5 * time.Second})
		if !rc.Same || rc.RecordID != first.RecordID {
			t.Errorf("within the window of the latest scan: receipt %+v, want Same", rc)
		}
		rc = record(t, s, pass("st-1", "SN1", late.Add(time.Second)), Policy{})
		if rc.Same || rc.Duplicate == nil {
			t.Errorf("no window: receipt %+v, want a duplicate", rc)
		}
		// Another station is never a rescan.
		rc = record(t, s, pass("st-3", "SN1", t0), Policy{Rescan: time.Hour})
		if rc.Same || rc.Duplicate == nil {
			t.Errorf("another station: receipt %+v, want a duplicate", rc)
		}

		// A failed scan of a passed serial is recorded as it is.
		f := pass("st-2", "SN1", t0)
		f.OK, f.Reason, f.Message = false, serialgate.ReasonWrongModel, "wrong model"
		rc = record(t, s, f, Policy{})
		if rc.Duplicate != nil || rc.Same {
			t.Errorf("failed scan: receipt %+v", rc)
		}
		if r := row(rc.RecordID); r.OK || r.Reason != serialgate.ReasonWrongModel || r.Message != "wrong model" || r.DuplicateOf != 0 {
			t.Errorf("failed scan: row %+v", r)
		}

		// The same serial of another model is another device.
		rc = record(t, s, Scan{Time: t0, Station: "st-1", Serial: "SN1", Model: "M200", OK: true}, Policy{})
		if rc.Duplicate != nil {
			t.Errorf("another model: receipt %+v, want a first pass", rc)
		}
		if p, err := s.Seen(ctx, "M100", "SN1"); err != nil || p == nil || *p != prev {
			t.Errorf("Seen = %+v, %v; want %+v", p, err, prev)
		}
		if p, err := s.Seen(ctx, "M100", "never"); err != nil || p != nil {
			t.Errorf("Seen of an unknown serial = %+v, %v", p, err)
		}
	})
}

// TestConcurrentClaim: four stores pass the same serial at once; exactly
// one wins. They open at once too, racing to migrate a new database.
func TestConcurrentClaim(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		const n = 4
		stores := make([]*Store, n)
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				stores[i], errs[i] = Open(context.Background(), url)
			}()
		}
		wg.Wait()
		for i, s := range stores {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			t.Cleanup(func() { s.Close() })
		}
		for round := range 3 {
			serial := fmt.Sprintf("SN-%d", round)
			start := make(chan struct{})
			receipts := make([]Receipt, n)
			for i, s := range stores {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					sc := pass(fmt.Sprintf("st-%d", i), serial, t0, event(fmt.Sprintf("ev-%d-%d", round, i), "acme"))
					receipts[i], errs[i] = s.Record(context.Background(), sc, Policy{Rescan: time.Hour})
				}()
			}
			close(start)
			wg.Wait()
			var winners []int64
			for i, rc := range receipts {
				if errs[i] != nil {
					t.Fatal(errs[i])
				}
				if rc.Duplicate == nil {
					winners = append(winners, rc.RecordID)
				}
			}
			if len(winners) != 1 {
				t.Fatalf("round %d: %d winners %v, want 1: %+v", round, len(winners), winners, receipts)
			}
			for _, rc := range receipts {
				if rc.Duplicate != nil && rc.Duplicate.RecordID != winners[0] {
					t.Errorf("round %d: duplicate of %d, want %d", round, rc.Duplicate.RecordID, winners[0])
				}
			}
			evs := events(t, stores[0], Query{AfterID: winners[0] - 1, Limit: 10})
			if len(evs) != 1 || evs[0].RecordID != winners[0] {
				t.Errorf("round %d: events %+v, want one of record %d", round, evs, winners[0])
			}
		}
	})
}

// TestMigrations: opening again applies nothing; a schema newer than the
// binary is refused.
func TestMigrations(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		ctx := context.Background()
		ms, err := migrations(open(t, url).Kind())
		if err != nil {
			t.Fatal(err)
		}
		s := open(t, url)
		record(t, s, pass("st-1", "SN1", t0), Policy{})
		var n, max int
		if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*), MAX(version) FROM schema_migrations").Scan(&n, &max); err != nil {
			t.Fatal(err)
		}
		if n != len(ms) || max != len(ms) {
			t.Errorf("schema_migrations: %d rows up to %d, want %d", n, max, len(ms))
		}
		if len(history(t, s, Query{})) != 1 {
			t.Error("reopening lost a record")
		}

		if _, err := s.w.ExecContext(ctx, s.d.q("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"), 999, s.d.t(t0)); err != nil {
			t.Fatal(err)
		}
		_, err = Open(ctx, url)
		if err == nil || !strings.Contains(err.Error(), "schema version 999 is newer") {
			t.Errorf("Open of a newer schema: %v", err)
		}
	})
}

func TestMigrationFiles(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		ms, err := migrations(kind)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 || ms[0].version != 1 {
			t.Errorf("%s: migrations %+v", kind, ms)
		}
	}
	// Both backends know the same versions.
	a, _ := migrations("sqlite")
	b, _ := migrations("postgres")
	if len(a) != len(b) {
		t.Errorf("sqlite has %d migrations, postgres %d", len(a), len(b))
	}
}

// TestCheck: a sound store passes; a damaged SQLite file does not.
func TestCheck(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s := open(t, url)
		if err := s.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("sqlite damaged", func(t *testing.T) {
		ctx := context.Background()
		path := filepath.Join(t.TempDir(), "bad.db")
		s := open(t, "sqlite:"+path)
		for i := range 500 {
			record(t, s, pass("st-1", fmt.Sprintf("SN%05d", i), t0), Policy{})
		}
		if _, err := s.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			t.Fatal(err)
		}
		s.Close()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// Overwrite the last pages, index pages of the scans, with junk
		// that keeps their page headers' type byte plausible.
		for i := len(b) - 3*4096; i < len(b); i++ {
			if i%4096 != 0 {
				b[i] = byte(i * 7)
			}
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err = Open(ctx, "sqlite:"+path)
		if err != nil {
			t.Logf("Open refused the damaged file: %v", err)
			return // as good as a failed check
		}
		defer s.Close()
		if err := s.Check(ctx); err == nil {
			t.Error("Check passed a damaged file")
		}
	})
}

// TestDiskFull: a full disk fails Record with an error that says so.
func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	s := open(t, sqliteURL(t))
	var pages int
	if err := s.w.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages+2)); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 3000)
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		sc := pass("st-1", fmt.Sprintf("SN%d", i), t0)
		sc.Message = big
		_, err = s.Record(ctx, sc, Policy{})
	}
	if err == nil {
		t.Fatal("Record never failed on a full store")
	}
	var se *sqlite.Error
	if !strings.HasPrefix(err.Error(), "record scan: ") || !strings.Contains(err.Error(), "database or disk is full") ||
		!errors.As(err, &se) || se.Code() != sqlite3.SQLITE_FULL {
		t.Errorf("error %q (%T), want record scan: ... database or disk is full, with the sqlite error in the chain", err, errors.Unwrap(err))
	}
}

// TestClose: Close is idempotent.
func TestClose(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		s, err := Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if _, err := s.Record(context.Background(), pass("st-1", "SN1", t0), Policy{}); err == nil {
			t.Error("Record on a closed store succeeded")
		}
	})
}
