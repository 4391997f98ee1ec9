//go:build !decodeonly

package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// memoryBudget is the most one command may hold on any single input,
// however hostile (issue 8): peak resident memory of the process.
const memoryBudget = 512 << 20

// pngHeader writes a PNG whose header claims w×h pixels and whose data is
// a few bytes: a decompression bomb's first move.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		c := append([]byte(typ), data...)
		b.Write(c)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(c))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit gray
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

// TestMemoryBudget runs the built command on hostile inputs and checks
// that each answers (an error or verdicts, never a crash) with its peak
// resident memory under the budget.
func TestMemoryBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and writes large files")
	}
	dir := t.TempDir()
	bin := buildCommand(t, dir)
	file := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A 300 MB serial list without one newline.
	long := filepath.Join(dir, "long.txt")
	f, err := os.Create(long)
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("A"), 1<<20)
	for range 300 {
		f.Write(chunk)
	}
	f.Close()
	// A YAML alias bomb: each level doubles the nodes an expansion visits.
	var bomb strings.Builder
	bomb.WriteString("a0: &a0 [x, x]\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&bomb, "a%d: &a%d [*a%d, *a%d]\n", i, i, i-1, i-1)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // on standard error
	}{
		{"png 100000x100000", []string{"decode", file("bomb.png", pngHeader(100000, 100000))}, exitUsage, "pixels"},
		{"png 30000x30000 validate", []string{"validate", file("bomb2.png", pngHeader(30000, 30000))}, exitUsage, "pixels"},
		{"300 MB line", []string{"validate", long}, exitInvalid, ""},
		{"300 MB line, summary", []string{"validate", "--summary", long}, exitInvalid, ""},
		{"300 MB line, summary, model", []string{"validate", "--summary", "--model", "ACME_PURIFIER_200", long}, exitInvalid, ""},
		{"yaml alias bomb", []string{"rules", "check", file("bomb.yaml", []byte(bomb.String()))}, exitInvalid, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, tc.args...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			cmd.Stdout = &bytes.Buffer{}
			start := time.Now()
			err := cmd.Run()
			code := cmd.ProcessState.ExitCode()
			if _, ok := err.(*exec.ExitError); err != nil && !ok {
				t.Fatal(err)
			}
			peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
			t.Logf("exit %d in %v, peak %d MB: %.200s", code, time.Since(start).Round(time.Millisecond), peak>>20, stderr.String())
			if code != tc.code || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr.String(), tc.code, tc.want)
			}
			if peak > memoryBudget {
				t.Errorf("peak %d MB, over the budget of %d MB", peak>>20, memoryBudget>>20)
			}
		})
	}
}
