//go:build !linux

package hugeheap

// Off is true off Linux: there is nothing to advise (see hugeheap_linux.go).
var Off = true

// Early is the number of 2 MiB regions the package's init collapsed: none.
var Early int

// Advise does nothing off Linux.
func Advise() int { return 0 }

// Probe returns 0 off Linux.
func Probe() uintptr { return 0 }
