package pattern

import (
	"slices"
	"sync"
	"time"
	"unicode/utf8"
)

// The backtracking matcher for Java patterns whose language is not
// regular. It gives java.util.regex's verdicts where a .NET engine would
// not, because it follows the JDK's documented and observed behaviour
// rather than another engine's:
//
//   - the text is UTF-16 units, as a Java String is: a look-behind steps
//     back by unit (by code point only when the pattern text from the
//     look-behind on holds a supplementary character), and may start
//     half-way into a surrogate pair;
//   - a case-insensitive backreference compares as many code points as
//     the group holds UTF-16 units, folding ASCII only under (?i) and
//     upper then lower case under (?iu);
//   - a group's capture is undone only when what follows the group fails:
//     captures made inside an atomic group, a possessive quantifier or a
//     look-around stay when the match later backs out of them;
//   - a repeated group that makes no progress stops repeating, and a group
//     with a single way to match repeats one whole match at a time.
//
// Failed states are remembered once a match has run for a while, so a
// nested repetition such as (\d+)+Y fails in polynomial time instead of
// trying every way to split the digits; the time-out stays as a guard.

// btKind is the kind of a matcher node.
type btKind uint8

const (
	btAccept     btKind = iota // end of a sub-match: records where it ended
	btEnd                      // end of the pattern: the whole text is consumed
	btBehindEnd                // end of a look-behind's body: where the look-behind stands
	btChar                     // one character of set
	btBranch                   // one of alts, in order
	btGroupHead                // records where a group starts
	btGroupTail                // sets the group's capture, undone if what follows fails
	btAtomic                   // body's first match, then next
	btGrapheme                 // \X
	btLook                     // look-ahead
	btBehind                   // look-behind
	btBackref                  // the text a group captured
	btAssert                   // a zero-width assertion
	btQues                     // an item made optional
	btCurly                    // a repeated item, or a possessively repeated group
	btGroupCurly               // a repeated group with one way to match
	btProlog                   // entry to a repeated group with several ways to match
	btLoop                     // after each repetition of such a group
)

// btNode is one step of a compiled pattern. next is what follows it; body
// is the sub-pattern a repetition, group or look-around runs.
type btNode struct {
	kind       btKind
	mode       quantMode
	neg        bool // btLook, btBehind
	supp       bool // btBehind: steps back by code point
	bmp        bool // btChar: the set holds no supplementary character, so Java reads one unit
	fold       caseFold
	assert     assertKind
	id         int
	min, max   int // repetition bounds; max -1: none
	group      int // capture index; 0: none
	local      int // btGroupHead, btGroupTail, btLoop: where the group's start is kept
	count      int // btLoop: where the repetition count is kept
	bmin, bmax int32
	set        charset
	next, body *btNode
	alts       []*btNode
	loop       *btNode // btProlog
	// keyRefs (indexes in btProg.refs) and keyLocals are the captures and
	// locals a failed state at this node is remembered by: see liveness.
	keyRefs, keyLocals []int
}

// btProg is a compiled Java pattern for the backtracking matcher.
type btProg struct {
	start   *btNode
	groups  int
	locals  int
	nodes   int
	refs    []int // groups some backreference reads: their captures matter to what follows
	countAt []int // per local: the minimum of an unbounded loop whose count it keeps, or -1
	// relative says a local keeps the start of a group no backreference
	// reads: only whether the match has moved past it matters.
	relative []bool
	letDig   charset
	marks    charset
	ctl      charset
	ext      charset
	// memoAfter is the number of steps a match takes before it starts to
	// remember failed states.
	memoAfter int
	// memoProbation is how many failed states a match remembers before
	// it judges whether remembering pays.
	memoProbation int
	pool          sync.Pool
}

// memoAfter is the number of steps a match takes before it starts to
// remember failed states: most matches finish well before.
const memoAfter = 2048

type btCompiler struct {
	prog   *btProg
	accept *btNode
	refs   map[int]bool
	// inSub counts the sub-match bodies (atomic, look-around, repeated
	// item) being compiled: a capture set in one is not undone when what
	// follows the sub-match fails, so a failed state can leave it changed.
	inSub  int
	sticky map[int]bool // groups with such a capture
}

func compileBacktrack(root *node, groups int) *btProg {
	p := &btProg{groups: groups, memoAfter: memoAfter, memoProbation: memoProbation}
	c := &btCompiler{prog: p, refs: map[int]bool{}, sticky: map[int]bool{}}
	root.walk(func(n *node) bool {
		if n.op == opBackref && n.index > 0 && !c.refs[n.index] {
			c.refs[n.index] = true
			p.refs = append(p.refs, n.index)
		}
		return true
	})
	c.accept = c.newNode(btAccept)
	p.start = c.comp(root, c.newNode(btEnd))
	p.letDig, p.marks = letterOrDigit(), nonSpacingMark()
	c.liveness()
	return p
}

// sub compiles n as a sub-match body, ending at accept.
func (c *btCompiler) sub(n *node) *btNode {
	c.inSub++
	defer func() { c.inSub-- }()
	return c.comp(n, c.accept)
}

// setsCapture notes a node that sets group's capture.
func (c *btCompiler) setsCapture(group int) {
	if group > 0 && c.inSub > 0 {
		c.sticky[group] = true
	}
}

func (c *btCompiler) newNode(k btKind) *btNode {
	c.prog.nodes++
	return &btNode{kind: k, id: c.prog.nodes}
}

// newCount is a local for a loop's count; newStart one for where a group
// started.
func (c *btCompiler) newCount(countMin int) int {
	return c.newLocal(countMin, false)
}

func (c *btCompiler) newStart(group int) int {
	return c.newLocal(-1, !c.refs[group])
}

func (c *btCompiler) newLocal(countMin int, relative bool) int {
	c.prog.countAt = append(c.prog.countAt, countMin)
	c.prog.relative = append(c.prog.relative, relative)
	c.prog.locals++
	return c.prog.locals - 1
}

// comp compiles n followed by next.
func (c *btCompiler) comp(n *node, next *btNode) *btNode {
	switch n.op {
	case opEmpty:
		return next
	case opChar:
		b := c.newNode(btChar)
		b.set, b.next = n.set, next
		b.bmp = len(n.set) == 0 || n.set[len(n.set)-1] <= 0xffff
		return b
	case opConcat:
		for i := len(n.subs) - 1; i >= 0; i-- {
			next = c.comp(n.subs[i], next)
		}
		return next
	case opAlt:
		b := c.newNode(btBranch)
		for _, s := range n.subs {
			b.alts = append(b.alts, c.comp(s, next))
		}
		return b
	case opCapture:
		head, tail := c.newNode(btGroupHead), c.newNode(btGroupTail)
		head.local = c.newStart(n.index)
		tail.local, tail.group, tail.next = head.local, n.index, next
		c.setsCapture(n.index)
		head.next = c.comp(n.subs[0], tail)
		return head
	case opAtomic:
		if n.grapheme {
			b := c.newNode(btGrapheme)
			b.next = next
			return b
		}
		b := c.newNode(btAtomic)
		b.body, b.next = c.sub(n.subs[0]), next
		return b
	case opLook:
		if !n.behind {
			b := c.newNode(btLook)
			b.neg, b.body, b.next = n.neg, c.sub(n.subs[0]), next
			return b
		}
		b := c.newNode(btBehind)
		b.neg, b.supp, b.bmin, b.bmax, b.next = n.neg, n.supp, n.bmin, n.bmax, next
		c.inSub++
		b.body = c.comp(n.subs[0], c.newNode(btBehindEnd))
		c.inSub--
		return b
	case opBackref:
		b := c.newNode(btBackref)
		b.group, b.fold, b.next = n.index, n.ci, next
		return b
	case opAssert:
		b := c.newNode(btAssert)
		b.assert, b.set, b.next = n.assert, n.set, next
		return b
	case opRepeat:
		return c.repeat(n, next)
	}
	b := c.newNode(btChar) // unknown: never matches
	b.set, b.next = charset{}, next
	return b
}

// repeat compiles a quantified item the way Java's compiler chooses its
// nodes: an optional group is a branch, an item that is not a group
// repeats one match at a time, and a group repeats as a whole.
func (c *btCompiler) repeat(n *node, next *btNode) *btNode {
	atom := n.subs[0]
	if n.ques && n.group && n.mode != possessive {
		b := c.newNode(btBranch)
		b.alts = []*btNode{c.comp(atom, next), next}
		if n.mode == lazy {
			b.alts[0], b.alts[1] = b.alts[1], b.alts[0]
		}
		return b
	}
	if n.ques || !n.group || n.mode == possessive {
		k := btCurly
		if n.ques {
			k = btQues
		}
		b := c.newNode(k)
		b.mode, b.min, b.max, b.next = n.mode, n.min, n.max, next
		b.body = c.sub(atom)
		return b
	}
	body, group := atom, 0
	if atom.op == opCapture {
		body, group = atom.subs[0], atom.index
	}
	info := treeInfo{maxValid: true, det: true}
	study([]*node{body}, &info)
	if info.det {
		b := c.newNode(btGroupCurly)
		b.mode, b.min, b.max, b.group, b.next = n.mode, n.min, n.max, group, next
		c.setsCapture(group)
		b.body = c.sub(body)
		return b
	}
	countMin := -1
	if n.max < 0 {
		countMin = n.min
	}
	loop := c.newNode(btLoop)
	loop.mode, loop.min, loop.max, loop.next = n.mode, n.min, n.max, next
	loop.count = c.newCount(countMin)
	head, tail := c.newNode(btGroupHead), c.newNode(btGroupTail)
	head.local = c.newStart(group)
	tail.local, tail.group, tail.next = head.local, group, loop
	c.setsCapture(group)
	head.next = c.comp(body, tail)
	loop.local, loop.body = head.local, head
	prolog := c.newNode(btProlog)
	prolog.loop = loop
	return prolog
}

// btMachine is the state of one match.
type btMachine struct {
	p        *btProg
	in       []uint16
	caps     []int // start and end of each group, -1 when unset
	locals   []int
	last     int // where the last sub-match ended
	behindTo int // where the innermost look-behind stands
	behinds  int // how many look-behinds the match is inside
	steps    int
	deadline time.Time
	timedOut bool
	memo     *btMemo
	key      []int
	ends     []int // where the repetitions of the running greedy repeats ended
}

// match reports whether the whole of s matches, and whether the match
// gave up at the deadline.
func (p *btProg) match(s string, timeout time.Duration) (ok, timedOut bool) {
	ok, timedOut, _ = p.run(s, timeout)
	return ok, timedOut
}

// run is match, also saying how many steps the match took.
func (p *btProg) run(s string, timeout time.Duration) (ok, timedOut bool, steps int) {
	m, _ := p.pool.Get().(*btMachine)
	if m == nil {
		m = &btMachine{p: p}
	}
	m.in = appendUTF16(m.in[:0], s)
	m.caps = resetInts(m.caps, 2*(p.groups+1))
	m.locals = resetInts(m.locals, p.locals)
	m.steps, m.timedOut, m.memo, m.behindTo, m.behinds, m.ends = 0, false, nil, 0, 0, m.ends[:0]
	m.deadline = time.Now().Add(timeout)
	ok = m.match(p.start, 0)
	timedOut, steps = m.timedOut, m.steps
	m.memo = nil
	p.pool.Put(m)
	return ok && !timedOut, timedOut, steps
}

func resetInts(s []int, n int) []int {
	if cap(s) < n {
		s = make([]int, n)
	}
	s = s[:n]
	for i := range s {
		s[i] = -1
	}
	return s
}

// appendUTF16 appends s as a Java String holds it; an invalid byte becomes
// U+FFFD, as Java's UTF-8 decoder makes it.
func appendUTF16(dst []uint16, s string) []uint16 {
	for i := 0; i < len(s); {
		c := rune(s[i])
		w := 1
		if c >= utf8.RuneSelf {
			c, w = utf8.DecodeRuneInString(s[i:])
		}
		i += w
		if c >= 0x10000 {
			c -= 0x10000
			dst = append(dst, uint16(0xd800+c>>10), uint16(0xdc00+c&0x3ff))
			continue
		}
		dst = append(dst, uint16(c))
	}
	return dst
}

func isHigh(u uint16) bool { return u >= 0xd800 && u <= 0xdbff }
func isLow(u uint16) bool  { return u >= 0xdc00 && u <= 0xdfff }

// at is Character.codePointAt: the code point at unit i and its width.
func (m *btMachine) at(i int) (rune, int) {
	u := m.in[i]
	if isHigh(u) && i+1 < len(m.in) && isLow(m.in[i+1]) {
		return (rune(u)-0xd800)<<10 + rune(m.in[i+1]) - 0xdc00 + 0x10000, 2
	}
	return rune(u), 1
}

// before is Character.codePointBefore: the code point ending at unit i.
func (m *btMachine) before(i int) rune {
	u := m.in[i-1]
	if isLow(u) && i >= 2 && isHigh(m.in[i-2]) {
		return (rune(m.in[i-2])-0xd800)<<10 + rune(u) - 0xdc00 + 0x10000
	}
	return rune(u)
}

// countChars is how many units k code points span from unit i: forward
// for k >= 0, backward otherwise, stopping at either end of the text.
func (m *btMachine) countChars(i int, k int32) int {
	x := i
	if k >= 0 {
		for n := int32(0); x < len(m.in) && n < k; n++ {
			x++
			if isHigh(m.in[x-1]) && x < len(m.in) && isLow(m.in[x]) {
				x++
			}
		}
		return x - i
	}
	// Java negates k in int32: the smallest int stays negative and steps
	// back over nothing.
	for n, l := int32(0), -k; x > 0 && n < l; n++ {
		x--
		if isLow(m.in[x]) && x > 0 && isHigh(m.in[x-1]) {
			x--
		}
	}
	return i - x
}

// choice says whether a node's failures are worth remembering: the nodes
// where a match chooses between ways to go on.
func choice(k btKind) bool {
	switch k {
	case btBranch, btQues, btCurly, btGroupCurly, btProlog, btLoop:
		return true
	}
	return false
}

func (m *btMachine) match(n *btNode, i int) bool {
	m.steps++
	if m.steps&1023 == 0 && time.Now().After(m.deadline) {
		m.timedOut = true
	}
	if m.timedOut {
		return false
	}
	if !choice(n.kind) || m.behinds > 0 {
		// A look-behind's body runs from each start it may have, for
		// each position: its states rarely repeat, and remembering them
		// costs more than it saves.
		return m.step(n, i)
	}
	if m.memo == nil && m.steps > m.p.memoAfter {
		m.memo = &btMemo{index: make(map[uint64][]int, 1024), probation: m.p.memoProbation}
	}
	if m.memo == nil || m.memo.off {
		return m.step(n, i)
	}
	h := m.stateKey(n, i)
	e, seen := m.memo.index[h]
	if seen {
		if left, ok := m.memo.failed(e, m.key); ok {
			m.memo.hits++
			m.setRefs(n, left)
			return false
		}
	}
	if m.step(n, i) {
		return true
	}
	if !seen && !m.timedOut && !m.memo.off {
		// The match may have changed the captures a key holds.
		h = m.stateKey(n, i)
		if _, taken := m.memo.index[h]; !taken {
			m.memo.add(h, m.key, m.refCaps(n))
		}
	}
	return false
}

// btMemo holds the failed states of one match: each key with the captures
// of referenced groups it left behind, in chunks that are never copied.
type btMemo struct {
	index map[uint64][]int // hash of a key → its record; a colliding key is not remembered
	chunk []int            // where new records go; full chunks stay with the records in them
	// hits counts the failures found again; off stops remembering when
	// they are too few to pay for it: a match that fails the same way
	// many times finds most of its states again.
	hits      int
	off       bool
	probation int // memoProbation, or less in tests
}

func (t *btMemo) failed(rec, key []int) ([]int, bool) {
	if len(rec) < len(key) || !slices.Equal(rec[:len(key)], key) {
		return nil, false
	}
	return rec[len(key):], true
}

func (t *btMemo) add(h uint64, key, caps []int) {
	n := len(key) + len(caps)
	if cap(t.chunk)-len(t.chunk) < n {
		t.chunk = make([]int, 0, max(1<<14, n))
	}
	start := len(t.chunk)
	t.chunk = append(append(t.chunk, key...), caps...)
	t.index[h] = t.chunk[start:len(t.chunk):len(t.chunk)]
	if len(t.index) >= t.probation && t.hits*memoPayoff < len(t.index) {
		t.off, t.index, t.chunk = true, nil, nil
	}
}

// A match stops remembering failed states when, after memoProbation of
// them, fewer than one in memoPayoff was found again.
const (
	memoProbation = 1 << 15
	memoPayoff    = 16
)

// stateKey sets m.key to what a match from n at i depends on, and returns
// its hash: the position, the look-behind's end, the groups' starts and
// loop counts, and the captures a backreference reads. An unbounded loop's
// count past its minimum no longer matters. A group's start serves a loop
// to see whether a repetition moved, and its capture: where no
// backreference reads the capture, or at the loop itself, only whether i
// is past the start matters, since the match moves only forward until the
// loop looks.
func (m *btMachine) stateKey(n *btNode, i int) uint64 {
	k := append(m.key[:0], n.id, i, m.behindTo)
	for _, l := range n.keyLocals {
		v := m.locals[l]
		if c := m.p.countAt[l]; c >= 0 && v > c {
			v = c
		}
		if m.p.relative[l] || n.kind == btLoop && l == n.local {
			v = -2
			if i > m.locals[l] {
				v = -3
			}
		}
		k = append(k, v)
	}
	for _, j := range n.keyRefs {
		g := m.p.refs[j]
		k = append(k, m.caps[2*g], m.caps[2*g+1])
	}
	m.key = k
	h := uint64(14695981039346656037)
	for _, v := range k {
		h = (h ^ uint64(v)) * 1099511628211
	}
	return h ^ h>>29
}

// refCaps are the captures of n's key, as a failed state left them;
// setRefs puts them back. The captures outside the key are as the state
// found them (see liveness).
func (m *btMachine) refCaps(n *btNode) []int {
	out := make([]int, 0, 2*len(n.keyRefs))
	for _, j := range n.keyRefs {
		g := m.p.refs[j]
		out = append(out, m.caps[2*g], m.caps[2*g+1])
	}
	return out
}

func (m *btMachine) setRefs(n *btNode, v []int) {
	for x, j := range n.keyRefs {
		g := m.p.refs[j]
		m.caps[2*g], m.caps[2*g+1] = v[2*x], v[2*x+1]
	}
}

func (m *btMachine) step(n *btNode, i int) bool {
	switch n.kind {
	case btAccept:
		m.last = i
		return true
	case btEnd:
		m.last = i
		return i == len(m.in)
	case btBehindEnd:
		return i == m.behindTo
	case btChar:
		if i >= len(m.in) {
			return false
		}
		c, w := rune(m.in[i]), 1
		if !n.bmp {
			c, w = m.at(i)
		}
		return n.set.contains(c) && m.match(n.next, i+w)
	case btBranch:
		for _, a := range n.alts {
			if m.match(a, i) {
				return true
			}
		}
		return false
	case btGroupHead:
		save := m.locals[n.local]
		m.locals[n.local] = i
		ok := m.match(n.next, i)
		m.locals[n.local] = save
		return ok
	case btGroupTail:
		if n.group == 0 {
			return m.match(n.next, i)
		}
		g := 2 * n.group
		s, e := m.caps[g], m.caps[g+1]
		m.caps[g], m.caps[g+1] = m.locals[n.local], i
		if m.match(n.next, i) {
			return true
		}
		m.caps[g], m.caps[g+1] = s, e
		return false
	case btAtomic:
		return m.match(n.body, i) && m.match(n.next, m.last)
	case btGrapheme:
		return i < len(m.in) && m.match(n.next, m.graphemeEnd(i))
	case btLook:
		if m.match(n.body, i) == n.neg {
			return false
		}
		return m.match(n.next, i)
	case btBehind:
		return m.behind(n, i)
	case btBackref:
		return m.backref(n, i)
	case btAssert:
		return m.assert(n, i) && m.match(n.next, i)
	case btQues:
		switch n.mode {
		case lazy:
			return m.match(n.next, i) || m.match(n.body, i) && m.match(n.next, m.last)
		case possessive:
			if m.match(n.body, i) {
				i = m.last
			}
			return m.match(n.next, i)
		}
		return m.match(n.body, i) && m.match(n.next, m.last) || m.match(n.next, i)
	case btCurly:
		return m.curly(n, i)
	case btGroupCurly:
		return m.groupCurly(n, i)
	case btProlog:
		return m.loopInit(n.loop, i)
	case btLoop:
		return m.loopNext(n, i)
	}
	return false
}

func below(j, max int) bool { return max < 0 || j < max }

// curly repeats an item that matches one way: the minimum first, then as
// many as it can (greedy, backing off one at a time), as few as it must
// (lazy) or as many as it can for good (possessive). An item that matched
// nothing ends the repetition.
func (m *btMachine) curly(n *btNode, i int) bool {
	j := 0
	for ; j < n.min; j++ {
		if !m.match(n.body, i) {
			return false
		}
		i = m.last
	}
	switch n.mode {
	case lazy:
		for {
			if m.match(n.next, i) {
				return true
			}
			if !below(j, n.max) || !m.match(n.body, i) || m.last == i {
				return false
			}
			i = m.last
			j++
		}
	case possessive:
		for ; below(j, n.max); j++ {
			if !m.match(n.body, i) || m.last == i {
				break
			}
			i = m.last
		}
		return m.match(n.next, i)
	}
	base := m.repeatGreedy(n, i, j)
	ok := false
	for k := len(m.ends) - 1; k >= base && !ok; k-- {
		ok = m.match(n.next, m.ends[k])
	}
	m.ends = m.ends[:base]
	return ok
}

// repeatGreedy repeats n's body from i, which j repetitions reached, as
// many times as it can, stopping at one that matched nothing. The ends
// of the repetitions, i first, go on a stack the machine shares, which
// the repetitions inside what follows leave as they found it; base is
// where they start, for the caller to back off through and pop.
func (m *btMachine) repeatGreedy(n *btNode, i, j int) (base int) {
	base = len(m.ends)
	m.ends = append(m.ends, i)
	for ; below(j, n.max); j++ {
		if !m.match(n.body, i) || m.last == i {
			break
		}
		i = m.last
		m.ends = append(m.ends, i)
	}
	return base
}

// groupCurly repeats a group with one way to match, one whole match at a
// time, setting its capture to the last repetition; backing off to the
// minimum restores the capture it had there. A repetition that matched
// nothing ends it, and its capture is undone.
func (m *btMachine) groupCurly(n *btNode, i int) bool {
	g := 2 * n.group
	s0, e0 := m.caps[g], m.caps[g+1]
	setCap := func(s, e int) {
		if n.group > 0 {
			m.caps[g], m.caps[g+1] = s, e
		}
	}
	j := 0
	for ; j < n.min; j++ {
		if !m.match(n.body, i) {
			setCap(s0, e0)
			return false
		}
		setCap(i, m.last)
		i = m.last
	}
	if n.mode == lazy {
		for {
			if m.match(n.next, i) {
				return true
			}
			if !below(j, n.max) || !m.match(n.body, i) || m.last == i {
				setCap(s0, e0)
				return false
			}
			setCap(i, m.last)
			i = m.last
			j++
		}
	}
	s1, e1 := m.caps[g], m.caps[g+1]
	base := m.repeatGreedy(n, i, j)
	ok := false
	for k := len(m.ends) - 1; k > base && !ok; k-- {
		setCap(m.ends[k-1], m.ends[k])
		ok = m.match(n.next, m.ends[k])
	}
	if !ok {
		setCap(s1, e1)
		ok = m.match(n.next, m.ends[base])
	}
	m.ends = m.ends[:base]
	if !ok {
		setCap(s0, e0)
	}
	return ok
}

// loopInit enters a repeated group with several ways to match; loopNext
// runs after each repetition, which the group's tail hands on to it.
func (m *btMachine) loopInit(l *btNode, i int) bool {
	save := m.locals[l.count]
	var ok bool
	switch {
	case l.min > 0:
		m.locals[l.count] = 1
		ok = m.match(l.body, i)
	case l.mode == lazy:
		ok = m.match(l.next, i)
		if !ok && l.max != 0 {
			m.locals[l.count] = 1
			ok = m.match(l.body, i)
		}
	case l.max != 0:
		m.locals[l.count] = 1
		ok = m.match(l.body, i) || m.match(l.next, i)
	default:
		ok = m.match(l.next, i)
	}
	m.locals[l.count] = save
	return ok
}

func (m *btMachine) loopNext(l *btNode, i int) bool {
	if i <= m.locals[l.local] {
		// The repetition matched nothing: repeating it again would not
		// either.
		return m.match(l.next, i)
	}
	count := m.locals[l.count]
	again := func() bool {
		m.locals[l.count] = count + 1
		ok := m.match(l.body, i)
		m.locals[l.count] = count
		return ok
	}
	if count < l.min {
		return again()
	}
	if l.mode == lazy {
		return m.match(l.next, i) || below(count, l.max) && again()
	}
	return below(count, l.max) && again() || m.match(l.next, i)
}

// behind runs a look-behind: its body must end where the look-behind
// stands, starting from the shortest length back to the longest, in
// Java's int32 arithmetic.
func (m *btMachine) behind(n *btNode, i int) bool {
	save := m.behindTo
	m.behindTo = i
	m.behinds++
	found := false
	if n.supp {
		from := max(i-m.countChars(i, -n.bmax), 0)
		for j := i - m.countChars(i, -n.bmin); !found && j >= from; {
			found = m.match(n.body, j)
			if j > from {
				j -= m.countChars(j, -1)
			} else {
				j--
			}
		}
	} else {
		from := max(int32(i)-n.bmax, 0)
		for j := int32(i) - n.bmin; !found && j >= from; j-- {
			found = m.match(n.body, int(j))
		}
	}
	m.behindTo = save
	m.behinds--
	return found != n.neg && m.match(n.next, i)
}

// backref matches the text group n.group captured. Folding, Java compares
// as many code points as the group holds units, and goes on after that
// many units.
func (m *btMachine) backref(n *btNode, i int) bool {
	if n.group == 0 {
		return false
	}
	j, k := m.caps[2*n.group], m.caps[2*n.group+1]
	if j < 0 {
		return false
	}
	size := k - j
	if i+size > len(m.in) {
		return false
	}
	if n.fold == foldNone {
		for x := 0; x < size; x++ {
			if m.in[i+x] != m.in[j+x] {
				return false
			}
		}
		return m.match(n.next, i+size)
	}
	x, y := j, i
	for range size {
		if x >= len(m.in) || y >= len(m.in) {
			return false // Java throws here
		}
		c1, w1 := m.at(x)
		c2, w2 := m.at(y)
		if c1 != c2 && !sameFolded(c1, c2, n.fold) {
			return false
		}
		x, y = x+w1, y+w2
	}
	return m.match(n.next, i+size)
}

// sameFolded tells whether a case-insensitive backreference takes c1 and
// c2 as the same: under ASCII folding, ASCII letters of either case; under
// Unicode folding, the same upper case, or the same lower case of it.
func sameFolded(c1, c2 rune, fold caseFold) bool {
	if fold == foldASCII {
		return asciiLower(c1) == asciiLower(c2)
	}
	u1, u2 := jUpper(c1), jUpper(c2)
	return u1 == u2 || jLower(u1) == jLower(u2)
}

func asciiLower(c rune) rune {
	if c >= 'A' && c <= 'Z' {
		return c + 0x20
	}
	return c
}

func isLineTerm(u uint16) bool {
	return u == '\n' || u == '\r' || u == 0x85 || u == 0x2028 || u == 0x2029
}

func (m *btMachine) assert(n *btNode, i int) bool {
	end := len(m.in)
	switch n.assert {
	case aBeginText:
		return i == 0
	case aEndText:
		return i == end
	case aDollar:
		switch {
		case i == end:
			return true
		case i == end-2:
			return m.in[i] == '\r' && m.in[i+1] == '\n'
		case i == end-1:
			u := m.in[i]
			return isLineTerm(u) && !(u == '\n' && i > 0 && m.in[i-1] == '\r')
		}
		return false
	case aDollarUnix:
		return i == end || i == end-1 && m.in[i] == '\n'
	case aBeginLine:
		if i == end {
			return false
		}
		return i == 0 || isLineTerm(m.in[i-1]) && !(m.in[i-1] == '\r' && m.in[i] == '\n')
	case aBeginLineUnix:
		return i != end && (i == 0 || m.in[i-1] == '\n')
	case aEndLine:
		if i == end {
			return true
		}
		u := m.in[i]
		return isLineTerm(u) && !(u == '\n' && i > 0 && m.in[i-1] == '\r')
	case aEndLineUnix:
		return i == end || m.in[i] == '\n'
	case aWordBoundary, aNotWordBoundary:
		left := i > 0 && m.wordChar(n.set, m.before(i), i-1)
		right := false
		if i < end {
			c, _ := m.at(i)
			right = m.wordChar(n.set, c, i)
		}
		return (left != right) == (n.assert == aWordBoundary)
	case aGraphemeBoundary:
		return m.graphemeBoundary(i)
	}
	return false
}

// wordChar tells whether c, read at unit i, counts as a word character
// for \b: in word, or a non-spacing mark whose marks go back, unit
// by unit, to a letter or digit.
func (m *btMachine) wordChar(word charset, c rune, i int) bool {
	if word.contains(c) {
		return true
	}
	if !m.p.marks.contains(c) {
		return false
	}
	for x := i; x >= 0; x-- {
		c, _ := m.at(x)
		if m.p.letDig.contains(c) {
			return true
		}
		if !m.p.marks.contains(c) {
			return false
		}
	}
	return false
}

// graphemeEnd is where the grapheme cluster starting at unit i ends, as
// the JDK's \X measures it: between two characters it breaks as its table
// of break types says, except within an emoji ZWJ sequence and a pair of
// regional indicators. Once the cluster began with a pictograph, a ZWJ
// joins the next pictograph whatever came between.
func (m *btMachine) graphemeEnd(i int) int {
	return graphemeEnd(m.in, i, len(m.in))
}

func graphemeEnd(in []uint16, i, limit int) int {
	c, w := cpAt(in, i)
	t0 := graphemeType(c)
	pict, ri := t0 == gPict, 0
	if t0 == gRI {
		ri = 1
	}
	start := i
	for i += w; i < limit; i += w {
		c, w = cpAt(in, i)
		t1 := graphemeType(c)
		switch {
		case pict && t0 == gZWJ && t1 == gPict:
		case ri%2 == 1 && t0 == gRI && t1 == gRI:
		case jGraphemeBreak[t0][t1]:
			if i > start {
				return i
			}
		}
		if t1 == gRI {
			ri++
		}
		t0 = t1
	}
	return i
}

// graphemeBoundary is \b{g} as the JDK answers it: at either end of the
// text, and between two characters when the first cluster of the text,
// measured up to the character after i, ends at or before i.
func (m *btMachine) graphemeBoundary(i int) bool {
	if i == 0 || i == len(m.in) {
		return true
	}
	if isHigh(m.in[i-1]) && isLow(m.in[i]) {
		return false
	}
	_, w := m.at(i)
	return graphemeEnd(m.in, 0, i+w) <= i
}

func cpAt(in []uint16, i int) (rune, int) {
	u := in[i]
	if isHigh(u) && i+1 < len(in) && isLow(in[i+1]) {
		return (rune(u)-0xd800)<<10 + rune(in[i+1]) - 0xdc00 + 0x10000, 2
	}
	return rune(u), 1
}

// The grapheme cluster break types the JDK's tables use, in their order.
const (
	gZWJ  = 5
	gRI   = 6
	gPict = 14
)

type typeRange struct {
	lo, hi rune
	t      uint8
}

// graphemeTypes lists jGraphemeType's ranges in order of code point.
var graphemeTypes = sync.OnceValue(func() []typeRange {
	var out []typeRange
	for t, set := range jGraphemeType {
		cs := jSets[set]
		for k := 0; k < len(cs); k += 2 {
			out = append(out, typeRange{cs[k], cs[k+1], uint8(t)})
		}
	}
	slices.SortFunc(out, func(a, b typeRange) int { return int(a.lo - b.lo) })
	return out
})

func graphemeType(c rune) uint8 {
	rs := graphemeTypes()
	k, _ := slices.BinarySearchFunc(rs, c, func(r typeRange, c rune) int {
		switch {
		case r.hi < c:
			return -1
		case r.lo > c:
			return 1
		}
		return 0
	})
	if k < len(rs) && rs[k].lo <= c && c <= rs[k].hi {
		return rs[k].t
	}
	return 0
}

// liveness chooses what each node's failed states are remembered by. A
// match from a node depends on a referenced group's capture only if some
// path from the node reaches a backreference to it before the group is
// set again, and on a local only if a path reaches a node that reads it
// (a group's tail, a loop) before one that sets it (the group's head, the
// loop's entry); the rest cannot change whether the match fails, so it
// stays out of the key. Inside a repeated group that a backreference
// reads after the loop, the capture of the repetition before is such a
// value: keyed by it, a match with k repetitions possible would remember
// each state once per earlier capture.
//
// A failed state must also leave the captures as it found them for a
// remembered failure to stand for it: a capture set inside a sub-match is
// kept when what follows the sub-match fails, so a group with such a
// capture stays in the key of every node from which it can be reached.
func (c *btCompiler) liveness() {
	p := c.prog
	refSlot := map[int]int{}
	for j, g := range p.refs {
		refSlot[g] = j
	}
	nslot := len(p.refs) + p.locals
	local := func(l int) int { return len(p.refs) + l }

	var nodes []*btNode
	seen := map[*btNode]bool{}
	var visit func(n *btNode)
	visit = func(n *btNode) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		nodes = append(nodes, n)
		visit(n.next)
		visit(n.body)
		visit(n.loop)
		for _, a := range n.alts {
			visit(a)
		}
	}
	visit(p.start)

	succ := func(n *btNode) []*btNode {
		out := append([]*btNode(nil), n.alts...)
		for _, s := range []*btNode{n.next, n.body, n.loop} {
			if s != nil {
				out = append(out, s)
			}
		}
		return out
	}
	// live[n] and sticky[n] are bit sets: slots, and referenced groups
	// with a kept capture reachable from n.
	live := make(map[*btNode][]bool, len(nodes))
	sticky := make(map[*btNode][]bool, len(nodes))
	for _, n := range nodes {
		live[n], sticky[n] = make([]bool, nslot), make([]bool, len(p.refs))
	}
	for changed := true; changed; {
		changed = false
		// Successors mostly come first in reverse order of visit.
		for k := len(nodes) - 1; k >= 0; k-- {
			n := nodes[k]
			out := make([]bool, nslot)
			st := make([]bool, len(p.refs))
			for _, s := range succ(n) {
				for i, v := range live[s] {
					out[i] = out[i] || v
				}
				for i, v := range sticky[s] {
					st[i] = st[i] || v
				}
			}
			switch n.kind {
			case btBackref:
				if j, ok := refSlot[n.group]; ok {
					out[j] = true
				}
			case btGroupTail:
				if j, ok := refSlot[n.group]; ok {
					out[j] = false
				}
				out[local(n.local)] = true
			case btGroupHead:
				out[local(n.local)] = false
			case btLoop:
				out[local(n.local)], out[local(n.count)] = true, true
			case btProlog:
				out[local(n.loop.count)] = false
			}
			if n.kind == btGroupTail || n.kind == btGroupCurly {
				if j, ok := refSlot[n.group]; ok && c.sticky[n.group] {
					st[j] = true
				}
			}
			if !slices.Equal(out, live[n]) || !slices.Equal(st, sticky[n]) {
				live[n], sticky[n], changed = out, st, true
			}
		}
	}
	for _, n := range nodes {
		if !choice(n.kind) {
			continue
		}
		for j := range p.refs {
			if live[n][j] || sticky[n][j] {
				n.keyRefs = append(n.keyRefs, j)
			}
		}
		for l := range p.locals {
			if live[n][local(l)] {
				n.keyLocals = append(n.keyLocals, l)
			}
		}
	}
}
