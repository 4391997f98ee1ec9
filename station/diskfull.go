package station

import (
	"errors"
	"strings"
	"syscall"
)

// isDiskFull tells whether a store error comes from a full disk: the
// errno where the driver keeps it, else the words SQLite and PostgreSQL use.
func isDiskFull(err error) bool {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "database or disk is full") || strings.Contains(msg, "no space left") || strings.Contains(msg, "disk full")
}
