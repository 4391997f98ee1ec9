//go:build !decodeonly

package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/serialgate/serialgate/examples"
	"github.com/serialgate/serialgate/pattern"
	"github.com/serialgate/serialgate/rules"
	"github.com/serialgate/serialgate/validate"
)

// builtinRules names the sample rules file built into the binary, used when
// no --rules is given.
const builtinRules = "builtin:examples/rules.yaml"

// loadRules reads and compiles a rules file; an empty name is the built-in
// sample.
func loadRules(name string) (*rules.Set, *validate.Set, error) {
	var data []byte
	var err error
	if name == "" || name == builtinRules {
		name = builtinRules
		data, err = fs.ReadFile(examples.FS, "rules.yaml")
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read rules: %w", err)
	}
	rs, err := rules.Parse(name, data)
	if err != nil {
		return nil, nil, err
	}
	set, err := validate.Compile(rs, pattern.Options{})
	if err != nil {
		return rs, nil, err
	}
	return rs, set, nil
}

func runRules(e *env, args []string) int {
	if len(args) == 0 || args[0] != "check" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			fmt.Fprintln(e.stdout, "usage: serialgate rules check [flags] RULES.yaml")
			return exitOK
		}
		fmt.Fprintln(e.stderr, "usage: serialgate rules check [flags] RULES.yaml")
		return exitUsage
	}
	fl := newFlags(e, "rules check", "RULES.yaml",
		"Compiles every rule, runs its examples and prints per model the engine chosen\n"+
			"and any lint warning. Exits 1 when the file has errors, 2 when it cannot be read.")
	var files []string
	if code, ok := parse(fl, args[1:], &files); !ok {
		return code
	}
	if len(files) == 0 {
		files = []string{""}
	}
	code := exitOK
	for _, f := range files {
		_, set, err := loadRules(f)
		var pe *fs.PathError
		if errors.As(err, &pe) {
			// The file could not be read: a usage or I/O error, not a
			// finding about its rules.
			fmt.Fprintln(e.stderr, "serialgate rules check:", err)
			code = exitUsage
			continue
		}
		if err != nil {
			for _, line := range splitErrors(err) {
				fmt.Fprintln(e.stdout, "error:", line)
			}
			if code == exitOK {
				code = exitInvalid
			}
			continue
		}
		for _, m := range set.Models {
			r := m.Pattern
			extra := ""
			if r.Engine == pattern.EngineDFA {
				extra = fmt.Sprintf(", %d states", r.States())
			}
			fmt.Fprintf(e.stdout, "%s:%d: %s: %s (%s%s), %d example(s) ok\n", m.Pos.File, m.Pos.Line, m.Model.Model, r.Engine, r.Dialect, extra, len(m.Valid)+len(m.Invalid))
			for _, w := range r.Lint() {
				fmt.Fprintf(e.stdout, "%s:%d:%d: warning: %s: %s\n", m.Pos.File, m.Serial.RegexPos.Line, m.Serial.RegexPos.Col, m.Model.Model, w)
			}
		}
		u := set.Union()
		fmt.Fprintf(e.stdout, "which model: %d rule(s) filed under %d serial prefix(es), %d by first character; %d combined automata (%d states); %d rule(s) run alone on their own automata, %d by backtracking\n",
			u.Keyed, u.Prefixes, u.Broad, u.Groups, u.GroupState, u.Alone, u.Slow)
		fmt.Fprintf(e.stdout, "%d model(s) ok\n", len(set.Models))
	}
	return code
}

func splitErrors(err error) []string {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, splitErrors(e)...)
		}
		return out
	}
	return []string{err.Error()}
}
