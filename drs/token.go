package drs

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"
)

// The token exchange of a pre-registered device: a Login with Amazon token
// request with grant type device_preregistration. The pages give the
// endpoints only through a web proxy's rewritten host names, so this file
// names none; the caller configures the URL.
const (
	GrantPreregistration = "device_preregistration"
	ScopeReplenish       = "dash:replenish"
)

// The device on Amazon's allow list, which exchanges tokens with the test
// credentials Amazon shares and places only test orders.
const (
	TestDeviceModel  = "DRS_Test_Device"
	TestDeviceSerial = "TestAmazonPreReg001"
)

// TokenRequest is the body of the token exchange, sent as JSON or as a
// form (Form). It holds the LWA client secret: String and GoString leave it
// out, so that logging a request does not leak it.
type TokenRequest struct {
	GrantType    string    `json:"grant_type"`
	ClientID     string    `json:"client_id"`
	ClientSecret string    `json:"client_secret"`
	Scope        string    `json:"scope"`
	ScopeData    ScopeData `json:"scope_data"`
}

// ScopeData names the device. The pages' prose lists device_serial_number
// and device_model directly in scope_data, but both of their examples (JSON
// and form) put them in product_instance_attributes; this follows the
// examples.
type ScopeData struct {
	ProductInstanceAttributes ProductInstanceAttributes `json:"product_instance_attributes"`
}

// ProductInstanceAttributes identifies the device: the serial printed on
// the box, and the model as in the standard LWA flow's deviceModel.
type ProductInstanceAttributes struct {
	DeviceSerialNumber string `json:"device_serial_number"`
	DeviceModel        string `json:"device_model"`
}

// NewTokenRequest builds the token exchange of a pre-registered device.
func NewTokenRequest(clientID, clientSecret, serial, model string) TokenRequest {
	return TokenRequest{
		GrantType:    GrantPreregistration,
		ClientID:     clientID,
		ClientSecret: clientSecret,
		Scope:        ScopeReplenish,
		ScopeData: ScopeData{ProductInstanceAttributes: ProductInstanceAttributes{
			DeviceSerialNumber: serial,
			DeviceModel:        model,
		}},
	}
}

func (r TokenRequest) validate() *Error {
	var c checker
	c.str("grant_type", r.GrantType)
	c.str("client_id", r.ClientID)
	c.str("client_secret", r.ClientSecret)
	c.str("scope", r.Scope)
	c.str("scope_data.product_instance_attributes.device_serial_number", r.ScopeData.ProductInstanceAttributes.DeviceSerialNumber)
	c.str("scope_data.product_instance_attributes.device_model", r.ScopeData.ProductInstanceAttributes.DeviceModel)
	if c.err != nil {
		c.err.Op, c.err.What = "encode", "token request"
	}
	return c.err
}

// Encode writes the request as JSON (Content-Type: application/json).
func (r TokenRequest) Encode() ([]byte, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	return marshal(r)
}

// Form writes the request as form values
// (Content-Type: application/x-www-form-urlencoded), scope_data as JSON.
func (r TokenRequest) Form() (url.Values, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	sd, err := marshal(r.ScopeData)
	if err != nil {
		return nil, err
	}
	return url.Values{
		"grant_type":    {r.GrantType},
		"client_id":     {r.ClientID},
		"client_secret": {r.ClientSecret},
		"scope":         {r.Scope},
		"scope_data":    {string(sd)},
	}, nil
}

// String describes the request without its client secret.
func (r TokenRequest) String() string {
	a := r.ScopeData.ProductInstanceAttributes
	return fmt.Sprintf("token request %s for client %s, device %s of model %s", r.GrantType, r.ClientID, a.DeviceSerialNumber, a.DeviceModel)
}

// GoString is String, so that %#v does not print the secret either.
func (r TokenRequest) GoString() string { return r.String() }

// Token is the token exchange's answer, the same as the standard LWA
// flow's. String and GoString leave the tokens out.
type Token struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int64  `json:"expires_in"` // seconds
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"` // "bearer"
}

// DecodeToken reads a token response. It requires access_token,
// refresh_token, a positive expires_in and token_type bearer (in any case).
func DecodeToken(body []byte) (Token, error) {
	const what = "token response"
	var t Token
	if err := json.Unmarshal(body, &t); err != nil {
		return Token{}, jsonError(what, body, err)
	}
	if err := checkKeys(body, reflect.TypeOf(t)); err != nil {
		err.What = what
		return Token{}, err
	}
	var c checker
	c.str("access_token", t.AccessToken)
	if t.ExpiresIn <= 0 {
		c.fail("expires_in", fmt.Errorf("%d, want a positive number of seconds", t.ExpiresIn))
	}
	c.str("refresh_token", t.RefreshToken)
	if !strings.EqualFold(t.TokenType, "bearer") {
		c.fail("token_type", fmt.Errorf("%q, want \"bearer\"", t.TokenType))
	}
	if c.err != nil {
		c.err.Op, c.err.What = "decode", what
		return Token{}, c.err
	}
	return t, nil
}

// String describes the token without its secrets.
func (t Token) String() string {
	return fmt.Sprintf("%s token expiring in %ds", t.TokenType, t.ExpiresIn)
}

// GoString is String, so that %#v does not print the tokens either.
func (t Token) GoString() string { return t.String() }
