package pdf417

import "sync"

// byPattern finds a codeword by its 17-module pattern: its value and its
// cluster (0, 1, 2 for the clusters 0, 3, 6). It is built on first use, so
// that a program that reads no PDF417 does not build it as it starts.
var byPattern = sync.OnceValue(indexPatterns)

func indexPatterns() map[uint32]uint16 {
	m := make(map[uint32]uint16, 3*929)
	for c, table := range patterns {
		for v, p := range table {
			m[p] = uint16(c*1024 + v)
		}
	}
	return m
}

// lookup finds the codeword whose elements are w (four bars and four
// spaces, bar first, in modules).
func lookup(w [8]int) (value, cluster int, ok bool) {
	var p uint32
	bar := uint32(1)
	for _, n := range w {
		for range n {
			p = p<<1 | bar
		}
		bar ^= 1
	}
	e, ok := byPattern()[p]
	if !ok {
		return 0, 0, false
	}
	return int(e % 1024), int(e / 1024), true
}
