package record

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dialect holds what differs between SQLite and PostgreSQL. Queries are
// written once, with ? placeholders, and the dialect adapts them.
type dialect struct {
	postgres bool
}

// q rewrites ? placeholders to $1, $2, ... for PostgreSQL. The queries of
// this package hold no ? in literals.
func (d dialect) q(query string) string {
	if !d.postgres {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// t is a time as a query argument: Unix milliseconds in SQLite, a UTC
// timestamptz truncated to milliseconds in PostgreSQL, NULL for the zero time.
func (d dialect) t(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	if d.postgres {
		return t.UTC().Truncate(time.Millisecond)
	}
	return t.UnixMilli()
}

// skipLocked ends a SELECT that leases rows: PostgreSQL locks them and skips
// those another transaction holds; SQLite's transaction already holds the
// database's one write lock.
func (d dialect) skipLocked(table string) string {
	if d.postgres {
		return " FOR UPDATE OF " + table + " SKIP LOCKED"
	}
	return ""
}

// dbTime reads a time column of either backend into a UTC time; NULL reads
// as the zero time.
type dbTime struct{ t *time.Time }

func (s dbTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.t = time.Time{}
	case int64:
		*s.t = time.UnixMilli(v).UTC()
	case time.Time:
		*s.t = v.UTC()
	default:
		return fmt.Errorf("read time: unexpected %T", src)
	}
	return nil
}

// ms is t in UTC with millisecond precision, as the store keeps it.
func ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
