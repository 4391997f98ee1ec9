package record

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// TestHistory: the filters, id order, pages by AfterID, and fn's error.
func TestHistory(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		// 12 scans, one a minute, on st-0..st-2 and lines L0/L1; each
		// even one carries two events.
		var ids []int64
		for i := range 12 {
			sc := pass(fmt.Sprintf("st-%d", i%3), fmt.Sprintf("SN%02d", i), t0.Add(time.Duration(i)*time.Minute))
			sc.Line = fmt.Sprintf("L%d", i%2)
			if i%2 == 0 {
				sc.Events = append(sc.Events, event(fmt.Sprintf("e%02da", i), "acme"), event(fmt.Sprintf("e%02db", i), "acme"))
			}
			ids = append(ids, record(t, s, sc, Policy{}).RecordID)
		}
		serials := func(q Query) []string {
			t.Helper()
			var out []string
			prev := int64(0)
			for _, r := range history(t, s, q) {
				if r.ID <= prev {
					t.Errorf("record %d after %d: not in id order", r.ID, prev)
				}
				prev = r.ID
				out = append(out, r.Serial)
			}
			return out
		}
		for _, c := range []struct {
			name string
			q    Query
			want []string
		}{
			{"all", Query{}, []string{"SN00", "SN01", "SN02", "SN03", "SN04", "SN05", "SN06", "SN07", "SN08", "SN09", "SN10", "SN11"}},
			{"since until", Query{Since: t0.Add(3 * time.Minute), Until: t0.Add(6 * time.Minute)}, []string{"SN03", "SN04", "SN05"}},
			{"station", Query{Station: "st-1"}, []string{"SN01", "SN04", "SN07", "SN10"}},
			{"line", Query{Line: "L1"}, []string{"SN01", "SN03", "SN05", "SN07", "SN09", "SN11"}},
			{"station and line", Query{Station: "st-1", Line: "L0"}, []string{"SN04", "SN10"}},
			{"after", Query{AfterID: ids[9]}, []string{"SN10", "SN11"}},
			{"limit", Query{Line: "L0", Limit: 2}, []string{"SN00", "SN02"}},
			{"none", Query{Station: "nobody"}, nil},
		} {
			if got := serials(c.q); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}

		// Events come with their records; a limit counts records, not events.
		rows := history(t, s, Query{Limit: 3})
		if len(rows) != 3 || !reflect.DeepEqual(rows[0].EventIDs, []string{"e00a", "e00b"}) || rows[1].EventIDs != nil ||
			!reflect.DeepEqual(rows[2].EventIDs, []string{"e02a", "e02b"}) {
			t.Errorf("events of the first three records: %+v", rows)
		}

		// Pages of 5 by AfterID cover every record once.
		var paged []int64
		for after := int64(0); ; {
			page := history(t, s, Query{AfterID: after, Limit: 5})
			if len(page) == 0 {
				break
			}
			for _, r := range page {
				paged = append(paged, r.ID)
			}
			after = page[len(page)-1].ID
		}
		if !reflect.DeepEqual(paged, ids) {
			t.Errorf("paged ids %v, want %v", paged, ids)
		}

		// fn's error stops the walk and comes back as it is.
		stop := errors.New("enough")
		calls := 0
		err := s.History(ctx, Query{}, func(Row) error {
			calls++
			if calls == 4 {
				return stop
			}
			return nil
		})
		if err != stop || calls != 4 {
			t.Errorf("History returned %v after %d calls, want %v after 4", err, calls, stop)
		}

		// Events filter by their records.
		var got []string
		err = s.Events(ctx, Query{Station: "st-0", Limit: 3}, func(e EventState) error { got = append(got, e.ID); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"e00a", "e00b", "e06a"}; !reflect.DeepEqual(got, want) {
			t.Errorf("Events(st-0, limit 3) = %v, want %v", got, want)
		}
		calls = 0
		if err := s.Events(ctx, Query{}, func(EventState) error { calls++; return stop }); err != stop || calls != 1 {
			t.Errorf("Events returned %v after %d calls, want %v after 1", err, calls, stop)
		}
	})
}

// TestHistoryWritesWhileReading: fn may record while History streams.
func TestHistoryWritesWhileReading(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s := open(t, url)
		for i := range 5 {
			record(t, s, pass("st-1", fmt.Sprintf("SN%d", i), t0), Policy{})
		}
		n := 0
		err := s.History(ctx, Query{Station: "st-1"}, func(r Row) error {
			n++
			_, err := s.Record(ctx, pass("st-2", "copy-"+r.Serial, t0), Policy{})
			return err
		})
		if err != nil || n != 5 {
			t.Fatalf("History: %v after %d rows", err, n)
		}
		if got := len(history(t, s, Query{Station: "st-2"})); got != 5 {
			t.Errorf("%d records written while reading, want 5", got)
		}
	})
}
