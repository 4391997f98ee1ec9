package validate

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/internal/javacases"
	"github.com/serialgate/serialgate/pattern"
	"github.com/serialgate/serialgate/rules"
)

func compileJavaRules(t testing.TB) *Set {
	t.Helper()
	rs, err := rules.Load(os.DirFS(javacases.Dir()), "java-dev.yaml")
	return mustCompile(t, rs, err)
}

// mustCompile compiles a loaded rules file, failing the test on an error
// from loading or compiling.
func mustCompile(t testing.TB, rs *rules.Set, err error) *Set {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Compile(rs, pattern.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestIdentifyAgrees checks that the set names exactly the models whose own
// rules match, over the Java cases (package pattern tests the union's
// splitting into groups).
func TestIdentifyAgrees(t *testing.T) {
	s := compileJavaRules(t)
	_, cases := javacases.Load(t)
	for _, c := range cases {
		var want []int
		for i, m := range s.Models {
			if ok, _ := m.Pattern.Match(c.Serial); ok {
				want = append(want, i)
			}
		}
		if got := s.Identify(c.Serial, nil); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%q: Identify = %v, rules say %v", c.Serial, got, want)
		}
	}
}

func TestCheck(t *testing.T) {
	s := compileJavaRules(t)
	m := s.ByModel("acme_purifier")
	if m == nil || s.ByASIN("B0TEST0000") != m {
		t.Fatal("lookup by model or ASIN failed")
	}
	for _, tc := range []struct {
		serial string
		reason serialgate.Reason
		pos    int
		text   string
	}{
		{"AC2000000001", serialgate.ReasonNone, 0, ""},
		{"", serialgate.ReasonEmpty, 0, "empty serial"},
		{"AC200000000", serialgate.ReasonIncomplete, 0, "incomplete: the serial ends after 11 characters"},
		{"AC2000000001 ", serialgate.ReasonTooLong, 13, "too long: extra space at position 13 after a complete serial of 12 characters"},
		{"AC2٠00000001", serialgate.ReasonUnexpected, 4, `unexpected '٠' (U+0660, not ASCII) at position 4`},
		{"AC2\x1d000000001", serialgate.ReasonUnexpected, 4, "unexpected control character U+001D at position 4"},
		{"ac2000000001", serialgate.ReasonUnexpected, 1, "unexpected 'a' at position 1"},
	} {
		v := s.Check(m, tc.serial)
		if v.OK != (tc.reason == serialgate.ReasonNone) || v.Reason != tc.reason || v.Pos != tc.pos || v.Message != tc.text || v.Model != "acme_purifier" || v.Serial != tc.serial {
			t.Errorf("Check(%q) = %+v, want %v at %d: %q", tc.serial, v, tc.reason, tc.pos, tc.text)
		}
	}
	// A serial of another model on this model's line is named as such.
	v := s.Check(m, "BK2024W0112345")
	if v.OK || v.Reason != serialgate.ReasonWrongModel || strings.Join(v.Models, ",") != "brew_kettle" || !strings.Contains(v.Message, "wrong model: the serial is one of brew_kettle, not of acme_purifier") {
		t.Errorf("wrong model: %+v", v)
	}
	v = s.CheckAny("AB12CDEFGH")
	if !v.OK || strings.Join(v.Models, ",") != "printer_ink" {
		t.Errorf("CheckAny = %+v", v)
	}
	v = s.CheckAny("nothing")
	if v.OK || v.Reason != serialgate.ReasonNoMatch || v.Message == "" || len(v.Models) != 0 {
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
	_, err = Compile(rs, pattern.Options{})
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
