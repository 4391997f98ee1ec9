package pattern

import (
	"sort"
	"sync"
)

// Union answers "which of these patterns does a serial match" in one pass
// for the patterns that run on the automaton, combining them into as few
// automata as fit a state budget; the others are tried one by one.
type Union struct {
	patterns []*Pattern
	// The combined automata are built on first use: checking one pattern
	// never needs them.
	once   sync.Once
	groups []unionGroup
	slow   []int // patterns that are not automata, or too large to combine
}

type unionGroup struct {
	d       *dfa
	members []int // the automaton's rule i is patterns[members[i]]
}

// maxGroupStates bounds one combined automaton; patterns that would make it
// larger are split across several.
const maxGroupStates = 1 << 15

// NewUnion returns the union of ps; Identify reports indexes into ps.
func NewUnion(ps []*Pattern) *Union { return &Union{patterns: ps} }

// build combines the automaton patterns into as few automata of at most
// limit states as fit; a pattern too large for one on its own is tried by
// itself.
func (u *Union) build(limit int) {
	u.groups, u.slow = nil, nil
	var fast []int
	for i, p := range u.patterns {
		if p.Engine == EngineDFA {
			fast = append(fast, i)
		} else {
			u.slow = append(u.slow, i)
		}
	}
	var build func(idx []int)
	build = func(idx []int) {
		if len(idx) == 0 {
			return
		}
		var comps []component
		kept := idx[:0:0]
		for _, i := range idx {
			cs, err := u.patterns[i].components()
			if err != nil { // cannot happen: the pattern compiled to an automaton before
				u.slow = append(u.slow, i)
				continue
			}
			for _, c := range cs {
				c.rule = len(kept)
				comps = append(comps, c)
			}
			kept = append(kept, i)
		}
		idx = kept
		if len(idx) == 0 {
			return
		}
		d, err := compileDFA(comps, len(idx), limit)
		switch {
		case err == nil:
			u.groups = append(u.groups, unionGroup{d: d, members: append([]int(nil), idx...)})
		case len(idx) > 1:
			h := len(idx) / 2
			build(idx[:h])
			build(idx[h:])
		default:
			u.slow = append(u.slow, idx[0])
		}
	}
	build(fast)
	sort.Ints(u.slow)
}

// Identify appends to dst the index of every pattern the whole serial
// matches, in ascending order. A pattern whose match timed out is not
// matched.
func (u *Union) Identify(serial string, dst []int) []int {
	u.once.Do(func() { u.build(maxGroupStates) })
	start := len(dst)
	for _, g := range u.groups {
		st, ok := g.d.end(serial)
		if !ok {
			continue
		}
		for _, r := range g.d.accept[st] {
			dst = append(dst, g.members[r])
		}
	}
	for _, i := range u.slow {
		if ok, _ := u.patterns[i].Match(serial); ok {
			dst = append(dst, i)
		}
	}
	if len(u.groups) > 1 || len(u.slow) > 0 {
		sort.Ints(dst[start:])
	}
	return dst
}

// Size tells how many combined automata the union uses and how many
// patterns it tries one by one, building the automata if need be.
func (u *Union) Size() (automata, alone int) {
	u.once.Do(func() { u.build(maxGroupStates) })
	return len(u.groups), len(u.slow)
}
