package decode

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

// upcReference is gozxing's multi-format EAN/UPC row reader as the row
// reader used it before upceanRuns took its place: the reference for
// every verdict of the runs reader.
func upcReference() gozxing.Reader {
	return oned.NewMultiFormatUPCEANReader(map[gozxing.DecodeHintType]interface{}{
		gozxing.DecodeHintType_POSSIBLE_FORMATS: []gozxing.BarcodeFormat{
			gozxing.BarcodeFormat_EAN_13, gozxing.BarcodeFormat_EAN_8, gozxing.BarcodeFormat_UPC_E},
	})
}

// sameUPCVerdict compares the runs reader with gozxing's on one row: both
// read nothing, or the same text, symbology, AIM identifier and guard
// centres. It reports whether a code was read.
func sameUPCVerdict(t *testing.T, ref gozxing.Reader, row *gozxing.BitArray, y int) bool {
	t.Helper()
	want, err := ref.(oned.RowDecoder).DecodeRow(y, row, nil)
	var rr rowRuns
	runsOf(row, &rr)
	got := upceanRuns{ean13: true, ean8: true, upce: true}.read(&rr, y)
	if err != nil || want == nil {
		if got != nil {
			t.Fatalf("row %s: runs reader read %q (%v), gozxing nothing (%v)", row, got.GetText(), got.GetBarcodeFormat(), err)
		}
		return false
	}
	if got == nil {
		t.Fatalf("row %s: gozxing read %q (%v), the runs reader nothing", row, want.GetText(), want.GetBarcodeFormat())
	}
	if got.GetText() != want.GetText() || got.GetBarcodeFormat() != want.GetBarcodeFormat() {
		t.Fatalf("row %s: runs reader %q (%v), gozxing %q (%v)", row, got.GetText(), got.GetBarcodeFormat(), want.GetText(), want.GetBarcodeFormat())
	}
	gp, wp := got.GetResultPoints(), want.GetResultPoints()
	for i := range 2 {
		if gp[i].GetX() != wp[i].GetX() || gp[i].GetY() != wp[i].GetY() {
			t.Fatalf("row %s %q: point %d at %v,%v, gozxing %v,%v", row, want.GetText(), i, gp[i].GetX(), gp[i].GetY(), wp[i].GetX(), wp[i].GetY())
		}
	}
	gm, wm := got.GetResultMetadata(), want.GetResultMetadata()
	if gm[gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER] != wm[gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER] {
		t.Fatalf("%q: AIM %v, gozxing %v", want.GetText(), gm[gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER], wm[gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER])
	}
	return true
}

// upcText makes a valid code of the format from rng: n digits with the
// check digit (UPC-E's computed on its UPC-A expansion).
func upcText(rng *rand.Rand, f gozxing.BarcodeFormat) string {
	n := map[gozxing.BarcodeFormat]int{gozxing.BarcodeFormat_EAN_13: 13, gozxing.BarcodeFormat_EAN_8: 8, gozxing.BarcodeFormat_UPC_E: 8}[f]
	s := make([]byte, n)
	for i := range s {
		s[i] = '0' + byte(rng.IntN(10))
	}
	if f == gozxing.BarcodeFormat_UPC_E {
		s[0] = '0' + byte(rng.IntN(2))
	}
	check := s
	if f == gozxing.BarcodeFormat_UPC_E {
		check = upceToUPCA(s)
	}
	for d := byte('0'); d <= '9'; d++ {
		check[len(check)-1] = d
		if upcCheck(check) {
			s[n-1] = d
			break
		}
	}
	return string(s)
}

// upcModules returns the symbol's modules (true for dark) as gozxing's
// writer draws them, with quiet zones wider than the reader needs.
func upcModules(t testing.TB, f gozxing.BarcodeFormat, text string) []bool {
	t.Helper()
	var w gozxing.Writer
	switch f {
	case gozxing.BarcodeFormat_EAN_13:
		w = oned.NewEAN13Writer()
	case gozxing.BarcodeFormat_EAN_8:
		w = oned.NewEAN8Writer()
	default:
		w = oned.NewUPCEWriter()
	}
	m, err := w.Encode(text, f, 0, 1, nil)
	if err != nil {
		t.Fatalf("encode %v %q: %v", f, text, err)
	}
	out := make([]bool, m.GetWidth()+20) // the writer leaves a narrow margin: ten modules more each side
	for x := range m.GetWidth() {
		out[x+10] = m.Get(x, 0)
	}
	return out
}

// upcRow draws modules as a row of pixels, each run scale pixels a module
// give or take jitter, between random bars before and after when noisy.
func upcRow(rng *rand.Rand, modules []bool, scale, jitter int, noisy bool) *gozxing.BitArray {
	var bits []bool
	junk := func() {
		for range rng.IntN(12) {
			for range 1 + rng.IntN(3*scale) {
				bits = append(bits, true)
			}
			for range 1 + rng.IntN(4*scale) {
				bits = append(bits, false)
			}
		}
	}
	if noisy {
		junk()
	}
	for i := 0; i < len(modules); {
		j := i
		for j < len(modules) && modules[j] == modules[i] {
			j++
		}
		w := (j-i)*scale + rng.IntN(2*jitter+1) - jitter
		for range max(w, 1) {
			bits = append(bits, modules[i])
		}
		i = j
	}
	if noisy {
		junk()
	}
	row := gozxing.NewBitArray(len(bits))
	for x, b := range bits {
		if b {
			row.Set(x)
		}
	}
	return row
}

// TestUPCEANRunsAgrees draws thousands of EAN-13, EAN-8 and UPC-E rows at
// one to four pixels a module, with jittered widths, junk bars beside
// them and either way round, and requires the runs reader to give
// gozxing's verdict on each; the clean ones must all be read.
func TestUPCEANRunsAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 15))
	ref := upcReference()
	formats := []gozxing.BarcodeFormat{gozxing.BarcodeFormat_EAN_13, gozxing.BarcodeFormat_EAN_8, gozxing.BarcodeFormat_UPC_E}
	reads, rows := map[string]int{}, 0
	for i := range 3000 {
		f := formats[i%3]
		text := upcText(rng, f)
		modules := upcModules(t, f, text)
		scale := 1 + rng.IntN(4)
		jitter := rng.IntN(scale) // up to a module less one pixel
		noisy := i%2 == 1
		row := upcRow(rng, modules, scale, jitter, noisy)
		reversed := rng.IntN(2) == 1
		if reversed {
			row.Reverse() // a reader reads left to right: the row reader tries both ways
		}
		rows++
		read := sameUPCVerdict(t, ref, row, i)
		key := fmt.Sprintf("%v noisy=%v reversed=%v", f, noisy, reversed)
		if read {
			reads[key]++
		}
		if !noisy && !reversed && jitter == 0 && !read {
			t.Fatalf("a clean %v %q at %d pixels a module was not read", f, text, scale)
		}
	}
	t.Logf("%d rows; read: %v", rows, reads)
	for _, f := range formats {
		if n := reads[fmt.Sprintf("%v noisy=false reversed=false", f)]; n < 150 {
			t.Fatalf("only %d clean %v rows read", n, f)
		}
	}
}

// FuzzUPCEANRuns: any row, as run widths, gets the same verdict from the
// runs reader and from gozxing's.
func FuzzUPCEANRuns(f *testing.F) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, format := range []gozxing.BarcodeFormat{gozxing.BarcodeFormat_EAN_13, gozxing.BarcodeFormat_EAN_8, gozxing.BarcodeFormat_UPC_E} {
		modules := upcModules(f, format, upcText(rng, format))
		var widths []byte
		for i := 0; i < len(modules); {
			j := i
			for j < len(modules) && modules[j] == modules[i] {
				j++
			}
			widths = append(widths, byte(2*(j-i)))
			i = j
		}
		f.Add(false, widths)
	}
	ref := upcReference()
	f.Fuzz(func(t *testing.T, darkFirst bool, widths []byte) {
		if len(widths) > 400 {
			widths = widths[:400]
		}
		size := 0
		for _, w := range widths {
			size += 1 + int(w%16)
		}
		row := gozxing.NewBitArray(max(size, 1))
		x, dark := 0, darkFirst
		for _, w := range widths {
			for range 1 + int(w%16) {
				if dark {
					row.Set(x)
				}
				x++
			}
			dark = !dark
		}
		sameUPCVerdict(t, ref, row, 0)
	})
}
