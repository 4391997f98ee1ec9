package decode_test

import (
	"slices"
	"testing"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/decode"
	"github.com/serialgate/serialgate/labels/render"
)

// A box label prints its codes one under another: a long model code above
// a short serial must not swallow the serial as a fragment of itself.
func TestStackedCodes(t *testing.T) {
	ean := render.Code{Symbology: serialgate.EAN13, Value: "4006381333931"}
	long := render.Code{Symbology: serialgate.Code128, Value: "ACME_PURIFIER_200"}
	short := render.Code{Symbology: serialgate.Code128, Value: "AC2000000011"}
	for _, set := range [][]render.Code{{long, short}, {short, long}, {ean, long, short}, {short, ean, long}} {
		img, err := render.Compose(set)
		if err != nil {
			t.Fatal(err)
		}
		for _, fast := range []bool{false, true} {
			found, err := decode.New(decode.Options{Fast: fast}).Image(img)
			if err != nil {
				t.Fatal(err)
			}
			var got, want []string
			for _, b := range found {
				got = append(got, b.Text)
			}
			for _, c := range set {
				want = append(want, c.Value)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("fast %v: read %q, want %q", fast, got, want)
			}
		}
	}
}
