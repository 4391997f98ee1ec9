package decode

import (
	"image"
	"testing"

	"github.com/serialgate/serialgate"
	shoot "github.com/serialgate/serialgate/internal/photo"
)

// TestOrientedITF reads ITF symbols drawn by zint, photographed turned to
// angles that are no quarter turn and blurred, on the any-angle reader's
// lines: the text exactly, with the row reader's AIM identifier, and
// nothing else.
func TestOrientedITF(t *testing.T) {
	d := New(Options{Formats: []serialgate.Symbology{serialgate.ITF}})
	for _, c := range []roundTrip{
		zintCase("itf-8", serialgate.ITF, 3, "00123456", "00123456", "]I0"),
		zintCase("itf-14", serialgate.ITF, 3, "15400141288763", "15400141288763", "]I0"),
	} {
		src := c.encode(t)
		for i, deg := range []float64{12, 33, 45, 78, 131, 200} {
			img := shoot.Render(src, shoot.Params{Angle: deg, Scale: 2, Blur: 1, Noise: 4, Margin: 40, Seed: uint64(i)})
			got := d.oriented(GrayOf(img), nil, nil, nil, nil)
			if len(got) != 1 || got[0].Symbology != serialgate.ITF || got[0].Text != c.text || got[0].AIM != c.aim {
				t.Errorf("%s turned %.0f°: read %+v", c.name, deg, got)
			}
		}
	}
}

// itfRuns lays out the elements of an ITF symbol of digits (an even
// number) on a scan line, narrow elements n wide and wide ones 2.5n, with
// quiet zones of before and after narrow widths, then the extra widths
// (a bar first) after it. A bar 3n wide stands before the quiet zone, so
// that the line's end does not stand in for it.
func itfRuns(digits string, n, before, after float64, extra ...float64) runs {
	ws := []float64{8 * n, 3 * n, before * n, n, n, n, n}
	for i := 0; i+1 < len(digits); i += 2 {
		a, b := itfDigits[digits[i]-'0'], itfDigits[digits[i+1]-'0']
		for e := 4; e >= 0; e-- {
			for _, p := range []uint8{a, b} {
				w := n
				if p>>e&1 == 1 {
					w = 2.5 * n
				}
				ws = append(ws, w)
			}
		}
	}
	ws = append(ws, 2.5*n, n, n, after*n)
	ws = append(ws, extra...)
	if len(extra) > 0 {
		ws = append(ws, 10*n) // the line's end, past the extra bars
	}
	x := []float64{0}
	for _, w := range ws {
		x = append(x, x[len(x)-1]+w)
	}
	return runs{x: x, dark0: false}
}

// TestReadITF reads ITF symbols laid out on scan lines, both ways, and
// holds them to their quiet zones and shape.
func TestReadITF(t *testing.T) {
	for _, c := range []struct {
		name string
		r    runs
		want string // "" for no read
	}{
		{"itf-14", itfRuns("15400141288763", 3, 12, 12), "15400141288763"},
		{"six digits", itfRuns("908172", 2.2, 10.5, 10.5), "908172"},
		{"four digits", itfRuns("9081", 3, 12, 12), ""},
		// Bars printed past the quiet zone after the stop do not hide it.
		{"tail past the quiet zone", itfRuns("00123456", 3, 12, 12, 3, 4, 9, 3, 6), "00123456"},
		// Bars three narrow widths after the stop leave no quiet zone.
		{"bars too close", itfRuns("00123456", 3, 12, 3, 3, 4, 9, 3, 6), ""},
		{"no quiet zone before", itfRuns("00123456", 3, 5, 12, 3, 4, 9, 3, 6), ""},
	} {
		for dir, r := range []runs{c.r, c.r.reversed(nil)} {
			var got string
			reads := readITF(r, nil)
			if len(reads) > 1 {
				t.Errorf("%s (way %d): %d reads %v", c.name, dir, len(reads), reads)
			}
			if len(reads) > 0 {
				got = reads[0].text
				if reads[0].aim != "]I0" || reads[0].from >= reads[0].to {
					t.Errorf("%s (way %d): read %+v", c.name, dir, reads[0])
				}
			}
			// Backwards, the stop is no start: nothing is read.
			want := c.want
			if dir == 1 {
				want = ""
			}
			if got != want {
				t.Errorf("%s (way %d): read %q, want %q", c.name, dir, got, want)
			}
		}
	}
}

// TestStripITF reads ITF and Code 128 codes on images only a few pixels
// high (or wide): a strip cut from a photo across the code, as a line-scan
// camera or a scanner's image gives it, too thin for the gradient cells
// that find codes elsewhere. Blurred at a module of 1.3 to 1.5 pixels, the
// row reader's thresholds lose narrow elements; the any-angle reader's
// edges keep them. Blank and noisy strips read nothing.
func TestStripITF(t *testing.T) {
	d := New(Options{})
	for _, c := range []struct {
		roundTrip
		scale, blur float64
	}{
		{zintCase("itf-8", serialgate.ITF, 3, "00123456", "00123456", "]I0"), 1.3, 1},
		{zintCase("code128", serialgate.Code128, 20, "SG-0042-ABC", "SG-0042-ABC", "]C0"), 1.5, 1.2},
	} {
		src := c.encode(t)
		img := GrayOf(shoot.Render(src, shoot.Params{Scale: c.scale, Blur: c.blur, Noise: 3, Margin: 30, Seed: 7}))
		for _, rows := range []int{4, 9, 30} {
			mid := img.Height / 2
			strip := img.crop(image.Rect(0, mid-rows/2, img.Width, mid-rows/2+rows)).compact()
			for _, turned := range []bool{false, true} {
				g := strip
				if turned {
					g = strip.rotate90()
				}
				got, err := d.Gray(g)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != 1 || got[0].Symbology != c.sym || got[0].Text != c.text {
					t.Errorf("%s, %dx%d strip: read %+v", c.name, g.Width, g.Height, got)
				}
			}
		}
	}
	noise := GrayOf(shoot.Render(image.NewGray(image.Rect(0, 0, 300, 4)), shoot.Params{Noise: 40, Seed: 3}))
	for _, g := range []Gray{noise, noise.rotate90()} {
		if got, _ := d.Gray(g); len(got) != 0 {
			t.Errorf("noise strip %dx%d: read %+v", g.Width, g.Height, got)
		}
	}
}
