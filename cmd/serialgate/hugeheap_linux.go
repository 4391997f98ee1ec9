package main

import (
	"os"
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

// hugeHeapOff turns hugeHeap off (SERIALGATE_HUGEPAGES=0).
var hugeHeapOff = os.Getenv("SERIALGATE_HUGEPAGES") == "0"

var (
	hugeProbe    *[16]byte
	hugeResident [heapArena / smallPage]byte
)

// hugeHeap asks Linux to back the Go heap's current arena with 2 MiB
// pages, for a one-image decode: on some virtual machines the first touch
// of a fresh 4 KiB page costs 10 to 15 µs (the hypervisor fills a shadow
// page table for each), and a decode touches hundreds of them, a fifth of a
// small image's run, while a 2 MiB page costs about as much as ten. The
// runtime maps its heap in 4 MiB pieces and leaves the kernel's choice of
// page size alone, so the arena is advised here, once its first pieces are
// in place: regions nothing has touched get huge pages at their first touch,
// and regions the start-up has begun to fill are collapsed into one. It
// reports the regions collapsed. Nothing changes where the kernel has no
// transparent huge pages or has them switched off ("never"), and errors are
// ignored: the pages stay as they were.
func hugeHeap() (collapsed int) {
	if hugeHeapOff {
		return 0
	}
	hugeProbe = new([16]byte)
	base := uintptr(unsafe.Pointer(hugeProbe)) &^ (heapArena - 1)
	// The arena is reserved whole (the part not yet in use as PROT_NONE),
	// but a hole would only make madvise report ENOMEM after advising the
	// rest.
	if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, base, heapArena, madvHugepage); e != 0 && e != syscall.ENOMEM {
		return 0
	}
	if _, _, e := syscall.Syscall(syscall.SYS_MINCORE, base, heapArena, uintptr(unsafe.Pointer(&hugeResident[0]))); e != 0 {
		return 0
	}
	const perRegion = hugePage / smallPage
	for r := 0; r < len(hugeResident); r += perRegion {
		n := 0
		for _, v := range hugeResident[r : r+perRegion] {
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
