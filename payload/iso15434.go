package payload

import "strings"

// The ISO/IEC 15434 envelope's control characters.
const (
	rs  = "\x1e"
	eot = "\x04"
)

// Field is one data element of an ISO/IEC 15434 format: its data
// identifier (format 06) or AI (format 05), and its value.
type Field struct {
	Format string // "05", "06", ...
	ID     string
	Value  string
}

// Envelope is a parsed ISO/IEC 15434 message.
type Envelope []Field

// Get returns the first value with the data identifier (or AI) id.
func (e Envelope) Get(id string) (string, bool) {
	for _, f := range e {
		if f.ID == id {
			return f.Value, true
		}
	}
	return "", false
}

// ParseISO15434 parses "[)>" RS format GS data ... RS ... EOT. Format 06
// fields start with an ANSI MH10.8.2 data identifier (up to three digits
// and a letter: S is the serial number, 1P the part number); format 05
// fields are GS1 element strings.
func ParseISO15434(s string) (Envelope, error) {
	if _, rest, ok := SplitAIM(s); ok {
		s = rest
	}
	if !strings.HasPrefix(s, "[)>"+rs) {
		return nil, &Error{"iso15434", 0, `missing the "[)>" RS header`}
	}
	body := strings.TrimSuffix(s[4:], eot)
	var out Envelope
	pos := 4
	for _, rec := range strings.Split(body, rs) {
		if rec == "" {
			pos++
			continue
		}
		parts := strings.Split(rec, GS)
		format := parts[0]
		if len(format) != 2 || !allDigits(format) {
			return out, &Error{"iso15434", pos, "format header is not two digits"}
		}
		off := pos + 3
		for _, p := range parts[1:] {
			if p == "" {
				off++
				continue
			}
			switch format {
			case "05":
				es, err := ParseGS1(p)
				if err != nil {
					return out, &Error{"iso15434", off, err.Error()}
				}
				for _, e := range es {
					out = append(out, Field{format, e.AI, e.Value})
				}
			case "06":
				i := 0
				for i < len(p) && i < 3 && isDigit(p[i]) {
					i++
				}
				if i >= len(p) || !isAlpha(p[i]) {
					return out, &Error{"iso15434", off, "data element does not start with a data identifier"}
				}
				out = append(out, Field{format, p[:i+1], p[i+1:]})
			default:
				out = append(out, Field{Format: format, Value: p})
			}
			off += len(p) + 1
		}
		pos += len(rec) + 1
	}
	if len(out) == 0 {
		return nil, &Error{"iso15434", 4, "no data elements"}
	}
	return out, nil
}

func validDI(s string) bool {
	i := 0
	for i < len(s)-1 && i < 3 && isDigit(s[i]) {
		i++
	}
	return i == len(s)-1 && isAlpha(s[i])
}
