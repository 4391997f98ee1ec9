package drs

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// The page's example request, built.
func specTokenRequest() TokenRequest {
	return NewTokenRequest("foodev", "Y76SDl2F", "<deviceSerialNumber>", "<deviceModel>")
}

func TestTokenRequestGolden(t *testing.T) {
	b, err := specTokenRequest().Encode()
	if err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, b, readFile(t, "token-request.json"))

	form, err := specTokenRequest().Form()
	if err != nil {
		t.Fatal(err)
	}
	want, err := url.ParseQuery(strings.TrimSpace(readString(t, "token-request.form")))
	if err != nil {
		t.Fatal(err)
	}
	if len(form) != len(want) {
		t.Errorf("form keys %v, want %v", form, want)
	}
	for k, w := range want {
		g := form[k]
		if len(g) != 1 || len(w) != 1 {
			t.Errorf("%s: %q, want %q", k, g, w)
			continue
		}
		if k == "scope_data" { // JSON, compared as a value
			jsonEqual(t, []byte(g[0]), []byte(w[0]))
		} else if g[0] != w[0] {
			t.Errorf("%s = %q, want %q", k, g[0], w[0])
		}
	}
	// scope_data keeps < and > as they are, as the page's form does.
	if !strings.Contains(form.Get("scope_data"), "<deviceSerialNumber>") {
		t.Errorf("scope_data = %s", form.Get("scope_data"))
	}
}

func TestTokenRequestErrors(t *testing.T) {
	for _, tt := range []struct {
		field string
		r     TokenRequest
	}{
		{"client_id", NewTokenRequest("", "s", "SN", "M")},
		{"client_secret", NewTokenRequest("c", "", "SN", "M")},
		{"scope_data.product_instance_attributes.device_serial_number", NewTokenRequest("c", "s", "", "M")},
		{"scope_data.product_instance_attributes.device_model", NewTokenRequest("c", "s", "SN", "")},
		{"grant_type", TokenRequest{}},
	} {
		_, err := tt.r.Encode()
		_, ferr := tt.r.Form()
		for _, err := range []error{err, ferr} {
			var e *Error
			if !errors.As(err, &e) || e.Field != tt.field || !errors.Is(err, ErrMissing) {
				t.Errorf("%s: error %v", tt.field, err)
			}
		}
	}
}

func TestTokenGolden(t *testing.T) {
	tok, err := DecodeToken(readFile(t, "token-response.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := Token{AccessToken: "Atza|IQEBLjAsAhQ3yD47Jkj09BfU_qgNk4", ExpiresIn: 3600,
		RefreshToken: "Atzr|IQEBLzAtAhUAibmh-1N0EVztZJofMx", TokenType: "bearer"}
	if tok != want {
		t.Errorf("DecodeToken = %#v", tok)
	}
	b, err := marshal(tok)
	if err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, b, readFile(t, "token-response.json"))
}

func TestDecodeTokenErrors(t *testing.T) {
	const file = "token-response.json"
	for _, tt := range []struct {
		name, body, field, msg string
	}{
		{"empty", "", "", "unexpected end of JSON input"},
		{"no access token", edit(t, file, `"access_token"`, `"token"`), "access_token", "missing"},
		{"no refresh token", edit(t, file, `"refresh_token": "Atzr|IQEBLzAtAhUAibmh-1N0EVztZJofMx"`, `"refresh_token": ""`), "refresh_token", "missing"},
		{"expires_in a string", edit(t, file, `3600`, `"3600"`), "expires_in", "got JSON string, want a number"},
		{"expires_in fractional", edit(t, file, `3600`, `3600.5`), "expires_in", "got JSON number 3600.5"},
		{"expires_in zero", edit(t, file, `3600`, `0`), "expires_in", "want a positive number"},
		{"mac token", edit(t, file, `"bearer"`, `"mac"`), "token_type", `"mac"`},
		{"key case", edit(t, file, `"token_type"`, `"Token_Type"`), "Token_Type", "is spelled"},
	} {
		_, err := DecodeToken([]byte(tt.body))
		var e *Error
		if !errors.As(err, &e) || e.Field != tt.field || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: error %v, want %s: %s", tt.name, err, tt.field, tt.msg)
		}
	}
	if _, err := DecodeToken(readFile(t, file)); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeToken([]byte(edit(t, file, `"bearer"`, `"Bearer"`))); err != nil {
		t.Errorf("token_type Bearer: %v", err)
	}
}

// TestSecretsNotPrinted checks that printing a request or a token, as a
// log line would, shows none of the secrets.
func TestSecretsNotPrinted(t *testing.T) {
	r := specTokenRequest()
	tok := Token{AccessToken: "Atza|secret-access", ExpiresIn: 3600, RefreshToken: "Atzr|secret-refresh", TokenType: "bearer"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{r, &r, tok, &tok, []any{r, tok}} {
			out := fmt.Sprintf(verb, v)
			for _, secret := range []string{"Y76SDl2F", "secret-access", "secret-refresh"} {
				if strings.Contains(out, secret) {
					t.Errorf("%s of %T prints a secret: %s", verb, v, out)
				}
			}
		}
	}
	if s := r.String(); !strings.Contains(s, "<deviceSerialNumber>") || !strings.Contains(s, "foodev") {
		t.Errorf("String = %s", s)
	}
}

func TestAllowListedDevice(t *testing.T) {
	// The page's allow-listed test device.
	if TestDeviceModel != "DRS_Test_Device" || TestDeviceSerial != "TestAmazonPreReg001" {
		t.Error("allow-listed device changed")
	}
	r := NewTokenRequest("c", "s", TestDeviceSerial, TestDeviceModel)
	if r.GrantType != "device_preregistration" || r.Scope != "dash:replenish" {
		t.Errorf("request %s", r)
	}
}
