package decode

import (
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"

	"github.com/serialgate/serialgate"
)

// textWithCheck finds a text of code set B characters, no digits (so that
// an encoder stays in set B), whose Code 128 check value is c.
func textWithCheck(c int) string {
	const prefix = "SG"
	base := c128StartB
	for i, ch := range prefix {
		base += (i + 1) * int(ch-' ')
	}
	for a := byte('A'); a <= 'z'; a++ {
		for b := byte('A'); b <= 'z'; b++ {
			if (base+3*int(a-' ')+4*int(b-' '))%103 == c {
				return prefix + string([]byte{a, b})
			}
		}
	}
	return ""
}

// checkValue is the check character's value of a symbol gozxing reads from
// row: the proof that a test symbol has the check value it is meant to.
func checkValue(t *testing.T, m *gozxing.BitMatrix) int {
	t.Helper()
	r, err := oned.NewCode128Reader().(oned.RowDecoder).DecodeRow(0, m.GetRow(0, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	raw := r.GetRawBytes()
	return int(raw[len(raw)-2])
}

// TestCode128CheckValues draws a Code 128 symbol for every check value,
// 0 to 102, and reads it with the decoder, with the scan-line reader of
// sharp edges and with the reader of blurred profiles: each gives exactly
// the text encoded. A check value of 102 (FNC1 in the data) once came out
// as a GS ending the text.
func TestCode128CheckValues(t *testing.T) {
	d := New(Options{Formats: []serialgate.Symbology{serialgate.Code128}})
	for c := range 103 {
		text := textWithCheck(c)
		m := encode(t, serialgate.Code128, text)
		if got := checkValue(t, m); got != c {
			t.Fatalf("%q: check value %d, want %d", text, got, c)
		}
		g := canvas(m.GetWidth()*2+40, 160)
		paste(g, render(t, m, 2), 20, 20)
		got, err := d.Gray(g)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Text != text || got[0].AIM != "]C0" {
			t.Errorf("check %d: read %+v, want only %q ]C0", c, got, text)
		}
		row := m.GetRow(0, nil)
		for _, blur := range []float64{0, 0.9} {
			p := blurredRow(row, 2.5, blur)
			rs, _ := edges(p, 0.5, nil, nil)
			var reads []lineRead
			if blur == 0 {
				reads = readCode128(rs, nil)
			} else {
				reads = readCode128Blurred(p, 0.5, rs, nil)
			}
			if len(reads) != 1 || reads[0].text != text || reads[0].aim != "]C0" {
				t.Errorf("check %d, blur %.1f modules: line read %v, want %q", c, blur, reads, text)
			}
		}
	}
}

// blurredRow draws the bits of row, with 10 more light modules on either
// side (the writer leaves 5), with modules of scale pixels and a Gaussian
// blur of sigma modules (none for 0), dark 40 on light 210, sampled every
// half pixel.
func blurredRow(row *gozxing.BitArray, scale, sigma float64) []float32 {
	const pad = 10
	n := int(float64(row.GetSize()+2*pad) * scale * 2)
	out := make([]float32, n)
	s := sigma * scale
	for i := range out {
		x := float64(i)/2/scale - pad // in modules
		dark := 0.0
		if s == 0 {
			if k := int(math.Floor(x)); k >= 0 && k < row.GetSize() && row.Get(k) {
				dark = 1
			}
		} else {
			for k := max(0, int(x-4*sigma)-1); k < min(row.GetSize(), int(x+4*sigma)+2); k++ {
				if row.Get(k) {
					a, b := (float64(k)-x)/sigma, (float64(k+1)-x)/sigma
					dark += 0.5 * (math.Erf(b/math.Sqrt2) - math.Erf(a/math.Sqrt2))
				}
			}
		}
		out[i] = float32(210 - 170*dark)
	}
	return out
}

// TestCode128Text checks the text and AIM identifier made of a symbol's
// values against ISO/IEC 15417's code sets and function characters.
func TestCode128Text(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values []int
		text   string
		aim    string
		bad    bool
	}{
		{"set B", []int{c128StartB, 'A' - ' ', 'b' - ' '}, "Ab", "]C0", false},
		{"set A control", []int{c128StartA, 'A' - ' ', 64 + 9}, "A\t", "]C0", false},
		{"set C digits", []int{c128StartC, 12, 34, 5}, "123405", "]C0", false},
		{"C to B", []int{c128StartC, 12, c128CodeB, 'x' - ' '}, "12x", "]C0", false},
		{"GS1", []int{c128StartC, c128FNC1, 1, 23, c128FNC1, 10}, "0123\x1d10", "]C1", false},
		{"FNC1 second, letter", []int{c128StartB, 'A' - ' ', c128FNC1, 'z' - ' '}, "Az", "]C2", false},
		{"FNC1 second, digits", []int{c128StartC, 12, c128FNC1, 34}, "1234", "]C2", false},
		{"FNC2", []int{c128StartB, c128FNC2, 'A' - ' '}, "A", "]C4", false},
		{"shift", []int{c128StartB, 'a' - ' ', c128Shift, 64 + 13, 'b' - ' '}, "a\rb", "]C0", false},
		{"FNC4 once", []int{c128StartB, c128CodeB, 'A' - ' ', 'A' - ' '}, "\xc1A", "]C0", false},
		{"FNC4 latch", []int{c128StartB, c128CodeB, c128CodeB, 'A' - ' ', 'B' - ' ', c128CodeB, c128CodeB, 'C' - ' '}, "\xc1\xc2C", "]C0", false},
		{"no data", []int{c128StartB}, "", "", true},
		{"only FNC1", []int{c128StartB, c128FNC1}, "", "", true},
		{"start in data", []int{c128StartB, c128StartA}, "", "", true},
		{"not a start", []int{5, 6}, "", "", true},
		{"set C 102+", []int{c128StartC, 103}, "", "", true},
	} {
		text, aim, err := code128Text(tc.values)
		if (err != nil) != tc.bad || text != tc.text || aim != tc.aim {
			t.Errorf("%s: %q %q %v, want %q %q (error %v)", tc.name, text, aim, err, tc.text, tc.aim, tc.bad)
		}
	}
}

// FuzzCode128Text checks that any values give a text or an error, never a
// panic, and that a text is never empty.
func FuzzCode128Text(f *testing.F) {
	f.Add([]byte{c128StartB, 33, 34})
	f.Add([]byte{c128StartC, c128FNC1, 1, 2, c128CodeB, c128Shift, 70})
	f.Add([]byte{c128StartA, c128CodeA, c128CodeA, 5})
	f.Fuzz(func(t *testing.T, b []byte) {
		values := make([]int, len(b))
		for i, v := range b {
			values[i] = int(v)
		}
		text, aim, err := code128Text(values)
		if err == nil && (text == "" || len(aim) != 3) {
			t.Errorf("%v: text %q aim %q without an error", values, text, aim)
		}
	})
}
