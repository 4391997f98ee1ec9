// Package rules reads the manufacturers' serial rules file (schema version 1):
// manufacturers, their device models, the ASINs that ship each model, and
// the serial pattern each model's serials must match, with its regex
// dialect and examples. Loading checks the file's shape; compiling the
// patterns is the validate package's job.
package rules

import (
	"fmt"
	"io/fs"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/serialgate/serialgate/internal/yamlfile"
	"github.com/serialgate/serialgate/pattern"
)

// Pos is a place in a rules file.
type Pos = yamlfile.Pos

// Set is a loaded rules file.
type Set struct {
	File          string
	Version       int
	Manufacturers []Manufacturer
}

// Manufacturer is one device maker and its models.
type Manufacturer struct {
	Name        string
	LWAClientID string
	Models      []Model
	Pos         Pos
}

// Model is one device model: the device_model / modelId, the ASINs that ship
// it and its serial rule.
type Model struct {
	Model        string
	Manufacturer string
	ASINs        []string
	ASINPos      []Pos // where each ASIN stands
	Serial       Serial
	Valid        []Example
	Invalid      []Example
	Pos          Pos
}

// Serial is a model's serial pattern, and where in a barcode the serial
// is found.
type Serial struct {
	Regex    string
	Dialect  pattern.Dialect
	RegexPos Pos // where the regex's value starts
	// Source says where the serial is in a barcode's payload: "payload"
	// (the default: all of it), "gs1:AI", "dl:AI" or "iso15434:DI".
	Source    string
	SourcePos Pos
	// Symbologies, when not empty, are the only symbologies the serial
	// may be printed in (zxing names: CODE_128, DATA_MATRIX, ...).
	Symbologies    []string
	SymbologiesPos Pos
	// ZPLField, when not 0, names the label-file field that prints the
	// serial: the ^FN number of a ZPL field, or else the field's place
	// among its label's data fields, from 1 (EPL and TSPL too). Zero: the
	// serial is the barcode whose value matches the rule.
	ZPLField    int
	ZPLFieldPos Pos
}

// Example is a serial given in the file as valid or invalid for its model.
type Example struct {
	Text string
	Pos  Pos
}

// Models returns every model of every manufacturer, in file order.
func (s *Set) Models() []Model {
	var out []Model
	for _, m := range s.Manufacturers {
		out = append(out, m.Models...)
	}
	return out
}

// Error is a problem at a place in a rules file. It unwraps to its cause.
type Error = yamlfile.Error

// ErrUnknownKey is the cause of an Error for a key the schema does not have.
var ErrUnknownKey = yamlfile.ErrUnknownKey

// Load reads and parses the rules file name from fsys.
func Load(fsys fs.FS, name string) (*Set, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read rules: %w", err)
	}
	return Parse(name, data)
}

// Parse parses a rules file's contents. file names it in errors. Every
// problem found is reported, joined with errors.Join, each as an *Error.
func Parse(file string, data []byte) (*Set, error) {
	root, err := yamlfile.Root(file, "rules file", data)
	if err != nil {
		return nil, err
	}
	p := &parser{Reader: &yamlfile.Reader{File: file}}
	set := p.set(root)
	if err := p.Err(); err != nil {
		return nil, err
	}
	return set, nil
}

type parser struct {
	*yamlfile.Reader
}

func (p *parser) set(root *yaml.Node) *Set {
	s := &Set{File: p.File}
	p.Fields(root, "rules file", []yamlfile.Field{{Key: "version", Required: true}, {Key: "manufacturers", Required: true}}, func(key string, k, v *yaml.Node) {
		switch key {
		case "version":
			if v.Kind != yaml.ScalarNode || v.Value != "1" {
				p.Errorf(v, "version: want 1, got %s", yamlfile.Kind(v))
				return
			}
			s.Version = 1
		case "manufacturers":
			for _, mn := range p.List(v, "manufacturers") {
				s.Manufacturers = append(s.Manufacturers, p.manufacturer(mn))
			}
		}
	})
	p.checkUnique(s)
	return s
}

func (p *parser) manufacturer(n *yaml.Node) Manufacturer {
	m := Manufacturer{Pos: p.Pos(n)}
	var models []*yaml.Node
	p.Fields(n, "manufacturer", []yamlfile.Field{{Key: "name", Required: true}, {Key: "lwa_client_id", Required: false}, {Key: "models", Required: true}}, func(key string, k, v *yaml.Node) {
		switch key {
		case "name":
			m.Name, _ = p.Str(v, "name")
		case "lwa_client_id":
			m.LWAClientID, _ = p.Str(v, "lwa_client_id")
		case "models":
			models = p.List(v, "models")
		}
	})
	for _, mn := range models {
		md := p.model(mn)
		md.Manufacturer = m.Name
		m.Models = append(m.Models, md)
	}
	return m
}

func (p *parser) model(n *yaml.Node) Model {
	m := Model{Pos: p.Pos(n)}
	p.Fields(n, "model", []yamlfile.Field{{Key: "model", Required: true}, {Key: "asins", Required: false}, {Key: "serial", Required: true}, {Key: "examples", Required: false}}, func(key string, k, v *yaml.Node) {
		switch key {
		case "model":
			if s, ok := p.Str(v, "model"); ok {
				if s == "" {
					p.Errorf(v, "model: empty model name")
				}
				m.Model = s
			}
		case "asins":
			for _, an := range p.List(v, "asins") {
				if a, ok := p.Str(an, "asin"); ok {
					if a == "" {
						p.Errorf(an, "asins: empty ASIN")
						continue
					}
					m.ASINs = append(m.ASINs, a)
					m.ASINPos = append(m.ASINPos, p.Pos(an))
				}
			}
		case "serial":
			m.Serial = p.serial(v)
		case "examples":
			p.Fields(v, "examples", []yamlfile.Field{{Key: "valid", Required: false}, {Key: "invalid", Required: false}}, func(key string, k, v *yaml.Node) {
				for _, en := range p.List(v, "examples."+key) {
					if t, ok := p.Str(en, "example"); ok {
						ex := Example{Text: t, Pos: p.Pos(en)}
						if key == "valid" {
							m.Valid = append(m.Valid, ex)
						} else {
							m.Invalid = append(m.Invalid, ex)
						}
					}
				}
			})
		}
	})
	return m
}

func (p *parser) serial(n *yaml.Node) Serial {
	s := Serial{Dialect: pattern.Java, RegexPos: p.Pos(n)}
	p.Fields(n, "serial", []yamlfile.Field{{Key: "regex", Required: true}, {Key: "dialect", Required: false}, {Key: "source", Required: false}, {Key: "symbologies", Required: false}, {Key: "zpl_field", Required: false}}, func(key string, k, v *yaml.Node) {
		switch key {
		case "regex":
			s.RegexPos = p.Pos(v)
			if r, ok := p.Str(v, "regex"); ok {
				if r == "" {
					p.Errorf(v, "regex: empty regex")
				}
				s.Regex = r
			}
		case "dialect":
			if d, ok := p.Str(v, "dialect"); ok {
				switch pattern.Dialect(d) {
				case pattern.Java, pattern.DotNet, pattern.ECMAScript, pattern.RE2:
					s.Dialect = pattern.Dialect(d)
				default:
					p.Errorf(v, "dialect: unknown dialect %q (want java, dotnet, ecmascript or re2)", d)
				}
			}
		case "source":
			s.SourcePos = p.Pos(v)
			s.Source, _ = p.Str(v, "source")
		case "symbologies":
			s.SymbologiesPos = p.Pos(v)
			for _, sn := range p.List(v, "symbologies") {
				if name, ok := p.Str(sn, "symbology"); ok {
					s.Symbologies = append(s.Symbologies, name)
				}
			}
		case "zpl_field":
			s.ZPLFieldPos = p.Pos(v)
			n, err := strconv.Atoi(v.Value)
			if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || err != nil || n < 1 || n > 9999 {
				p.Errorf(v, "zpl_field: want a field number from 1 to 9999, got %s", yamlfile.Kind(v))
				return
			}
			s.ZPLField = n
		}
	})
	return s
}

// checkUnique reports a model name or an ASIN defined twice.
func (p *parser) checkUnique(s *Set) {
	models := map[string]Pos{}
	asins := map[string]Pos{}
	for _, mf := range s.Manufacturers {
		for _, m := range mf.Models {
			if m.Model != "" {
				if first, dup := models[m.Model]; dup {
					p.Errs = append(p.Errs, &Error{Pos: m.Pos, Err: fmt.Errorf("model %q defined twice (first at line %d)", m.Model, first.Line)})
				} else {
					models[m.Model] = m.Pos
				}
			}
			for i, a := range m.ASINs {
				if first, dup := asins[a]; dup {
					p.Errs = append(p.Errs, &Error{Pos: m.ASINPos[i], Err: fmt.Errorf("ASIN %q defined twice (first at line %d)", a, first.Line)})
				} else {
					asins[a] = m.ASINPos[i]
				}
			}
		}
	}
}
