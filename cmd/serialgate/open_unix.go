//go:build unix

package main

import (
	"os"
	"syscall"
)

// openRegular opens a regular file for reading without the runtime's
// network poller: a regular file never waits, and a one-image decode would
// otherwise set the poller up (four system calls) for nothing.
func openRegular(name string) (*os.File, error) {
	for {
		fd, err := syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: name, Err: err}
		}
		return os.NewFile(uintptr(fd), name), nil
	}
}
