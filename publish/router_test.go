package publish

import (
	"slices"
	"testing"
)

func TestRouter(t *testing.T) {
	r, err := NewRouter([]Route{
		{Sink: "audit-file"},
		{Sink: "acme-sns", Manufacturers: []string{"acme"}},
		{Sink: "webhook", Manufacturers: []string{"globex", "acme"}},
		{Sink: "initech-mqtt", Manufacturers: []string{"initech"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		mfr  string
		want []string
	}{
		{"acme", []string{"audit-file", "acme-sns", "webhook"}},
		{"globex", []string{"audit-file", "webhook"}},
		{"initech", []string{"audit-file", "initech-mqtt"}},
		{"ACME", []string{"audit-file"}}, // names match exactly
		{"", []string{"audit-file"}},
	} {
		if got := r.Sinks(tc.mfr); !slices.Equal(got, tc.want) {
			t.Errorf("Sinks(%q) = %q, want %q", tc.mfr, got, tc.want)
		}
	}
	ev := testEvents(t, 3)[2] // globex
	if got := r.Route(ev); !slices.Equal(got, []string{"audit-file", "webhook"}) {
		t.Errorf("Route(globex event) = %q", got)
	}
	if got := r.All(); len(got) != 4 {
		t.Errorf("All() = %q", got)
	}
	for _, bad := range [][]Route{
		{{Sink: ""}},
		{{Sink: "a"}, {Sink: "a", Manufacturers: []string{"x"}}},
		{{Sink: "a", Manufacturers: []string{""}}},
	} {
		if _, err := NewRouter(bad); err == nil {
			t.Errorf("NewRouter(%+v) accepted", bad)
		}
	}
	if r, err := NewRouter(nil); err != nil || r.Sinks("acme") != nil {
		t.Errorf("no routes: %v, %q", err, r.Sinks("acme"))
	}
}
