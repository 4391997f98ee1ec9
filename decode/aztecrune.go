package decode

import (
	"fmt"
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common/reedsolomon"

	"github.com/serialgate/serialgate"
)

// Aztec Runes (ISO/IEC 24778, annex A) are the core of a compact Aztec
// symbol alone: the 9×9 bullseye and the ring of orientation marks and
// mode message around it, 11×11 modules, with no data layers. The ring's
// 28 message bits, inverted every other bit, are seven 4-bit words: the
// rune's value (0 to 255) in the first two, five Reed–Solomon check words
// over GF(16) after them. gozxing's Aztec reader reads no runes; zxing-cpp
// reports one as its value in three digits with the AIM identifier ]zC.

// maxRuneTries bounds the places where readRunes samples a rune in one
// image and finds none (a texture of even stripes could offer many).
const maxRuneTries = 64

// runeAngles are the turns, in degrees, at which readRune samples a
// rune's grid, nearest upright first: the quarter turns are the
// orientation marks' business.
var runeAngles = []float64{0, 3, -3, 6, -6, 9, -9, 12, -12, 15, -15}

// runeModules is the side of a rune in modules.
const runeModules = 11

// runeGrid is a rune's modules, row by row, true for dark.
type runeGrid [runeModules][runeModules]bool

// readRunes finds the Aztec Runes in the black matrix m of g: a row of
// nine alternating runs of about one width (the bullseye through its
// centre, dark first), the same down the column, the bullseye's rings
// where they belong, a light ring of quiet zone around the rune, the
// orientation marks in one of the eight ways a symbol can lie, and the
// message's check words. Places inside the codes known are passed over.
func readRunes(m *gozxing.BitMatrix, known []Barcode) []Barcode {
	if m == nil {
		return nil
	}
	passed := knownAreas(known)
	w, h := m.GetWidth(), m.GetHeight()
	// The bullseye's centre is a module high: every row of a small image,
	// every second of a larger one (modules of 2 pixels and more always
	// crossed), every third above 400 rows (3 pixels and more; 2 pixels
	// two times in three), where the scan is most of the reader's cost.
	step := 1
	switch {
	case h > 400:
		step = 3
	case h > 200:
		step = 2
	}
	var out []Barcode
	var tried []Point // the centres sampled, whose other rows need no reading
	failed := 0
	var row *gozxing.BitArray
	var rr rowRuns
	for y := 0; y < h; y += step {
		row = m.GetRow(y, row)
		runsOf(row, &rr)
		for k := rr.firstDark(); k+9 <= len(rr.w); k += 2 {
			u, ok := bullseyeRuns(rr.w[k : k+9])
			if !ok {
				continue
			}
			cx := float64(rr.at[k+4]) + float64(rr.w[k+4])/2
			c := Point{cx, float64(y) + 0.5}
			if slices.ContainsFunc(tried, func(p Point) bool { return math.Hypot(p.X-c.X, p.Y-c.Y) < u }) ||
				slices.ContainsFunc(passed, func(a area) bool { return a.holds(c) }) {
				continue
			}
			b, centre, sampled, ok := readRune(m, cx, float64(y)+0.5, u, w, h)
			if sampled {
				tried = append(tried, centre)
			}
			if !ok {
				if failed += b2i(sampled); failed == maxRuneTries {
					return out
				}
				continue
			}
			out = append(out, b)
		}
	}
	return out
}

// bullseyeRuns tells whether nine runs, dark first, can cross a
// bullseye through its centre: the inner seven each about their mean
// (returned, a module's width), the outer two at least half a module and
// at most about three (the outer dark ring runs on into the message ring
// where that module is dark).
func bullseyeRuns(r []int) (float64, bool) {
	// First in integers: each inner run within half a module and half a
	// pixel of the mean needs the widest at most three times the
	// narrowest and two pixels, which most of a photo's windows fail.
	lo, hi, total := r[1], r[1], 0
	for _, v := range r[1:8] {
		lo, hi, total = min(lo, v), max(hi, v), total+v
	}
	if hi > 3*lo+2 {
		return 0, false
	}
	if 2*total < 21 { // modules of 1.5 pixels at least
		return 0, false
	}
	u := float64(total) / 7
	for _, v := range r[1:8] {
		if math.Abs(float64(v)-u) > 0.5*u+0.5 {
			return 0, false
		}
	}
	for _, v := range [2]int{r[0], r[8]} {
		if float64(v) < 0.5*u || float64(v) > 2.6*u+1 {
			return 0, false
		}
	}
	return u, true
}

// runsThrough measures the nine runs along (dx, dy) through (x, y), which
// must be dark: the centre run and four more each way. It returns the
// total of the inner seven (the rings inside the outer dark one) and the
// centre run's middle, as an offset from (x, y) in steps.
func runsThrough(m *gozxing.BitMatrix, x, y, dx, dy, maxRun int) (total int, mid float64, ok bool) {
	w, h := m.GetWidth(), m.GetHeight()
	in := func(x, y int) bool { return x >= 0 && y >= 0 && x < w && y < h }
	if !in(x, y) || !m.Get(x, y) {
		return 0, 0, false
	}
	walk := func(sx, sy int) (runs [5]int, ok bool) {
		px, py := x, y
		dark := true
		for i := range 5 {
			n := 0
			for in(px, py) && m.Get(px, py) == dark {
				px, py, n = px+sx, py+sy, n+1
				if n > maxRun {
					return runs, false
				}
			}
			if n == 0 { // the image's edge: the first run holds (x, y), dark
				return runs, false
			}
			runs[i] = n
			dark = !dark
		}
		return runs, true
	}
	fwd, ok1 := walk(dx, dy)
	back, ok2 := walk(-dx, -dy)
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	centre := fwd[0] + back[0] - 1
	all := []int{back[4], back[3], back[2], back[1], centre, fwd[1], fwd[2], fwd[3], fwd[4]}
	if _, ok := bullseyeRuns(all); !ok {
		return 0, 0, false
	}
	for _, v := range all[1:8] {
		total += v
	}
	return total, float64(fwd[0]-back[0]) / 2, true
}

// readRune reads the rune whose bullseye a row through y crosses at
// (x, y), u pixels a module. sampled says whether the column through it
// crossed a bullseye too, so that its modules were sampled around centre.
func readRune(m *gozxing.BitMatrix, x, y, u float64, w, h int) (b Barcode, centre Point, sampled, ok bool) {
	maxRun := int(3*u) + 2
	tv, oy, ok := runsThrough(m, int(x), int(y), 0, 1, maxRun)
	if !ok {
		return Barcode{}, Point{}, false, false
	}
	// The offsets count from the middle of the pixel the walk began on.
	y = float64(int(y)) + 0.5 + oy
	th, ox, ok := runsThrough(m, int(x), int(y), 1, 0, maxRun)
	if !ok {
		return Barcode{}, Point{}, false, false
	}
	x = float64(int(x)) + 0.5 + ox
	ux, uy := float64(th)/7, float64(tv)/7
	// The modules, the quiet ring included, on a grid turned by each
	// angle in turn (within 15° of the image's axes) where the bullseye's
	// rings fit: the orientation marks and the check words decide.
	for _, deg := range runeAngles {
		sin, cos := math.Sincos(deg * math.Pi / 180)
		at := func(r, c int) bool {
			dx, dy := float64(c)*ux, float64(r)*uy
			px := int(math.Floor(x + dx*cos - dy*sin))
			py := int(math.Floor(y + dx*sin + dy*cos))
			if px < 0 || py < 0 || px >= w || py >= h {
				return false
			}
			return m.Get(px, py)
		}
		var g runeGrid
		wrong, light := 0, 0
		for r := -6; r <= 6 && wrong <= 3; r++ {
			for c := -6; c <= 6; c++ {
				v := at(r, c)
				switch d := max(abs(r), abs(c)); {
				case d == 6:
					light += b2i(!v)
					continue
				case d <= 4 && v != (d%2 == 0):
					wrong++
				}
				g[r+5][c+5] = v
			}
		}
		if wrong > 3 || light < 44 { // of 81 bullseye modules and 48 in the quiet ring
			continue
		}
		for t := range 8 {
			cg := g.transformed(t)
			if !cg.oriented() {
				continue
			}
			value, ok := cg.value()
			if !ok {
				continue
			}
			// The outline in the symbol's order: its top left, top
			// right, bottom right and bottom left corners, where the
			// transform puts them in the image.
			var corners []Point
			for _, rc := range [4][2]int{{0, 0}, {0, 1}, {1, 1}, {1, 0}} {
				r, c := runeSource(t, rc[0]*(runeModules-1), rc[1]*(runeModules-1))
				// The module's outer corner.
				fr, fc := float64(r-5)+0.5*sign(r-5), float64(c-5)+0.5*sign(c-5)
				dx, dy := fc*ux, fr*uy
				corners = append(corners, Point{x + dx*cos - dy*sin, y + dx*sin + dy*cos})
			}
			b = Barcode{Barcode: serialgate.Barcode{Text: fmt.Sprintf("%03d", value), Symbology: serialgate.Aztec, AIM: "]zC"}, Corners: corners}
			a := math.Atan2(-(corners[1].Y - corners[0].Y), corners[1].X-corners[0].X)
			b.Angle = (int(math.Round(a/(math.Pi/2)))*90 + 360) % 360
			return b, Point{x, y}, true, true
		}
	}
	return Barcode{}, Point{x, y}, true, false
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func sign(v int) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// runeSource is where transform t (a quarter turn t%4 times, mirrored
// when t ≥ 4) takes the symbol's module (r, c) from in the image's grid.
func runeSource(t, r, c int) (int, int) {
	const n = runeModules - 1
	if t >= 4 {
		c = n - c
	}
	for range t % 4 {
		r, c = c, n-r
	}
	return r, c
}

// transformed is the symbol's grid under transform t, read from g.
func (g *runeGrid) transformed(t int) runeGrid {
	var out runeGrid
	for r := range runeModules {
		for c := range runeModules {
			sr, sc := runeSource(t, r, c)
			out[r][c] = g[sr][sc]
		}
	}
	return out
}

// runeMarks are the orientation marks of a compact core: the modules at
// the ring's corners and next to them that are dark, and those that are
// light, for the symbol upright.
var runeMarks = struct{ dark, light [][2]int }{
	dark:  [][2]int{{0, 0}, {0, 1}, {1, 0}, {0, 10}, {1, 10}, {9, 10}},
	light: [][2]int{{0, 9}, {10, 10}, {10, 9}, {10, 0}, {9, 0}, {10, 1}},
}

// oriented tells whether the orientation marks stand upright in g.
func (g *runeGrid) oriented() bool {
	for _, p := range runeMarks.dark {
		if !g[p[0]][p[1]] {
			return false
		}
	}
	for _, p := range runeMarks.light {
		if g[p[0]][p[1]] {
			return false
		}
	}
	return true
}

// value reads the message of an upright rune: seven bits a side,
// clockwise from the top left (the second to eighth module after each
// corner), inverted every other bit, in seven 4-bit words checked by
// Reed–Solomon over GF(16).
func (g *runeGrid) value() (int, bool) {
	var bits []bool
	for i := 2; i <= 8; i++ { // top, left to right
		bits = append(bits, g[0][i])
	}
	for i := 2; i <= 8; i++ { // right, top to bottom
		bits = append(bits, g[i][10])
	}
	for i := 8; i >= 2; i-- { // bottom, right to left
		bits = append(bits, g[10][i])
	}
	for i := 8; i >= 2; i-- { // left, bottom to top
		bits = append(bits, g[i][0])
	}
	words := make([]int, 7)
	for i, b := range bits {
		if b != (i%2 == 0) { // the mask: 1010…
			words[i/4] |= 1 << (3 - i%4)
		}
	}
	// Unmasked, a compact symbol's own mode message is a codeword, and the
	// mask lies four words from every codeword: a compact core reads as a
	// rune only with two words wrong in the right places, and readRune has
	// already found light all round it, where a compact symbol has data.
	if err := reedsolomon.NewReedSolomonDecoder(reedsolomon.GenericGF_AZTEC_PARAM).Decode(words, 5); err != nil {
		return 0, false
	}
	return words[0]<<4 | words[1], true
}
