// Package yamlfile reads the YAML files people write for serialgate (the
// rules file, the station configuration) with every problem reported at its
// file, line and column, all of them at once: one document, UTF-8, known
// keys only, each key once, values of the right kind.
package yamlfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Pos is a place in a file.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Error is a problem at a place in a file. It unwraps to its cause.
type Error struct {
	Pos Pos
	Err error
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %v", e.Pos, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// ErrUnknownKey is the cause of an Error for a key the schema lacks.
var ErrUnknownKey = errors.New("unknown key")

// Root parses data as one YAML document and returns its root node. A file
// that is not UTF-8, is empty, or holds a second document is an *Error;
// what names the kind of file ("rules file") in messages.
func Root(file, what string, data []byte) (*yaml.Node, error) {
	if !utf8.Valid(data) {
		return nil, invalidUTF8(file, data)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, syntaxError(file, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &Error{Pos: Pos{file, 1, 1}, Err: errors.New("empty " + what)}
	}
	var more yaml.Node
	switch err := dec.Decode(&more); {
	case err == io.EOF:
	case err != nil:
		return nil, syntaxError(file, err)
	default:
		return nil, &Error{Pos: Pos{file, max(more.Line, 1), 1}, Err: errors.New("a second YAML document (after ---): the file holds one document")}
	}
	return doc.Content[0], nil
}

func invalidUTF8(file string, data []byte) error {
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return &Error{Pos: Pos{file, line, col}, Err: fmt.Errorf("invalid UTF-8 byte 0x%02X: the file must be UTF-8 text", data[i])}
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

// syntaxError turns a YAML syntax error, which carries its line only in
// its text ("yaml: line 3: ..."), into an *Error.
func syntaxError(file string, err error) error {
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
	return &Error{Pos: Pos{file, line, 1}, Err: errors.New(msg)}
}

// Reader walks the nodes of one file, collecting every problem.
type Reader struct {
	File string
	Errs []error
}

// Pos is where n stands.
func (r *Reader) Pos(n *yaml.Node) Pos { return Pos{r.File, n.Line, n.Column} }

// Errorf records a problem at n.
func (r *Reader) Errorf(n *yaml.Node, format string, args ...any) {
	r.Errs = append(r.Errs, &Error{Pos: r.Pos(n), Err: fmt.Errorf(format, args...)})
}

// Err joins the problems found, nil when there were none.
func (r *Reader) Err() error { return errors.Join(r.Errs...) }

// Field is a key a mapping of the schema may have.
type Field struct {
	Key      string
	Required bool
}

// Fields walks a mapping node, calling handle for each known key and
// reporting unknown and repeated keys and, in the schema's order, missing
// required ones.
func (r *Reader) Fields(n *yaml.Node, what string, known []Field, handle func(key string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		r.Errorf(n, "%s: want a mapping, got %s", what, Kind(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !slices.ContainsFunc(known, func(f Field) bool { return f.Key == k.Value }):
			r.Errs = append(r.Errs, &Error{Pos: r.Pos(k), Err: fmt.Errorf("%w %q in %s", ErrUnknownKey, k.Value, what)})
			continue
		case seen[k.Value]:
			r.Errorf(k, "key %q repeated in %s", k.Value, what)
			continue
		}
		seen[k.Value] = true
		handle(k.Value, k, v)
	}
	for _, f := range known {
		if f.Required && !seen[f.Key] {
			r.Errorf(n, "%s: missing key %q", what, f.Key)
		}
	}
}

// Kind names what a node is, for messages.
func Kind(n *yaml.Node) string {
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

// Str reads a string scalar.
func (r *Reader) Str(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		r.Errorf(n, "%s: want a string, got %s", what, Kind(n))
		return "", false
	}
	return n.Value, true
}

// List reads a sequence's items.
func (r *Reader) List(n *yaml.Node, what string) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		r.Errorf(n, "%s: want a list, got %s", what, Kind(n))
		return nil
	}
	return n.Content
}

// Strs reads a list of strings.
func (r *Reader) Strs(n *yaml.Node, what string) []string {
	var out []string
	for _, it := range r.List(n, what) {
		if s, ok := r.Str(it, what); ok {
			out = append(out, s)
		}
	}
	return out
}

// OneOf reads a string that must be one of choices.
func (r *Reader) OneOf(n *yaml.Node, what string, choices ...string) (string, bool) {
	s, ok := r.Str(n, what)
	if ok && !slices.Contains(choices, s) {
		r.Errorf(n, "%s: %q: want %s", what, s, strings.Join(choices, ", "))
		return "", false
	}
	return s, ok
}

// Duration reads a Go duration such as "10s".
func (r *Reader) Duration(n *yaml.Node, what string) (time.Duration, bool) {
	s, ok := r.Str(n, what)
	if !ok {
		return 0, false
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		r.Errorf(n, "%s: %q: want a duration such as 10s", what, s)
		return 0, false
	}
	return d, true
}

// Bool reads true or false.
func (r *Reader) Bool(n *yaml.Node, what string) bool {
	s, ok := r.Str(n, what)
	if !ok {
		return false
	}
	switch s {
	case "true":
		return true
	case "false":
		return false
	}
	r.Errorf(n, "%s: %q: want true or false", what, s)
	return false
}

// Int reads a whole number that is not negative.
func (r *Reader) Int(n *yaml.Node, what string) int {
	s, ok := r.Str(n, what)
	if !ok {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		r.Errorf(n, "%s: %q: want a whole number, 0 or more", what, s)
		return 0
	}
	return v
}
