package lumapng

// adler32 updates an Adler-32 checksum (RFC 1950 section 8.2) with p.
// hash/adler32 adds byte by byte, each sum waiting on the one before;
// here eight bytes at a time add to s1 their sum and to s2 their sum
// weighted by position, which the processor can work out side by side.
func adler32(sum uint32, p []byte) uint32 {
	const mod = 65521
	s1, s2 := uint64(sum&0xffff), uint64(sum>>16)
	for len(p) > 0 {
		// 64-bit sums cannot overflow in a block of 1 MiB.
		n := min(len(p), 1<<20)
		q := p[:n]
		p = p[n:]
		var s1s uint64 // s1 summed at the start of each 8-byte group
		for len(q) >= 8 {
			b := q[:8:8]
			s1s += s1
			x0, x1, x2, x3 := uint64(b[0]), uint64(b[1]), uint64(b[2]), uint64(b[3])
			x4, x5, x6, x7 := uint64(b[4]), uint64(b[5]), uint64(b[6]), uint64(b[7])
			s1 += (x0 + x1) + (x2 + x3) + ((x4 + x5) + (x6 + x7))
			s2 += (8*x0 + 7*x1) + (6*x2 + 5*x3) + ((4*x4 + 3*x5) + (2*x6 + x7))
			q = q[8:]
		}
		s2 += 8 * s1s
		for _, x := range q {
			s1 += uint64(x)
			s2 += s1
		}
		s1 %= mod
		s2 %= mod
	}
	return uint32(s2<<16 | s1)
}
