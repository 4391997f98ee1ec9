package decode

import (
	"errors"
	"fmt"
	"image"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"

	"github.com/serialgate/serialgate"
)

// TestReaderPanic turns a panic inside a gozxing call into a *ReaderPanic
// and leaves a call that returns alone.
func TestReaderPanic(t *testing.T) {
	n, err := zxing("test reader", func() (int, error) { panic("odd input") })
	var rp *ReaderPanic
	if !errors.As(err, &rp) || rp.Reader != "test reader" || rp.Value != "odd input" || n != 0 {
		t.Fatalf("got %d, %v (%T), want a *ReaderPanic", n, err, err)
	}
	if want := "gozxing test reader panicked: odd input"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	var nilMap map[int]int
	if _, err := zxing("test reader", func() (int, error) { nilMap[1] = 1; return 0, nil }); !errors.As(err, &rp) {
		t.Errorf("a runtime error gave %v", err)
	}
	failed := errors.New("not found")
	if n, err := zxing("test reader", func() (int, error) { return 7, failed }); n != 7 || err != failed {
		t.Errorf("a plain return gave %d, %v", n, err)
	}
}

// panicky is a row reader that panics on every row, as a gozxing reader
// can on an odd one.
type panicky struct{ calls *int }

func (p panicky) DecodeRow(int, *gozxing.BitArray, map[gozxing.DecodeHintType]interface{}) (*gozxing.Result, error) {
	*p.calls++
	panic("odd row")
}

// TestReaderPanicKeepsOtherCodes reads scan lines with a reader that
// panics beside one that works: the panic costs only its own reads.
func TestReaderPanicKeepsOtherCodes(t *testing.T) {
	sym := render(t, encode(t, serialgate.Code128, "AC2000000001"), 2)
	page := canvas(sym.Width+80, sym.Height+80)
	paste(page, sym, 40, 40)
	d := New(Options{Formats: []serialgate.Symbology{serialgate.Code128}})
	calls := 0
	decs := append([]rowDecoder{{RowDecoder: panicky{&calls}, name: "test reader", cost: 1}}, d.rowDecoders()...)
	ys := []int{page.Height/2 - 4, page.Height / 2, page.Height/2 + 4}
	lines := []int{0, 1, 2}
	got := d.readLines(page, blackRows(page, nil, ys, lines, nil), ys, lines, decs, []int{0, 1})
	if calls == 0 {
		t.Fatal("the panicking reader was not called")
	}
	if codes, _ := d.vote(got, page, 0); len(codes) != 1 || codes[0].Text != "AC2000000001" || codes[0].ScanLines != 3 {
		t.Errorf("got %+v beside a panicking reader", codes)
	}
}

// TestOwnPanicNotCaught raises a panic in this package's own code, at
// stages on the worker goroutines and next to gozxing's calls, and checks
// that Gray and Image let it through rather than turning it into an error
// or a failed read: that is what lets fuzzing find such bugs.
func TestOwnPanicNotCaught(t *testing.T) {
	label := canvas(420, 260)
	paste(label, render(t, encode(t, serialgate.Code128, "AC2000000001"), 2), 20, 20)
	paste(label, render(t, encode(t, serialgate.QRCode, "SN-1"), 4), 300, 120)
	// No 2D code, a mark on it (a flat image is not read at all): the
	// Data Matrix finder by shape and the MicroPDF417 search run.
	blank := canvas(300, 200)
	for y := 20; y < 30; y++ {
		for x := 20; x < 60; x++ {
			blank.Pix[y*blank.Stride+x] = 40
		}
	}
	only := func(s serialgate.Symbology) Options { return Options{Formats: []serialgate.Symbology{s}} }
	for _, c := range []struct {
		where string
		opts  Options // the fewest readers that reach where
		g     Gray
	}{
		{"fromResult", Options{}, label},
		{"binarizer", only(serialgate.QRCode), label}, // the local binarizer, whose matrix the QR reader uses
		{"dmByShape", only(serialgate.DataMatrix), blank},
		{"pdf417", only(serialgate.MicroPDF417), blank},
	} {
		ownHook = func(where string) {
			if where == c.where {
				panic("injected in " + where)
			}
		}
		for _, image := range []bool{false, true} {
			r, err := decodePanic(New(c.opts), c.g, image)
			if r == nil || !strings.Contains(fmt.Sprint(r), "injected in "+c.where) {
				t.Errorf("%s (image %v): recovered %v, error %v; want the panic to come through", c.where, image, r, err)
			}
		}
	}
	ownHook = nil
	if got, err := New(Options{}).Gray(label); err != nil || len(got) != 2 {
		t.Errorf("without the hook: %+v %v", got, err)
	}
}

// decodePanic decodes g with d through Gray, or through Image, and returns
// what it panicked with.
func decodePanic(d *Decoder, g Gray, viaImage bool) (r any, err error) {
	defer func() { r = recover() }()
	if viaImage {
		img := &image.Gray{Pix: g.Pix, Stride: g.Stride, Rect: image.Rect(0, 0, g.Width, g.Height)}
		_, err = d.Image(img)
	} else {
		_, err = d.Gray(g)
	}
	return nil, err
}
