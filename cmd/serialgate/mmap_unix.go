//go:build unix && !decodeonly

package main

import (
	"os"
	"syscall"
)

// mapFile maps a regular file of at least minMapped bytes into memory for
// reading, or returns nil (a pipe, a device, a small file, or a refusal):
// the caller then reads it. unmap releases the mapping.
func mapFile(f *os.File) (data []byte, unmap func()) {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() < minMapped || fi.Size() != int64(int(fi.Size())) {
		return nil, nil
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil
	}
	_ = syscall.Madvise(data, syscall.MADV_SEQUENTIAL)
	return data, func() { syscall.Munmap(data) }
}
