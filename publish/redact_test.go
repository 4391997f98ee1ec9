package publish

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`Post "https://admin:hunter2@hooks.example.com/drs": dial tcp: connection refused`,
			`Post "https://hooks.example.com/drs": dial tcp: connection refused`},
		{`Post "https://admin:***@hooks.example.com": EOF`, `Post "https://hooks.example.com": EOF`},
		{`connect to mqtt://plc:p@ss@broker:1883 failed`, `connect to mqtt://broker:1883 failed`},
		{`GET https://x.example.com/cb?id=7&access_token=abc.def&x=1 failed`,
			`GET https://x.example.com/cb?id=7&access_token=REDACTED&x=1 failed`},
		{`400 Bad Request: "Authorization: Bearer eyJhbGciOi.x.y"`, `400 Bad Request: "Authorization: Bearer REDACTED"`},
		{`x-api-key=12345 rejected`, `x-api-key=REDACTED rejected`},
		{`key AKIAIOSFODNN7EXAMPLE is not authorized`, `key REDACTED is not authorized`},
		{`password=s3cret; user=bob`, `password=REDACTED; user=bob`},
		{`post event 1 to https://hooks.example.com/drs: 503 Service Unavailable`,
			`post event 1 to https://hooks.example.com/drs: 503 Service Unavailable`},
		{"", ""},
	} {
		if got := redact(tc.in); got != tc.want {
			t.Errorf("redact(%q)\n = %q\nwant %q", tc.in, got, tc.want)
		}
	}
	long := strings.Repeat("é", 2000)
	if got := redact(long); len(got) > maxErrText || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
		t.Errorf("redact of %d bytes: %d bytes, valid UTF-8 %v", len(long), len(got), utf8.ValidString(got))
	}
}

// FuzzRedact checks that a URL's userinfo never survives, whatever text
// surrounds it, and that redact never panics and keeps UTF-8 valid.
func FuzzRedact(f *testing.F) {
	f.Add("Post ", "admin", "hunter2", ": EOF", "https")
	f.Add(`dial "`, "u", "p@ss:word", `": refused`, "mqtt")
	f.Add("", "user", "", "", "ws")
	f.Add("a@b://", "x/y", "z?#", "@", "ssl")
	f.Fuzz(func(t *testing.T, before, user, password, after, scheme string) {
		out := redact(before + after)
		if utf8.ValidString(before+after) && !utf8.ValidString(out) {
			t.Fatalf("redact(%q) = %q: not UTF-8", before+after, out)
		}
		if len(user) < 4 || len(password) < 4 || !validScheme(scheme) || strings.ContainsAny(before+after, "@") {
			return
		}
		u := &url.URL{Scheme: scheme, User: url.UserPassword(user, password), Host: "broker.example.com:1883", Path: "/x"}
		in := before + " " + u.String() + " " + after
		out = redact(in)
		userinfo := u.User.String()
		if strings.Contains(out, userinfo) {
			t.Fatalf("redact(%q) = %q keeps the userinfo %q", in, out, userinfo)
		}
	})
}

func validScheme(s string) bool {
	if s == "" || !('a' <= s[0] && s[0] <= 'z' || 'A' <= s[0] && s[0] <= 'Z') {
		return false
	}
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
