// Package render draws the barcodes a label file would print with
// gozxing's writers and reads each back with package decode, to find
// values a symbology cannot carry before the labels print: lower case in
// Code 39 without full ASCII, an odd digit count in Interleaved 2 of 5, an
// EAN or UPC check digit that does not add up.
//
// It is the one package besides decode that imports gozxing, and it uses
// only the writers: reading stays in decode.
package render

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/decode"
)

// ErrUnsupported is returned by Check for a symbology it cannot draw; the
// value is neither passed nor flagged.
var ErrUnsupported = errors.New("no writer for this symbology")

// Error says why a symbology cannot carry a value. It is a verdict on the
// label, not a fault of the check.
type Error struct {
	Symbology serialgate.Symbology
	Value     string
	Reason    string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s cannot carry %q: %s", e.Symbology, e.Value, e.Reason)
}

const code39Set = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"

// Check draws value in sym and reads it back. It returns nil when the
// symbol reads back as value, an *Error when sym cannot carry value or the
// symbol reads back differently, ErrUnsupported for a symbology without a
// writer here, and another error when decoding itself failed.
func Check(sym serialgate.Symbology, value string) error {
	if reason := carries(sym, value); reason != "" {
		return &Error{sym, value, reason}
	}
	img, err := Draw(sym, value)
	if err != nil {
		return err
	}
	found, err := decode.New(decode.Options{Formats: []serialgate.Symbology{sym}}).Image(img)
	if err != nil {
		return fmt.Errorf("read back %s %q: %w", sym, value, err)
	}
	var got []string
	for _, b := range decode.Barcodes(found) {
		if b.Text == value || sym == serialgate.UPCA && b.Text == "0"+value {
			return nil
		}
		got = append(got, fmt.Sprintf("%q", b.Text))
	}
	if len(got) == 0 {
		return &Error{sym, value, "the drawn symbol does not read back"}
	}
	return &Error{sym, value, "the drawn symbol reads back as " + strings.Join(got, ", ")}
}

// carries tells why sym cannot carry value, or "" when the rules of the
// symbology allow it. These are the faults a printer prints anyway.
func carries(sym serialgate.Symbology, value string) string {
	switch sym {
	case serialgate.Code39:
		for i := 0; i < len(value); i++ {
			if c := value[i]; strings.IndexByte(code39Set, c) < 0 {
				if c >= 'a' && c <= 'z' {
					return fmt.Sprintf("lower case %q needs Code 39 full ASCII, which a reader reports as %q unless set up for it", c, "+"+string(c-'a'+'A'))
				}
				return fmt.Sprintf("%q is not a Code 39 character", c)
			}
		}
	case serialgate.ITF:
		if !digits(value) {
			return "Interleaved 2 of 5 carries digits only"
		}
		if len(value)%2 == 1 {
			return fmt.Sprintf("Interleaved 2 of 5 carries pairs of digits, and %d is odd", len(value))
		}
	case serialgate.EAN13, serialgate.UPCA:
		n := 13
		if sym == serialgate.UPCA {
			n = 12
		}
		if !digits(value) || len(value) != n {
			return fmt.Sprintf("%s carries %d digits", sym, n)
		}
		if c := checkDigit(value[:n-1]); c != value[n-1] {
			return fmt.Sprintf("check digit %c is wrong: the digits before it give %c", value[n-1], c)
		}
	}
	return ""
}

// Draw draws value as a symbol of sym, a few pixels a module with its
// quiet zone, as a printer at about 200 dpi would.
func Draw(sym serialgate.Symbology, value string) (image.Image, error) {
	var w gozxing.Writer
	var f gozxing.BarcodeFormat
	oneD := true
	switch sym {
	case serialgate.Code128:
		w, f = oned.NewCode128Writer(), gozxing.BarcodeFormat_CODE_128
		value = code128Input(value)
	case serialgate.Code39:
		w, f = oned.NewCode39Writer(), gozxing.BarcodeFormat_CODE_39
	case serialgate.EAN13:
		w, f = oned.NewEAN13Writer(), gozxing.BarcodeFormat_EAN_13
	case serialgate.UPCA:
		w, f = oned.NewUPCAWriter(), gozxing.BarcodeFormat_UPC_A
	case serialgate.ITF:
		w, f = oned.NewITFWriter(), gozxing.BarcodeFormat_ITF
	case serialgate.QRCode:
		w, f, oneD = qrcode.NewQRCodeWriter(), gozxing.BarcodeFormat_QR_CODE, false
	case serialgate.DataMatrix:
		w, f, oneD = datamatrix.NewDataMatrixWriter(), gozxing.BarcodeFormat_DATA_MATRIX, false
	default:
		return nil, fmt.Errorf("draw %s: %w", sym, ErrUnsupported)
	}
	m, err := encode(w, f, value)
	if err != nil {
		return nil, &Error{sym, value, "the writer refuses it: " + err.Error()}
	}
	scale, height := 3, 80
	if !oneD {
		scale, height = 4, 0
	}
	return toImage(m, scale, height), nil
}

// encode calls a gozxing writer, which can panic on input it does not
// expect: a panic is an error here.
func encode(w gozxing.Writer, f gozxing.BarcodeFormat, value string) (m *gozxing.BitMatrix, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("writer panicked: %v", r)
		}
	}()
	hints := map[gozxing.EncodeHintType]interface{}{gozxing.EncodeHintType_MARGIN: 0}
	if f == gozxing.BarcodeFormat_QR_CODE || f == gozxing.BarcodeFormat_DATA_MATRIX {
		hints[gozxing.EncodeHintType_CHARACTER_SET] = "UTF-8"
	}
	return w.Encode(value, f, 0, 0, hints)
}

// code128Input writes a Code 128 value as gozxing's writer takes it: a GS
// that stands for FNC1 becomes the writer's FNC1 character.
func code128Input(v string) string { return strings.ReplaceAll(v, "\x1d", "\u00f1") }

// toImage scales m by scale pixels a module, sets a 1D symbol's bars
// height pixels tall, and adds a quiet zone of ten modules.
func toImage(m *gozxing.BitMatrix, scale, height int) *image.Gray {
	w, h := m.GetWidth(), m.GetHeight()
	rowsPer := scale
	if height > 0 && h == 1 {
		rowsPer = height
	}
	quiet := 10 * scale
	img := image.NewGray(image.Rect(0, 0, w*scale+2*quiet, h*rowsPer+2*quiet))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if !m.Get(x, y) {
				continue
			}
			for dy := 0; dy < rowsPer; dy++ {
				for dx := 0; dx < scale; dx++ {
					img.SetGray(quiet+x*scale+dx, quiet+y*rowsPer+dy, color.Gray{})
				}
			}
		}
	}
	return img
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkDigit is the GS1 mod-10 check digit of the digits s.
func checkDigit(s string) byte {
	sum, w := 0, 3
	for i := len(s) - 1; i >= 0; i-- {
		sum += int(s[i]-'0') * w
		w = 4 - w
	}
	return byte('0' + (10-sum%10)%10)
}
