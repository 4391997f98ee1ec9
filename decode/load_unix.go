//go:build unix

package decode

import (
	"io"
	"os"
	"syscall"
)

// minMapped is the smallest image file mapInput maps: below it, reading
// the file costs less than mapping and unmapping it.
const minMapped = 16 << 10

// mapInput maps the rest of r into memory when r is a regular file of at
// least minMapped bytes, and returns nil otherwise (a pipe, a small file,
// a refusal): the caller then reads r. done unmaps it, leaving r at its end
// as reading it would. A mapped file's pages come from the page cache,
// read in 64 KiB at a time; a copy of it is fresh memory the process
// touches page by page (some virtual machines take about 10 µs a page).
func mapInput(r io.Reader) (data []byte, done func()) {
	f, ok := r.(*os.File)
	if !ok {
		return nil, nil
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() < minMapped || fi.Size() != int64(int(fi.Size())) {
		return nil, nil
	}
	at, err := f.Seek(0, io.SeekCurrent)
	if err != nil || at >= fi.Size() {
		return nil, nil
	}
	m, err := syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil
	}
	return m[at:], func() {
		syscall.Munmap(m)
		f.Seek(0, io.SeekEnd)
	}
}
