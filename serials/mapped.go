package serials

import (
	"bytes"
	"context"
	"errors"
	"runtime/debug"
)

// ErrChanged is the cause of an Error when a list held in memory by the
// operating system (a mapped file) shrank while it was counted.
var ErrChanged = errors.New("the file shrank while it was read")

// CountMapped is CountChunks over a list already in memory, such as a
// file mapped into it: chunks are views of data, not copies, so the
// workers only check. Lines of up to a chunk (1 MiB) are checked as they
// stand; a longer one counts as invalid unchecked when it is over MaxLine.
// Should reading data fault (a mapped file truncated meanwhile), the
// counts cover the lines before the fault's chunk and the error is an
// *Error wrapping ErrChanged.
func (rd Reader) CountMapped(ctx context.Context, data []byte, count func(chunk []byte) (valid, n int), workers int) (valid, invalid int, err error) {
	maxLine := rd.maxLine()
	workers = max(workers, 1)
	type counted struct {
		index, valid, n int
		fault           bool
	}
	type job struct {
		chunk []byte
		index int
	}
	jobs := make(chan job, workers)
	done := make(chan []counted, workers)
	for range workers {
		go func() {
			var mine []counted
			for j := range jobs {
				v, n, ok := countGuarded(count, j.chunk)
				mine = append(mine, counted{j.index, v, n, !ok})
			}
			done <- mine
		}()
	}
	var before []int // over-long lines skipped before each chunk
	long := 0
	chunks := 0
	splitFault := -1
	func() {
		defer func() {
			if r := recover(); r != nil {
				if !isFault(r) {
					panic(r)
				}
				splitFault = chunks
				before = append(before, long)
			}
		}()
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		for pos := 0; pos < len(data); {
			if cerr := ctx.Err(); cerr != nil {
				err = cerr
				return
			}
			end := len(data)
			if pos+countChunk < len(data) {
				if cut := bytes.LastIndexByte(data[pos:pos+countChunk], '\n'); cut >= 0 {
					end = pos + cut + 1
				} else {
					// The line at pos is longer than a chunk: the next
					// chunk starts at least a chunk further on.
					e := len(data)
					if k := bytes.IndexByte(data[pos+countChunk:], '\n'); k >= 0 {
						e = pos + countChunk + k
					}
					if line := bytes.TrimSuffix(data[pos:e], []byte{'\r'}); len(line) > maxLine {
						long++
						pos = e + 1
						continue
					}
					end = min(e+1, len(data))
				}
			}
			before = append(before, long)
			jobs <- job{data[pos:end], chunks}
			chunks++
			pos = end
		}
	}()
	close(jobs)
	per := make([]counted, chunks)
	for range workers {
		for _, c := range <-done {
			per[c.index] = c
		}
	}
	lines := 0
	for i, c := range per {
		if c.fault {
			splitFault = i
			break
		}
		valid += c.valid
		invalid += c.n - c.valid
		lines += c.n
	}
	if splitFault >= 0 {
		// The counts stand for the chunks before the first that could not
		// be read; the error names the line that chunk starts with.
		skipped := before[splitFault]
		return valid, invalid + skipped, &Error{Line: lines + skipped + 1, Err: ErrChanged}
	}
	return valid, invalid + long, err
}

// countGuarded runs count on chunk, turning a memory fault into ok=false.
func countGuarded(count func([]byte) (int, int), chunk []byte) (v, n int, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if !isFault(r) {
				panic(r)
			}
			ok = false
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	v, n = count(chunk)
	return v, n, true
}

// isFault tells a memory fault's panic (with SetPanicOnFault) from others.
func isFault(r any) bool {
	e, ok := r.(interface{ Addr() uintptr })
	return ok && e != nil
}
