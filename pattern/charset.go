package pattern

import (
	"sort"
	"unicode"
)

// charset is a set of code points as sorted, non-overlapping, non-adjacent
// inclusive ranges: lo0, hi0, lo1, hi1, ...
type charset []rune

const maxRune = unicode.MaxRune

func single(r rune) charset      { return charset{r, r} }
func span(lo, hi rune) charset   { return charset{lo, hi} }
func (c charset) clone() charset { return append(charset(nil), c...) }
func (c charset) contains(r rune) bool {
	i := sort.Search(len(c)/2, func(i int) bool { return c[2*i+1] >= r })
	return i < len(c)/2 && c[2*i] <= r
}

// normalize sorts and merges ranges.
func normalize(c charset) charset {
	n := len(c) / 2
	type rg struct{ lo, hi rune }
	rs := make([]rg, n)
	for i := range rs {
		rs[i] = rg{c[2*i], c[2*i+1]}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].lo < rs[j].lo })
	out := make(charset, 0, len(c))
	for _, r := range rs {
		if r.lo > r.hi {
			continue
		}
		if k := len(out); k > 0 && r.lo <= out[k-1]+1 {
			if r.hi > out[k-1] {
				out[k-1] = r.hi
			}
			continue
		}
		out = append(out, r.lo, r.hi)
	}
	return out
}

func union(a, b charset) charset {
	return normalize(append(a.clone(), b...))
}

func negate(c charset) charset {
	var out charset
	next := rune(0)
	for i := 0; i < len(c); i += 2 {
		if c[i] > next {
			out = append(out, next, c[i]-1)
		}
		next = c[i+1] + 1
	}
	if next <= maxRune {
		out = append(out, next, maxRune)
	}
	return out
}

func intersect(a, b charset) charset {
	var out charset
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo, hi := max(a[i], b[j]), min(a[i+1], b[j+1])
		if lo <= hi {
			out = append(out, lo, hi)
		}
		if a[i+1] < b[j+1] {
			i += 2
		} else {
			j += 2
		}
	}
	return out
}

func subtract(a, b charset) charset { return intersect(a, negate(b)) }

// fromTable turns a unicode.RangeTable into a charset.
func fromTable(t *unicode.RangeTable) charset {
	var out charset
	for _, r := range t.R16 {
		if r.Stride == 1 {
			out = append(out, rune(r.Lo), rune(r.Hi))
			continue
		}
		for c := rune(r.Lo); c <= rune(r.Hi); c += rune(r.Stride) {
			out = append(out, c, c)
		}
	}
	for _, r := range t.R32 {
		if r.Stride == 1 {
			out = append(out, rune(r.Lo), rune(r.Hi))
			continue
		}
		for c := rune(r.Lo); c <= rune(r.Hi); c += rune(r.Stride) {
			out = append(out, c, c)
		}
	}
	return normalize(out)
}

func fromTables(ts ...*unicode.RangeTable) charset {
	var out charset
	for _, t := range ts {
		out = append(out, fromTable(t)...)
	}
	return normalize(out)
}

// fromChars builds a set from a string of single characters.
func fromChars(s string) charset {
	var out charset
	for _, r := range s {
		out = append(out, r, r)
	}
	return normalize(out)
}
