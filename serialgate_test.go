package serialgate

import "testing"

// TestReasonCodes: every reason has its own stable code, which reads back
// to the same reason; an unknown code is an error.
func TestReasonCodes(t *testing.T) {
	seen := map[string]Reason{}
	for r := ReasonNone; int(r) < len(reasonNames); r++ {
		code := r.String()
		if prev, ok := seen[code]; ok {
			t.Errorf("reasons %d and %d share the code %q", prev, r, code)
		}
		seen[code] = r
		back, err := ParseReason(code)
		if err != nil || back != r {
			t.Errorf("ParseReason(%q) = %v, %v; want %d", code, back, err, r)
		}
		if r != ReasonNone && code == "" {
			t.Errorf("reason %d has no code", r)
		}
	}
	if _, err := ParseReason("bogus"); err == nil {
		t.Error("unknown code accepted")
	}
	var r Reason
	if err := r.UnmarshalText([]byte("wrong_model")); err != nil || r != ReasonWrongModel {
		t.Errorf("UnmarshalText: %v %v", r, err)
	}
}

func TestScanBarcode(t *testing.T) {
	for _, tc := range []struct {
		aim  string
		want Symbology
	}{
		{"]C0", Code128}, {"]C1", Code128}, {"]d2", DataMatrix}, {"]Q1", QRCode}, {"]E0", EAN13}, {"]E4", EAN8},
		{"]A0", Code39}, {"]G0", Code93}, {"]I0", ITF}, {"]F0", Codabar}, {"]z0", Aztec}, {"]e0", RSS14}, {"", ""}, {"]X0", ""},
	} {
		b := Scan{Text: "AC2000000001", AIM: tc.aim}.Barcode()
		if b.Symbology != tc.want || b.Text != "AC2000000001" || b.AIM != tc.aim {
			t.Errorf("%q: %+v, want %s", tc.aim, b, tc.want)
		}
	}
}

// TestShown: a serial stands as it is only when every character is
// printable ASCII other than a space; anything a reader could miss or
// mistake is quoted with escapes.
func TestShown(t *testing.T) {
	for in, want := range map[string]string{
		"SN123-ABC": "SN123-ABC",
		"":          `""`,
		"SN 123":    `"SN 123"`,
		"SN\x1d123": `"SN\x1d123"`,
		"SNO١":      `"SNO\u0661"`,
		"A\tB":      `"A\tB"`,
	} {
		if got := Shown(in); got != want {
			t.Errorf("Shown(%q) = %s, want %s", in, got, want)
		}
	}
}
