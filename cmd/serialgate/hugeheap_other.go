//go:build !linux

package main

// hugeHeap does nothing off Linux (see hugeheap_linux.go).
func hugeHeap() int { return 0 }
