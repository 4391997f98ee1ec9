//go:build !decodeonly

package main

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/serialgate/serialgate/internal/catalogue"
)

// catalogueModels is the size of the catalogue the budget holds for: a
// manufacturer catalogue of tens of thousands of models (issue 8).
const catalogueModels = 50000

// TestCatalogueMemoryBudget checks a generated catalogue of 50,000 models
// and a list of serials against all of it (which model, no --model) with
// the built command, and holds each run's peak resident memory to the
// budget. SERIALGATE_CATALOGUE=N sets another size, for measuring.
func TestCatalogueMemoryBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and a large catalogue")
	}
	n := catalogueModels
	if v := os.Getenv("SERIALGATE_CATALOGUE"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	bin := buildCommand(t, dir)
	ms := catalogue.Generate(n, 1)
	rulesFile := filepath.Join(dir, "catalogue.yaml")
	serialsFile := filepath.Join(dir, "serials.txt")
	writeFile(t, rulesFile, func(w *bufio.Writer) error { return catalogue.WriteRules(w, ms, 1) })
	rng := rand.New(rand.NewPCG(1, 2))
	writeFile(t, serialsFile, func(w *bufio.Writer) error {
		for range 20000 {
			w.WriteString(catalogue.Serial(ms, rng))
			w.WriteByte('\n')
		}
		return nil
	})
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // on standard output
	}{
		{"rules check", []string{"rules", "check", rulesFile}, exitOK, "which model: "},
		{"validate", []string{"validate", "--rules", rulesFile, serialsFile}, exitInvalid, ": ok "},
		{"validate summary", []string{"validate", "--summary", "--rules", rulesFile, serialsFile}, exitInvalid, "checked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, tc.args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			err := cmd.Run()
			if _, ok := err.(*exec.ExitError); err != nil && !ok {
				t.Fatal(err)
			}
			code := cmd.ProcessState.ExitCode()
			peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
			line := ""
			if i := strings.Index(stdout.String(), "which model:"); i >= 0 {
				line, _, _ = strings.Cut(stdout.String()[i:], "\n")
			}
			t.Logf("%d models: exit %d in %v, peak %d MB %s", n, code, time.Since(start).Round(time.Millisecond), peak>>20, line)
			if code != tc.code || !strings.Contains(stdout.String(), tc.want) {
				t.Errorf("exit %d, stderr %.300q; want %d and %q on standard output", code, stderr.String(), tc.code, tc.want)
			}
			if n <= catalogueModels && peak > memoryBudget {
				t.Errorf("peak %d MB, over the budget of %d MB for %d models", peak>>20, memoryBudget>>20, n)
			}
		})
	}
}

func writeFile(t *testing.T, name string, fill func(*bufio.Writer) error) {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	if err := fill(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}
