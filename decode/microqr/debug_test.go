package microqr

import (
	"image/png"
	"os"
	"testing"
)

func TestDebugStages(t *testing.T) {
	if os.Getenv("MQRDEBUG") == "" {
		t.Skip()
	}
	for i, c := range photoCases(72, 14) {
		g := renderCase(t, c)
		f, _ := os.Create("/tmp/mqr/p" + itoa(i) + ".png")
		png.Encode(f, g)
		f.Close()
		im := Image{Pix: g.Pix, Width: g.Rect.Dx(), Height: g.Rect.Dy(), Stride: g.Stride}
		b := binarizers[0](im)
		fs := findFinders(b, maxFinders)
		t.Logf("%d %v: %d finders", i, c, len(fs))
		for _, fd := range fs {
			cs, ok := b.finderCorners(fd)
			if !ok {
				t.Logf("  finder %+v: no corners", fd)
				continue
			}
			ps := b.orientations(cs)
			t.Logf("  finder %+v corners %v: %d orientations", fd, cs, len(ps))
			for _, p := range ps {
				for _, edges := range []bool{false, true} {
					p1, _ := b.refine(p, false)
					if edges {
						p1, _ = b.refine(p1, true)
						p1, _ = b.refine(p1, true)
					}
					g := b.sample(p1)
					_, err := readGrid(g, newField(), 3)
					t.Logf("    n %d edges %v pattern errors %d: %v", p.n, edges, g.patternErrors(), err)
				}
			}
		}
	}
}
