//go:build !unix

package decode

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
