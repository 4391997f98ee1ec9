package pattern

import "strconv"

// The parsed form of a pattern, independent of its dialect: the Java parser
// produces it, and it compiles either to an automaton (when its language
// is regular) or to a regexp2 pattern with every class spelled out.

type op uint8

const (
	opEmpty   op = iota // the empty string
	opChar              // one code point from set (empty set: never matches)
	opConcat            // subs in order
	opAlt               // one of subs
	opRepeat            // subs[0] from min to max times (max -1: no limit)
	opCapture           // capturing group index
	opAtomic            // (?>sub)
	opLook              // lookaround: behind, neg
	opBackref           // backreference to group index (0: a group that never matches)
	opAssert            // zero-width assertion
)

type quantMode uint8

const (
	greedy quantMode = iota
	lazy
	possessive
)

type assertKind uint8

const (
	aBeginText        assertKind = iota // \A, ^ without MULTILINE, \G (matches() starts at 0)
	aEndText                            // \z
	aDollar                             // $ without MULTILINE, \Z: end, or before a final line terminator
	aDollarUnix                         // the same under UNIX_LINES: before a final \n
	aBeginLine                          // ^ under MULTILINE
	aBeginLineUnix                      // ^ under MULTILINE and UNIX_LINES
	aEndLine                            // $ under MULTILINE
	aEndLineUnix                        // $ under MULTILINE and UNIX_LINES
	aWordBoundary                       // \b
	aNotWordBoundary                    // \B
	aGraphemeBoundary                   // \b{g}
)

type node struct {
	op       op
	set      charset // opChar; for word boundaries, the word characters
	subs     []*node
	min, max int       // opRepeat
	mode     quantMode // opRepeat
	// opRepeat, for Java's look-behind lengths: star is a greedy
	// repetition without an upper bound, ques is ? or {0,1}, group says
	// the atom was a group. opAtomic: grapheme marks \X.
	star, ques, group, grapheme bool
	lineEnd                     bool   // opAlt: \R, which a quantifier repeats atomically
	index                       int    // opCapture, opBackref
	name                        string // opCapture: the group's name, if any
	behind                      bool   // opLook
	neg                         bool   // opLook
	assert                      assertKind
	fold                        func(rune) charset // opBackref under CASE_INSENSITIVE: the characters one character matches
	// opBackref: how the backreference compares text, as Java's
	// matcher does: exactly, with ASCII folding or with Unicode folding.
	ci caseFold
	// opLook behind: Java's shortest and longest length of the body, in
	// its int32 arithmetic, and whether the pattern text from the
	// look-behind on holds a supplementary character, which makes Java
	// step back by code point instead of UTF-16 unit. javaBehind marks
	// the look-behinds it has rewritten for regexp2 as adjusted.
	bmin, bmax     int32
	supp, adjusted bool
}

type caseFold uint8

const (
	foldNone caseFold = iota
	foldASCII
	foldUnicode
)

func (n *node) walk(f func(*node) bool) {
	if !f(n) {
		return
	}
	for _, s := range n.subs {
		s.walk(f)
	}
}

// lengths returns the shortest and longest string n can match; max is -1
// when unbounded.
func (n *node) lengths() (lo, hi int) {
	switch n.op {
	case opChar:
		return 1, 1
	case opConcat:
		for _, s := range n.subs {
			a, b := s.lengths()
			lo += a
			if hi >= 0 {
				if b < 0 {
					hi = -1
				} else {
					hi += b
				}
			}
		}
		return lo, hi
	case opAlt:
		lo, hi = -1, 0
		for _, s := range n.subs {
			a, b := s.lengths()
			if lo < 0 || a < lo {
				lo = a
			}
			if hi >= 0 && (b < 0 || b > hi) {
				hi = b
			}
		}
		if lo < 0 {
			lo = 0
		}
		return lo, hi
	case opRepeat:
		a, b := n.subs[0].lengths()
		lo = a * n.min
		switch {
		case b == 0:
			hi = 0
		case b < 0 || n.max < 0:
			hi = -1
		default:
			hi = b * n.max
		}
		return lo, hi
	case opCapture, opAtomic:
		return n.subs[0].lengths()
	case opBackref:
		return 0, -1
	}
	return 0, 0
}

// altOf is the alternation of alts, or the one alternative.
func altOf(alts []*node) *node {
	if len(alts) == 1 {
		return alts[0]
	}
	return &node{op: opAlt, subs: alts}
}

// concatOf is the concatenation of items: empty, one item, or several.
func concatOf(items []*node) *node {
	switch len(items) {
	case 0:
		return &node{op: opEmpty}
	case 1:
		return items[0]
	}
	return &node{op: opConcat, subs: items}
}

// scanBounds reads "n}", "n,}" or "n,m}" at src[pos:], as both dialects
// write counted repetition, returning the position after the brace. ok is
// false when src holds no such bounds there.
func scanBounds(src string, pos int) (min, max, end int, ok bool) {
	num := func() (int, bool) {
		start := pos
		for pos < len(src) && src[pos] >= '0' && src[pos] <= '9' {
			pos++
		}
		if pos == start || pos-start > 9 {
			return 0, false
		}
		v, err := strconv.Atoi(src[start:pos])
		return v, err == nil
	}
	if min, ok = num(); !ok {
		return 0, 0, pos, false
	}
	max = min
	if pos < len(src) && src[pos] == ',' {
		pos++
		var has bool
		if max, has = num(); !has {
			max = -1
		}
	}
	if pos >= len(src) || src[pos] != '}' {
		return 0, 0, pos, false
	}
	return min, max, pos + 1, true
}
