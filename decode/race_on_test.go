//go:build race

package decode

// raceEnabled: the race detector slows decoding about tenfold, so the
// suites over the large shared photo sets take a sample of them.
const raceEnabled = true
