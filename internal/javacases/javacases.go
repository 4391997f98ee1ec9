// Package javacases loads, for tests, the Java-dialect rules in the
// repository's testdata/rules with the 6,000 verdicts java.util.regex gave
// on them (Matcher.matches(), OpenJDK 17).
package javacases

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/serialgate/serialgate/rules"
)

// Case is one serial with the verdict Java gave for its model's rule.
type Case struct {
	Model, Serial string
	Want          bool
	Line          int // line in java-dev-cases.tsv
}

// Dir is the folder holding java-dev.yaml and java-dev-cases.tsv.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "rules")
}

// Load reads the rules and their cases, failing t on any problem.
func Load(t testing.TB) (*rules.Set, []Case) {
	t.Helper()
	set, err := rules.Load(os.DirFS(Dir()), "java-dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(Dir(), "java-dev-cases.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []Case
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.HasPrefix(text, "#") || text == "" {
			continue
		}
		parts := strings.Split(text, "\t")
		if len(parts) != 3 {
			t.Fatalf("cases line %d: want 3 fields, got %d", line, len(parts))
		}
		var serial string
		if err := json.Unmarshal([]byte(parts[1]), &serial); err != nil {
			t.Fatalf("cases line %d: %v", line, err)
		}
		cases = append(cases, Case{parts[0], serial, parts[2] == "true", line})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(cases) != 6000 {
		t.Fatalf("read %d cases, want 6000", len(cases))
	}
	return set, cases
}
