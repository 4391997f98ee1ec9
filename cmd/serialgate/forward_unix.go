//go:build unix && !decodeonly

package main

import (
	"os"
	"syscall"
)

// newProcessGroup puts the command in a process group of its own.
func newProcessGroup() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// killProcessGroup kills the command and everything it started.
func killProcessGroup(p *os.Process) error {
	if p == nil {
		return errNoProcess
	}
	return syscall.Kill(-p.Pid, syscall.SIGKILL)
}
