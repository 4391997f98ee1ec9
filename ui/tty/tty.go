// Package tty draws the station's operator screen on a terminal: a
// full-screen verdict banner, the counts and the last scans. Barcode text is
// data: control characters and escape sequences in it are shown escaped
// (\x1b), never sent to the terminal.
package tty

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/serialgate/serialgate/station"
)

// Screen draws on a terminal. The zero Width and Height mean 80×24.
type Screen struct {
	Out           io.Writer
	Width, Height int
	// Color draws the banner in colour (and the verdict word stays, for
	// monochrome terminals and colour-blind operators).
	Color bool

	mu   sync.Mutex
	snap station.Snapshot
	last *station.Result
}

// Show draws a station's state: its last result, counts and recent scans.
func (s *Screen) Show(st station.Snapshot) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.snap = st
	s.snap.Recent = append([]station.Result(nil), st.Recent...)
	s.last = nil
	if n := len(st.Recent); n > 0 {
		r := st.Recent[n-1]
		s.last = &r
	}
	return s.draw(false)
}

// Result adds one result and draws it, ringing the bell when it is not a
// pass.
func (s *Screen) Result(r station.Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.snap.Recent = append(s.snap.Recent, r)
	if n := len(s.snap.Recent); n > 50 {
		s.snap.Recent = s.snap.Recent[n-50:]
	}
	if r.Verdict != "model" && r.Verdict != "order" && r.Verdict != "store_failed" {
		c := &s.snap.Counts
		c.Scans++
		switch {
		case r.OK:
			c.Pass++
		case r.Verdict == "duplicate":
			c.Duplicate++
			c.Fail++
		default:
			c.Fail++
		}
	}
	if r.Verdict == "model" {
		s.snap.Model = r.Model
	}
	if r.Order != nil {
		o := *r.Order
		s.snap.Order = &o
	}
	s.last = &r
	return s.draw(!r.OK)
}

// look is a verdict's word, mark and colour (SGR background;foreground).
type look struct{ word, mark, sgr string }

func lookOf(r *station.Result) look {
	if r == nil {
		return look{"READY", "[ ]", "44;97"}
	}
	switch r.Verdict {
	case "pass":
		return look{"PASS", "(OK)", "42;30"}
	case "duplicate":
		return look{"DUPLICATE", "[=]", "43;30"}
	case "wrong_model":
		return look{"WRONG MODEL", "/!\\", "45;30"}
	case "unknown":
		return look{"UNKNOWN", "<?>", "47;30"}
	case "no_order":
		return look{"NO ORDER", "<?>", "47;30"}
	case "over_scanned":
		return look{"OVER-SCANNED", "<X>", "41;97"}
	case "store_failed":
		return look{"NOT RECORDED", "<X>", "41;97"}
	case "model":
		return look{"MODEL SET", "[i]", "44;97"}
	case "order":
		return look{"ORDER", "[i]", "44;97"}
	}
	if r.OK {
		return look{"PASS", "(OK)", "42;30"}
	}
	return look{"FAIL", "<X>", "41;97"}
}

func (s *Screen) draw(bell bool) error {
	w, h := s.Width, s.Height
	if w <= 0 {
		w = 80
	}
	if h <= 0 {
		h = 24
	}
	if w < 20 {
		w = 20
	}
	b := bufio.NewWriter(s.Out)
	// Home, clear to the end of the screen: the frame is redrawn whole.
	b.WriteString("\x1b[H\x1b[J")
	lines := 0
	line := func(text string) {
		if lines >= h {
			return
		}
		if lines > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString(fit(text, w))
		lines++
	}
	// The banner: a block of rows in the verdict's colour, word and mark.
	lk := lookOf(s.last)
	banner := []string{"", "  " + lk.mark + "  " + lk.word, ""}
	if r := s.last; r != nil {
		banner = append(banner, "  "+Escape(r.Serial))
		if r.Reason != "" {
			banner = append(banner, "  "+Escape(r.Reason))
		}
		if r.Next != "" {
			banner = append(banner, "  -> "+Escape(r.Next))
		}
		banner = append(banner, "")
	} else {
		banner = append(banner, "  scan a box", "")
	}
	for _, text := range banner {
		if lines >= h {
			break
		}
		if lines > 0 {
			b.WriteString("\r\n")
		}
		t := fit(text, w)
		t += strings.Repeat(" ", w-utf8.RuneCountInString(t))
		if s.Color {
			b.WriteString("\x1b[1;" + lk.sgr + "m" + t + "\x1b[0m")
		} else {
			b.WriteString(t)
		}
		lines++
	}
	target := "model " + Escape(s.snap.Model)
	if o := s.snap.Order; o != nil {
		target = fmt.Sprintf("order %s (%s) %d/%d", Escape(o.ID), Escape(o.ASIN), o.Scanned, o.Quantity)
	} else if s.snap.Model == "" {
		target = "no model: scan a model, ASIN or GTIN"
	}
	line(fmt.Sprintf("%s  %s", Escape(s.snap.Station), target))
	c := s.snap.Counts
	line(fmt.Sprintf("scans %d  pass %d  fail %d  duplicate %d", c.Scans, c.Pass, c.Fail, c.Duplicate))
	line(strings.Repeat("-", w))
	for i := len(s.snap.Recent) - 1; i >= 0 && lines < h; i-- {
		r := s.snap.Recent[i]
		l := lookOf(&r)
		line(fmt.Sprintf("%s  %-12s %s  %s", r.Time.Local().Format("15:04:05"), l.word, Escape(r.Serial), Escape(r.Reason)))
	}
	if bell {
		b.WriteByte('\a')
	}
	return b.Flush()
}

// fit cuts text to n columns (one per rune: the escaped text is printable).
func fit(text string, n int) string {
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	r := []rune(text)
	return string(r[:n-1]) + "…"
}

// Escape makes text safe to print on a terminal: control characters (C0,
// DEL and C1), invalid UTF-8 and the invisible formatting characters that
// reorder or hide text are written as Go escapes (\x1b, \u202e); a
// backslash is doubled so that escapes cannot be faked.
func Escape(text string) string {
	var b strings.Builder
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, text[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f, unicode.Is(unicode.Cf, r), r == 0x2028, r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}
