package decode

import (
	"math"
	"testing"

	"github.com/serialgate/serialgate"
)

// TestStanding checks when the row reader reads the rows turned a quarter:
// where the regions show a code standing on end, or the image is a strip
// too thin for regions; not on a page of upright bars or 2D codes alone.
func TestStanding(t *testing.T) {
	page := canvas(400, 300)
	if standing(page, nil) {
		t.Error("a page without regions: the turned rows are read")
	}
	if standing(page, []region{{ux: 1}, {ux: 0.95, uy: 0.31}}) {
		t.Error("upright bars and bars 18° off: the turned rows are read")
	}
	if !standing(page, []region{{ux: 1}, {ux: 0.9, uy: 0.44}}) {
		t.Error("bars 26° off: the turned rows are not read")
	}
	if !standing(page, []region{{uy: -1}}) {
		t.Error("bars on end: the turned rows are not read")
	}
	if !standing(canvas(300, 20), nil) || !standing(canvas(30, 300), nil) {
		t.Error("a strip: the turned rows are not read")
	}
	// The regions found on real pages.
	d := New(Options{})
	qr := render(t, encode(t, serialgate.QRCode, "https://example.com/p/1"), 4)
	upright := render(t, encode(t, serialgate.Code39, "SN-12345"), 2)
	for _, tc := range []struct {
		name string
		page Gray
		want bool
	}{
		{"a QR Code", pasted(t, 400, 300, qr), false},
		{"an upright Code 39", pasted(t, 400, 300, upright), false},
		{"a Code 39 on end", pasted(t, 400, 300, upright).rotate90(), true},
	} {
		if got := standing(tc.page, findRegions(tc.page, 2)); got != tc.want {
			t.Errorf("%s: standing %v, want %v", tc.name, got, tc.want)
		}
		if _, err := d.Gray(tc.page); err != nil {
			t.Fatal(err)
		}
	}
	// Code 39 is read on rows only, so on end it is read by the turned
	// rows: with a QR Code beside it, both are read.
	page = canvas(500, 400)
	paste(page, qr, 300, 40)
	paste(page, upright.rotate90(), 40, 40)
	got, err := d.Gray(page)
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]bool{}
	for _, b := range got {
		texts[b.Text] = true
	}
	if len(got) != 2 || !texts["SN-12345"] || !texts["https://example.com/p/1"] {
		t.Errorf("Code 39 on end beside a QR Code: got %+v", got)
	}
}

// pasted is a white w×h page with g pasted at (40, 40).
func pasted(t *testing.T, w, h int, g Gray) Gray {
	t.Helper()
	page := canvas(w, h)
	paste(page, g, 40, 40)
	return page
}

// TestSpanned checks the part of a region's offsets that ranges cover:
// overlaps counted once, parts outside left out.
func TestSpanned(t *testing.T) {
	for _, tc := range []struct {
		rs   [][2]float64
		want float64
	}{
		{nil, 0},
		{[][2]float64{{-10, 10}}, 1},
		{[][2]float64{{-20, 20}}, 1},
		{[][2]float64{{0, 5}, {-10, -5}}, 0.5},
		{[][2]float64{{-10, 2}, {-4, 0}, {1, 4}}, 0.7},
		{[][2]float64{{12, 20}, {-30, -11}}, 0},
	} {
		if got := spanned(tc.rs, 10); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("spanned(%v, 10) = %v, want %v", tc.rs, got, tc.want)
		}
	}
}

// TestCoveredMost checks when the any-angle reader leaves a region to the
// row reader's codes: read on six lines or more, and over most of its
// lines.
func TestCoveredMost(t *testing.T) {
	r := region{cx: 100, cy: 50, ux: 1, halfU: 60, halfV: 20}
	code := func(top, bottom float64, lines int) Barcode {
		b := Barcode{Corners: []Point{{45, top}, {155, top}, {155, bottom}, {45, bottom}}}
		b.Symbology, b.ScanLines = serialgate.EAN13, lines
		return b
	}
	// lineGap widens a code's lines on either side.
	for _, tc := range []struct {
		name string
		bs   []Barcode
		want bool
	}{
		{"the whole region", []Barcode{code(30, 70, 20)}, true},
		{"four fifths", []Barcode{code(38, 70, 20)}, true},
		{"half", []Barcode{code(50, 70, 20)}, false},
		{"four fifths on three lines", []Barcode{code(38, 70, 3)}, false},
		{"two halves", []Barcode{code(30, 50, 8), code(50, 70, 8)}, true},
	} {
		if _, got := r.strongCover(tc.bs); got != tc.want {
			t.Errorf("%s: strongCover %v, want %v", tc.name, got, tc.want)
		}
	}
}
