package validate

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dlclark/regexp2"

	"github.com/serialgate/serialgate/rules"
)

const sharedRules = "../../shared/testdata/rules"

type javaCase struct {
	model, serial string
	want          bool
	line          int
}

func loadJavaCases(t testing.TB) (*rules.Set, []javaCase) {
	t.Helper()
	set, err := rules.Load(os.DirFS(sharedRules), "java-dev.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(sharedRules, "java-dev-cases.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []javaCase
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
		cases = append(cases, javaCase{parts[0], serial, parts[2] == "true", line})
	}
	if len(cases) != 6000 {
		t.Fatalf("read %d cases, want 6000", len(cases))
	}
	return set, cases
}

// TestJavaVerdicts checks every serial whose verdict java.util.regex
// computed, on the compiled rule and on its regexp2 translation.
func TestJavaVerdicts(t *testing.T) {
	set, cases := loadJavaCases(t)
	compiled := map[string]*Rule{}
	translated := map[string]*regexp2.Regexp{}
	for _, m := range set.Models() {
		r, err := CompileRule(m.Serial.Regex, m.Serial.Dialect, Options{})
		if err != nil {
			t.Fatalf("%s: %v", m.Model, err)
		}
		compiled[m.Model] = r
		translated[m.Model] = regexp2.MustCompile(r.netRE, regexp2.None)
		t.Logf("%-18s %-8s %5d states  %s", m.Model, r.Engine, r.States(), m.Serial.Regex)
	}
	bad := 0
	for _, c := range cases {
		r := compiled[c.model]
		if r == nil {
			t.Fatalf("line %d: unknown model %q", c.line, c.model)
		}
		got, timedOut := r.Match(c.serial)
		if timedOut || got != c.want {
			bad++
			if bad < 30 {
				t.Errorf("line %d: %s %q (%s): got %v, java says %v", c.line, c.model, c.serial, r.Pattern, got, c.want)
			}
		}
		got2, err := translated[c.model].MatchString(c.serial)
		if err != nil || got2 != c.want {
			bad++
			if bad < 30 {
				t.Errorf("line %d: regexp2 translation of %s %q: got %v, java says %v", c.line, c.model, c.serial, got2, c.want)
			}
		}
		if ok, reason := r.Explain(c.serial); ok != c.want || (!ok && reason == "") {
			t.Errorf("line %d: Explain(%q) = %v, %q", c.line, c.serial, ok, reason)
		}
	}
	if bad > 0 {
		t.Errorf("%d disagreements with java.util.regex", bad)
	}
}
