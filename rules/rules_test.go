package rules

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/serialgate/serialgate/pattern"
)

const good = `version: 1
manufacturers:
  - name: Acme Devices
    lwa_client_id: amzn1.application-oa2-client.0000000000000001
    models:
      - model: ACME_PURIFIER_200        # the device_model / modelId
        asins: [B0ACME0200]
        serial:
          regex: '^AC2\d{9}$'
          dialect: java
        examples:
          valid: [AC2000000001]
          invalid: [AC200000001]
      - model: ACME_OTHER
        asins: [B0ACME0201, B0ACME0202]
        serial:
          regex: 'X\d+'
`

func TestParse(t *testing.T) {
	s, err := Parse("r.yaml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	ms := s.Models()
	if len(ms) != 2 {
		t.Fatalf("%d models", len(ms))
	}
	m := ms[0]
	if m.Model != "ACME_PURIFIER_200" || m.Manufacturer != "Acme Devices" || m.Serial.Regex != `^AC2\d{9}$` || m.Serial.Dialect != pattern.Java {
		t.Errorf("model %+v", m)
	}
	if len(m.Valid) != 1 || m.Valid[0].Text != "AC2000000001" || m.Valid[0].Pos.Line != 12 {
		t.Errorf("valid examples %+v", m.Valid)
	}
	if m.Serial.RegexPos != (Pos{File: "r.yaml", Line: 9, Col: 18}) {
		t.Errorf("regex pos %v", m.Serial.RegexPos)
	}
	if ms[1].Serial.Dialect != pattern.Java || len(ms[1].ASINs) != 2 {
		t.Errorf("second model %+v", ms[1])
	}
	if s.Manufacturers[0].LWAClientID != "amzn1.application-oa2-client.0000000000000001" {
		t.Errorf("client id %q", s.Manufacturers[0].LWAClientID)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, edit, want string
		line, col        int
	}{
		{"unknown key", strings.Replace(good, "dialect: java", "dialekt: java", 1), `unknown key "dialekt" in serial`, 10, 11},
		{"unknown top key", good + "extra: 1\n", `unknown key "extra"`, 18, 1},
		{"version", strings.Replace(good, "version: 1", "version: 2", 1), "version: want 1", 1, 10},
		{"dialect", strings.Replace(good, "dialect: java", "dialect: perl", 1), `unknown dialect "perl"`, 10, 20},
		{"empty regex", strings.Replace(good, `regex: 'X\d+'`, `regex: ''`, 1), "empty regex", 17, 18},
		{"missing regex", strings.Replace(good, `regex: 'X\d+'`, `dialect: re2`, 1), `missing key "regex"`, 17, 11},
		{"duplicate model", strings.Replace(good, "model: ACME_OTHER", "model: ACME_PURIFIER_200", 1), `model "ACME_PURIFIER_200" defined twice (first at line 6)`, 14, 9},
		{"duplicate asin", strings.Replace(good, "B0ACME0201", "B0ACME0200", 1), `ASIN "B0ACME0200" defined twice`, 15, 17},
		{"repeated key", strings.Replace(good, "dialect: java", "regex: 'x'", 1), `key "regex" repeated`, 10, 11},
		{"asins not a list", strings.Replace(good, "[B0ACME0200]", "B0ACME0200", 1), "asins: want a list", 7, 16},
		{"yaml syntax", strings.Replace(good, "valid: [AC2000000001]", "valid: [AC2000000001", 1), "did not find expected", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("r.yaml", []byte(tc.edit))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
			var re *Error
			if !errors.As(err, &re) {
				t.Fatalf("error %T is not a *rules.Error", err)
			}
			if re.Pos.File != "r.yaml" {
				t.Errorf("file %q", re.Pos.File)
			}
			if tc.line > 0 && (re.Pos.Line != tc.line || re.Pos.Col != tc.col) {
				t.Errorf("at %d:%d, want %d:%d (%v)", re.Pos.Line, re.Pos.Col, tc.line, tc.col, err)
			}
		})
	}
}

func TestUnknownKeyUnwraps(t *testing.T) {
	_, err := Parse("r.yaml", []byte(strings.Replace(good, "asins:", "asin:", 1)))
	if !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("%v does not unwrap to ErrUnknownKey", err)
	}
}

// TestLoadJavaDev loads the repository's copy of the shared Java-dialect
// rules (testdata/rules), so that a fresh clone tests it.
func TestLoadJavaDev(t *testing.T) {
	s, err := Load(os.DirFS("../testdata/rules"), "java-dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.Models()); n != 15 {
		t.Fatalf("%d models, want 15", n)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	if b, err := os.ReadFile("../testdata/rules/java-dev.yaml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("version: 1\nmanufacturers: []\n"))
	f.Add([]byte("- a\n- b"))
	f.Add([]byte("version: [1]\nmanufacturers: {a: b}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("f.yaml", data)
		if err != nil {
			var re *Error
			if !errors.As(err, &re) {
				t.Fatalf("error %T %v is not a *rules.Error", err, err)
			}
			return
		}
		if s.Version != 1 {
			t.Fatalf("accepted version %d", s.Version)
		}
	})
}

// errorList flattens Parse's joined error into its parts.
func errorList(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// TestParseErrorPositions pins every error, with its file:line:col, that
// Parse reports for whole broken files, so a change of YAML library or of
// the walk that moves a position shows here.
func TestParseErrorPositions(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want []string
	}{
		{"keys", `version: 1
manufacturers:
  - name: Acme
    colour: red
    models:
      - model: M1
        serial:
          regex: 'A\d+'
          regex: 'B\d+'
      - asins: [B01]
        serial: {regex: 'C', flavour: x}
`, []string{
			`r.yaml:4:5: unknown key "colour" in manufacturer`,
			`r.yaml:9:11: key "regex" repeated in serial`,
			`r.yaml:11:30: unknown key "flavour" in serial`,
			`r.yaml:10:9: model: missing key "model"`,
		}},
		{"missing top key", "version: 1\n", []string{
			`r.yaml:1:1: rules file: missing key "manufacturers"`,
		}},
		{"kinds", `version: [1]
manufacturers:
  - name: {first: Acme}
    models:
      - model: M1
        asins: B01
        serial: 'A\d+'
      - model:
        serial:
          regex: 'x'
          symbologies: CODE_128
        examples: [AC1]
      - model: M3
        serial: {regex: [a]}
        examples: {valid: AC1, invalid: [[AC2]]}
`, []string{
			`r.yaml:1:10: version: want 1, got a list`,
			`r.yaml:3:11: name: want a string, got a mapping`,
			`r.yaml:6:16: asins: want a list, got "B01"`,
			`r.yaml:7:17: serial: want a mapping, got "A\\d+"`,
			`r.yaml:8:15: model: want a string, got nothing`,
			`r.yaml:11:24: symbologies: want a list, got "CODE_128"`,
			`r.yaml:12:19: examples: want a mapping, got a list`,
			`r.yaml:14:25: regex: want a string, got a list`,
			`r.yaml:15:27: examples.valid: want a list, got "AC1"`,
			`r.yaml:15:42: example: want a string, got a list`,
		}},
		{"not a mapping", "- version: 1\n", []string{
			`r.yaml:1:1: rules file: want a mapping, got a list`,
		}},
		{"manufacturers not a list", "version: 1\nmanufacturers: {name: Acme}\n", []string{
			`r.yaml:2:16: manufacturers: want a list, got a mapping`,
		}},
		{"values", `version: 2
manufacturers:
  - name: Acme
    models:
      - model: ''
        asins: [B01, '']
        serial:
          regex: ""
          dialect: pcre
`, []string{
			`r.yaml:1:10: version: want 1, got "2"`,
			`r.yaml:5:16: model: empty model name`,
			`r.yaml:6:22: asins: empty ASIN`,
			`r.yaml:8:18: regex: empty regex`,
			`r.yaml:9:20: dialect: unknown dialect "pcre" (want java, dotnet, ecmascript or re2)`,
		}},
		{"duplicates", `version: 1
manufacturers:
  - name: Acme
    models:
      - model: M1
        asins: [B01, B02]
        serial: {regex: 'a'}
  - name: Other
    models:
      - model: M2
        asins:
          - B03
          - B02
        serial: {regex: 'b'}
      - model: M1
        serial: {regex: 'c'}
`, []string{
			`r.yaml:13:13: ASIN "B02" defined twice (first at line 6)`,
			`r.yaml:15:9: model "M1" defined twice (first at line 5)`,
		}},
		{"empty", "", []string{`r.yaml:1:1: empty rules file`}},
		{"comment only", "# nothing yet\n", []string{`r.yaml:1:1: empty rules file`}},
		// YAML syntax errors carry only the line the YAML library writes in
		// its message, often one before the mistake, and column 1: these
		// pin what it says today.
		{"unclosed flow list", `version: 1
manufacturers:
  - name: Acme
    models:
      - model: M1
        asins: [B01
        serial: {regex: 'a'}
`, []string{`r.yaml:5:1: did not find expected ',' or ']'`}},
		{"tab", "version: 1\nmanufacturers:\n  - name: Acme\n\tmodels: []\n", []string{
			`r.yaml:3:1: found a tab character that violates indentation`,
		}},
		{"bad indentation", "version: 1\nmanufacturers:\n  - name: Acme\n   models: []\n", []string{
			`r.yaml:2:1: did not find expected '-' indicator`,
		}},
		{"unterminated quote", `version: 1
manufacturers:
  - name: Acme
    models:
      - model: M1
        serial: {regex: 'abc}
`, []string{`r.yaml:6:1: found unexpected end of stream`}},
		{"unknown anchor", "version: 1\nmanufacturers:\n  - name: *acme\n", []string{
			`r.yaml:1:1: unknown anchor 'acme' referenced`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("r.yaml", []byte(tc.src))
			if err == nil {
				t.Fatal("no error")
			}
			errs := errorList(err)
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
				var re *Error
				if !errors.As(e, &re) {
					t.Errorf("%v: %T is not a *rules.Error", e, e)
				} else if !strings.HasPrefix(e.Error(), re.Pos.String()+": ") {
					t.Errorf("%v: Pos is %v", e, re.Pos)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestMissingKeysInSchemaOrder checks that several keys missing from one
// mapping are reported in the order the schema lists them, not in Go's
// random map order.
func TestMissingKeysInSchemaOrder(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"rules file", "{}\n", []string{
			`r.yaml:1:1: rules file: missing key "version"`,
			`r.yaml:1:1: rules file: missing key "manufacturers"`,
		}},
		{"manufacturer and model", `version: 1
manufacturers:
  - lwa_client_id: x
  - name: Acme
    models:
      - asins: [B01]
`, []string{
			`r.yaml:3:5: manufacturer: missing key "name"`,
			`r.yaml:3:5: manufacturer: missing key "models"`,
			`r.yaml:6:9: model: missing key "model"`,
			`r.yaml:6:9: model: missing key "serial"`,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("r.yaml", []byte(tc.src))
			var got []string
			for _, e := range errorList(err) {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestOneDocument: a second YAML document, which a reader of the first
// would ignore, is refused at the line of its ---; so are bytes that are
// not UTF-8, at their line and column.
func TestOneDocument(t *testing.T) {
	src := "version: 1\nmanufacturers:\n  - name: M\n    models:\n      - model: A\n        serial: {regex: '^A$'}\n---\nversion: 1\n"
	_, err := Parse("two.yaml", []byte(src))
	var e *Error
	if !errors.As(err, &e) || e.Pos.Line != 7 || !strings.Contains(err.Error(), "second YAML document") {
		t.Errorf("two documents: %v", err)
	}
	bad := "version: 1\nmanufacturers:\n  - name: M\n    models:\n      - model: A\n        serial: {regex: '^A$'}\n  # caf\xe9\n"
	_, err = Parse("latin1.yaml", []byte(bad))
	if !errors.As(err, &e) || e.Pos.Line != 7 || e.Pos.Col != 8 || !strings.Contains(err.Error(), "0xE9") {
		t.Errorf("latin-1 byte: %v", err)
	}
}

func TestZPLField(t *testing.T) {
	s, err := Parse("r.yaml", []byte(`version: 1
manufacturers:
  - name: Acme
    models:
      - model: M1
        serial: {regex: 'a', zpl_field: 3}
`))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Models()[0].Serial; got.ZPLField != 3 || got.ZPLFieldPos.Line != 6 || got.ZPLFieldPos.Col != 41 {
		t.Errorf("zpl_field %d at %v, want 3 at 6:41", got.ZPLField, got.ZPLFieldPos)
	}
	_, err = Parse("r.yaml", []byte(`version: 1
manufacturers:
  - name: Acme
    models:
      - model: M1
        serial: {regex: 'a', zpl_field: FN3}
      - model: M2
        serial: {regex: 'a', zpl_field: 0}
      - model: M3
        serial:
          regex: 'a'
          zpl_field: [3]
`))
	want := []string{
		`r.yaml:6:41: zpl_field: want a field number from 1 to 9999, got "FN3"`,
		`r.yaml:8:41: zpl_field: want a field number from 1 to 9999, got "0"`,
		`r.yaml:12:22: zpl_field: want a field number from 1 to 9999, got a list`,
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("got\n%v\nwant\n%s", err, strings.Join(want, "\n"))
	}
}
