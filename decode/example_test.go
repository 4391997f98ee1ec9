package decode_test

import (
	"fmt"
	"image"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"

	"github.com/serialgate/serialgate/decode"
)

func ExampleDecoder_Image() {
	// A label with one Code 128 symbol, drawn with gozxing's writer.
	bits, _ := oned.NewCode128Writer().Encode("AC2000000001", gozxing.BarcodeFormat_CODE_128, 0, 50, nil)
	img := image.NewGray(image.Rect(0, 0, bits.GetWidth()*2+40, 90))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y := 0; y < bits.GetHeight(); y++ {
		for x := 0; x < bits.GetWidth()*2; x++ {
			if bits.Get(x/2, y) {
				img.Pix[(y+20)*img.Stride+x+20] = 0
			}
		}
	}
	codes, err := decode.New(decode.Options{}).Image(img)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range codes {
		fmt.Println(c.Symbology, c.AIM, c.Text)
	}
	// Output:
	// CODE_128 ]C0 AC2000000001
}
