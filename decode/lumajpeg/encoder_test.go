package lumajpeg

import (
	"bytes"
	"cmp"
	"container/heap"
	"image"
	"math"
	"slices"
)

// This file is a sequential JPEG encoder for tests: it writes what Go's
// image/jpeg encoder cannot (restart intervals, any sampling factors,
// several scans, 16-bit quantization tables, a segment per table, fill
// bytes), and it knows the coefficients it wrote, so it gives the luma a
// decoder must produce: a floating-point inverse DCT of them (T.81 A.3.3),
// rounded, a truth that owes nothing to the decoder under test.

type encComp struct {
	id    byte
	h, v  int
	tq    byte
	plane *image.Gray // full-size samples; subsampled by point sampling
}

type encOptions struct {
	sof       byte // frame marker; 0 means SOF0
	precision byte // 0 means 8
	comps     []encComp
	quant     [][64]int // natural order, by table
	quant16   bool      // DQT with 16-bit entries
	restart   int       // MCUs per restart interval
	scans     [][]int   // the components of each scan; nil: one scan of all
	split     bool      // a DQT or DHT segment per table
	fill      int       // 0xff fill bytes before each marker after SOI
	jfif      bool
	adobe     int  // the Adobe APP14 transform + 1; 0: no APP14
	zeroH     bool // write 0 for the height (as if a DNL marker followed)
	// coef, when set, may change a block's quantized coefficients
	// (natural order) before they are coded.
	coef func(comp, bx, by int, blk *[64]int)
}

type encoded struct {
	data []byte
	want *image.Gray // the luma a decoder must give (±1)
}

// encodeJPEG encodes the planes of opt.comps, all w×h.
func encodeJPEG(w, h int, opt encOptions) encoded {
	nf := len(opt.comps)
	hmax, vmax := 1, 1
	for _, c := range opt.comps {
		hmax, vmax = max(hmax, c.h), max(vmax, c.v)
	}
	mcux, mcuy := ceilDiv(w, 8*hmax), ceilDiv(h, 8*vmax)
	// The coefficients of each component, over the padded block grid.
	type compBlocks struct {
		bw, bh int // blocks across and down, padded to whole MCUs
		cw, ch int // the component's own size
		blk    [][64]int
	}
	cbs := make([]compBlocks, nf)
	for i, c := range opt.comps {
		hi, vi := c.h, c.v
		if nf == 1 {
			hi, vi, hmax, vmax = 1, 1, 1, 1
			mcux, mcuy = ceilDiv(w, 8), ceilDiv(h, 8)
		}
		cb := &cbs[i]
		cb.cw, cb.ch = ceilDiv(w*hi, hmax), ceilDiv(h*vi, vmax)
		cb.bw, cb.bh = mcux*hi, mcuy*vi
		cb.blk = make([][64]int, cb.bw*cb.bh)
		q := &opt.quant[c.tq]
		for by := range cb.bh {
			for bx := range cb.bw {
				var f [64]float64
				for y := range 8 {
					for x := range 8 {
						// Past the component's edge, repeat its last sample.
						sx, sy := min(bx*8+x, cb.cw-1), min(by*8+y, cb.ch-1)
						px, py := min(w-1, (2*sx+1)*hmax/(2*hi)), min(h-1, (2*sy+1)*vmax/(2*vi))
						f[y*8+x] = float64(c.plane.Pix[py*c.plane.Stride+px]) - 128
					}
				}
				b := &cb.blk[by*cb.bw+bx]
				F := fdct(&f)
				for k := range 64 {
					b[k] = int(math.Round(F[k] / float64(q[k])))
				}
				if opt.coef != nil {
					opt.coef(i, bx, by, b)
				}
			}
		}
	}

	// The luma a decoder gives: the inverse DCT of the dequantized
	// coefficients, rounded and clamped.
	want := image.NewGray(image.Rect(0, 0, w, h))
	y0 := &cbs[0]
	q0 := &opt.quant[opt.comps[0].tq]
	for by := range ceilDiv(h, 8) {
		for bx := range ceilDiv(w, 8) {
			if bx >= y0.bw || by >= y0.bh {
				continue // luma sampled less than chroma: no truth
			}
			var F [64]float64
			for k, v := range y0.blk[by*y0.bw+bx] {
				F[k] = float64(v * q0[k])
			}
			f := idctFloat(&F)
			for y := range 8 {
				for x := range 8 {
					if px, py := bx*8+x, by*8+y; px < w && py < h {
						want.Pix[py*want.Stride+px] = uint8(min(255, max(0, math.Round(f[y*8+x]+128))))
					}
				}
			}
		}
	}

	var out bytes.Buffer
	marker := func(m byte) {
		out.WriteByte(0xff)
		for range opt.fill {
			out.WriteByte(0xff)
		}
		out.WriteByte(m)
	}
	segment := func(m byte, payload []byte) {
		marker(m)
		out.WriteByte(byte((len(payload) + 2) >> 8))
		out.WriteByte(byte(len(payload) + 2))
		out.Write(payload)
	}
	out.Write([]byte{0xff, markSOI})
	if opt.jfif {
		segment(markAPP0, []byte("JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00"))
	}
	if opt.adobe > 0 {
		segment(markAPPE, []byte{'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, byte(opt.adobe - 1)})
	}
	var dqt []byte
	for t, q := range opt.quant {
		pq := byte(0)
		if opt.quant16 {
			pq = 1
		}
		dqt = append(dqt, pq<<4|byte(t))
		for k := range 64 {
			v := q[zigzag[k]]
			if opt.quant16 {
				dqt = append(dqt, byte(v>>8))
			}
			dqt = append(dqt, byte(v))
		}
		if opt.split {
			segment(markDQT, dqt)
			dqt = nil
		}
	}
	if dqt != nil {
		segment(markDQT, dqt)
	}
	sof := []byte{cmp.Or(opt.precision, 8), byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(nf)}
	if opt.zeroH {
		sof[1], sof[2] = 0, 0
	}
	for _, c := range opt.comps {
		sof = append(sof, c.id, byte(c.h<<4|c.v), c.tq)
	}
	segment(cmp.Or(opt.sof, markSOF0), sof)
	if opt.restart > 0 {
		segment(markDRI, []byte{byte(opt.restart >> 8), byte(opt.restart)})
	}

	scans := opt.scans
	if scans == nil {
		scans = [][]int{make([]int, nf)}
		for i := range nf {
			scans[0][i] = i
		}
	}
	for _, scan := range scans {
		// Walk the scan's blocks in coding order, calling fn with each
		// block's component, or -1 where a restart marker goes.
		walk := func(fn func(ci int, b *[64]int)) {
			mcu := 0
			restart := func() {
				if opt.restart > 0 && mcu > 0 && mcu%opt.restart == 0 {
					fn(-1, nil)
				}
				mcu++
			}
			if len(scan) == 1 {
				ci := scan[0]
				cb := &cbs[ci]
				for by := range ceilDiv(cb.ch, 8) {
					for bx := range ceilDiv(cb.cw, 8) {
						restart()
						fn(ci, &cb.blk[by*cb.bw+bx])
					}
				}
				return
			}
			for my := range mcuy {
				for mx := range mcux {
					restart()
					for _, ci := range scan {
						c, cb := opt.comps[ci], &cbs[ci]
						for i := range c.v {
							for j := range c.h {
								fn(ci, &cb.blk[(my*c.v+i)*cb.bw+mx*c.h+j])
							}
						}
					}
				}
			}
		}
		table := func(ci int) int { return min(ci, 1) }
		// Count the symbols, to build each table the scan uses.
		var freq [2][2][256]int // [DC, AC][table][symbol]
		var pred [4]int
		walk(func(ci int, b *[64]int) {
			if ci < 0 {
				pred = [4]int{}
				return
			}
			t := table(ci)
			codeBlock(b, &pred[ci], func(s byte) { freq[0][t][s]++ }, func(s byte) { freq[1][t][s]++ }, func(int, int) {})
		})
		var codes [2][2]*encTable
		var dht []byte
		for tc := range 2 {
			for th := range 2 {
				if slices.Max(freq[tc][th][:]) == 0 {
					continue
				}
				et, desc := buildTable(&freq[tc][th])
				codes[tc][th] = et
				dht = append(dht, byte(tc<<4|th))
				dht = append(dht, desc...)
				if opt.split {
					segment(markDHT, dht)
					dht = nil
				}
			}
		}
		if dht != nil {
			segment(markDHT, dht)
		}
		sos := []byte{byte(len(scan))}
		for _, ci := range scan {
			t := byte(table(ci))
			sos = append(sos, opt.comps[ci].id, t<<4|t)
		}
		segment(markSOS, append(sos, 0, 63, 0))
		var bw bitWriter
		pred = [4]int{}
		rst := 0
		walk(func(ci int, b *[64]int) {
			if ci < 0 {
				out.Write(bw.flush())
				marker(byte(markRST0 + rst%8))
				rst++
				pred = [4]int{}
				return
			}
			t := table(ci)
			codeBlock(b, &pred[ci],
				func(s byte) { bw.put(codes[0][t].code[s], codes[0][t].size[s]) },
				func(s byte) { bw.put(codes[1][t].code[s], codes[1][t].size[s]) },
				func(v, n int) { bw.put(v, n) })
		})
		out.Write(bw.flush())
	}
	marker(markEOI)
	return encoded{data: out.Bytes(), want: want}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// codeBlock codes a block's coefficients as DC and AC symbols and the
// value bits after them (T.81 F.1.2).
func codeBlock(b *[64]int, pred *int, dc, ac func(byte), bits func(v, n int)) {
	value := func(v int) (size, code int) {
		a := max(v, -v)
		for a>>size != 0 {
			size++
		}
		if v < 0 {
			v += 1<<size - 1
		}
		return size, v
	}
	s, v := value(b[0] - *pred)
	*pred = b[0]
	dc(byte(s))
	bits(v, s)
	run := 0
	for k := 1; k < 64; k++ {
		c := b[zigzag[k]]
		if c == 0 {
			run++
			continue
		}
		for ; run >= 16; run -= 16 {
			ac(0xf0)
		}
		s, v := value(c)
		ac(byte(run<<4 | s))
		bits(v, s)
		run = 0
	}
	if run > 0 {
		ac(0)
	}
}

type encTable struct {
	code, size [256]int
}

// buildTable makes a Huffman code of at most 16 bits for the symbols'
// counts, as T.81 K.2 does: a Huffman code over the symbols and one
// reserved, which keeps any code from being all ones; lengths over 16
// moved up; the reserved code dropped. It returns the code and its DHT
// description (counts by length, then symbols).
func buildTable(freq *[256]int) (*encTable, []byte) {
	type node struct {
		f     int
		order int // tie-break: the reserved symbol sorts last
		kids  [2]int
		sym   int
	}
	var nodes []node
	h := &nodeHeap{}
	for s, f := range freq {
		if f > 0 {
			nodes = append(nodes, node{f: f, order: s, sym: s, kids: [2]int{-1, -1}})
		}
	}
	nodes = append(nodes, node{f: 0, order: 256, sym: 256, kids: [2]int{-1, -1}})
	for i := range nodes {
		heap.Push(h, heapItem{nodes[i].f, nodes[i].order, i})
	}
	for h.Len() > 1 {
		a, b := heap.Pop(h).(heapItem), heap.Pop(h).(heapItem)
		nodes = append(nodes, node{f: a.f + b.f, order: 1000 + len(nodes), sym: -1, kids: [2]int{a.i, b.i}})
		heap.Push(h, heapItem{a.f + b.f, 1000 + len(nodes), len(nodes) - 1})
	}
	var bits [64]int
	var depth func(i, d int)
	depth = func(i, d int) {
		if nodes[i].sym >= 0 {
			bits[max(d, 1)]++
			return
		}
		depth(nodes[i].kids[0], d+1)
		depth(nodes[i].kids[1], d+1)
	}
	depth(len(nodes)-1, 0)
	for i := len(bits) - 1; i > 16; i-- {
		for bits[i] > 0 {
			j := i - 2
			for bits[j] == 0 {
				j--
			}
			bits[i] -= 2
			bits[i-1]++
			bits[j+1] += 2
			bits[j]--
		}
	}
	i := 16
	for bits[i] == 0 {
		i--
	}
	bits[i]-- // the reserved symbol's code

	// The symbols, most frequent first, take the lengths shortest first.
	var syms []int
	for s, f := range freq {
		if f > 0 {
			syms = append(syms, s)
		}
	}
	slices.SortStableFunc(syms, func(a, b int) int { return cmp.Compare(freq[b], freq[a]) })
	et := &encTable{}
	desc := make([]byte, 16, 16+len(syms))
	code, k := 0, 0
	for l := 1; l <= 16; l++ {
		desc[l-1] = byte(bits[l])
		for range bits[l] {
			et.code[syms[k]], et.size[syms[k]] = code, l
			desc = append(desc, byte(syms[k]))
			code++
			k++
		}
		code <<= 1
	}
	return et, desc
}

type heapItem struct{ f, order, i int }
type nodeHeap []heapItem

func (h nodeHeap) Len() int { return len(h) }
func (h nodeHeap) Less(a, b int) bool {
	if h[a].f != h[b].f {
		return h[a].f < h[b].f
	}
	return h[a].order > h[b].order
}
func (h nodeHeap) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *nodeHeap) Push(x any)   { *h = append(*h, x.(heapItem)) }
func (h *nodeHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// bitWriter packs codes most significant bit first, stuffing a 0x00
// after each 0xff byte.
type bitWriter struct {
	out  []byte
	acc  uint64
	nacc int
}

func (w *bitWriter) put(v, n int) {
	w.acc = w.acc<<n | uint64(v)&(1<<n-1)
	w.nacc += n
	for w.nacc >= 8 {
		b := byte(w.acc >> (w.nacc - 8))
		w.out = append(w.out, b)
		if b == 0xff {
			w.out = append(w.out, 0)
		}
		w.nacc -= 8
	}
}

// flush pads the last byte with ones and returns the bytes written.
func (w *bitWriter) flush() []byte {
	if w.nacc > 0 {
		w.put(1<<(8-w.nacc)-1, 8-w.nacc)
	}
	out := w.out
	*w = bitWriter{}
	return out
}

// fdct is the forward DCT of T.81 A.3.3, in natural order.
func fdct(f *[64]float64) (F [64]float64) {
	for v := range 8 {
		for u := range 8 {
			s := 0.0
			for y := range 8 {
				for x := range 8 {
					s += f[y*8+x] * cosTable[x][u] * cosTable[y][v]
				}
			}
			F[v*8+u] = s * alpha(u) * alpha(v) / 4
		}
	}
	return F
}

// idctFloat is the inverse DCT of T.81 A.3.3.
func idctFloat(F *[64]float64) (f [64]float64) {
	for y := range 8 {
		for x := range 8 {
			s := 0.0
			for v := range 8 {
				for u := range 8 {
					s += alpha(u) * alpha(v) * F[v*8+u] * cosTable[x][u] * cosTable[y][v]
				}
			}
			f[y*8+x] = s / 4
		}
	}
	return f
}

func alpha(k int) float64 {
	if k == 0 {
		return math.Sqrt2 / 2
	}
	return 1
}

var cosTable = func() (t [8][8]float64) {
	for x := range 8 {
		for u := range 8 {
			t[x][u] = math.Cos(float64(2*x+1) * float64(u) * math.Pi / 16)
		}
	}
	return t
}()

// quantTable is a table that grows with frequency: step at DC, rising to
// about 4·step at the highest frequencies, at most maxQ.
func quantTable(step float64, maxQ int) (q [64]int) {
	for v := range 8 {
		for u := range 8 {
			q[v*8+u] = min(maxQ, max(1, int(math.Round(step*(1+float64(u+v)/4.5)))))
		}
	}
	return q
}
