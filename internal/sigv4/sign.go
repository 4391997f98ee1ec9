package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Algorithm is the signing algorithm named in the Authorization header.
const Algorithm = "AWS4-HMAC-SHA256"

// The request headers a signature sets.
const (
	HeaderDate          = "X-Amz-Date"
	HeaderSecurityToken = "X-Amz-Security-Token"
	// HeaderContentSHA256 carries the payload hash. SNS does not ask for
	// it; a caller that sets it has it signed like any other header.
	HeaderContentSHA256 = "X-Amz-Content-Sha256"
)

const timeFormat = "20060102T150405Z"

// EmptyPayloadHash is PayloadHash(nil).
const EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// PayloadHash is the hex SHA-256 of a request body, as the canonical
// request carries it.
func PayloadHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// unsigned are headers left out of the signature: proxies and the
// transport may add, drop or rewrite them on the way.
var unsigned = map[string]bool{
	"authorization":     true,
	"user-agent":        true,
	"x-amzn-trace-id":   true,
	"expect":            true,
	"transfer-encoding": true,
	"content-length":    true, // signed from r.ContentLength, which is what the transport sends
}

// Sign signs r for service in region at time t: it sets X-Amz-Date,
// X-Amz-Security-Token when c has a session token, and Authorization.
// payloadHash is PayloadHash of the body r will send. Every header already
// on r is signed, except those a proxy or the transport may change
// (User-Agent, Expect, Transfer-Encoding, X-Amzn-Trace-Id); so is the
// Host, without a default port, and the Content-Length when positive.
// Sign rewrites r's query in canonical form, so that what is sent is what
// was signed.
func Sign(r *http.Request, c Credentials, payloadHash, service, region string, t time.Time) error {
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return errors.New("sign request: credentials without an access key ID or secret access key")
	}
	if service == "" || region == "" {
		return errors.New("sign request: no service or region")
	}
	t = t.UTC()
	amzDate := t.Format(timeFormat)
	r.Header.Set(HeaderDate, amzDate)
	if c.SessionToken != "" {
		r.Header.Set(HeaderSecurityToken, c.SessionToken)
	} else {
		r.Header.Del(HeaderSecurityToken) // a request signed again, with new credentials
	}
	r.Host = signingHost(r)
	query := canonicalQuery(r.URL.Query())
	r.URL.RawQuery = query
	signedHeaders, headers := canonicalHeaders(r)
	canonical := strings.Join([]string{
		r.Method,
		canonicalPath(r.URL),
		query,
		headers,
		signedHeaders,
		payloadHash,
	}, "\n")
	scope := t.Format("20060102") + "/" + region + "/" + service + "/aws4_request"
	sum := sha256.Sum256([]byte(canonical))
	toSign := Algorithm + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	key := signingKey(c.SecretAccessKey, t.Format("20060102"), region, service)
	signature := hex.EncodeToString(hmacSHA256(key, []byte(toSign)))
	r.Header.Set("Authorization", Algorithm+" Credential="+c.AccessKeyID+"/"+scope+
		", SignedHeaders="+signedHeaders+", Signature="+signature)
	return nil
}

// signingKey derives the key for one day, region and service from the
// secret access key.
func signingKey(secret, day, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(day))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte("aws4_request"))
}

func hmacSHA256(key, data []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(data)
	return h.Sum(nil)
}

// signingHost is the request's host as the server will see it: the
// default port of the scheme is dropped, since clients omit it from the
// Host header they send.
func signingHost(r *http.Request) string {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	scheme := strings.ToLower(r.URL.Scheme)
	for _, p := range []struct{ scheme, suffix string }{{"http", ":80"}, {"https", ":443"}} {
		if scheme == p.scheme && strings.HasSuffix(host, p.suffix) {
			return strings.TrimSuffix(host, p.suffix)
		}
	}
	return host
}

// canonicalPath is the URI path, each byte outside the unreserved set
// percent-encoded once more, as every service but S3 expects.
func canonicalPath(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	return escape(p, true)
}

// canonicalQuery is the query with names and values percent-encoded,
// sorted by name, then value.
func canonicalQuery(q url.Values) string {
	type pair struct{ k, v string }
	var pairs []pair
	for k, vs := range q {
		ek := escape(k, false)
		for _, v := range vs {
			pairs = append(pairs, pair{ek, escape(v, false)})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

// escape percent-encodes every byte but the unreserved ones (A-Z a-z 0-9
// - _ . ~), and '/' when keepSlash.
func escape(s string, keepSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~', c == '/' && keepSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

// canonicalHeaders returns the signed header names, joined by ';', and
// the canonical header block: lower-case names in order, each with its
// values trimmed, inner runs of spaces folded, and joined by ','.
func canonicalHeaders(r *http.Request) (signed, block string) {
	values := map[string][]string{"host": {r.Host}}
	if r.ContentLength > 0 {
		values["content-length"] = []string{strconv.FormatInt(r.ContentLength, 10)}
	}
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		if unsigned[lk] || lk == "host" {
			continue
		}
		values[lk] = append(values[lk], vs...)
	}
	names := slices.Sorted(maps.Keys(values))
	var b strings.Builder
	for _, name := range names {
		b.WriteString(name)
		b.WriteByte(':')
		for i, v := range values[name] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(foldSpaces(strings.TrimSpace(v)))
		}
		b.WriteByte('\n')
	}
	return strings.Join(names, ";"), b.String()
}

// foldSpaces replaces each run of spaces with one.
func foldSpaces(s string) string {
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' && i > 0 && s[i-1] == ' ' {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
