//go:build unix

package serials

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCountMappedTruncated maps a real file and truncates it before the
// count: reading the lost pages faults, which is an error naming the first
// line not counted, not a crash, and the lines before it are counted.
func TestCountMappedTruncated(t *testing.T) {
	p := filepath.Join(t.TempDir(), "list.txt")
	line := "AC2000000001\n"
	in := strings.Repeat(line, 4*countChunk/len(line))
	if err := os.WriteFile(p, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, err := syscall.Mmap(int(f.Fd()), 0, len(in), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	defer syscall.Munmap(data)
	// Keep the first 1.5 chunks: the pages past the new end fault.
	keep := countChunk + countChunk/2
	if err := os.Truncate(p, int64(keep)); err != nil {
		t.Fatal(err)
	}
	match := func(s []byte) bool { return strings.HasPrefix(string(s), "AC2") }
	v, n, err := Reader{}.CountMapped(context.Background(), data, LineCounter(match), 2)
	var le *Error
	if !errors.Is(err, ErrChanged) || !errors.As(err, &le) {
		t.Fatalf("truncated file: %d/%d, %v; want ErrChanged", v, n, err)
	}
	// The first chunk (whole lines up to 1 MiB) is intact and counted.
	if v < countChunk/len(line) || n != 0 || le.Line != v+1 {
		t.Errorf("counted %d valid, %d invalid, error on line %d; want the first chunk's lines valid and the error on the next line", v, n, le.Line)
	}
}
