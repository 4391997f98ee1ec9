package lumajpeg

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// pattern draws a w×h test picture: kind "gradient", "noise" or "text"
// (dark strokes on paper, the edges of a label).
func pattern(kind string, w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 7))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			var r, g, b int
			switch kind {
			case "gradient":
				r, g, b = 255*x/max(1, w-1), 255*y/max(1, h-1), (x+y)%256
			case "noise":
				r, g, b = rng.IntN(256), rng.IntN(256), rng.IntN(256)
			case "text":
				r, g, b = 235, 230, 220
				if (x/3+y/7)%5 == 0 || (x%11 < 2 && y%13 < 9) {
					r, g, b = 20, 25, 30
				}
			}
			img.SetRGBA(x, y, color.RGBA{uint8(r), uint8(g), uint8(b), 255})
		}
	}
	return img
}

func grayOf(img image.Image) *image.Gray {
	b := img.Bounds()
	g := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g.Set(x, y, img.At(x, y))
		}
	}
	return g
}

// lumaOf is image/jpeg's decoding of data, as its luma plane.
func lumaOf(t testing.TB, data []byte) *image.Gray {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("image/jpeg: %v", err)
	}
	switch m := img.(type) {
	case *image.Gray:
		return m
	case *image.YCbCr:
		return &image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect}
	}
	t.Fatalf("image/jpeg gave a %T", img)
	return nil
}

// diff is the largest and the mean absolute difference of two gray images
// of one size; an error if their sizes differ.
func diff(got, want *image.Gray) (maxd int, mean float64, err error) {
	if !got.Rect.Eq(want.Rect) {
		return 0, 0, fmt.Errorf("size %v, want %v", got.Rect, want.Rect)
	}
	w, h := want.Rect.Dx(), want.Rect.Dy()
	sum := 0
	for y := range h {
		for x := range w {
			d := int(got.Pix[y*got.Stride+x]) - int(want.Pix[y*want.Stride+x])
			d = max(d, -d)
			maxd = max(maxd, d)
			sum += d
		}
	}
	return maxd, float64(sum) / float64(w*h), nil
}

// checkClose fails t unless got is within ±1 of want everywhere and 0.05
// on average.
func checkClose(t testing.TB, got, want *image.Gray) {
	t.Helper()
	maxd, mean, err := diff(got, want)
	if err != nil {
		t.Fatal(err)
	}
	if maxd > 1 || mean >= 0.05 {
		t.Fatalf("differs by up to %d, %.4f on average", maxd, mean)
	}
}

// TestAgreesWithImageJPEG decodes what Go's encoder writes (gray, and
// YCbCr 4:2:0) as image/jpeg does, to within ±1, for pictures of odd
// sizes at several qualities; and within 0.05 on average over each
// picture of 1000 pixels or more, and over all of them. (In a 7×9
// picture, 4 pixels off by one make a mean of 0.063; TestAccuracy shows
// whose rounding those are.)
func TestAgreesWithImageJPEG(t *testing.T) {
	var pixels, sum float64
	sizes := [][2]int{{1, 1}, {7, 9}, {17, 33}, {40, 16}, {1281, 721}}
	if testing.Short() {
		sizes = sizes[:4]
	}
	for _, sz := range sizes {
		for _, kind := range []string{"gradient", "noise", "text"} {
			src := pattern(kind, sz[0], sz[1], uint64(sz[0]))
			for _, gray := range []bool{false, true} {
				var img image.Image = src
				if gray {
					img = grayOf(src)
				}
				for _, q := range []int{50, 75, 95, 100} {
					name := fmt.Sprintf("%dx%d/%s/gray=%v/q%d", sz[0], sz[1], kind, gray, q)
					var b bytes.Buffer
					if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
						t.Fatal(err)
					}
					got, err := Decode(b.Bytes(), 1<<24)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					maxd, mean, err := diff(got, lumaOf(t, b.Bytes()))
					n := float64(sz[0] * sz[1])
					if err != nil || maxd > 1 || n >= 1000 && mean >= 0.05 {
						t.Errorf("%s: %v, differs by up to %d, %.4f on average", name, err, maxd, mean)
					}
					pixels += n
					sum += mean * n
				}
			}
		}
	}
	if mean := sum / pixels; mean >= 0.05 {
		t.Errorf("differs by %.4f on average", mean)
	}
}

// TestAccuracy compares this package's IDCT and image/jpeg's with the
// exact one: a float IDCT of the coefficients the test encoder wrote.
// Ours is within ±1 and wrong by under 0.01 on average (measured:
// 0.002-0.004; image/jpeg's 0.011-0.013).
func TestAccuracy(t *testing.T) {
	for _, kind := range []string{"text", "noise", "gradient"} {
		for _, step := range []float64{1, 3, 8, 20} {
			q := [][64]int{quantTable(step, 255)}
			y := ycc(kind, 256, 256, 1, 1, 1, 1, 1, 1)[:1]
			enc := encodeJPEG(256, 256, encOptions{comps: y, quant: q})
			got, err := Decode(enc.data, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			m1, a1, _ := diff(got, enc.want)
			m2, a2, _ := diff(lumaOf(t, enc.data), enc.want)
			t.Logf("%s, step %v: ours off by up to %d, %.4f on average; image/jpeg's %d, %.4f", kind, step, m1, a1, m2, a2)
			if m1 > 1 || a1 >= 0.01 {
				t.Errorf("%s, step %v: off by up to %d, %.4f on average", kind, step, m1, a1)
			}
		}
	}
}

// planes are the three planes of a picture for the test encoder.
func planes(kind string, w, h int, seed uint64) (y, cb, cr *image.Gray) {
	src := pattern(kind, w, h, seed)
	y, cb, cr = image.NewGray(src.Rect), image.NewGray(src.Rect), image.NewGray(src.Rect)
	for i := range w * h {
		p := src.Pix[4*i : 4*i+3]
		y.Pix[i], cb.Pix[i], cr.Pix[i] = color.RGBToYCbCr(p[0], p[1], p[2])
	}
	return y, cb, cr
}

func ycc(kind string, w, h int, hv ...int) []encComp {
	y, cb, cr := planes(kind, w, h, uint64(w*h))
	return []encComp{
		{id: 1, h: hv[0], v: hv[1], tq: 0, plane: y},
		{id: 2, h: hv[2], v: hv[3], tq: 1, plane: cb},
		{id: 3, h: hv[4], v: hv[5], tq: 1, plane: cr},
	}
}

// imageJPEGSamplings are the ratios image/jpeg decodes, by luma sampling
// (chroma 1×1).
var imageJPEGSamplings = map[[2]int]bool{{1, 1}: true, {2, 1}: true, {2, 2}: true, {1, 2}: true, {4, 1}: true, {4, 2}: true}

// TestEncoderStreams decodes the test encoder's streams (every sampling,
// restart intervals, several scans, table segments) against the float
// IDCT of the coefficients written, and against image/jpeg where it
// decodes them.
func TestEncoderStreams(t *testing.T) {
	q := [][64]int{quantTable(3, 255), quantTable(5, 255)}
	tests := []struct {
		name string
		w, h int
		opt  encOptions
	}{
		{"444", 37, 29, encOptions{comps: ycc("text", 37, 29, 1, 1, 1, 1, 1, 1)}},
		{"422", 37, 29, encOptions{comps: ycc("noise", 37, 29, 2, 1, 1, 1, 1, 1)}},
		{"440", 37, 29, encOptions{comps: ycc("gradient", 37, 29, 1, 2, 1, 1, 1, 1)}},
		{"420", 37, 29, encOptions{comps: ycc("noise", 37, 29, 2, 2, 1, 1, 1, 1)}},
		{"411", 70, 21, encOptions{comps: ycc("text", 70, 21, 4, 1, 1, 1, 1, 1)}},
		{"410", 70, 21, encOptions{comps: ycc("noise", 70, 21, 4, 2, 1, 1, 1, 1)}},
		{"3x1 luma", 50, 20, encOptions{comps: ycc("noise", 50, 20, 3, 1, 1, 1, 1, 1)}},
		{"3x2 luma, 2x1 Cb", 50, 40, encOptions{comps: ycc("noise", 50, 40, 3, 2, 2, 1, 1, 1)}},
		{"4x1 luma, 2x1 chroma", 67, 35, encOptions{comps: ycc("noise", 67, 35, 4, 1, 2, 1, 2, 1)}},
		{"4x4 gray", 67, 35, encOptions{comps: ycc("noise", 67, 35, 4, 4, 1, 1, 1, 1)[:1]}},
		{"restart every MCU", 37, 29, encOptions{comps: ycc("noise", 37, 29, 2, 2, 1, 1, 1, 1), restart: 1}},
		{"restart every 5 MCUs", 100, 60, encOptions{comps: ycc("noise", 100, 60, 2, 2, 1, 1, 1, 1), restart: 5}},
		{"restart interval longer than the image", 20, 20, encOptions{comps: ycc("noise", 20, 20, 2, 1, 1, 1, 1, 1), restart: 100}},
		{"restart, 9 intervals wrap RST7", 72, 8, encOptions{comps: ycc("noise", 72, 8, 1, 1, 1, 1, 1, 1), restart: 1}},
		{"fill bytes", 40, 24, encOptions{comps: ycc("noise", 40, 24, 2, 2, 1, 1, 1, 1), restart: 2, fill: 3}},
		{"16-bit DQT", 40, 24, encOptions{comps: ycc("noise", 40, 24, 2, 2, 1, 1, 1, 1), quant16: true}},
		{"a segment per table", 40, 24, encOptions{comps: ycc("text", 40, 24, 2, 2, 1, 1, 1, 1), split: true}},
		{"JFIF and Adobe YCbCr", 40, 24, encOptions{comps: ycc("text", 40, 24, 2, 2, 1, 1, 1, 1), jfif: true, adobe: 2}},
		{"extended sequential, SOF1", 40, 24, encOptions{comps: ycc("noise", 40, 24, 2, 2, 1, 1, 1, 1), sof: markSOF1}},
		{"scan per component", 45, 27, encOptions{comps: ycc("noise", 45, 27, 2, 2, 1, 1, 1, 1), scans: [][]int{{0}, {1}, {2}}}},
		{"chroma scans first", 45, 27, encOptions{comps: ycc("noise", 45, 27, 2, 2, 1, 1, 1, 1), scans: [][]int{{1, 2}, {0}}, restart: 3}},
		{"luma with Cb, then Cr", 45, 27, encOptions{comps: ycc("noise", 45, 27, 2, 1, 1, 1, 1, 1), scans: [][]int{{0, 1}, {2}}}},
		{"gray", 45, 27, encOptions{comps: ycc("noise", 45, 27, 1, 1, 1, 1, 1, 1)[:1]}},
		{"gray with sampling 2x2", 45, 27, encOptions{comps: ycc("noise", 45, 27, 2, 2, 1, 1, 1, 1)[:1], restart: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := tt.opt
			opt.quant = q
			enc := encodeJPEG(tt.w, tt.h, opt)
			got, err := Decode(enc.data, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			checkClose(t, got, enc.want)
			// image/jpeg counts the restart interval of a scan of luma
			// alone in groups of h×v blocks, where T.81 A.2 makes each
			// block an MCU: it cannot read those.
			y := opt.comps[0]
			restartsOff := opt.restart > 0 && opt.scans != nil && y.h*y.v > 1
			if !restartsOff && (len(opt.comps) == 1 || imageJPEGSamplings[[2]int{y.h, y.v}] && opt.comps[1].h == 1 && opt.comps[1].v == 1) {
				checkClose(t, got, lumaOf(t, enc.data))
			}
		})
	}
}

// TestUnsupported: streams image/jpeg may decode but this package does
// not give errors wrapping ErrUnsupported.
func TestUnsupported(t *testing.T) {
	q := [][64]int{quantTable(3, 255), quantTable(5, 255)}
	base := encOptions{comps: ycc("noise", 24, 16, 2, 2, 1, 1, 1, 1), quant: q}
	with := func(f func(*encOptions)) []byte {
		opt := base
		opt.comps = append([]encComp(nil), base.comps...)
		f(&opt)
		return encodeJPEG(24, 16, opt).data
	}
	cmyk := base.comps[:3:3]
	tests := []struct {
		name, msg string
		data      []byte
	}{
		{"progressive", "progressive frame (SOF2)", with(func(o *encOptions) { o.sof = markSOF2 })},
		{"lossless", "marker 0xc3", with(func(o *encOptions) { o.sof = 0xc3 })},
		{"arithmetic coding", "marker 0xc9", with(func(o *encOptions) { o.sof = 0xc9 })},
		{"12-bit", "12-bit samples", with(func(o *encOptions) { o.precision = 12 })},
		{"CMYK", "4 components", with(func(o *encOptions) {
			o.comps = append(cmyk, encComp{id: 4, h: 1, v: 1, plane: cmyk[0].plane})
			for i := range o.comps {
				o.comps[i].h, o.comps[i].v = 1, 1
			}
			o.adobe = 1
		})},
		{"Adobe RGB", "RGB components", with(func(o *encOptions) { o.adobe = 1 })},
		{"components named R, G, B", "RGB components", with(func(o *encOptions) {
			o.comps[0].id, o.comps[1].id, o.comps[2].id = 'R', 'G', 'B'
		})},
		{"height from a DNL marker", "height 0", with(func(o *encOptions) { o.zeroH = true })},
		{"chroma sampled more than luma", "luma sampled 1×1", with(func(o *encOptions) {
			o.comps[0].h, o.comps[0].v, o.comps[1].h, o.comps[1].v = 1, 1, 2, 2
		})},
		{"DNL marker", "DNL marker", append(with(func(*encOptions) {})[:2], 0xff, markDNL, 0, 4, 0, 16)},
		{"arithmetic conditioning", "marker 0xcc", append(with(func(*encOptions) {})[:2], 0xff, markDAC, 0, 4, 0, 16)},
		{"JPEG extension marker", "marker 0xf1", append(with(func(*encOptions) {})[:2], 0xff, 0xf1, 0, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.data, 1<<20)
			if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("got %v, want an error wrapping ErrUnsupported about %q", err, tt.msg)
			}
		})
	}
	// With JFIF, an Adobe marker saying RGB does not make it RGB (as
	// image/jpeg reads it); nor do components named R, G, B.
	for _, data := range [][]byte{
		with(func(o *encOptions) { o.adobe, o.jfif = 1, true }),
		with(func(o *encOptions) { o.comps[0].id, o.comps[1].id, o.comps[2].id, o.jfif = 'R', 'G', 'B', true }),
	} {
		if _, err := Decode(data, 1<<20); err != nil {
			t.Error(err)
		}
	}
}

// TestMaxPixels: a frame over the limit is refused from its header, with
// next to nothing allocated; one at the limit decodes.
func TestMaxPixels(t *testing.T) {
	var b bytes.Buffer
	jpeg.Encode(&b, pattern("noise", 300, 200, 1), nil)
	if _, err := Decode(b.Bytes(), 60000); err != nil {
		t.Fatal(err)
	}
	_, err := Decode(b.Bytes(), 59999)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "300×200") {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	// A header claiming 65535×65535 pixels, refused before the
	// 4-gigapixel image is allocated.
	huge := bytes.Clone(b.Bytes())
	sof := bytes.Index(huge, []byte{0xff, markSOF0})
	copy(huge[sof+5:], []byte{0xff, 0xff, 0xff, 0xff})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = Decode(huge, 1<<26)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
		t.Errorf("allocated %d bytes before refusing", n)
	}
}

// TestAllocation: decoding allocates the gray image, a few bands of
// coefficients and the tables: at most 3 bytes a pixel and 64 KiB, however
// tall the MCUs and however narrow or flat the image.
func TestAllocation(t *testing.T) {
	q := [][64]int{quantTable(3, 255), quantTable(5, 255)}
	for _, sz := range [][2]int{{1, 1}, {1000, 1}, {1, 1000}, {1000, 1000}} {
		w, h := sz[0], sz[1]
		// Luma sampled 4×4 makes 32×32 MCUs.
		y, cb, cr := planes("noise", w, h, 3)
		comps := []encComp{{id: 1, h: 4, v: 2, plane: y}, {id: 2, h: 1, v: 1, tq: 1, plane: cb}, {id: 3, h: 1, v: 1, tq: 1, plane: cr}}
		data := encodeJPEG(w, h, encOptions{comps: comps, quant: q}).data
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := Decode(data, int64(w*h)); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		n := after.TotalAlloc - before.TotalAlloc
		t.Logf("%d×%d: %d bytes", w, h, n)
		if limit := uint64(3*w*h + 64<<10); n > limit {
			t.Errorf("%d×%d: allocated %d bytes, over %d", w, h, n, limit)
		}
	}
}

// boxPhotos is the shared set of box-label photos beside the repository.
const boxPhotos = "../../../shared/testdata/boxlabels/images"

// TestBoxPhotos decodes every shared box-label photo as image/jpeg does,
// to within ±1.
func TestBoxPhotos(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(boxPhotos, "*.jpg"))
	if len(files) == 0 {
		t.Skipf("the shared box-label photos are absent (%s)", boxPhotos)
	}
	if testing.Short() {
		files = files[:10]
	}
	worst := 0.0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(data, 1<<26)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		maxd, mean, err := diff(got, lumaOf(t, data))
		if err != nil || maxd > 1 || mean >= 0.05 {
			t.Errorf("%s: %v, differs by up to %d, %.4f on average", f, err, maxd, mean)
		}
		worst = max(worst, mean)
	}
	t.Logf("%d photos, the largest mean difference %.4f", len(files), worst)
}
