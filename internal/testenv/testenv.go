// Package testenv lets tests ask for the tools and data they need: a test
// whose tool is missing skips on a developer's machine and fails under CI
// (CI=true), where the install script must have put it there.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// CI tells whether the tests run under CI, where nothing may skip for a
// missing tool.
func CI() bool { return os.Getenv("CI") == "true" }

// Missing skips t, or fails it under CI, saying what is missing and which
// Debian package brings it.
func Missing(t testing.TB, what, pkg string) {
	t.Helper()
	if CI() {
		t.Fatalf("%s is missing (Debian package %s): under CI=true no test skips for a missing tool", what, pkg)
	}
	t.Skipf("%s is missing (install the Debian package %s)", what, pkg)
}

// Tool returns the path of an installed program, or skips (fails under CI)
// when it is not installed.
func Tool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name, pkg)
	}
	return p
}
