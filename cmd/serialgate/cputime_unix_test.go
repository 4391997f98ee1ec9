//go:build unix && !decodeonly

package main

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process and its waited-for children (the
// poppler tools) have used: on a shared machine it says what a run costs
// where wall time says how busy the others were.
func cpuTime() time.Duration {
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	var d time.Duration
	for _, r := range []syscall.Rusage{self, kids} {
		d += time.Duration(r.Utime.Nano() + r.Stime.Nano())
	}
	return d
}
