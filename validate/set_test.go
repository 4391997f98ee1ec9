package validate

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/serialgate/serialgate/rules"
)

func compileShared(t testing.TB) *Set {
	t.Helper()
	rs, err := rules.Load(os.DirFS(sharedRules), "java-dev.yaml")
	return mustCompile(t, rs, err)
}

// mustCompile compiles a loaded rules file, failing the test on an error
// from loading or compiling.
func mustCompile(t testing.TB, rs *rules.Set, err error) *Set {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Compile(rs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestIdentifyAgrees checks that the combined automata name exactly the
// models whose own rules match, however the rules are split into groups.
func TestIdentifyAgrees(t *testing.T) {
	s := compileShared(t)
	_, cases := loadJavaCases(t)
	s.Identify("", nil) // builds the default groups, which each limit then replaces
	for _, limit := range []int{maxGroupStates, 300, 40, 2} {
		s.buildGroups(limit)
		t.Logf("limit %d: %d groups, %d rules outside them", limit, len(s.groups), len(s.slow))
		for _, c := range cases {
			var want []int
			for i, m := range s.Models {
				if ok, _ := m.Rule.Match(c.serial); ok {
					want = append(want, i)
				}
			}
			got := s.Identify(c.serial, nil)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("limit %d, %q: Identify = %v, rules say %v", limit, c.serial, got, want)
			}
		}
	}
	if len(s.slow) == 0 {
		t.Error("a limit of 2 states should leave rules outside the groups")
	}
}

func TestCheck(t *testing.T) {
	s := compileShared(t)
	m := s.ByModel("acme_purifier")
	if m == nil || s.ByASIN("B0TEST0000") != m {
		t.Fatal("lookup by model or ASIN failed")
	}
	for _, tc := range []struct {
		serial, reason string
	}{
		{"AC2000000001", ""},
		{"", "empty serial"},
		{"AC200000000", "incomplete: the serial ends after 11 characters"},
		{"AC2000000001 ", "too long: extra space at position 13 after a complete serial of 12 characters"},
		{"AC2٠00000001", `unexpected '٠' (U+0660, not ASCII) at position 4`},
		{"AC2\x1d000000001", "unexpected control character U+001D at position 4"},
		{"ac2000000001", "unexpected 'a' at position 1"},
	} {
		v := m.Check(tc.serial)
		if v.OK != (tc.reason == "") || v.Reason != tc.reason || v.Model != "acme_purifier" || v.Serial != tc.serial {
			t.Errorf("Check(%q) = %+v, want reason %q", tc.serial, v, tc.reason)
		}
	}
	v := s.CheckAny("AB12CDEFGH")
	if !v.OK || strings.Join(v.Models, ",") != "printer_ink" {
		t.Errorf("CheckAny = %+v", v)
	}
	v = s.CheckAny("nothing")
	if v.OK || v.Reason == "" || len(v.Models) != 0 {
		t.Errorf("CheckAny = %+v", v)
	}
}

func TestCompileErrors(t *testing.T) {
	src := `version: 1
manufacturers:
  - name: M
    models:
      - model: A
        serial: {regex: '^A\d+$'}
        examples:
          valid: [A1, B1]
          invalid: [A2]
      - model: B
        serial: {regex: 'B{2,1}'}
`
	rs, err := rules.Parse("c.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(rs, Options{})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		`c.yaml:8:23: model A: example "B1" is listed as valid but the rule rejects it: unexpected 'B' at position 1`,
		`c.yaml:9:21: model A: example "A2" is listed as invalid but the rule accepts it`,
		`c.yaml:11:25: model B: regex does not compile as java: illegal repetition range`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not say %q:\n%s", want, msg)
		}
	}
	var re *rules.Error
	if !errors.As(err, &re) {
		t.Errorf("%T is not a rules.Error", err)
	}
}
