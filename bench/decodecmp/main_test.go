package main

import "testing"

// TestScore scores readings the way the comparison counts them, for every
// tool alike: the right code, the right code in another spelling (UPC-A in
// EAN-13 form, UPC-E expanded, an add-on), a second text of the code's
// family beside it, and codes on a photo that has none.
func TestScore(t *testing.T) {
	ean := sample{want: []byte("0075720003259\n"), wantText: true}
	none := sample{}
	b := func(ss ...string) [][]byte {
		var out [][]byte
		for _, s := range ss {
			out = append(out, []byte(s))
		}
		return out
	}
	for _, c := range []struct {
		name     string
		texts    [][]byte
		formats  []string
		s        sample
		ok, miss bool
	}{
		{"UPC-A as read", b("075720003259"), []string{"UPC_A"}, ean, true, false},
		{"UPC-A as EAN-13, zbar's name", b("0075720003259"), []string{"EAN-13"}, ean, true, false},
		{"with an add-on", b("075720003259 12"), []string{"UPC-A"}, ean, true, false},
		{"a second UPC-A beside it", b("075720003259", "1077778003259"), []string{"UPC_A", "EAN_13"}, ean, true, true},
		{"a QR Code beside it", b("075720003259", "hello"), []string{"UPC_A", "QR_CODE"}, ean, true, false},
		{"only a wrong code", b("1077778003259"), []string{"EAN_13"}, ean, false, true},
		{"nothing", nil, nil, ean, false, false},
		{"a code on a photo without one", b("x"), []string{"CODE_128"}, none, false, true},
		{"UPC-E expanded", b("01264904"), []string{"UPC-E"}, sample{want: []byte("0012000006494")}, true, false},
	} {
		ok, miss := score(c.texts, c.formats, c.s)
		if ok != c.ok || miss != c.miss {
			t.Errorf("%s: read %v, misread %v; want %v, %v", c.name, ok, miss, c.ok, c.miss)
		}
	}
	for f, want := range map[string]string{"EAN-13": "EANUPC", "UPC_E": "EANUPC", "I2/5": "I25", "ITF": "ITF", "Code128": "CODE128", "CODE-128": "CODE128", "QR_CODE": "", "DataMatrix": ""} {
		if got := family1D(f); got != want {
			t.Errorf("family1D(%q) = %q, want %q", f, got, want)
		}
	}
}
