package validate

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/serialgate/serialgate/internal/catalogue"
	"github.com/serialgate/serialgate/pattern"
	"github.com/serialgate/serialgate/rules"
)

// TestIdentifyCatalogue checks, over a generated catalogue, that Identify
// names exactly the models whose rules match when each is asked alone:
// for valid serials of random models, near misses and random text.
func TestIdentifyCatalogue(t *testing.T) {
	n := 4000
	if testing.Short() {
		n = 800
	}
	ms := catalogue.Generate(n, 3)
	var b strings.Builder
	if err := catalogue.WriteRules(&b, ms, 3); err != nil {
		t.Fatal(err)
	}
	rs, err := rules.Parse("catalogue.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Compile(rs, pattern.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d models: %+v", len(s.Models), s.Union())
	rng := rand.New(rand.NewPCG(5, 8))
	var serials []string
	for range 4000 {
		serials = append(serials, catalogue.Serial(ms, rng))
	}
	for i := range ms {
		if i%7 == 0 {
			serials = append(serials, ms[i].Valid(rng))
		}
	}
	serials = append(serials, "", "\u00e9", "A", "AA", strings.Repeat("9", 40))
	multi := 0
	var got []int
	for _, serial := range serials {
		var want []int
		for i, m := range s.Models {
			if ok, _ := m.Pattern.Match(serial); ok {
				want = append(want, i)
			}
		}
		if len(want) > 1 {
			multi++
		}
		got = s.Identify(serial, got[:0])
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%q: Identify = %v, the rules one by one say %v", serial, got, want)
		}
	}
	t.Logf("%d serials, %d matching more than one model", len(serials), multi)
	if multi == 0 {
		t.Error("no serial matched two models: the catalogue should overlap")
	}
}
