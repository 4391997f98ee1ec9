package decode

import (
	"testing"

	"github.com/serialgate/serialgate"
)

// TestMicroQRNoFalsePositives reads shared sample photos without a Micro
// QR Code, looking for Micro QR only: they must give nothing.
func TestMicroQRNoFalsePositives(t *testing.T) {
	if testing.Short() {
		t.Skip("reads every shared photo")
	}
	// Regular QR codes, whose finder patterns look alike, and the photos
	// without any code.
	folders := []string{"falsepositives-1", "qrcode-2", "qrcode-5"}
	d := New(Options{Formats: []serialgate.Symbology{serialgate.MicroQR}})
	n := 0
	for _, p := range loadPhotos(t, folders...) {
		n++
		got, err := d.Gray(p.g)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range got {
			t.Errorf("%s/%s: read a Micro QR Code %q where there is none", p.folder, p.name, b.Text)
		}
	}
	t.Logf("%d photos", n)
}
