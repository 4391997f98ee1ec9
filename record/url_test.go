package record

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	for _, c := range []struct {
		in                  string
		kind, path, display string
	}{
		{"sqlite:data/record.db", "sqlite", "data/record.db", "sqlite:data/record.db"},
		{"sqlite:///var/lib/serialgate/record.db", "sqlite", "/var/lib/serialgate/record.db", "sqlite:/var/lib/serialgate/record.db"},
		{"sqlite://record.db", "sqlite", "record.db", "sqlite:record.db"},
		{"SQLite:odd?name#.db", "sqlite", "odd?name#.db", "sqlite:odd?name#.db"},
		{"postgres://gate@db.local:5432/record", "postgres", "", "postgres://gate@db.local:5432/record"},
		{"postgresql://gate:s3cret@db.local/record?sslmode=require", "postgres", "", "postgresql://gate@db.local/record?sslmode=require"},
		{"postgres://db.local/record?password=s3cret&user=gate", "postgres", "", "postgres://db.local/record?user=gate"},
		{"Postgres://gate:p%40ss@db.local/record", "postgres", "", "postgres://gate@db.local/record"},
		{"postgres://db.local/record?PassWord=s3cret&sslmode=disable", "postgres", "", "postgres://db.local/record?sslmode=disable"},
	} {
		got, err := parseURL(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got.kind != c.kind || got.path != c.path || got.display != c.display {
			t.Errorf("%q: kind %q path %q display %q, want %q %q %q", c.in, got.kind, got.path, got.display, c.kind, c.path, c.display)
		}
		if got.kind == "postgres" && !strings.HasPrefix(got.conn, "postgres") {
			t.Errorf("%q: driver URL %q must start with a lower-case scheme", c.in, got.conn)
		}
	}
}

// TestBadURL: what is not a store URL is refused, naming the accepted
// forms and never repeating a password.
func TestBadURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "no scheme"},
		{"record.db", "no scheme"},
		{"/var/lib/record.db", "no scheme"},
		{"mysql://gate:hunter2@db/record", `unknown store URL scheme "mysql"`},
		{"sqlite:", "names no file"},
		{"sqlite://", "names no file"},
		{"sqlite::memory:", "not a file path"},
		{"postgres://gate:hunter2@db:port/record", "parse postgres store URL"},
		{"postgres:gate:hunter2@db/record", "must start postgres://"},
	} {
		_, err := Open(context.Background(), c.in)
		if err == nil {
			t.Errorf("%q: opened", c.in)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "open store: ") || !strings.Contains(msg, c.want) || strings.Contains(msg, "hunter2") {
			t.Errorf("%q: error %q, want open store: ...%s..., without the password", c.in, msg, c.want)
		}
		if c.want == "no scheme" || strings.HasPrefix(c.want, "unknown") {
			if !strings.Contains(msg, "sqlite:PATH") || !strings.Contains(msg, "postgres://") {
				t.Errorf("%q: error %q does not name the accepted forms", c.in, msg)
			}
		}
	}
}

// TestSecrets: a password in a PostgreSQL URL shows in neither String nor
// the errors of a failed Open.
func TestSecrets(t *testing.T) {
	base := postgresURL(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	password, _ := u.User.Password()
	if password == "" {
		t.Skip("the test server takes no password")
	}
	s := open(t, base)
	if strings.Contains(s.String(), password) || !strings.HasPrefix(s.String(), "postgres://postgres@") {
		t.Errorf("String() = %q, want the URL without its password", s.String())
	}

	wrong := *u
	wrong.User = url.UserPassword("postgres", "Wr0ng-pa$$word")
	inQuery := *u
	inQuery.User = url.User("postgres")
	inQuery.RawQuery = "sslmode=disable&password=Wr0ng-pa$$word"
	closed := *u
	closed.Host = "127.0.0.1:1" // tcpmux: nothing listens there
	for _, bad := range []*url.URL{&wrong, &inQuery, &closed} {
		_, err := Open(context.Background(), bad.String())
		if err == nil {
			t.Errorf("%s: opened", bad.Redacted())
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "Wr0ng") || strings.Contains(msg, password) ||
			!strings.HasPrefix(msg, "open store postgres://postgres@") {
			t.Errorf("error %q repeats a password or names no store", msg)
		}
	}
}

// FuzzOpenURL: parsing any string neither panics nor lets a password
// through to the display form.
func FuzzOpenURL(f *testing.F) {
	for _, s := range []string{"sqlite:data/record.db", "sqlite:///var/lib/record.db", "sqlite::memory:", "postgres://u:p@h:5432/d?sslmode=disable",
		"postgresql://u@h/d?password=p", "postgres://u:p%40q@h/d", "mysql://u:p@h/d", "", ":", "record.db", "postgres://[::1]:5432/d", "postgres:%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := parseURL(raw)
		if err != nil {
			if got != (target{}) {
				t.Errorf("%q: error %v with a target %+v", raw, err, got)
			}
			return
		}
		switch got.kind {
		case "sqlite":
			if got.path == "" || got.display != "sqlite:"+got.path {
				t.Errorf("%q: sqlite target %+v", raw, got)
			}
		case "postgres":
			if got.password != "" && len(got.password) > 2 && strings.Contains(got.display, got.password) {
				t.Errorf("%q: display %q holds the password %q", raw, got.display, got.password)
			}
			// A password parameter is a query's (a database or host may be
			// named anything, "password=" too).
			if u, err := url.Parse(got.display); err == nil && strings.Contains(strings.ToLower(u.RawQuery+u.Fragment), "password=") {
				t.Errorf("%q: display %q holds a password parameter", raw, got.display)
			}
		default:
			t.Errorf("%q: kind %q", raw, got.kind)
		}
	})
}
