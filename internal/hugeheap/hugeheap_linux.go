//go:build linux

package hugeheap

import (
	"syscall"
	"unsafe"
)

// Linux's advice values for transparent huge pages (<asm-generic/mman-common.h>).
const (
	madvHugepage = 14 // MADV_HUGEPAGE: back this range with 2 MiB pages where it can
	madvCollapse = 25 // MADV_COLLAPSE (Linux 6.1): make 2 MiB pages of what is there now
)

const (
	smallPage = 4 << 10
	hugePage  = 2 << 20
	// heapArena is the Go runtime's unit of heap address space on 64-bit
	// Linux: its heap lies in 64 MiB-aligned arenas.
	heapArena = 64 << 20
	// collapseBelow is the most 4 KiB pages a 2 MiB region may already have
	// for it to be made one huge page: the copy costs about as much as 40
	// to 60 first touches, so a region nearly full is left as it is.
	collapseBelow = 448
)

// Off reports whether the package was turned off (SERIALGATE_HUGEPAGES=0).
var Off bool

// Early is the number of 2 MiB regions the package's init collapsed.
var Early int

var (
	probe    *[16]byte
	resident [heapArena / smallPage]byte
)

func init() {
	v, _ := syscall.Getenv("SERIALGATE_HUGEPAGES")
	Off = v == "0"
	Early = Advise()
}

// Probe returns the address of the heap object Advise last placed its
// arena by: the region holding it is in the advised arena.
func Probe() uintptr { return uintptr(unsafe.Pointer(probe)) }

// Advise asks Linux to back the Go heap's current arena with 2 MiB pages:
// regions nothing has touched get huge pages at their first touch, and
// regions already begun (found with mincore) are collapsed into one unless
// they are nearly full. It reports the regions collapsed.
func Advise() (collapsed int) {
	if Off {
		return 0
	}
	probe = new([16]byte)
	base := uintptr(unsafe.Pointer(probe)) &^ (heapArena - 1)
	// The arena is reserved whole (the part not yet in use as PROT_NONE),
	// but a hole would only make madvise report ENOMEM after advising the
	// rest.
	if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, base, heapArena, madvHugepage); e != 0 && e != syscall.ENOMEM {
		return 0
	}
	if _, _, e := syscall.Syscall(syscall.SYS_MINCORE, base, heapArena, uintptr(unsafe.Pointer(&resident[0]))); e != 0 {
		return 0
	}
	const perRegion = hugePage / smallPage
	for r := 0; r < len(resident); r += perRegion {
		n := 0
		for _, v := range resident[r : r+perRegion] {
			n += int(v & 1)
		}
		if n == 0 || n >= collapseBelow {
			continue
		}
		if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, base+uintptr(r)*smallPage, hugePage, madvCollapse); e == 0 {
			collapsed++
		}
	}
	return collapsed
}
