// Package rules reads the manufacturers' serial rules file (schema version 1):
// manufacturers, their device models, the ASINs that ship each model, and
// the serial pattern each model's serials must match, with its regex
// dialect and examples. Loading checks the file's shape; compiling the
// patterns is the validate package's job.
package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/serialgate/serialgate/pattern"
)

// Pos is a place in a rules file.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

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
type Error struct {
	Pos Pos
	Err error
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// ErrUnknownKey is the cause of an Error for a key the schema does not have.
var ErrUnknownKey = errors.New("unknown key")

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
	p := &parser{file: file}
	if !utf8.Valid(data) {
		return nil, invalidUTF8(file, data)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, p.yamlError(err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &Error{Pos: Pos{file, 1, 1}, Err: errors.New("empty rules file")}
	}
	// A second document would be ignored by a reader that takes the first:
	// refuse it rather than check half the file.
	var more yaml.Node
	switch err := dec.Decode(&more); {
	case err == io.EOF:
	case err != nil:
		return nil, p.yamlError(err)
	default:
		return nil, &Error{Pos: Pos{file, max(more.Line, 1), 1}, Err: errors.New("a second YAML document (after ---): a rules file holds one document")}
	}
	set := p.set(doc.Content[0])
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return set, nil
}

// invalidUTF8 names the line and column of the first byte that is not
// UTF-8.
func invalidUTF8(file string, data []byte) error {
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return &Error{Pos: Pos{file, line, col}, Err: fmt.Errorf("invalid UTF-8 byte 0x%02X: a rules file is UTF-8 text", data[i])}
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return nil
}

type parser struct {
	file string
	errs []error
}

func (p *parser) pos(n *yaml.Node) Pos { return Pos{p.file, n.Line, n.Column} }

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &Error{Pos: p.pos(n), Err: fmt.Errorf(format, args...)})
}

// yamlError turns a YAML syntax error, which carries its line only in
// its text ("yaml: line 3: ..."), into an *Error.
func (p *parser) yamlError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				line = n
				msg = strings.TrimSpace(rest[i+1:])
			}
		}
	}
	return &Error{Pos: Pos{p.file, line, 1}, Err: errors.New(msg)}
}

// field is a key a mapping of the schema may have.
type field struct {
	key      string
	required bool
}

// fields walks a mapping node, calling handle for each known key and
// reporting unknown and repeated keys and missing required ones. known is
// a list so that missing keys are reported in the schema's order.
func (p *parser) fields(n *yaml.Node, what string, known []field, handle func(key string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: want a mapping, got %s", what, kind(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !slices.ContainsFunc(known, func(f field) bool { return f.key == k.Value }):
			p.errs = append(p.errs, &Error{Pos: p.pos(k), Err: fmt.Errorf("%w %q in %s", ErrUnknownKey, k.Value, what)})
			continue
		case seen[k.Value]:
			p.errorf(k, "key %q repeated in %s", k.Value, what)
			continue
		}
		seen[k.Value] = true
		handle(k.Value, k, v)
	}
	for _, f := range known {
		if f.required && !seen[f.key] {
			p.errorf(n, "%s: missing key %q", what, f.key)
		}
	}
}

func kind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "a document"
}

func (p *parser) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		p.errorf(n, "%s: want a string, got %s", what, kind(n))
		return "", false
	}
	return n.Value, true
}

func (p *parser) list(n *yaml.Node, what string) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s: want a list, got %s", what, kind(n))
		return nil
	}
	return n.Content
}

func (p *parser) set(root *yaml.Node) *Set {
	s := &Set{File: p.file}
	p.fields(root, "rules file", []field{{"version", true}, {"manufacturers", true}}, func(key string, k, v *yaml.Node) {
		switch key {
		case "version":
			if v.Kind != yaml.ScalarNode || v.Value != "1" {
				p.errorf(v, "version: want 1, got %s", kind(v))
				return
			}
			s.Version = 1
		case "manufacturers":
			for _, mn := range p.list(v, "manufacturers") {
				s.Manufacturers = append(s.Manufacturers, p.manufacturer(mn))
			}
		}
	})
	p.checkUnique(s)
	return s
}

func (p *parser) manufacturer(n *yaml.Node) Manufacturer {
	m := Manufacturer{Pos: p.pos(n)}
	var models []*yaml.Node
	p.fields(n, "manufacturer", []field{{"name", true}, {"lwa_client_id", false}, {"models", true}}, func(key string, k, v *yaml.Node) {
		switch key {
		case "name":
			m.Name, _ = p.str(v, "name")
		case "lwa_client_id":
			m.LWAClientID, _ = p.str(v, "lwa_client_id")
		case "models":
			models = p.list(v, "models")
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
	m := Model{Pos: p.pos(n)}
	p.fields(n, "model", []field{{"model", true}, {"asins", false}, {"serial", true}, {"examples", false}}, func(key string, k, v *yaml.Node) {
		switch key {
		case "model":
			if s, ok := p.str(v, "model"); ok {
				if s == "" {
					p.errorf(v, "model: empty model name")
				}
				m.Model = s
			}
		case "asins":
			for _, an := range p.list(v, "asins") {
				if a, ok := p.str(an, "asin"); ok {
					if a == "" {
						p.errorf(an, "asins: empty ASIN")
						continue
					}
					m.ASINs = append(m.ASINs, a)
					m.ASINPos = append(m.ASINPos, p.pos(an))
				}
			}
		case "serial":
			m.Serial = p.serial(v)
		case "examples":
			p.fields(v, "examples", []field{{"valid", false}, {"invalid", false}}, func(key string, k, v *yaml.Node) {
				for _, en := range p.list(v, "examples."+key) {
					if t, ok := p.str(en, "example"); ok {
						ex := Example{Text: t, Pos: p.pos(en)}
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
	s := Serial{Dialect: pattern.Java, RegexPos: p.pos(n)}
	p.fields(n, "serial", []field{{"regex", true}, {"dialect", false}, {"source", false}, {"symbologies", false}}, func(key string, k, v *yaml.Node) {
		switch key {
		case "regex":
			s.RegexPos = p.pos(v)
			if r, ok := p.str(v, "regex"); ok {
				if r == "" {
					p.errorf(v, "regex: empty regex")
				}
				s.Regex = r
			}
		case "dialect":
			if d, ok := p.str(v, "dialect"); ok {
				switch pattern.Dialect(d) {
				case pattern.Java, pattern.DotNet, pattern.ECMAScript, pattern.RE2:
					s.Dialect = pattern.Dialect(d)
				default:
					p.errorf(v, "dialect: unknown dialect %q (want java, dotnet, ecmascript or re2)", d)
				}
			}
		case "source":
			s.SourcePos = p.pos(v)
			s.Source, _ = p.str(v, "source")
		case "symbologies":
			s.SymbologiesPos = p.pos(v)
			for _, sn := range p.list(v, "symbologies") {
				if name, ok := p.str(sn, "symbology"); ok {
					s.Symbologies = append(s.Symbologies, name)
				}
			}
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
					p.errs = append(p.errs, &Error{Pos: m.Pos, Err: fmt.Errorf("model %q defined twice (first at line %d)", m.Model, first.Line)})
				} else {
					models[m.Model] = m.Pos
				}
			}
			for i, a := range m.ASINs {
				if first, dup := asins[a]; dup {
					p.errs = append(p.errs, &Error{Pos: m.ASINPos[i], Err: fmt.Errorf("ASIN %q defined twice (first at line %d)", a, first.Line)})
				} else {
					asins[a] = m.ASINPos[i]
				}
			}
		}
	}
}
