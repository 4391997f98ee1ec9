package decode

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// TestRowStartSkipsNoRead checks the promise of canStart: a row it says a
// reader cannot start on is one the reader reads nothing from. The rows
// are those of the repository's sample photos and printed codes of every
// 1D symbology with bars and spaces made wider and narrower at random,
// which takes the readers to the edges of their tolerances; each is read
// both ways by a fresh reader.
func TestRowStartSkipsNoRead(t *testing.T) {
	rows := jitteredRows(t, 400)
	photoRows := 0
	for _, folder := range repoFolders(t) {
		for _, p := range loadPhotosIn(t, repoBarcodes, folder) {
			bm, err := gozxing.NewBinaryBitmap(gozxing.NewGlobalHistgramBinarizer(&source{g: p.g}))
			if err != nil {
				t.Fatal(err)
			}
			for y := 0; y < p.g.Height; y += 3 {
				row, err := bm.GetBlackRow(y, nil)
				if err != nil {
					continue
				}
				rows = append(rows, row)
				photoRows++
			}
		}
	}
	d := New(Options{})
	reads, skipped, calls := 0, 0, 0
	byReader := map[string]int{}
	var rr rowRuns
	for _, row := range rows {
		for dir := range 2 {
			if dir == 1 {
				row.Reverse()
			}
			runsOf(row, &rr)
			for _, dec := range d.rowDecoders() {
				calls++
				can := canStart(dec.start, &rr)
				if !can {
					skipped++
				}
				_, err := zxing(dec.name, func() (*gozxing.Result, error) { return dec.DecodeRow(0, row, hints) })
				for y := 1; dec.stateful && err != nil && y < 3; y++ {
					// RSS-14 reports a code once its pairs were seen on
					// rows before.
					_, err = zxing(dec.name, func() (*gozxing.Result, error) { return dec.DecodeRow(y, row, hints) })
				}
				if err != nil {
					continue
				}
				reads++
				byReader[dec.name]++
				if !can {
					t.Errorf("%s read a row canStart skips: runs %v", dec.name, rr.w)
				}
			}
		}
	}
	t.Logf("%d rows (%d of photos), %d reads %v, %d of %d reader calls skipped", len(rows), photoRows, reads, byReader, skipped, calls)
	if reads < 1000 {
		t.Errorf("only %d reads: the rows do not test canStart", reads)
	}
	if skipped < calls/2 {
		t.Errorf("only %d of %d reader calls skipped", skipped, calls)
	}
}

// jitteredRows renders n rows of each 1D symbology with random module
// widths, runs made up to a pixel wider or narrower, and noise around.
func jitteredRows(t *testing.T, n int) []*gozxing.BitArray {
	t.Helper()
	rng := rand.New(rand.NewPCG(14, 6))
	type code struct {
		w    gozxing.Writer
		f    gozxing.BarcodeFormat
		text string
	}
	codes := []code{
		{oned.NewCode128Writer(), gozxing.BarcodeFormat_CODE_128, "SG-0042-ABC"},
		{oned.NewCode39Writer(), gozxing.BarcodeFormat_CODE_39, "SG42A"},
		{oned.NewCode93Writer(), gozxing.BarcodeFormat_CODE_93, "SG0042"},
		{oned.NewEAN13Writer(), gozxing.BarcodeFormat_EAN_13, "9780201379624"},
		{oned.NewEAN8Writer(), gozxing.BarcodeFormat_EAN_8, "96385074"},
		{oned.NewUPCEWriter(), gozxing.BarcodeFormat_UPC_E, "01234565"},
		{oned.NewITFWriter(), gozxing.BarcodeFormat_ITF, "12345678"},
		{oned.NewCodaBarWriter(), gozxing.BarcodeFormat_CODABAR, "A40156B"},
	}
	// The codes' modules, dark or light: from gozxing's writers, and
	// GS1 DataBar (RSS-14), which gozxing cannot write, from zint's dump
	// of its modules in hexadecimal.
	var symbols [][]bool
	for _, c := range codes {
		m, err := c.w.Encode(c.text, c.f, 0, 1, nil)
		if err != nil {
			t.Fatalf("encode %s: %v", c.f, err)
		}
		var mods []bool
		for x := 0; x < m.GetWidth(); x++ {
			mods = append(mods, m.Get(x, 0))
		}
		symbols = append(symbols, mods)
	}
	if zint, err := exec.LookPath("zint"); err == nil {
		out, err := exec.Command(zint, "-b", "29", "-d", "0950110153000", "--dump").Output()
		if err != nil {
			t.Fatalf("zint: %v", err)
		}
		var mods []bool
		for _, h := range strings.Fields(string(out)) {
			v, err := strconv.ParseUint(h, 16, 8)
			if err != nil {
				t.Fatalf("zint dump %q: %v", out, err)
			}
			for b := 7; b >= 0; b-- {
				mods = append(mods, v>>b&1 == 1)
			}
		}
		symbols = append(symbols, mods)
	} else if os.Getenv("CI") != "" {
		t.Fatal("zint is not installed: the DataBar rows cannot be drawn")
	}
	var rows []*gozxing.BitArray
	for _, sym := range symbols {
		// The code's runs, in modules.
		var mods []int
		for x := range sym {
			if x == 0 || sym[x] != sym[x-1] {
				mods = append(mods, 0)
			}
			mods[len(mods)-1]++
		}
		// Without the margins: the code from its first bar to its last.
		if !sym[0] {
			mods = mods[1:]
		}
		if len(mods)%2 == 0 {
			mods = mods[:len(mods)-1]
		}
		for range n {
			unit := 1 + rng.IntN(4)
			jitter := rng.IntN(unit/2 + 1)
			var widths []int
			// Light or noise before: a few random runs, then a margin.
			for range rng.IntN(3) * 2 {
				widths = append(widths, 1+rng.IntN(6))
			}
			widths = append(widths, 6*unit+rng.IntN(14*unit)) // an odd count of runs: the code starts dark
			for _, k := range mods {
				widths = append(widths, max(1, k*unit+rng.IntN(2*jitter+1)-jitter))
			}
			widths = append(widths, 6*unit+rng.IntN(14*unit))
			size := 0
			for _, w := range widths {
				size += w
			}
			row := gozxing.NewBitArray(size)
			x := 0
			for i, w := range widths {
				if i%2 == 1 { // the first run is light
					row.SetRange(x, x+w)
				}
				x += w
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// TestFromRuns checks the row made from reversed runs against gozxing's
// Reverse, on random rows of every length around a word's.
func TestFromRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	var rr rowRuns
	var dst *gozxing.BitArray
	for size := 1; size <= 130; size++ {
		for range 20 {
			row := gozxing.NewBitArray(size)
			dark := rng.IntN(2) == 0
			for x := 0; x < size; {
				n := 1 + rng.IntN(6)
				if dark {
					row.SetRange(x, min(x+n, size))
				}
				x, dark = x+n, !dark
			}
			want := gozxing.NewBitArray(size)
			copy(want.GetBitArray(), row.GetBitArray())
			want.Reverse()
			runsOf(row, &rr)
			rr.reverse()
			dst = fromRuns(dst, size, &rr)
			for x := range size {
				if dst.Get(x) != want.Get(x) {
					t.Fatalf("size %d: %v reversed to %v, want %v", size, row, dst, want)
				}
			}
			if dst.GetNextSet(0) != want.GetNextSet(0) {
				t.Fatalf("size %d: next set %d, want %d", size, dst.GetNextSet(0), want.GetNextSet(0))
			}
		}
	}
}
