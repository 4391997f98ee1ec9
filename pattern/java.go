package pattern

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Java's Pattern flags, as inline modifiers set them.
const (
	jUnixLines    = 1 << iota // d
	jCaseInsens               // i
	jComments                 // x
	jMultiline                // m
	jDotall                   // s
	jUnicodeCase              // u
	jUnicodeClass             // U
)

// SyntaxError is a pattern that does not compile. Offset counts bytes from
// the start of the pattern.
type SyntaxError struct {
	Pattern string
	Offset  int
	Msg     string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s at offset %d of %q", e.Msg, e.Offset, e.Pattern)
}

// javaParser parses java.util.regex syntax into the dialect-free AST.
type javaParser struct {
	// lit is the last literal character parsed and litNode its node: Java
	// folds a run of two or more literal characters as one slice, with
	// rules of its own under (?iu).
	lit     rune
	litNode *node
	src     string
	pos     int
	flags   int
	groups  int            // capturing groups opened so far
	names   map[string]int // named group → index
	refs    []*node        // backreferences, checked once the group count is known
}

func parseJava(pattern string) (n *node, groups int, err error) {
	p := &javaParser{src: removeQuoting(pattern), names: map[string]int{}}
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(*SyntaxError)
			if !ok {
				panic(r)
			}
			n, err = nil, se
		}
	}()
	n = p.alternation()
	if p.more() {
		// Only an unmatched ')' stops the top-level alternation early.
		p.fail("unmatched closing ')'")
	}
	for _, r := range p.refs {
		if r.index > p.groups {
			r.index = 0
		}
	}
	return n, p.groups, nil
}

func (p *javaParser) fail(format string, args ...any) {
	panic(&SyntaxError{Pattern: p.src, Offset: p.pos, Msg: fmt.Sprintf(format, args...)})
}

func (p *javaParser) has(f int) bool { return p.flags&f != 0 }

// skipComments steps over white space and #-comments under COMMENTS.
func (p *javaParser) skipComments() {
	if !p.has(jComments) {
		return
	}
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			p.pos++
		case c == '#':
			for p.pos < len(p.src) && !isJavaLineTerm(p.peekRaw()) {
				_, w := utf8.DecodeRuneInString(p.src[p.pos:])
				p.pos += w
			}
		default:
			return
		}
	}
}

func isJavaLineTerm(r rune) bool {
	return r == '\n' || r == '\r' || r == 0x85 || r == 0x2028 || r == 0x2029
}

func (p *javaParser) more() bool { p.skipComments(); return p.pos < len(p.src) }

func (p *javaParser) peekRaw() rune {
	if p.pos >= len(p.src) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return r
}

func (p *javaParser) peek() rune { p.skipComments(); return p.peekRaw() }

func (p *javaParser) next() rune {
	p.skipComments()
	if p.pos >= len(p.src) {
		p.fail("unexpected end of pattern")
	}
	r, w := utf8.DecodeRuneInString(p.src[p.pos:])
	p.pos += w
	return r
}

// nextRaw reads the next rune without skipping comments.
func (p *javaParser) nextRaw() rune {
	if p.pos >= len(p.src) {
		p.fail("unexpected end of pattern")
	}
	r, w := utf8.DecodeRuneInString(p.src[p.pos:])
	p.pos += w
	return r
}

func (p *javaParser) accept(r rune) bool {
	if p.peek() == r {
		p.pos += utf8.RuneLen(r)
		return true
	}
	return false
}

func (p *javaParser) alternation() *node {
	var alts []*node
	for {
		alts = append(alts, p.sequence())
		if !p.accept('|') {
			break
		}
	}
	return altOf(alts)
}

func (p *javaParser) sequence() *node {
	var items []*node
	var run []*node // the literal characters in a row so far
	var runLit []rune
	runFlags := 0 // the flags the run was parsed under
	endRun := func() {
		if len(run) > 1 && runFlags&jCaseInsens != 0 && runFlags&jUnicodeCase != 0 {
			for i, n := range run {
				n.set = sliceFoldChar(runLit[i])
			}
		}
		run, runLit = run[:0], runLit[:0]
	}
	for {
		r := p.peek()
		if r < 0 || r == '|' || r == ')' {
			break
		}
		group := r == '('
		atom := p.atom()
		if atom == nil { // an inline flag group such as (?i)
			endRun()
			continue
		}
		lit := p.lit
		if atom != p.litNode || group {
			// A group holding one literal is not part of a run.
			lit = -1
		}
		// Java quantifies atomic groups and look-arounds as single nodes.
		group = group && atom.op != opAtomic && atom.op != opLook
		item := p.quantifier(atom, group)
		if item != atom || lit < 0 {
			endRun()
		} else {
			if len(run) == 0 {
				runFlags = p.flags
			}
			run, runLit = append(run, item), append(runLit, lit)
		}
		items = append(items, item)
	}
	endRun()
	return concatOf(items)
}

func (p *javaParser) quantifier(atom *node, group bool) *node {
	min, max := 0, 0
	switch p.peek() {
	case '*':
		p.next()
		min, max = 0, -1
	case '+':
		p.next()
		min, max = 1, -1
	case '?':
		p.next()
		min, max = 0, 1
	case '{':
		p.next()
		min, max = p.bounds()
	default:
		return atom
	}
	if atom.lineEnd && !group {
		atom = &node{op: opAtomic, subs: []*node{atom}}
	}
	n := &node{op: opRepeat, subs: []*node{atom}, min: min, max: max}
	switch p.peekRaw() {
	case '?':
		p.pos++
		n.mode = lazy
	case '+':
		p.pos++
		n.mode = possessive
	}
	// Java reads {0,1} as ?.
	n.star, n.ques, n.group = n.mode == greedy && max < 0, min == 0 && max == 1, group
	return n
}

// bounds reads "n}", "n,}" or "n,m}" after a '{'; Java refuses anything
// else there.
func (p *javaParser) bounds() (int, int) {
	min, max, end, ok := scanBounds(p.src, p.pos)
	switch {
	case !ok && p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' && end < len(p.src) && p.src[end] != '}':
		p.pos = end
		p.fail("unclosed counted closure")
	case !ok:
		p.fail("illegal repetition")
	case min > 1<<30 || max > 1<<30:
		p.fail("repetition count too large")
	case max >= 0 && max < min:
		p.fail("illegal repetition range")
	}
	p.pos = end
	return min, max
}

func (p *javaParser) atom() *node {
	start := p.pos
	r := p.next()
	switch r {
	case '(':
		return p.group()
	case '[':
		return &node{op: opChar, set: p.class()}
	case '.':
		switch {
		case p.has(jDotall):
			return &node{op: opChar, set: span(0, maxRune)}
		case p.has(jUnixLines):
			return &node{op: opChar, set: negate(single('\n'))}
		}
		return &node{op: opChar, set: negate(fromChars("\n\r\u0085\u2028\u2029"))}
	case '^':
		switch {
		case !p.has(jMultiline):
			return &node{op: opAssert, assert: aBeginText}
		case p.has(jUnixLines):
			return &node{op: opAssert, assert: aBeginLineUnix}
		}
		return &node{op: opAssert, assert: aBeginLine}
	case '$':
		switch {
		case p.has(jMultiline) && p.has(jUnixLines):
			return &node{op: opAssert, assert: aEndLineUnix}
		case p.has(jMultiline):
			return &node{op: opAssert, assert: aEndLine}
		case p.has(jUnixLines):
			return &node{op: opAssert, assert: aDollarUnix}
		}
		return &node{op: opAssert, assert: aDollar}
	case '\\':
		return p.escape()
	case '*', '+', '?':
		p.pos = start
		p.fail("dangling meta character '%c'", r)
	case '{':
		// Java reads a '{' where an atom should be as an empty atom that
		// the counted repetition then applies to: a{2}{3} is a{2}.
		p.pos = start
		return &node{op: opEmpty}
	}
	return p.literal(r)
}

// literal is one character under the current case flags.
func (p *javaParser) literal(r rune) *node {
	n := &node{op: opChar, set: p.foldChar(r)}
	p.lit, p.litNode = r, n
	return n
}

func (p *javaParser) foldChar(r rune) charset {
	if !p.has(jCaseInsens) {
		return single(r)
	}
	if p.has(jUnicodeCase) {
		return unicodeFoldChar(r)
	}
	return asciiFoldChar(r)
}

func asciiFoldChar(r rune) charset {
	switch {
	case r >= 'a' && r <= 'z':
		return normalize(charset{r, r, r - 32, r - 32})
	case r >= 'A' && r <= 'Z':
		return normalize(charset{r, r, r + 32, r + 32})
	}
	return single(r)
}

func (p *javaParser) group() *node {
	saved := p.flags
	defer func() { p.flags = saved }()
	var n *node
	if p.peekRaw() == '?' {
		p.pos++
		afterQ := p.pos
		c := p.nextRaw()
		switch c {
		case ':':
			n = p.alternation()
		case '=', '!':
			n = &node{op: opLook, neg: c == '!', subs: []*node{p.alternation()}}
		case '>':
			n = &node{op: opAtomic, subs: []*node{p.alternation()}}
		case '<':
			c2 := p.peekRaw()
			if c2 == '=' || c2 == '!' {
				p.pos++
				body := p.alternation()
				info := treeInfo{maxValid: true, det: true}
				study([]*node{body}, &info)
				if !info.maxValid {
					p.fail("look-behind group does not have an obvious maximum length")
				}
				// Java looks for a supplementary character from here to
				// the end of the pattern, not only in the look-behind.
				supp := strings.IndexFunc(p.src[afterQ:], func(r rune) bool { return r > 0xffff }) >= 0
				n = &node{op: opLook, behind: true, neg: c2 == '!', subs: []*node{body}, bmin: info.min, bmax: info.max, supp: supp}
				break
			}
			name := p.groupName('>')
			if _, dup := p.names[name]; dup {
				p.fail("named capturing group <%s> is already defined", name)
			}
			p.groups++
			idx := p.groups
			p.names[name] = idx
			n = &node{op: opCapture, index: idx, name: name, subs: []*node{p.alternation()}}
		default:
			p.pos = afterQ
			p.inlineFlags()
			switch p.nextRaw() {
			case ')':
				// A bare (?flags) changes the flags until the enclosing group ends.
				saved = p.flags
				return nil
			case ':':
				n = p.alternation()
			default:
				p.pos--
				p.fail("unknown inline modifier")
			}
		}
	} else {
		p.groups++
		idx := p.groups
		n = &node{op: opCapture, index: idx, subs: []*node{p.alternation()}}
	}
	if !p.accept(')') {
		p.fail("unclosed group")
	}
	return n
}

// javaBehind is a look-behind as Java runs it: it tries the start
// positions from i-max to i-min, in int32 arithmetic. A longest length
// that overflowed to just above the smallest int wraps i-max round to a
// negative start, so the look-behind is unbounded, but only from position
// k = max-MinInt32 on; one that is otherwise below the shortest tries no
// start at all. Positions count UTF-16 units in Java and code points here.
func javaBehind(n *node) *node {
	body, neg := n.subs[0], n.neg
	info := treeInfo{min: n.bmin, max: n.bmax}
	look := &node{op: opLook, behind: true, neg: neg, subs: []*node{body}, adjusted: true}
	k := int64(info.max) + javaMaxReps + 1
	switch {
	case info.max >= info.min:
		return look
	case info.max >= 0 || k > 64:
		// Never tried: the body stays, so its groups stay defined.
		look.subs[0] = &node{op: opConcat, subs: []*node{{op: opChar, set: charset{}}, body}}
		return look
	case k == 0:
		return look
	}
	guard := &node{op: opLook, behind: true, neg: neg, adjusted: true, subs: []*node{
		{op: opRepeat, min: int(k), max: int(k), subs: []*node{{op: opChar, set: span(0, maxRune)}}},
	}}
	if neg {
		return &node{op: opAlt, subs: []*node{guard, look}}
	}
	return &node{op: opConcat, subs: []*node{guard, look}}
}

// treeInfo is Java's measure of a look-behind's body (Pattern.TreeInfo):
// shortest and longest length in int32 arithmetic, as Java adds them,
// whether the longest is known, and whether the body has one way to
// match.
type treeInfo struct {
	min, max      int32
	maxValid, det bool
}

const javaMaxReps = 0x7fffffff

// study measures a chain of nodes the way Java's nodes do, overflows
// included. Java links a pattern into one chain: a group is transparent,
// an alternation (or a group made optional with ?) measures its branches
// and then all that follows it from zero, adding the two unchecked, a
// greedy unbounded repetition of one character adds the largest int
// unchecked, other repetitions check for overflow, and a repeated group
// with more than one way to match has no maximum.
func study(items []*node, info *treeInfo) {
	fresh := func() treeInfo { return treeInfo{maxValid: true, det: true} }
	for i := 0; i < len(items); i++ {
		n, rest := items[i], items[i+1:]
		switch n.op {
		case opChar:
			info.min++
			info.max++
		case opConcat:
			study(append(append([]*node(nil), n.subs...), rest...), info)
			return
		case opCapture:
			study(append([]*node{n.subs[0]}, rest...), info)
			return
		case opAlt:
			if n.lineEnd {
				// \R is one node to Java: one or two units, one way.
				info.min++
				info.max += 2
				continue
			}
			studyBranch(n.subs, rest, info)
			return
		case opAtomic:
			if n.grapheme {
				info.min++
				info.det = false
				continue
			}
			study(n.subs[:1], info)
		case opBackref:
			info.maxValid = false
		case opRepeat:
			body := fresh()
			study(n.subs[:1], &body)
			switch {
			case n.ques && n.group && n.mode != possessive:
				studyBranch([]*node{n.subs[0], {op: opEmpty}}, rest, info)
				return
			case n.ques:
				info.max += body.max
				info.maxValid = info.maxValid && body.maxValid
				info.det = false
			case n.star && !n.group && n.subs[0].op == opChar:
				info.min += int32(n.min)
				if info.maxValid {
					info.max += javaMaxReps
				}
				info.det = false
			case n.group && !body.det && n.mode != possessive:
				info.maxValid, info.det = false, false
				return
			default:
				cmax := int32(javaMaxReps)
				if n.max >= 0 {
					cmax = int32(n.max)
				}
				if t := body.min*int32(n.min) + info.min; t >= info.min {
					info.min = t
				} else {
					info.min = 0xfffffff
				}
				if info.maxValid && body.maxValid {
					prev := info.max
					info.max = body.max*cmax + prev
					info.maxValid = info.max >= prev
				} else {
					info.maxValid = false
				}
				if !body.det || n.min != n.max {
					info.det = false
				}
			}
		}
	}
}

// studyBranch measures an alternation followed by rest, as Java's Branch.
func studyBranch(alts, rest []*node, info *treeInfo) {
	minL, maxL, maxV := info.min, info.max, info.maxValid
	var min2, max2 int32 = javaMaxReps, -1
	for _, a := range alts {
		sub := treeInfo{maxValid: true, det: true}
		study([]*node{a}, &sub)
		min2, max2 = min(min2, sub.min), max(max2, sub.max)
		maxV = maxV && sub.maxValid
	}
	*info = treeInfo{maxValid: true, det: true}
	study(rest, info)
	info.min += minL + min2
	info.max += maxL + max2
	info.maxValid = info.maxValid && maxV
	info.det = false
}

func (p *javaParser) groupName(end byte) string {
	start := p.pos
	for p.pos < len(p.src) && p.src[p.pos] != end {
		c := p.src[p.pos]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || p.pos > start && c >= '0' && c <= '9'
		if !ok {
			p.fail("named capturing group name must be a letter followed by letters or digits")
		}
		p.pos++
	}
	if p.pos >= len(p.src) || p.pos == start {
		p.fail("named capturing group is missing trailing '%c'", end)
	}
	name := p.src[start:p.pos]
	p.pos++
	return name
}

func (p *javaParser) inlineFlags() {
	on := true
	for p.pos < len(p.src) {
		var f int
		switch p.src[p.pos] {
		case 'i':
			f = jCaseInsens
		case 'd':
			f = jUnixLines
		case 'm':
			f = jMultiline
		case 's':
			f = jDotall
		case 'u':
			f = jUnicodeCase
		case 'x':
			f = jComments
		case 'U':
			f = jUnicodeClass | jUnicodeCase
		case '-':
			if !on {
				return // Java allows one '-'
			}
			on = false
			p.pos++
			continue
		default:
			return
		}
		if on {
			p.flags |= f
		} else {
			p.flags &^= f
		}
		p.pos++
	}
}

// escape parses what follows a backslash outside a class.
func (p *javaParser) escape() *node {
	start := p.pos - 1
	c := p.nextRaw()
	switch c {
	case '1', '2', '3', '4', '5', '6', '7', '8', '9':
		ref := int(c - '0')
		for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
			nr := ref*10 + int(p.src[p.pos]-'0')
			if nr > p.groups {
				break
			}
			ref = nr
			p.pos++
		}
		return p.backref(ref)
	case 'k':
		if p.nextRaw() != '<' {
			p.fail("\\k is not followed by '<' for named capturing group")
		}
		name := p.groupName('>')
		idx, ok := p.names[name]
		if !ok {
			p.fail("named capturing group <%s> does not exist", name)
		}
		return p.backref(idx)
	case 'A', 'G':
		return &node{op: opAssert, assert: aBeginText}
	case 'z':
		return &node{op: opAssert, assert: aEndText}
	case 'Z':
		if p.has(jUnixLines) {
			return &node{op: opAssert, assert: aDollarUnix}
		}
		return &node{op: opAssert, assert: aDollar}
	case 'b', 'B':
		if c == 'b' && strings.HasPrefix(p.src[p.pos:], "{g") {
			// \b{g} is a grapheme cluster boundary; \b{2} a repeated \b.
			if !strings.HasPrefix(p.src[p.pos:], "{g}") {
				p.pos = start
				p.fail("illegal/unsupported escape sequence")
			}
			p.pos += 3
			return &node{op: opAssert, assert: aGraphemeBoundary}
		}
		k := aWordBoundary
		if c == 'B' {
			k = aNotWordBoundary
		}
		word := union(letterOrDigit(), single('_'))
		if p.has(jUnicodeClass) {
			word = unicodeWord()
		}
		return &node{op: opAssert, assert: k, set: word}
	case 'R':
		// CR LF, else one line terminator: Java backs off CR LF to CR
		// when what follows needs it, but a quantifier repeats the first
		// way only.
		crlf := &node{op: opConcat, subs: []*node{{op: opChar, set: single('\r')}, {op: opChar, set: single('\n')}}}
		one := &node{op: opChar, set: normalize(charset{'\n', '\v', '\f', '\r', 0x85, 0x85, 0x2028, 0x2029})}
		return &node{op: opAlt, subs: []*node{crlf, one}, lineEnd: true}
	case 'X':
		return grapheme()
	}
	p.pos = start + 1
	set, ok := p.escapeClass()
	if ok {
		return &node{op: opChar, set: set}
	}
	r := p.escapeChar()
	return p.literal(r)
}

// grapheme is \X, an extended grapheme cluster, approximated for the
// cases serials meet: CR LF, a character that stands alone, or one with
// the marks and joiners that extend it (no Hangul, emoji or regional
// indicator sequences).
func grapheme() *node {
	ctl, ext := graphemeSets()
	crlf := &node{op: opConcat, subs: []*node{{op: opChar, set: single('\r')}, {op: opChar, set: single('\n')}}}
	base := &node{op: opChar, set: negate(ctl)}
	marks := &node{op: opRepeat, min: 0, max: -1, subs: []*node{{op: opChar, set: ext}}}
	cluster := &node{op: opConcat, subs: []*node{base, marks}}
	return &node{op: opAtomic, grapheme: true, subs: []*node{{op: opAlt, subs: []*node{crlf, {op: opChar, set: ctl}, cluster}}}}
}

// graphemeSets are the characters that stand alone as a cluster and
// those that extend one, as the JDK's \X treats them.
func graphemeSets() (ctl, ext charset) {
	return negate(jSets[jGraphemeBase]), jSet(jGraphemeExtend)
}

func (p *javaParser) backref(idx int) *node {
	n := &node{op: opBackref, index: idx}
	if p.has(jCaseInsens) {
		if p.has(jUnicodeCase) {
			n.fold, n.ci = unicodeBackrefFold, foldUnicode
		} else {
			n.fold, n.ci = asciiFoldChar, foldASCII
		}
	}
	p.refs = append(p.refs, n)
	return n
}

// removeQuoting rewrites each \Q...\E as the characters it quotes, each
// escaped, before parsing, as Java does: so a quantifier after \Qab\E
// repeats the b alone, and an empty \Q\E leaves a quantifier dangling.
func removeQuoting(src string) string {
	start := -1
	for i := 0; i+1 < len(src); {
		if src[i] != '\\' {
			i++
			continue
		}
		if src[i+1] == 'Q' {
			start = i
			break
		}
		i += 2
	}
	if start < 0 {
		return src
	}
	var b strings.Builder
	b.WriteString(src[:start])
	rs := []rune(src[start+2:])
	inQuote, beginQuote := true, true
	for i := 0; i < len(rs); {
		c := rs[i]
		i++
		switch {
		case c >= 0x80 || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			b.WriteRune(c)
		case c >= '0' && c <= '9':
			if beginQuote {
				// A digit right after \Q must not extend an escape before it.
				b.WriteString(`\x3`)
			}
			b.WriteRune(c)
		case c != '\\':
			if inQuote {
				b.WriteByte('\\')
			}
			b.WriteRune(c)
		case inQuote:
			if i < len(rs) && rs[i] == 'E' {
				i++
				inQuote = false
			} else {
				b.WriteString(`\\\\`[:2])
			}
		case i < len(rs):
			if rs[i] == 'Q' {
				i++
				inQuote, beginQuote = true, true
				continue
			}
			b.WriteRune(c)
			b.WriteRune(rs[i])
			i++
		default:
			b.WriteRune(c)
		}
		beginQuote = false
	}
	return b.String()
}

// escapeClass parses a class escape (\d, \p{L}, ...) after the backslash,
// reporting false if the escape is not a class.
func (p *javaParser) escapeClass() (charset, bool) {
	start := p.pos
	c := p.nextRaw()
	uc := p.has(jUnicodeClass)
	var set charset
	neg := false
	switch c {
	case 'd', 'D':
		neg = c == 'D'
		set = span('0', '9')
		if uc {
			set = javaDigitSet()
		}
	case 'w', 'W':
		neg = c == 'W'
		set = fromChars("_")
		set = normalize(append(set, '0', '9', 'A', 'Z', 'a', 'z'))
		if uc {
			set = unicodeWord()
		}
	case 's', 'S':
		neg = c == 'S'
		set = fromChars(" \t\n\x0b\f\r")
		if uc {
			set = javaSpace()
		}
	case 'h', 'H':
		neg = c == 'H'
		set = normalize(charset{' ', ' ', '\t', '\t', 0xa0, 0xa0, 0x1680, 0x1680, 0x180e, 0x180e, 0x2000, 0x200a, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000})
	case 'v', 'V':
		neg = c == 'V'
		set = normalize(charset{'\n', '\r', 0x85, 0x85, 0x2028, 0x2029})
	case 'p', 'P':
		neg = c == 'P'
		var name string
		if p.pos < len(p.src) && p.src[p.pos] == '{' {
			end := strings.IndexByte(p.src[p.pos:], '}')
			if end < 0 {
				p.fail("unclosed character family")
			}
			name = p.src[p.pos+1 : p.pos+end]
			p.pos += end + 1
		} else {
			if p.pos >= len(p.src) {
				p.fail("illegal character family")
			}
			r, w := utf8.DecodeRuneInString(p.src[p.pos:])
			name = string(r)
			p.pos += w
		}
		var err error
		set, err = javaProperty(name, uc, p.has(jCaseInsens))
		if err != nil {
			p.fail("%v", err)
		}
	default:
		p.pos = start
		return nil, false
	}
	if neg {
		set = negate(set)
	}
	return set, true
}

// escapeChar parses a character escape after the backslash.
func (p *javaParser) escapeChar() rune {
	start := p.pos - 1
	c := p.nextRaw()
	switch c {
	case 't':
		return '\t'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 'f':
		return '\f'
	case 'a':
		return 7
	case 'e':
		return 0x1b
	case 'c':
		if p.pos >= len(p.src) {
			p.fail("illegal control escape sequence")
		}
		return p.nextRaw() ^ 64
	case '0':
		// \0n, \0nn, \0mnn with m <= 3
		v := 0
		digits := 0
		for digits < 3 && p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '7' {
			nv := v*8 + int(p.src[p.pos]-'0')
			if digits == 2 && v > 037 {
				break
			}
			v = nv
			digits++
			p.pos++
		}
		if digits == 0 {
			p.fail("illegal octal escape sequence")
		}
		return rune(v)
	case 'x':
		if p.pos < len(p.src) && p.src[p.pos] == '{' {
			end := strings.IndexByte(p.src[p.pos:], '}')
			if end < 0 {
				p.fail("unclosed hexadecimal escape sequence")
			}
			v, err := strconv.ParseUint(p.src[p.pos+1:p.pos+end], 16, 32)
			if err != nil || end == 1 || v > maxRune {
				p.fail("hexadecimal codepoint is too big or malformed")
			}
			p.pos += end + 1
			return rune(v)
		}
		return p.hex(2)
	case 'u':
		r := p.hex(4)
		// A surrogate pair written as two \u escapes is one code point.
		if utf16High(r) && strings.HasPrefix(p.src[p.pos:], `\u`) {
			save := p.pos
			p.pos += 2
			lo := p.hex(4)
			if utf16Low(lo) {
				return (r-0xd800)<<10 + (lo - 0xdc00) + 0x10000
			}
			p.pos = save
		}
		return r
	case 'N':
		return p.charName()
	}
	if c < 128 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		p.pos = start
		p.fail("illegal/unsupported escape sequence \\%c", c)
	}
	return c
}

// charName reads the {name} of a \N escape, as Pattern.N does: the
// '{' and the '}' are found as COMMENTS reads characters, so (?x) lets
// white space come before either, but the name is all the text between.
func (p *javaParser) charName() rune {
	p.skipComments()
	if p.pos >= len(p.src) || p.src[p.pos] != '{' {
		p.fail("illegal character name escape sequence")
	}
	p.pos++
	start := p.pos
	for {
		p.skipComments()
		if p.pos >= len(p.src) {
			p.fail("unclosed character name escape sequence")
		}
		if p.src[p.pos] == '}' {
			break
		}
		_, w := utf8.DecodeRuneInString(p.src[p.pos:])
		p.pos += w
	}
	name := p.src[start:p.pos]
	p.pos++
	r, ok := javaCodePointOf(name)
	if !ok {
		p.fail("unknown character name [%s]", name)
	}
	return r
}

func utf16High(r rune) bool { return r >= 0xd800 && r <= 0xdbff }
func utf16Low(r rune) bool  { return r >= 0xdc00 && r <= 0xdfff }

func (p *javaParser) hex(n int) rune {
	if p.pos+n > len(p.src) {
		p.fail("illegal hexadecimal escape sequence")
	}
	v, err := strconv.ParseUint(p.src[p.pos:p.pos+n], 16, 32)
	if err != nil || strings.ContainsAny(p.src[p.pos:p.pos+n], "+-") {
		p.fail("illegal hexadecimal escape sequence")
	}
	p.pos += n
	return rune(v)
}

// class parses a character class after its '['.
func (p *javaParser) class() charset { return p.classBody(true) }

// classBody parses a class up to its ']', as Java's Pattern.clazz does:
// a nested class or the right side of && ends at its own ']' (consumed only
// for a nested class), single characters below U+0100 gather in a side
// set that joins the class at && or at the end, and an && with nothing on
// its right intersects with the last item on its left, so [a-c&&] is
// [a-c].
func (p *javaParser) classBody(nested bool) charset {
	var prev, curr, bits charset
	havePrev, haveCurr, hasBits := false, false, false
	neg := false
	if nested && p.peek() == '^' {
		p.next()
		neg = true
	}
	add := func(set charset) {
		curr, haveCurr = set, true
		if havePrev {
			prev = union(prev, set)
		} else {
			prev, havePrev = set, true
		}
	}
	for {
		r := p.peek()
		switch {
		case r < 0:
			p.fail("unclosed character class")
		case r == '[':
			p.next()
			add(p.classBody(true))
			continue
		case r == '&' && strings.HasPrefix(p.src[p.pos:], "&&"):
			p.pos += 2
			var right charset
			haveRight := false
			for {
				c := p.peek()
				if c == ']' || c == '&' {
					break
				}
				if c < 0 {
					p.fail("unclosed character class")
				}
				var sub charset
				if c == '[' {
					p.next()
					sub = p.classBody(true)
				} else {
					sub = p.classBody(false)
				}
				if haveRight {
					right = union(right, sub)
				} else {
					right, haveRight = sub, true
				}
			}
			if hasBits {
				if havePrev {
					prev = union(prev, bits)
				} else {
					prev, curr, havePrev, haveCurr = bits, bits, true, true
				}
				hasBits = false
			}
			if haveRight {
				curr, haveCurr = right, true
			}
			switch {
			case !havePrev && !haveRight:
				p.fail("bad class syntax")
			case !havePrev:
				prev, havePrev = right, true
			case !haveCurr:
				// Java fails on such a class when matching; match nothing.
				prev = charset{}
			default:
				prev = intersect(prev, curr)
			}
			continue
		case r == ']' && (havePrev || hasBits):
			if nested {
				p.next()
			}
			switch {
			case !havePrev:
				prev = bits
			case hasBits:
				prev = union(prev, bits)
			}
			if neg {
				prev = negate(prev)
			}
			if prev == nil {
				prev = charset{}
			}
			return prev
		}
		set, single := p.classItem()
		if single {
			bits, hasBits = union(bits, set), true
		} else {
			add(set)
		}
	}
}

// classItem parses a single character, a range or a class escape inside a
// class. single reports a character below U+0100 that Java keeps in its
// side set of single characters.
func (p *javaParser) classItem() (set charset, single bool) {
	lo, set := p.classAtom()
	if set != nil {
		return set, false
	}
	if p.peek() == '-' {
		save := p.pos
		p.next()
		if nr := p.peekRaw(); nr != ']' && nr != '[' && nr >= 0 {
			hi, hset := p.classAtom()
			if hset != nil || hi < lo {
				p.fail("illegal character range")
			}
			return p.foldRange(lo, hi), false
		}
		p.pos = save // '-' before ']' or '[' is a literal
	}
	return p.classSingle(lo)
}

// classSingle is one character in a class. Java keeps characters below
// U+0100 in a set with their ASCII other case under CASE_INSENSITIVE, or
// Character's upper and lower case under UNICODE_CASE, except a few whose
// case partners lie above U+00FF, which like all others match as outside
// a class.
func (p *javaParser) classSingle(c rune) (charset, bool) {
	uc, ci := p.has(jUnicodeCase), p.has(jCaseInsens)
	if c >= 0x100 || ci && uc && strings.ContainsRune("\u00ff\u00b5IiSsKk\u00c5\u00e5", c) {
		return p.foldChar(c), false
	}
	set := single(c)
	switch {
	case !ci:
	case c < 0x80:
		set = asciiFoldChar(c)
	case uc:
		set = normalize(charset{c, c, jLower(c), jLower(c), jUpper(c), jUpper(c)})
	}
	return set, true
}

// classAtom reads one character in a class, or a whole escape class.
func (p *javaParser) classAtom() (rune, charset) {
	r := p.next()
	if r != '\\' {
		return r, nil
	}
	switch p.peekRaw() {
	case 'b', 'B', 'A', 'G', 'z', 'Z', 'R', 'X', 'k', 'Q':
		p.fail("illegal escape in a character class")
	}
	if r := p.peekRaw(); r >= '1' && r <= '9' {
		p.fail("illegal escape in a character class")
	}
	if set, ok := p.escapeClass(); ok {
		return 0, set
	}
	return p.escapeChar(), nil
}

func (p *javaParser) foldRange(lo, hi rune) charset {
	set := span(lo, hi)
	if !p.has(jCaseInsens) {
		return set
	}
	if p.has(jUnicodeCase) {
		return unicodeFoldRange(lo, hi)
	}
	// ASCII only: an ASCII letter matches if its other case is in range.
	var extra charset
	for c := rune('A'); c <= 'z'; c++ {
		if !(c <= 'Z' || c >= 'a') {
			continue
		}
		o := c ^ 0x20
		if o >= lo && o <= hi {
			extra = append(extra, c, c)
		}
	}
	return union(set, extra)
}
