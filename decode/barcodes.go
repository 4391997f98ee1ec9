package decode

import "github.com/serialgate/serialgate"

// Barcodes returns the shared part of each barcode found, as the verdict
// takes it.
func Barcodes(found []Barcode) []serialgate.Barcode {
	out := make([]serialgate.Barcode, len(found))
	for i, b := range found {
		out[i] = serialgate.Barcode{Text: b.Text, Raw: b.Raw, Symbology: b.Format, AIM: b.AIM}
		if q := b.Sequence; q != nil {
			out[i].Sequence = &serialgate.Sequence{Index: q.Index, Count: q.Count, ID: q.ID}
		}
	}
	return out
}
