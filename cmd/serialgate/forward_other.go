//go:build !unix && !decodeonly

package main

import (
	"os"
	"syscall"
)

// newProcessGroup: no process groups here; the command alone is killed.
func newProcessGroup() *syscall.SysProcAttr { return nil }

func killProcessGroup(p *os.Process) error {
	if p == nil {
		return errNoProcess
	}
	return p.Kill()
}
