// Package pattern is serialgate's regex engine: it compiles a serial
// pattern written for Java, .NET, ECMAScript or Go (RE2) and checks whole
// serials against it with that dialect's verdicts, saying where and why a
// serial fails. It knows nothing of rules files, models or serial lists.
//
// Each pattern is compiled once into the fastest engine that gives its
// dialect's verdicts exactly: a DFA built here when the pattern's language
// is regular (this covers possessive and atomic constructs that do not
// change the language, lookaheads at the start of the pattern, and
// backreferences to small finite groups), and regexp2 with a match timeout
// otherwise. A serial is valid when the whole serial matches, as with
// Java's Matcher.matches().
package pattern

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/dlclark/regexp2"

	"github.com/serialgate/serialgate"
)

// Dialect names the regex engine a pattern was written for.
type Dialect string

// The dialects.
const (
	Java       Dialect = "java"       // java.util.regex, the default
	DotNet     Dialect = "dotnet"     // .NET, as regexp2 implements it
	ECMAScript Dialect = "ecmascript" // ECMAScript, as regexp2's ECMAScript mode implements it
	RE2        Dialect = "re2"        // Go's regexp
)

// Dialects lists the dialects in the order the documentation names them.
var Dialects = []Dialect{Java, DotNet, ECMAScript, RE2}

// Engine names the matcher a rule was compiled to.
type Engine string

// The engines.
const (
	EngineDFA     Engine = "dfa"     // the automaton built here: linear time, no allocation
	EngineRegexp  Engine = "regexp"  // Go's regexp (re2 patterns with line or word assertions)
	EngineRegexp2 Engine = "regexp2" // backtracking, under a timeout
	// EngineBacktrack is the backtracking matcher built here for Java
	// rules that are not regular: Java's own semantics, failed states
	// remembered, under a timeout.
	EngineBacktrack Engine = "backtrack"
)

// DefaultTimeout bounds a backtracking match. regexp2 checks its clock only
// every so often, so a match may run somewhat past it.
const DefaultTimeout = 100 * time.Millisecond

// Pattern is one compiled serial pattern.
type Pattern struct {
	Expr    string
	Dialect Dialect
	Engine  Engine
	// Why says why a rule needs a backtracking engine.
	Why string

	dfa     *dfa
	re      *regexp.Regexp
	re2     *regexp2.Regexp
	bt      *btProg
	timeout time.Duration
	ast     *node // Java patterns that do not run on the automaton
	groups  int   // the Java pattern's capturing groups, until its engine is chosen
	netRE   string
}

// Options tune compilation. The zero value is ready to use.
type Options struct {
	// Timeout bounds each backtracking match; zero means DefaultTimeout.
	Timeout time.Duration
	// MaxStates bounds one rule's automaton; zero means 10,000.
	MaxStates int
}

func (o Options) timeout() time.Duration {
	if o.Timeout <= 0 {
		return DefaultTimeout
	}
	return o.Timeout
}

func (o Options) maxStates() int {
	if o.MaxStates <= 0 {
		return 10000
	}
	return o.MaxStates
}

// Compile compiles pattern in its dialect; the empty dialect is Java.
func Compile(pattern string, dialect Dialect, opt Options) (*Pattern, error) {
	if dialect == "" {
		dialect = Java
	}
	r := &Pattern{Expr: pattern, Dialect: dialect}
	var comps []component
	var why error
	switch dialect {
	case Java:
		ast, groups, err := parseJava(pattern)
		if err != nil {
			return nil, err
		}
		r.ast = ast
		r.netRE = netPattern(ast)
		comps, why = components(ast, groups, 0)
		if why != nil {
			var nr *errNotRegular
			if !errors.As(why, &nr) {
				return nil, why
			}
			r.backtrack(groups, opt)
			r.Why = nr.why
			return r, nil
		}
		r.groups = groups
	case RE2:
		var err error
		if comps, err = re2Components(pattern); err != nil {
			return nil, err
		}
	case DotNet, ECMAScript:
		full, opts := `\A(?:`+pattern+wsEnd(pattern)+`)\z`, regexp2.None
		if dialect == ECMAScript {
			full, opts = `^(?:`+pattern+`)(?![\s\S])`, regexp2.ECMAScript
		}
		re, err := regexp2.Compile(full, opts)
		if err != nil {
			return nil, err
		}
		re.MatchTimeout = opt.timeout()
		r.re2, r.Engine = re, EngineRegexp2
		comps, why = r.components()
		if why != nil {
			r.Why = why.Error()
			return r, nil
		}
	default:
		return nil, fmt.Errorf("unknown dialect %q", dialect)
	}
	d, err := compileDFA(comps, 1, opt.maxStates())
	if err != nil {
		return r.fallback(err, opt)
	}
	// The syntax tree serves only Lint, which parses again: a catalogue of
	// many rules would otherwise hold every tree.
	r.dfa, r.Engine, r.re2, r.ast = d, EngineDFA, nil, nil
	return r, nil
}

// fallback compiles r for an engine other than the DFA, when the DFA could
// not be built (too many states, or assertions it does not handle).
func (r *Pattern) fallback(cause error, opt Options) (*Pattern, error) {
	r.Why = cause.Error()
	if r.re2 != nil { // dotnet and ecmascript: regexp2 is already compiled
		r.Engine = EngineRegexp2
		return r, nil
	}
	if r.Dialect == RE2 {
		re, err := regexp.Compile(`\A(?:` + r.Expr + `)\z`)
		if err != nil {
			return nil, err
		}
		r.re, r.Engine = re, EngineRegexp
		return r, nil
	}
	r.backtrack(r.groups, opt)
	return r, nil
}

// backtrack sets a Java pattern to run on the backtracking matcher.
func (r *Pattern) backtrack(groups int, opt Options) {
	r.bt, r.timeout, r.Engine = compileBacktrack(r.ast, groups), opt.timeout(), EngineBacktrack
}

// wsEnd ends a .NET pattern that may be in x mode so that a trailing
// # comment does not swallow the closing group.
func wsEnd(p string) string {
	if strings.Contains(p, "#") && xMode().MatchString(p) {
		return "\n"
	}
	return ""
}

// xMode is compiled on first use: a process that never reads a rule
// pays nothing for it at start-up.
var xMode = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\(\?[imnsx]*x`) })

// Match reports whether the whole serial matches. timedOut is set when a
// backtracking match ran out of time; the serial is then not matched.
func (r *Pattern) Match(serial string) (ok, timedOut bool) {
	switch r.Engine {
	case EngineDFA:
		return r.dfa.match(serial), false
	case EngineRegexp:
		return r.re.MatchString(serial), false
	case EngineBacktrack:
		return r.bt.match(serial, r.timeout)
	}
	ok, err := r.re2.MatchString(serial)
	if err != nil {
		return false, true
	}
	return ok, false
}

// LineCounter returns, for a rule that runs on the automaton with a byte
// table, a function that checks every line of a chunk of a serial list in
// one pass over its bytes (lines as ReadList splits them), for
// CountChunks; nil for other rules.
func (r *Pattern) LineCounter() func(chunk []byte) (valid, n int) {
	if r.Engine != EngineDFA || r.dfa.states() > maxByteTableStates {
		return nil
	}
	return func(chunk []byte) (int, int) {
		v, n, _ := r.dfa.countLines(chunk)
		return v, n
	}
}

// Check gives the verdict on serial: OK, or the reason it fails with the
// position it applies to and the words an operator can act on. The
// verdict names no model.
func (r *Pattern) Check(serial string) serialgate.Verdict {
	v := serialgate.Verdict{Serial: serial}
	if r.Engine != EngineDFA {
		ok, timedOut := r.Match(serial)
		switch {
		case timedOut:
			v.Reason, v.Message = serialgate.ReasonTimedOut, "rule timed out"
		case ok:
			v.OK = true
		case serial == "":
			v.Reason, v.Message = serialgate.ReasonEmpty, "empty serial"
		default:
			v.Reason, v.Message = serialgate.ReasonNoMatch, "does not match the serial pattern"
		}
		return v
	}
	d := r.dfa
	st, died := d.run(serial)
	if st != 0 {
		switch {
		case d.final[d.index(st)]:
			v.OK = true
		case serial == "":
			v.Reason, v.Message = serialgate.ReasonEmpty, "empty serial"
		default:
			v.Reason = serialgate.ReasonIncomplete
			v.Message = fmt.Sprintf("incomplete: the serial ends after %d characters", utf8.RuneCountInString(serial))
		}
		return v
	}
	v.Pos = utf8.RuneCountInString(serial[:died]) + 1
	c, _ := utf8.DecodeRuneInString(serial[died:])
	// Had the serial ended just before this character, would it match?
	if prev, _ := d.run(serial[:died]); prev != 0 && d.final[d.index(prev)] {
		v.Reason = serialgate.ReasonTooLong
		v.Message = fmt.Sprintf("too long: extra %s at position %d after a complete serial of %d characters", describe(c), v.Pos, v.Pos-1)
		return v
	}
	v.Reason = serialgate.ReasonUnexpected
	v.Message = fmt.Sprintf("unexpected %s at position %d", describe(c), v.Pos)
	return v
}

// describe names a character for an operator: printable ASCII as itself,
// anything else also by its code point, since look-alikes are the usual
// cause.
func describe(c rune) string {
	switch {
	case c == ' ':
		return "space"
	case c == utf8.RuneError:
		return "invalid byte"
	case c < 0x80 && unicode.IsPrint(c):
		return fmt.Sprintf("%q", c)
	case unicode.IsPrint(c):
		return fmt.Sprintf("%q (U+%04X, not ASCII)", c, c)
	}
	return fmt.Sprintf("control character U+%04X", c)
}

// States returns the number of automaton states, or 0 for other engines.
func (r *Pattern) States() int {
	if r.dfa == nil {
		return 0
	}
	return r.dfa.states()
}

// Lint returns warnings about the pattern that do not stop it compiling.
func (r *Pattern) Lint() []string {
	var w []string
	if r.Engine != EngineDFA {
		w = append(w, fmt.Sprintf("needs backtracking (%s): checked by %s", r.Why, r.Engine))
	}
	if r.dfa != nil {
		any := false
		for _, f := range r.dfa.final {
			any = any || f
		}
		if !any {
			w = append(w, "pattern cannot match any serial")
		} else if r.dfa.final[r.dfa.start/r.dfa.ncls] {
			w = append(w, "pattern matches the empty serial")
		}
	}
	ast := r.ast
	if ast == nil && r.Dialect == Java {
		ast, _, _ = parseJava(r.Expr)
	}
	if ast != nil && possessiveStarves(ast) {
		w = append(w, "a possessive quantifier leaves nothing for what follows: that part of the pattern can never match")
	}
	p := strings.TrimSpace(r.Expr)
	p = strings.TrimPrefix(p, "(?i)")
	anchoredStart := strings.HasPrefix(p, "^") || strings.HasPrefix(p, `\A`)
	anchoredEnd := strings.HasSuffix(p, "$") || strings.HasSuffix(p, `\z`) || strings.HasSuffix(p, `\Z`)
	if !anchoredStart || !anchoredEnd {
		w = append(w, "pattern is not anchored with ^...$: the whole serial must match all the same, as with Java's matches()")
	}
	return w
}

// components recompiles the rule's automaton components, for combining
// with other rules'.
func (r *Pattern) components() ([]component, error) {
	switch r.Dialect {
	case Java:
		ast, groups, err := parseJava(r.Expr)
		if err != nil {
			return nil, err
		}
		return components(ast, groups, 0)
	case RE2:
		return re2Components(r.Expr)
	case DotNet, ECMAScript:
		ast, groups, err := parseNet(r.Expr, r.Dialect == ECMAScript)
		if err != nil {
			return nil, err
		}
		return components(ast, groups, 0)
	}
	return nil, fmt.Errorf("dialect %s has no automaton", r.Dialect)
}

// re2Components compiles a Go regexp pattern, anchored at both ends.
func re2Components(pattern string) ([]component, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, err
	}
	full := &syntax.Regexp{Op: syntax.OpConcat, Sub: []*syntax.Regexp{{Op: syntax.OpBeginText}, re, {Op: syntax.OpEndText}}}
	prog, err := compileProg(full)
	if err != nil {
		return nil, err
	}
	return []component{{prog: prog, kind: whole}}, nil
}

// possessiveStarves finds a possessive repetition of a class, with no upper
// bound, followed by something that must start with a character of that
// class: X++ keeps every such character, so what follows cannot match.
func possessiveStarves(root *node) bool {
	found := false
	root.walk(func(n *node) bool {
		if n.op != opConcat {
			return !found
		}
		for i, it := range n.subs {
			if it.op != opRepeat || it.mode != possessive || it.max >= 0 || it.subs[0].op != opChar {
				continue
			}
			rest := &node{op: opConcat, subs: n.subs[i+1:]}
			if lo, _ := rest.lengths(); lo > 0 && len(subtract(first(rest), it.subs[0].set)) == 0 {
				found = true
			}
		}
		return !found
	})
	return found
}

// Translated returns a Java pattern as the .NET-syntax pattern regexp2 runs
// when the automaton cannot (every class and anchor spelled out), for
// diagnostics; "" for other dialects.
func (r *Pattern) Translated() string { return r.netRE }

// MatchBytes is Match for a serial held in bytes, such as a line of a list
// still in the reader's buffer; it does not keep b. A match that timed out
// is not a match.
func (r *Pattern) MatchBytes(b []byte) bool {
	// No engine keeps the string it matches, so viewing b as one is safe.
	ok, _ := r.Match(unsafe.String(unsafe.SliceData(b), len(b)))
	return ok
}
