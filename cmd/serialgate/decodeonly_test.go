//go:build !decodeonly

package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestDecodeOnlyBuild builds the decode-only binary (-tags decodeonly), the
// one to call once per image: it reads what the full command reads, to the
// byte but for the time taken, offers only decode and version, and leaves
// out the station's packages.
func TestDecodeOnlyBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := buildCommand(t, t.TempDir(), "decodeonly")
	files := []string{writeLabel(t, "AC2000000001"), "../../testdata/barcodes/aztec-1/Z1-sequence4of7.png", "missing.png"}
	args := append([]string{"decode", "--format", "jsonl"}, files...)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(stderr.String(), "missing.png") {
		t.Fatalf("decode-only: %v, stderr %q", err, stderr.String())
	}
	code, want, _ := run(t, "", args...)
	if code != 2 {
		t.Fatalf("full build: exit %d", code)
	}
	// The records without their times.
	records := func(out string) []map[string]any {
		var recs []map[string]any
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("%v: %q", err, line)
			}
			delete(rec, "ms")
			recs = append(recs, rec)
		}
		return recs
	}
	got, exp := records(stdout.String()), records(want)
	gj, _ := json.Marshal(got)
	ej, _ := json.Marshal(exp)
	if len(got) != 3 || !bytes.Equal(gj, ej) {
		t.Fatalf("decode-only build read\n%s\nthe full build\n%s", gj, ej)
	}
	if !strings.Contains(string(gj), "AC2000000001") || !strings.Contains(string(gj), `"count":7`) {
		t.Fatalf("codes missing: %s", gj)
	}
	help, _ := exec.Command(bin, "help").CombinedOutput()
	if !strings.Contains(string(help), "decode") || strings.Contains(string(help), "station") {
		t.Fatalf("help of the decode-only build:\n%s", help)
	}
	if out, err := exec.Command(bin, "validate", "x.txt").CombinedOutput(); err == nil || !strings.Contains(string(out), `unknown command "validate"`) {
		t.Fatalf("validate in the decode-only build: %v %s", err, out)
	}
	// A one-image process does not watch GOMAXPROCS (debug_decodeonly.go);
	// the full build, a station's, does.
	for b, want := range map[string]bool{bin: true, buildCommand(t, t.TempDir()): false} {
		info, err := exec.Command("go", "version", "-m", b).Output()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(info), "DefaultGODEBUG=updatemaxprocs=0"); got != want {
			t.Errorf("%s: updatemaxprocs=0 %v, want %v:\n%s", b, got, want, info)
		}
	}
	deps, err := exec.Command("go", "list", "-tags", "decodeonly", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, heavy := range []string{"modernc.org/sqlite", "github.com/jackc/pgx/v5", "net/http", "html/template", "go.yaml.in/yaml/v3"} {
		if strings.Contains("\n"+string(deps), "\n"+heavy+"\n") {
			t.Errorf("the decode-only build links %s", heavy)
		}
	}
}
