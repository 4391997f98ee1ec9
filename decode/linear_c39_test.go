package decode

import (
	"math"
	"strings"
	"testing"

	"github.com/serialgate/serialgate"
)

// c39Runs lays out text (without the asterisks) as a Code 39 symbol on a
// scan line: narrow elements of n pixels, wide ones ratio times that, the
// bars grown by spread pixels and the spaces shrunk by as much (ink
// spread), with quiet zones of twelve narrow elements.
func c39Runs(t *testing.T, text string, n, ratio, spread float64) runs {
	t.Helper()
	x := []float64{0, 12 * n}
	for ci, c := range "*" + text + "*" {
		at := strings.IndexRune(c39Chars, c)
		if at < 0 {
			t.Fatalf("%q is no Code 39 character", c)
		}
		if ci > 0 {
			x = append(x, x[len(x)-1]+n-spread) // the gap
		}
		for i := range 9 {
			w := n
			if c39Wide[at]&(1<<(8-i)) != 0 {
				w = ratio * n
			}
			if i%2 == 0 {
				w += spread
			} else {
				w -= spread
			}
			x = append(x, x[len(x)-1]+w)
		}
	}
	x = append(x, x[len(x)-1]+12*n)
	return runs{x: x, dark0: false}
}

// TestReadCode39Runs reads every Code 39 character at the wide-to-narrow
// ratios printers use, with ink spread either way: bars grown until a
// narrow bar is as wide as a wide space at a ratio of two, or shrunk.
func TestReadCode39Runs(t *testing.T) {
	all := strings.TrimSuffix(c39Chars, "*")
	// Full-ASCII pairs would be decoded: "$/+%" are kept apart here.
	plain := strings.Trim(all, "$/+%")
	for _, text := range []string{plain, "CTN139222109", "PCB-9W4311394", "A", "$ / + %"} {
		for _, ratio := range []float64{2, 2.5, 3} {
			for _, spread := range []float64{-0.8, 0, 1, 1.8} {
				r := c39Runs(t, text, 3, ratio, spread)
				got := readCode39(r, nil)
				want := text
				if text == "$ / + %" {
					want = "$ / + %" // no valid full-ASCII pair: kept as printed
				}
				if len(got) != 1 || got[0].text != want || got[0].sym != serialgate.Code39 || got[0].aim != "]A0" {
					t.Errorf("%q ratio %.1f spread %.1f: read %v", text, ratio, spread, got)
					continue
				}
				if math.Abs(got[0].from-r.x[1]) > 1e-9 || math.Abs(got[0].to-r.x[len(r.x)-2]) > 1e-9 {
					t.Errorf("%q: read from %.1f to %.1f, want %.1f to %.1f", text, got[0].from, got[0].to, r.x[1], r.x[len(r.x)-2])
				}
			}
		}
	}
	// Full ASCII, as the row reader reports it.
	if got := readCode39(c39Runs(t, "+S+N-%U1", 3, 2.5, 0), nil); len(got) != 1 || got[0].text != "sn-\x001" {
		t.Errorf("full ASCII: read %v", got)
	}
}

// TestReadCode39Rejects checks that a symbol whose shape breaks is not
// read rather than misread: one wide element made narrow, a character
// whose wide and narrow bars run together, a missing stop, a quiet zone
// too short, and a character twice as wide as the rest.
func TestReadCode39Rejects(t *testing.T) {
	base := c39Runs(t, "AB12", 3, 2.5, 0)
	if got := readCode39(base, nil); len(got) != 1 || got[0].text != "AB12" {
		t.Fatalf("the unbroken symbol read %v", got)
	}
	edit := func(f func(x []float64) []float64) runs {
		x := append([]float64(nil), base.x...)
		return runs{x: f(x), dark0: base.dark0}
	}
	shift := func(x []float64, from int, by float64) []float64 {
		for i := from; i < len(x); i++ {
			x[i] += by
		}
		return x
	}
	// Element k of character c (c 0 is the start) is element 1+10c+k
	// of the runs; edge i+1 ends element i.
	el := func(c, k int) int { return 1 + 10*c + k }
	wideOf := func(c int) int { // the first wide bar of character c
		at := strings.IndexByte(c39Chars, "*AB12*"[c])
		for k := 0; k < 9; k += 2 {
			if c39Wide[at]&(1<<(8-k)) != 0 {
				return k
			}
		}
		t.Fatalf("no wide bar in %q", "*AB12*"[c])
		return 0
	}
	for name, r := range map[string]runs{
		"a wide bar made narrow": edit(func(x []float64) []float64 {
			return shift(x, el(2, wideOf(2))+1, -4.5)
		}),
		"wide and narrow bars alike": edit(func(x []float64) []float64 {
			return shift(x, el(3, wideOf(3))+1, -3.6)
		}),
		"no stop": runs{x: append(append([]float64(nil), base.x[:el(5, 0)+1]...), base.x[el(5, 0)]+40), dark0: base.dark0},
		"short quiet zone": func() runs {
			// A bar, then light of two narrow elements before the start.
			x := []float64{0, 10}
			for _, v := range base.x[1:] {
				x = append(x, v-base.x[1]+16)
			}
			return runs{x: x, dark0: true}
		}(),
		"a character twice as wide": edit(func(x []float64) []float64 {
			for k := 0; k < 9; k++ {
				i := el(2, k)
				w := x[i+1] - x[i]
				x = shift(x, i+1, w)
			}
			return x
		}),
	} {
		if got := readCode39(r, nil); len(got) != 0 {
			t.Errorf("%s: read %v", name, got)
		}
	}
}

// shear maps g so that its columns lean by deg (x grows with y) and turns
// the result by turn degrees: a code's bars seen in perspective, no longer
// square to its length.
func shear(g Gray, deg float64) Gray {
	k := math.Tan(deg * math.Pi / 180)
	extra := int(math.Abs(k)*float64(g.Height)) + 2
	out := canvas(g.Width+extra, g.Height)
	for y := range out.Height {
		for x := range out.Width {
			sx := float64(x) - k*float64(g.Height-1-y)
			if k < 0 {
				sx += float64(extra - 2)
			}
			if sx >= 0 && sx < float64(g.Width-1) {
				out.Pix[y*out.Stride+x] = byte(bilinearAt(g, sx, float64(min(y, g.Height-2))) + 0.5)
			}
		}
	}
	return out
}

// TestCode39Sheared reads a Code 39 symbol whose bars lean 14° from square
// to its length, turned 30°: lines square to the bars leave its short bars
// before they cross it, and the region's cells give its length's
// direction (region.skew), along which a pass reads it. A box-label photo
// held such a code (shared set, photo 0077).
func TestCode39Sheared(t *testing.T) {
	code := render(t, encode(t, serialgate.Code39, "CTN139222109"), 2)
	code.Height = 36 // short bars, as decoys have
	page := canvas(code.Width+80, 120)
	paste(page, code, 40, 40)
	for _, lean := range []float64{14, -14} {
		g := turnSmooth(shear(page, lean), 30)
		rs := findRegions(g, 2)
		if len(rs) == 0 {
			t.Fatalf("lean %.0f°: no region", lean)
		}
		if s := rs[0].skew * 180 / math.Pi; math.Abs(math.Abs(s)-14) > 3 {
			t.Errorf("lean %.0f°: region skew %.1f°, want about 14°", lean, s)
		}
		d := New(Options{Formats: []serialgate.Symbology{serialgate.Code39}})
		got, err := d.Gray(g)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Text != "CTN139222109" || got[0].Symbology != serialgate.Code39 {
			t.Errorf("lean %.0f°: read %+v", lean, got)
		}
	}
}

// TestSkew checks the long axis of cells' places: a line of places turned
// from the direction given, a round cloud, and a line turned too far.
func TestSkew(t *testing.T) {
	moments := func(deg float64, long, short float64) tensor {
		a := deg * math.Pi / 180
		c, s := math.Cos(a), math.Sin(a)
		var m tensor
		for _, p := range [][2]float64{{long, short}, {-long, short}, {long, -short}, {-long, -short}} {
			x, y := c*p[0]-s*p[1], s*p[0]+c*p[1]
			m.xx, m.yy, m.xy = m.xx+x*x, m.yy+y*y, m.xy+x*y
		}
		return m
	}
	for _, tc := range []struct {
		deg, long, short, th, want float64
	}{
		{14, 100, 10, 0, 14},
		{-10, 100, 10, 0, -10},
		{100, 100, 10, 90, 10}, // about the same axis, either way
		{14, 100, 60, 0, 0},    // not elongated
		{40, 100, 10, 0, 0},    // beyond maxSkew
	} {
		got := moments(tc.deg, tc.long, tc.short).skew(tc.th*math.Pi/180) * 180 / math.Pi
		if math.Abs(got-tc.want) > 0.01 {
			t.Errorf("places along %.0f° (%.0f by %.0f) from %.0f°: skew %.2f°, want %.0f°", tc.deg, tc.long, tc.short, tc.th, got, tc.want)
		}
	}
}

// TestCode39FullASCII checks which texts are decoded as full ASCII: pairs
// that a full-ASCII encoder writes are, and a text holding a pair for a
// character Code 39 has of its own ("/N" for ".") is plain Code 39, as
// "P/N 1234" on a label is, which ZXingReader and zbarimg report as it
// stands.
func TestCode39FullASCII(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"P/N 1234", "P/N 1234"},
		{"REF/M1", "REF/M1"},
		{"+S+N-%U1", "sn-\x001"},
		{"/O/D/E/K", "/$%+"},
		{"$M$J", "\r\n"},
		{"AB12", "AB12"},
		{"AB+", "AB+"},
	} {
		got, ok := code39FullASCII(tc.in)
		if got != tc.want || ok != (tc.in != tc.want) {
			t.Errorf("%q: %q %v, want %q", tc.in, got, ok, tc.want)
		}
	}
	// On a scan line too.
	if got := readCode39(c39Runs(t, "P/N 1234", 3, 2.5, 0), nil); len(got) != 1 || got[0].text != "P/N 1234" {
		t.Errorf("P/N 1234 on a line: read %v", got)
	}
}
