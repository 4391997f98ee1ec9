package payload

import (
	"net/url"
	"strings"
)

// primaryKeys are the AIs a GS1 Digital Link path starts with.
var primaryKeys = map[string]bool{
	"00": true, "01": true, "253": true, "255": true, "401": true, "402": true, "414": true, "417": true,
	"8003": true, "8004": true, "8006": true, "8010": true, "8013": true, "8017": true, "8018": true,
}

// dlNames are the alphabetic short names older Digital Links use.
var dlNames = map[string]string{"gtin": "01", "lot": "10", "ser": "21", "cpv": "22", "exp": "17", "sscc": "00", "gln": "414"}

// ParseDigitalLink parses a GS1 Digital Link URI
// (https://id.gs1.org/01/09506000134352/21/ABC123?17=271231): the
// primary key and its qualifiers from the path, data attributes from the
// query. Any domain and any path before the primary key is allowed.
func ParseDigitalLink(s string) (Elements, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &Error{"digital link", 0, "not an http(s) URI"}
	}
	segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	start := -1
	for i := 0; i+1 < len(segs); i++ {
		ai := segs[i]
		if n, ok := dlNames[ai]; ok {
			ai = n
		}
		if primaryKeys[ai] {
			start = i
			break
		}
	}
	if start < 0 {
		return nil, &Error{"digital link", len(u.Scheme) + 3 + len(u.Host), "no GS1 primary key in the path"}
	}
	var out Elements
	rest := segs[start:]
	if len(rest)%2 != 0 {
		return nil, &Error{"digital link", strings.Index(s, rest[len(rest)-1]), "path ends with an identifier and no value"}
	}
	for i := 0; i < len(rest); i += 2 {
		ai := rest[i]
		if n, ok := dlNames[ai]; ok {
			ai = n
		}
		v, err := url.PathUnescape(rest[i+1])
		if err != nil {
			return nil, &Error{"digital link", strings.Index(s, rest[i+1]), "bad percent-encoding"}
		}
		if err := dlElement(&out, ai, v, s); err != nil {
			return nil, err
		}
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, &Error{"digital link", strings.IndexByte(s, '?') + 1, "bad query"}
	}
	for key, vals := range q {
		ai := key
		if n, ok := dlNames[ai]; ok {
			ai = n
		}
		if !allDigits(ai) {
			continue // other query parameters (linkType, ...) are not data
		}
		for _, v := range vals {
			if err := dlElement(&out, ai, v, s); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func dlElement(out *Elements, ai, v, s string) error {
	spec, ok := lookupAI(ai)
	if !ok {
		return &Error{"digital link", strings.Index(s, ai), "unknown application identifier " + ai}
	}
	if spec.fixed > 0 && len(v) != spec.fixed && !(ai == "01" && (len(v) == 8 || len(v) == 12 || len(v) == 13)) {
		return &Error{"digital link", strings.Index(s, v), "value of " + ai + " has the wrong length"}
	}
	if ai == "01" && len(v) < 14 {
		v = strings.Repeat("0", 14-len(v)) + v // GTIN-8/12/13 padded to 14 digits
	}
	if err := checkValue(ai, spec, v); err != nil {
		return &Error{"digital link", max(strings.Index(s, v), 0), err.Error()}
	}
	*out = append(*out, Element{AI: ai, Value: v})
	return nil
}
