package javadiff

import (
	"bufio"
	"strings"
	"testing"
)

// TestProtocol checks the oracle's input and output formats without a
// JVM: every character survives the hex encoding, and answers are read
// back per rule.
func TestProtocol(t *testing.T) {
	var in strings.Builder
	w := bufio.NewWriter(&in)
	writeItem(w, 'R', "a\r\n\x00ſ😀")
	writeItem(w, 'S', strings.Repeat("é", 600))
	w.Flush()
	lines := strings.Split(strings.TrimSuffix(in.String(), "\n"), "\n")
	if len(lines) != 2 || lines[0] != "R 610d0a00c5bff09f9880" || len(lines[1]) != 2+4*600 {
		t.Fatalf("encoded %q", in.String())
	}

	cases := []Case{{Rule: "a+", Strings: []string{"a", "b"}}, {Rule: "(", Strings: []string{"x"}}, {Rule: "b"}}
	out := "C\n10\nE " + "556e636c6f7365642067726f7570" + "\n\nC\n\n"
	res, err := readResults(strings.NewReader(out), cases)
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Compiled || string(res[0].Verdicts) != "10" || res[1].Compiled || res[1].Err != "Unclosed group" || !res[2].Compiled {
		t.Errorf("read %+v", res)
	}
	for _, bad := range []string{"C\n1\n", "X\n\n", "E zz\n\n"} {
		if _, err := readResults(strings.NewReader(bad), cases[:1]); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if _, err := readResults(strings.NewReader("C\n10\n"), cases[:2]); err == nil {
		t.Error("a missing answer read without error")
	}
}

// TestGenerate checks that a seed gives the same cases every time, and the
// number asked for.
func TestGenerate(t *testing.T) {
	a, b := Generate(3, 20, 50), Generate(3, 20, 50)
	if len(a) != 20 {
		t.Fatalf("%d rules", len(a))
	}
	for i := range a {
		if a[i].Rule != b[i].Rule || strings.Join(a[i].Strings, "\x00") != strings.Join(b[i].Strings, "\x00") {
			t.Fatalf("rule %d differs between runs of one seed", i)
		}
		if len(a[i].Strings) == 0 || len(a[i].Strings) > 50 {
			t.Errorf("rule %d: %d strings", i, len(a[i].Strings))
		}
	}
}
