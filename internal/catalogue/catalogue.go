// Package catalogue generates manufacturer catalogues for the scale tests
// and benchmarks: rules files of many models whose serial patterns have the
// shapes manufacturers register, and serial lists to check against them.
package catalogue

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
)

// Model is one generated model: its name, ASIN and Java serial pattern,
// and a function that writes a serial its pattern accepts.
type Model struct {
	Name, ASIN, Regex string
	valid             func(rng *rand.Rand) string
}

// Valid returns a serial the model's pattern accepts.
func (m *Model) Valid(rng *rand.Rand) string { return m.valid(rng) }

const (
	digits = "0123456789"
	upper  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	alnum  = upper + digits
	hex    = "0123456789ABCDEF"
	// noIO is the alphabet of serials that avoid I and O, as many do.
	noIO = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
)

func pick(rng *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// Generate returns n models from seed. Manufacturers own a two-letter code
// that starts most of their models' serials, followed by a model code; the
// shapes after it are fixed-width digit fields, year and week fields,
// alternations of prefixes, check characters from a class, hexadecimal
// runs and a few rules with no fixed prefix at all. About one model in
// fifty reuses another's prefix with a different length, so some serials
// match two models.
func Generate(n int, seed uint64) []Model {
	rng := rand.New(rand.NewPCG(seed, 0x5e71a1))
	out := make([]Model, 0, n)
	for i := range n {
		// A manufacturer per 800 models; its code, then a model code that
		// is unique within the manufacturer.
		mf := i / 800
		code := string([]byte{upper[mf%26], upper[(mf/26)%26]})
		j := i % 800
		mcode := string([]byte{alnum[j%36], alnum[(j/36)%36]})
		if mf >= 676 { // beyond 676 manufacturers, a third letter
			code += string(upper[(mf/676)%26])
		}
		pre := code + mcode
		m := Model{Name: fmt.Sprintf("%s_M%06d", code, i), ASIN: fmt.Sprintf("B0%08X", i)}
		shape := rng.IntN(100)
		if i > 0 && rng.IntN(50) == 0 {
			shape = -1
		}
		switch {
		case shape == -1: // overlaps an earlier model: its prefix, a range of lengths
			prev := out[rng.IntN(len(out))]
			p := literalPrefix(prev.Regex)
			lo := 6 + rng.IntN(4)
			hi := lo + 1 + rng.IntN(3)
			m.Regex = fmt.Sprintf(`^%s\d{%d,%d}$`, p, lo, hi)
			m.valid = func(rng *rand.Rand) string { return p + pick(rng, digits, lo+rng.IntN(hi-lo+1)) }
		case shape < 30: // prefix and a fixed-width unit number
			w := 6 + rng.IntN(7)
			m.Regex = fmt.Sprintf(`^%s\d{%d}$`, pre, w)
			m.valid = func(rng *rand.Rand) string { return pre + pick(rng, digits, w) }
		case shape < 50: // prefix, year, ISO week, unit number
			w := 4 + rng.IntN(3)
			m.Regex = fmt.Sprintf(`^%s(19|20)\d{2}W(0[1-9]|[1-4]\d|5[0-3])\d{%d}$`, pre, w)
			m.valid = func(rng *rand.Rand) string {
				return fmt.Sprintf("%s%d%02dW%02d%s", pre, 19+rng.IntN(2), rng.IntN(100), 1+rng.IntN(53), pick(rng, digits, w))
			}
		case shape < 62: // an alternation of prefixes, a dash, hexadecimal
			alts := []string{pre}
			for range 1 + rng.IntN(3) {
				alts = append(alts, code+pick(rng, alnum, 2))
			}
			w := 6 + rng.IntN(5)
			m.Regex = fmt.Sprintf(`^(?:%s)-[0-9A-F]{%d}$`, strings.Join(alts, "|"), w)
			m.valid = func(rng *rand.Rand) string { return alts[rng.IntN(len(alts))] + "-" + pick(rng, hex, w) }
		case shape < 80: // prefix, digits, a check character from a class
			w := 7 + rng.IntN(5)
			m.Regex = fmt.Sprintf(`^%s\d{%d}[0-9X]$`, pre, w)
			m.valid = func(rng *rand.Rand) string { return pre + pick(rng, digits, w) + pick(rng, digits+"X", 1) }
		case shape < 90: // prefix, plant letter, alphanumerics without I and O
			w := 6 + rng.IntN(6)
			m.Regex = fmt.Sprintf(`^%s[A-HJ-NP-Z]\d{2}[A-HJ-NP-Z0-9]{%d}$`, pre, w)
			m.valid = func(rng *rand.Rand) string {
				return pre + pick(rng, "ABCDEFGHJKLMNPQRSTUVWXYZ", 1) + pick(rng, digits, 2) + pick(rng, noIO, w)
			}
		case shape < 95: // optional separators, case-insensitive prefix
			w := 4 + rng.IntN(3)
			m.Regex = fmt.Sprintf(`^(?i:%s)[- ]?\d{%d}[- ]?\d{%d}$`, pre, w, w)
			m.valid = func(rng *rand.Rand) string {
				return strings.ToLower(pre) + pick(rng, "- ", 1) + pick(rng, digits, w) + pick(rng, digits, w)
			}
		case shape < 98: // no fixed prefix: a letter-digit layout
			a, w := 1+rng.IntN(3), 8+rng.IntN(8)
			m.Regex = fmt.Sprintf(`^[A-Z]{%d}\d{2}[A-HJ-NP-Z0-9]{%d}$`, a, w)
			m.valid = func(rng *rand.Rand) string { return pick(rng, upper, a) + pick(rng, digits, 2) + pick(rng, noIO, w) }
		default: // no fixed prefix, a lookahead requiring a digit
			w := 10 + rng.IntN(8)
			m.Regex = fmt.Sprintf(`^(?=.*\d)[A-Z0-9]{%d}$`, w)
			m.valid = func(rng *rand.Rand) string { return pick(rng, upper, w-1) + pick(rng, digits, 1) }
		}
		out = append(out, m)
	}
	return out
}

// literalPrefix is the letters and digits a pattern starts with after ^.
func literalPrefix(re string) string {
	re = strings.TrimPrefix(re, "^")
	re = strings.TrimPrefix(re, "(?:")
	re = strings.TrimPrefix(re, "(?i:")
	i := 0
	for i < len(re) && strings.IndexByte(alnum, re[i]) >= 0 {
		i++
	}
	return re[:i]
}

// WriteRules writes ms as a rules file (schema version 1), one
// manufacturer per two-letter code, each model with its ASIN and one
// valid example.
func WriteRules(w io.Writer, ms []Model, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString("version: 1\nmanufacturers:\n")
	last := ""
	for i := range ms {
		m := &ms[i]
		mf := m.Name[:strings.IndexByte(m.Name, '_')]
		if mf != last {
			fmt.Fprintf(&b, "  - name: Maker %s\n    lwa_client_id: amzn1.application-oa2-client.%032x\n    models:\n", mf, i)
			last = mf
		}
		fmt.Fprintf(&b, "      - model: %s\n        asins: [%s]\n        serial:\n          regex: '%s'\n        examples:\n          valid: ['%s']\n",
			m.Name, m.ASIN, m.Regex, m.Valid(rng))
		if b.Len() > 1<<20 {
			if _, err := io.WriteString(w, b.String()); err != nil {
				return err
			}
			b.Reset()
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Serial returns a serial to check: valid for a random model most of the
// time, otherwise a near miss of one or random characters.
func Serial(ms []Model, rng *rand.Rand) string {
	s := ms[rng.IntN(len(ms))].Valid(rng)
	switch rng.IntN(10) {
	case 0: // one character changed
		b := []byte(s)
		b[rng.IntN(len(b))] = alnum[rng.IntN(len(alnum))]
		return string(b)
	case 1: // one character short
		return s[:len(s)-1]
	case 2: // one too many
		return s + pick(rng, digits, 1)
	case 3: // random
		return pick(rng, alnum+"- ", 1+rng.IntN(20))
	}
	return s
}
