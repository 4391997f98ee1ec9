package decode

import (
	"os"
	"testing"
	"time"
)

func TestDbgBranches(t *testing.T) {
	for _, name := range []string{"0004", "0010", "0031", "0057", "0099"} {
		f, _ := os.Open("../../shared/testdata/boxlabels/images/" + name + ".jpg")
		t0 := time.Now()
		img, _ := ReadImage(f, name+".jpg")
		f.Close()
		tj := time.Since(t0)
		g := GrayOf(img)
		d := New(Options{})
		vs := matrixVariants(g)
		var tl, to, tm, tp time.Duration
		for range 3 {
			a := time.Now()
			d.linear(g, false)
			b := time.Now()
			d.oriented(g)
			c := time.Now()
			d.matrix(g, vs[:1])
			e := time.Now()
			d.pdf417(g)
			h := time.Now()
			tl, to, tm, tp = b.Sub(a), c.Sub(b), e.Sub(c), h.Sub(e)
		}
		a := time.Now()
		d.Gray(g)
		t.Logf("%s %dx%d jpeg %v linear %v oriented %v matrix %v pdf417 %v | Gray %v", name, g.Width, g.Height, tj, tl, to, tm, tp, time.Since(a))
	}
}
