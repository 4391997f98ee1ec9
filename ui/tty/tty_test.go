package tty_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/serialgate/serialgate/station"
	"github.com/serialgate/serialgate/ui/tty"
)

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"AC2000000001", "AC2000000001"},
		{"\x1b]0;pwned\a", `\x1b]0;pwned\x07`},
		{"\x1b[2J", `\x1b[2J`},
		{"a\r\nb\tc\x00", `a\x0d\x0ab\x09c\x00`},
		{"\u009b31m", `\u009b31m`},       // C1 CSI
		{"abc\u202edef", `abc\u202edef`}, // right-to-left override
		{"\xff\xfe", `\xff\xfe`},         // not UTF-8
		{`a\x1b`, `a\\x1b`},              // a literal backslash cannot fake an escape
		{"Größe ✓ 日本", "Größe ✓ 日本"},
		{"\x7f", `\x7f`},
	} {
		if got := tty.Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// result is a verdict as the station sends it.
func result(verdict, serial, reason string, ok bool) station.Result {
	return station.Result{Time: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Station: "bench-1", Serial: serial,
		Verdict: verdict, OK: ok, Reason: reason, Next: "pull the box and check its label"}
}

func TestDraw(t *testing.T) {
	var out bytes.Buffer
	s := &tty.Screen{Out: &out, Width: 60, Height: 20}
	s.Show(station.Snapshot{Station: "bench-1", Model: "ACME_PURIFIER_200", Counts: station.Counts{Scans: 4, Pass: 3, Fail: 1}})
	if got := out.String(); !strings.Contains(got, "READY") || !strings.Contains(got, "scans 4  pass 3  fail 1") || strings.Contains(got, "\a") {
		t.Errorf("empty screen:\n%s", got)
	}
	out.Reset()
	s.Result(result("pass", "AC2000000001", "", true))
	if got := out.String(); !strings.Contains(got, "PASS") || !strings.Contains(got, "AC2000000001") || strings.Contains(got, "\a") || strings.Contains(got, "\x1b[1;") {
		t.Errorf("pass:\n%q", got)
	}
	out.Reset()
	s.Color = true
	s.Result(result("duplicate", "AC2000000001", "duplicate: serial already recorded", false))
	got := out.String()
	if !strings.Contains(got, "DUPLICATE") || !strings.Contains(got, "\a") || !strings.Contains(got, "\x1b[1;43;30m") || !strings.Contains(got, "scans 6  pass 4  fail 2  duplicate 1") {
		t.Errorf("duplicate:\n%q", got)
	}
	for _, l := range strings.Split(got, "\r\n") {
		if n := len([]rune(stripSGR(l))); n > 60 {
			t.Errorf("line of %d columns: %q", n, l)
		}
	}
	if n := strings.Count(got, "\r\n") + 1; n > 20 {
		t.Errorf("%d lines on a 20-line screen", n)
	}
}

func stripSGR(s string) string {
	for {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			return strings.TrimRight(s, "\a")
		}
		j := strings.IndexAny(s[i+2:], "mHJ")
		if j < 0 {
			return s
		}
		s = s[:i] + s[i+2+j+1:]
	}
}

// TestPTY draws on a real pseudo-terminal a serial that tries to set the
// window title and clear the screen: the terminal receives it escaped.
func TestPTY(t *testing.T) {
	ptmx, term, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	defer term.Close()
	pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80})
	// The reader keeps what the terminal shows until the end marker.
	got := make(chan string, 1)
	go func() {
		var out bytes.Buffer
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			out.Write(buf[:n])
			if bytes.Contains(out.Bytes(), []byte("END-OF-TEST")) || err != nil {
				got <- out.String()
				return
			}
		}
	}()
	ws, err := pty.GetsizeFull(term)
	if err != nil {
		t.Fatal(err)
	}
	s := &tty.Screen{Out: term, Width: int(ws.Cols), Height: int(ws.Rows), Color: true}
	evil := "\x1b]0;pwned\a\x1b[2JAC2"
	if err := s.Show(station.Snapshot{Station: "bench-1", Model: "ACME"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Result(result("fail", evil, "unexpected character \x1b[31m", false)); err != nil {
		t.Fatal(err)
	}
	io.WriteString(term, "\r\nEND-OF-TEST\r\n")
	var out string
	select {
	case out = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the terminal did not receive the screen")
	}
	if strings.Contains(out, "\x1b]0;") || strings.Contains(out, "\x1b[2J") || strings.Contains(out, "\x1b[31m") {
		t.Errorf("the terminal received the barcode's escape sequence:\n%q", out)
	}
	if !strings.Contains(out, `\x1b]0;pwned\x07\x1b[2JAC2`) || !strings.Contains(out, `character \x1b[31m`) {
		t.Errorf("the barcode is not shown escaped:\n%q", out)
	}
	if !strings.Contains(out, "FAIL") || !strings.Contains(out, "\a") || !strings.Contains(out, "\x1b[1;41;97m") {
		t.Errorf("no red FAIL banner with a bell:\n%q", out)
	}
}
