package decode

import (
	"github.com/serialgate/serialgate"
	"math"
	"sort"
	"strconv"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	dmdecoder "github.com/makiuchi-d/gozxing/datamatrix/decoder"
)

// A Data Matrix finder by shape, for photos where gozxing's detector (which
// grows a white rectangle outward from the middle) does not find the
// symbol. A symbol's finder pattern is an L of solid modules along two
// sides; as one dark connected shape, its minimum-area rectangle is the
// whole symbol. Each dark shape whose rectangle has two adjacent solid
// sides is sampled at every Data Matrix size of its proportions, and
// gozxing's Data Matrix decoder, with its Reed-Solomon check, decides.

// dmSizes are the Data Matrix symbol sizes, rows × columns.
var dmSizes = [][2]int{
	{10, 10}, {12, 12}, {14, 14}, {16, 16}, {18, 18}, {20, 20}, {22, 22}, {24, 24}, {26, 26}, {32, 32},
	{36, 36}, {40, 40}, {44, 44}, {48, 48}, {52, 52}, {64, 64}, {72, 72}, {80, 80}, {88, 88}, {96, 96},
	{104, 104}, {120, 120}, {132, 132}, {144, 144},
	{8, 18}, {8, 32}, {12, 26}, {12, 36}, {16, 36}, {16, 48},
}

type pt struct{ x, y float64 }

func lerp(a, b pt, t float64) pt { return pt{a.x + (b.x-a.x)*t, a.y + (b.y-a.y)*t} }
func dist(a, b pt) float64       { return math.Hypot(b.x-a.x, b.y-a.y) }

// dmByShape returns the Data Matrix codes found by shape in the binarized
// image m, at most limit of them.
func dmByShape(m *gozxing.BitMatrix, limit int) []Barcode {
	w, h := m.GetWidth(), m.GetHeight()
	seen := make([]bool, w*h)
	// Each row's leftmost and rightmost pixel of the shape: the hull's
	// candidates.
	rowMin, rowMax := make([]int, h), make([]int, h)
	for y := range rowMin {
		rowMin[y], rowMax[y] = w, -1
	}
	var out []Barcode
	var stack, comp []int32
	tried := 0
	for start := 0; start < w*h && len(out) < limit && tried < 24; start++ {
		if seen[start] || !m.Get(start%w, start/w) {
			continue
		}
		// The 8-connected dark shape from start.
		comp = comp[:0]
		stack = append(stack[:0], int32(start))
		seen[start] = true
		minX, minY, maxX, maxY := w, h, 0, 0
		for len(stack) > 0 {
			c := int(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			comp = append(comp, int32(c))
			x, y := c%w, c/w
			minX, maxX, minY, maxY = min(minX, x), max(maxX, x), min(minY, y), max(maxY, y)
			rowMin[y], rowMax[y] = min(rowMin[y], x), max(rowMax[y], x)
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					nx, ny := x+dx, y+dy
					if nx < 0 || ny < 0 || nx >= w || ny >= h {
						continue
					}
					i := ny*w + nx
					if !seen[i] && m.Get(nx, ny) {
						seen[i] = true
						stack = append(stack, int32(i))
					}
				}
			}
		}
		bw, bh := maxX-minX+1, maxY-minY+1
		var ps []pt
		for y := minY; y <= maxY; y++ {
			if rowMax[y] >= 0 {
				ps = append(ps, pt{float64(rowMin[y]), float64(y)}, pt{float64(rowMin[y]), float64(y + 1)},
					pt{float64(rowMax[y] + 1), float64(y)}, pt{float64(rowMax[y] + 1), float64(y + 1)})
			}
			rowMin[y], rowMax[y] = w, -1
		}
		// An L spans two sides: a shape too small, or one that fills its
		// box, is not one.
		if bw < 12 || bh < 12 || len(comp) < 2*(bw+bh) || len(comp) > bw*bh*3/4 {
			continue
		}
		tried++
		quad, ok := minRect(hull(ps))
		if !ok {
			continue
		}
		if b, ok := readDMQuad(m, quad); ok {
			out = append(out, b)
		}
	}
	return out
}

// hull is the convex hull of ps (monotone chain).
func hull(ps []pt) []pt {
	sort.Slice(ps, func(i, j int) bool { return ps[i].x < ps[j].x || ps[i].x == ps[j].x && ps[i].y < ps[j].y })
	cross := func(o, a, b pt) float64 { return (a.x-o.x)*(b.y-o.y) - (a.y-o.y)*(b.x-o.x) }
	var lower, upper []pt
	for _, p := range ps {
		for len(lower) >= 2 && cross(lower[len(lower)-2], lower[len(lower)-1], p) <= 0 {
			lower = lower[:len(lower)-1]
		}
		lower = append(lower, p)
	}
	for i := len(ps) - 1; i >= 0; i-- {
		p := ps[i]
		for len(upper) >= 2 && cross(upper[len(upper)-2], upper[len(upper)-1], p) <= 0 {
			upper = upper[:len(upper)-1]
		}
		upper = append(upper, p)
	}
	if len(lower) < 2 || len(upper) < 2 {
		return nil
	}
	return append(lower[:len(lower)-1], upper[:len(upper)-1]...)
}

// minRect fits the minimum-area rectangle around a convex hull; its
// corners go around it in order.
func minRect(h []pt) ([4]pt, bool) {
	var best [4]pt
	bestArea := math.Inf(1)
	for i := range h {
		a, b := h[i], h[(i+1)%len(h)]
		l := dist(a, b)
		if l == 0 {
			continue
		}
		ux, uy := (b.x-a.x)/l, (b.y-a.y)/l
		vx, vy := -uy, ux
		minU, maxU, minV, maxV := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		for _, p := range h {
			u, v := p.x*ux+p.y*uy, p.x*vx+p.y*vy
			minU, maxU, minV, maxV = math.Min(minU, u), math.Max(maxU, u), math.Min(minV, v), math.Max(maxV, v)
		}
		if area := (maxU - minU) * (maxV - minV); area < bestArea {
			bestArea = area
			at := func(u, v float64) pt { return pt{u*ux + v*vx, u*uy + v*vy} }
			best = [4]pt{at(minU, minV), at(maxU, minV), at(maxU, maxV), at(minU, maxV)}
		}
	}
	return best, !math.IsInf(bestArea, 1)
}

// darkAlong is the share of dark pixels on the segment from a to b.
func darkAlong(m *gozxing.BitMatrix, a, b pt) float64 {
	n := int(dist(a, b))
	if n < 4 {
		return 0
	}
	d := 0
	for i := 0; i < n; i++ {
		p := lerp(a, b, (float64(i)+0.5)/float64(n))
		x, y := int(p.x), int(p.y)
		if x >= 0 && y >= 0 && x < m.GetWidth() && y < m.GetHeight() && m.Get(x, y) {
			d++
		}
	}
	return float64(d) / float64(n)
}

// readDMQuad tries to read a Data Matrix symbol filling the rectangle q.
func readDMQuad(m *gozxing.BitMatrix, q [4]pt) (Barcode, bool) {
	c := lerp(lerp(q[0], q[1], 0.5), lerp(q[2], q[3], 0.5), 0.5)
	side := func(s int) (pt, pt) {
		a, b := q[s], q[(s+1)%4]
		// 1.5 pixels inside the edge, clear of the corners.
		in := 1.5 / math.Max(dist(lerp(a, b, 0.5), c), 1)
		return lerp(lerp(a, b, 0.1), c, in), lerp(lerp(a, b, 0.9), c, in)
	}
	var solid [4]float64
	for s := range solid {
		a, b := side(s)
		solid[s] = darkAlong(m, a, b)
	}
	for s := 0; s < 4; s++ {
		// Sides s and s+1 solid, the other two not: q[s+1] is the L's corner.
		if solid[s] < 0.85 || solid[(s+1)%4] < 0.85 || solid[(s+2)%4] > 0.8 || solid[(s+3)%4] > 0.8 {
			continue
		}
		tl, bl, br, tr := q[s], q[(s+1)%4], q[(s+2)%4], q[(s+3)%4]
		// Upright, the L runs down the left side and along the bottom,
		// which turns counterclockwise on screen; the other way round the
		// symbol is seen mirrored, and is read mirrored after the first try.
		if (bl.x-tl.x)*(br.y-bl.y)-(bl.y-tl.y)*(br.x-bl.x) > 0 {
			tl, br = br, tl
		}
		// Perspective moves the corner opposite the L most: nudge it.
		for _, nudge := range [][2]float64{{0, 0}, {-0.04, 0}, {0.04, 0}, {0, -0.04}, {0, 0.04}, {-0.04, -0.04}, {0.04, 0.04}, {-0.04, 0.04}, {0.04, -0.04}} {
			t := pt{tr.x + (tr.x-tl.x)*nudge[0] + (tr.x-br.x)*nudge[1], tr.y + (tr.y-tl.y)*nudge[0] + (tr.y-br.y)*nudge[1]}
			if b, ok := sampleDM(m, tl, bl, br, t); ok {
				return b, true
			}
			if b, ok := sampleDM(m, br, bl, tl, t); ok {
				return b, true
			}
		}
	}
	return Barcode{}, false
}

// sampleDM samples the symbol whose L corner is bl at every size that fits
// its proportions and decodes it.
func sampleDM(m *gozxing.BitMatrix, tl, bl, br, tr pt) (Barcode, bool) {
	{
		width, height := dist(bl, br), dist(tl, bl)
		for _, size := range dmSizes {
			rows, cols := size[0], size[1]
			// The symbol's proportions must match the rectangle's, and
			// its modules be at least 1.5 pixels.
			if r := (width / float64(cols)) / (height / float64(rows)); r < 0.75 || r > 1.33 || width/float64(cols) < 1.5 {
				continue
			}
			if !clockAlternates(m, tl, tr, bl, cols, rows) {
				continue
			}
			bits, err := common.GridSampler_GetInstance().SampleGrid(m, cols, rows,
				0, 0, float64(cols), 0, float64(cols), float64(rows), 0, float64(rows),
				tl.x, tl.y, tr.x, tr.y, br.x, br.y, bl.x, bl.y)
			if err != nil {
				continue
			}
			res, err := dmdecoder.NewDecoder().Decode(bits)
			if err != nil {
				continue
			}
			b := Barcode{Text: res.GetText(), Format: serialgate.DataMatrix, AIM: "]d" + strconv.Itoa(res.GetSymbologyModifier()),
				Corners: []Point{{tl.x, tl.y}, {tr.x, tr.y}, {br.x, br.y}, {bl.x, bl.y}}}
			if b.AIM == "]d2" && len(b.Text) > 0 && b.Text[0] == 0x1d {
				b.Text = b.Text[1:]
			}
			var raw []byte
			for _, seg := range res.GetByteSegments() {
				raw = append(raw, seg...)
			}
			if len(raw) > 0 && string(raw) != b.Text {
				b.Raw = raw
			}
			return b, true
		}
	}
	return Barcode{}, false
}

// clockAlternates checks, before sampling and decoding, that the top row
// of a cols × rows symbol with these corners alternates dark and light as
// the clock pattern does, in at least four modules of five.
func clockAlternates(m *gozxing.BitMatrix, tl, tr, bl pt, cols, rows int) bool {
	down := pt{(bl.x - tl.x) / float64(rows), (bl.y - tl.y) / float64(rows)}
	agree := 0
	for c := 0; c < cols; c++ {
		p := lerp(tl, tr, (float64(c)+0.5)/float64(cols))
		x, y := int(p.x+down.x/2), int(p.y+down.y/2)
		dark := x >= 0 && y >= 0 && x < m.GetWidth() && y < m.GetHeight() && m.Get(x, y)
		if dark == (c%2 == 0) {
			agree++
		}
	}
	return agree*5 >= cols*4
}
