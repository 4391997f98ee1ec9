// Package validate turns serials and labels into verdicts: it compiles a
// rules file's patterns into a Set, checks a serial against a model's rule
// or finds the models it belongs to, and picks the serial among a label's
// barcodes. The regex engine itself is package pattern.
package validate

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/pattern"
	"github.com/serialgate/serialgate/payload"
	"github.com/serialgate/serialgate/rules"
)

// Model is a rules-file model with its compiled pattern.
type Model struct {
	rules.Model
	Pattern *pattern.Pattern
	// Source is where the serial stands in a barcode's payload.
	Source payload.Source
	// Symbologies, when not empty, are the ones the serial may be printed in.
	Symbologies []serialgate.Symbology
}

// Set is a compiled rules file: look up a model's rule by model or ASIN,
// or find every model a serial belongs to in one pass.
type Set struct {
	Models  []*Model
	byModel map[string]*Model
	byASIN  map[string]*Model
	union   *pattern.Union
}

// Compile compiles every rule in rs and checks each model's examples. All
// problems are reported, joined, each as a *rules.Error naming the place.
func Compile(rs *rules.Set, opt pattern.Options) (*Set, error) {
	s := &Set{byModel: map[string]*Model{}, byASIN: map[string]*Model{}}
	var errs []error
	var ps []*pattern.Pattern
	for _, m := range rs.Models() {
		p, err := pattern.Compile(m.Serial.Regex, m.Serial.Dialect, opt)
		if err != nil {
			errs = append(errs, &rules.Error{Pos: m.Serial.RegexPos, Err: fmt.Errorf("model %s: regex does not compile as %s: %w", m.Model, m.Serial.Dialect, err)})
			continue
		}
		for _, ex := range m.Valid {
			if v := p.Check(ex.Text); !v.OK {
				errs = append(errs, &rules.Error{Pos: ex.Pos, Err: fmt.Errorf("model %s: example %q is listed as valid but the rule rejects it: %s", m.Model, ex.Text, v.Message)})
			}
		}
		for _, ex := range m.Invalid {
			if v := p.Check(ex.Text); v.OK {
				errs = append(errs, &rules.Error{Pos: ex.Pos, Err: fmt.Errorf("model %s: example %q is listed as invalid but the rule accepts it", m.Model, ex.Text)})
			}
		}
		cm := &Model{Model: m, Pattern: p}
		if cm.Source, err = payload.ParseSource(m.Serial.Source); err != nil {
			errs = append(errs, &rules.Error{Pos: m.Serial.SourcePos, Err: fmt.Errorf("model %s: %w", m.Model, err)})
		}
		for _, name := range m.Serial.Symbologies {
			sym, err := serialgate.ParseSymbology(name)
			if err != nil {
				errs = append(errs, &rules.Error{Pos: m.Serial.SymbologiesPos, Err: fmt.Errorf("model %s: %w", m.Model, err)})
				continue
			}
			cm.Symbologies = append(cm.Symbologies, sym)
		}
		s.byModel[m.Model] = cm
		for _, a := range m.ASINs {
			s.byASIN[a] = cm
		}
		s.Models = append(s.Models, cm)
		ps = append(ps, p)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	s.union = pattern.NewUnion(ps)
	return s, nil
}

// Union describes how Identify runs the rules: how many are filed under
// a serial prefix, combined into automata or tried one by one.
func (s *Set) Union() pattern.Stats { return s.union.Stats() }

// ByModel returns the model named name, or nil.
func (s *Set) ByModel(name string) *Model { return s.byModel[name] }

// ByASIN returns the model an ASIN ships, or nil.
func (s *Set) ByASIN(asin string) *Model { return s.byASIN[asin] }

// Identify appends to dst the indexes in s.Models of every model whose rule
// the whole serial matches, in file order.
func (s *Set) Identify(serial string, dst []int) []int { return s.union.Identify(serial, dst) }

// Check gives the verdict on serial for model m. A serial that fails m's
// rule but matches other models' rules is rejected as of the wrong model,
// naming them: the usual cause is a box of another model on the line. Only
// rules that run on the automaton are asked, so a reject never waits on a
// backtracking rule.
func (s *Set) Check(m *Model, serial string) serialgate.Verdict {
	v := m.Check(serial)
	if v.OK || v.Reason == serialgate.ReasonEmpty {
		return v
	}
	var others []string
	for _, i := range s.union.IdentifyAutomata(serial, nil) {
		if o := s.Models[i]; o != m {
			others = append(others, o.Model.Model)
		}
	}
	if len(others) > 0 {
		v.Reason, v.Pos, v.Models = serialgate.ReasonWrongModel, 0, others
		v.Message = fmt.Sprintf("wrong model: the serial is one of %s, not of %s (%s)", joinModels(others), m.Model.Model, v.Message)
	}
	return v
}

// Check gives the verdict on serial for model m alone.
func (m *Model) Check(serial string) serialgate.Verdict {
	v := m.Pattern.Check(serial)
	v.Model = m.Model.Model
	return v
}

// CheckAny gives the verdict on serial against every rule: valid when it
// matches at least one, with the models it matches named.
func (s *Set) CheckAny(serial string) serialgate.Verdict {
	v := serialgate.Verdict{Serial: serial}
	for _, i := range s.Identify(serial, nil) {
		v.Models = append(v.Models, s.Models[i].Model.Model)
	}
	v.OK = len(v.Models) > 0
	switch {
	case v.OK:
	case serial == "":
		v.Reason, v.Message = serialgate.ReasonEmpty, "empty serial"
	default:
		v.Reason, v.Message = serialgate.ReasonNoMatch, "matches no model's serial pattern"
	}
	return v
}

// Unknown is the verdict on a serial checked against a model or ASIN the
// rules do not have: named is what was asked for ("model X", "ASIN Y").
func Unknown(serial, named string) serialgate.Verdict {
	return serialgate.Verdict{Serial: serial, Reason: serialgate.ReasonUnknownModel,
		Message: fmt.Sprintf("%s is not in the rules", named)}
}

func joinModels(ms []string) string {
	out := ""
	for i, m := range ms {
		switch {
		case i == 0:
		case i == len(ms)-1:
			out += " or "
		default:
			out += ", "
		}
		out += m
	}
	return out
}

// MatchesAny tells whether a serial held in bytes, such as a line still in
// a reader's buffer, matches any model's rule; it does not keep serial.
func (s *Set) MatchesAny(serial []byte) bool {
	var idx [8]int
	// Identify keeps no part of the string it is given, so viewing the
	// bytes as one is safe.
	return len(s.Identify(unsafe.String(unsafe.SliceData(serial), len(serial)), idx[:0])) > 0
}
