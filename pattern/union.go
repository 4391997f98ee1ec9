package pattern

import (
	"slices"
	"sort"
	"sync"
	"unicode/utf8"
)

// Union answers "which of these patterns does a serial match" for
// catalogues of any size, in memory that grows with the number of patterns
// and not with its square.
//
// Most serial patterns start with a literal prefix (a model code, or a few
// alternatives), so the union first indexes each automaton pattern by the
// strings its matches must start with, up to maxKeyDepth bytes: a serial
// looks up its own prefixes and runs only the patterns filed under them,
// each on the automaton it already has. Patterns with no such prefix, and
// prefixes shared by many patterns, are combined into automata of at most
// maxGroupStates states, built by product from the patterns' own automata
// (no pattern is parsed again, and a group that would grow past the budget
// is closed, never built twice); a broad group runs only for serials whose
// first byte it can take. Patterns that need backtracking are tried one by
// one.
type Union struct {
	patterns []*Pattern
	// The index is built on first use: checking one pattern never needs it.
	once     sync.Once
	limit    int // the state budget of a combined automaton
	maxAlone int // the most patterns a bucket runs one by one

	// byPrefix files the buckets of patterns keyed by a prefix of one of
	// depths bytes.
	depths   []int
	byPrefix prefixTable
	// byFirst lists for each first byte the broad buckets that can match
	// a serial starting with it; broad lists them all.
	byFirst [256][]int32
	broad   []int32
	buckets []bucket
	slow    []int // patterns that are not automata
	groups  int   // combined automata, for Size
}

// A bucket is the patterns filed under one key: run one by one when they are
// few, else combined.
type bucket struct {
	alone []int32 // patterns run on their own automata
	// one is the automaton of a bucket's only pattern, kept here: the
	// usual lookup reads one bucket and one automaton, and nothing between.
	one   *dfa
	oneAt int32
	// A serial filed under this bucket's key starts with it: one runs
	// from oneFrom, the state after the key, on the rest of the serial.
	skip    int
	oneFrom uint32
	groups  []unionGroup
}

func (b *bucket) identify(u *Union, serial string, dst []int) []int {
	if b.one != nil {
		if st, ok := b.one.endFrom(b.oneFrom, serial[b.skip:]); ok && b.one.final[st] {
			dst = append(dst, int(b.oneAt))
		}
		return dst
	}
	for _, i := range b.alone {
		if u.patterns[i].dfa.match(serial) {
			dst = append(dst, int(i))
		}
	}
	for _, g := range b.groups {
		st, ok := g.d.end(serial)
		if !ok {
			continue
		}
		for _, r := range g.d.accepting(st) {
			dst = append(dst, int(g.members[r]))
		}
	}
	return dst
}

type unionGroup struct {
	d       *dfa
	members []int32 // the automaton's rule i is patterns[members[i]]
}

const (
	// maxGroupStates bounds one combined automaton (at most 4 bytes a
	// state and class).
	maxGroupStates = 1 << 12
	// maxKeyDepth is the longest prefix a pattern is filed under.
	maxKeyDepth = 8
	// maxKeys is the most prefixes a pattern is filed under: more, and a
	// shorter prefix is used.
	maxKeys = 4
	// maxAlone is the most patterns a bucket runs one by one.
	maxAlone = 4
)

// NewUnion returns the union of ps; Identify reports indexes into ps.
func NewUnion(ps []*Pattern) *Union {
	return &Union{patterns: ps, limit: maxGroupStates, maxAlone: maxAlone}
}

func (u *Union) init() { u.once.Do(u.build) }

// build files every pattern. Buckets are filled in pattern order, so their
// members ascend.
func (u *Union) build() {
	depthIdx := map[int]int{}
	var byPrefix []map[uint64]int32 // by depth, as depths
	type broadKey [4]uint64
	broadIdx := map[broadKey]int32{}
	var members [][]int32
	var keyOf []string // per bucket, its key; "" for a broad one
	for i, p := range u.patterns {
		if p.Engine != EngineDFA {
			u.slow = append(u.slow, i)
			continue
		}
		depth, keys := prefixes(p.dfa)
		if depth == 0 {
			first := firstBytes(p.dfa)
			b, ok := broadIdx[first]
			if !ok {
				b = int32(len(members))
				members = append(members, nil)
				keyOf = append(keyOf, "")
				broadIdx[first] = b
				u.broad = append(u.broad, b)
				for c := range 256 {
					if first[c>>6]&(1<<(c&63)) != 0 {
						u.byFirst[c] = append(u.byFirst[c], b)
					}
				}
			}
			members[b] = append(members[b], int32(i))
			continue
		}
		di, ok := depthIdx[depth]
		if !ok {
			di = len(u.depths)
			depthIdx[depth] = di
			u.depths = append(u.depths, depth)
			byPrefix = append(byPrefix, map[uint64]int32{})
		}
		for _, ks := range keys {
			k := prefixWord(ks)
			b, ok := byPrefix[di][k]
			if !ok {
				b = int32(len(members))
				members = append(members, nil)
				keyOf = append(keyOf, ks)
				byPrefix[di][k] = b
			}
			members[b] = append(members[b], int32(i))
		}
	}
	u.byPrefix = newPrefixTable(u.depths, byPrefix)
	u.buckets = make([]bucket, len(members))
	for b, ms := range members {
		u.buckets[b] = u.combine(ms)
		if bk := &u.buckets[b]; len(bk.alone) == 1 && len(bk.groups) == 0 {
			bk.one, bk.oneAt = u.patterns[bk.alone[0]].dfa, bk.alone[0]
			bk.skip, bk.oneFrom = len(keyOf[b]), bk.one.after(keyOf[b])
		}
		u.groups += len(u.buckets[b].groups)
	}
}

// combine makes a bucket of ms: one by one when they are few, else merged
// pairwise into automata within the state budget. A merge that would pass
// the budget closes its left side, which is not merged again, so each
// pattern takes part in at most one failed merge per round.
func (u *Union) combine(ms []int32) bucket {
	if len(ms) <= u.maxAlone {
		return bucket{alone: slices.Clip(ms)}
	}
	var b bucket
	var open []unionGroup
	for _, i := range ms {
		d := u.patterns[i].dfa
		if d.states() > u.limit {
			b.alone = append(b.alone, i)
			continue
		}
		open = append(open, unionGroup{d: d, members: []int32{i}})
	}
	for len(open) > 1 {
		var next []unionGroup
		for k := 0; k < len(open); k++ {
			if k+1 == len(open) {
				next = append(next, open[k])
				break
			}
			x, y := open[k], open[k+1]
			d := product(x.d, y.d, u.limit)
			if d == nil {
				b.groups = append(b.groups, x)
				continue
			}
			next = append(next, unionGroup{d: d, members: append(x.members[:len(x.members):len(x.members)], y.members...)})
			k++
		}
		open = next
	}
	b.groups = append(b.groups, open...)
	for k := 0; k < len(b.groups); k++ {
		if g := b.groups[k]; len(g.members) == 1 {
			// A pattern left on its own runs on its own automaton.
			b.alone = append(b.alone, g.members[0])
			b.groups = slices.Delete(b.groups, k, k+1)
			k--
		}
	}
	slices.Sort(b.alone)
	return b
}

// prefixes finds the prefixes a pattern's matches start with: the deepest
// depth up to maxKeyDepth at which there are at most maxKeys of them, no
// shorter serial matches and no character outside ASCII can occur. Depth 0
// means there is no such prefix.
func prefixes(d *dfa) (depth int, keys []string) {
	type item struct {
		s  string
		st uint32 // state * ncls
	}
	front := []item{{"", d.start}}
	for depth < maxKeyDepth {
		var next []item
		for _, it := range front {
			if d.final[it.st/d.ncls] {
				return depth, keys
			}
			row := d.trans[it.st : it.st+d.ncls]
			for _, k := range d.hiCls {
				if row[k] != 0 {
					return depth, keys
				}
			}
			for c := range byte(utf8.RuneSelf) {
				if to := row[d.ascii[c]]; to != 0 {
					if len(next) == maxKeys {
						return depth, keys
					}
					next = append(next, item{it.s + string(c), to})
				}
			}
		}
		if len(next) == 0 { // nothing longer matches
			return depth, keys
		}
		front = next
		depth++
		keys = keys[:0:0]
		for _, it := range front {
			keys = append(keys, it.s)
		}
	}
	return depth, keys
}

// firstBytes is the set of bytes a serial the pattern matches can start
// with: all bytes of a UTF-8 sequence's lead when any character outside
// ASCII can, and byte 0 too when the empty serial matches (Identify looks
// an empty serial up as byte 0).
func firstBytes(d *dfa) (set [4]uint64) {
	row := d.trans[d.start : d.start+d.ncls]
	for c := range byte(utf8.RuneSelf) {
		if row[d.ascii[c]] != 0 {
			set[c>>6] |= 1 << (c & 63)
		}
	}
	for _, k := range d.hiCls {
		if row[k] != 0 {
			set[2], set[3] = ^uint64(0), ^uint64(0)
			break
		}
	}
	if d.final[d.start/d.ncls] {
		set[0] |= 1
	}
	return set
}

// bounds returns the first rune of each of d's classes, in class order.
func (d *dfa) bounds() []rune {
	out := []rune{0}
	for c := 1; c < utf8.RuneSelf; c++ {
		if d.ascii[c] != d.ascii[c-1] {
			out = append(out, rune(c))
		}
	}
	return append(out, d.hiLo...)
}

// classOfRune maps any rune to its class.
func (d *dfa) classOfRune(r rune) uint32 {
	if r < utf8.RuneSelf {
		return uint32(d.ascii[r])
	}
	return d.classOf(r)
}

// product builds the automaton that runs x and y side by side, its rules
// x's followed by y's, or returns nil when it would have more than limit
// states.
func product(x, y *dfa, limit int) *dfa {
	// The classes: every boundary of either.
	bx, by := x.bounds(), y.bounds()
	bs := append(append(make([]rune, 0, len(bx)+len(by)), bx...), by...)
	slices.Sort(bs)
	bs = slices.Compact(bs)
	d := &dfa{ncls: uint32(len(bs)), inv: inverse(uint32(len(bs))), rules: x.rules + y.rules}
	cx := make([]uint32, len(bs))
	cy := make([]uint32, len(bs))
	for k, lo := range bs {
		cx[k], cy[k] = x.classOfRune(lo), y.classOfRune(lo)
		if lo < utf8.RuneSelf {
			hi := rune(utf8.RuneSelf - 1)
			if k+1 < len(bs) && bs[k+1]-1 < hi {
				hi = bs[k+1] - 1
			}
			for c := lo; c <= hi; c++ {
				d.ascii[c] = uint8(k)
			}
			continue
		}
		d.hiLo = append(d.hiLo, lo)
		d.hiCls = append(d.hiCls, uint32(k))
	}
	// States are pairs of x's and y's (state * ncls), 0 for dead; the pair
	// of dead states is the dead state.
	type pair struct{ a, b uint32 }
	index := map[pair]uint32{{0, 0}: 0}
	queue := []pair{{0, 0}}
	add := func(p pair) uint32 {
		if id, ok := index[p]; ok {
			return id
		}
		id := uint32(len(queue))
		index[p] = id
		queue = append(queue, p)
		return id
	}
	d.start = add(pair{x.start, y.start}) * d.ncls
	d.trans = make([]uint32, d.ncls, 64*d.ncls)
	for s := 1; s < len(queue); s++ {
		if len(queue) > limit {
			return nil
		}
		p := queue[s]
		for k := range bs {
			var n pair
			if p.a != 0 {
				n.a = x.trans[p.a+cx[k]]
			}
			if p.b != 0 {
				n.b = y.trans[p.b+cy[k]]
			}
			d.trans = append(d.trans, add(n)*d.ncls)
		}
	}
	if len(queue) > limit {
		return nil
	}
	d.trans = append([]uint32(nil), d.trans...) // no spare capacity
	d.final = make([]bool, len(queue))
	d.accept = make([][]int32, len(queue))
	off := int32(x.rules)
	for s, p := range queue {
		var acc []int32
		if p.a != 0 {
			acc = append(acc, x.accepting(p.a/x.ncls)...)
		}
		if p.b != 0 {
			for _, r := range y.accepting(p.b / y.ncls) {
				acc = append(acc, r+off)
			}
		}
		d.final[s] = len(acc) > 0
		d.accept[s] = acc
	}
	return d
}

// Identify appends to dst the index of every pattern the whole serial
// matches, in ascending order. A pattern whose match timed out is not
// matched.
func (u *Union) Identify(serial string, dst []int) []int {
	return u.identify(serial, dst, true)
}

// IdentifyAutomata is Identify for the patterns that run on the automaton
// alone: it never waits on a backtracking pattern.
func (u *Union) IdentifyAutomata(serial string, dst []int) []int {
	return u.identify(serial, dst, false)
}

func (u *Union) identify(serial string, dst []int, slow bool) []int {
	u.init()
	start := len(dst)
	word := prefixWord(serial)
	for _, depth := range u.depths {
		if depth > len(serial) {
			continue
		}
		if b, ok := u.byPrefix.find(word&(^uint64(0)>>(64-8*depth)), depth); ok {
			dst = u.buckets[b].identify(u, serial, dst)
		}
	}
	var first byte // an empty serial is looked up as byte 0
	if serial != "" {
		first = serial[0]
	}
	for _, b := range u.byFirst[first] {
		dst = u.buckets[b].identify(u, serial, dst)
	}
	if slow {
		for _, i := range u.slow {
			if ok, _ := u.patterns[i].Match(serial); ok {
				dst = append(dst, i)
			}
		}
	}
	if len(dst)-start > 1 {
		sort.Ints(dst[start:])
	}
	return dst
}

// prefixWord packs the first maxKeyDepth bytes of s into a word, the
// first byte lowest: the key of a prefix of d bytes is the word masked by
// ^0>>(64-8d). (A word-keyed map is looked up several times faster than
// one keyed by strings, and a serial is looked up at every depth.)
func prefixWord(s string) uint64 {
	var w uint64
	for i := 0; i < len(s) && i < maxKeyDepth; i++ {
		w |= uint64(s[i]) << (8 * i)
	}
	return w
}

// prefixTable is the prefix index: an open-addressed hash table of
// (prefix word, depth) at most half full, probed linearly. A serial is
// looked up at every depth, and most lookups miss: a miss here reads one
// slot or two, where a Go map costs several times that.
type prefixTable struct {
	slots []prefixSlot // a power of two of them
	shift uint         // 64 - log2(len(slots))
	n     int          // keys
}

type prefixSlot struct {
	key    uint64
	depth  int32 // 0 for an empty slot
	bucket int32
}

func prefixHash(key uint64, depth int, shift uint) uint64 {
	const golden = 0x9e3779b97f4a7c15 // 2⁶⁴/φ: Fibonacci hashing
	return ((key + uint64(depth)) * golden) >> shift
}

func newPrefixTable(depths []int, byDepth []map[uint64]int32) prefixTable {
	var t prefixTable
	for _, m := range byDepth {
		t.n += len(m)
	}
	size, bits := 2, uint(1)
	for size < 2*t.n {
		size, bits = size*2, bits+1
	}
	t.slots, t.shift = make([]prefixSlot, size), 64-bits
	mask := uint64(size - 1)
	for di, m := range byDepth {
		for k, b := range m {
			h := prefixHash(k, depths[di], t.shift)
			for t.slots[h].depth != 0 {
				h = (h + 1) & mask
			}
			t.slots[h] = prefixSlot{key: k, depth: int32(depths[di]), bucket: b}
		}
	}
	return t
}

func (t *prefixTable) find(key uint64, depth int) (int32, bool) {
	if t.n == 0 {
		return 0, false
	}
	mask := uint64(len(t.slots) - 1)
	for h := prefixHash(key, depth, t.shift); ; h = (h + 1) & mask {
		s := &t.slots[h]
		if s.depth == 0 {
			return 0, false
		}
		if s.key == key && int(s.depth) == depth {
			return s.bucket, true
		}
	}
}

// Size tells how many combined automata the union uses and how many
// patterns it runs one by one (on their own automata when a serial has
// their prefix, or backtracking), building the index if need be.
func (u *Union) Size() (automata, alone int) {
	u.init()
	for _, b := range u.buckets {
		alone += len(b.alone)
	}
	return u.groups, alone + len(u.slow)
}

// Stats describes how a union runs its patterns, for rules check.
type Stats struct {
	Patterns   int // all the patterns
	Keyed      int // automaton patterns filed under a prefix
	Prefixes   int // the prefixes they are filed under
	Broad      int // automaton patterns with no prefix, run by first byte
	Groups     int // combined automata
	Alone      int // automaton patterns run one by one on their own automata (under some prefix)
	GroupState int // the states of all combined automata
	Slow       int // patterns that need backtracking, tried one by one
}

// Stats describes the union, building its index if need be.
func (u *Union) Stats() Stats {
	u.init()
	s := Stats{Patterns: len(u.patterns), Slow: len(u.slow), Groups: u.groups}
	s.Prefixes = u.byPrefix.n
	inBroad := 0
	for _, b := range u.broad {
		inBroad += u.buckets[b].count()
	}
	s.Broad = inBroad
	s.Keyed = len(u.patterns) - len(u.slow) - inBroad
	alone := make([]bool, len(u.patterns))
	for _, b := range u.buckets {
		for _, i := range b.alone {
			if !alone[i] {
				alone[i] = true
				s.Alone++
			}
		}
		for _, g := range b.groups {
			s.GroupState += g.d.states()
		}
	}
	return s
}

func (b *bucket) count() int {
	n := len(b.alone)
	for _, g := range b.groups {
		n += len(g.members)
	}
	return n
}
