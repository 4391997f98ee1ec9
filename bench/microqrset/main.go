// Command microqrset writes a folder of photo-like Micro QR Code images
// with their expected texts, for bench/decodecmp to compare serialgate
// with ZXingReader: symbols of every version drawn by qrencode -M and
// zint -b 97, turned to any angle, in perspective, blurred, noisy and
// unevenly lit (internal/photo). The images are seeded: the same flags
// give the same set.
//
//	go run ./bench/microqrset -n 120 /tmp/microqr-1
//	go run ./bench/decodecmp -serialgate bin/serialgate -tools serialgate,zxing-cpp /tmp
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/serialgate/serialgate/internal/photo"
)

// symbol is one text and how to draw it.
type symbol struct {
	text string
	args []string // the encoder and its arguments, output to stdout
}

func symbols() []symbol {
	q := func(text, version, level string) symbol {
		return symbol{text, []string{"qrencode", "-M", "-v", version, "-l", level, "-s", "1", "-m", "2", "-o", "-", "--", text}}
	}
	z := func(text string) symbol {
		return symbol{text, []string{"zint", "-b", "97", "--scale=0.5", "--quietzones", "--direct", "-d", text}}
	}
	return []symbol{
		q("12345", "1", "L"), q("90210", "1", "L"), q("SN4711", "2", "L"), q("12345678", "2", "M"),
		q("sg-0042", "3", "L"), q("BOX 17/3", "3", "M"), q("DSN:G0A1B2C3D4", "4", "L"),
		q("serial 42", "4", "M"), q("A1B2C3D4E5", "4", "Q"),
		z("4711"), z("SG0042"), z("G030XY"), z("box-17"),
	}
}

func main() {
	n := flag.Int("n", 120, "how many images")
	seed := flag.Uint64("seed", 14, "the random seed")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: microqrset [-n N] [-seed S] DIR")
		os.Exit(2)
	}
	dir := flag.Arg(0)
	if err := write(dir, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "microqrset:", err)
		os.Exit(1)
	}
}

func write(dir string, n int, seed uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	syms := symbols()
	drawn := make([]image.Image, len(syms))
	for i, s := range syms {
		out, err := exec.Command(s.args[0], s.args[1:]...).Output()
		if err != nil {
			return fmt.Errorf("%s %q: %w", s.args[0], s.text, err)
		}
		if drawn[i], err = png.Decode(bytes.NewReader(out)); err != nil {
			return fmt.Errorf("%s %q: %w", s.args[0], s.text, err)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := range n {
		k := i % len(syms)
		// qrencode and zint (scale 0.5) draw 1 pixel a module.
		p := photo.Random(rng, uint64(i))
		img := photo.Render(drawn[k], p)
		name := filepath.Join(dir, fmt.Sprintf("%03d", i))
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return err
		}
		if err := os.WriteFile(name+".png", buf.Bytes(), 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(name+".txt", []byte(syms[k].text), 0o644); err != nil {
			return err
		}
	}
	return nil
}
