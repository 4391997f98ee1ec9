package serials

import (
	"bytes"
	"context"
	"io"
	"slices"
	"sync"
)

// countChunk is how much of a list one worker takes at a time.
const countChunk = 1 << 20

// Count counts with the default limits; see Reader.Count.
func Count(r io.Reader, match func(serial []byte) bool, workers int) (valid, invalid int, err error) {
	return Reader{}.Count(context.Background(), r, match, workers)
}

// CountChunks counts with the default limits; see Reader.CountChunks.
func CountChunks(r io.Reader, count func(chunk []byte) (valid, n int), workers int) (valid, invalid int, err error) {
	return Reader{}.CountChunks(context.Background(), r, count, workers)
}

// Count reads a serial list as Read does and counts how many serials match
// reports true for, checking chunks of the list on up to workers
// goroutines. match must be safe for concurrent use; the serial's bytes are
// valid only during the call. A line longer than MaxLine that is longer
// than a chunk (1 MiB) counts as invalid without being checked (TooLong is
// not called); a shorter one is checked as it stands. On a read error, or the end of ctx, the counts
// cover the lines read before it.
func (rd Reader) Count(ctx context.Context, r io.Reader, match func(serial []byte) bool, workers int) (valid, invalid int, err error) {
	return rd.CountChunks(ctx, r, func(chunk []byte) (int, int) { return countLines(chunk, match) }, workers)
}

// CountChunks is Count with the checking of a chunk of whole lines
// (the last possibly without its terminator) left to count, which returns
// how many lines matched and how many there were; a pattern's LineCounter is
// one. count must be safe for concurrent use.
func (rd Reader) CountChunks(ctx context.Context, r io.Reader, count func(chunk []byte) (valid, n int), workers int) (valid, invalid int, err error) {
	max := rd.maxLine()
	long := 0 // over-long lines, each counted invalid
	if workers < 1 {
		workers = 1
	}
	type result struct{ valid, invalid, lines int }
	chunks := make(chan []byte, workers)
	results := make(chan result, workers)
	free := make(chan []byte, 2*workers)
	for range 2 * workers {
		free <- make([]byte, countChunk+4096)
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var res result
			for c := range chunks {
				v, n := count(c)
				res.valid += v
				res.invalid += n - v
				res.lines += n
				free <- c[:cap(c)]
			}
			results <- res
		}()
	}
	var carry []byte
	skipping := false // inside an over-long line: drop bytes up to its LF
	skipped := 0      // over-long lines dropped to their end
	// The line a read error is on is known once every chunk handed over
	// has been counted: the workers count the lines, not this loop.
	var readErr *Error
	for {
		if cerr := ctx.Err(); cerr != nil {
			err = cerr
			break
		}
		buf := <-free
		buf = append(buf[:0], carry...)
		carry = nil
		if cap(buf)-len(buf) < 4096 {
			buf = slices.Grow(buf, countChunk)
		}
		n, rerr := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if rerr == io.ErrUnexpectedEOF {
			rerr = io.EOF
		}
		if skipping {
			i := bytes.IndexByte(buf, '\n')
			if i < 0 {
				free <- buf
				if rerr != nil {
					if rerr != io.EOF {
						readErr = &Error{Err: rerr}
					}
					break
				}
				continue
			}
			skipping = false
			skipped++
			buf = buf[:copy(buf, buf[i+1:])]
		}
		if rerr != nil && rerr != io.EOF {
			// The read failed: the last line may be cut short, so leave it out.
			buf = buf[:bytes.LastIndexByte(buf, '\n')+1]
		}
		if rerr == nil {
			// Hand over whole lines only; keep the rest for the next chunk.
			cut := bytes.LastIndexByte(buf, '\n')
			if cut < 0 {
				if len(buf) > max+2 {
					// Longer than any serial: count it invalid and drop the
					// rest of it as it is read, in bounded memory.
					long++
					skipping = true
					free <- buf
					continue
				}
				// A line longer than a chunk: grow the carry until it ends.
				carry = append([]byte(nil), buf...)
				free <- buf
				continue
			}
			carry = append([]byte(nil), buf[cut+1:]...)
			buf = buf[:cut+1]
		}
		if len(buf) > 0 {
			chunks <- buf
		} else {
			free <- buf
		}
		if rerr != nil {
			if rerr != io.EOF {
				readErr = &Error{Err: rerr}
			}
			break
		}
	}
	close(chunks)
	wg.Wait()
	close(results)
	lines := skipped
	for res := range results {
		valid += res.valid
		invalid += res.invalid
		lines += res.lines
	}
	if readErr != nil {
		readErr.Line = lines + 1
		err = readErr
	}
	return valid, invalid + long, err
}

// countLines checks each line of chunk, where the last line may lack its
// terminator, and returns how many matched and how many there were.
func countLines(chunk []byte, match func([]byte) bool) (valid, n int) {
	for len(chunk) > 0 {
		i := bytes.IndexByte(chunk, '\n')
		line := chunk
		if i >= 0 {
			line, chunk = chunk[:i], chunk[i+1:]
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line = line[:len(line)-1]
			}
		} else {
			chunk = nil
		}
		n++
		if match(line) {
			valid++
		}
	}
	return valid, n
}

// LineCounter turns a check of one serial into a check of a chunk of whole
// lines, for CountMapped and CountChunks: lines end at LF, a CR before the
// LF is not part of the serial, the last line may lack its terminator.
func LineCounter(match func(serial []byte) bool) func(chunk []byte) (valid, n int) {
	return func(chunk []byte) (int, int) { return countLines(chunk, match) }
}
