package decode

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"
)

// The codeword streams below are those of the shared samples eci.png and
// eci-mixed.png (datamatrix-1), whose expected contents zxing-cpp's test
// suite gives.
var (
	eciCodewords      = []byte{235, 55, 241, 8, 235, 55, 129, 56}
	eciMixedCodewords = []byte{241, 131, 12, 235, 98, 241, 2, 235, 34, 241, 204, 81, 6, 235, 34, 241, 6, 235, 34,
		241, 6, 235, 34, 241, 27, 231, 205, 42, 163, 120, 174, 63, 255, 240, 0, 0, 0, 0, 0, 31, 65, 65, 65, 96}
)

func TestDMECI(t *testing.T) {
	// ¶ in ISO-8859-1, then ECI 7 (ISO-8859-5), where the same byte is Ж.
	text, raw, err := dmECI(eciCodewords)
	if err != nil || text != "¶Ж" || !bytes.Equal(raw, []byte{0xb6, 0xb6}) {
		t.Errorf("eci: %q %x %v", text, raw, err)
	}
	// ECIs 899 and beyond, an upper shift under each, Base 256 under
	// UTF-8 (ECI 26), then EDIFACT.
	text, raw, err = dmECI(eciMixedCodewords)
	want := []byte{0xe1, 0xa1, 0xa1, 0xa1, 0xa1, 0xcd, 0xb1, 0xf0, 0x90, 0x8c, 0xb6}
	want = append(want, bytes.Repeat([]byte{'@'}, 10)...)
	want = append(want, '_')
	if err != nil || !bytes.Equal(raw, want) || !utf8.ValidString(text) || !bytes.Contains([]byte(text), []byte("ͱ𐌶@@@")) {
		t.Errorf("eci-mixed: %q %x %v", text, raw, err)
	}
	for _, c := range []struct {
		name string
		cw   []byte
		want string
		err  error
	}{
		{"digit pairs and FNC1", []byte{241, 27, 142, 232, 66}, "12\x1dA", nil},
		{"GS1 flag first", []byte{232, 241, 27, 66}, "A", nil},
		{"05 macro", []byte{236, 241, 27, 66}, "[)>\x1e05\x1dA\x1e\x04", nil},
		{"C40 after an ECI", []byte{241, 27, 230, 1, 2}, "", errEncodation},
		{"X12", []byte{241, 27, 238}, "", errEncodation},
		{"ECI cut off", []byte{66, 241}, "", nil},
		{"two-codeword ECI cut off", []byte{66, 241, 130}, "", nil},
		{"Base 256 past the data", []byte{241, 27, 231, 255}, "", nil},
		{"codeword 0", []byte{241, 27, 0}, "", nil},
	} {
		text, _, err := dmECI(c.cw)
		switch {
		case c.want != "" && (err != nil || text != c.want):
			t.Errorf("%s: %q %v, want %q", c.name, text, err, c.want)
		case c.want == "" && err == nil:
			t.Errorf("%s: %q, want an error", c.name, text)
		case c.err != nil && !errors.Is(err, c.err):
			t.Errorf("%s: error %v, want %v", c.name, err, c.err)
		}
	}
}

// TestECISamples reads the ECI samples whole, through the decoder.
func TestECISamples(t *testing.T) {
	ps := loadPhotos(t, "datamatrix-1")
	d := New(Options{})
	seen := 0
	for _, p := range ps {
		if p.name != "eci.png" {
			continue
		}
		seen++
		got, err := d.Gray(p.g)
		if err != nil || len(got) != 1 || got[0].Text != "¶Ж" || got[0].AIM != "]d4" {
			t.Errorf("eci.png: %+v %v", got, err)
		}
	}
	if seen != 1 {
		t.Errorf("eci.png not among the samples (%d)", seen)
	}
}

func FuzzDMECI(f *testing.F) {
	f.Add(eciCodewords)
	f.Add(eciMixedCodewords)
	f.Add([]byte{241, 200, 1, 1, 240, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, cw []byte) {
		text, raw, err := dmECI(cw)
		if err != nil {
			if text != "" || raw != nil {
				t.Fatalf("error %v with output %q %x", err, text, raw)
			}
			return
		}
		if !utf8.ValidString(text) {
			t.Fatalf("text %q is not UTF-8", text)
		}
	})
}

// TestECICharsets decodes a character of each kind of character set the
// ECIs name (values from the character sets' own tables), and an ECI
// without one as ISO-8859-1.
func TestECICharsets(t *testing.T) {
	for _, c := range []struct {
		eci  int
		b    []byte
		want string
	}{
		{0, []byte{0x82}, "é"}, {2, []byte{0x82}, "é"}, // Code page 437
		{1, []byte{0xe9}, "é"}, {3, []byte{0xe9}, "é"}, {27, []byte{0x41}, "A"}, {170, []byte{0x41}, "A"},
		{4, []byte{0xb1}, "ą"}, {7, []byte{0xb6}, "Ж"}, {9, []byte{0xc1}, "Α"}, {11, []byte{0xfd}, "ı"},
		{13, []byte{0xa1}, "ก"}, {17, []byte{0xa4}, "€"}, {18, []byte{0xa1}, "Ą"},
		{20, []byte{0x82, 0xa0}, "あ"}, {22, []byte{0xc0}, "А"}, {23, []byte{0x80}, "€"}, {24, []byte{0xc7}, "ا"},
		{25, []byte{0x00, 0x41, 0x04, 0x16}, "AЖ"}, {26, []byte("é"), "é"},
		{28, []byte{0xa4, 0x40}, "一"}, {29, []byte{0xd6, 0xd0}, "中"}, {30, []byte{0xb0, 0xa1}, "가"},
		{999, []byte{0xe9}, "é"},
	} {
		if got := eciText(c.eci, c.b); got != c.want {
			t.Errorf("ECI %d, % x: %q, want %q", c.eci, c.b, got, c.want)
		}
	}
}
