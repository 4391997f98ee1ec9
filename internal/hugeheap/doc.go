// Package hugeheap backs the Go heap with transparent huge pages on Linux,
// for a short process such as a one-image decode.
//
// On some virtual machines the first touch of a fresh 4 KiB page costs 10
// to 15 µs (the hypervisor fills a shadow page table for each one), and a
// process that reads one image touches hundreds of them, a fifth of a small
// image's run, while a 2 MiB page costs about as much as ten or twenty. The
// runtime neither asks for huge pages nor lets a program ask in time: it
// maps its heap in 4 MiB pieces with MAP_FIXED, which drops any advice, and
// its start has touched the first piece before any package is initialised.
//
// Importing the package is what does most of the work: its init, which runs
// as soon as the syscall package is initialised and before the other
// packages' (golang.org/x/text's encodings and gozxing's Reed–Solomon tables
// alone touch about 70 pages), advises the heap's arena and collapses the
// regions the runtime's start has begun to fill into huge pages. [Advise]
// does the same again later, for the pieces the heap has grown into since.
//
// SERIALGATE_HUGEPAGES=0 turns it off. Where the kernel has no transparent
// huge pages, has them off ("never") or lacks MADV_COLLAPSE (before Linux
// 6.1), nothing changes: errors are ignored and the pages stay as they were.
package hugeheap
