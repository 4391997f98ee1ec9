package validate

import (
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/payload"
	"github.com/serialgate/serialgate/rules"
)

// Model is a rules-file model with its compiled rule.
type Model struct {
	rules.Model
	Rule *Rule
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
	// The combined automata are built on first use: checking against one
	// model's rule never needs them.
	once   sync.Once
	groups []dfaGroup // automata over the DFA rules, each carrying several
	slow   []int      // models whose rules are not automata
}

type dfaGroup struct {
	d      *dfa
	models []int // the automaton's rule i is Models[models[i]]
}

// maxGroupStates bounds one combined automaton; rules that would make it
// larger are split across several.
const maxGroupStates = 1 << 15

// Compile compiles every rule in rs and checks each model's examples. All
// problems are reported, joined, each as a *rules.Error naming the place.
func Compile(rs *rules.Set, opt Options) (*Set, error) {
	s := &Set{byModel: map[string]*Model{}, byASIN: map[string]*Model{}}
	var errs []error
	for _, m := range rs.Models() {
		r, err := CompileRule(m.Serial.Regex, m.Serial.Dialect, opt)
		if err != nil {
			errs = append(errs, &rules.Error{Pos: m.Serial.RegexPos, Err: fmt.Errorf("model %s: regex does not compile as %s: %w", m.Model, m.Serial.Dialect, err)})
			continue
		}
		for _, ex := range m.Valid {
			if ok, why := r.Explain(ex.Text); !ok {
				errs = append(errs, &rules.Error{Pos: ex.Pos, Err: fmt.Errorf("model %s: example %q is listed as valid but the rule rejects it: %s", m.Model, ex.Text, why)})
			}
		}
		for _, ex := range m.Invalid {
			if ok, _ := r.Explain(ex.Text); ok {
				errs = append(errs, &rules.Error{Pos: ex.Pos, Err: fmt.Errorf("model %s: example %q is listed as invalid but the rule accepts it", m.Model, ex.Text)})
			}
		}
		cm := &Model{Model: m, Rule: r}
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
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// buildGroups combines the DFA rules into as few automata of at most limit
// states as fit; a rule too large for one on its own is tried by itself.
func (s *Set) buildGroups(limit int) {
	s.groups, s.slow = nil, nil
	var fast []int
	for i, m := range s.Models {
		if m.Rule.Engine == EngineDFA {
			fast = append(fast, i)
		} else {
			s.slow = append(s.slow, i)
		}
	}
	var build func(idx []int)
	build = func(idx []int) {
		if len(idx) == 0 {
			return
		}
		var comps []component
		kept := idx[:0:0]
		for _, i := range idx {
			cs, err := s.Models[i].Rule.components()
			if err != nil { // cannot happen: the rule compiled to an automaton before
				s.slow = append(s.slow, i)
				continue
			}
			for _, c := range cs {
				c.rule = len(kept)
				comps = append(comps, c)
			}
			kept = append(kept, i)
		}
		idx = kept
		if len(idx) == 0 {
			return
		}
		d, err := compileDFA(comps, len(idx), limit)
		switch {
		case err == nil:
			s.groups = append(s.groups, dfaGroup{d: d, models: append([]int(nil), idx...)})
		case len(idx) > 1:
			h := len(idx) / 2
			build(idx[:h])
			build(idx[h:])
		default:
			s.slow = append(s.slow, idx[0])
		}
	}
	build(fast)
	sort.Ints(s.slow)
}

// ByModel returns the model named name, or nil.
func (s *Set) ByModel(name string) *Model { return s.byModel[name] }

// ByASIN returns the model an ASIN ships, or nil.
func (s *Set) ByASIN(asin string) *Model { return s.byASIN[asin] }

// Identify appends to dst the indexes in s.Models of every model whose rule
// the whole serial matches, in file order.
func (s *Set) Identify(serial string, dst []int) []int {
	s.once.Do(func() { s.buildGroups(maxGroupStates) })
	start := len(dst)
	for _, g := range s.groups {
		d := g.d
		st, ok := d.end(serial)
		if !ok {
			continue
		}
		for _, r := range d.accept[st] {
			dst = append(dst, g.models[r])
		}
	}
	for _, i := range s.slow {
		if ok, _ := s.Models[i].Rule.Match(serial); ok {
			dst = append(dst, i)
		}
	}
	if len(s.groups) > 1 || len(s.slow) > 0 {
		sort.Ints(dst[start:])
	}
	return dst
}

// Check gives the verdict on serial for model m.
func (m *Model) Check(serial string) serialgate.Verdict {
	ok, reason := m.Rule.Explain(serial)
	return serialgate.Verdict{Serial: serial, Model: m.Model.Model, OK: ok, Reason: reason}
}

// CheckAny gives the verdict on serial against every rule: valid when it
// matches at least one, with the models it matches named.
func (s *Set) CheckAny(serial string) serialgate.Verdict {
	v := serialgate.Verdict{Serial: serial}
	for _, i := range s.Identify(serial, nil) {
		v.Models = append(v.Models, s.Models[i].Model.Model)
	}
	v.OK = len(v.Models) > 0
	if !v.OK {
		v.Reason = "matches no model's serial pattern"
		if serial == "" {
			v.Reason = "empty serial"
		}
	}
	return v
}
