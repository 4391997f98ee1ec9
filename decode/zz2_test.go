package decode

import (
	"fmt"
	"os"
	"testing"
	"time"
)

func TestZZFirstCost(t *testing.T) {
	for _, f := range []string{os.Getenv("SGF")} {
		fh, _ := os.Open(f)
		img, _ := ReadImage(fh, f)
		fh.Close()
		g := GrayOf(img)
		d := New(Options{})
		for i := 0; i < 4; i++ {
			s := time.Now()
			d.Gray(g)
			fmt.Println("decode", i, time.Since(s))
		}
	}
}
