package decode

import (
	"image"
	"image/draw"
	"strings"
	"testing"

	"github.com/serialgate/serialgate"
)

// TestDecodeAddOn checks the add-on's own rules on element widths written
// from the standard's tables: the L (odd) and G (even) patterns, the
// parities that check a 2-digit add-on (its value mod 4: LL, LG, GL, GG)
// and a 5-digit one, and the quiet zone after it.
func TestDecodeAddOn(t *testing.T) {
	guard := []int{1, 1, 2}
	del := []int{1, 1}
	// Widths space-bar-space-bar: L "1" = 0011001, L "2" = 0010011,
	// G "2" = 0011011, L "5" = 0110001, G "1" = 0110011.
	l1, l2, g2 := []int{2, 2, 2, 1}, []int{2, 1, 2, 2}, []int{2, 2, 1, 2}
	l5, g1 := []int{1, 2, 3, 1}, []int{1, 2, 2, 2}
	cat := func(parts ...[]int) []int {
		var out []int
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	quiet := []int{9}
	for _, c := range []struct {
		name   string
		runs   []int
		digits int
		want   string
	}{
		{"12 LL", cat(guard, l1, del, l2, quiet), 2, "12"},
		{"12 with a wrong parity", cat(guard, l1, del, g2, quiet), 2, ""},
		{"12 without quiet zone", cat(guard, l1, del, l2, []int{3}), 2, ""},
		// 15: 15 mod 4 = 3, GG
		{"15 LL", cat(guard, l1, del, l5, quiet), 2, ""},
		{"21 GG, where 21 mod 4 = 1 wants LG", cat(guard, g2, del, g1, quiet), 2, ""},
		// 21 mod 4 = 1: LG
		{"21 LG", cat(guard, l2, del, g1, quiet), 2, "21"},
	} {
		got, ok := decodeAddOn(c.runs, c.digits, 1)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%s: got %q %v, want %q", c.name, got, ok, c.want)
		}
	}
}

// TestAddOnQuietZone draws an EAN-13 with a 2-digit add-on with zint and
// then a bar just right of the add-on: without its quiet zone the add-on
// is not read, and the main code still is.
func TestAddOnQuietZone(t *testing.T) {
	c := zintCase("ean13+2", serialgate.EAN13, 13, "4006381333931+12", "", "")
	src := c.encode(t)
	b := src.Bounds()
	img := image.NewGray(b)
	draw.Draw(img, b, src, b.Min, draw.Src)
	d := New(Options{})
	read := func() string {
		got, err := d.Image(img)
		if err != nil || len(got) != 1 {
			t.Fatalf("got %+v, %v", got, err)
		}
		return got[0].Text
	}
	if got := read(); got != "4006381333931 12" {
		t.Fatalf("clean: read %q", got)
	}
	// The add-on's last bar, on the middle row.
	y := b.Min.Y + b.Dy()*2/3
	last := -1
	for x := b.Min.X; x < b.Max.X; x++ {
		if img.GrayAt(x, y).Y < 128 {
			last = x
		}
	}
	for x := last + 3; x < last+7 && x < b.Max.X; x++ {
		for yy := b.Min.Y; yy < b.Max.Y; yy++ {
			img.Pix[(yy-b.Min.Y)*img.Stride+x-b.Min.X] = 0
		}
	}
	if got := read(); got != "4006381333931" {
		t.Errorf("a bar in the add-on's quiet zone: read %q, want the main code alone", got)
	}
}

// FuzzAddOn runs the add-on decoder on any element widths: no panic, and
// what it reads is digits of the length asked for.
func FuzzAddOn(f *testing.F) {
	f.Add([]byte{1, 1, 2, 2, 2, 2, 1, 1, 1, 2, 1, 2, 2, 9}, true)
	f.Add([]byte{1, 1, 2, 2, 2, 2, 1, 1, 1, 2, 1, 2, 2, 1, 1, 1, 2, 3, 1, 1, 1, 3, 2, 1, 1, 1, 1, 1, 2, 3, 1, 9}, false)
	f.Fuzz(func(t *testing.T, widths []byte, two bool) {
		runs := make([]int, len(widths))
		for i, w := range widths {
			runs[i] = int(w)
		}
		digits := 5
		if two {
			digits = 2
		}
		s, ok := decodeAddOn(runs, digits, 1)
		if ok != (s != "") || ok && (len(s) != digits || strings.Trim(s, "0123456789") != "") {
			t.Fatalf("read %q, %v", s, ok)
		}
	})
}

// TestSparseFirstLines checks the row reader's first set on an image a
// scan line a row: a clean code is read on every fourth row and no more,
// while a code with an add-on is read on every row, the add-on's votes
// taken on all of them.
func TestSparseFirstLines(t *testing.T) {
	d := New(Options{})
	g := canvas(420, 150)
	paste(g, render(t, encode(t, serialgate.Code128, "SG-0042-ABC"), 2), 20, 15)
	got, err := d.Gray(g)
	if err != nil || len(got) != 1 || got[0].Text != "SG-0042-ABC" {
		t.Fatalf("code 128: got %+v, %v", got, err)
	}
	if n := got[0].ScanLines; n < 2 || n > g.Height/4+2 {
		t.Errorf("code 128 on %d rows of %d: read on %d scan lines, want every fourth row's", 120, g.Height, n)
	}

	c := zintCase("ean13+2", serialgate.EAN13, 13, "4006381333931+12", "", "")
	src := c.encode(t)
	b := src.Bounds()
	img := image.NewGray(b)
	draw.Draw(img, b, src, b.Min, draw.Src)
	if b.Dy() > 190 || b.Dy() <= denseLines {
		t.Fatalf("the EAN-13 image is %d rows high: not a scan line a row", b.Dy())
	}
	got, err = d.Image(img)
	if err != nil || len(got) != 1 || got[0].Text != "4006381333931 12" {
		t.Fatalf("ean-13 with add-on: got %+v, %v", got, err)
	}
	if n := got[0].ScanLines; n <= b.Dy()/4+2 {
		t.Errorf("ean-13 with add-on on %d rows: read on %d scan lines, want more than every fourth row", b.Dy(), n)
	}
}
