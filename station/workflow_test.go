package station

import (
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/examples"
	"github.com/serialgate/serialgate/pattern"
	"github.com/serialgate/serialgate/rules"
	"github.com/serialgate/serialgate/validate"
)

func sampleRules(t testing.TB) (*rules.Set, *validate.Set) {
	t.Helper()
	data, err := fs.ReadFile(examples.FS, "rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rules.Parse("rules.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	set, err := validate.Compile(rs, pattern.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rs, set
}

func code(text string) serialgate.Barcode { return serialgate.Barcode{Text: text} }

func TestVerify(t *testing.T) {
	_, set := sampleRules(t)
	l, err := NewLine(Verify, set, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// No model yet: a serial is not judged.
	d := l.Decide(code("AC2000000001"))
	if d.Kind != KindSerial || d.Verdict.OK || d.Verdict.Reason != serialgate.ReasonUnknownModel {
		t.Fatalf("no model: %+v", d)
	}
	// Scanning the ASIN sets the model.
	d = l.Decide(code("B0ACME0200"))
	if d.Kind != KindModel || d.Model.Model.Model != "ACME_PURIFIER_200" {
		t.Fatalf("asin: %+v", d)
	}
	l.Commit(d)
	for _, tc := range []struct {
		text   string
		ok     bool
		reason serialgate.Reason
	}{
		{"AC2000000001", true, serialgate.ReasonNone},
		{"]C0AC2000000002", true, serialgate.ReasonNone}, // AIM prefix as some scanners send it
		{"AC200000001", false, serialgate.ReasonIncomplete},
		{"BK2024W0112345", false, serialgate.ReasonWrongModel},
		{"", false, serialgate.ReasonEmpty},
	} {
		b := code(tc.text)
		if strings.HasPrefix(tc.text, "]C0") {
			b = serialgate.Scan{Text: tc.text[3:], AIM: "]C0"}.Barcode()
		}
		d := l.Decide(b)
		if d.Kind != KindSerial || d.Verdict.OK != tc.ok || d.Verdict.Reason != tc.reason || d.Next == "" {
			t.Errorf("%q: %+v (%s)", tc.text, d.Verdict, d.Verdict.Message)
		}
	}
	// The model number itself switches too.
	if d := l.Decide(code("KW_BREW_KETTLE")); d.Kind != KindModel {
		t.Errorf("model number: %+v", d)
	}
}

func TestPrereg(t *testing.T) {
	_, set := sampleRules(t)
	orders := []Order{{ID: "114-1", ASIN: "B0ACME0200", Quantity: 2, CustomerID: "amzn1.account.A1"}}
	l, err := NewLine(Prereg, set, nil, orders)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	l.Now = func() time.Time { return now }
	l.Manufacturer = func(m *validate.Model) (string, string) { return "Acme Devices", "amzn1.application-oa2-client.1" }
	if d := l.Decide(code("AC2000000001")); d.Verdict.OK || d.Verdict.Reason != serialgate.ReasonNoOrder {
		t.Fatalf("before the order: %+v", d.Verdict)
	}
	d := l.Decide(code("114-1"))
	if d.Kind != KindOrder {
		t.Fatalf("order scan: %+v", d)
	}
	l.Commit(d)
	for i, serial := range []string{"AC2000000001", "AC2000000002"} {
		d := l.Decide(code(serial))
		r := d.Registration
		if !d.Verdict.OK || r == nil || r.Serial != serial || r.CustomerID != "amzn1.account.A1" || r.OrderID != "114-1" ||
			r.Model != "ACME_PURIFIER_200" || r.LWAClientID != "amzn1.application-oa2-client.1" || !r.Time.Equal(now) {
			t.Fatalf("device %d: %+v %+v", i+1, d.Verdict, r)
		}
		l.Commit(d)
	}
	if p, _ := l.CurrentOrder(); p.Scanned != 2 {
		t.Errorf("progress %+v", p)
	}
	d = l.Decide(code("AC2000000003"))
	if d.Verdict.OK || d.Verdict.Reason != serialgate.ReasonOverScanned || d.Registration != nil {
		t.Errorf("over-scan: %+v", d.Verdict)
	}
	// A device of another model for this order is the wrong model.
	if d := l.Decide(code("BK2024W0112345")); d.Verdict.Reason != serialgate.ReasonWrongModel {
		t.Errorf("other model: %+v", d.Verdict)
	}
	// An order for an ASIN not in the rules is refused.
	if err := l.AddOrders([]Order{{ID: "9", ASIN: "B0NOPE", Quantity: 1, CustomerID: "c"}}); err == nil {
		t.Error("unknown ASIN accepted")
	}
}

// A picture of a box label holds several barcodes: the serial is picked
// among them for the line's model, the others are not judged as serials,
// and a model number printed on the box does not switch the line.
func TestDecideLabel(t *testing.T) {
	_, set := sampleRules(t)
	l, err := NewLine(Verify, set, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ean := serialgate.Barcode{Text: "4006381333931", Symbology: serialgate.EAN13}
	// No model set: the label's model barcode sets it.
	d := l.DecideLabel([]serialgate.Barcode{ean, code("ACME_PURIFIER_200"), code("AC2000000001")})
	if d.Kind != KindModel || d.Model.Model.Model != "ACME_PURIFIER_200" || d.Barcode != 1 {
		t.Fatalf("model from a label: %+v", d)
	}
	l.Commit(d)
	for _, tc := range []struct {
		name   string
		codes  []serialgate.Barcode
		ok     bool
		reason serialgate.Reason
		at     int
		serial string
	}{
		{"serial among others", []serialgate.Barcode{ean, code("ACME_PURIFIER_200"), code("AC2000000001")}, true, serialgate.ReasonNone, 2, "AC2000000001"},
		{"other model's label", []serialgate.Barcode{code("KW_BREW_KETTLE"), code("BK2024W0112345"), ean}, false, serialgate.ReasonWrongModel, 1, "BK2024W0112345"},
		{"two serials", []serialgate.Barcode{code("AC2000000001"), code("AC2000000002")}, false, serialgate.ReasonAmbiguous, -1, ""},
		{"one unknown code is the serial", []serialgate.Barcode{ean, code("AC2-00000001")}, false, serialgate.ReasonUnexpected, 1, "AC2-00000001"},
		{"no serial", []serialgate.Barcode{ean, code("hello"), code("world")}, false, serialgate.ReasonNoSerial, -1, ""},
		{"nothing read", []serialgate.Barcode{}, false, serialgate.ReasonNoBarcode, -1, ""},
	} {
		d := l.DecideLabel(tc.codes)
		if d.Kind != KindSerial || d.Verdict.OK != tc.ok || d.Verdict.Reason != tc.reason || d.Barcode != tc.at || d.Verdict.Serial != tc.serial || d.Next == "" {
			t.Errorf("%s: %+v", tc.name, d)
		}
		l.Commit(d)
		if l.Model().Model.Model != "ACME_PURIFIER_200" {
			t.Fatalf("%s: the line's model became %s", tc.name, l.Model().Model.Model)
		}
	}

	// Prereg: the order slip's barcode selects the order; a device label's
	// serial becomes its registration.
	p, err := NewLine(Prereg, set, nil, []Order{{ID: "114-7", ASIN: "B0ACME0200", Quantity: 1, CustomerID: "amzn1.account.A7"}})
	if err != nil {
		t.Fatal(err)
	}
	if d := p.DecideLabel([]serialgate.Barcode{ean, code("AC2000000009")}); d.Verdict.Reason != serialgate.ReasonNoOrder {
		t.Fatalf("label before the order: %+v", d)
	}
	d = p.DecideLabel([]serialgate.Barcode{code("SHIP-TO"), code("114-7")})
	if d.Kind != KindOrder || d.Order.ID != "114-7" || d.Barcode != 1 {
		t.Fatalf("order slip: %+v", d)
	}
	p.Commit(d)
	d = p.DecideLabel([]serialgate.Barcode{ean, code("AC2000000009"), code("B0ACME0200")})
	if !d.Verdict.OK || d.Registration == nil || d.Registration.Serial != "AC2000000009" || d.Barcode != 1 {
		t.Fatalf("device label: %+v", d)
	}
}
