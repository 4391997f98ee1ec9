package pattern

import (
	_ "embed"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The names \N{name} accepts come from the JDK, as the tables do: the
// file is plain text so that a change of JDK shows as a readable diff,
// and it is read on the first \N, not at start-up.

//go:generate java --add-opens java.base/java.lang=ALL-UNNAMED tablegen/Names.java jnames.txt

//go:embed jnames.txt
var jNamesText string

// charNames is jnames.txt, read: the name table in code point order with
// a hash index by name, the code points named by block, and the
// non-ASCII characters whose upper case is ASCII.
type charNames struct {
	names  string      // every name of the table, one after another
	byCode []namedRune // in code point order
	index  []int32     // open addressing on the hash of a name: 1 + its index in byCode, or 0
	blocks []blockNames
	upper  map[rune]string
}

// namedRune is a code point and where its name lies in names.
type namedRune struct {
	r          rune
	start, end int32
}

// blockNames are code points that Character.getName names by their block
// and hex, having no name of their own.
type blockNames struct {
	lo, hi rune
	prefix string
}

var jNames = sync.OnceValue(func() *charNames { return parseNames(jNamesText) })

// parseNames reads the generated file; it is our own output, so a line
// that does not parse is a generator bug and panics (in tests first).
func parseNames(text string) *charNames {
	cn := &charNames{upper: map[rune]string{}}
	cn.byCode = make([]namedRune, 0, strings.Count(text, "\n"))
	// A name is mostly the one before it, so all are built in one buffer
	// from the bytes before.
	all := make([]byte, 0, 1<<20)
	var prev namedRune
	next := rune(0)
	for line := range strings.Lines(text) {
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "" || line[0] == '#':
		case strings.HasPrefix(line, "u "):
			f := strings.Fields(line)
			cn.upper[mustHex(f[1])] = f[2]
		case strings.HasPrefix(line, "b "):
			f := strings.SplitN(line, " ", 4)
			cn.blocks = append(cn.blocks, blockNames{mustHex(f[1]), mustHex(f[2]), f[3]})
		default:
			code, rest, ok1 := strings.Cut(line, "\t")
			keepText, suffix, ok2 := strings.Cut(rest, "\t")
			if !ok1 || !ok2 {
				panic("pattern: bad line in jnames.txt: " + line)
			}
			if code != "" {
				next = mustHex(code)
			}
			keep := int32(0)
			for _, d := range []byte(keepText) {
				keep = keep*10 + int32(d-'0')
			}
			start := int32(len(all))
			all = append(all, all[prev.start:prev.start+keep]...)
			all = append(all, suffix...)
			prev = namedRune{next, start, int32(len(all))}
			cn.byCode = append(cn.byCode, prev)
			next++
		}
	}
	cn.names = string(all)
	size := 1
	for size < 2*len(cn.byCode) {
		size <<= 1
	}
	cn.index = make([]int32, size)
	for i, e := range cn.byCode {
		h := nameHash(cn.names[e.start:e.end]) & uint32(size-1)
		for cn.index[h] != 0 {
			h = (h + 1) & uint32(size-1)
		}
		cn.index[h] = int32(i + 1)
	}
	return cn
}

// nameHash is FNV-1a.
func nameHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

func (cn *charNames) name(e namedRune) string { return cn.names[e.start:e.end] }

// lookup is the code point of a name of the table.
func (cn *charNames) lookup(name string) (rune, bool) {
	mask := uint32(len(cn.index) - 1)
	for h := nameHash(name) & mask; cn.index[h] != 0; h = (h + 1) & mask {
		if e := cn.byCode[cn.index[h]-1]; cn.name(e) == name {
			return e.r, true
		}
	}
	return 0, false
}

func mustHex(s string) rune {
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		panic("pattern: bad hex in jnames.txt: " + s)
	}
	return rune(v)
}

// javaCodePointOf is Character.codePointOf, which \N{name} calls: the
// name trimmed of controls and spaces, in upper case, is a name of the
// table or the block form of an unnamed assigned code point.
func javaCodePointOf(name string) (rune, bool) {
	cn := jNames()
	key, ok := cn.javaUpper(strings.Trim(name, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\v\f\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
	if !ok {
		return 0, false
	}
	if r, ok := cn.lookup(key); ok {
		return r, true
	}
	i := strings.LastIndexByte(key, ' ')
	if i < 0 || len(key)-i-1 > 6 {
		return 0, false
	}
	v, err := strconv.ParseUint(key[i+1:], 16, 32)
	if err != nil {
		return 0, false
	}
	r := rune(v)
	// getName writes the hex without leading zeros, in upper case.
	if strings.ToUpper(strconv.FormatUint(v, 16)) != key[i+1:] {
		return 0, false
	}
	b := sort.Search(len(cn.blocks), func(j int) bool { return cn.blocks[j].hi >= r })
	if b < len(cn.blocks) && cn.blocks[b].lo <= r && cn.blocks[b].prefix == key[:i] {
		return r, true
	}
	return 0, false
}

// javaUpper is String.toUpperCase(Locale.ROOT) for names: only a string
// whose upper case is ASCII can be a name, so ok is false for any other.
func (cn *charNames) javaUpper(s string) (string, bool) {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z':
			b.WriteByte(byte(c) - 'a' + 'A')
		case c < 0x80:
			b.WriteByte(byte(c))
		default:
			u, ok := cn.upper[c]
			if !ok {
				return "", false
			}
			b.WriteString(u)
		}
	}
	return b.String(), true
}

// JavaCharName is the name Java's Character.getName gives r, as \N{name}
// in a Java-dialect pattern accepts it, or "" for an unassigned or
// invalid code point.
func JavaCharName(r rune) string {
	cn := jNames()
	i := sort.Search(len(cn.byCode), func(j int) bool { return cn.byCode[j].r >= r })
	if i < len(cn.byCode) && cn.byCode[i].r == r {
		return cn.name(cn.byCode[i])
	}
	b := sort.Search(len(cn.blocks), func(j int) bool { return cn.blocks[j].hi >= r })
	if b < len(cn.blocks) && cn.blocks[b].lo <= r {
		return cn.blocks[b].prefix + " " + strings.ToUpper(strconv.FormatInt(int64(r), 16))
	}
	return ""
}
