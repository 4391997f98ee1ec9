package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Grant types the endpoint accepts.
const (
	GrantPreregistration = "device_preregistration" // drs.GrantPreregistration
	GrantRefreshToken    = "refresh_token"
)

// Request is a token request as the endpoint reads it, whichever content
// type carried it. Serial and Model are the device of a
// device_preregistration grant; RefreshToken that of a refresh_token grant.
// String leaves the secrets out.
type Request struct {
	GrantType    string
	ClientID     string
	ClientSecret string
	Scope        string
	Serial       string
	Model        string
	RefreshToken string
}

// String describes the request without its client secret or refresh token.
func (r Request) String() string {
	return fmt.Sprintf("%s request of client %q for device %q of model %q", r.GrantType, r.ClientID, r.Serial, r.Model)
}

// GoString is String, so that %#v does not print the secrets either.
func (r Request) GoString() string { return r.String() }

// RequestError is a request the endpoint cannot read: a 400 invalid_request.
// Field names the offending field ("" for the body as a whole).
type RequestError struct {
	Field string
	Err   error
}

func (e *RequestError) Error() string {
	if e.Field == "" {
		return "read token request: " + e.Err.Error()
	}
	return fmt.Sprintf("read token request: %s: %v", e.Field, e.Err)
}

func (e *RequestError) Unwrap() error { return e.Err }

// ErrMissing is a required field that is absent or empty.
var ErrMissing = errors.New("missing")

func reqErr(field string, format string, args ...any) *RequestError {
	return &RequestError{Field: field, Err: fmt.Errorf(format, args...)}
}

// ParseRequest reads a token request body of the given Content-Type:
// application/json, or application/x-www-form-urlencoded with scope_data
// as URL-encoded JSON.
//
// The device may be named inside scope_data.product_instance_attributes, as
// both of the pre-registration page's examples show, or directly in
// scope_data, as its field list reads; both are accepted, and a request
// that names it both ways must name the same device. In a JSON body
// scope_data may be an object or a string holding one (as in a form).
//
// Every failure is a *RequestError. ParseRequest does not check that the
// fields it needs for the grant are present; Validate does.
func ParseRequest(contentType string, body []byte) (Request, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return Request{}, reqErr("Content-Type", "%q: want application/json or application/x-www-form-urlencoded", contentType)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return Request{}, reqErr("Content-Type", "charset %q: want utf-8", cs)
	}
	if !utf8.Valid(body) {
		return Request{}, reqErr("", "body is not valid UTF-8")
	}
	switch mt {
	case "application/json":
		return parseJSON(body)
	case "application/x-www-form-urlencoded":
		return parseForm(body)
	}
	return Request{}, reqErr("Content-Type", "%q: want application/json or application/x-www-form-urlencoded", mt)
}

// jsonRequest is the JSON body. Fields are raw so that a number or an
// object where a string belongs is named in the error.
type jsonRequest struct {
	GrantType    *string         `json:"grant_type"`
	ClientID     *string         `json:"client_id"`
	ClientSecret *string         `json:"client_secret"`
	Scope        *string         `json:"scope"`
	ScopeData    json.RawMessage `json:"scope_data"`
	RefreshToken *string         `json:"refresh_token"`
}

func parseJSON(body []byte) (Request, error) {
	if err := checkDuplicateKeys(body); err != nil {
		return Request{}, err
	}
	var j jsonRequest
	if err := json.Unmarshal(body, &j); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return Request{}, reqErr(te.Field, "%s, want a %s", te.Value, te.Type)
		}
		return Request{}, reqErr("", "not a JSON object: %v", err)
	}
	r := Request{
		GrantType: deref(j.GrantType), ClientID: deref(j.ClientID), ClientSecret: deref(j.ClientSecret),
		Scope: deref(j.Scope), RefreshToken: deref(j.RefreshToken),
	}
	sd := bytes.TrimSpace(j.ScopeData)
	if len(sd) > 0 && sd[0] == '"' {
		var s string
		if err := json.Unmarshal(sd, &s); err != nil {
			return Request{}, reqErr("scope_data", "%v", err)
		}
		sd = []byte(s)
	}
	if err := r.scopeData(sd); err != nil {
		return Request{}, err
	}
	return r, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func parseForm(body []byte) (Request, error) {
	v, err := url.ParseQuery(string(body))
	if err != nil {
		return Request{}, reqErr("", "not a form: %v", err)
	}
	for k, vs := range v {
		if len(vs) > 1 {
			return Request{}, reqErr(k, "given %d times", len(vs))
		}
	}
	r := Request{
		GrantType: v.Get("grant_type"), ClientID: v.Get("client_id"), ClientSecret: v.Get("client_secret"),
		Scope: v.Get("scope"), RefreshToken: v.Get("refresh_token"),
	}
	if err := r.scopeData([]byte(v.Get("scope_data"))); err != nil {
		return Request{}, err
	}
	return r, nil
}

// device is the device naming of scope_data, at either level.
type device struct {
	Serial *string `json:"device_serial_number"`
	Model  *string `json:"device_model"`
}

type scopeData struct {
	device
	PIA *device `json:"product_instance_attributes"`
}

// scopeData reads the scope_data JSON (empty: absent).
func (r *Request) scopeData(sd []byte) error {
	if len(bytes.TrimSpace(sd)) == 0 || string(bytes.TrimSpace(sd)) == "null" {
		return nil
	}
	if err := checkDuplicateKeys(sd); err != nil {
		err.Field = strings.TrimSuffix("scope_data."+err.Field, ".")
		return err
	}
	var s scopeData
	if err := json.Unmarshal(sd, &s); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return reqErr("scope_data."+te.Field, "%s, want a %s", te.Value, te.Type)
		}
		return reqErr("scope_data", "not a JSON object: %v", err)
	}
	outer, inner := s.device, device{}
	if s.PIA != nil {
		inner = *s.PIA
	}
	pick := func(name string, a, b *string) (string, error) {
		switch {
		case a != nil && b != nil && *a != *b:
			return "", reqErr("scope_data."+name, "%q beside product_instance_attributes.%s %q: name the device once", *a, name, *b)
		case b != nil:
			return *b, nil
		case a != nil:
			return *a, nil
		}
		return "", nil
	}
	var err error
	if r.Serial, err = pick("device_serial_number", outer.Serial, inner.Serial); err != nil {
		return err
	}
	r.Model, err = pick("device_model", outer.Model, inner.Model)
	return err
}

// Validate checks that the request has what its grant type needs.
func (r Request) Validate() error {
	need := func(field, v string) error {
		if v == "" {
			return &RequestError{Field: field, Err: ErrMissing}
		}
		return nil
	}
	if err := need("grant_type", r.GrantType); err != nil {
		return err
	}
	if err := need("client_id", r.ClientID); err != nil {
		return err
	}
	if err := need("client_secret", r.ClientSecret); err != nil {
		return err
	}
	switch r.GrantType {
	case GrantPreregistration:
		if err := need("scope", r.Scope); err != nil {
			return err
		}
		if err := need("scope_data.product_instance_attributes.device_serial_number", r.Serial); err != nil {
			return err
		}
		return need("scope_data.product_instance_attributes.device_model", r.Model)
	case GrantRefreshToken:
		return need("refresh_token", r.RefreshToken)
	}
	return nil
}

// checkDuplicateKeys refuses an object that repeats a key at its top level
// or in product_instance_attributes: encoding/json would keep the last,
// and two parsers in a chain could disagree on which device was meant.
func checkDuplicateKeys(data []byte) *RequestError {
	// walk reads one value; ok is false once the decoder has failed (the
	// JSON is malformed: json.Unmarshal reports it), which ends every
	// enclosing loop: More would find the bad token again and again.
	var walk func(dec *json.Decoder, path string, depth int) (rerr *RequestError, ok bool)
	walk = func(dec *json.Decoder, path string, depth int) (*RequestError, bool) {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		d, isDelim := tok.(json.Delim)
		if !isDelim {
			return nil, true
		}
		switch d {
		case '{':
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, false
				}
				k, _ := kt.(string)
				if seen[k] {
					return reqErr(strings.TrimPrefix(path+"."+k, "."), "key given twice"), false
				}
				seen[k] = true
				if depth > 32 {
					return reqErr(path, "nested too deep"), false
				}
				if rerr, ok := walk(dec, path+"."+k, depth+1); !ok {
					return rerr, false
				}
			}
		case '[':
			for dec.More() {
				if depth > 32 {
					return reqErr(path, "nested too deep"), false
				}
				if rerr, ok := walk(dec, path+"[]", depth+1); !ok {
					return rerr, false
				}
			}
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, false
		}
		return nil, true
	}
	rerr, _ := walk(json.NewDecoder(bytes.NewReader(data)), "", 0)
	return rerr
}
