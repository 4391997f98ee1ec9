package javadiff

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/serialgate/serialgate/pattern"
)

// Generate returns rules random over the syntax serialgate accepts, with
// serial-shaped rules among them, each with strings that probe it: samples
// of what it matches and mutations of them with look-alikes, case
// variants, combining marks, supplementary and unassigned code points,
// CR, NUL and long runs. The same seed gives the same cases.
func Generate(seed uint64, rules, strs int) []Case {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	// How characters are spelled comes from a stream of its own, so that
	// a seed gives the rules it gave before \N{name} was spelled.
	names := rand.New(rand.NewPCG(seed^0x6a09e667f3bcc909, seed))
	cases := make([]Case, 0, rules)
	for range rules {
		g := &gen{r: r, spell: names}
		var f frag
		if r.IntN(4) == 0 {
			f = g.serialShaped()
		} else {
			f = g.alternation(0)
			if r.IntN(3) == 0 {
				f = frag{g.flagGroup() + f.re, f.sample}
			}
		}
		re := f.re
		if names.IntN(20) == 0 {
			re += "|" + g.blockNamed()
		}
		if r.IntN(10) == 0 {
			re = g.breakSyntax(re)
		}
		cases = append(cases, Case{Rule: re, Strings: g.strings(f, strs)})
	}
	return cases
}

// Probe returns a Case for a hand-written rule: the strings given and n
// mutations of them.
func Probe(seed uint64, rule string, strs []string, n int) Case {
	g := &gen{r: rand.New(rand.NewPCG(seed, uint64(len(rule))))}
	seen := map[string]bool{}
	out := append([]string(nil), strs...)
	for _, s := range strs {
		seen[s] = true
	}
	for tries := 0; len(out) < len(strs)+n && tries < 4*n && len(strs) > 0; tries++ {
		s := strs[g.r.IntN(len(strs))]
		for range 1 + g.r.IntN(2) {
			s = g.mutate(s)
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return Case{Rule: rule, Strings: out}
}

// frag is a piece of a generated rule: its text and a sampler of strings
// it may match (exact for plain pieces, a guess around look-around and
// backreferences).
type frag struct {
	re     string
	sample func(*rand.Rand) string
}

type gen struct {
	r      *rand.Rand
	spell  *rand.Rand                // how literal characters are spelled: as themselves or \N{name}
	groups []func(*rand.Rand) string // samplers of the capturing groups so far
	named  []string
}

func constant(s string) func(*rand.Rand) string { return func(*rand.Rand) string { return s } }

// pool is the characters rules and strings are made of: serial characters
// and the ones whose semantics differ between engines and Unicode versions.
var pool = []rune(
	"AZaz09Kkis_-. /\t" +
		"ſKıİßẞµΜμΩωϐβϑθϕφϰκϱρϵεςσΣǅǄǆ" + // case variants
		"éÉàÀ\u0301\u0308\u20dd\u0903" + // combining marks (Mn, Me, Mc)
		"٣１Ａａ\u00a0\u2028\u0085\r\n\x00\u200d\u00ad" +
		"\U0001F600\U0001D400\U00010400\U00010428" + // supplementary, cased Deseret
		"\u0870\U0001FAE0\U00011F00\u0378\U000E0080" + // assigned after Unicode 13, unassigned
		"αΩ✓€¹²½Ⅻⅻ")

// lookalikes maps serial characters to the characters that imitate them.
var lookalikes = map[rune][]rune{
	'0': {'٠', '０', 'O', '𝟎'}, '1': {'١', '１', 'l', 'I', '¹'}, '3': {'٣', '３', '𝟑'},
	'A': {'Α', 'А', 'Ａ', 'a', '𝐀'}, 'B': {'Β', 'ß'}, 'K': {'K', 'Κ', 'k'}, 'k': {'K', 'ĸ', 'K'},
	'S': {'ſ', 's', 'Ѕ'}, 's': {'ſ', 'S', 'ѕ'}, 'i': {'ı', 'İ', 'I', 'í'}, 'I': {'İ', 'ı', 'i', 'Ⅰ'},
	'O': {'0', 'Ο', 'О'}, 'E': {'Ε', 'е'}, 'M': {'Μ', 'µ'}, 'm': {'µ', 'м'}, 'u': {'µ', 'υ'},
	'-': {'‐', '–', '−', '\u00ad'}, ' ': {'\u00a0', '\u2003', '\t'}, 'x': {'×', 'х'},
	'ß': {'ẞ', 's'}, 'ẞ': {'ß'}, 'µ': {'μ', 'Μ'}, 'Ω': {'ω', 'Ω'}, 'ω': {'Ω', 'Ω'},
	'β': {'ϐ', 'Β'}, 'θ': {'ϑ', 'Θ', 'ϴ'}, 'φ': {'ϕ', 'Φ'}, 'κ': {'ϰ', 'Κ'}, 'ρ': {'ϱ', 'Ρ'},
	'σ': {'ς', 'Σ'}, 'ε': {'ϵ', 'Ε'}, 'ǅ': {'Ǆ', 'ǆ'}, 'é': {'É', 'e'},
}

func (g *gen) pick(s []string) string { return s[g.r.IntN(len(s))] }

func (g *gen) poolRune() rune { return pool[g.r.IntN(len(pool))] }

// literal writes c as a pattern character, escaping what Java would read
// as syntax.
func literal(c rune) string {
	switch {
	case strings.ContainsRune(`\^$.|?*+()[]{}`, c):
		return `\` + string(c)
	case c == '\n':
		return `\n`
	case c == '\r':
		return `\r`
	case c == 0:
		return `\x00`
	case c == '#' || c == ' ' || c == '\t':
		// Spelled as escapes so that (?x) does not drop them.
		return fmt.Sprintf(`\x%02x`, c)
	}
	return string(c)
}

// classAtoms are escapes and properties, each with characters it should
// hold; the mutations probe the others.
var classAtoms = []struct{ re, hint string }{
	{`\d`, "0٣"}, {`\D`, "a٣"}, {`\w`, "a_9é"}, {`\W`, "-é "}, {`\s`, " \t\u00a0"}, {`\S`, "a\u00a0"},
	{`\h`, " \u00a0"}, {`\H`, "a"}, {`\v`, "\n\u2028"}, {`\V`, "a"},
	{`\p{L}`, "aé"}, {`\p{Lu}`, "AÉ"}, {`\p{Ll}`, "aé"}, {`\p{Lt}`, "ǅ"}, {`\p{IsLu}`, "A"},
	{`\p{javaLowerCase}`, "aſ"}, {`\p{javaUpperCase}`, "AK"}, {`\p{IsLowercase}`, "aª"}, {`\p{IsUppercase}`, "AⅫ"},
	{`\p{IsTitlecase}`, "ǅ"}, {`\p{javaTitleCase}`, "ǅ"}, {`\p{Lower}`, "a"}, {`\p{Upper}`, "A"},
	{`\p{Alpha}`, "a"}, {`\p{Alnum}`, "a1"}, {`\p{Digit}`, "1"}, {`\p{Punct}`, "!-"}, {`\p{Graph}`, "a!"},
	{`\p{Print}`, "a "}, {`\p{Blank}`, " "}, {`\p{Cntrl}`, "\x00"}, {`\p{XDigit}`, "aF"}, {`\p{Space}`, " "},
	{`\p{ASCII}`, "a"}, {`\p{IsAssigned}`, "a\u0870"}, {`\p{Cn}`, "\u0378\u0870"}, {`\P{Cn}`, "a"},
	{`\p{IsLatin}`, "aé"}, {`\p{IsGreek}`, "αΩ"}, {`\p{IsLatn}`, "a"}, {`\p{InGreek}`, "α"},
	{`\p{blk=Greek}`, "α"}, {`\p{InBasicLatin}`, "a"}, {`\p{sc=Greek}`, "α"}, {`\p{gc=Lu}`, "A"},
	{`\p{javaMirrored}`, "()"}, {`\p{javaDigit}`, "1٣"}, {`\p{javaLetter}`, "a"}, {`\p{javaLetterOrDigit}`, "a1"},
	{`\p{javaAlphabetic}`, "aⅫ"}, {`\p{javaWhitespace}`, " "}, {`\p{javaSpaceChar}`, "\u00a0"}, {`\p{javaDefined}`, "a\u0870"},
	{`\p{IsAlphabetic}`, "a"}, {`\p{IsEmoji}`, "😀"}, {`\p{IsWhite_Space}`, " "}, {`\p{IsPunctuation}`, "!"},
	{`\p{Sc}`, "€$"}, {`\p{Mn}`, "\u0301"}, {`\p{M}`, "\u0903"}, {`\p{N}`, "1½"}, {`\p{Nl}`, "Ⅻ"},
	{`\p{So}`, "✓"}, {`\p{IsDigit}`, "1"}, {`\p{IsLetter}`, "a"}, {`\p{Co}`, "\ue000"}, {`\p{IsIdeographic}`, "中"},
	{`\pL`, "a"}, {`\PL`, "1"}, {`\p{IsCyrillic}`, "а"}, {`\p{IsHan}`, "中"}, {`\p{IsCommon}`, "1"},
	{`.`, "a"}, {`\X`, "a"}, {`\R`, "\r\n"},
}

// bracket builds a [...] class.
func (g *gen) bracket(depth int) (string, string) {
	var b strings.Builder
	var hint strings.Builder
	b.WriteByte('[')
	if g.r.IntN(4) == 0 {
		b.WriteByte('^')
	}
	n := 1 + g.r.IntN(3)
	for i := range n {
		switch k := g.r.IntN(10); {
		case k < 3:
			rg := g.pick([]string{"a-z", "A-Z", "0-9", "a-c", "A-F", "α-ω", "Α-Ω", "À-ÿ", "ſ-ſ", "K-K", "ß-ß", "\\x{10400}-\\x{1044F}", "!-/", "\\u0370-\\u03FF", "i-k", "r-t"})
			b.WriteString(rg)
			hint.WriteString(rg[:1])
		case k < 5:
			a := classAtoms[g.r.IntN(len(classAtoms)-3)] // no ., \X, \R in a class
			b.WriteString(a.re)
			hint.WriteString(a.hint)
		case k < 6 && depth < 2:
			re, h := g.bracket(depth + 1)
			b.WriteString(re)
			hint.WriteString(h)
		case k < 7 && i > 0:
			b.WriteString("&&")
			if g.r.IntN(5) > 0 {
				re, h := g.bracket(depth + 1)
				b.WriteString(re)
				hint.WriteString(h)
			}
		default:
			c := g.poolRune()
			switch {
			case g.spelled(c):
				b.WriteString(g.charName(c))
			case strings.ContainsRune(`^-&[]\\`, c):
				b.WriteByte('\\')
				b.WriteRune(c)
			default:
				b.WriteString(literal(c))
			}
			hint.WriteRune(c)
		}
	}
	b.WriteByte(']')
	return b.String(), hint.String()
}

func (g *gen) flagGroup() string {
	return "(?" + g.pick([]string{"i", "u", "U", "x", "iu", "iU", "i", "ix", "s", "m", "d", "i-u", "-i", "ui"}) + ")"
}

func (g *gen) alternation(depth int) frag {
	n := 1
	if g.r.IntN(4) == 0 {
		n = 2 + g.r.IntN(2)
	}
	var res []string
	var samples []func(*rand.Rand) string
	for range n {
		f := g.sequence(depth)
		res = append(res, f.re)
		samples = append(samples, f.sample)
	}
	return frag{strings.Join(res, "|"), func(r *rand.Rand) string { return samples[r.IntN(len(samples))](r) }}
}

func (g *gen) sequence(depth int) frag {
	n := 1 + g.r.IntN(4)
	var res []string
	var samples []func(*rand.Rand) string
	for range n {
		f := g.quantified(depth)
		res = append(res, f.re)
		samples = append(samples, f.sample)
	}
	return frag{strings.Join(res, ""), func(r *rand.Rand) string {
		var b strings.Builder
		for _, s := range samples {
			b.WriteString(s(r))
		}
		return b.String()
	}}
}

func (g *gen) quantified(depth int) frag {
	a := g.atom(depth)
	if a.re == "" || g.r.IntN(3) > 0 || strings.HasPrefix(a.re, "(?") && strings.HasSuffix(a.re, ")") && !strings.Contains(a.re, ":") && !strings.Contains(a.re, "<") && !strings.ContainsAny(a.re[2:], "=!>") {
		return a
	}
	lo, hi := 0, -1
	var q string
	switch g.r.IntN(7) {
	case 0:
		q, lo, hi = "?", 0, 1
	case 1:
		q, lo, hi = "*", 0, 3
	case 2:
		q, lo, hi = "+", 1, 3
	case 3:
		lo = g.r.IntN(4)
		q, hi = fmt.Sprintf("{%d}", lo), lo
	case 4:
		lo = g.r.IntN(3)
		hi = lo + g.r.IntN(3)
		q = fmt.Sprintf("{%d,%d}", lo, hi)
	case 5:
		lo = g.r.IntN(3)
		q, hi = fmt.Sprintf("{%d,}", lo), lo+2
	default:
		n := 1 + g.r.IntN(3)
		m := 1 + g.r.IntN(3)
		q, lo, hi = fmt.Sprintf("{%d}{%d}", n, m), n*m, n*m
	}
	q += g.pick([]string{"", "", "", "?", "+"})
	re := a.re
	if strings.HasSuffix(re, "*") || strings.HasSuffix(re, "+") || strings.HasSuffix(re, "?") || strings.HasSuffix(re, "}") {
		re = "(?:" + re + ")"
	}
	return frag{re + q, func(r *rand.Rand) string {
		var b strings.Builder
		for range lo + r.IntN(hi-lo+1) {
			b.WriteString(a.sample(r))
		}
		return b.String()
	}}
}

func (g *gen) atom(depth int) frag {
	k := g.r.IntN(20)
	if depth >= 3 && k >= 12 {
		k = g.r.IntN(12)
	}
	switch {
	case k < 5:
		c := g.poolRune()
		if g.spelled(c) {
			return frag{g.charName(c), constant(string(c))}
		}
		return frag{literal(c), constant(string(c))}
	case k < 8:
		a := classAtoms[g.r.IntN(len(classAtoms))]
		return frag{a.re, hintSampler(a.hint)}
	case k < 10:
		re, hint := g.bracket(0)
		return frag{re, hintSampler(hint)}
	case k == 10:
		a := g.pick([]string{"^", "$", `\b`, `\B`, `\A`, `\z`, `\Z`, `\G`})
		return frag{a, constant("")}
	case k == 11:
		return frag{g.flagGroup(), constant("")}
	case k == 12 && len(g.groups) > 0:
		i := g.r.IntN(len(g.groups))
		s := g.groups[i]
		if len(g.named) > 0 && g.r.IntN(3) == 0 {
			return frag{`\k<` + g.named[g.r.IntN(len(g.named))] + `>`, s}
		}
		return frag{fmt.Sprintf(`\%d`, i+1), s}
	case k == 13:
		look := g.pick([]string{"(?=", "(?!", "(?<=", "(?<!"})
		f := g.alternation(depth + 1)
		return frag{look + f.re + ")", constant("")}
	case k == 14:
		f := g.alternation(depth + 1)
		return frag{`\Q` + strings.ReplaceAll(f.sample(g.r), `\E`, "") + `\E`, f.sample}
	default:
		kind := g.pick([]string{"(", "(", "(?:", "(?:", "(?>", "(?<n>", "(?i:", "(?iu:", "(?-i:", "(?U:", "(?x:"})
		if kind == "(" || kind == "(?<n>" {
			i := len(g.groups)
			g.groups = append(g.groups, constant(""))
			if kind == "(?<n>" {
				name := fmt.Sprintf("g%d", i+1)
				kind = "(?<" + name + ">"
				g.named = append(g.named, name)
			}
			f := g.alternation(depth + 1)
			g.groups[i] = f.sample
			return frag{kind + f.re + ")", f.sample}
		}
		f := g.alternation(depth + 1)
		return frag{kind + f.re + ")", f.sample}
	}
}

func hintSampler(hint string) func(*rand.Rand) string {
	rs := []rune(hint)
	return func(r *rand.Rand) string {
		if len(rs) == 0 || r.IntN(5) == 0 {
			return string(pool[r.IntN(len(pool))])
		}
		return string(rs[r.IntN(len(rs))])
	}
}

// serialShaped is a rule as a manufacturer writes one: a prefix, runs of
// classes with counts, separators, sometimes anchors and flags.
func (g *gen) serialShaped() frag {
	var res []string
	var samples []func(*rand.Rand) string
	add := func(f frag) { res = append(res, f.re); samples = append(samples, f.sample) }
	if g.r.IntN(3) == 0 {
		add(frag{g.pick([]string{"(?i)", "(?iu)", "(?U)", "(?iU)", "(?u)"}), constant("")})
	}
	anchored := g.r.IntN(2) == 0
	if anchored {
		add(frag{"^", constant("")})
	}
	prefix := g.pick([]string{"SN", "AC2", "G0", "KX", "ss", "ß", "µC", "Ω", "BK", "ki", "", "ΣΩ"})
	add(frag{prefix, constant(prefix)})
	parts := 1 + g.r.IntN(4)
	for range parts {
		cls, hint := g.pick([]string{`[A-Z]`, `[a-z]`, `\d`, `[0-9A-F]`, `[A-HJ-NP-Z0-9]`, `\p{Alnum}`, `\w`, `\p{Lu}`, `\p{Ll}`, `[^\W_]`, `\p{L}`, `[a-zß]`, `\p{XDigit}`, `[\p{L}&&[^a-z]]`}), ""
		switch cls[1] {
		case 'd':
			hint = "0123456789"
		default:
			hint = "ABCKSZ09afksz"
		}
		n := 1 + g.r.IntN(6)
		q := fmt.Sprintf("{%d}", n)
		if g.r.IntN(4) == 0 {
			q = fmt.Sprintf("{%d,%d}", n, n+2)
		}
		q += g.pick([]string{"", "", "+", "?"})
		hs := hintSampler(hint)
		add(frag{cls + q, func(r *rand.Rand) string {
			var b strings.Builder
			for range n {
				b.WriteString(hs(r))
			}
			return b.String()
		}})
		if g.r.IntN(3) == 0 {
			sep := g.pick([]string{"-", `\-`, "/", `\.`, " ", `\s?`, `[-/]`})
			add(frag{sep, constant(strings.Trim(sep, `\?[]/`) + "")})
		}
	}
	if g.r.IntN(5) == 0 {
		add(frag{g.pick([]string{`\b`, `(?<=\d)`, `(?<![A-Z])`, `(?=\w)`}), constant("")})
	}
	if anchored {
		add(frag{"$", constant("")})
	}
	return frag{strings.Join(res, ""), func(r *rand.Rand) string {
		var b strings.Builder
		for _, s := range samples {
			b.WriteString(s(r))
		}
		return b.String()
	}}
}

// breakSyntax damages a rule's text the way typing slips do, so that the
// JDK refuses some rules and accepts others in odd ways: a character
// dropped, doubled, or a metacharacter put in.
func (g *gen) breakSyntax(re string) string {
	rs := []rune(re)
	at := g.r.IntN(len(rs) + 1)
	switch g.r.IntN(3) {
	case 0:
		if at < len(rs) {
			return string(rs[:at]) + string(rs[at+1:])
		}
	case 1:
		if at < len(rs) {
			return string(rs[:at+1]) + string(rs[at:])
		}
	}
	meta := g.pick([]string{"(", ")", "[", "]", "{", "}", "{2", "\\", "*", "+", "?", "&&", "-", "^", "|", "\\Q", "\\E", "(?", "\\p{", "\\k<", "\\x{"})
	return string(rs[:at]) + meta + string(rs[at:])
}

// strings returns n strings for f: samples, then mutations of samples.
func (g *gen) strings(f frag, n int) []string {
	seen := map[string]bool{}
	out := make([]string, 0, n)
	add := func(s string) {
		if !seen[s] && len(out) < n {
			seen[s] = true
			out = append(out, s)
		}
	}
	add("")
	for tries := 0; len(out) < n/5 && tries < n; tries++ {
		add(f.sample(g.r))
	}
	bases := append([]string(nil), out...)
	for tries := 0; len(out) < n && tries < 4*n; tries++ {
		s := bases[g.r.IntN(len(bases))]
		for range 1 + g.r.IntN(2) {
			s = g.mutate(s)
		}
		add(s)
	}
	return out
}

var combining = []rune{'\u0301', '\u0308', '\u20dd', '\u0903', '\u200d', '\u0345', '\U0001D167'}

func (g *gen) mutate(s string) string {
	rs := []rune(s)
	at := 0
	if len(rs) > 0 {
		at = g.r.IntN(len(rs))
	}
	switch g.r.IntN(12) {
	case 0, 1: // look-alike or case variant
		if len(rs) == 0 {
			return string(g.poolRune())
		}
		if alts, ok := lookalikes[rs[at]]; ok {
			rs[at] = alts[g.r.IntN(len(alts))]
		} else if u := []rune(strings.ToUpper(string(rs[at]))); len(u) == 1 && u[0] != rs[at] {
			rs[at] = u[0]
		} else if l := []rune(strings.ToLower(string(rs[at]))); len(l) == 1 {
			rs[at] = l[0]
		}
	case 2: // combining mark after a character
		c := combining[g.r.IntN(len(combining))]
		rs = append(rs[:min(at+1, len(rs))], append([]rune{c}, rs[min(at+1, len(rs)):]...)...)
	case 3: // substitution from the pool
		if len(rs) > 0 {
			rs[at] = g.poolRune()
		}
	case 4: // insertion from the pool
		rs = append(rs[:at], append([]rune{g.poolRune()}, rs[at:]...)...)
	case 5: // deletion
		if len(rs) > 0 {
			rs = append(rs[:at], rs[at+1:]...)
		}
	case 6: // CR, LF, NUL, CRLF at the end or inside
		t := g.pick([]string{"\r", "\n", "\x00", "\r\n", "\u2028", "\u0085"})
		if g.r.IntN(2) == 0 {
			return s + t
		}
		return string(rs[:at]) + t + string(rs[at:])
	case 7: // long
		if len(s) > 0 && len(s) < 200 {
			return strings.Repeat(s, 2+g.r.IntN(40))
		}
	case 8: // flip the case of everything
		if g.r.IntN(2) == 0 {
			return strings.ToUpper(s)
		}
		return strings.ToLower(s)
	case 9: // supplementary or unassigned
		c := g.pick([]string{"\U0001F600", "\U0001D400", "\U00010400", "\U00010428", "\u0378", "\u0870", "\U0001FAE0", "\U000E0080", "\U0010FFFF"})
		return string(rs[:at]) + c + string(rs[at:])
	case 10: // doubling a character
		if len(rs) > 0 {
			rs = append(rs[:at], append([]rune{rs[at]}, rs[at:]...)...)
		}
	default: // ß ↔ ss and friends
		r := strings.NewReplacer("ss", "ß", "ß", "ẞ", "SS", "ẞ", "k", "\u212a", "s", "ſ", "i", "ı", "I", "İ")
		return r.Replace(s)
	}
	return string(rs)
}

// spelled says whether to spell c as \N{name}: sometimes, when Java has a
// name for it.
func (g *gen) spelled(c rune) bool {
	return g.spell.IntN(6) == 0 && pattern.JavaCharName(c) != ""
}

// charName spells c as \N{name} the ways Character.codePointOf reads it,
// and now and then a way it refuses: upper or lower case, padded with
// spaces and controls, with a letter outside ASCII whose upper case is
// ASCII, or misspelled, unclosed or without braces.
func (g *gen) charName(c rune) string {
	name := pattern.JavaCharName(c)
	switch k := g.spell.IntN(48); {
	case k < 20:
	case k < 30:
		name = strings.ToLower(name)
	case k < 34:
		name = " " + name + "\t"
	case k < 36:
		name = "\x01" + strings.ToLower(name) + " "
	case k < 40:
		name = strings.Replace(strings.Replace(name, "I", "ı", 1), "S", "ſ", 1)
	case k < 42:
		name = strings.Replace(strings.Replace(name, "SS", "ß", 1), "FI", "ﬁ", 1)
	case k == 42:
		name = strings.Replace(name, " ", "  ", 1) // not a name
	case k == 43:
		name = strings.Replace(name, "I", "İ", 1) // upper case already, not ASCII
	case k == 44:
		return `\N{` + name // unclosed
	case k == 45:
		return `\N` + name // no braces
	}
	return `\N{` + name + `}`
}

// blockNamed is an alternative that spells characters Java names by
// block and hex (CJK ideographs, Hangul syllables, private use), in the
// ways codePointOf reads or refuses them, or a character without a name.
func (g *gen) blockNamed() string {
	pick := func(s []string) string { return s[g.spell.IntN(len(s))] }
	c := pick([]string{
		"CJK UNIFIED IDEOGRAPHS 4E2D", "cjk unified ideographs 4e2d", "HANGUL SYLLABLES AC00",
		"PRIVATE USE AREA E000", "CJK UNIFIED IDEOGRAPHS EXTENSION B 20000", "TANGUT 17000",
		"CJK UNIFIED IDEOGRAPHS 04E2D", "CJK UNIFIED IDEOGRAPH-4E2D", "HANGUL SYLLABLE GA",
		"CJK UNIFIED IDEOGRAPHS 9FFD", "LATIN 1 SUPPLEMENT 84", "LATIN 1 SUPPLEMENT 85",
		"CJK COMPATIBILITY IDEOGRAPH-F900", "NULL", "LINE FEED (LF)", "LINE FEED", "BYTE ORDER MARK",
	})
	return `\N{` + c + `}x` + pick([]string{"", `[\N{DIGIT ONE}-\N{DIGIT FIVE}]`, `[\N{DIGIT FIVE}-\N{DIGIT ONE}]`, `(?i)\N{LATIN SMALL LETTER K}`})
}
