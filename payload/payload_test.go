package payload

import (
	"errors"
	"testing"
)

func TestSplitAIM(t *testing.T) {
	for _, tc := range []struct{ in, aim, rest string }{
		{"]C1011234", "]C1", "011234"},
		{"]d2X", "]d2", "X"},
		{"]Q3", "]Q3", ""},
		{"]", "", "]"},
		{"]1C", "", "]1C"},
		{"AC2", "", "AC2"},
	} {
		a, rest, _ := SplitAIM(tc.in)
		if a.String() != tc.aim || rest != tc.rest {
			t.Errorf("SplitAIM(%q) = %q, %q", tc.in, a, rest)
		}
	}
	if a, _, _ := SplitAIM("]C1x"); !a.GS1() {
		t.Error("]C1 is GS1")
	}
	if a, _, _ := SplitAIM("]C0x"); a.GS1() {
		t.Error("]C0 is not GS1")
	}
}

func TestParseGS1(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // Elements.String(), or "" for an error
	}{
		{"0109506000134352211234", "(01)09506000134352(21)1234"},
		{"\x1d0109506000134352211234", "(01)09506000134352(21)1234"},
		{"]d20109506000134352211234", "(01)09506000134352(21)1234"},
		{"010950600013435221ABC\x1d10LOT7\x1d17271231", "(01)09506000134352(21)ABC(10)LOT7(17)271231"},
		{"(01)09506000134352(21)XYZ", "(01)09506000134352(21)XYZ"},
		{"00106141412345678908", "(00)106141412345678908"},
		{"3103000150", "(3103)000150"},
		{"0109506000134353211234", ""},             // wrong check digit
		{"0109506000134352", "(01)09506000134352"}, // GTIN alone
		{"01095060001343", ""},                     // short GTIN
		{"17271331", ""},                           // month 13
		{"17270230", ""},                           // 30 February
		{"17270200", "(17)270200"},                 // day 00: end of month
		{"21" + "123456789012345678901", ""},       // serial over 20: missing separator
		{"21AB\x7f", ""},                           // DEL is not in the GS1 set
		{"99", ""},                                 // AI without value
		{"", ""},
		{"ZZ12", ""},
	} {
		es, err := ParseGS1(tc.in)
		if tc.want == "" {
			var pe *Error
			if err == nil || !errors.As(err, &pe) {
				t.Errorf("ParseGS1(%q) = %v, %v; want an *Error", tc.in, es, err)
			}
			continue
		}
		if err != nil || es.String() != tc.want {
			t.Errorf("ParseGS1(%q) = %v, %v; want %s", tc.in, es, err, tc.want)
		}
	}
}

// TestCheckValueWrapsCause checks that a bad date's cause survives
// checkValue's wrapping, for errors.Is and errors.As, with the text as
// before.
func TestCheckValueWrapsCause(t *testing.T) {
	spec, _ := lookupAI("17")
	for _, tc := range []struct {
		v    string
		want dateError
		msg  string
	}{
		{"271331", dateError{13, 31}, "(17) 271331: month 13"},
		{"270230", dateError{2, 30}, "(17) 270230: day 30 of month 02"},
		{"280230", dateError{2, 30}, "(17) 280230: day 30 of month 02"},
		{"270229", dateError{2, 29}, "(17) 270229: day 29 of month 02"},
	} {
		err := checkValue("17", spec, tc.v)
		if err == nil || err.Error() != tc.msg {
			t.Errorf("checkValue(17, %s) = %v, want %s", tc.v, err, tc.msg)
			continue
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("%v: errors.Is does not reach %#v", err, tc.want)
		}
		var de dateError
		if !errors.As(err, &de) || de != tc.want {
			t.Errorf("%v: errors.As gives %#v, want %#v", err, de, tc.want)
		}
	}
	if err := checkValue("17", spec, "280229"); err != nil {
		t.Errorf("29 February 2028: %v", err)
	}
}

func TestCheckDigit(t *testing.T) {
	for _, s := range []string{"09506000134352", "4006381333931", "106141412345678908", "036000291452"} {
		if !CheckDigitOK(s) {
			t.Errorf("%s: check digit should be right", s)
		}
		bad := s[:len(s)-1] + string('0'+(s[len(s)-1]-'0'+1)%10)
		if CheckDigitOK(bad) {
			t.Errorf("%s: check digit should be wrong", bad)
		}
	}
}

func TestDigitalLink(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://id.gs1.org/01/09506000134352/21/ABC123", "(01)09506000134352(21)ABC123"},
		{"https://brand.example.com/some/path/01/09506000134352/10/L1/21/S%2F7?17=271231&linkType=gs1:pip", "(01)09506000134352(10)L1(21)S/7(17)271231"},
		{"https://example.com/gtin/9506000134352/ser/42", "(01)09506000134352(21)42"},
		{"https://example.com/01/09506000134353/21/1", ""}, // check digit
		{"https://example.com/about", ""},
		{"ftp://example.com/01/09506000134352", ""},
		{"https://example.com/01/09506000134352/21", ""},
	} {
		es, err := ParseDigitalLink(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("ParseDigitalLink(%q) = %v, want an error", tc.in, es)
			}
			continue
		}
		if err != nil || es.String() != tc.want {
			t.Errorf("ParseDigitalLink(%q) = %v, %v; want %s", tc.in, es, err, tc.want)
		}
	}
}

func TestISO15434(t *testing.T) {
	msg := "[)>\x1e06\x1d1PMODEL-9\x1dSSN123456\x1d12V123456789\x1e\x04"
	env, err := ParseISO15434(msg)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := env.Get("S"); !ok || v != "SN123456" {
		t.Errorf("S = %q %v", v, ok)
	}
	if v, _ := env.Get("1P"); v != "MODEL-9" {
		t.Errorf("1P = %q", v)
	}
	if v, _ := env.Get("12V"); v != "123456789" {
		t.Errorf("12V = %q", v)
	}
	gs1 := "[)>\x1e05\x1d0109506000134352211234\x1e\x04"
	env, err = ParseISO15434(gs1)
	if v, _ := env.Get("21"); err != nil || v != "1234" {
		t.Errorf("format 05: %v %v", env, err)
	}
	for _, bad := range []string{"", "[)>", "[)>\x1e6\x1dSX", "[)>\x1e06\x1d#X\x1e\x04", "[)>\x1e06\x1e\x04"} {
		if _, err := ParseISO15434(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestSourceExtract(t *testing.T) {
	for _, tc := range []struct {
		src, text, aim string
		want           string
		ok             bool
	}{
		{"payload", "AC2000000001", "", "AC2000000001", true},
		{"", "]C0AC2000000001", "", "AC2000000001", true},
		{"gs1:21", "0109506000134352211234", "]d2", "1234", true},
		{"gs1:21", "]C10109506000134352211234", "", "1234", true},
		{"gs1:21", "0109506000134352", "]d2", "", false},
		{"gs1:21", "AC2000000001", "", "", false},
		{"dl:21", "https://id.gs1.org/01/09506000134352/21/XYZ", "]Q1", "XYZ", true},
		{"iso15434:S", "[)>\x1e06\x1dSAC2000000001\x1e\x04", "", "AC2000000001", true},
		{"iso15434:S", "[)>\x1e06\x1d1PX\x1e\x04", "", "", false},
	} {
		s, err := ParseSource(tc.src)
		if err != nil {
			t.Fatal(err)
		}
		a, _, _ := SplitAIM(tc.aim)
		got, ok, reason := s.Extract(tc.text, a)
		if got != tc.want || ok != tc.ok || (!ok && reason == "") {
			t.Errorf("%s on %q: %q %v %q", tc.src, tc.text, got, ok, reason)
		}
	}
	for _, bad := range []string{"gs1", "gs1:", "gs1:5", "dl:ZZ", "iso15434:12", "iso15434:1234S", "qr:1"} {
		if _, err := ParseSource(bad); err == nil {
			t.Errorf("ParseSource(%q): no error", bad)
		}
	}
}

func FuzzParseGS1(f *testing.F) {
	for _, s := range []string{"0109506000134352211234", "(01)09506000134352(21)X", "\x1d10A\x1d21B", "3103000150", "17270200"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		es, err := ParseGS1(s)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Offset < 0 || pe.Offset > len(s)+4 {
				t.Fatalf("error %v", err)
			}
			return
		}
		for _, e := range es {
			if _, ok := lookupAI(e.AI); !ok || e.Value == "" {
				t.Fatalf("element %+v", e)
			}
		}
	})
}

func FuzzDigitalLink(f *testing.F) {
	f.Add("https://id.gs1.org/01/09506000134352/21/ABC?17=271231")
	f.Add("https://x.example/gtin/9506000134352/ser/%41")
	f.Fuzz(func(t *testing.T, s string) {
		es, err := ParseDigitalLink(s)
		if err == nil && len(es) == 0 {
			t.Fatal("no elements and no error")
		}
	})
}

func FuzzISO15434(f *testing.F) {
	f.Add("[)>\x1e06\x1d1PMODEL\x1dSSN1\x1e\x04")
	f.Add("[)>\x1e05\x1d0109506000134352\x1e\x04")
	f.Fuzz(func(t *testing.T, s string) {
		env, err := ParseISO15434(s)
		if err == nil && len(env) == 0 {
			t.Fatal("no fields and no error")
		}
	})
}

func FuzzSplitAIM(f *testing.F) {
	f.Add("]C1abc")
	f.Fuzz(func(t *testing.T, s string) {
		a, rest, ok := SplitAIM(s)
		if ok && a.String()+rest != s || !ok && rest != s {
			t.Fatalf("SplitAIM(%q) = %q %q %v", s, a, rest, ok)
		}
	})
}
