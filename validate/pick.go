package validate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/payload"
)

// Candidate is a barcode whose serial, taken from where a model's rule
// says, matches that rule.
type Candidate struct {
	Barcode int // index into the barcodes given to Pick
	Serial  string
	Model   string
}

// Other is a barcode on the label that carries no serial, named for what
// it is.
type Other struct {
	Barcode int
	Role    string // "product code (GTIN)", "GS1 Digital Link", "URL", "GS1 data", "model number", "ASIN", "part of a structured-append series", "other"
}

// Pick is the outcome of looking for the serial among a label's barcodes.
type Pick struct {
	Serial     string // the serial, when exactly one distinct serial qualifies
	Models     []string
	Barcode    int // the barcode that carries it, or -1
	Candidates []Candidate
	Ambiguous  bool // more than one distinct serial qualifies
	Others     []Other
	// Verdict is the label's verdict: the picked serial's, or why none was
	// picked (no barcode, no serial, ambiguous).
	Verdict serialgate.Verdict
}

// OK tells whether one serial was found.
func (p Pick) OK() bool { return p.Barcode >= 0 }

// CheckLabel gives the verdict on a label, from the barcodes read off it,
// for model m or, when m is nil, for any model: the one function the
// command line, the station and the label files turn labels into verdicts
// with.
func (s *Set) CheckLabel(codes []serialgate.Barcode, m *Model) serialgate.Verdict {
	return s.Pick(codes, m).Verdict
}

// Pick finds the barcode that carries the serial among codes, the
// barcodes read from one label, for model m, or for any model when m is
// nil.
func (s *Set) Pick(codes []serialgate.Barcode, m *Model) Pick {
	out := Pick{Barcode: -1}
	models := s.Models
	if m != nil {
		models = []*Model{m}
	}
	carries := make([]bool, len(codes))
	var nearMiss []string
	for i, c := range codes {
		if c.Partial() {
			continue // part of a message: no serial is taken from a fragment
		}
		aim, _, _ := payload.SplitAIM(c.AIM)
		for _, md := range models {
			if len(md.Symbologies) > 0 && c.Symbology != "" && !slices.Contains(md.Symbologies, c.Symbology) { // a hand scanner without AIM does not say
				continue
			}
			serial, ok, why := md.Source.Extract(c.Text, aim)
			if !ok {
				if m != nil {
					nearMiss = append(nearMiss, fmt.Sprintf("code %d (%s): %s", i+1, c.Symbology, why))
				}
				continue
			}
			if v := md.Pattern.Check(serial); v.OK {
				out.Candidates = append(out.Candidates, Candidate{Barcode: i, Serial: serial, Model: md.Model.Model})
				carries[i] = true
			} else if m != nil {
				nearMiss = append(nearMiss, fmt.Sprintf("code %d (%s %q): %s", i+1, c.Symbology, serial, v.Message))
			}
		}
	}
	for i, c := range codes {
		if !carries[i] {
			out.Others = append(out.Others, Other{Barcode: i, Role: s.role(c)})
		}
	}
	var serials []string
	for _, c := range out.Candidates {
		if !slices.Contains(serials, c.Serial) {
			serials = append(serials, c.Serial)
		}
	}
	v := &out.Verdict
	if m != nil {
		v.Model = m.Model.Model
	}
	switch {
	case len(codes) == 0:
		v.Reason, v.Message = serialgate.ReasonNoBarcode, "no barcode found"
	case len(serials) == 0 && m != nil:
		v.Reason, v.Message = serialgate.ReasonNoSerial, fmt.Sprintf("no barcode carries a serial for model %s", m.Model.Model)
		if len(nearMiss) > 0 {
			v.Message += ": " + strings.Join(nearMiss, "; ")
		}
	case len(serials) == 0:
		v.Reason, v.Message = serialgate.ReasonNoSerial, "no barcode carries a serial that matches a model's rule"
	case len(serials) > 1:
		out.Ambiguous = true
		v.Reason, v.Message = serialgate.ReasonAmbiguous, fmt.Sprintf("ambiguous: %d different serials match: %s", len(serials), strings.Join(serials, ", "))
	default:
		out.Serial = serials[0]
		out.Barcode = out.Candidates[0].Barcode
		for _, c := range out.Candidates {
			if !slices.Contains(out.Models, c.Model) {
				out.Models = append(out.Models, c.Model)
			}
		}
		v.Serial, v.OK = out.Serial, true
		if m == nil {
			v.Models = out.Models
		}
	}
	return out
}

// role names what a barcode that carries no serial is.
func (s *Set) role(c serialgate.Barcode) string {
	if c.Partial() {
		return "part of a structured-append series"
	}
	switch c.Symbology {
	case serialgate.EAN13, serialgate.EAN8, serialgate.UPCA, serialgate.UPCE:
		return "product code (GTIN)"
	}
	text := c.Text
	if _, rest, ok := payload.SplitAIM(text); ok {
		text = rest
	}
	if strings.HasPrefix(text, "http://") || strings.HasPrefix(text, "https://") {
		if _, err := payload.ParseDigitalLink(text); err == nil {
			return "GS1 Digital Link"
		}
		return "URL"
	}
	if aim, _, _ := payload.SplitAIM(c.AIM); aim.GS1() {
		return "GS1 data"
	}
	if s.ByModel(text) != nil {
		return "model number"
	}
	if s.ByASIN(text) != nil {
		return "ASIN"
	}
	return "other"
}
