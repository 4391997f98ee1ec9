package pdf417

import "sync"

// byPattern finds a codeword by its 17-module pattern: its value and its
// cluster (0, 1, 2 for the clusters 0, 3, 6). It is built on first use, so
// that a program that reads no PDF417 does not build it as it starts.
var byPattern = sync.OnceValue(indexPatterns)

// patternSlots is the size of the open-addressed pattern index: a power of
// two above the 2,787 patterns, so that a lookup probes one or two slots.
// It is 16 KiB where a Go map of the patterns took about 64 KiB, pages a
// short-lived process touches for the first time on every image.
const patternSlots = 4096

// A pattern index slot holds a pattern (17 bits, its first module a bar, so
// never zero) above its codeword: the cluster times 1024 plus the value.
func indexPatterns() *[patternSlots]uint32 {
	t := new([patternSlots]uint32)
	for c := range patterns {
		for v, p := range &patterns[c] { // not a copy of the table on the stack
			i := patternSlot(p)
			for t[i] != 0 {
				i = (i + 1) % patternSlots
			}
			t[i] = p<<12 | uint32(c*1024+v)
		}
	}
	return t
}

// patternSlot is where a pattern's probing starts: the high bits of a
// multiplicative hash.
func patternSlot(p uint32) uint32 { return p * 0x9e3779b1 >> 20 }

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
	t := byPattern()
	for i := patternSlot(p); t[i] != 0; i = (i + 1) % patternSlots {
		if t[i]>>12 == p {
			e := t[i] & 0xfff
			return int(e % 1024), int(e / 1024), true
		}
	}
	return 0, 0, false
}
