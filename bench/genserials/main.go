// Command genserials writes a serial list for the benchmarks: n lines of
// serials for the rule ^AC2\d{9}$, about one in five a near-miss.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
)

func main() {
	n := flag.Int("n", 1000000, "number of lines")
	flag.Parse()
	w := bufio.NewWriter(os.Stdout)
	rng := rand.New(rand.NewPCG(42, 42))
	for i := 0; i < *n; i++ {
		b := []byte(fmt.Sprintf("AC2%09d", rng.IntN(1000000000)))
		switch rng.IntN(20) {
		case 0:
			b = b[:len(b)-1] // too short
		case 1:
			b = append(b, ' ') // trailing space
		case 2:
			b[5] = 'O' // letter for digit
		case 3:
			b = append(b[:4], append([]byte("\u0661"), b[5:]...)...) // Arabic-Indic digit
		}
		w.Write(b)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "genserials:", err)
		os.Exit(1)
	}
}
