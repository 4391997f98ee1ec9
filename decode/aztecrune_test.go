package decode

import (
	"fmt"
	"math"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/serialgate/serialgate"
)

// zintRune draws the rune of value v with zint (an independent encoder),
// s pixels a module, with its quiet zones.
func zintRune(t *testing.T, v, s int) Gray {
	t.Helper()
	c := zintCase("rune", serialgate.Aztec, 128, fmt.Sprint(v), "", "", fmt.Sprintf("--scale=%g", float64(s)/2))
	return GrayOf(c.encode(t))
}

// runeSeed is FuzzAztecRunes's input for zint's rune 64 (its --dump, 11
// rows of 11 modules), with a light module around it, 3 pixels a module.
func runeSeed() []byte {
	rows := []string{
		"11111010101", "11111111111", "01000000010", "01011111011", "01010001010", "01010101011",
		"11010001011", "01011111011", "01000000011", "01111111111", "00111011100",
	}
	data := []byte{12 + 48*2, 12} // 13×13 modules, scale 3
	data = append(data, make([]byte, 13)...)
	for _, r := range rows {
		data = append(data, 0)
		for _, c := range r {
			data = append(data, byte(c-'0'))
		}
		data = append(data, 0)
	}
	return append(data, make([]byte, 13)...)
}

// runeMatrix is the black matrix FuzzAztecRunes makes of data (two bytes
// at least): the width and height in modules and the scale from the
// first two, then a module a byte, dark where its low bit is set.
func runeMatrix(data []byte) *gozxing.BitMatrix {
	w, h := 1+int(data[0])%48, 1+int(data[1])%48
	scale := 1 + int(data[0]/48)%4
	m, _ := gozxing.NewBitMatrix(w*scale, h*scale) // sizes from 1 to 192: no error
	bits := data[2:]
	for y := range h {
		for x := range w {
			if i := y*w + x; i < len(bits) && bits[i]&1 == 1 {
				m.SetRegion(x*scale, y*scale, scale, scale)
			}
		}
	}
	return m
}

// TestAztecRuneSeed: the fuzz target's seed is a rune that reads, so
// that the fuzzer starts from inputs that reach the message.
func TestAztecRuneSeed(t *testing.T) {
	got := readRunes(runeMatrix(runeSeed()), nil)
	if len(got) != 1 || got[0].Text != "064" {
		t.Fatalf("read %+v, want rune 064", got)
	}
}

// TestAztecRunesEveryValue reads zint's rune of every value, 0 to 255,
// upright and mirrored, with the whole decoder: the value in three
// digits, AIM ]zC, and nothing else.
func TestAztecRunesEveryValue(t *testing.T) {
	d := New(Options{})
	for v := range 256 {
		g := zintRune(t, v, 4)
		want := fmt.Sprintf("%03d", v)
		for _, mirrored := range []bool{false, true} {
			if mirrored {
				g = g.mirrored()
			}
			got, err := d.Gray(g)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Text != want || got[0].AIM != "]zC" || got[0].Symbology != serialgate.Aztec {
				t.Fatalf("rune %d (mirrored %v): read %+v", v, mirrored, got)
			}
			// zint draws the rune alone, edge to edge: its outline is the
			// image's.
			box := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
			for _, c := range got[0].Corners {
				box = [4]float64{min(box[0], c.X), min(box[1], c.Y), max(box[2], c.X), max(box[3], c.Y)}
			}
			edges := [4]float64{0, 0, float64(g.Width), float64(g.Height)}
			for i := range box {
				if len(got[0].Corners) != 4 || math.Abs(box[i]-edges[i]) > 0.25 {
					t.Fatalf("rune %d (mirrored %v): corners %v, want the image's %v", v, mirrored, got[0].Corners, edges)
				}
			}
		}
	}
}

// mirrored is g flipped left to right.
func (g Gray) mirrored() Gray {
	out := Gray{Pix: make([]byte, g.Width*g.Height), Width: g.Width, Height: g.Height, Stride: g.Width}
	for y := range g.Height {
		row := g.row(y)
		for x := range g.Width {
			out.Pix[y*g.Width+x] = row[g.Width-1-x]
		}
	}
	return out
}

// FuzzAztecRunes: any black matrix, up to 48×48 modules of bits, gives no
// panic, and a rune read from it has a value of three digits up to 255.
func FuzzAztecRunes(f *testing.F) {
	f.Add(runeSeed())
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		for _, b := range readRunes(runeMatrix(data), nil) {
			var v int
			if _, err := fmt.Sscanf(b.Text, "%03d", &v); err != nil || len(b.Text) != 3 || v > 255 || b.AIM != "]zC" {
				t.Fatalf("read %+v", b)
			}
		}
	})
}

// gridOf is the 11×11 grid of rows of 0s and 1s.
func gridOf(rows []string) *runeGrid {
	var g runeGrid
	for r, row := range rows {
		for c, v := range row {
			g[r][c] = v == '1'
		}
	}
	return &g
}

// TestRuneMessage: zint's rune 64 reads 64, with one or two of its message
// modules flipped too; the core of zint's compact Aztec symbol "SG-0042"
// (its mode message a codeword unmasked) is no rune.
func TestRuneMessage(t *testing.T) {
	rune64 := []string{
		"11111010101", "11111111111", "01000000010", "01011111011", "01010001010", "01010101011",
		"11010001011", "01011111011", "01000000011", "01111111111", "00111011100",
	}
	g := gridOf(rune64)
	if !g.oriented() {
		t.Fatal("rune 64 not upright")
	}
	for _, flips := range [][][2]int{nil, {{0, 3}}, {{0, 3}, {5, 10}}} {
		h := *g
		for _, p := range flips {
			h[p[0]][p[1]] = !h[p[0]][p[1]]
		}
		if v, ok := h.value(); !ok || v != 64 {
			t.Fatalf("rune 64 with %v flipped: %d, %v", flips, v, ok)
		}
	}
	// zint -b 92 -d SG-0042 --dump: 15×15; its core is rows and columns 2 to 12.
	dump := []uint16{0x1B8C, 0x8D3E, 0xB06A, 0x3FFA, 0x9010, 0x37DC, 0x345A, 0x155A, 0x545A, 0x17DC, 0xB010, 0xDFFC, 0xCF66, 0x549E, 0x0572}
	var core []string
	for _, row := range dump[2:13] {
		var b []byte
		for c := 2; c <= 12; c++ {
			b = append(b, '0'+byte(row>>(15-c)&1))
		}
		core = append(core, string(b))
	}
	c := gridOf(core)
	for tr := range 8 {
		cg := c.transformed(tr)
		if !cg.oriented() {
			continue
		}
		if v, ok := cg.value(); ok {
			t.Fatalf("a compact Aztec core read as rune %d", v)
		}
		return
	}
	t.Fatal("the compact core's orientation marks were not found")
}

// TestAztecRuneInLargeImage: in an image over 400 rows, where the scan
// reads every third row, a rune of 3-pixel modules reads wherever its
// centre module falls among the rows.
func TestAztecRuneInLargeImage(t *testing.T) {
	r := zintRune(t, 200, 6) // zint's scale 3: 6 pixels a module
	small := Gray{Pix: make([]byte, (r.Width/2)*(r.Height/2)), Width: r.Width / 2, Height: r.Height / 2, Stride: r.Width / 2}
	for y := range small.Height {
		for x := range small.Width {
			small.Pix[y*small.Stride+x] = r.Pix[2*y*r.Stride+2*x]
		}
	}
	d := New(Options{})
	for dy := range 3 {
		g := canvas(640, 480)
		paste(g, small, 300, 200+dy)
		got, err := d.Gray(g)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Text != "200" || got[0].AIM != "]zC" {
			t.Fatalf("offset %d: read %+v, want rune 200", dy, got)
		}
	}
}
