package serials

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestCountMappedLongLines: lines longer than a chunk, over MaxLine or
// not, at the start, in the middle and at the end, with and without CRs;
// and a chunk that ends just after an LF followed by a line longer than a
// chunk (the layout with the most, and smallest, chunks).
func TestCountMappedLongLines(t *testing.T) {
	match := func(s []byte) bool { return bytes.HasPrefix(s, []byte("A")) }
	x := strings.Repeat("x", countChunk+10)
	var tiny strings.Builder
	for range 5 {
		tiny.WriteString(strings.Repeat("y", countChunk-2) + "\nA\n" + x + "\n")
	}
	for _, tc := range []struct {
		name     string
		in       string
		maxLine  int
		wantV    int
		wantN    int // every line, valid or not
		wantLong int // of wantN, lines counted invalid unchecked
	}{
		{"long first", "A" + x + "\nA\nB", 100, 1, 3, 1},
		{"long last", "A\nA" + x, 100, 1, 2, 1},
		{"long CRLF middle", "A\r\nA" + x + "\r\nA\r\n", 100, 2, 3, 1},
		{"long but under MaxLine", "A" + x + "\nB\n", 2 * countChunk, 1, 2, 0},
		{"tiny chunks", tiny.String(), 100, 5, 15, 5},
	} {
		for _, workers := range []int{1, 3} {
			v, n, err := Reader{MaxLine: tc.maxLine}.CountMapped(context.Background(), []byte(tc.in), LineCounter(match), workers)
			if err != nil || v != tc.wantV || n != tc.wantN-tc.wantV {
				t.Errorf("%s, %d workers: %d valid, %d invalid, %v; want %d, %d", tc.name, workers, v, n, err, tc.wantV, tc.wantN-tc.wantV)
			}
		}
	}
}

// TestCountMappedStops: a cancelled context stops the count with its error.
func TestCountMappedStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := []byte(strings.Repeat("A\n", countChunk))
	if _, _, err := (Reader{}).CountMapped(ctx, in, LineCounter(func([]byte) bool { return true }), 2); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func ExampleReader_CountMapped() {
	list := []byte("AC2000000001\r\nAC2000000002\nBX9\n\nAC2000000003")
	valid, invalid, err := Reader{}.CountMapped(context.Background(), list, LineCounter(func(s []byte) bool {
		return bytes.HasPrefix(s, []byte("AC2")) && len(s) == 12
	}), 2)
	fmt.Println(valid, invalid, err)
	// Output: 3 2 <nil>
}
