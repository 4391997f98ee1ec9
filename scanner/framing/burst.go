package framing

import (
	"time"
	"unicode/utf8"
)

// Key is one character a keyboard-wedge scanner (or a person) typed, with
// when it arrived. Enter marks the key that ends a scan.
type Key struct {
	Time  time.Time
	Rune  rune
	Enter bool
}

// Burst tells a scanner's burst of keys from a person typing by the time
// between keys: a scanner types a whole serial in a few milliseconds, a
// person takes a tenth of a second or more per key. Its zero value uses
// the defaults.
type Burst struct {
	// MaxGap is the longest pause between two keys of one scan; zero
	// means 40 ms.
	MaxGap time.Duration
	// MinLen is the fewest characters a scan has; zero means 3.
	MinLen int

	buf    []rune
	last   time.Time
	typing bool // within a sequence already counted as typed
	Typed  int  // key sequences dropped as typed by a person
}

func (b *Burst) maxGap() time.Duration {
	if b.MaxGap <= 0 {
		return 40 * time.Millisecond
	}
	return b.MaxGap
}

// Key takes one key and returns a scan's text when the key completes one.
func (b *Burst) Key(k Key) (text string, ok bool) {
	if len(b.buf) > 0 && k.Time.Sub(b.last) > b.maxGap() {
		// Too slow to be one scan: what came before was typed.
		if !b.typing {
			b.Typed++
			b.typing = true
		}
		b.buf = b.buf[:0]
	}
	b.last = k.Time
	if !k.Enter {
		b.buf = append(b.buf, k.Rune)
		return "", false
	}
	min := b.MinLen
	if min <= 0 {
		min = 3
	}
	defer func() { b.buf, b.typing = b.buf[:0], false }()
	if len(b.buf) < min {
		if len(b.buf) > 0 && !b.typing {
			b.Typed++
		}
		return "", false
	}
	return string(b.buf), true
}

// Bytes feeds bytes that arrived together at time t, as a terminal in raw
// mode delivers them, and returns the scans they complete. CR or LF is
// Enter.
func (b *Burst) Bytes(t time.Time, p []byte) []string {
	var out []string
	for len(p) > 0 {
		r, n := utf8.DecodeRune(p)
		p = p[n:]
		if text, ok := b.Key(Key{Time: t, Rune: r, Enter: r == '\r' || r == '\n'}); ok {
			out = append(out, text)
		}
	}
	return out
}
