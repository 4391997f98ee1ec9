package decode

import (
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/serialgate/serialgate"
)

// bitRow makes a row from a picture: '#' a dark pixel, anything else light.
func bitRow(s string) *gozxing.BitArray {
	row := gozxing.NewBitArray(len(s))
	for x, c := range s {
		if c == '#' {
			row.Set(x)
		}
	}
	return row
}

func TestRowPieces(t *testing.T) {
	code := strings.Repeat("#.##..", 8) // 16 bars and spaces
	for _, c := range []struct {
		name string
		row  string
		want [][2]int
	}{
		{"one piece", "....." + code + ".....", nil},
		{"tail past a quiet zone", "...." + code + strings.Repeat(".", 20) + "###...#", [][2]int{{4, 4 + len(code) - 2}}},
		{"head and tail", "###.#" + strings.Repeat(".", 12) + code + strings.Repeat(".", 12) + "#..#", [][2]int{{17, 17 + len(code) - 2}}},
		// Seven narrow elements of white is no quiet zone: no cut.
		{"gap too short", "...." + code + strings.Repeat(".", 7) + "###...#", nil},
		// A quiet zone of the row's narrow elements, but not of the
		// piece's own (its elements are twice as wide): the piece is not
		// taken.
		{"piece's own quiet zone", "#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#.#" + strings.Repeat(".", 14) + strings.ReplaceAll(strings.ReplaceAll(code, "#", "##"), ".", "..") + ".", [][2]int{{0, 37}}},
		{"blank", strings.Repeat(".", 40), nil},
		{"all dark", strings.Repeat("#", 40), nil},
	} {
		got := rowPieces(bitRow(c.row), 10, nil)
		if len(got) != len(c.want) {
			t.Errorf("%s: pieces %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: pieces %v, want %v", c.name, got, c.want)
			}
		}
	}
}

// FuzzRowPieces: on any row, the pieces are in order, inside the row,
// begin and end on a bar, and never panic.
func FuzzRowPieces(f *testing.F) {
	f.Add([]byte("...." + strings.Repeat("#.##..", 8) + strings.Repeat(".", 20) + "###...#"))
	f.Add([]byte("#"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, pic []byte) {
		if len(pic) == 0 || len(pic) > 4096 {
			return
		}
		for i, c := range pic {
			if c&1 == 1 {
				pic[i] = '#'
			}
		}
		row := bitRow(string(pic))
		last := -1
		for _, p := range rowPieces(row, 4, nil) {
			if p[0] <= last || p[0] >= p[1] || p[1] > len(pic) || !row.Get(p[0]) || !row.Get(p[1]-1) {
				t.Fatalf("piece %v after %d in a row of %d", p, last, len(pic))
			}
			last = p[1]
		}
	})
}

const tailBars = "##.#.#.##"

// TestITFTail reads an ITF code with bars printed past its quiet zone,
// which hide the code's end from gozxing's reader; bars closer than a quiet
// zone are part of the row, and nothing is read.
func TestITFTail(t *testing.T) {
	c := zintCase("itf", serialgate.ITF, 3, "12345678", "", "", "--scale=2")
	sym := GrayOf(c.encode(t)) // zint's quiet zones: ten modules either side
	// Bars after the code like those in the sample folder's #220.png,
	// in modules: gozxing's reader looks for the end pattern from the
	// row's last bar and stops at them.
	tail := canvas(len(tailBars)*2, sym.Height)
	for x := range tail.Width {
		for y := range tail.Height {
			if tailBars[x/2] == '#' {
				tail.Pix[y*tail.Stride+x] = 0
			}
		}
	}
	d := New(Options{Formats: []serialgate.Symbology{serialgate.ITF}})
	for _, gap := range []int{20, 0} { // pixels beyond the quiet zone; modules are 2 pixels
		page := canvas(sym.Width+gap+tail.Width+20, sym.Height+20)
		paste(page, sym, 10, 10)
		paste(page, tail, 10+sym.Width+gap-10, 10)
		got, err := d.Gray(page)
		if err != nil {
			t.Fatal(err)
		}
		read := false
		for _, b := range got {
			if b.Text != "12345678" {
				t.Errorf("gap %d: read %s %q", gap, b.Symbology, b.Text)
			}
			read = true
		}
		if gap > 0 && !read {
			t.Errorf("gap %d: the ITF code is not read", gap)
		}
	}
}
