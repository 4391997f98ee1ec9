package pattern

import (
	"bytes"
	"errors"
	"math/bits"
	"regexp/syntax"
	"slices"
	"sort"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// The automaton: a DFA over character classes, built by subset construction
// from one or more compiled programs. A rule's language may be the
// intersection of several programs (its body and the lookaheads at its
// start), and one DFA may carry many rules, so one pass over a serial tells
// every rule it matches.

type compKind uint8

const (
	whole  compKind = iota // the program must match the whole input
	prefix                 // the program must match a prefix (a lookahead at the start)
)

type component struct {
	prog *syntax.Prog
	rule int
	kind compKind
	neg  bool
	sets []charset // per instruction: the characters it consumes
}

var (
	errTooBig    = errors.New("automaton too large")
	errTooCostly = errors.New("automaton too costly to build")
)

// maxBuildWork bounds the instruction visits spent building one
// automaton. A pattern whose states each hold thousands of positions
// (nested counted repeats of overlapping classes) can stay under the
// state limit and still take seconds to build; past this budget (about
// a quarter of a second of building on the station's two cores) it runs on the backtracking engine instead. The
// largest rule in the shared catalogue takes well under 1% of it.
const maxBuildWork = 2 << 20

type dfa struct {
	ncls uint32
	// inv turns a scaled state back into its number by a multiplication
	// (see index): a division costs more than the rest of a short serial's
	// walk. 0 when ncls is 1.
	inv uint64
	// ascii is the class of each ASCII byte. The ASCII classes come first,
	// so their numbers fit a byte: a pattern's automaton stays small.
	ascii [128]uint8
	hiLo  []rune   // first rune of each class from 0x80 up, sorted
	hiCls []uint32 // the class of hiLo[i]
	trans []uint32 // trans[state*ncls+class] = next state * ncls; 0 is the dead state
	start uint32   // start state * ncls
	final []bool   // per state: some rule accepts at the end of input here
	// accept lists per state the rules that accept at the end of input
	// there; nil for a one-rule automaton, whose final says it all.
	accept [][]int32
	rules  int
	// The byte tables serve countLines alone and are built on its first
	// call: at 1 KiB a state each, building them for every rule of a large
	// catalogue would cost more than the rest of its automata.
	tables sync.Once
	// bt is the transition table by byte, for automata small enough:
	// bt[state<<8|b] = next state << 8, 0 for the dead state, and
	// nonASCII for a byte that starts a multi-byte character.
	bt []uint32
	// pairs steps small automata two ASCII bytes at a time: a walk costs
	// one dependent load per step, so two bytes a step halve it.
	// pairs[state*na²+a*na+b] = the state after bytes of ASCII classes a
	// then b, times na², 0 for dead; na is the number of ASCII classes,
	// which come first. nil for automata too large for it. Built on an
	// automaton's first walk (pairOnce): of a catalogue of 50,000 rules
	// a run walks few, and the tables of all would be half as much memory
	// again as the automata.
	pairOnce sync.Once
	pairs    []uint16
	na       uint32
	inv2     uint64 // inverse(na²)
	// lt is bt with LF ending a line (lineValid or lineInvalid by the
	// state it ends in) and CR marked (lineCR), for countLines.
	lt []uint32
}

const (
	nonASCII = 1
	// countLines's markers in lt, all below the first state (1<<8).
	lineInvalid = 2
	lineValid   = 3
	lineCR      = 4
	// maxByteTableStates bounds the automata that get a byte table (4 MiB).
	maxByteTableStates = 1 << 12
)

// compileDFA builds the automaton for comps, whose rule numbers run from 0
// to rules-1, with at most maxStates states.
func compileDFA(comps []component, rules, maxStates int) (*dfa, error) {
	d := &dfa{rules: rules}
	bounds := []rune{0, 0x80}
	for i := range comps {
		c := &comps[i]
		c.sets = make([]charset, len(c.prog.Inst))
		for pc, in := range c.prog.Inst {
			var set charset
			switch in.Op {
			case syntax.InstRune:
				if len(in.Rune) == 1 {
					set = single(in.Rune[0])
				} else {
					set = normalize(append(charset(nil), in.Rune...))
				}
				if syntax.Flags(in.Arg)&syntax.FoldCase != 0 {
					var f charset
					for j := 0; j < len(set); j += 2 {
						f = append(f, goFold(set[j], set[j+1])...)
					}
					set = normalize(f)
				}
			case syntax.InstRune1:
				set = single(in.Rune[0])
			case syntax.InstRuneAny:
				set = span(0, maxRune)
			case syntax.InstRuneAnyNotNL:
				set = charset{0, '\n' - 1, '\n' + 1, maxRune}
			case syntax.InstEmptyWidth:
				if syntax.EmptyOp(in.Arg)&^(syntax.EmptyBeginText|syntax.EmptyEndText) != 0 {
					return nil, errors.New("assertion other than start or end of text")
				}
				continue
			default:
				continue
			}
			c.sets[pc] = set
			for j := 0; j < len(set); j += 2 {
				bounds = append(bounds, set[j])
				if set[j+1] < maxRune {
					bounds = append(bounds, set[j+1]+1)
				}
			}
		}
	}
	sort.Slice(bounds, func(i, j int) bool { return bounds[i] < bounds[j] })
	uniq := bounds[:1]
	for _, b := range bounds[1:] {
		if b != uniq[len(uniq)-1] {
			uniq = append(uniq, b)
		}
	}
	bounds = uniq
	d.ncls = uint32(len(bounds))
	d.inv = inverse(d.ncls)
	for k, lo := range bounds {
		if lo < 0x80 {
			hi := rune(0x7f)
			if k+1 < len(bounds) && bounds[k+1]-1 < hi {
				hi = bounds[k+1] - 1
			}
			for b := lo; b <= hi; b++ {
				d.ascii[b] = uint8(k) // k <= b < 0x80
			}
			continue
		}
		d.hiLo = append(d.hiLo, lo)
		d.hiCls = append(d.hiCls, uint32(k))
	}

	b := &builder{d: d, comps: comps, index: map[string]uint32{}, max: maxStates}
	// State 0 is dead: no rule can accept from it.
	b.states = append(b.states, nil)
	d.final = append(d.final, false)
	d.accept = append(d.accept, nil)
	startSets := make([]compState, len(comps))
	for i := range comps {
		startSets[i] = b.closure(i, []uint32{uint32(comps[i].prog.Start)}, true)
	}
	st, err := b.add(startSets, true)
	if err != nil {
		return nil, err
	}
	d.start = st * d.ncls
	d.trans = make([]uint32, 0, 64*int(d.ncls))
	d.trans = append(d.trans, make([]uint32, d.ncls)...) // the dead state's row
	for s := 1; s < len(b.states); s++ {
		row := make([]uint32, d.ncls)
		for k := range bounds {
			next, err := b.step(b.states[s], bounds[k])
			if err != nil {
				return nil, err
			}
			row[k] = next * d.ncls
		}
		d.trans = append(d.trans, row...)
	}
	if rules == 1 {
		d.accept = nil
	}
	// A catalogue holds many automata: keep no spare capacity.
	d.trans = slices.Clip(append([]uint32(nil), d.trans...))
	d.final = slices.Clip(d.final)
	return d, nil
}

// maxPairEntries bounds the automata that get a pair table (4 KiB): its
// entries then fit 16 bits.
const maxPairEntries = 1 << 11

// pairTable returns the pair table, building it on the first call.
func (d *dfa) pairTable() []uint16 {
	d.pairOnce.Do(d.buildPairs)
	return d.pairs
}

// buildPairs makes the pair table when it fits maxPairEntries.
func (d *dfa) buildPairs() {
	na := uint32(0)
	for _, k := range d.ascii {
		na = max(na, uint32(k)+1)
	}
	n2 := na * na
	states := uint32(d.states())
	if uint64(states)*uint64(n2) > maxPairEntries {
		return
	}
	d.pairs = make([]uint16, states*n2)
	for q := uint32(1); q < states; q++ {
		for a := range na {
			mid := d.trans[q*d.ncls+a]
			if mid == 0 {
				continue
			}
			for b := range na {
				d.pairs[q*n2+a*na+b] = uint16(d.index(d.trans[mid+b]) * n2)
			}
		}
	}
	d.na, d.inv2 = na, inverse(n2)
}

// compState is one component's part of a DFA state: the instructions it
// may be at, or sat once a prefix component has matched.
type compState struct {
	pcs []uint32
	sat bool
}

type builder struct {
	d      *dfa
	comps  []component
	states [][]compState
	index  map[string]uint32
	max    int
	stack  []uint32
	seen   []bool
	work   int // instruction visits so far, against maxBuildWork
}

// closure follows the empty transitions from pcs. Start-of-text assertions
// hold only when begin is set; end-of-text assertions are kept in the set
// to be followed when the input ends.
func (b *builder) closure(ci int, pcs []uint32, begin bool) compState {
	c := &b.comps[ci]
	if len(b.seen) < len(c.prog.Inst) {
		b.seen = make([]bool, len(c.prog.Inst))
	}
	seen := b.seen[:len(c.prog.Inst)]
	clear(seen)
	var out []uint32
	stack := append(b.stack[:0], pcs...)
	matched := false
	for len(stack) > 0 {
		pc := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[pc] {
			continue
		}
		seen[pc] = true
		b.work++
		in := &c.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, in.Out, in.Arg)
		case syntax.InstCapture, syntax.InstNop:
			stack = append(stack, in.Out)
		case syntax.InstEmptyWidth:
			op := syntax.EmptyOp(in.Arg)
			if op&syntax.EmptyBeginText != 0 && !begin {
				continue
			}
			if op&syntax.EmptyEndText != 0 {
				out = append(out, pc)
				continue
			}
			stack = append(stack, in.Out)
		case syntax.InstMatch:
			matched = true
			out = append(out, pc)
		case syntax.InstFail:
		default:
			out = append(out, pc)
		}
	}
	b.stack = stack
	if c.kind == prefix && matched {
		return compState{sat: true}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return compState{pcs: out}
}

// endMatch tells whether component ci matches when the input ends in s.
func (b *builder) endMatch(ci int, s compState, begin bool) bool {
	if s.sat {
		return true
	}
	c := &b.comps[ci]
	// Follow end-of-text assertions, then look for a match.
	var pcs []uint32
	for _, pc := range s.pcs {
		in := &c.prog.Inst[pc]
		switch in.Op {
		case syntax.InstMatch:
			return true
		case syntax.InstEmptyWidth:
			pcs = append(pcs, in.Out)
		}
	}
	seen := make([]bool, len(c.prog.Inst))
	for len(pcs) > 0 {
		pc := pcs[len(pcs)-1]
		pcs = pcs[:len(pcs)-1]
		if seen[pc] {
			continue
		}
		seen[pc] = true
		in := &c.prog.Inst[pc]
		switch in.Op {
		case syntax.InstMatch:
			return true
		case syntax.InstAlt, syntax.InstAltMatch:
			pcs = append(pcs, in.Out, in.Arg)
		case syntax.InstCapture, syntax.InstNop:
			pcs = append(pcs, in.Out)
		case syntax.InstEmptyWidth:
			op := syntax.EmptyOp(in.Arg)
			if op&syntax.EmptyBeginText != 0 && !begin {
				continue
			}
			pcs = append(pcs, in.Out)
		}
	}
	return false
}

func (b *builder) add(sets []compState, begin bool) (uint32, error) {
	// Which rules can still accept, and which accept here?
	alive := false
	var acc []int32
	ok := make([]bool, b.d.rules)
	live := make([]bool, b.d.rules)
	for r := range ok {
		ok[r], live[r] = true, true
	}
	for i, s := range sets {
		c := &b.comps[i]
		m := b.endMatch(i, s, begin)
		if c.neg {
			m = !m
		}
		if !m {
			ok[c.rule] = false
		}
		switch {
		case c.kind == whole && len(s.pcs) == 0:
			live[c.rule] = false
		case c.kind == prefix && !c.neg && !s.sat && len(s.pcs) == 0:
			live[c.rule] = false
		case c.kind == prefix && c.neg && s.sat:
			live[c.rule] = false
		}
	}
	for r := range ok {
		if ok[r] {
			acc = append(acc, int32(r))
		}
		if live[r] {
			alive = true
		}
	}
	if !alive && len(acc) == 0 {
		return 0, nil
	}
	key := stateKey(sets, begin)
	if id, ok := b.index[key]; ok {
		return id, nil
	}
	if len(b.states) >= b.max {
		return 0, errTooBig
	}
	id := uint32(len(b.states))
	b.index[key] = id
	b.states = append(b.states, sets)
	b.d.final = append(b.d.final, len(acc) > 0)
	b.d.accept = append(b.d.accept, acc)
	return id, nil
}

func stateKey(sets []compState, begin bool) string {
	var buf []uint32
	if begin {
		buf = append(buf, 1)
	} else {
		buf = append(buf, 0)
	}
	for _, s := range sets {
		if s.sat {
			buf = append(buf, 1<<31)
		} else {
			buf = append(buf, uint32(len(s.pcs)))
			buf = append(buf, s.pcs...)
		}
	}
	return string(unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), len(buf)*4))
}

// step computes the state reached from sets on the character r.
func (b *builder) step(sets []compState, r rune) (uint32, error) {
	next := make([]compState, len(sets))
	for i, s := range sets {
		if s.sat {
			next[i] = s
			continue
		}
		c := &b.comps[i]
		b.work += len(s.pcs)
		var pcs []uint32
		for _, pc := range s.pcs {
			if set := c.sets[pc]; set != nil && set.contains(r) {
				pcs = append(pcs, c.prog.Inst[pc].Out)
			}
		}
		next[i] = b.closure(i, pcs, false)
	}
	if b.work > maxBuildWork {
		return 0, errTooCostly
	}
	return b.add(next, false)
}

// classOf maps a rune at or above 0x80 to its class.
func (d *dfa) classOf(r rune) uint32 {
	lo, hi := 0, len(d.hiLo)
	for lo+1 < hi {
		m := (lo + hi) / 2
		if d.hiLo[m] <= r {
			lo = m
		} else {
			hi = m
		}
	}
	return d.hiCls[lo]
}

// run feeds s through the automaton and returns the state reached, or 0
// and the byte offset where it died.
func (d *dfa) run(s string) (st uint32, died int) {
	st = d.start
	t := d.trans
	for i := 0; i < len(s); {
		c := s[i]
		var k uint32
		n := 1
		if c < utf8.RuneSelf {
			k = uint32(d.ascii[c])
		} else {
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			k = d.classOf(r)
		}
		st = t[st+k]
		if st == 0 {
			return 0, i
		}
		i += n
	}
	return st, len(s)
}

// match reports whether some rule accepts the whole of s.
func (d *dfa) match(s string) bool {
	st, ok := d.endFrom(d.start, s)
	return ok && d.final[st]
}

// after returns the state (times ncls) reached from the start on the
// ASCII prefix key, 0 when the automaton dies on it.
func (d *dfa) after(key string) uint32 {
	st := d.start
	for i := 0; i < len(key) && st != 0; i++ {
		st = d.trans[st+d.classOfRune(rune(key[i]))]
	}
	return st
}

// end runs s and returns the state reached, or false when the automaton
// died on the way.
func (d *dfa) end(s string) (state uint32, ok bool) { return d.endFrom(d.start, s) }

// endFrom is end from state st (times ncls) instead of the start.
func (d *dfa) endFrom(st uint32, s string) (state uint32, ok bool) {
	i := 0
	if p := d.pairTable(); p != nil {
		na, n2 := d.na, d.na*d.na
		sp := d.index(st) * n2
		for ; i+1 < len(s); i += 2 {
			a, b := s[i], s[i+1]
			if a|b >= utf8.RuneSelf {
				break
			}
			sp = uint32(p[sp+uint32(d.ascii[a])*na+uint32(d.ascii[b])])
			if sp == 0 {
				return 0, false
			}
		}
		q := sp
		if n2 > 1 {
			hi, _ := bits.Mul64(d.inv2, uint64(sp))
			q = uint32(hi)
		}
		if i == len(s) {
			return q, true
		}
		st = q * d.ncls
	}
	t := d.trans
	for ; i < len(s); i++ {
		c := s[i]
		var k uint32
		if c < utf8.RuneSelf {
			k = uint32(d.ascii[c])
		} else {
			r, n := utf8.DecodeRuneInString(s[i:])
			k = d.classOf(r)
			i += n - 1
		}
		st = t[st+k]
		if st == 0 {
			return 0, false
		}
	}
	return d.index(st), true
}

// inverse is the multiplier index divides by n with: ⌊2⁶⁴/n⌋+1 gives the
// exact quotient of every 32-bit dividend by a 64×64-bit multiplication's
// high word (Lemire, Kaser and Kurz, "Faster remainder by direct
// computation", 2019).
func inverse(n uint32) uint64 {
	if n <= 1 {
		return 0
	}
	return ^uint64(0)/uint64(n) + 1
}

// index is st / d.ncls: the number of the state scaled as st.
func (d *dfa) index(st uint32) uint32 {
	if d.inv == 0 {
		return st
	}
	hi, _ := bits.Mul64(d.inv, uint64(st))
	return uint32(hi)
}

// accepting returns the rules that accept at the end of input in state st.
func (d *dfa) accepting(st uint32) []int32 {
	if d.accept != nil {
		return d.accept[st]
	}
	if d.final[st] {
		return ruleZero
	}
	return nil
}

var ruleZero = []int32{0}

func (d *dfa) states() int { return len(d.final) }

// countLines checks every line of chunk as match does, in one pass over
// the bytes: lines end at LF, a CR before the LF is not part of the line,
// and the last line may lack its terminator (its CR is then kept, as
// ReadList keeps it). It needs the byte table: ok is false without one.
func (d *dfa) countLines(chunk []byte) (valid, n int, ok bool) {
	bt, lt := d.byteTables()
	if lt == nil {
		return 0, 0, false
	}
	start := d.start / d.ncls << 8
	st, line := start, 0 // the state, and where the current line began
	for j := 0; j < len(chunk); {
		// The hot loop: a state is at least 1<<8; the markers below it
		// stop the loop. A serial list's lines are short, so the end of a
		// line is handled here too, without leaving the loop.
		next := lt[st|uint32(chunk[j])]
		if next > lineCR {
			st = next
			j++
			continue
		}
		switch next {
		case lineValid, lineInvalid:
			n++
			valid += int(next - lineInvalid)
			st, j = start, j+1
			line = j
			continue
		case lineCR:
			if j+1 < len(chunk) && chunk[j+1] == '\n' {
				n++
				if st != 0 && d.final[st>>8] {
					valid++
				}
				st, j = start, j+2
				line = j
				continue
			}
			st = bt[st|'\r'] // a CR inside the line
			j++
		case nonASCII:
			r, size := utf8.DecodeRune(chunk[j:])
			st = d.trans[(st>>8)*d.ncls+d.classOf(r)] / d.ncls << 8
			j += size
		default: // dead
			st = 0
			j++
		}
		if st == 0 {
			// Dead: nothing more of the line matters; go to its LF, which
			// the dead state's row turns into the end of an invalid line.
			if k := bytes.IndexByte(chunk[j:], '\n'); k >= 0 {
				j += k
			} else {
				j = len(chunk)
			}
		}
	}
	if len(chunk) > line {
		// The last line, without its terminator.
		n++
		if st != 0 && d.final[st>>8] {
			valid++
		}
	}
	return valid, n, true
}

// byteTables returns the transition table by byte and its copy with LF
// and CR stopping the automaton, for countLines; nil for automata of more
// than maxByteTableStates states.
func (d *dfa) byteTables() (bt, lt []uint32) {
	d.tables.Do(func() {
		n := len(d.final)
		if n > maxByteTableStates {
			return
		}
		d.bt = make([]uint32, n<<8)
		for st := 1; st < n; st++ {
			for c := 0; c < 256; c++ {
				next := uint32(nonASCII)
				if c < utf8.RuneSelf {
					next = d.trans[uint32(st)*d.ncls+uint32(d.ascii[c])] / d.ncls << 8
				}
				d.bt[st<<8|c] = next
			}
		}
		d.lt = slices.Clone(d.bt)
		for st := 0; st < n; st++ {
			end := uint32(lineInvalid)
			if st != 0 && d.final[st] {
				end = lineValid
			}
			d.lt[st<<8|'\n'] = end
			d.lt[st<<8|'\r'] = lineCR
		}
	})
	return d.bt, d.lt
}
