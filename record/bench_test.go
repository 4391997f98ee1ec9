package record

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serialgate/serialgate"
)

func benchRecord(b *testing.B, url string) {
	ctx := context.Background()
	s := open(b, url)
	if err := s.SetSinks(ctx, []Sink{{Name: "sns"}}); err != nil {
		b.Fatal(err)
	}
	body := make([]byte, 600) // about a DRS notification's size
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ev := serialgate.Event{ID: fmt.Sprintf("ev-%d", i), Type: "DeviceRegisteredNotification", Version: "2", Manufacturer: "acme", Body: body}
		if _, err := s.Record(ctx, pass("st-1", fmt.Sprintf("SN%09d", i), t0.Add(time.Duration(i)*time.Millisecond), ev), Policy{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordSQLite: one first pass with its event and delivery per
// op, committed with synchronous=FULL (an fsync of the WAL per op).
func BenchmarkRecordSQLite(b *testing.B) { benchRecord(b, sqliteURL(b)) }

// BenchmarkRecordPostgres: the same on a PostgreSQL server.
func BenchmarkRecordPostgres(b *testing.B) { benchRecord(b, postgresURL(b)) }

// The million-record SQLite store BenchmarkSeen and BenchmarkHistory share,
// built once per test binary.
const bigN = 1_000_000

var big struct {
	once sync.Once
	dir  string
	url  string
	err  error
	took time.Duration
}

func bigStore(b *testing.B) *Store {
	b.StopTimer()
	defer b.StartTimer()
	big.once.Do(func() {
		start := time.Now()
		big.dir, big.err = os.MkdirTemp("", "record-bench-")
		if big.err != nil {
			return
		}
		big.url = "sqlite:" + filepath.Join(big.dir, "big.db")
		big.err = buildBig(big.url)
		big.took = time.Since(start)
	})
	if big.err != nil {
		b.Fatal(big.err)
	}
	b.Logf("%d-record store built in %v", bigN, big.took.Round(time.Millisecond))
	return open(b, big.url)
}

// buildBig fills a new store with bigN passes, one a second over eight
// stations and two lines, and an event for every tenth, in SQLite itself:
// a recursive CTE writes the rows without a round trip per row.
func buildBig(url string) error {
	ctx := context.Background()
	s, err := Open(ctx, url) // the schema
	if err != nil {
		return err
	}
	s.Close()
	// Then the rows, with no journal, sync or WAL in the way: a failed
	// build is thrown away.
	db, err := sql.Open("sqlite", strings.TrimPrefix(url, "sqlite:"))
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, p := range []string{"PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF", "PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -262144"} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return err
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Building the scans' indexes after the rows is faster than keeping
	// them up to date row by row.
	var indexes []string
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'scans' AND sql IS NOT NULL`)
	if err != nil {
		return err
	}
	var drops []string
	for rows.Next() {
		var name, sql string
		if err := rows.Scan(&name, &sql); err != nil {
			return err
		}
		drops = append(drops, "DROP INDEX "+name)
		indexes = append(indexes, sql)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, q := range drops {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	for _, st := range []struct {
		q    string
		args []any
	}{
		{`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO scans (id, at, station, line, source, serial, model, asin, order_id, ok, reason, message)
		SELECT i, ? + i * 1000, 'st-' || (i % 8), 'L' || (i % 2), 'serial:/dev/ttyACM0', printf('SN%09d', i), 'M100', 'B000TEST01', 'order-' || (i / 50), 1, '', '' FROM n`, []any{bigN, t0.UnixMilli()}},
		{`INSERT INTO claims (model, serial, record_id, station, at) SELECT model, serial, id, station, at FROM scans ORDER BY model, serial`, nil},
		{`INSERT INTO events (id, type, version, manufacturer, at, body, record_id)
		SELECT 'ev-' || id, 'DeviceRegisteredNotification', '2', 'acme', at, zeroblob(600), id FROM scans WHERE id % 10 = 0`, nil},
	} {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("build store: %w", err)
		}
	}
	for _, q := range indexes {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("build store: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "PRAGMA journal_mode = WAL")
	return err
}

// BenchmarkSeen: the duplicate check's lookup among a million passes.
func BenchmarkSeen(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	b.Run("hit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p, err := s.Seen(ctx, "M100", fmt.Sprintf("SN%09d", 1+rng.IntN(bigN)))
			if err != nil || p == nil {
				b.Fatal(p, err)
			}
		}
	})
	b.Run("miss", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p, err := s.Seen(ctx, "M100", fmt.Sprintf("XX%09d", rng.IntN(bigN)))
			if err != nil || p != nil {
				b.Fatal(p, err)
			}
		}
	})
	// A duplicate on a million-record store: the claim conflict, the rescan
	// lookup and the duplicate row, committed.
	b.Run("record-duplicate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rc, err := s.Record(ctx, pass("st-9", fmt.Sprintf("SN%09d", 1+rng.IntN(bigN)), t0, event(fmt.Sprintf("dup-%d", rng.Uint64()), "acme")), Policy{Rescan: time.Second})
			if err != nil || rc.Duplicate == nil {
				b.Fatal(rc, err)
			}
		}
	})
}

// BenchmarkHistory: reading pages of a million-record store.
func BenchmarkHistory(b *testing.B) {
	s := bigStore(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	run := func(b *testing.B, q func() Query) {
		b.ReportAllocs()
		rows := 0
		for b.Loop() {
			if err := s.History(ctx, q(), func(Row) error { rows++; return nil }); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(rows)/float64(b.N), "rows/op")
	}
	b.Run("page", func(b *testing.B) {
		run(b, func() Query { return Query{AfterID: int64(rng.IntN(bigN - 1000)), Limit: 1000} })
	})
	b.Run("station-hour", func(b *testing.B) {
		run(b, func() Query {
			since := t0.Add(time.Duration(rng.IntN(bigN-3600)) * time.Second)
			return Query{Station: "st-3", Since: since, Until: since.Add(time.Hour)}
		})
	})
	b.Run("line-page", func(b *testing.B) {
		run(b, func() Query { return Query{Line: "L1", AfterID: int64(rng.IntN(bigN - 2000)), Limit: 1000} })
	})
}
