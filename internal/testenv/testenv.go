// Package testenv lets tests ask for the tools and data they need: a test
// whose tool is missing skips on a developer's machine and fails under CI
// (CI=true), where the install script must have put it there.
package testenv

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// FreeAddr returns a loopback address with a port nobody listens on, for
// a server the test starts next.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// StartServer starts a server process, waits until it accepts connections
// at addr, and kills it when the test ends. Its output is shown when it
// exits or never listens.
func StartServer(t testing.TB, addr string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-exited:
			t.Fatalf("%s exited: %s", filepath.Base(name), out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not listen at %s: %s", filepath.Base(name), addr, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Eventually polls cond until it holds, failing the test after timeout:
// for what another process does in its own time.
func Eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
