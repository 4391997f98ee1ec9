package sigv4

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkv4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// The signed POST of AWS's Signature Version 4 documentation (General
// Reference, "Signed Signature Version 4 Requests Examples" and Tasks 1–3:
// IAM ListUsers on 2011-09-09, access key AKIDEXAMPLE, secret key
// wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY).
func TestSignDocumentationExample(t *testing.T) {
	body := "Action=ListUsers&Version=2010-05-08"
	r, err := http.NewRequest(http.MethodPost, "http://iam.amazonaws.com/", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	c := Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	at := time.Date(2011, 9, 9, 23, 36, 0, 0, time.UTC)
	if err := Sign(r, c, PayloadHash([]byte(body)), "iam", "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	want := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20110909/us-east-1/iam/aws4_request, " +
		"SignedHeaders=content-type;host;x-amz-date, Signature=ced6826de92d2bdeed8f846f0bf508e8559e98e4b0199114b84c54174deb456c"
	if got := r.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization\n got %s\nwant %s", got, want)
	}
	if got := r.Header.Get(HeaderDate); got != "20110909T233600Z" {
		t.Errorf("X-Amz-Date %s", got)
	}
	// The documentation's canonical request hashes to this (Task 2).
	_, headers := canonicalHeaders(r)
	canonical := "POST\n/\n\n" + headers + "\ncontent-type;host;x-amz-date\n" + PayloadHash([]byte(body))
	if got := PayloadHash([]byte(canonical)); got != "3511de7e95d28ecd39e9513b642aee07e54f4941150d8df8bf94b328ef7e55e2" {
		t.Errorf("canonical request hash %s\n%s", got, canonical)
	}
}

func TestSignSessionToken(t *testing.T) {
	r, _ := http.NewRequest(http.MethodPost, "https://sns.eu-west-1.amazonaws.com:443/", strings.NewReader("x=1"))
	c := Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret", SessionToken: "tok en"}
	if err := Sign(r, c, PayloadHash([]byte("x=1")), "sns", "eu-west-1", time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	if r.Header.Get(HeaderSecurityToken) != "tok en" {
		t.Errorf("X-Amz-Security-Token %q", r.Header.Get(HeaderSecurityToken))
	}
	auth := r.Header.Get("Authorization")
	if !strings.Contains(auth, "SignedHeaders=content-length;host;x-amz-date;x-amz-security-token,") {
		t.Errorf("the token or length is not signed: %s", auth)
	}
	if r.Host != "sns.eu-west-1.amazonaws.com" {
		t.Errorf("Host %q: the default port stays", r.Host)
	}
	if strings.Contains(auth, "secret") || strings.Contains(auth, "tok en") {
		t.Errorf("a secret in the Authorization header: %s", auth)
	}
	// Signed again without a token, the request carries none.
	if err := Sign(r, Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"}, EmptyPayloadHash, "sns", "eu-west-1", time.Unix(0, 0)); err != nil ||
		r.Header.Get(HeaderSecurityToken) != "" || strings.Contains(r.Header.Get("Authorization"), "x-amz-security-token") {
		t.Errorf("re-signed without a token: %v %v", err, r.Header)
	}
	for _, bad := range []Credentials{{AccessKeyID: "AKID"}, {SecretAccessKey: "s"}} {
		if err := Sign(r, bad, EmptyPayloadHash, "sns", "eu-west-1", time.Now()); err == nil {
			t.Errorf("signed with %v", bad)
		}
	}
	if err := Sign(r, c, EmptyPayloadHash, "sns", "", time.Now()); err == nil {
		t.Error("signed without a region")
	}
}

// TestSignMatchesSDK signs random requests with this package and with the
// AWS SDK's signer and wants the same Authorization header, session token
// header, Host and query.
func TestSignMatchesSDK(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 3000
	if testing.Short() {
		n = 300
	}
	sdk := sdkv4.NewSigner()
	for i := range n {
		method, target, host, header, body := randomRequest(rng)
		creds := Credentials{AccessKeyID: "AKID" + randomString(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16),
			SecretAccessKey: randomString(rng, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/", 40)}
		if rng.IntN(2) == 0 {
			creds.SessionToken = randomString(rng, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=", 1+rng.IntN(300))
		}
		service := []string{"sns", "iam", "sqs", "execute-api"}[rng.IntN(4)]
		region := []string{"us-east-1", "eu-central-1", "cn-north-1", "ap-southeast-2"}[rng.IntN(4)]
		at := time.Unix(rng.Int64N(4e9), 0)
		hash := PayloadHash(body)
		mk := func() *http.Request {
			r, err := http.NewRequest(method, target, strings.NewReader(string(body)))
			if err != nil {
				t.Fatalf("%s %s: %v", method, target, err)
			}
			r.Host = host
			for k, vs := range header {
				r.Header[k] = append([]string(nil), vs...)
			}
			return r
		}
		ours, theirs := mk(), mk()
		if err := Sign(ours, creds, hash, service, region, at); err != nil {
			t.Fatal(err)
		}
		sc := aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken}
		if err := sdk.SignHTTP(t.Context(), sc, theirs, hash, service, region, at); err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"Authorization", HeaderSecurityToken, HeaderDate} {
			if got, want := ours.Header.Get(h), theirs.Header.Get(h); got != want {
				t.Fatalf("request %d: %s %s (Host %q, headers %q)\n%s\n ours %s\n  sdk %s", i, method, target, host, header, h, got, want)
			}
		}
		if theirs.Host == "" { // what the transport sends then
			theirs.Host = theirs.URL.Host
		}
		if ours.URL.RawQuery != theirs.URL.RawQuery || ours.Host != theirs.Host {
			t.Fatalf("request %d: %s: query %q host %q, sdk %q %q", i, target, ours.URL.RawQuery, ours.Host, theirs.URL.RawQuery, theirs.Host)
		}
	}
}

const reserved = "abcXYZ019-_.~ !\"#$%&'()*+,/:;<=>?@[\\]^`{|}é€\x00\x7f"

func randomString(rng *rand.Rand, alphabet string, n int) string {
	r := []rune(alphabet)
	var b strings.Builder
	for range n {
		b.WriteRune(r[rng.IntN(len(r))])
	}
	return b.String()
}

// randomRequest makes a request of random method, host, path, query,
// headers and body, valid for net/http.
func randomRequest(rng *rand.Rand) (method, target, host string, header http.Header, body []byte) {
	method = []string{"GET", "POST", "PUT", "DELETE", "PATCH"}[rng.IntN(5)]
	scheme := []string{"http", "https"}[rng.IntN(2)]
	hostport := []string{"sns.us-east-1.amazonaws.com", "127.0.0.1:4100", "example.com:443", "example.com:80", "[::1]:8443"}[rng.IntN(5)]
	var path strings.Builder
	for range rng.IntN(5) {
		path.WriteString("/" + url.PathEscape(randomString(rng, reserved, rng.IntN(8))))
	}
	if rng.IntN(4) == 0 {
		path.WriteString("/")
	}
	q := url.Values{}
	for range rng.IntN(6) {
		k := randomString(rng, reserved, 1+rng.IntN(6))
		for range 1 + rng.IntN(2) {
			q.Add(k, randomString(rng, reserved, rng.IntN(10)))
		}
	}
	raw := q.Encode()
	if rng.IntN(3) == 0 {
		raw = strings.ReplaceAll(raw, "+", "%20") // either spelling of a space
	}
	target = scheme + "://" + hostport + path.String()
	if raw != "" {
		target += "?" + raw
	}
	if rng.IntN(3) == 0 {
		host = []string{"other.example", "sns.us-east-1.amazonaws.com:443", "h:80"}[rng.IntN(3)]
	}
	header = http.Header{}
	names := []string{"Content-Type", "X-Amz-Target", "X-Amz-Content-Sha256", "Accept", "User-Agent", "Expect", "X-Custom", "X-Amzn-Trace-Id", "Content-Length", "X-Amz-Meta-A"}
	for range rng.IntN(6) {
		v := randomString(rng, "ab  c\t1=;,/", rng.IntN(12))
		header.Add(names[rng.IntN(len(names))], v)
	}
	if rng.IntN(2) == 0 {
		body = []byte(randomString(rng, reserved, rng.IntN(100)))
	}
	return method, target, host, header, body
}

func ExampleSign() {
	body := "Action=Publish&Message=hello&TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A123456789012%3Adrs&Version=2010-03-31"
	r, _ := http.NewRequest(http.MethodPost, "https://sns.eu-west-1.amazonaws.com/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	c := Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	Sign(r, c, PayloadHash([]byte(body)), "sns", "eu-west-1", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	fmt.Println(strings.SplitAfter(r.Header.Get("Authorization"), ", ")[1])
	// Output: SignedHeaders=content-length;content-type;host;x-amz-date,
}
