package render

import (
	"errors"
	"strings"
	"testing"

	"github.com/serialgate/serialgate"
)

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		sym   serialgate.Symbology
		value string
		want  string // "" for pass, else a part of the reason
	}{
		{serialgate.Code128, "SN000123", ""},
		{serialgate.Code128, "ab-12/x", ""},
		{serialgate.Code39, "SN-000123", ""},
		{serialgate.Code39, "sn000123", "lower case 's' needs Code 39 full ASCII"},
		{serialgate.Code39, "SN_1", `'_' is not a Code 39 character`},
		{serialgate.ITF, "00012345678905", ""},
		{serialgate.ITF, "1234567", "7 is odd"},
		{serialgate.ITF, "12AB", "digits only"},
		{serialgate.EAN13, "4006381333931", ""},
		{serialgate.EAN13, "4006381333932", "check digit 2 is wrong: the digits before it give 1"},
		{serialgate.EAN13, "400638133393", "carries 13 digits"},
		{serialgate.UPCA, "036000291452", ""},
		{serialgate.UPCA, "036000291453", "check digit 3 is wrong"},
		{serialgate.QRCode, "https://example.com/SN0001?a=<b>", ""},
		{serialgate.QRCode, "Grüße SN1", ""},
		{serialgate.DataMatrix, "SN0001 lower case and ~!", ""},
	} {
		err := Check(c.sym, c.value)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s %q: %v", c.sym, c.value, err)
		case c.want != "":
			var re *Error
			if !errors.As(err, &re) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s %q: got %v, want an *Error with %q", c.sym, c.value, err, c.want)
			}
		}
	}
}

func TestUnsupported(t *testing.T) {
	if err := Check(serialgate.Aztec, "X"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("aztec: %v, want ErrUnsupported", err)
	}
}

// FuzzCheck: no value makes the writers or the reader panic.
func FuzzCheck(f *testing.F) {
	f.Add(0, "SN0001")
	f.Add(3, "1234567")
	f.Add(5, "\x00\xff")
	syms := []serialgate.Symbology{serialgate.Code128, serialgate.Code39, serialgate.EAN13, serialgate.UPCA,
		serialgate.ITF, serialgate.QRCode, serialgate.DataMatrix}
	f.Fuzz(func(t *testing.T, i int, v string) {
		if len(v) > 64 {
			return
		}
		if i < 0 {
			i = -i
		}
		Check(syms[i%len(syms)], v)
	})
}
