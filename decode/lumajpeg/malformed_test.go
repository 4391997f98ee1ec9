package lumajpeg

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// smallJPEG is a 4:2:0 stream of the test encoder, with restart markers.
func smallJPEG(opt encOptions) []byte {
	if opt.comps == nil {
		opt.comps = ycc("noise", 24, 16, 2, 2, 1, 1, 1, 1)
	}
	if opt.quant == nil {
		opt.quant = [][64]int{quantTable(3, 255), quantTable(5, 255)}
	}
	return encodeJPEG(24, 16, opt).data
}

// segmentAt is the offset of the first marker m (0xff m) in data.
func segmentAt(data []byte, m byte) int {
	return bytes.Index(data, []byte{0xff, m})
}

// without removes the first segment of marker m.
func without(data []byte, m byte) []byte {
	i := segmentAt(data, m)
	n := int(data[i+2])<<8 | int(data[i+3])
	return append(bytes.Clone(data[:i]), data[i+2+n:]...)
}

// patched returns data with b written at offset off.
func patched(data []byte, off int, b ...byte) []byte {
	out := bytes.Clone(data)
	copy(out[off:], b)
	return out
}

// entropyStart is the offset of the first scan's entropy-coded data.
func entropyStart(data []byte) int {
	i := segmentAt(data, markSOS)
	return i + 2 + (int(data[i+2])<<8 | int(data[i+3]))
}

// TestMalformed: every kind of broken stream gives an *Error (not
// ErrUnsupported) that names the byte offset at fault.
func TestMalformed(t *testing.T) {
	good := smallJPEG(encOptions{restart: 1})
	sof := segmentAt(good, markSOF0)
	dht := segmentAt(good, markDHT)
	dqt := segmentAt(good, markDQT)
	sos := segmentAt(good, markSOS)
	ecs := entropyStart(good)
	rst := bytes.Index(good[ecs:], []byte{0xff, markRST0}) + ecs
	// An entropy-coded segment of all ones: no code of the test encoder's
	// tables is 16 ones (T.81 K.2 keeps that one free).
	ones := append(bytes.Clone(good[:ecs]), bytes.Repeat([]byte{0xff, 0}, 40)...)
	ones = append(ones, 0xff, markEOI)
	withCoef := func(ci, k, v int) []byte {
		return smallJPEG(encOptions{coef: func(c, bx, by int, b *[64]int) {
			if c == ci && bx == 1 && by == 0 {
				b[k] = v
			}
		}})
	}
	tests := []struct {
		name string
		data []byte
		msg  string
		at   int // the offset the error names; -1: any
	}{
		{"empty", nil, "missing SOI marker", 0},
		{"garbage", []byte("GIF89a, not a JPEG at all"), "missing SOI marker", 0},
		{"SOI alone", good[:2], "no EOI marker", 2},
		{"truncated in a header", good[:sof+5], "runs past the end of the data", sof},
		{"truncated in the scan", good[:ecs+20], "ends inside a block", -1},
		{"no EOI", good[:len(good)-2], "no EOI marker", len(good) - 2},
		{"no SOF", []byte{0xff, markSOI, 0xff, markEOI}, "missing SOF marker", 2},
		{"no SOS", append(bytes.Clone(good[:sos]), 0xff, markEOI), "missing SOS marker", sos},
		{"unknown marker", patched(good, sof+1, 0x02), "unknown marker 0x02", sof},
		{"segment length 1", patched(good, dqt+2, 0, 1), "segment length 1 is short", dqt},
		{"segment past the end", patched(good, dqt+2, 0xff, 0xf0), "runs past the end", dqt},
		{"width 0", patched(good, sof+7, 0, 0), "width 0", sof},
		{"sampling 0", patched(good, sof+11, 0x02), "sampling factors 0×2", sof},
		{"sampling 5", patched(good, sof+11, 0x51), "sampling factors 5×1", sof},
		{"component named twice", patched(good, sof+13, 1), "component 1 named twice", sof},
		{"quantization table 4", patched(good, sof+12, 4), "quantization table 4", sof},
		{"second frame", append(append(bytes.Clone(good[:sos]), good[sof:dht]...), good[sos:]...), "second SOF marker", -1},
		{"SOF length", patched(good, sof+2, 0, 18), "SOF segment of 18 bytes", sof},
		{"DQT table 4", patched(good, dqt+4, 0x04), "DQT: table 4", dqt},
		{"DQT precision 2", patched(good, dqt+4, 0x20), "DQT: precision 2", dqt},
		{"DHT class 2", patched(good, dht+4, 0x20), "DHT: table class 2", dht},
		{"DHT table 2 in a baseline frame", patched(good, dht+4, 0x02), "DHT: table 2", dht},
		{"DHT of no codes", patched(good, dht+5, make([]byte, 16)...), "table of no codes", dht},
		{"DHT over-subscribed", patched(good, dht+5, 3), "more codes than their lengths allow", dht},
		{"DRI length", patched(good, segmentAt(good, markDRI)+2, 0, 5), "DRI segment of 5 bytes", -1},
		{"SOS before SOF", append([]byte{0xff, markSOI}, good[sos:]...), "SOS before a frame header", 2},
		{"SOS of no component", patched(good, sos+2, 0, 6, 0), "SOS segment of 6 bytes", sos},
		{"SOS names no component", patched(good, sos+5, 9), "no component 9", sos},
		{"SOS names one twice", patched(good, sos+7, 1), "component 1 twice", sos},
		{"SOS table 2 in a baseline frame", patched(good, sos+6, 0x02), "tables 0 and 2", sos},
		{"missing huffman table", without(good, markDHT), "huffman table 0 not defined", -1},
		{"missing quantization table", without(good, markDQT), "quantization table 0 not defined", -1},
		{"MCU of 14 blocks", patched(good, sof+11, 0x33, 1, 2, 0x22), "14 blocks in an MCU", sos},
		{"huffman code not in table", ones, "huffman code not in table", -1},
		{"DC out of range", withCoef(0, 0, 2500), "DC coefficient out of range", -1},
		{"AC out of range", withCoef(0, 1, 1500), "AC coefficient out of range", -1},
		{"chroma AC out of range", withCoef(1, 1, 1500), "AC coefficient out of range", -1},
		{"wrong restart marker", patched(good, rst+1, markRST0+3), "want RST0", rst},
		{"restart marker missing", append(append(bytes.Clone(good[:rst]), good[rst+2:len(good)-2]...), 0xff, markEOI), "", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.data, 1<<20)
			var e *Error
			if !errors.As(err, &e) || errors.Is(err, ErrUnsupported) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got %q, want it to say %q", err, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "lumajpeg: byte ") || e.Offset < 0 || e.Offset > len(tt.data) {
				t.Errorf("%q: offset %d of %d bytes", err, e.Offset, len(tt.data))
			}
			if tt.at >= 0 && e.Offset != tt.at {
				t.Errorf("%q: offset %d, want %d", err, e.Offset, tt.at)
			}
		})
	}
	if _, err := Decode(good, 1<<20); err != nil {
		t.Fatalf("the stream the cases break: %v", err)
	}
}

// TestTruncated: every prefix of a stream fails, and never panics.
func TestTruncated(t *testing.T) {
	var b bytes.Buffer
	jpeg.Encode(&b, pattern("noise", 33, 17, 5), &jpeg.Options{Quality: 90})
	streams := [][]byte{b.Bytes(), smallJPEG(encOptions{restart: 1, fill: 1})}
	for _, data := range streams {
		for n := range len(data) - 1 {
			if _, err := Decode(data[:n], 1<<20); err == nil {
				t.Fatalf("a prefix of %d of %d bytes decoded", n, len(data))
			}
		}
	}
}

// seeds are streams to mutate: Go's encoder's, gray and 4:2:0, at several
// sizes and qualities; the test encoder's restarts, samplings and scans;
// and the first few kilobytes of some box photos when they are there.
func seeds(tb testing.TB) [][]byte {
	var out [][]byte
	for i, sz := range [][2]int{{1, 1}, {8, 8}, {17, 9}, {33, 20}} {
		for j, q := range []int{10, 50, 90, 100} {
			img := image.Image(pattern([]string{"noise", "text", "gradient"}[(i+j)%3], sz[0], sz[1], uint64(i)))
			if j%2 == 1 {
				img = grayOf(img)
			}
			var b bytes.Buffer
			if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
				tb.Fatal(err)
			}
			out = append(out, b.Bytes())
		}
	}
	out = append(out,
		smallJPEG(encOptions{restart: 1}),
		smallJPEG(encOptions{restart: 3, fill: 2, split: true, quant16: true}),
		smallJPEG(encOptions{comps: ycc("text", 24, 16, 4, 1, 1, 1, 1, 1), restart: 2}),
		smallJPEG(encOptions{comps: ycc("noise", 24, 16, 1, 1, 1, 1, 1, 1), scans: [][]int{{0}, {1, 2}}}),
		smallJPEG(encOptions{comps: ycc("noise", 24, 16, 2, 2, 1, 1, 1, 1)[:1], restart: 5}),
	)
	files, _ := filepath.Glob(filepath.Join(boxPhotos, "*.jpg"))
	for i, f := range files {
		if i%40 != 4 {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, data[:2048])
	}
	return out
}

// checkAgainstImageJPEG is the property FuzzDecode checks: Decode never
// panics; when it and image/jpeg both decode a stream they agree to ±1;
// when image/jpeg finds a stream malformed, Decode does too.
func checkAgainstImageJPEG(t *testing.T, data []byte) {
	got, err := Decode(data, 1<<20)
	cfg, cerr := jpeg.DecodeConfig(bytes.NewReader(data))
	if cerr == nil && int64(cfg.Width)*int64(cfg.Height) > 1<<20 {
		return // image/jpeg would take too long
	}
	std, stdErr := jpeg.Decode(bytes.NewReader(data))
	if err == nil && stdErr == nil {
		var want *image.Gray
		switch m := std.(type) {
		case *image.Gray:
			want = m
		case *image.YCbCr:
			want = &image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect}
		default:
			t.Fatalf("image/jpeg gave a %T where Decode gave a gray image", std)
		}
		if maxd, _, err := diff(got, want); err != nil || maxd > 1 {
			t.Fatalf("Decode and image/jpeg differ: %v, by up to %d", err, maxd)
		}
	}
	if err == nil && stdErr != nil {
		var unsupported jpeg.UnsupportedError
		if errors.As(stdErr, &unsupported) || splitScanQuirk(data) {
			return
		}
		t.Fatalf("image/jpeg: %v; Decode gave a %v image", stdErr, got.Rect)
	}
}

// splitScanQuirk tells whether a stream has a scan of one component in a
// frame of several. image/jpeg walks such a scan MCU by MCU of the
// interleaved layout (h×v blocks of a component at a time, counting
// restart intervals in those and, for a component sampled less than the
// luma, passing over blocks by the image's size rather than the
// component's), where T.81 A.2 makes each block an MCU: so it can fail on
// a stream that is fine, which Decode then reads.
func splitScanQuirk(data []byte) bool {
	nf := 0
	for i := 2; i+4 < len(data); i++ {
		if data[i] != 0xff {
			continue
		}
		switch m := data[i+1]; {
		case m == markSOF0 || m == markSOF1:
			if i+9 < len(data) {
				nf = int(data[i+9])
			}
		case m == markSOS:
			if nf > 1 && data[i+4] == 1 {
				return true
			}
		}
	}
	return false
}

// TestMutations runs the fuzz property over random mutations of the
// seeds, so that a plain go test checks it too.
func TestMutations(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	all := seeds(t)
	n := 3000
	if testing.Short() {
		n = 300
	}
	for range n {
		data := bytes.Clone(all[rng.IntN(len(all))])
		for range 1 + rng.IntN(4) {
			i := rng.IntN(len(data))
			switch rng.IntN(4) {
			case 0:
				data[i] = byte(rng.IntN(256))
			case 1:
				data[i] ^= 1 << rng.IntN(8)
			case 2:
				data = append(data[:i], data[min(len(data), i+1+rng.IntN(8)):]...)
			case 3:
				data = append(data[:i], append([]byte{0xff, byte(rng.IntN(256))}, data[i:]...)...)
			}
			if len(data) == 0 {
				data = []byte{0}
			}
		}
		checkAgainstImageJPEG(t, data)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(checkAgainstImageJPEG)
}

// TestBlockSum: a luma block whose dequantized coefficients sum beyond
// maxBlockSum is left to image/jpeg (ErrUnsupported); up to it, random
// blocks decode within ±1 of the float IDCT, here and in image/jpeg, on
// which FuzzDecode's comparison relies.
func TestBlockSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 100 {
		qv := []int{1, 2, 4, 8, 16}[i%5]
		var q [64]int
		for k := range q {
			q[k] = qv
		}
		enc := encodeJPEG(32, 32, encOptions{comps: ycc("noise", 32, 32, 1, 1, 1, 1, 1, 1)[:1], quant: [][64]int{q},
			coef: func(c, bx, by int, b *[64]int) {
				// Up to 64 coefficients of random signs, up to 1023 each,
				// summing to at most maxBlockSum once dequantized; DC only
				// in the first block, so that DC differences stay in range.
				*b = [64]int{}
				first := 1
				if bx == 0 && by == 0 {
					first = 0
				}
				dense := first + 1 + rng.IntN(64-first)
				for budget, tries := maxBlockSum/qv, 0; budget > 0 && tries < 1000; tries++ {
					k := first + rng.IntN(dense-first)
					v := min(budget, 1+rng.IntN(1023), 1023-max(b[k], -b[k]))
					if v == 0 {
						continue
					}
					if b[k] < 0 || b[k] == 0 && rng.IntN(2) == 0 {
						v = -v
					}
					b[k] += v
					budget -= max(v, -v)
				}
			}})
		got, err := Decode(enc.data, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		checkClose(t, got, enc.want)
		if maxd, _, _ := diff(lumaOf(t, enc.data), enc.want); maxd > 1 {
			t.Fatalf("image/jpeg off by %d on blocks within the bound", maxd)
		}
	}
	over := smallJPEG(encOptions{quant: [][64]int{quantTable(64, 255), quantTable(5, 255)}, coef: func(c, bx, by int, b *[64]int) {
		if c == 0 && bx == 1 && by == 1 {
			b[9] = 100 // 100×92 alone is over the bound
		}
	}})
	if _, err := Decode(over, 1<<20); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "beyond 8192 in sum") {
		t.Fatalf("got %v, want ErrUnsupported for the block sum", err)
	}
}
