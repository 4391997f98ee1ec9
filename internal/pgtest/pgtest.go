// Package pgtest gives tests a PostgreSQL database: on the server that
// SERIALGATE_TEST_POSTGRES names, or else on a throwaway server it starts
// from the installed PostgreSQL binaries in a temporary directory and
// removes afterwards.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/serialgate/serialgate/internal/testenv"
)

// EnvURL names the environment variable that points the tests at an
// existing server: a URL whose user may create databases.
const EnvURL = "SERIALGATE_TEST_POSTGRES"

// ErrNotInstalled is returned by Start when no PostgreSQL server binaries
// are installed (Debian package postgresql).
var ErrNotInstalled = errors.New("PostgreSQL server binaries (initdb, postgres) not found under /usr/lib/postgresql/*/bin")

// Server is a PostgreSQL server for tests.
type Server struct {
	// URL connects as a superuser to the server's postgres database. It
	// carries a password: the throwaway server asks for one on TCP.
	URL string

	admin *sql.DB
	dir   string    // the throwaway server's directory, removed by Close
	proc  *exec.Cmd // the throwaway server's postgres process
	exit  chan error
	n     atomic.Int64
}

// Start returns the server SERIALGATE_TEST_POSTGRES names, or starts a
// throwaway one listening on a free port of 127.0.0.1.
func Start(ctx context.Context) (*Server, error) {
	if u := os.Getenv(EnvURL); u != "" {
		s := &Server{URL: u}
		if err := s.connect(ctx); err != nil {
			return nil, fmt.Errorf("connect to the server %s names: %w", EnvURL, err)
		}
		return s, nil
	}
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	s, err := start(ctx, bin)
	if err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	return s, nil
}

// binDir finds the newest installed PostgreSQL's programs.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", ErrNotInstalled
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func start(ctx context.Context, bin string) (s *Server, err error) {
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	s = &Server{dir: dir}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	// initdb and postgres refuse to run as root: run them as postgres.
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root, and no postgres user to run the server as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	password := randomHex(12)
	pwfile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o600); err != nil {
		return nil, err
	}
	if cred != nil {
		if err := os.Chown(pwfile, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--pwfile", pwfile,
		"--auth-local", "trust", "--auth-host", "scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync")
	initdb.Dir = dir
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	os.Remove(pwfile)

	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "postgres.log"))
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	s.proc = exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "max_connections=50", "-c", "shared_buffers=32MB")
	s.proc.Dir = dir
	s.proc.Stdout, s.proc.Stderr = logf, logf
	// Pdeathsig ends the server should the test binary die without Close.
	s.proc.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	if err := s.proc.Start(); err != nil {
		return nil, err
	}
	s.exit = make(chan error, 1)
	go func() { s.exit <- s.proc.Wait() }()

	s.URL = (&url.URL{Scheme: "postgres", User: url.UserPassword("postgres", password),
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Path: "/postgres", RawQuery: "sslmode=disable"}).String()
	// Wait for the server to take connections, or to exit.
	deadline := time.Now().Add(60 * time.Second)
	for {
		err := s.connect(ctx)
		if err == nil {
			return s, nil
		}
		select {
		case werr := <-s.exit:
			s.exit <- werr
			log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			return nil, fmt.Errorf("postgres exited: %v\n%s", werr, log)
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			return nil, fmt.Errorf("postgres took no connection within 60s: %w\n%s", err, log)
		}
	}
}

func (s *Server) connect(ctx context.Context) error {
	cfg, err := pgx.ParseConfig(s.URL)
	if err != nil {
		return err
	}
	db := stdlib.OpenDB(*cfg)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return err
	}
	s.admin = db
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// CreateDB creates an empty database and returns its URL.
func (s *Server) CreateDB(ctx context.Context) (name, dbURL string, err error) {
	name = fmt.Sprintf("pgtest_%d_%d_%s", os.Getpid(), s.n.Add(1), randomHex(3))
	if _, err := s.admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", "", fmt.Errorf("create database: %w", err)
	}
	u, err := url.Parse(s.URL)
	if err != nil {
		return "", "", err
	}
	u.Path = "/" + name
	return name, u.String(), nil
}

// DropDB drops a database CreateDB made, closing its connections.
func (s *Server) DropDB(ctx context.Context, name string) error {
	if _, err := s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// DB returns the URL of a new database on s for t, dropped when t ends.
func (s *Server) DB(t testing.TB) string {
	t.Helper()
	name, u, err := s.CreateDB(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.DropDB(context.Background(), name); err != nil {
			t.Error(err)
		}
	})
	return u
}

// Close stops the throwaway server and removes its files.
func (s *Server) Close() error {
	var errs []error
	if s.admin != nil {
		errs = append(errs, s.admin.Close())
		s.admin = nil
	}
	if s.proc != nil && s.proc.Process != nil {
		s.proc.Process.Signal(syscall.SIGINT) // fast shutdown
		select {
		case <-s.exit:
		case <-time.After(30 * time.Second):
			s.proc.Process.Kill()
			<-s.exit
		}
		s.proc = nil
	}
	if s.dir != "" {
		errs = append(errs, os.RemoveAll(s.dir))
		s.dir = ""
	}
	return errors.Join(errs...)
}

// New returns the URL of a new database for t, on a server started for t
// alone and stopped when t ends. With no PostgreSQL installed it skips t,
// or fails it under CI.
func New(t testing.TB) string {
	t.Helper()
	s, err := Start(context.Background())
	if errors.Is(err, ErrNotInstalled) {
		testenv.Missing(t, "PostgreSQL server", "postgresql")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s.DB(t)
}

// Missing skips t, or fails it under CI, when err says PostgreSQL is not
// installed.
func Missing(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrNotInstalled) {
		testenv.Missing(t, "PostgreSQL server", "postgresql")
	}
}
