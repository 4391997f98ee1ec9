package decode

import "github.com/serialgate/serialgate"

// Barcodes returns what each barcode found says, as the verdict takes it.
func Barcodes(found []Barcode) []serialgate.Barcode {
	out := make([]serialgate.Barcode, len(found))
	for i, b := range found {
		out[i] = b.Barcode
	}
	return out
}
