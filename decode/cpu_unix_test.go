//go:build unix

package decode

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used, in all its threads: on
// a loaded machine it measures the work done where wall time does not.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
