package lumajpeg

import (
	"errors"
	"image"
	"runtime"
	"strconv"
	"sync"
)

// scanComp is one component of a scan.
type scanComp struct {
	h, v   int
	dc, ac *huffTable
	luma   bool
}

var (
	errNoCode     = errors.New("huffman code not in table")
	errRun        = errors.New("coefficient run past the end of a block")
	errACSymbol   = errors.New("AC symbol with a zero size and a run other than 0 or 15")
	errDCRange    = errors.New("DC coefficient out of range")
	errBlockSum   = unsupported("luma block's coefficients beyond " + strconv.Itoa(maxBlockSum) + " in sum (image/jpeg's IDCT overflows)")
	errACRange    = errors.New("AC coefficient out of range")
	errDataEnded  = errors.New("entropy-coded data ends inside a block")
	errBadRestart = errors.New("marker where a restart marker should be")
)

// unsupported is an error that wraps ErrUnsupported, made without fmt
// (fmt.Errorf in a package variable ran at every start).
type unsupported string

func (e unsupported) Error() string { return string(e) + ": " + ErrUnsupported.Error() }
func (e unsupported) Unwrap() error { return ErrUnsupported }

// scan decodes a scan (T.81 B.2.3) whose entropy-coded data starts at
// start, and returns where the data after it starts.
func (d *decoder) scan(at int, seg []byte, start int) (int, error) {
	if d.sof == 0 {
		return 0, errAt(at, "SOS before a frame header")
	}
	if len(seg) < 6 || len(seg) > 4+2*len(d.comps) || len(seg)%2 != 0 {
		return 0, errAt(at, "SOS segment of %d bytes", len(seg)+2)
	}
	ns := int(seg[0])
	if len(seg) != 4+2*ns {
		return 0, errAt(at, "SOS segment of %d bytes for %d components", len(seg)+2, ns)
	}
	if d.rgb() {
		return 0, errAt(d.sof, "RGB components: %w", ErrUnsupported)
	}
	comps := make([]scanComp, ns)
	var seen [3]bool
	totalHV, lumaIn := 0, false
	for i := range comps {
		id := seg[1+2*i]
		ci := -1
		for j, c := range d.comps {
			if c.id == id {
				ci = j
			}
		}
		if ci < 0 {
			return 0, errAt(at, "SOS: no component %d in the frame", id)
		}
		if seen[ci] {
			return 0, errAt(at, "SOS: component %d twice", id)
		}
		seen[ci] = true
		c := d.comps[ci]
		totalHV += c.h * c.v
		td, ta := seg[2+2*i]>>4, seg[2+2*i]&15
		if td > 3 || ta > 3 || d.baseline && (td > 1 || ta > 1) {
			return 0, errAt(at, "SOS: component %d: tables %d and %d", id, td, ta)
		}
		sc := &comps[i]
		sc.h, sc.v, sc.dc, sc.ac, sc.luma = c.h, c.v, d.huff[0][td], d.huff[1][ta], ci == 0
		if sc.dc == nil {
			return 0, errAt(at, "SOS: component %d: DC huffman table %d not defined", id, td)
		}
		if sc.ac == nil {
			return 0, errAt(at, "SOS: component %d: AC huffman table %d not defined", id, ta)
		}
		if sc.luma {
			lumaIn = true
			if !d.quantSet[c.tq] {
				return 0, errAt(at, "SOS: quantization table %d not defined", c.tq)
			}
		}
	}
	if len(d.comps) > 1 && totalHV > 10 {
		return 0, errAt(at, "SOS: %d blocks in an MCU, more than 10", totalHV)
	}
	if d.img == nil {
		d.img = image.NewGray(image.Rect(0, 0, d.width, d.height))
	}
	d.scanned = true

	s := &scanState{d: d, comps: comps, r: bitReader{data: d.data, pos: start}}
	s.bw, s.bh = (d.width+7)/8, (d.height+7)/8
	if lumaIn {
		q := d.quant[d.comps[0].tq]
		s.q = &q
		for k := range 64 {
			s.qz[k] = int(q[zigzag[k]])
		}
		s.start()
	}
	err := s.run()
	if lumaIn {
		s.finish(err == nil)
	}
	if err != nil {
		return 0, err
	}
	return s.r.pos, nil
}

// scanState decodes one scan.
type scanState struct {
	d     *decoder
	comps []scanComp
	r     bitReader

	bw, bh int // luma blocks across and down the image

	q  *[64]int32
	qz [64]int // q in coded order

	pred        int       // the luma's DC prediction
	scratch     [64]int16 // luma blocks in the padding past the image
	scratchLast uint8

	// The luma blocks go in bands of block rows to the IDCT workers.
	bandRows int
	band     *band
	free     chan *band
	work     chan *band
	wg       sync.WaitGroup
}

// band holds the coefficients of some block rows of luma, bw blocks each.
type band struct {
	coef []int16 // 64 a block, natural order
	last []uint8 // per block, 1 + the coded position of its last coefficient
	row0 int     // first block row
	rows int
	q    *[64]int32
}

// start starts the IDCT workers.
func (s *scanState) start() {
	d := s.d
	// Bands of about 512 blocks keep the workers close behind the
	// decoding, in chunks large enough that handing them over costs little.
	unit := d.vmax
	if len(s.comps) == 1 {
		unit = 1
	}
	s.bandRows = unit * max(1, 512/(s.bw*unit))
	s.bandRows = min(s.bandRows, (s.bh+unit-1)/unit*unit)
	nbands := (s.bh + s.bandRows - 1) / s.bandRows
	workers := min(runtime.GOMAXPROCS(0), 4, nbands)
	// A band holds the block rows inside the image only: those in the
	// padding of the last MCU row go to scratch.
	rows := min(s.bandRows, s.bh)
	s.free = make(chan *band, workers+2)
	s.work = make(chan *band, workers+2)
	for range min(workers+2, nbands) {
		s.free <- &band{
			coef: make([]int16, rows*s.bw*64),
			last: make([]uint8, rows*s.bw),
			q:    s.q,
		}
	}
	s.wg.Add(workers)
	for range workers {
		go func() {
			defer s.wg.Done()
			for b := range s.work {
				idctBand(b, s.bw, d.img)
				s.free <- b
			}
		}()
	}
}

// finish hands over the last band, unless the scan failed, and waits for
// the workers.
func (s *scanState) finish(ok bool) {
	if ok && s.band != nil {
		s.work <- s.band
		s.band = nil
	}
	close(s.work)
	s.wg.Wait()
}

// nextBand hands over the band being filled and takes one for the block
// rows from row0.
func (s *scanState) nextBand(row0 int) {
	if s.band != nil {
		s.work <- s.band
	}
	b := <-s.free
	b.row0, b.rows = row0, min(s.bandRows, s.bh-row0)
	s.band = b
}

// lumaDst returns where the luma block at (bx, by) goes: into the band,
// or into scratch when it lies in the padding past the image.
func (s *scanState) lumaDst(bx, by int) (*[64]int16, *uint8) {
	b := s.band
	if bx < s.bw && by < s.bh && by >= b.row0 {
		i := (by-b.row0)*s.bw + bx
		return (*[64]int16)(b.coef[i*64 : i*64+64]), &b.last[i]
	}
	return &s.scratch, &s.scratchLast
}

func (s *scanState) run() error {
	d := s.d
	if len(s.comps) == 1 {
		// Non-interleaved: the component's blocks one by one, row by row.
		c := &s.comps[0]
		cw := (d.width*c.h + d.hmax - 1) / d.hmax
		ch := (d.height*c.v + d.vmax - 1) / d.vmax
		bw, bh := (cw+7)/8, (ch+7)/8
		mcu := 0
		for by := range bh {
			if c.luma && by%s.bandRows == 0 {
				s.nextBand(by)
			}
			for bx := range bw {
				if err := s.restartIfDue(mcu, bw*bh); err != nil {
					return err
				}
				mcu++
				var err error
				if c.luma {
					blk, last := s.lumaDst(bx, by)
					err = s.lumaBlock(blk, last, c)
				} else {
					err = s.skipBlock(c)
				}
				if err != nil {
					return err
				}
			}
		}
		return nil
	}
	mw := (d.width + 8*d.hmax - 1) / (8 * d.hmax)
	mh := (d.height + 8*d.vmax - 1) / (8 * d.vmax)
	mcu := 0
	for my := range mh {
		if s.q != nil && (my*d.vmax)%s.bandRows == 0 {
			s.nextBand(my * d.vmax)
		}
		for mx := range mw {
			if err := s.restartIfDue(mcu, mw*mh); err != nil {
				return err
			}
			mcu++
			for ci := range s.comps {
				c := &s.comps[ci]
				for i := range c.v {
					for j := range c.h {
						var err error
						if c.luma {
							blk, last := s.lumaDst(mx*c.h+j, my*c.v+i)
							err = s.lumaBlock(blk, last, c)
						} else {
							err = s.skipBlock(c)
						}
						if err != nil {
							return err
						}
					}
				}
			}
		}
	}
	return nil
}

// restartIfDue reads the restart marker due before MCU mcu, if one is.
func (s *scanState) restartIfDue(mcu, total int) error {
	ri := s.d.restart
	if ri == 0 || mcu == 0 || mcu%ri != 0 || mcu >= total {
		return nil
	}
	want := byte(markRST0 + (mcu/ri-1)%8)
	data := s.r.data
	// The restart marker follows the interval's data; as image/jpeg does,
	// pass over stray bytes before it, but not over another marker.
	p := s.r.pos
	for {
		for p < len(data) && data[p] != 0xff {
			p++
		}
		for p+1 < len(data) && data[p+1] == 0xff {
			p++
		}
		if p+1 >= len(data) {
			return errAt(len(data), "unexpected end of data before restart marker RST%d", want-markRST0)
		}
		switch data[p+1] {
		case 0:
			p += 2
			continue
		case want:
		default:
			return errAt(p, "%v: 0x%02x, want RST%d", errBadRestart, data[p+1], want-markRST0)
		}
		break
	}
	s.r.reset(p + 2)
	s.pred = 0
	return nil
}

// lumaBlock decodes a luma block's coefficients into blk, which is zero,
// and the count of coded positions up to its last one into last.
func (s *scanState) lumaBlock(blk *[64]int16, last *uint8, c *scanComp) error {
	r := &s.r
	if r.n < 32 {
		r.fill()
	}
	acc, n := r.acc, r.n

	// DC: the size of the difference, then the difference (T.81 F.2.2.1).
	e := c.dc.decode(acc)
	if e == 0 {
		r.acc, r.n = acc, n
		return errAt(r.offset(), "%v", errNoCode)
	}
	sym, l := byte(e>>8), uint(e&0xff)
	acc <<= l
	n -= int(l)
	if sym > 11 {
		r.acc, r.n = acc, n
		return errAt(r.offset(), "%v", errDCRange)
	}
	dc := s.pred
	if sym > 0 {
		size := uint(sym)
		v := int(acc >> (64 - size))
		acc <<= size
		n -= int(size)
		if v < 1<<(size-1) {
			v += 1 - 1<<size
		}
		dc += v
	}
	if dc > 2047 || dc < -2047 { // 11 bits (T.81 F.1.2.1.1)
		r.acc, r.n = acc, n
		return errAt(r.offset(), "%v", errDCRange)
	}
	s.pred = dc
	blk[0] = int16(dc)
	sum := max(dc, -dc) * s.qz[0]

	// AC: run and size, then the value (T.81 F.2.2.2).
	end := 1
	for k := 1; k < 64; k++ {
		if n < 32 {
			r.acc, r.n = acc, n
			r.fill()
			acc, n = r.acc, r.n
		}
		if e := c.ac.short[acc>>(64-lookBits)]; e != 0 {
			// A short code and its value, in one look-up.
			if k += int(e >> 8 & 15); k > 63 {
				r.acc, r.n = acc, n
				return errAt(r.offset(), "%v", errRun)
			}
			v := int(e >> 16)
			sum += max(v, -v) * s.qz[k]
			blk[zigzag[k]] = int16(v)
			end = k + 1
			acc <<= uint(e & 0xff)
			n -= int(e & 0xff)
			continue
		}
		e := c.ac.decode(acc)
		if e == 0 {
			r.acc, r.n = acc, n
			return errAt(r.offset(), "%v", errNoCode)
		}
		sym, l = byte(e>>8), uint(e&0xff)
		acc <<= l
		n -= int(l)
		run, size := int(sym>>4), uint(sym&15)
		if size == 0 {
			if run == 0 {
				break // end of block
			}
			if run != 15 {
				r.acc, r.n = acc, n
				return errAt(r.offset(), "%v", errACSymbol)
			}
			if k += 15; k > 63 {
				r.acc, r.n = acc, n
				return errAt(r.offset(), "%v", errRun)
			}
			continue
		}
		if k += run; k > 63 {
			r.acc, r.n = acc, n
			return errAt(r.offset(), "%v", errRun)
		}
		if size > 10 { // (T.81 F.1.2.2.1)
			r.acc, r.n = acc, n
			return errAt(r.offset(), "%v", errACRange)
		}
		v := int(acc >> (64 - size))
		acc <<= size
		n -= int(size)
		if v < 1<<(size-1) {
			v += 1 - 1<<size
		}
		sum += max(v, -v) * s.qz[k]
		blk[zigzag[k]] = int16(v)
		end = k + 1
	}
	r.acc, r.n = acc, n
	if r.overrun() {
		return errAt(r.pos, "%v", errDataEnded)
	}
	if sum > maxBlockSum {
		return errAt(r.offset(), "%w", errBlockSum)
	}
	*last = uint8(end)
	return nil
}

// skipBlock decodes a chroma block only to pass over its bits.
func (s *scanState) skipBlock(c *scanComp) error {
	r := &s.r
	if r.n < 32 {
		r.fill()
	}
	acc, n := r.acc, r.n
	e := c.dc.decode(acc)
	if e == 0 {
		r.acc, r.n = acc, n
		return errAt(r.offset(), "%v", errNoCode)
	}
	sym, l := byte(e>>8), uint(e&0xff)
	if sym > 11 {
		r.acc, r.n = acc, n
		return errAt(r.offset(), "%v", errDCRange)
	}
	acc <<= l + uint(sym)
	n -= int(l) + int(sym)
	for k := 1; k < 64; k++ {
		if n < 32 {
			r.acc, r.n = acc, n
			r.fill()
			acc, n = r.acc, r.n
		}
		if e := c.ac.short[acc>>(64-lookBits)]; e != 0 {
			if k += int(e >> 8 & 15); k > 63 {
				r.acc, r.n = acc, n
				return errAt(r.offset(), "%v", errRun)
			}
			acc <<= uint(e & 0xff)
			n -= int(e & 0xff)
			continue
		}
		e := c.ac.decode(acc)
		if e == 0 {
			r.acc, r.n = acc, n
			return errAt(r.offset(), "%v", errNoCode)
		}
		sym, l = byte(e>>8), uint(e&0xff)
		run, size := int(sym>>4), uint(sym&15)
		if size == 0 {
			if run == 0 {
				acc <<= l
				n -= int(l)
				break
			}
			if run != 15 {
				r.acc, r.n = acc, n
				return errAt(r.offset(), "%v", errACSymbol)
			}
		} else if size > 10 {
			r.acc, r.n = acc, n
			return errAt(r.offset(), "%v", errACRange)
		}
		if k += run; k > 63 {
			r.acc, r.n = acc, n
			return errAt(r.offset(), "%v", errRun)
		}
		acc <<= l + size
		n -= int(l) + int(size)
	}
	r.acc, r.n = acc, n
	if r.overrun() {
		return errAt(r.pos, "%v", errDataEnded)
	}
	return nil
}
