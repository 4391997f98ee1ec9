package framing

import (
	"fmt"
	"testing"
	"time"
)

func TestBurst(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	type ev struct {
		ms    int
		r     rune
		enter bool
	}
	typed := func(s string, start, gap int) []ev {
		var out []ev
		for i, r := range s {
			out = append(out, ev{start + i*gap, r, false})
		}
		return append(out, ev{start + len(s)*gap, 0, true})
	}
	for _, tc := range []struct {
		name  string
		evs   []ev
		scans []string
		typed int
	}{
		{"scanner burst", typed("AC2000000001", 0, 2), []string{"AC2000000001"}, 0},
		{"person typing", typed("AC2000000001", 0, 120), nil, 1},
		{"typing then a scan", append(typed("ab", 0, 150), typed("AC2000000001", 1000, 1)...), []string{"AC2000000001"}, 1},
		{"stray keys before a scan", append([]ev{{0, 'x', false}}, typed("AC2000000001", 500, 3)...), []string{"AC2000000001"}, 1},
		{"too short", typed("A", 0, 1), nil, 1},
		{"two scans", append(typed("SN1", 0, 1), typed("SN2", 200, 1)...), []string{"SN1", "SN2"}, 0},
		{"bare enter", []ev{{0, 0, true}}, nil, 0},
	} {
		var b Burst
		var got []string
		for _, e := range tc.evs {
			if s, ok := b.Key(Key{Time: t0.Add(time.Duration(e.ms) * time.Millisecond), Rune: e.r, Enter: e.enter}); ok {
				got = append(got, s)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.scans) || b.Typed != tc.typed {
			t.Errorf("%s: scans %q typed %d, want %q typed %d", tc.name, got, b.Typed, tc.scans, tc.typed)
		}
	}
}
