//go:build !decodeonly

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runFile writes data to a file named name and runs the command on it.
func runFile(t *testing.T, name string, data []byte, args ...string) (int, string, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := Main(context.Background(), append(args, p), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// jsonLines checks that every line of out is one JSON object.
func jsonLines(t *testing.T, out string) int {
	t.Helper()
	n := 0
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" && out == "" {
			break
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q is not a JSON object: %v", l, err)
		}
		n++
	}
	return n
}

func exitOf(t *testing.T, code int, errs string) {
	t.Helper()
	if code != exitOK && code != exitInvalid && code != exitUsage {
		t.Fatalf("exit %d", code)
	}
	if code == exitUsage && errs == "" {
		t.Fatal("exit 2 with nothing on standard error")
	}
}

// FuzzValidateList: any bytes as a serial list give exit 0, 1 or 2 and one
// well-formed JSON line per serial line; the summary counts the same.
func FuzzValidateList(f *testing.F) {
	for _, s := range []string{"AC2000000001\n", "AC2000000001\r\nbad\n\n\xff\x00", strings.Repeat("x", 300) + "\nAC2000000002"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		args := []string{"validate", "--rules", javaRules, "--model", "acme_purifier", "--max-line", "64"}
		code, out, errs := runFile(t, "l.txt", data, append(args, "--format", "jsonl")...)
		exitOf(t, code, errs)
		n := jsonLines(t, out)
		want := bytes.Count(data, []byte("\n"))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			want++
		}
		if n != want {
			t.Fatalf("%d verdicts for %d lines", n, want)
		}
		code2, sum, errs2 := runFile(t, "l.txt", data, append(args, "--summary", "--format", "jsonl")...)
		exitOf(t, code2, errs2)
		var s struct{ Checked int }
		if err := json.Unmarshal([]byte(sum), &s); err != nil || s.Checked != n || code2 != code {
			t.Fatalf("summary %q (exit %d) after %d verdicts (exit %d)", sum, code2, n, code)
		}
	})
}

// FuzzValidateCSV: any bytes as a CSV file give exit 0, 1 or 2 and
// well-formed CSV output; a malformed file says where on standard error.
func FuzzValidateCSV(f *testing.F) {
	for _, s := range []string{"serial\nAC2000000001\n", "\ufeff\"serial\",id\nAC2000000001,1\n", "serial\n\"x\n", "a,b\n1,2\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		code, out, errs := runFile(t, "l.csv", data, "validate", "--rules", javaRules, "--model", "acme_purifier", "--format", "csv")
		exitOf(t, code, errs)
		if !strings.HasPrefix(out, "file,line,serial,model,ok,reason,code,pos\n") {
			t.Fatalf("no CSV header: %q", out)
		}
		if code == exitUsage && !strings.Contains(errs, "l.csv") {
			t.Fatalf("error does not name the file: %q", errs)
		}
	})
}

// FuzzRulesCheck: any bytes as a rules file give exit 0, 1 or 2; every
// error names the file with a line and column.
func FuzzRulesCheck(f *testing.F) {
	seed, _ := os.ReadFile(javaRules)
	f.Add(seed)
	f.Add([]byte("version: 1\nmanufacturers: []\n---\nx: 1\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		code, out, errs := runFile(t, "r.yaml", data, "rules", "check")
		exitOf(t, code, errs)
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "error: ") && !strings.Contains(l, "r.yaml:") {
				t.Fatalf("error without its place: %q", l)
			}
		}
	})
}
