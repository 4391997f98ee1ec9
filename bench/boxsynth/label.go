package main

import (
	"fmt"
	"hash/fnv"
	"image"
	"math"
	"math/rand/v2"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// spec is one barcode to place on a label.
type spec struct {
	role, kind     string
	symbology, aim string
	text           string // as a decoder in GS1 mode reports it
	gs1            bool
	hri            string // human-readable line under the bars, "" for none
	caption        string // text left of or above the symbol
	zintType       int
	zintData       string
	zintArgs       []string
	twoD           bool
	containsSerial bool

	sym       *symbol
	qz        [2]float64 // free space left and right of a linear symbol, modules
	ms        int        // module size, label pixels
	heightMod int        // bar height in modules (linear symbols)
	x, y      int        // top-left corner of the symbol (quiet zone excluded), label pixels
	id        int
}

func (s *spec) widthPx() int  { return s.sym.w * s.ms }
func (s *spec) heightPx() int { return s.heightModules() * s.ms }
func (s *spec) heightModules() int {
	if s.twoD {
		return s.sym.h
	}
	return s.heightMod
}

// content is what one label carries.
type content struct {
	brand     brand
	model     model
	gtin      string // GTIN-14
	serial    string // "" when the label has none
	linear    []*spec
	product   *spec
	matrix    []*spec
	dropped   []string
	tightQZ   bool
	specOrder []*spec // every spec, in id order
}

// makeContent chooses the barcodes of one label.
func makeContent(r *rand.Rand) *content {
	c := &content{}
	c.brand = brands[r.IntN(len(brands))]
	c.model = c.brand.models[r.IntN(len(c.brand.models))]
	ru := rules[c.brand.rule]
	if r.Float64() < 0.9 {
		c.serial = ru.gen(r)
	}

	// Product code: EAN-13 or UPC-A.
	var prod *spec
	if r.IntN(2) == 0 {
		s := oneOf(r, "40", "42", "50", "54", "76", "87", "93") + pick(r, digits, 10)
		ean := s + string(gs1Check(s))
		c.gtin = "0" + ean
		prod = &spec{role: "product", symbology: "EAN-13", aim: "]E0", text: ean, hri: ean, zintType: zintEAN13, zintData: ean}
	} else {
		s := "0" + pick(r, digits, 10)
		upc := s + string(gs1Check(s))
		c.gtin = "00" + upc
		prod = &spec{role: "product", symbology: "UPC-A", aim: "]E0", text: upc, hri: upc, zintType: zintUPCA, zintData: upc}
	}
	if r.Float64() < 0.3 {
		prod.hri = ""
	}
	c.product = prod

	mtext := oneOf(r, "MDL:", "MDL: ", "", "MODEL:") + c.model.code
	mdl := &spec{role: "model", symbology: "Code128", aim: "]C0", text: mtext, zintType: zintCode128, zintData: mtext,
		caption: oneOf(r, "MDL", "MODEL", "MODEL NO.", "Model:", "")}
	if r.Float64() < 0.75 {
		mdl.hri = oneOf(r, mtext, c.model.code)
	}
	linear := []*spec{mdl}

	var optional []*spec
	if c.serial != "" {
		ser := &spec{role: "serial", symbology: "Code128", aim: "]C0", text: c.serial, zintType: zintCode128, zintData: c.serial,
			caption: oneOf(r, "SERIAL NO.", "S/N", "(S) Serial No.:", "SN", ""), containsSerial: true}
		if r.Float64() < 0.7 {
			ser.hri = oneOf(r, c.serial, "S/N: "+c.serial, "SN "+c.serial)
		}
		linear = append(linear, ser)
	}
	// GS1-128.
	if r.Float64() < 0.18 {
		var fs []gs1Field
		if c.serial != "" {
			switch r.IntN(4) {
			case 0:
				fs = []gs1Field{{"01", c.gtin}, {"21", c.serial}}
			case 1:
				fs = []gs1Field{{"01", c.gtin}, {"10", lotNumber(r)}, {"21", c.serial}}
			case 2:
				fs = []gs1Field{{"21", c.serial}, {"10", lotNumber(r)}}
			default:
				fs = []gs1Field{{"01", c.gtin}, {"11", gs1Date(r)}, {"21", c.serial}}
			}
		} else {
			fs = []gs1Field{{"01", c.gtin}, {"10", lotNumber(r)}}
		}
		text, data, hri := gs1Text(fs)
		s := &spec{role: "gs1-128", symbology: "Code128", aim: "]C1", text: text, gs1: true, zintType: zintGS1128, zintData: data,
			containsSerial: c.serial != "" && strings.Contains(text, c.serial)}
		if r.Float64() < 0.8 {
			s.hri = hri
		}
		optional = append(optional, s)
	}
	// Decoys.
	nDecoys := 0
	switch x := r.Float64(); {
	case x < 0.4:
		nDecoys = 1
	case x < 0.55:
		nDecoys = 2
	}
	for range nDecoys {
		text, kind := decoy(r, c.brand)
		s := decoySpec(text, kind, decoyCaption(r, kind))
		if r.Float64() < 0.8 {
			s.hri = text
		}
		optional = append(optional, s)
	}
	// GS1 DataMatrix.
	if r.Float64() < 0.25 {
		var fs []gs1Field
		if c.serial != "" {
			fs = oneOf(r, []gs1Field{{"01", c.gtin}, {"21", c.serial}},
				[]gs1Field{{"01", c.gtin}, {"10", lotNumber(r)}, {"21", c.serial}},
				[]gs1Field{{"01", c.gtin}, {"17", gs1Date(r)}, {"10", lotNumber(r)}, {"21", c.serial}})
		} else {
			fs = []gs1Field{{"01", c.gtin}, {"17", gs1Date(r)}, {"10", lotNumber(r)}}
		}
		text, data, _ := gs1Text(fs)
		optional = append(optional, &spec{role: "gs1-datamatrix", symbology: "DataMatrix", aim: "]d2", text: text, gs1: true, twoD: true,
			zintType: zintDataMatrix, zintData: data, zintArgs: []string{"--gs1", "--square"},
			caption: oneOf(r, "UDI", "", "GS1"), containsSerial: c.serial != ""})
	}
	// QR: a URL or a GS1 Digital Link.
	if r.Float64() < 0.3 {
		slug := strings.ToLower(c.model.code)
		var s *spec
		switch x := r.Float64(); {
		case c.serial != "" && x < 0.4:
			u := "https://id." + c.brand.domain + "/01/" + c.gtin + "/21/" + c.serial
			s = &spec{role: "qr-digital-link", kind: "digital-link", text: u, containsSerial: true}
		case c.serial != "" && x < 0.6:
			u := "https://" + c.brand.domain + "/register?sn=" + c.serial
			s = &spec{role: "qr-url", kind: "url", text: u, containsSerial: true}
		default:
			u := "https://" + c.brand.domain + "/support/" + slug
			s = &spec{role: "qr-url", kind: "url", text: u}
		}
		s.symbology, s.aim, s.twoD, s.zintType, s.zintData = "QRCode", "]Q1", true, zintQR, s.text
		s.zintArgs = []string{"--secure=" + oneOf(r, "1", "2", "2", "3")}
		s.caption = oneOf(r, "Scan to register", "Setup guide", "Support", "")
		optional = append(optional, s)
	}
	// 3 to 6 barcodes: drop optional ones beyond 6, add a decoy below 3.
	for 3+len(optional) > 6 || (c.serial == "" && 2+len(optional) > 6) {
		i := r.IntN(len(optional))
		c.dropped = append(c.dropped, optional[i].role)
		optional = append(optional[:i], optional[i+1:]...)
	}
	n := len(linear) + 1 + len(optional)
	for ; n < 3; n++ {
		text, kind := decoy(r, c.brand)
		s := decoySpec(text, kind, decoyCaption(r, kind))
		s.hri = text
		optional = append(optional, s)
	}
	for _, s := range optional {
		if s.twoD {
			c.matrix = append(c.matrix, s)
		} else {
			linear = append(linear, s)
		}
	}
	r.Shuffle(len(linear), func(i, j int) { linear[i], linear[j] = linear[j], linear[i] })
	c.linear = linear
	return c
}

// encode draws every symbol with zint.
func (c *content) encode() error {
	for _, s := range c.all() {
		sym, err := zintSymbol(s.zintType, s.zintData, s.zintArgs...)
		if err != nil {
			return err
		}
		s.sym = sym
	}
	return nil
}

func (c *content) all() []*spec {
	out := append([]*spec(nil), c.linear...)
	out = append(out, c.product)
	return append(out, c.matrix...)
}

// label is a rendered label: reflectance per label pixel and where each
// symbol lies.
type label struct {
	w, h     int
	refl     []float32 // reflectance, 0 (black) to 1
	pxPerMM  float64
	cornerR  float64 // corner radius, label pixels
	module   int     // module size of the linear symbols, label pixels
	template string
	inkCov   []float32 // ink coverage while drawing
	order    []*spec   // the symbols in reading order: left column, then right
}

// textOp is a line of text to draw.
type textOp struct {
	s        string
	x, y     int
	scale    int
	inverted bool
}

func textW(s string, scale int) int { return len(s) * 7 * scale }
func textH(scale int) int           { return 13 * scale }

// layoutLabel places c's symbols, captions and texts on a label and
// renders it. Ink spread widens (or, negative, thins) the dark modules by
// that fraction of a module on each side.
func layoutLabel(r *rand.Rand, c *content, inkSpread float64) *label {
	m := 2 + r.IntN(3)
	moduleMM := 0.26 + 0.12*r.Float64()
	pxmm := float64(m) / moduleMM
	mm := func(v float64) int { return int(math.Round(v * pxmm)) }
	lb := &label{pxPerMM: pxmm, module: m}

	capScale := max(1, int(math.Round(2.6*pxmm/13)))
	smallScale := max(1, int(math.Round(2.0*pxmm/13)))
	headScale := max(capScale+1, int(math.Round(4.5*pxmm/13)))
	c.tightQZ = r.Float64() < 0.12
	captionLeft := r.Float64() < 0.55
	center := !captionLeft && r.Float64() < 0.5
	band := r.Float64() < 0.25
	border := r.Float64() < 0.4
	lb.template = map[bool]string{true: "captions-left", false: "captions-above"}[captionLeft]
	if center {
		lb.template = "centered"
	}
	if band {
		lb.template += "+band"
	}
	qz := func() int {
		if c.tightQZ {
			return (4 + r.IntN(4)) * m
		}
		return (11 + r.IntN(6)) * m
	}
	margin := max(mm(3.5+2.5*r.Float64()), 13*m)

	var texts []textOp
	var rects [][4]int // x0 y0 x1 y1, ink
	// Header: brand and product name.
	hy := margin
	if band {
		hy = mm(2.5)
	}
	brandName := c.brand.name
	texts = append(texts, textOp{s: brandName, x: margin, y: hy, scale: headScale, inverted: band})
	headerW := margin + textW(brandName, headScale)
	prodName := c.model.name
	prodX := headerW + mm(6)
	texts = append(texts, textOp{s: prodName, x: prodX, y: hy + textH(headScale) - textH(capScale), scale: capScale, inverted: band})
	headerW = prodX + textW(prodName, capScale)
	top := hy + textH(headScale) + mm(2.5+2*r.Float64())
	if band {
		rects = append(rects, [4]int{0, 0, -1, hy + textH(headScale) + mm(2.5)}) // full width, set below
		top = hy + textH(headScale) + mm(2.5) + max(mm(3), 6*m)
	}

	// Left column: the linear symbols, the product code last or first.
	rows := append([]*spec(nil), c.linear...)
	if r.Float64() < 0.75 {
		rows = append(rows, c.product)
	} else {
		rows = append([]*spec{c.product}, rows...)
	}
	capColW := 0
	if captionLeft {
		for _, s := range rows {
			if s.caption != "" {
				capColW = max(capColW, textW(s.caption, capScale))
			}
		}
	}
	for _, s := range rows {
		s.ms = m
		switch s.role {
		case "product":
			if r.Float64() < 0.4 {
				s.ms = m + 1
			}
			s.heightMod = 40 + r.IntN(25)
		case "serial":
			s.heightMod = 26 + r.IntN(28)
		case "decoy":
			s.heightMod = 16 + r.IntN(16)
		default:
			s.heightMod = 22 + r.IntN(20)
		}
	}
	// The widest symbol decides the column's width (for centring); a
	// short symbol may share a line with the one before it.
	barX := margin
	if capColW > 0 {
		barX = margin + capColW + qz()
	}
	colW := 0
	for _, s := range rows {
		colW = max(colW, s.widthPx())
	}
	type line struct {
		items  []*spec
		gap    int // from the first item's bars to the second's caption or bars
		capGap int // from the second item's caption to its bars
		width  int
	}
	var lines []line
	for _, s := range rows {
		if n := len(lines); n > 0 && len(lines[n-1].items) == 1 && r.Float64() < 0.85 {
			prev := lines[n-1].items[0]
			gap := qz()
			need := prev.widthPx() + gap + s.widthPx()
			if captionLeft && s.caption != "" {
				need += textW(s.caption, capScale) + qz()
			}
			if need <= colW*7/5 {
				lines[n-1].items = append(lines[n-1].items, s)
				lines[n-1].gap = gap
				continue
			}
		}
		lines = append(lines, line{items: []*spec{s}})
	}
	for i := range lines {
		ln := &lines[i]
		if len(ln.items) == 2 && captionLeft && ln.items[1].caption != "" {
			ln.capGap = qz()
		}
		for k, s := range ln.items {
			if k > 0 {
				ln.width += ln.gap
				if captionLeft && s.caption != "" {
					ln.width += textW(s.caption, capScale) + ln.capGap
				}
			}
			ln.width += s.widthPx()
		}
		colW = max(colW, ln.width)
	}
	y := top
	rowGap := func() int { return mm(2 + 2.5*r.Float64()) }
	rightEdge := 0
	for li, ln := range lines {
		if li > 0 {
			y += rowGap()
		}
		// Horizontal placement.
		x := barX
		total := ln.width
		switch {
		case center:
			x = barX + (colW-total)/2
		case len(ln.items) == 1 && ln.items[0].role == "product" && r.Float64() < 0.5:
			x = barX + colW - total
		}
		capAbove := false
		for _, s := range ln.items {
			capAbove = capAbove || (s.caption != "" && !captionLeft && s.role != "product")
		}
		bottom := y
		for k, s := range ln.items {
			if k > 0 {
				x += ln.gap
				if captionLeft && s.caption != "" {
					texts = append(texts, textOp{s: s.caption, x: x, y: y + (s.heightPx()-textH(capScale))/2, scale: capScale})
					x += textW(s.caption, capScale) + ln.capGap
				}
			}
			sy := y
			if capAbove {
				if s.caption != "" && !captionLeft && s.role != "product" {
					texts = append(texts, textOp{s: s.caption, x: x, y: y, scale: capScale})
				}
				sy += textH(capScale) + mm(1)
			}
			s.x, s.y = x, sy
			if k == 0 && s.caption != "" && captionLeft {
				texts = append(texts, textOp{s: s.caption, x: margin, y: sy + (s.heightPx()-textH(capScale))/2, scale: capScale})
			}
			yb := sy + s.heightPx()
			rightEdge = max(rightEdge, x+s.widthPx())
			if s.hri != "" {
				sc := smallScale
				if s.role == "product" {
					sc = capScale
				}
				hw := textW(s.hri, sc)
				yb += max(1, mm(0.6))
				texts = append(texts, textOp{s: s.hri, x: x + (s.widthPx()-hw)/2, y: yb, scale: sc})
				rightEdge = max(rightEdge, x+(s.widthPx()+hw)/2)
				yb += textH(sc)
			}
			bottom = max(bottom, yb)
			x += s.widthPx()
		}
		y = bottom
	}
	leftBottom := y
	lb.order = append(append([]*spec(nil), rows...), c.matrix...)

	// Right column: the 2D symbols with a caption under each.
	y = top
	colX := rightEdge + qz()
	colR := colX
	for i, s := range c.matrix {
		s.ms = m + r.IntN(2)
		if s.ms == 2 && r.IntN(2) == 0 {
			s.ms = 3
		}
		if i > 0 {
			y += mm(3 + 2*r.Float64())
		}
		s.x, s.y = colX, y
		y += s.heightPx()
		colR = max(colR, colX+s.widthPx())
		if s.caption != "" {
			y += mm(1)
			tw := textW(s.caption, smallScale)
			texts = append(texts, textOp{s: s.caption, x: colX + (s.widthPx()-tw)/2, y: y, scale: smallScale})
			colR = max(colR, colX+(s.widthPx()+tw)/2)
			y += textH(smallScale)
		}
	}
	bottom := max(leftBottom, y)
	// Footer.
	var foot []string
	for range r.IntN(3) {
		foot = append(foot, oneOf(r, "Made in China", "Qty: 1 PCS", "Input: 12V 1.5A", "Color: Black", "Rev "+pick(r, upper, 1)+pick(r, digits, 2),
			"Mfg. Date: 20"+fmt.Sprintf("%02d-%02d", 23+r.IntN(3), 1+r.IntN(12)), "FW "+fmt.Sprintf("%d.%d.%d", 1+r.IntN(4), r.IntN(10), r.IntN(30))))
	}
	y = bottom + mm(2.5)
	footW := 0
	if len(foot) > 0 {
		line := strings.Join(foot, "   ")
		texts = append(texts, textOp{s: line, x: margin, y: y, scale: smallScale})
		footW = margin + textW(line, smallScale)
		y += textH(smallScale)
	}
	lb.w = max(colR, rightEdge, headerW, footW) + margin
	if len(c.matrix) == 0 {
		lb.w = max(lb.w, rightEdge+qz())
	}
	lb.h = y + margin
	lb.cornerR = float64(mm(1 + 2*r.Float64()))

	// Render: ink coverage, then reflectance.
	lb.inkCov = make([]float32, lb.w*lb.h)
	for _, rc := range rects {
		if rc[2] < 0 {
			rc[2] = lb.w
		}
		lb.fill(float64(rc[0]), float64(rc[1]), float64(rc[2]), float64(rc[3]))
	}
	if border {
		t := max(1, float64(mm(0.3)))
		in := float64(margin) * 0.4
		x0, y0, x1, y1 := in, in, float64(lb.w)-in, float64(lb.h)-in
		if band {
			y0 = float64(rects[0][3]) + 1
		}
		lb.fill(x0, y0, x1, y0+t)
		lb.fill(x0, y1-t, x1, y1)
		lb.fill(x0, y0, x0+t, y1)
		lb.fill(x1-t, y0, x1, y1)
	}
	for _, s := range c.all() {
		lb.drawSymbol(s, inkSpread*float64(s.ms))
	}
	for _, t := range texts {
		lb.drawText(t)
	}
	for _, s := range c.all() {
		if !s.twoD {
			s.qz = quietZone(lb, s, lb.inkCov)
		}
	}
	paper := 0.88 + 0.08*r.Float64()
	ink := 0.04 + 0.08*r.Float64()
	grain := 0.006 + 0.012*r.Float64()
	lb.refl = make([]float32, len(lb.inkCov))
	for i, cv := range lb.inkCov {
		p := paper + grain*r.NormFloat64()
		lb.refl[i] = float32(p - (p-ink)*float64(cv))
	}
	lb.inkCov = nil
	return lb
}

// fill adds ink over the rectangle [x0,x1)x[y0,y1), with partial
// coverage on the pixels its edges cut.
func (lb *label) fill(x0, y0, x1, y1 float64) {
	x0, y0 = max(x0, 0), max(y0, 0)
	x1, y1 = min(x1, float64(lb.w)), min(y1, float64(lb.h))
	if x1 <= x0 || y1 <= y0 {
		return
	}
	for j := int(y0); j < int(math.Ceil(y1)); j++ {
		cy := math.Min(y1, float64(j+1)) - math.Max(y0, float64(j))
		for i := int(x0); i < int(math.Ceil(x1)); i++ {
			cx := math.Min(x1, float64(i+1)) - math.Max(x0, float64(i))
			cv := float32(cx * cy)
			if p := &lb.inkCov[j*lb.w+i]; cv > *p {
				*p = cv
			}
		}
	}
}

// drawSymbol draws s's dark modules, runs of them merged, each widened by
// spread label pixels on every side.
func (lb *label) drawSymbol(s *spec, spread float64) {
	ms := float64(s.ms)
	for ry, row := range s.sym.rows {
		y0 := float64(s.y) + float64(ry)*ms
		y1 := y0 + ms
		if !s.twoD {
			y1 = float64(s.y + s.heightPx())
		}
		ey := spread
		if !s.twoD {
			ey = 0 // the bars' ends stay where the symbol ends
		}
		for i := 0; i < len(row); {
			if !row[i] {
				i++
				continue
			}
			j := i
			for j < len(row) && row[j] {
				j++
			}
			lb.fill(float64(s.x)+float64(i)*ms-spread, y0-ey, float64(s.x)+float64(j)*ms+spread, y1+ey)
			i = j
		}
	}
}

// drawText draws t with basicfont's 7x13 face, each font pixel a
// scale x scale block.
func (lb *label) drawText(t textOp) {
	d := &font.Drawer{Face: basicfont.Face7x13}
	w := d.MeasureString(t.s).Ceil()
	mask := image.NewAlpha(image.Rect(0, 0, w, 13))
	d.Dst, d.Src, d.Dot = mask, image.Opaque, fixed.P(0, 11)
	d.DrawString(t.s)
	sc := t.scale
	for j := range 13 {
		for i := range w {
			a := float32(mask.AlphaAt(i, j).A) / 255
			if a == 0 {
				continue
			}
			for yy := t.y + j*sc; yy < t.y+(j+1)*sc; yy++ {
				if yy < 0 || yy >= lb.h {
					continue
				}
				for xx := t.x + i*sc; xx < t.x+(i+1)*sc; xx++ {
					if xx < 0 || xx >= lb.w {
						continue
					}
					p := &lb.inkCov[yy*lb.w+xx]
					if t.inverted {
						*p = min(*p, 1-a)
					} else {
						*p = max(*p, a)
					}
				}
			}
		}
	}
}

// inside tells whether the label point (u, v) lies on the label (its
// corners rounded).
func (lb *label) inside(u, v float64) bool {
	w, h, r := float64(lb.w), float64(lb.h), lb.cornerR
	if u < 0 || v < 0 || u >= w || v >= h {
		return false
	}
	cx, cy := u, v
	switch {
	case u < r:
		cx = r
	case u > w-r:
		cx = w - r
	}
	switch {
	case v < r:
		cy = r
	case v > h-r:
		cy = h - r
	}
	return (u-cx)*(u-cx)+(v-cy)*(v-cy) <= r*r
}

// sample returns the reflectance at label point (u, v), bilinear.
func (lb *label) sample(u, v float64) float32 {
	x, y := u-0.5, v-0.5
	x0, y0 := int(math.Floor(x)), int(math.Floor(y))
	fx, fy := float32(x-float64(x0)), float32(y-float64(y0))
	x1, y1 := x0+1, y0+1
	x0, x1 = min(max(x0, 0), lb.w-1), min(max(x1, 0), lb.w-1)
	y0, y1 = min(max(y0, 0), lb.h-1), min(max(y1, 0), lb.h-1)
	a := lb.refl[y0*lb.w+x0]
	b := lb.refl[y0*lb.w+x1]
	c := lb.refl[y1*lb.w+x0]
	d := lb.refl[y1*lb.w+x1]
	top := a + (b-a)*fx
	bot := c + (d-c)*fx
	return top + (bot-top)*fy
}

// quietZone returns the free space left and right of linear symbol s, in
// its modules: up to the nearest ink across its bars' height, or the
// label's edge.
func quietZone(lb *label, s *spec, cov []float32) [2]float64 {
	y0, y1 := s.y, s.y+s.heightPx()
	dark := func(x int) bool {
		for y := y0; y < y1; y++ {
			if cov[y*lb.w+x] > 0.5 {
				return true
			}
		}
		return false
	}
	left := s.x
	for x := s.x - 1; x >= 0; x-- {
		if dark(x) {
			left = s.x - 1 - x
			break
		}
	}
	xr := s.x + s.widthPx()
	right := lb.w - xr
	for x := xr; x < lb.w; x++ {
		if dark(x) {
			right = x - xr
			break
		}
	}
	return [2]float64{float64(left) / float64(s.ms), float64(right) / float64(s.ms)}
}

// decoySpec is a decoy's symbol: Code 128, or Code 39 (two to one, as zint
// draws it) for a quarter of the carton, PCB, lot and IMEI numbers, as
// such labels carry them. Which is told by the text's hash, so that the
// photos' random draws are those of the generator without Code 39.
func decoySpec(text, kind, caption string) *spec {
	s := &spec{role: "decoy", kind: kind, symbology: "Code128", aim: "]C0", text: text, zintType: zintCode128, zintData: text,
		caption: caption}
	switch kind {
	case "ctn", "pcb", "lot", "imei":
		h := fnv.New32a()
		h.Write([]byte(text))
		if h.Sum32()%4 == 0 {
			s.symbology, s.aim, s.zintType = "Code39", "]A0", zintCode39
		}
	}
	return s
}
