// Package benchdata holds the serials the benchmarks of several packages
// share, so that their figures compare.
package benchdata

import "math/rand/v2"

// Rule is a fixed-layout 16-character rule of the kind manufacturers
// register; Serials are valid serials and near-misses for it.
const Rule = `^[A-Z]{2}\d{2}[A-HJ-NP-Z0-9]{12}$`

func Serials() []string {
	rng := rand.New(rand.NewPCG(7, 7))
	const alnum = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
	out := make([]string, 1024)
	for i := range out {
		b := []byte{byte('A' + rng.IntN(26)), byte('A' + rng.IntN(26)), byte('0' + rng.IntN(10)), byte('0' + rng.IntN(10))}
		for range 12 {
			b = append(b, alnum[rng.IntN(len(alnum))])
		}
		if i%4 == 3 { // a near-miss: one wrong character late in the serial
			b[14] = 'I'
		}
		out[i] = string(b)
	}
	return out
}
