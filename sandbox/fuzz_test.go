package sandbox

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
)

// FuzzTokenRequest: ParseRequest never panics, fails only with a
// *RequestError, and a request it reads as JSON reads the same from its
// form encoding.
func FuzzTokenRequest(f *testing.F) {
	for _, name := range []string{"../drs/testdata/token-request.json", "../drs/testdata/token-request.form"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		ct := "application/json"
		if strings.HasSuffix(name, ".form") {
			ct = "application/x-www-form-urlencoded"
		}
		f.Add(ct, b)
	}
	f.Add("application/json", []byte(`{"grant_type":"refresh_token","refresh_token":"Atzr|x","client_id":"a","client_secret":"b"}`))
	f.Add("application/json", []byte(`{"scope_data":"{\"device_model\":\"M\"}"}`))
	f.Add("application/x-www-form-urlencoded; charset=utf-8", []byte("scope_data=%7B%22device_serial_number%22%3A%22S%22%7D&a=1&a=2"))
	f.Add("text/plain", []byte("x"))
	f.Fuzz(func(t *testing.T, ctype string, body []byte) {
		r, err := ParseRequest(ctype, body)
		if err != nil {
			var re *RequestError
			if !errors.As(err, &re) {
				t.Fatalf("error %v (%T) is not a *RequestError", err, err)
			}
			return
		}
		_ = r.Validate()
		// The same request as a form reads back the same.
		sd, _ := json.Marshal(map[string]map[string]string{"product_instance_attributes": {"device_serial_number": r.Serial, "device_model": r.Model}})
		form := url.Values{"grant_type": {r.GrantType}, "client_id": {r.ClientID}, "client_secret": {r.ClientSecret},
			"scope": {r.Scope}, "refresh_token": {r.RefreshToken}, "scope_data": {string(sd)}}
		back, err := ParseRequest("application/x-www-form-urlencoded", []byte(form.Encode()))
		if err != nil || back != r {
			t.Fatalf("form round trip of %#v: %#v, %v", r, back, err)
		}
		// String must not depend on the secret at all (a substring test
		// fails on a one-letter secret that the fixed words contain).
		noSecret := r
		noSecret.ClientSecret = ""
		if r.String() != noSecret.String() {
			t.Fatalf("String shows the secret: %s", r.String())
		}
	})
}
