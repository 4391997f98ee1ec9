package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"net"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

func open(t *testing.T, u string) *sql.DB {
	t.Helper()
	cfg, err := pgx.ParseConfig(u)
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDB(*cfg)
	t.Cleanup(func() { db.Close() })
	return db
}

// TestServer starts a server, makes two databases on it, checks that it
// asks for the password, and that Close stops it and removes its files.
func TestServer(t *testing.T) {
	ctx := context.Background()
	s, err := Start(ctx)
	Missing(t, err)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dir, host := s.dir, ""
	if u, err := url.Parse(s.URL); err == nil {
		host = u.Host
	}

	name, u1, err := s.CreateDB(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, u2, err := s.CreateDB(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if u1 == u2 {
		t.Fatalf("two databases share the URL %s", u1)
	}
	db := open(t, u1)
	var got string
	if err := db.QueryRowContext(ctx, "SELECT current_database()").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != name {
		t.Errorf("connected to database %q, want %q", got, name)
	}
	db.Close()

	if dir != "" { // a throwaway server: it wants the password it was given
		bad, _ := url.Parse(u1)
		bad.User = url.UserPassword("postgres", "wrong")
		if err := open(t, bad.String()).PingContext(ctx); err == nil {
			t.Error("connected with a wrong password")
		}
	}

	if err := s.DropDB(ctx, name); err != nil {
		t.Fatal(err)
	}
	if err := open(t, u1).PingContext(ctx); err == nil {
		t.Error("connected to a dropped database")
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if dir == "" {
		return
	}
	if c, err := net.DialTimeout("tcp", host, time.Second); err == nil {
		c.Close()
		t.Errorf("server still listens on %s after Close", host)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("server directory %s left after Close (%v)", dir, err)
	}
}

// TestNew: the one-call form gives a working database.
func TestNew(t *testing.T) {
	u := New(t)
	if err := open(t, u).PingContext(context.Background()); err != nil {
		t.Fatal(err)
	}
}
