package pdf417

import (
	"math"
)

// read is one codeword read on a sampling line.
type read struct {
	t     float64 // the line's place between the frame's ends, 0 to 1
	col   int     // 0 for the left row indicator, cols+1 for the right one
	value int
	clu   int // cluster 0, 1, 2 (0, 3, 6)
}

// line is a sampling line in scan coordinates (x along the scan line).
type line struct{ ax, ay, bx, by float64 }

// frameLine returns the line between the frame's inner edges at place t of
// the start edge and place u of the stop edge (0 the first scan line of
// each, 1 the last).
func (f frame) frameLine(t, u float64) line {
	sl := float64(f.start.first) + t*float64(f.start.last-f.start.first)
	pl := float64(f.stop.first) + u*float64(f.stop.last-f.stop.first)
	// Scan line l runs through the middle of pixel row l.
	return line{f.start.inner(sl), sl + 0.5, f.stop.inner(pl), pl + 0.5}
}

// readLine reads the cols+2 codewords between the start and stop patterns
// along ln, which runs from the start's inner edge to the stop's. It
// returns -1 for a codeword it could not read.
func readLine(b *bitmap, ln line, cols int, vals, clus []int) {
	readCodewords(b, ln, cols+2, vals, clus)
}

// readCodewords reads the n codewords that fill ln end to end into
// vals[:n] and their clusters into clus, -1 for a codeword not read.
func readCodewords(b *bitmap, ln line, n int, vals, clus []int) {
	dx, dy := ln.bx-ln.ax, ln.by-ln.ay
	length := math.Hypot(dx, dy)
	for j := range vals[:n] {
		vals[j] = -1
	}
	if length < float64(17*n)*0.7 {
		return
	}
	m := length / float64(17*n) // module along the line
	starts, ends, mod, pre := edgesAlong(b, ln, m)
	k := 0 // index in starts
	expect := pre
	for j := range n {
		// The bar that starts the codeword: the dark run starting
		// nearest where the last codeword ended.
		for k+1 < len(starts) && math.Abs(starts[k+1]-expect) < math.Abs(starts[k]-expect) {
			k++
		}
		if k >= len(starts) || math.Abs(starts[k]-expect) > 2.5*mod || k+4 >= len(starts) {
			expect += 17 * mod
			continue
		}
		var runs [8]float64
		for e := range 4 {
			runs[2*e] = ends[k+e] - starts[k+e]
			runs[2*e+1] = starts[k+e+1] - ends[k+e]
		}
		width := starts[k+4] - starts[k]
		if math.Abs(width-17*mod) > 0.3*17*mod {
			expect += 17 * mod
			continue
		}
		if v, c, ok := decodeRuns(runs, width, mod); ok {
			vals[j], clus[j] = v, c
			expect = starts[k+4]
			k += 4
			continue
		}
		expect = starts[k] + 17*mod
	}
}

// decodePairs is decodeRuns by the sums of a bar and the next space alone,
// the cheap test that most codewords pass.
func decodePairs(runs [8]float64, width float64) (value, cluster int, ok bool) {
	var e [8]float64
	for i, r := range runs {
		e[i] = r * 17 / width
	}
	var pairs [7]int
	for i := range pairs {
		pairs[i] = int(math.Round(e[i] + e[i+1]))
	}
	if pairs[0]+pairs[2]+pairs[4]+pairs[6] == 17 {
		bestErr := math.Inf(1)
		for w0 := 1; w0 <= 6; w0++ {
			var w [8]int
			w[0] = w0
			valid := true
			for i := 1; i < 8 && valid; i++ {
				w[i] = pairs[i-1] - w[i-1]
				valid = w[i] >= 1 && w[i] <= 6
			}
			if !valid {
				continue
			}
			v, c, found := lookup(w)
			if !found {
				continue
			}
			var err float64
			for i := range w {
				err += math.Abs(float64(w[i]) - e[i])
			}
			if err < bestErr {
				bestErr, value, cluster, ok = err, v, c, true
			}
		}
		if ok {
			return value, cluster, true
		}
	}
	return 0, 0, false
}

// edgesAlong samples the gray image along ln, of modules m pixels long,
// from two modules before its start to two after its end, and returns
// where its dark runs start and end, in samples, with the module in
// samples and the sample of ln's start. An edge lies where the gray
// crosses the threshold, between two samples.
func edgesAlong(b *bitmap, ln line, m float64) (starts, ends []float64, mod, pre float64) {
	dx, dy := ln.bx-ln.ax, ln.by-ln.ay
	length := math.Hypot(dx, dy)
	// Four samples a module or more, and two a pixel where modules are
	// small; an edge is placed between samples, so wide modules take
	// fewer samples a pixel.
	step := min(m/4, max(0.5, m/6))
	ux, uy := dx/length*step, dy/length*step
	n := int(2 * m / step)
	total := int(length/step) + 2*n
	dark := false
	x, y := ln.ax-float64(n)*ux, ln.ay-float64(n)*uy
	var last, lastThr float64
	for i := 0; i < total; i++ {
		v, thr := b.sample(x, y)
		if d := v < thr; d != dark {
			at := float64(i)
			if i > 0 && v != last {
				// Where the line between the two samples crosses the threshold.
				at = float64(i-1) + math.Min(1, math.Max(0, ((thr+lastThr)/2-last)/(v-last)))
			}
			if d {
				starts = append(starts, at)
			} else {
				ends = append(ends, at)
			}
			dark = d
		}
		last, lastThr = v, thr
		x, y = x+ux, y+uy
	}
	if dark {
		ends = append(ends, float64(total))
	}
	return starts, ends, m / step, float64(n)
}

// decodeRuns finds the codeword of four bars and four spaces measured as
// runs (any unit, width in all). Sums of a bar and the next space are
// measured first, as ink spread does not change them; the first bar's
// width, which they leave open, is the one that makes a codeword closest
// to the measurements. Edges put on a grid of modules (the codeword's own
// or the line's module), then each element rounded up or down, are the
// fallbacks.
func decodeRuns(runs [8]float64, width, module float64) (value, cluster int, ok bool) {
	if value, cluster, ok = decodePairs(runs, width); ok {
		return value, cluster, true
	}
	var e [8]float64
	for i, r := range runs {
		e[i] = r * 17 / width
	}
	// Each edge placed on the nearest boundary of a grid of modules:
	// where modules are about a pixel, each edge falls on a pixel
	// boundary on its own, and an element takes a pixel more or less than
	// its share. The grid's start is where the codeword's first edge is
	// to half a module, so a few starts are tried.
	bestErr := math.Inf(1)
	for _, scale := range [2]float64{width / 17, module} {
		for _, off := range [5]float64{0, -0.2, 0.2, -0.4, 0.4} {
			var w [8]int
			at, prev, err := -off, 0, math.Abs(off)
			for i := range w {
				at += runs[i] / scale
				b := int(math.Round(at))
				err += math.Abs(at - float64(b))
				w[i], prev = b-prev, b
			}
			if prev != 17 || err >= bestErr || !widthsOK(w) {
				continue
			}
			if v, c, found := lookup(w); found {
				bestErr, value, cluster, ok = err, v, c, true
			}
		}
	}
	if ok {
		return value, cluster, true
	}
	// Each element rounded down or up, the codeword closest to the
	// measurements.
	for mask := range 256 {
		var w [8]int
		sum := 0
		var err float64
		for i := range w {
			w[i] = int(e[i]) + mask>>i&1
			sum += w[i]
			err += math.Abs(float64(w[i]) - e[i])
		}
		if sum != 17 || err >= bestErr || !widthsOK(w) {
			continue
		}
		if v, c, found := lookup(w); found {
			bestErr, value, cluster, ok = err, v, c, true
		}
	}
	return value, cluster, ok
}

func widthsOK(w [8]int) bool {
	for _, n := range w {
		if n < 1 || n > 6 {
			return false
		}
	}
	return true
}
