package pattern

import (
	"errors"
	"fmt"
	"regexp/syntax"
	"strconv"
	"strings"
)

// Turning the AST into automaton components, when its language is regular.

// errNotRegular says why a pattern needs the backtracking engine.
type errNotRegular struct{ why string }

func (e *errNotRegular) Error() string { return e.why }

func notRegular(format string, args ...any) error {
	return &errNotRegular{why: fmt.Sprintf(format, args...)}
}

// maxProgSize bounds the size of a pattern after its counted repetitions
// are spelled out.
const maxProgSize = 20000

// first is the set of characters a match of n can start with.
func first(n *node) charset {
	switch n.op {
	case opChar:
		return n.set
	case opConcat:
		var out charset
		for _, s := range n.subs {
			out = union(out, first(s))
			if lo, _ := s.lengths(); lo > 0 {
				break
			}
		}
		return out
	case opAlt:
		var out charset
		for _, s := range n.subs {
			out = union(out, first(s))
		}
		return out
	case opRepeat, opCapture, opAtomic:
		return first(n.subs[0])
	case opBackref:
		return span(0, maxRune)
	}
	return nil
}

type converter struct {
	inLook bool // converting a lookahead's body, which is followed by anything
}

// conv converts n. follow is the set of characters that may come right
// after n; tail says nothing but zero-width items can follow n before the
// end of the match.
func (cv *converter) conv(n *node, follow charset, tail bool) (*syntax.Regexp, error) {
	switch n.op {
	case opEmpty:
		return &syntax.Regexp{Op: syntax.OpEmptyMatch}, nil
	case opChar:
		if len(n.set) == 0 {
			return &syntax.Regexp{Op: syntax.OpNoMatch}, nil
		}
		return &syntax.Regexp{Op: syntax.OpCharClass, Rune: n.set.clone()}, nil
	case opConcat:
		out := &syntax.Regexp{Op: syntax.OpConcat}
		for i, s := range n.subs {
			f := follow
			restNullable := true
			t := tail
			var rest charset
			for _, r := range n.subs[i+1:] {
				rest = union(rest, first(r))
				lo, hi := r.lengths()
				if hi != 0 {
					t = false
				}
				if lo > 0 {
					restNullable = false
					break
				}
			}
			if restNullable {
				f = union(rest, follow)
			} else {
				f = rest
			}
			sub, err := cv.conv(s, f, t)
			if err != nil {
				return nil, err
			}
			out.Sub = append(out.Sub, sub)
		}
		return out, nil
	case opAlt:
		out := &syntax.Regexp{Op: syntax.OpAlternate}
		for _, s := range n.subs {
			sub, err := cv.conv(s, follow, tail)
			if err != nil {
				return nil, err
			}
			out.Sub = append(out.Sub, sub)
		}
		return out, nil
	case opRepeat:
		body := n.subs[0]
		f, t := follow, tail
		if n.max < 0 || n.max > 1 {
			f = union(first(body), follow)
			if _, hi := body.lengths(); hi != 0 {
				t = false
			}
		}
		if n.mode == possessive && !atomicIsPlain(n, follow) {
			return nil, notRegular("possessive quantifier that changes what the pattern matches")
		}
		if n.group && !n.ques && hasLineEnd(body) {
			// Java repeats a group with one way to match one whole match
			// at a time, and \R in it takes CR LF whenever it can.
			return nil, notRegular("repeated group holding \\R")
		}
		sub, err := cv.conv(body, f, t)
		if err != nil {
			return nil, err
		}
		return &syntax.Regexp{Op: syntax.OpRepeat, Min: n.min, Max: n.max, Sub: []*syntax.Regexp{sub}}, nil
	case opCapture:
		return cv.conv(n.subs[0], follow, tail)
	case opAtomic:
		if !atomicIsPlain(n.subs[0], follow) {
			return nil, notRegular("atomic group that changes what the pattern matches")
		}
		return cv.conv(n.subs[0], follow, tail)
	case opLook:
		return nil, notRegular("lookaround")
	case opBackref:
		return nil, notRegular("backreference")
	case opAssert:
		switch n.assert {
		case aBeginText:
			return &syntax.Regexp{Op: syntax.OpBeginText}, nil
		case aEndText:
			return &syntax.Regexp{Op: syntax.OpEndText}, nil
		case aDollar, aDollarUnix:
			if !tail {
				return nil, notRegular("$ before more of the pattern")
			}
			end := &syntax.Regexp{Op: syntax.OpEndText}
			if !cv.inLook {
				// The match must reach the end, so $ can only hold there.
				return end, nil
			}
			// In a lookahead, $ may also hold before a final line terminator.
			term := "\r\n|[\n\r\u0085\u2028\u2029]"
			if n.assert == aDollarUnix {
				term = "\n"
			}
			re, err := syntax.Parse("(?:"+term+")?", syntax.Perl)
			if err != nil {
				return nil, err
			}
			return &syntax.Regexp{Op: syntax.OpConcat, Sub: []*syntax.Regexp{re, end}}, nil
		}
		return nil, notRegular("line or word boundary assertion")
	}
	return nil, notRegular("unknown construct")
}

// atomicIsPlain tells whether an atomic group or possessive repetition n
// matches exactly what its plain form would, given what may follow it:
// when every match of n has one length, or when n repeats a single class
// that nothing following can start with.
func atomicIsPlain(n *node, follow charset) bool {
	if lo, hi := n.lengths(); lo == hi {
		return true
	}
	if n.op == opRepeat {
		body := n.subs[0]
		for body.op == opCapture {
			body = body.subs[0]
		}
		// A lazy repetition inside an atomic group stops at its first
		// match, which its plain form would not.
		if body.op == opChar && n.mode != lazy && len(intersect(body.set, follow)) == 0 {
			return true
		}
	}
	return false
}

// progSize estimates the size of n with repetitions spelled out.
func progSize(n *node) int {
	switch n.op {
	case opRepeat:
		k := n.max
		if k < 0 {
			k = n.min + 1
		}
		s := progSize(n.subs[0])
		if k > maxProgSize || s*k > maxProgSize {
			return maxProgSize + 1
		}
		return s*k + 1
	}
	size := 1
	for _, s := range n.subs {
		size += progSize(s)
		if size > maxProgSize {
			return size
		}
	}
	return size
}

func compileProg(re *syntax.Regexp) (*syntax.Prog, error) {
	return syntax.Compile(re.Simplify())
}

// components splits a parsed pattern into the automaton components whose
// intersection is its language: the lookaheads at its start and its body.
func components(root *node, groups int, rule int) ([]component, error) {
	root = expandBackrefs(root, groups)
	var failed error
	root.walk(func(n *node) bool {
		if n.op == opBackref {
			failed = notRegular("backreference")
		}
		return failed == nil
	})
	if failed != nil {
		return nil, failed
	}
	if progSize(root) > maxProgSize {
		return nil, notRegular("pattern too large for an automaton once its repetitions are counted out")
	}
	items := []*node{root}
	if root.op == opConcat {
		items = root.subs
	}
	var comps []component
	i := 0
	for ; i < len(items); i++ {
		it := items[i]
		if it.op == opAssert && it.assert == aBeginText {
			continue
		}
		if it.op != opLook || it.behind {
			break
		}
		cv := &converter{inLook: true}
		re, err := cv.conv(it.subs[0], span(0, maxRune), false)
		if err != nil {
			return nil, err
		}
		prog, err := compileProg(re)
		if err != nil {
			return nil, err
		}
		comps = append(comps, component{prog: prog, rule: rule, kind: prefix, neg: it.neg})
	}
	body := root
	if len(comps) > 0 {
		body = &node{op: opConcat, subs: items[i:]}
	}
	re, err := (&converter{}).conv(body, nil, true)
	if err != nil {
		return nil, err
	}
	prog, err := compileProg(re)
	if err != nil {
		return nil, err
	}
	return append(comps, component{prog: prog, rule: rule, kind: whole}), nil
}

// maxExpansion bounds how many strings a group may capture for its
// backreferences to be spelled out.
const maxExpansion = 64

// expandBackrefs replaces backreferences to a group that every match goes
// through, and whose language is a small finite set, by an alternation over
// that set: ([A-Z])\1 becomes AA|BB|...|ZZ. Other backreferences stay.
func expandBackrefs(root *node, groups int) *node {
	for g := 1; g <= groups; g++ {
		items := []*node{root}
		if root.op == opConcat {
			items = root.subs
		}
		var group *node
		for _, it := range items {
			for it.op == opCapture && it.index != g && len(it.subs) == 1 && it.subs[0].op == opCapture {
				it = it.subs[0]
			}
			if it.op == opCapture && it.index == g {
				group = it
				break
			}
		}
		if group == nil || hasCaptureOrRef(group.subs[0]) {
			continue
		}
		// Every backreference must come after the group: one before it
		// refers to a group not yet matched, which each dialect treats
		// its own way.
		used, early, seenGroup, folded := false, false, false, false
		root.walk(func(n *node) bool {
			switch {
			case n == group:
				seenGroup = true
			case n.op == opBackref && n.index == g:
				used = true
				early = early || !seenGroup
				folded = folded || n.ci != foldNone
			}
			return true
		})
		if !used || early {
			continue
		}
		words, ok := finiteStrings(group.subs[0], maxExpansion)
		if !ok || folded && hasSupplementary(words) {
			// Java folds a backreference over as many code points as
			// the group holds UTF-16 units, reading past the group's
			// text: only the backtracking matcher does the same.
			continue
		}
		var alts []*node
		for _, w := range words {
			alts = append(alts, substitute(root, g, w))
		}
		if len(alts) == 0 {
			root = &node{op: opChar, set: charset{}}
		} else {
			root = &node{op: opAlt, subs: alts}
		}
	}
	return root
}

func hasLineEnd(n *node) bool {
	found := false
	n.walk(func(m *node) bool {
		found = found || m.lineEnd
		return !found
	})
	return found
}

func hasSupplementary(words [][]rune) bool {
	for _, w := range words {
		for _, r := range w {
			if r > 0xffff {
				return true
			}
		}
	}
	return false
}

func hasCaptureOrRef(n *node) bool {
	found := false
	n.walk(func(m *node) bool {
		if m.op == opCapture || m.op == opBackref || m.op == opLook || m.op == opAssert {
			found = true
		}
		return !found
	})
	return found
}

// finiteStrings lists the strings n matches when there are at most limit.
func finiteStrings(n *node, limit int) ([][]rune, bool) {
	switch n.op {
	case opEmpty:
		return [][]rune{{}}, true
	case opChar:
		size := 0
		for i := 0; i < len(n.set); i += 2 {
			size += int(n.set[i+1]-n.set[i]) + 1
			if size > limit {
				return nil, false
			}
		}
		var out [][]rune
		for i := 0; i < len(n.set); i += 2 {
			for r := n.set[i]; r <= n.set[i+1]; r++ {
				out = append(out, []rune{r})
			}
		}
		return out, true
	case opConcat:
		out := [][]rune{{}}
		for _, s := range n.subs {
			part, ok := finiteStrings(s, limit)
			if !ok || len(out)*len(part) > limit {
				return nil, false
			}
			var next [][]rune
			for _, a := range out {
				for _, b := range part {
					next = append(next, append(append([]rune(nil), a...), b...))
				}
			}
			out = next
		}
		return out, true
	case opAlt:
		var out [][]rune
		seen := map[string]bool{}
		for _, s := range n.subs {
			part, ok := finiteStrings(s, limit)
			if !ok {
				return nil, false
			}
			for _, w := range part {
				if !seen[string(w)] {
					seen[string(w)] = true
					out = append(out, w)
				}
			}
			if len(out) > limit {
				return nil, false
			}
		}
		return out, true
	case opRepeat:
		if n.max < 0 || n.min != n.max {
			return nil, false
		}
		items := make([]*node, n.min)
		for i := range items {
			items[i] = n.subs[0]
		}
		return finiteStrings(&node{op: opConcat, subs: items}, limit)
	}
	return nil, false
}

// substitute copies root with group g replaced by the literal w, and each
// backreference to it by w under the backreference's case folding.
func substitute(root *node, g int, w []rune) *node {
	lit := func(fold func(rune) charset) *node {
		subs := make([]*node, len(w))
		for i, r := range w {
			set := single(r)
			if fold != nil {
				set = fold(r)
			}
			subs[i] = &node{op: opChar, set: set}
		}
		if len(subs) == 0 {
			return &node{op: opEmpty}
		}
		return &node{op: opConcat, subs: subs}
	}
	var copyNode func(n *node) *node
	copyNode = func(n *node) *node {
		switch {
		case n.op == opCapture && n.index == g:
			return lit(nil)
		case n.op == opBackref && n.index == g:
			return lit(n.fold)
		}
		c := *n
		c.subs = make([]*node, len(n.subs))
		for i, s := range n.subs {
			c.subs[i] = copyNode(s)
		}
		return &c
	}
	return copyNode(root)
}

// netPattern writes n as a regexp2 (.NET syntax) pattern that matches what
// the Java pattern does, with every class spelled out so that no option
// or culture changes its meaning.
func netPattern(n *node) string {
	var b strings.Builder
	b.WriteString(`\A(?:`)
	writeNet(&b, n)
	b.WriteString(`)\z`)
	return b.String()
}

func writeNet(b *strings.Builder, n *node) {
	switch n.op {
	case opEmpty:
	case opChar:
		writeNetSet(b, n.set)
	case opConcat:
		for _, s := range n.subs {
			if s.op == opAlt {
				b.WriteString("(?:")
				writeNet(b, s)
				b.WriteString(")")
			} else {
				writeNet(b, s)
			}
		}
	case opAlt:
		for i, s := range n.subs {
			if i > 0 {
				b.WriteByte('|')
			}
			writeNet(b, s)
		}
	case opRepeat:
		// Java matches each repetition of a possessive quantifier once,
		// the first way it can: (?>X){n}, not (?>X{n}); and so each
		// repetition of a group holding \R.
		firstWay := n.group && !n.ques && hasLineEnd(n.subs[0])
		switch {
		case n.mode == possessive:
			b.WriteString("(?>(?>")
		case firstWay:
			b.WriteString("(?:(?>")
		default:
			b.WriteString("(?:")
		}
		writeNet(b, n.subs[0])
		b.WriteString(")")
		if firstWay && n.mode != possessive {
			b.WriteString(")")
		}
		if n.max < 0 {
			fmt.Fprintf(b, "{%d,}", n.min)
		} else {
			fmt.Fprintf(b, "{%d,%d}", n.min, n.max)
		}
		if n.mode == lazy {
			b.WriteByte('?')
		}
		if n.mode == possessive {
			b.WriteString(")")
		}
	case opCapture:
		b.WriteString("(")
		writeNet(b, n.subs[0])
		b.WriteString(")")
	case opAtomic:
		b.WriteString("(?>")
		writeNet(b, n.subs[0])
		b.WriteString(")")
	case opLook:
		if n.behind && !n.adjusted {
			writeNet(b, javaBehind(n))
			return
		}
		switch {
		case n.behind && n.neg:
			b.WriteString("(?<!")
		case n.behind:
			b.WriteString("(?<=")
		case n.neg:
			b.WriteString("(?!")
		default:
			b.WriteString("(?=")
		}
		writeNet(b, n.subs[0])
		b.WriteString(")")
	case opBackref:
		if n.index == 0 {
			b.WriteString("(?!)")
			return
		}
		if n.fold != nil {
			fmt.Fprintf(b, "(?i:\\%d)", n.index)
		} else {
			fmt.Fprintf(b, "(?:\\%d)", n.index)
		}
	case opAssert:
		b.WriteString(netAssert(n))
	}
}

func netAssert(n *node) string {
	switch n.assert {
	case aBeginText:
		return `\A`
	case aEndText:
		return `\z`
	case aDollar:
		return `(?=\r\n\z|(?<!\r)\n\z|[\r\u0085\u2028\u2029]\z|\z)`
	case aDollarUnix:
		return `(?=\n?\z)`
	case aBeginLine:
		return `(?:\A|(?<=[\n\u0085\u2028\u2029])|(?<=\r)(?!\n))(?!\z)`
	case aBeginLineUnix:
		return `(?:\A|(?<=\n))(?!\z)`
	case aEndLine:
		return `(?:(?<!\r)(?=\n)|(?=[\r\u0085\u2028\u2029])|\z)`
	case aEndLineUnix:
		return `(?=\n|\z)`
	case aGraphemeBoundary:
		ctl, ext := graphemeSets()
		var c, e strings.Builder
		writeNetSet(&c, ctl)
		writeNetSet(&e, ext)
		return `(?:\A|\z|(?!(?<=\r)\n)(?:(?<=` + c.String() + `)|(?=` + c.String() + `)|(?!` + e.String() + `)))`
	case aWordBoundary, aNotWordBoundary:
		// Java also counts a non-spacing mark as a word character when
		// the marks before it go back to a letter or digit.
		// Java steps back through the text by UTF-16 unit, so only marks
		// and bases in the BMP count behind the position.
		var w, ld, mn, mnBMP strings.Builder
		bmp := span(0, 0xffff)
		writeNetSet(&w, n.set)
		writeNetSet(&ld, intersect(letterOrDigit(), bmp))
		writeNetSet(&mn, nonSpacingMark())
		writeNetSet(&mnBMP, intersect(nonSpacingMark(), bmp))
		left := w.String() + "|" + ld.String() + mnBMP.String() + "+"
		right := w.String() + "|(?<=" + ld.String() + mnBMP.String() + "*)" + mn.String()
		if n.assert == aWordBoundary {
			return "(?:(?<=" + left + ")(?!" + right + ")|(?<!" + left + ")(?=" + right + "))"
		}
		return "(?:(?<=" + left + ")(?=" + right + ")|(?<!" + left + ")(?!" + right + "))"
	}
	return "(?!)"
}

func writeNetSet(b *strings.Builder, set charset) {
	switch {
	case len(set) == 0:
		b.WriteString("(?!)")
		return
	case len(set) == 2 && set[0] == set[1]:
		writeNetRune(b, set[0])
		return
	case len(set) == 2 && set[0] == 0 && set[1] == maxRune:
		b.WriteString(`[\s\S]`)
		return
	}
	b.WriteByte('[')
	for i := 0; i < len(set); i += 2 {
		writeNetRune(b, set[i])
		if set[i+1] != set[i] {
			b.WriteByte('-')
			writeNetRune(b, set[i+1])
		}
	}
	b.WriteByte(']')
}

func writeNetRune(b *strings.Builder, r rune) {
	switch {
	case r < 0x10000 && !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z'):
		fmt.Fprintf(b, `\u%04X`, r)
	case r >= 0x10000:
		b.WriteRune(r)
	default:
		b.WriteRune(r)
	}
}

var _ = errors.New
var _ = strconv.Itoa
