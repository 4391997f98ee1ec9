package pattern

import (
	"errors"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// A conservative parser for the dotnet and ecmascript dialects: it accepts
// the constructs whose meaning in regexp2 it knows exactly (literals,
// classes, the \d \w \s classes of each mode, dot, groups, alternation,
// quantifiers, lookaround, atomic groups, backreferences, \A \z \Z ^ $) and
// gives up on anything else, which then runs on regexp2 itself. The
// pattern has already compiled in regexp2, so syntax errors are its to
// report.

var errNetUnsupported = errors.New("construct outside the automaton's subset")

type netParser struct {
	src    string
	pos    int
	ecma   bool
	groups int
	names  map[string]int
}

// parseNet parses a dotnet (or, with ecma, ecmascript) pattern, or
// reports errNetUnsupported.
func parseNet(pattern string, ecma bool) (n *node, groups int, err error) {
	p := &netParser{src: pattern, ecma: ecma, names: map[string]int{}}
	defer func() {
		if r := recover(); r != nil {
			if r != errNetUnsupported {
				panic(r)
			}
			n, err = nil, errNetUnsupported
		}
	}()
	n = p.alternation()
	if p.pos < len(p.src) {
		panic(errNetUnsupported)
	}
	return n, p.groups, nil
}

func (p *netParser) peek() rune {
	if p.pos >= len(p.src) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return r
}

func (p *netParser) next() rune {
	if p.pos >= len(p.src) {
		panic(errNetUnsupported)
	}
	r, w := utf8.DecodeRuneInString(p.src[p.pos:])
	p.pos += w
	return r
}

func (p *netParser) alternation() *node {
	var alts []*node
	for {
		alts = append(alts, p.sequence())
		if p.peek() != '|' {
			break
		}
		p.pos++
	}
	return altOf(alts)
}

func (p *netParser) sequence() *node {
	var items []*node
	for {
		r := p.peek()
		if r < 0 || r == '|' || r == ')' {
			break
		}
		items = append(items, p.quantifier(p.atom()))
	}
	return concatOf(items)
}

func (p *netParser) quantifier(atom *node) *node {
	var min, max int
	switch p.peek() {
	case '*':
		min, max = 0, -1
	case '+':
		min, max = 1, -1
	case '?':
		min, max = 0, 1
	case '{':
		var ok bool
		var end int
		if min, max, end, ok = scanBounds(p.src, p.pos+1); !ok || (max >= 0 && max < min) {
			panic(errNetUnsupported) // a literal brace: left to regexp2
		}
		p.pos = end - 1
	default:
		return atom
	}
	p.pos++
	n := &node{op: opRepeat, subs: []*node{atom}, min: min, max: max}
	switch p.peek() {
	case '?':
		p.pos++
		n.mode = lazy
	case '+', '*', '{':
		panic(errNetUnsupported)
	}
	return n
}

func (p *netParser) atom() *node {
	r := p.next()
	switch r {
	case '(':
		return p.group()
	case '[':
		return &node{op: opChar, set: p.class()}
	case '.':
		if p.ecma {
			return &node{op: opChar, set: negate(fromChars("\n\r"))}
		}
		return &node{op: opChar, set: negate(single('\n'))}
	case '^':
		return &node{op: opAssert, assert: aBeginText}
	case '$':
		return &node{op: opAssert, assert: aDollarUnix}
	case '\\':
		return p.escape()
	case '*', '+', '?', '{', ')':
		panic(errNetUnsupported)
	}
	return &node{op: opChar, set: single(r)}
}

func (p *netParser) group() *node {
	var n *node
	if p.peek() != '?' {
		p.groups++
		n = &node{op: opCapture, index: p.groups, subs: []*node{p.alternation()}}
	} else {
		p.pos++
		switch c := p.next(); c {
		case ':':
			n = p.alternation()
		case '=', '!':
			n = &node{op: opLook, neg: c == '!', subs: []*node{p.alternation()}}
		case '>':
			n = &node{op: opAtomic, subs: []*node{p.alternation()}}
		case '<', '\'':
			if c == '<' && (p.peek() == '=' || p.peek() == '!') {
				neg := p.next() == '!'
				n = &node{op: opLook, behind: true, neg: neg, adjusted: true, subs: []*node{p.alternation()}}
				break
			}
			end := byte('>')
			if c == '\'' {
				end = '\''
			}
			start := p.pos
			for p.pos < len(p.src) && p.src[p.pos] != end {
				ch := p.src[p.pos]
				if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch == '_' || p.pos > start && ch >= '0' && ch <= '9') {
					panic(errNetUnsupported) // numbered or balancing groups
				}
				p.pos++
			}
			if p.pos >= len(p.src) || p.pos == start {
				panic(errNetUnsupported)
			}
			name := p.src[start:p.pos]
			p.pos++
			if _, dup := p.names[name]; dup || p.ecma {
				panic(errNetUnsupported)
			}
			// .NET numbers named groups after the unnamed ones: refuse
			// patterns where that could matter.
			p.groups++
			p.names[name] = p.groups
			n = &node{op: opCapture, index: p.groups, name: name, subs: []*node{p.alternation()}}
		default:
			panic(errNetUnsupported) // inline options and the rest
		}
	}
	if p.next() != ')' {
		panic(errNetUnsupported)
	}
	return n
}

func (p *netParser) escape() *node {
	r := p.peek()
	switch r {
	case 'A':
		p.pos++
		return &node{op: opAssert, assert: aBeginText}
	case 'z':
		p.pos++
		return &node{op: opAssert, assert: aEndText}
	case 'Z':
		p.pos++
		return &node{op: opAssert, assert: aDollarUnix}
	}
	if r >= '1' && r <= '9' {
		if len(p.names) > 0 {
			panic(errNetUnsupported)
		}
		p.pos++
		idx := int(r - '0')
		if p.peek() >= '0' && p.peek() <= '9' || idx > p.groups {
			panic(errNetUnsupported)
		}
		return &node{op: opBackref, index: idx}
	}
	if set, ok := p.classEscape(); ok {
		return &node{op: opChar, set: set}
	}
	return &node{op: opChar, set: single(p.charEscape())}
}

// classEscape reads \d \D \w \W \s \S, with each mode's meaning.
func (p *netParser) classEscape() (charset, bool) {
	var set charset
	switch r := p.peek(); r {
	case 'd', 'D':
		set = fromTable(unicode.Nd)
		if p.ecma {
			set = span('0', '9')
		}
	case 'w', 'W':
		set = union(fromTables(unicode.L, unicode.Mn, unicode.Nd, unicode.Pc), charset{0x200c, 0x200d})
		if p.ecma {
			set = normalize(charset{'0', '9', 'A', 'Z', '_', '_', 'a', 'z'})
		}
	case 's', 'S':
		set = goSpace()
		if p.ecma {
			set = normalize(charset{'\t', '\r', ' ', ' ', 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff})
		}
	default:
		return nil, false
	}
	r := p.next()
	if r == 'D' || r == 'W' || r == 'S' {
		set = negate(set)
	}
	return set, true
}

// goSpace is what unicode.IsSpace accepts, which regexp2 uses for \s.
func goSpace() charset {
	return union(fromChars("\t\n\v\f\r \u0085\u00a0"), fromTable(unicode.White_Space))
}

func (p *netParser) charEscape() rune {
	r := p.next()
	switch r {
	case 't':
		return '\t'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 'f':
		return '\f'
	case 'v':
		return '\v'
	case 'x':
		return p.hex(2)
	case 'u':
		return p.hex(4)
	}
	if r < 128 && !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
		return r // an escaped punctuation character stands for itself
	}
	panic(errNetUnsupported)
}

func (p *netParser) hex(n int) rune {
	if p.pos+n > len(p.src) {
		panic(errNetUnsupported)
	}
	v, err := strconv.ParseUint(p.src[p.pos:p.pos+n], 16, 32)
	if err != nil {
		panic(errNetUnsupported)
	}
	p.pos += n
	return rune(v)
}

func (p *netParser) class() charset {
	neg := false
	if p.peek() == '^' {
		p.pos++
		neg = true
	}
	if p.peek() == ']' {
		panic(errNetUnsupported) // the modes differ on a leading ]
	}
	var acc charset
	for {
		r := p.next()
		switch r {
		case ']':
			if neg {
				return negate(acc)
			}
			if acc == nil {
				return charset{}
			}
			return acc
		case '[':
			panic(errNetUnsupported) // subtraction, or modes that differ
		}
		lo, set := p.classAtom(r)
		if set != nil {
			acc = union(acc, set)
			continue
		}
		if p.peek() == '-' && p.pos+1 < len(p.src) && p.src[p.pos+1] != ']' {
			p.pos++
			nr := p.next()
			if nr == '[' {
				panic(errNetUnsupported)
			}
			hi, hset := p.classAtom(nr)
			if hset != nil || hi < lo {
				panic(errNetUnsupported)
			}
			acc = union(acc, span(lo, hi))
			continue
		}
		acc = union(acc, single(lo))
	}
}

func (p *netParser) classAtom(r rune) (rune, charset) {
	if r != '\\' {
		return r, nil
	}
	if set, ok := p.classEscape(); ok {
		return 0, set
	}
	if p.peek() == 'b' {
		panic(errNetUnsupported)
	}
	return p.charEscape(), nil
}
