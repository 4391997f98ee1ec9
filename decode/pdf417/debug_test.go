package pdf417

import (
	"image"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

func TestDebugOne(t *testing.T) {
	name := os.Getenv("PDFDBG")
	if name == "" {
		t.Skip()
	}
	for _, s := range loadSamples(t, filepath.Join(sharedBarcodes, "pdf417-1")) {
		if s.name != name {
			continue
		}
		debugf = t.Logf
		if c := os.Getenv("PDFCOLS"); c != "" {
			n, _ := strconv.Atoi(c)
			lv, _ := strconv.Atoi(os.Getenv("PDFLEVEL"))
			rows, cols, err := zintDump("/usr/bin/zint", n, lv, string(s.want))
			if err != nil {
				t.Fatal(err)
			}
			debugTruth, _ = readDump(t, rows, cols)
			t.Logf("truth: %d rows", len(rows))
		}
		debugImage(t, s.img)
	}
}

func debugImage(t *testing.T, img *image.Gray) {
	b := binarize(img)
	for _, turned := range []bool{false, true} {
		sb := b
		if turned {
			sb = b.transpose()
		}
		hits := findHits(sb, 1)
		var edges [4][]*edge
		for k := range hits {
			edges[k] = groupHits(edgeKind(k), hits[k], 1)
			t.Logf("turned %v kind %d: %d hits, %d edges", turned, k, len(hits[k]), len(edges[k]))
			for _, e := range edges[k] {
				t.Logf("   lines %d-%d out %.1f+%.3f in %.1f+%.3f m %.2f", e.first, e.last, e.outA, e.outB, e.inA, e.inB, e.module)
			}
		}
		for _, f := range pairEdges(edges) {
			reads := f.scan(sb, f.cols)
			t.Logf("frame cols %d: %d reads", f.cols, len(reads))
			s, err := f.decode(sb)
			t.Logf("decode: %v %v", s, err)
		}
	}
}
