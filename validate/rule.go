// Package validate compiles the serial rules of a rules file and checks
// serials against them.
//
// Each pattern is compiled once into the fastest engine that gives its
// dialect's verdicts exactly: a DFA built here when the pattern's language
// is regular (this covers possessive and atomic constructs that do not
// change the language, lookaheads at the start of the pattern, and
// backreferences to small finite groups), and regexp2 with a match timeout
// otherwise. A serial is valid when the whole serial matches, as with
// Java's Matcher.matches().
package validate

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dlclark/regexp2"

	"github.com/serialgate/serialgate/rules"
)

// Engine names the matcher a rule was compiled to.
type Engine string

// The engines.
const (
	EngineDFA     Engine = "dfa"     // the automaton built here: linear time, no allocation
	EngineRegexp  Engine = "regexp"  // Go's regexp (re2 patterns with line or word assertions)
	EngineRegexp2 Engine = "regexp2" // backtracking, under a timeout
)

// DefaultTimeout bounds a backtracking match. regexp2 checks its clock only
// every so often, so a match may run somewhat past it.
const DefaultTimeout = 100 * time.Millisecond

// ReasonTimeout is the reason given when a rule's match ran out of time.
const ReasonTimeout = "rule timed out"

// Rule is one compiled serial pattern.
type Rule struct {
	Pattern string
	Dialect rules.Dialect
	Engine  Engine
	// Why says why a rule needs a backtracking engine.
	Why string

	dfa   *dfa
	re    *regexp.Regexp
	re2   *regexp2.Regexp
	ast   *node // Java patterns only
	netRE string
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

// CompileRule compiles pattern in its dialect.
func CompileRule(pattern string, dialect rules.Dialect, opt Options) (*Rule, error) {
	if dialect == "" {
		dialect = rules.Java
	}
	r := &Rule{Pattern: pattern, Dialect: dialect}
	var comps []component
	var why error
	switch dialect {
	case rules.Java:
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
			re, err := regexp2.Compile(r.netRE, regexp2.None)
			if err != nil {
				return nil, fmt.Errorf("translate pattern: %w", err)
			}
			re.MatchTimeout = opt.timeout()
			r.re2, r.Engine, r.Why = re, EngineRegexp2, nr.why
			return r, nil
		}
	case rules.RE2:
		var err error
		if comps, err = re2Components(pattern); err != nil {
			return nil, err
		}
	case rules.DotNet, rules.ECMAScript:
		full, opts := `\A(?:`+pattern+wsEnd(pattern)+`)\z`, regexp2.None
		if dialect == rules.ECMAScript {
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
	r.dfa, r.Engine, r.re2 = d, EngineDFA, nil
	return r, nil
}

// fallback compiles r for an engine other than the DFA, when the DFA could
// not be built (too many states, or assertions it does not handle).
func (r *Rule) fallback(cause error, opt Options) (*Rule, error) {
	r.Why = cause.Error()
	if r.re2 != nil { // dotnet and ecmascript: regexp2 is already compiled
		r.Engine = EngineRegexp2
		return r, nil
	}
	if r.Dialect == rules.RE2 {
		re, err := regexp.Compile(`\A(?:` + r.Pattern + `)\z`)
		if err != nil {
			return nil, err
		}
		r.re, r.Engine = re, EngineRegexp
		return r, nil
	}
	re, err := regexp2.Compile(r.netRE, regexp2.None)
	if err != nil {
		return nil, fmt.Errorf("translate pattern: %w", err)
	}
	re.MatchTimeout = opt.timeout()
	r.re2, r.Engine = re, EngineRegexp2
	return r, nil
}

// wsEnd ends a .NET pattern that may be in x mode so that a trailing
// # comment does not swallow the closing group.
func wsEnd(p string) string {
	if strings.Contains(p, "#") && xMode.MatchString(p) {
		return "\n"
	}
	return ""
}

var xMode = regexp.MustCompile(`\(\?[imnsx]*x`)

// Match reports whether the whole serial matches. timedOut is set when a
// backtracking match ran out of time; the serial is then not matched.
func (r *Rule) Match(serial string) (ok, timedOut bool) {
	switch r.Engine {
	case EngineDFA:
		return r.dfa.match(serial), false
	case EngineRegexp:
		return r.re.MatchString(serial), false
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
func (r *Rule) LineCounter() func(chunk []byte) (valid, n int) {
	if r.Engine != EngineDFA || r.dfa.bt == nil {
		return nil
	}
	return func(chunk []byte) (int, int) {
		v, n, _ := r.dfa.countLines(chunk)
		return v, n
	}
}

// Explain checks serial and, when it does not match, says why in words an
// operator can act on.
func (r *Rule) Explain(serial string) (ok bool, reason string) {
	if r.Engine != EngineDFA {
		ok, timedOut := r.Match(serial)
		switch {
		case timedOut:
			return false, ReasonTimeout
		case ok:
			return true, ""
		case serial == "":
			return false, "empty serial"
		}
		return false, "does not match the serial pattern"
	}
	d := r.dfa
	st, died := d.run(serial)
	if st != 0 {
		if d.final[st/d.ncls] {
			return true, ""
		}
		if serial == "" {
			return false, "empty serial"
		}
		return false, fmt.Sprintf("incomplete: the serial ends after %d characters", utf8.RuneCountInString(serial))
	}
	pos := utf8.RuneCountInString(serial[:died]) + 1
	c, _ := utf8.DecodeRuneInString(serial[died:])
	// Had the serial ended just before this character, would it match?
	prev, _ := d.run(serial[:died])
	if prev != 0 && d.final[prev/d.ncls] {
		return false, fmt.Sprintf("too long: extra %s at position %d after a complete serial of %d characters", describe(c), pos, pos-1)
	}
	return false, fmt.Sprintf("unexpected %s at position %d", describe(c), pos)
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
func (r *Rule) States() int {
	if r.dfa == nil {
		return 0
	}
	return r.dfa.states()
}

// Lint returns warnings about the pattern that do not stop it compiling.
func (r *Rule) Lint() []string {
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
	if r.ast != nil && possessiveStarves(r.ast) {
		w = append(w, "a possessive quantifier leaves nothing for what follows: that part of the pattern can never match")
	}
	p := strings.TrimSpace(r.Pattern)
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
func (r *Rule) components() ([]component, error) {
	switch r.Dialect {
	case rules.Java:
		ast, groups, err := parseJava(r.Pattern)
		if err != nil {
			return nil, err
		}
		return components(ast, groups, 0)
	case rules.RE2:
		return re2Components(r.Pattern)
	case rules.DotNet, rules.ECMAScript:
		ast, groups, err := parseNet(r.Pattern, r.Dialect == rules.ECMAScript)
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
