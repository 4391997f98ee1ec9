package validate

import (
	"strings"
	"testing"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/pattern"
	"github.com/serialgate/serialgate/rules"
)

const pickRules = `version: 1
manufacturers:
  - name: Acme
    models:
      - model: PURIFIER
        asins: [B0ACME0200]
        serial:
          regex: '^AC2\d{9}$'
      - model: POD
        serial:
          regex: '^PD\d{6}$'
          source: gs1:21
          symbologies: [DATA_MATRIX, qr]
`

func pickSet(t *testing.T) *Set {
	t.Helper()
	rs, err := rules.Parse("pick.yaml", []byte(pickRules))
	return mustCompile(t, rs, err)
}

func TestPick(t *testing.T) {
	s := pickSet(t)
	label := []serialgate.Barcode{
		{Text: "036000291452", Symbology: serialgate.UPCA, AIM: "]E0"},
		{Text: "AC2000000001", Symbology: serialgate.Code128, AIM: "]C0"},
		{Text: "https://id.gs1.org/01/09506000134352/21/X1", Symbology: serialgate.QRCode, AIM: "]Q1"},
		{Text: "PURIFIER", Symbology: serialgate.Code39, AIM: "]A0"},
	}
	p := s.Pick(label, s.ByModel("PURIFIER"))
	if !p.OK() || p.Serial != "AC2000000001" || p.Barcode != 1 || p.Ambiguous {
		t.Fatalf("pick %+v", p)
	}
	roles := map[int]string{}
	for _, o := range p.Others {
		roles[o.Barcode] = o.Role
	}
	if roles[0] != "product code (GTIN)" || roles[2] != "GS1 Digital Link" || roles[3] != "model number" {
		t.Errorf("roles %v", roles)
	}

	// The GS1 serial in a Data Matrix, but not in a Code 128.
	gs1 := []serialgate.Barcode{
		{Text: "0109506000134352" + "21PD123456", Symbology: serialgate.Code128, AIM: "]C1"},
		{Text: "0109506000134352" + "21PD654321", Symbology: serialgate.DataMatrix, AIM: "]d2"},
	}
	p = s.Pick(gs1, nil)
	if p.Serial != "PD654321" || strings.Join(p.Models, ",") != "POD" || p.Barcode != 1 {
		t.Fatalf("gs1 pick %+v", p)
	}

	// Two different serials: ambiguous, none picked.
	two := []serialgate.Barcode{
		{Text: "AC2000000001", Symbology: serialgate.Code128},
		{Text: "AC2000000002", Symbology: serialgate.Code128},
	}
	p = s.Pick(two, nil)
	if p.OK() || !p.Ambiguous || p.Verdict.Reason != serialgate.ReasonAmbiguous || !strings.Contains(p.Verdict.Message, "2 different serials") {
		t.Fatalf("ambiguous pick %+v", p)
	}
	// The same serial twice is not ambiguous.
	two[1].Text = two[0].Text
	if p = s.Pick(two, nil); !p.OK() || p.Ambiguous {
		t.Fatalf("duplicate pick %+v", p)
	}

	// Nothing for the model: the reason says what was seen.
	p = s.Pick([]serialgate.Barcode{{Text: "AC200000001", Symbology: serialgate.Code128}}, s.ByModel("PURIFIER"))
	if p.OK() || p.Verdict.Reason != serialgate.ReasonNoSerial || !strings.Contains(p.Verdict.Message, `code 1 (CODE_128 "AC200000001"): incomplete`) {
		t.Fatalf("miss %+v", p)
	}
	if p = s.Pick(nil, nil); p.OK() || p.Verdict.Reason != serialgate.ReasonNoBarcode || p.Verdict.Message != "no barcode found" {
		t.Fatalf("empty %+v", p)
	}

	// One symbol of a structured-append series holds only part of a
	// message: a serial-looking text in it is not taken.
	parts := []serialgate.Barcode{
		{Text: "AC2000000001", Symbology: serialgate.QRCode, AIM: "]Q1", Sequence: &serialgate.Sequence{Index: 1, Count: 2}},
		{Text: "AC2000000002", Symbology: serialgate.Code128, AIM: "]C0"},
	}
	p = s.Pick(parts, nil)
	if !p.OK() || p.Serial != "AC2000000002" || !p.Verdict.OK || p.Verdict.Serial != "AC2000000002" || len(p.Others) != 1 || p.Others[0].Role != "part of a structured-append series" {
		t.Fatalf("series part %+v", p)
	}
}

func TestSourceErrors(t *testing.T) {
	bad := strings.Replace(pickRules, "source: gs1:21", "source: gs1:7", 1)
	bad = strings.Replace(bad, "[DATA_MATRIX, qr]", "[DATA_MATRIX, MAXI]", 1)
	rs, err := rules.Parse("pick.yaml", []byte(bad))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(rs, pattern.Options{})
	if err == nil || !strings.Contains(err.Error(), "pick.yaml:12:19: model POD: source") || !strings.Contains(err.Error(), `unknown symbology "MAXI"`) {
		t.Fatalf("got %v", err)
	}
}
