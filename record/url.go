package record

import (
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// The accepted forms of a store URL, for error messages.
const urlForms = "sqlite:PATH, sqlite://PATH, postgres://... or postgresql://..."

// target is a parsed store URL.
type target struct {
	kind     string // "sqlite" or "postgres"
	path     string // sqlite: the database file
	conn     string // postgres: the URL as given, for the driver
	display  string // the URL with any password removed
	password string // postgres: the password, to scrub from error text
}

// parseURL reads a store URL. Its errors never repeat a password: they name
// the scheme, not the URL.
func parseURL(raw string) (target, error) {
	scheme, rest, ok := strings.Cut(raw, ":")
	if !ok || scheme == "" || strings.ContainsAny(scheme, "/@ \t") {
		return target{}, fmt.Errorf("store URL has no scheme: want %s", urlForms)
	}
	switch strings.ToLower(scheme) {
	case "sqlite":
		return parseSQLite(rest)
	case "postgres", "postgresql":
		return parsePostgres(raw)
	}
	return target{}, fmt.Errorf("unknown store URL scheme %q: want %s", scheme, urlForms)
}

func parseSQLite(rest string) (target, error) {
	path := strings.TrimPrefix(rest, "//")
	switch {
	case path == "":
		return target{}, errors.New("sqlite store URL names no file: want sqlite:PATH or sqlite://PATH")
	case path == ":memory:" || strings.HasPrefix(path, "file:"):
		return target{}, fmt.Errorf("sqlite store URL %q is not a file path: the store must be a file on disk", "sqlite:"+rest)
	case strings.ContainsRune(path, 0):
		return target{}, errors.New("sqlite store path contains a NUL byte")
	}
	return target{kind: "sqlite", path: path, display: "sqlite:" + path}, nil
}

func parsePostgres(raw string) (target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the whole URL, password and all: say only what broke.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return target{}, fmt.Errorf("parse postgres store URL: %v", scrub(err.Error(), raw))
	}
	if u.Opaque != "" {
		return target{}, errors.New("postgres store URL must start postgres:// or postgresql://")
	}
	// pgx tells a URL from key=value settings by a lower-case scheme.
	t := target{kind: "postgres", conn: u.Scheme + raw[strings.IndexByte(raw, ':'):]}
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			t.password = pw
			u.User = url.User(u.User.Username())
		}
	}
	// A password parameter in any spelling is taken out of what is shown:
	// pgx would hand an odd-case one to the server as a setting, and its
	// value is still a secret.
	q := u.Query()
	removed := false
	for k, vs := range q {
		if !strings.Contains(strings.ToLower(k), "password") {
			continue
		}
		if t.password == "" && k == "password" && len(vs) > 0 {
			t.password = vs[0]
		}
		delete(q, k)
		removed = true
	}
	if removed {
		u.RawQuery = q.Encode()
	}
	// A fragment means nothing to a connection and may hold anything a
	// user pasted: it is not shown.
	u.Fragment, u.RawFragment = "", ""
	t.display = u.String()
	return t, nil
}

// scrub removes secret, raw and URL-escaped, from s.
func scrub(s, secret string) string {
	if secret == "" {
		return s
	}
	for _, v := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
		s = strings.ReplaceAll(s, v, "xxxxx")
	}
	return s
}

// sqliteDSN is the modernc.org/sqlite data source name for a database file:
// a file: URI (so that '?' and '#' in a path stay part of it) with the
// pragmas every connection needs.
func sqliteDSN(path string, writer bool) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if writer {
		q.Add("_pragma", "journal_mode(WAL)")
		// BEGIN IMMEDIATE: a transaction takes the write lock when it starts,
		// so that two stores on one file wait for each other (busy_timeout)
		// instead of failing to upgrade a read lock.
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return u.String() + "?" + q.Encode(), nil
}
