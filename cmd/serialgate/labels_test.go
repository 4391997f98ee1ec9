//go:build !decodeonly

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLabelsInspect(t *testing.T) {
	dir := "../../testdata/labels"
	code, out, errs := run(t, "", "labels", "inspect", "--format", "jsonl", filepath.Join(dir, "gs1_logistic.zpl"))
	if code != exitOK || errs != "" {
		t.Fatalf("code %d, stderr %q", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines:\n%s", len(lines), out)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[2]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["symbology"] != "CODE_128" || rec["value"] != "01140123456789081726123110ABC-123\x1d21SN000042" ||
		rec["label"] != 1.0 || rec["copy"] != 1.0 || rec["field"] != "3" || rec["x"] != 30.0 || rec["y"] != 250.0 {
		t.Errorf("record %v", rec)
	}
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil || rec["kind"] != "text" {
		t.Errorf("first record %v, want a text field", rec)
	}

	// Text output shows control bytes escaped, never raw.
	code, out, _ = run(t, "", "labels", "inspect", filepath.Join(dir, "fh_escapes.zpl"))
	if code != exitOK {
		t.Fatalf("code %d", code)
	}
	if strings.ContainsAny(out, "\r\x1d\x1b") || !strings.Contains(out, `"Line\r\nEnd~"`) {
		t.Errorf("text output:\n%q", out)
	}

	// A file with a bad label: the good labels print, the fault goes to
	// stderr with its offset and label, and the exit code says so.
	code, out, errs = run(t, "", "labels", "inspect", filepath.Join(dir, "stored_format.zpl"))
	if code != exitUsage || !strings.Contains(errs, "label 3") || !strings.Contains(errs, "offset") ||
		!strings.Contains(out, "label 4 copy 2 field FN2: CODE_128 X200-00100") {
		t.Errorf("code %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}

	// A file name with an escape code is quoted.
	bad := filepath.Join(t.TempDir(), "a\x1b[2Jb.zpl")
	if err := os.WriteFile(bad, []byte("^XA^FDx^FS^XZ"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, out, _ = run(t, "", "labels", "inspect", bad)
	if strings.Contains(out, "\x1b") {
		t.Errorf("raw escape in %q", out)
	}

	if code, _, _ := run(t, "", "labels", "print"); code != exitUsage {
		t.Errorf("unknown subcommand: code %d", code)
	}
}
