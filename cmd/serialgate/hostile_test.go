//go:build !decodeonly

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSummaryFormats: --summary writes the counts as a document of the
// output format, nothing else on standard output.
func TestSummaryFormats(t *testing.T) {
	list := write(t, "l.txt", "AC2000000001\nbad\n")
	for _, format := range []string{"jsonl", "csv", "junit", "text"} {
		code, out, _ := run(t, "", "validate", "--summary", "--format", format, "--rules", javaRules, "--model", "acme_purifier", list)
		if code != 1 {
			t.Errorf("%s: exit %d", format, code)
		}
		switch format {
		case "jsonl":
			var s struct{ Checked, Valid, Invalid int }
			if err := json.Unmarshal([]byte(out), &s); err != nil || s.Checked != 2 || s.Invalid != 1 {
				t.Errorf("jsonl: %q %v", out, err)
			}
		case "junit":
			var doc struct {
				Tests    int `xml:"tests,attr"`
				Failures int `xml:"failures,attr"`
			}
			if err := xml.Unmarshal([]byte(out), &doc); err != nil || doc.Tests != 2 || doc.Failures != 1 {
				t.Errorf("junit: %q %v", out, err)
			}
		case "csv":
			if out != "checked,valid,invalid\n2,1,1\n" {
				t.Errorf("csv: %q", out)
			}
		case "text":
			if out != "2 checked, 1 valid, 1 invalid\n" {
				t.Errorf("text: %q", out)
			}
		}
	}
}

// TestLongLine: a line longer than --max-line is one rejected serial and
// the lines after it are checked; counted the same with --summary.
func TestLongLine(t *testing.T) {
	list := write(t, "l.txt", "AC2000000001\n"+strings.Repeat("7", 300000)+"\nAC2000000002\n")
	code, out, _ := run(t, "", "validate", "--max-line", "1000", "--format", "jsonl", "--rules", javaRules, "--model", "acme_purifier", list)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 1 || len(lines) != 3 || !strings.Contains(lines[1], `"line":2`) || !strings.Contains(lines[1], `"code":"too_long"`) ||
		!strings.Contains(lines[1], "300000 bytes") || !strings.Contains(lines[2], `"ok":true`) {
		t.Errorf("exit %d: %q", code, out)
	}
	code, out, _ = run(t, "", "validate", "--summary", "--max-line", "1000", "--rules", javaRules, "--model", "acme_purifier", list)
	if code != 1 || out != "3 checked, 2 valid, 1 invalid\n" {
		t.Errorf("summary: exit %d: %q", code, out)
	}
}

// TestArgsAfterDashDash: every name after -- is an input, however it starts.
func TestArgsAfterDashDash(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"-a.txt", "-b.txt"} {
		os.WriteFile(filepath.Join(dir, n), []byte("AC2000000001\n"), 0o644)
	}
	rulesFile, err := filepath.Abs(javaRules)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	code, out, errs := run(t, "", "validate", "--rules", rulesFile, "--model", "acme_purifier", "--", "-a.txt", "-b.txt")
	if code != 0 || !strings.Contains(out, "-a.txt:1: ok") || !strings.Contains(out, "-b.txt:1: ok") {
		t.Errorf("exit %d: %q %q", code, out, errs)
	}
}

// TestMessages: the errors a new user meets say what and where, on
// standard error, with exit 2.
func TestMessages(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"rules", "check", filepath.Join(dir, "nosuch.yaml")}, "nosuch.yaml: no such file", 2},
		{[]string{"decode", dir}, "is a directory", 2},
		{[]string{"validate", "--rules", javaRules, dir}, "is a directory", 2},
		{[]string{"scan", "--source", "sim:x?rate=NaN"}, "rate", 2},
		{[]string{"scan", "--source", "replay:x?speed=1e-300"}, "speed", 2},
	} {
		code, out, errs := run(t, "", tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) || out != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %d and %q", tc.args, code, out, errs, tc.code, tc.want)
		}
	}
	// An empty input is said to be empty.
	for _, in := range []string{write(t, "empty.txt", ""), write(t, "h.csv", "serial\n")} {
		code, out, errs := run(t, "", "validate", "--rules", javaRules, in)
		if code != 0 || out != "" || !strings.Contains(errs, "0 serials") {
			t.Errorf("%s: exit %d %q %q", in, code, out, errs)
		}
	}
}

// TestCaptureKeepsOldFile: a bad --source or a source that is not recorded
// leaves an existing capture as it was.
func TestCaptureKeepsOldFile(t *testing.T) {
	old := write(t, "old.capture.jsonl", "precious\n")
	sim := write(t, "sim.txt", "A\n")
	for _, src := range []string{"serail:/dev/ttyACM0", "sim:" + sim, "serial:/dev/x?baud=fast"} {
		code, _, errs := run(t, "", "capture", "--source", src, "--out", old)
		if b, _ := os.ReadFile(old); code != 2 || string(b) != "precious\n" || errs == "" {
			t.Errorf("%s: exit %d, %q, file now %q", src, code, errs, b)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(old), ".old*")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

// TestInterrupt: the end of the context stops a read that would never
// end: a FIFO nobody writes to, and /dev/zero (one endless line).
func TestInterrupt(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"validate", "--rules", javaRules, fifo},
		{"validate", "--rules", javaRules, "/dev/zero"},
		{"validate", "--summary", "--rules", javaRules, "/dev/zero"},
		{"validate", "--summary", "--rules", javaRules, "--model", "acme_purifier", "/dev/zero"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int, 1)
		var out, errb bytes.Buffer
		go func() { done <- Main(ctx, args, strings.NewReader(""), &out, &errb) }()
		time.AfterFunc(200*time.Millisecond, cancel)
		select {
		case code := <-done:
			if code != exitUsage || !strings.Contains(errb.String(), "interrupted") {
				t.Errorf("%v: exit %d, %q", args, code, errb.String())
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%v: still running 20 s after the context ended", args)
		}
		cancel()
	}
}

// TestSIGTERM: the built command stops on SIGTERM while it waits for a
// FIFO's writer.
func TestSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin := buildCommand(t, t.TempDir())
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "validate", fifo)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFIFOOpen(t, cmd.Process.Pid)
	start := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		if code := cmd.ProcessState.ExitCode(); code != exitUsage || !strings.Contains(errb.String(), "interrupted") {
			t.Errorf("exit %d after %v, %q", code, time.Since(start), errb.String())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("still running 10 s after SIGTERM")
	}
}

// TestDecodeSIGTERM: a decode of several files stops on SIGTERM while it
// waits for a FIFO's writer, having printed the files before it; a decode
// of one file, which sets no relay up, is ended by the signal at once.
func TestDecodeSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	dir := t.TempDir()
	bin := buildCommand(t, dir)
	label := writeLabel(t, "AC2000000001")
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, files := range [][]string{{label, fifo}, {fifo}} {
		cmd := exec.Command(bin, append([]string{"decode"}, files...)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitFIFOOpen(t, cmd.Process.Pid)
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%d files: still running 10 s after SIGTERM", len(files))
		}
		st := cmd.ProcessState
		if len(files) > 1 {
			if st.ExitCode() != exitUsage || !strings.Contains(out.String(), "label.png: CODE_128 ]C0 AC2000000001") {
				t.Errorf("%d files: exit %d, output %q, %q", len(files), st.ExitCode(), out.String(), errb.String())
			}
		} else if ws, ok := st.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
			t.Errorf("one file: %v, want ended by SIGTERM", st)
		}
	}
}

// waitFIFOOpen waits until process pid is blocked opening a FIFO (its
// signal handlers are in place by then), as the kernel's wchan of one of
// its threads tells; where wchan says nothing, it waits two seconds.
func waitFIFOOpen(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/wchan", pid))
		for _, w := range tasks {
			if b, err := os.ReadFile(w); err == nil && (strings.Contains(string(b), "fifo") || strings.Contains(string(b), "wait_for_partner")) {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Log("wchan never showed the FIFO open; going on anyway")
}
