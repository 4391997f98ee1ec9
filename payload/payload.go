// Package payload parses what a barcode carries: AIM symbology identifier
// prefixes, GS1 element strings, GS1 Digital Link URIs and ISO/IEC 15434
// envelopes, so that a serial can be taken from where a rule says it is.
package payload

import (
	"fmt"
	"strings"
)

// GS is the group separator that stands for FNC1 inside GS1 data and
// separates data elements in ISO/IEC 15434 envelopes.
const GS = "\x1d"

// Error is a payload that does not parse, with the byte offset of the
// problem.
type Error struct {
	Kind   string // "aim", "gs1", "digital link", "iso15434"
	Offset int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s at byte %d", e.Kind, e.Msg, e.Offset) }

// AIM is a symbology identifier: "]" + code letter + modifier.
type AIM struct {
	Code     byte // 'C' Code 128, 'd' Data Matrix, 'Q' QR, 'E' EAN/UPC, ...
	Modifier byte // '0'-'9' or 'A'-'Z' / 'a'-'z'
}

func (a AIM) String() string {
	if a.Code == 0 {
		return ""
	}
	return "]" + string(a.Code) + string(a.Modifier)
}

// GS1 tells whether the identifier marks GS1 data (FNC1 in first position).
func (a AIM) GS1() bool {
	switch a.String() {
	case "]C1", "]e0", "]d2", "]Q3", "]J1", "]z1", "]I1":
		return true
	}
	return false
}

// SplitAIM takes a leading AIM symbology identifier off s. ok is false
// when s does not start with one.
func SplitAIM(s string) (aim AIM, rest string, ok bool) {
	if len(s) < 3 || s[0] != ']' {
		return AIM{}, s, false
	}
	c, m := s[1], s[2]
	if !isAlpha(c) || !(isDigit(m) || isAlpha(m)) {
		return AIM{}, s, false
	}
	return AIM{Code: c, Modifier: m}, s[3:], true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// Element is one GS1 element: application identifier and value.
type Element struct {
	AI    string
	Value string
}

// Elements is a parsed GS1 element string, in order.
type Elements []Element

// Get returns the value of the first element with the AI.
func (es Elements) Get(ai string) (string, bool) {
	for _, e := range es {
		if e.AI == ai {
			return e.Value, true
		}
	}
	return "", false
}

// String writes the elements in human-readable form: (01)...(21)...
func (es Elements) String() string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString("(" + e.AI + ")" + e.Value)
	}
	return b.String()
}

// Source is where a rule takes the serial from, parsed from the rules
// file's serial.source: "payload" (the whole barcode text), "gs1:AI",
// "dl:AI" or "iso15434:DI".
type Source struct {
	Kind string // "payload", "gs1", "dl", "iso15434"
	Key  string // the AI or data identifier
}

func (s Source) String() string {
	if s.Kind == "" || s.Kind == "payload" {
		return "payload"
	}
	return s.Kind + ":" + s.Key
}

// ParseSource parses a serial.source value.
func ParseSource(s string) (Source, error) {
	if s == "" || s == "payload" {
		return Source{Kind: "payload"}, nil
	}
	kind, key, ok := strings.Cut(s, ":")
	if !ok || key == "" {
		return Source{}, fmt.Errorf("source %q: want payload, gs1:AI, dl:AI or iso15434:DI", s)
	}
	switch kind {
	case "gs1", "dl":
		if _, known := lookupAI(key); !known || len(key) < 2 {
			return Source{}, fmt.Errorf("source %q: %q is not a GS1 application identifier", s, key)
		}
	case "iso15434":
		if !validDI(key) {
			return Source{}, fmt.Errorf("source %q: %q is not a data identifier (digits then a letter, such as S or 1P)", s, key)
		}
	default:
		return Source{}, fmt.Errorf("source %q: unknown kind %q (want payload, gs1, dl or iso15434)", s, kind)
	}
	return Source{Kind: kind, Key: key}, nil
}

// Extract takes the serial from a barcode's text (with its AIM identifier,
// if known, given apart) as the source says. ok is false, with a reason an
// operator can read, when the payload does not hold it.
func (s Source) Extract(text string, aim AIM) (serial string, ok bool, reason string) {
	if a, rest, has := SplitAIM(text); has && aim.Code == 0 {
		aim, text = a, rest
	}
	switch s.Kind {
	case "", "payload":
		return text, true, ""
	case "gs1":
		es, err := ParseGS1(text)
		if err != nil {
			return "", false, "not GS1 data: " + err.Error()
		}
		v, found := es.Get(s.Key)
		if !found {
			return "", false, fmt.Sprintf("GS1 data has no (%s)", s.Key)
		}
		return v, true, ""
	case "dl":
		es, err := ParseDigitalLink(text)
		if err != nil {
			return "", false, "not a GS1 Digital Link: " + err.Error()
		}
		v, found := es.Get(s.Key)
		if !found {
			return "", false, fmt.Sprintf("Digital Link has no %s", s.Key)
		}
		return v, true, ""
	case "iso15434":
		env, err := ParseISO15434(text)
		if err != nil {
			return "", false, "not an ISO/IEC 15434 message: " + err.Error()
		}
		v, found := env.Get(s.Key)
		if !found {
			return "", false, fmt.Sprintf("ISO/IEC 15434 message has no %s field", s.Key)
		}
		return v, true, ""
	}
	return "", false, "unknown source"
}
