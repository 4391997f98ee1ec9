// Command catalogue writes a generated manufacturer catalogue for the
// scale benchmarks: a rules file of n models and, with -serials, a serial
// list to check against it.
//
//	go run ./bench/catalogue -n 50000 -rules cat.yaml -serials cat.txt -lines 100000
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/serialgate/serialgate/internal/catalogue"
)

func main() {
	n := flag.Int("n", 2000, "number of models")
	seed := flag.Uint64("seed", 1, "random seed")
	rulesFile := flag.String("rules", "catalogue.yaml", "rules file to write")
	serialsFile := flag.String("serials", "", "serial list to write (none when empty)")
	lines := flag.Int("lines", 100000, "serials in the list")
	flag.Parse()
	if err := run(*n, *seed, *rulesFile, *serialsFile, *lines); err != nil {
		fmt.Fprintln(os.Stderr, "catalogue:", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64, rulesFile, serialsFile string, lines int) error {
	ms := catalogue.Generate(n, seed)
	if err := write(rulesFile, func(w *bufio.Writer) error { return catalogue.WriteRules(w, ms, seed) }); err != nil {
		return err
	}
	if serialsFile == "" {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	return write(serialsFile, func(w *bufio.Writer) error {
		for range lines {
			w.WriteString(catalogue.Serial(ms, rng))
			w.WriteByte('\n')
		}
		return nil
	})
}

func write(name string, fill func(*bufio.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := fill(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
