// Package record is the station's durable store: every scan it judged, the
// first pass of each serial, and the outbox of events to deliver, written
// together in one transaction. It keeps them in a SQLite file (the embedded
// default) or in a PostgreSQL database that several stations share.
package record

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go
	sqlite3 "modernc.org/sqlite/lib"
)

// Store is an open record store. Its methods may be called from several
// goroutines at once.
type Store struct {
	d       dialect
	target  target
	w       *sql.DB // writes; SQLite: a single connection
	r       *sql.DB // reads; the same as w on PostgreSQL
	now     func() time.Time
	closeMu sync.Mutex
	closed  bool
}

// Open opens the store a URL names, creating or upgrading its schema:
// "sqlite:PATH" (or "sqlite://PATH") for a SQLite file, created if missing,
// or "postgres://..." ("postgresql://...") for a PostgreSQL database.
func Open(ctx context.Context, url string) (*Store, error) {
	t, err := parseURL(url)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	s := &Store{target: t, d: dialect{postgres: t.kind == "postgres"}, now: time.Now}
	if err := s.open(ctx); err != nil {
		s.Close()
		return nil, &secretError{err: fmt.Errorf("open store %s: %w", t.display, err), secret: t.password}
	}
	return s, nil
}

func (s *Store) open(ctx context.Context) error {
	switch s.target.kind {
	case "sqlite":
		dsn, err := sqliteDSN(s.target.path, true)
		if err != nil {
			return err
		}
		if s.w, err = sql.Open("sqlite", dsn); err != nil {
			return err
		}
		// One writer connection: SQLite takes one writer at a time anyway,
		// and queueing in database/sql is cheaper than retrying on SQLITE_BUSY.
		s.w.SetMaxOpenConns(1)
		s.w.SetConnMaxIdleTime(0)
		if err := pingSQLite(ctx, s.w); err != nil {
			return err
		}
		if err := s.migrate(ctx); err != nil {
			return err
		}
		if dsn, err = sqliteDSN(s.target.path, false); err != nil {
			return err
		}
		if s.r, err = sql.Open("sqlite", dsn); err != nil {
			return err
		}
		s.r.SetMaxOpenConns(4)
		return s.r.PingContext(ctx)
	case "postgres":
		cfg, err := pgx.ParseConfig(s.target.conn)
		if err != nil {
			return err
		}
		s.w = stdlib.OpenDB(*cfg)
		s.w.SetMaxOpenConns(8)
		s.w.SetConnMaxIdleTime(5 * time.Minute)
		s.r = s.w
		if err := s.w.PingContext(ctx); err != nil {
			return err
		}
		return s.migrate(ctx)
	}
	return fmt.Errorf("unknown store kind %q", s.target.kind)
}

// pingSQLite opens the writer's connection. Switching a new file to WAL
// needs the database to itself, and SQLite answers SQLITE_BUSY at once
// (without its busy handler) when another store opens the same new file at
// the same moment; such a connection is thrown away and tried again, for as
// long as busy_timeout would have waited.
func pingSQLite(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(10 * time.Second)
	wait := 5 * time.Millisecond
	for {
		err := db.PingContext(ctx)
		var se *sqlite.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// Close closes the store. Closing it again does nothing.
func (s *Store) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var errs []error
	if s.r != nil && s.r != s.w {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close store %s: %w", s.target.display, err)
	}
	return nil
}

// Kind is "sqlite" or "postgres".
func (s *Store) Kind() string { return s.target.kind }

// String is the store's URL without its password, for logs.
func (s *Store) String() string { return s.target.display }

// Check tells whether the store is sound: SQLite's integrity check must
// pass; a PostgreSQL server must answer.
func (s *Store) Check(ctx context.Context) error {
	if s.d.postgres {
		var one int
		if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
			return fmt.Errorf("check store %s: %w", s, err)
		}
		return nil
	}
	rows, err := s.r.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("check store %s: %w", s, err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("check store %s: %w", s, err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check store %s: %w", s, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("check store %s: integrity check failed: %s", s, strings.Join(problems, "; "))
	}
	return nil
}

//go:embed migrations
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists the schema versions of a backend in order.
func migrations(kind string) ([]migration, error) {
	dir := path.Join("migrations", kind)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, _ := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with its version, as in 0001_init.sql", e.Name())
		}
		b, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: want version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// migrate brings the schema up to the newest version this binary knows, in
// one transaction. On PostgreSQL an advisory lock makes stations starting
// together take turns; on SQLite the immediate transaction does.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations(s.target.kind)
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	defer tx.Rollback()
	if s.d.postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", lockMigrate); err != nil {
			return fmt.Errorf("migrate schema: lock: %w", err)
		}
	}
	create := "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"
	if s.d.postgres {
		create = "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)"
	}
	if _, err := tx.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&have); err != nil {
		return fmt.Errorf("migrate schema: read version: %w", err)
	}
	if have > len(ms) {
		return fmt.Errorf("schema version %d is newer than this serialgate knows (%d): run a newer serialgate", have, len(ms))
	}
	for _, m := range ms[have:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migrate schema: %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, s.d.q("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"), m.version, s.d.t(s.now())); err != nil {
			return fmt.Errorf("migrate schema: %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	return nil
}

// Advisory lock keys of this package on PostgreSQL.
const (
	lockMigrate = 0x5e41a1_01 // schema migrations
	lockSinks   = 0x5e41a1_02 // SetSinks
)

// secretError hides a secret from an error's text and keeps the error it
// wraps in the chain, for errors.Is and errors.As.
type secretError struct {
	err    error
	secret string
}

func (e *secretError) Error() string { return scrub(e.err.Error(), e.secret) }
func (e *secretError) Unwrap() error { return e.err }

// tx runs fn in a write transaction and commits it.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
