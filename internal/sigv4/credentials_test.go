package sigv4

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// env is an environment for a Provider, with the shared files pointed at
// the test's copies and instance metadata off unless a test turns it on.
func env(t *testing.T, kv ...string) map[string]string {
	t.Helper()
	m := map[string]string{
		"HOME":                        t.TempDir(),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join("testdata", "shared", "credentials"),
		"AWS_CONFIG_FILE":             filepath.Join("testdata", "shared", "config"),
		"AWS_EC2_METADATA_DISABLED":   "true",
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func provider(m map[string]string) *Provider {
	return &Provider{Getenv: func(k string) string { return m[k] }, Stderr: new(bytes.Buffer)}
}

func TestProviderChain(t *testing.T) {
	for _, tc := range []struct {
		name              string
		env               map[string]string
		id, token, region string
		source            string // a part of Source
		err               string // a part of the error
	}{
		{name: "environment", env: env(t, "AWS_ACCESS_KEY_ID", "AKIDENV", "AWS_SECRET_ACCESS_KEY", "envSecret", "AWS_SESSION_TOKEN", "envToken", "AWS_REGION", "ap-south-1"),
			id: "AKIDENV", token: "envToken", region: "ap-south-1", source: "environment"},
		{name: "environment over profile", env: env(t, "AWS_ACCESS_KEY_ID", "AKIDENV", "AWS_SECRET_ACCESS_KEY", "envSecret", "AWS_PROFILE", "ci", "AWS_DEFAULT_REGION", "sa-east-1"),
			id: "AKIDENV", region: "sa-east-1", source: "environment"},
		{name: "half the environment", env: env(t, "AWS_ACCESS_KEY_ID", "AKIDENV"), err: "AWS_SECRET_ACCESS_KEY is not"},
		{name: "default profile", env: env(t), id: "AKIDDEFAULTEXAMPLE", region: "eu-west-1", source: "profile default in testdata/shared/credentials"},
		{name: "named profile", env: env(t, "AWS_PROFILE", "ci"), id: "AKIDCIEXAMPLE", token: "FwoGZXIvYXdzEXAMPLETOKEN", region: "us-west-2"},
		{name: "credential_process", env: env(t, "AWS_PROFILE", "station"), id: "AKIDPROCESS", region: "cn-north-1", source: "credential_process of profile station"},
		{name: "sso", env: env(t, "AWS_PROFILE", "sso"), err: "IAM Identity Center (SSO, sso_session) is not supported; set credential_process = aws configure export-credentials --profile sso --format process"},
		{name: "role", env: env(t, "AWS_PROFILE", "role"), err: "assuming a role (role_arn) is not supported"},
		{name: "missing profile", env: env(t, "AWS_PROFILE", "nope"), err: "AWS profile nope: not found in testdata/shared/credentials, testdata/shared/config"},
		{name: "no files, no metadata", env: env(t, "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/c", "AWS_CONFIG_FILE", "/nonexistent/f"),
			err: "no AWS credentials: none in the environment, none in profile default (/nonexistent/c, /nonexistent/f), and the EC2 instance metadata service is disabled"},
		{name: "web identity", env: env(t, "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/c", "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/token", "AWS_ROLE_ARN", "arn:aws:iam::1:role/x"),
			err: "web identity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := provider(tc.env)
			c, err := p.Retrieve(t.Context())
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one saying %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.AccessKeyID != tc.id || c.SessionToken != tc.token || c.SecretAccessKey == "" || !strings.Contains(c.Source, tc.source) {
				t.Errorf("got %s (token %q), want %s (token %q) from %s", c, c.SessionToken, tc.id, tc.token, tc.source)
			}
			region, err := p.Region()
			if err != nil || region != tc.region {
				t.Errorf("region %q, %v; want %s", region, err, tc.region)
			}
		})
	}
}

func TestProviderMalformedFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "credentials")
	os.WriteFile(bad, []byte("[default]\naws_access_key_id = AKID\naws_secret_access_key wJalrXUtnFEMISECRET\n"), 0o600)
	p := provider(env(t, "AWS_SHARED_CREDENTIALS_FILE", bad))
	_, err := p.Retrieve(t.Context())
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != bad || pe.Line != 3 {
		t.Fatalf("error %v, want a ParseError at %s:3", err, bad)
	}
	if !strings.HasPrefix(err.Error(), bad+":3: ") || strings.Contains(err.Error(), "wJalrXUtnFEMISECRET") {
		t.Errorf("error %q: want file:line first and never the line's text", err)
	}
	if _, err := p.Region(); !errors.As(err, &pe) {
		t.Errorf("Region read a malformed file: %v", err)
	}
}

func TestParseShared(t *testing.T) {
	good := "\ufeff; comment\n# comment\n[ profile   a ]  # trailing\nKey = v1 ; c\nk2=v=2\n  nested = x\n\tmore\n[default]\nk =\n[profile a]\nkey = v3\r\n"
	s, err := ParseShared("f", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if s["profile a"]["key"] != "v3" || s["profile a"]["k2"] != "v=2" || s["default"]["k"] != "" || len(s) != 2 {
		t.Errorf("parsed %q", s)
	}
	for _, tc := range []struct {
		text string
		line int
		msg  string
	}{
		{"[a\n", 1, "section header without a closing ']'"},
		{"k = v\n", 1, "property before the first [section]"},
		{"[a]\n\n  indented\n", 3, "indented line with no property before it to continue"},
		{"[a]\nk v\n", 2, "expected [section] or name = value"},
		{"[a]\n= v\n", 2, "property without a name"},
		{"[ ]\n", 1, "section header without a name"},
		{"[a] b\n", 1, "text after a section header"},
	} {
		_, err := ParseShared("cfg", []byte(tc.text))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Line != tc.line || pe.Msg != tc.msg || pe.File != "cfg" {
			t.Errorf("%q: error %v, want cfg:%d: %s", tc.text, err, tc.line, tc.msg)
		}
	}
}

// FuzzParseShared: the parser never panics; its errors name the file and a
// line of the input and quote none of it; what it parses reads back the
// same once written out.
func FuzzParseShared(f *testing.F) {
	for _, name := range []string{"credentials", "config"} {
		b, err := os.ReadFile(filepath.Join("testdata", "shared", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("[a]\nk = v ;x\n  n = 1\n[b"))
	msgs := map[string]bool{
		"section header without a closing ']'": true, "text after a section header": true, "section header without a name": true,
		"expected [section] or name = value": true, "property before the first [section]": true,
		"property without a name": true, "indented line with no property before it to continue": true,
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseShared("in", data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "in" || pe.Line < 1 || pe.Line > bytes.Count(data, []byte("\n"))+1 || !msgs[pe.Msg] {
				t.Fatalf("error %#v", err)
			}
			if err.Error() != fmt.Sprintf("in:%d: %s", pe.Line, pe.Msg) {
				t.Fatalf("error text %q", err)
			}
			return
		}
		var b strings.Builder
		for name, props := range s {
			fmt.Fprintf(&b, "[%s]\n", name)
			for k, v := range props {
				fmt.Fprintf(&b, "%s = %s\n", k, v)
			}
		}
		again, err := ParseShared("again", []byte(b.String()))
		if err != nil {
			t.Fatalf("written out, it does not parse: %v\n%s", err, b.String())
		}
		if fmt.Sprint(again) != fmt.Sprint(s) {
			t.Fatalf("written out and read back:\n%q\nwas\n%q", again, s)
		}
	})
}

func TestParseProcessOutput(t *testing.T) {
	c, err := ParseProcessOutput(mustRead(t, "testdata/process/ok.json"))
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != "AKIDPROCESS" || c.SecretAccessKey != "processSecret" || c.SessionToken != "processToken" ||
		!c.Expires.Equal(time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("parsed %s", c)
	}
	for file, want := range map[string]string{
		"version2.json":  "output has Version 2, want 1",
		"badexpiry.json": "output's Expiration is not an RFC 3339 time",
		"truncated.json": "output is not valid JSON",
	} {
		_, err := ParseProcessOutput(mustRead(t, "testdata/process/"+file))
		if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: error %v, want %q", file, err, want)
		}
	}
}

func mustRead(t testing.TB, path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// processErrors are all the errors ParseProcessOutput may give: none quotes
// the output.
var processErrors = regexp.MustCompile(`^(output has no (Version|AccessKeyId|SecretAccessKey)|output has Version -?\d+, want 1|` +
	`output's Expiration is not an RFC 3339 time|output is not valid JSON \(at byte \d+\)|` +
	`output's \w+ is a JSON \w+, not a [\w*]+|output is a JSON \w+, not an object|output is not a JSON object)$`)

// FuzzParseProcessOutput: never a panic, never an error quoting the output,
// and credentials only with both keys.
func FuzzParseProcessOutput(f *testing.F) {
	files, _ := filepath.Glob("testdata/process/*.json")
	for _, file := range files {
		f.Add(mustRead(f, file))
	}
	f.Add([]byte(`{"Version": "1"}`))
	f.Add([]byte(`[1]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseProcessOutput(data)
		if err != nil {
			if !processErrors.MatchString(err.Error()) {
				t.Fatalf("error %q", err)
			}
			return
		}
		if c.AccessKeyID == "" || c.SecretAccessKey == "" {
			t.Fatalf("credentials without keys: %s", c)
		}
	})
}

// TestProcessExpiry: credentials from a credential_process are kept until
// five minutes before their Expiration, then the process runs again.
func TestProcessExpiry(t *testing.T) {
	dir := t.TempDir()
	count := filepath.Join(dir, "runs")
	config := filepath.Join(dir, "config")
	out := `{"Version": 1, "AccessKeyId": "AKIDP", "SecretAccessKey": "s3cr3tKEY", "Expiration": "2030-01-01T00:00:00Z"}`
	os.WriteFile(config, []byte("[profile p]\ncredential_process = echo run >> "+count+"; printf '%s' '"+out+"'\n"), 0o600)
	now := time.Date(2029, 12, 31, 23, 0, 0, 0, time.UTC)
	p := provider(env(t, "AWS_CONFIG_FILE", config, "AWS_PROFILE", "p"))
	p.Now = func() time.Time { return now }
	runs := func() int { b, _ := os.ReadFile(count); return strings.Count(string(b), "run") }
	for _, step := range []struct {
		at   time.Time
		runs int
	}{
		{now, 1}, {now.Add(50 * time.Minute), 1}, {now.Add(55 * time.Minute), 2}, {now.Add(56 * time.Minute), 3},
	} {
		now = step.at
		c, err := p.Retrieve(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if c.AccessKeyID != "AKIDP" || runs() != step.runs {
			t.Errorf("at %s: %s after %d runs, want %d", now.Format(time.TimeOnly), c, runs(), step.runs)
		}
	}
	now = time.Date(2030, 1, 1, 0, 0, 1, 0, time.UTC)
	if _, err := p.Retrieve(t.Context()); err == nil || !strings.Contains(err.Error(), "expired at 2030-01-01T00:00:00Z") {
		t.Errorf("expired credentials: %v", err)
	}
}

func TestProcessFailure(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "config")
	os.WriteFile(config, []byte("[default]\ncredential_process = echo '{\"SecretAccessKey\": \"leakedSECRET\"'; echo oops >&2; exit 3\n"), 0o600)
	p := provider(env(t, "AWS_CONFIG_FILE", config, "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/c"))
	_, err := p.Retrieve(t.Context())
	if err == nil || !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "profile default") || strings.Contains(err.Error(), "leakedSECRET") {
		t.Errorf("error %v", err)
	}
	if got := p.Stderr.(*bytes.Buffer).String(); got != "oops\n" {
		t.Errorf("stderr %q", got)
	}
	os.WriteFile(config, []byte("[default]\ncredential_process = printf '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"leakedSECRET\"'\n"), 0o600)
	if _, err := p.Retrieve(t.Context()); err == nil || !strings.Contains(err.Error(), "output is not valid JSON") || strings.Contains(err.Error(), "leakedSECRET") {
		t.Errorf("error %v", err)
	}
}

// metadataServer stands in for the container credentials endpoint and the
// EC2 instance metadata service (IMDSv2), and counts the credentials it
// hands out.
func metadataServer(t *testing.T, expires time.Time) (*httptest.Server, *atomic.Int32) {
	var served atomic.Int32
	creds := func(w http.ResponseWriter) {
		served.Add(1)
		json.NewEncoder(w).Encode(map[string]string{"Code": "Success", "AccessKeyId": "AKIDROLE", "SecretAccessKey": "roleSecret",
			"Token": "roleToken", "Expiration": expires.Format(time.RFC3339)})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/credentials/abc", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer pod-token" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"code":"AccessDenied","message":"bad token"}`)
			return
		}
		creds(w)
	})
	mux.HandleFunc("PUT /latest/api/token", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Aws-Ec2-Metadata-Token-Ttl-Seconds") == "" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		fmt.Fprint(w, "imds-session")
	})
	imds := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Aws-Ec2-Metadata-Token") != "imds-session" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			h(w, r)
		}
	}
	mux.HandleFunc("GET /latest/meta-data/iam/security-credentials/", imds(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "station-role\n") }))
	mux.HandleFunc("GET /latest/meta-data/iam/security-credentials/station-role", imds(func(w http.ResponseWriter, r *http.Request) { creds(w) }))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &served
}

func TestContainerCredentials(t *testing.T) {
	expires := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	srv, served := metadataServer(t, expires)
	tokenFile := filepath.Join(t.TempDir(), "token")
	os.WriteFile(tokenFile, []byte("Bearer pod-token\n"), 0o600)
	none := []string{"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/c", "AWS_CONFIG_FILE", "/nonexistent/f"}
	for _, tc := range []struct {
		name string
		env  []string
		err  string
	}{
		{"relative", []string{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer pod-token"}, ""},
		{"full", []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI", srv.URL + "/v2/credentials/abc", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer pod-token"}, ""},
		{"token file", []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI", srv.URL + "/v2/credentials/abc", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile}, ""},
		{"wrong token", []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI", srv.URL + "/v2/credentials/abc", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer stolen"},
			"answered 401 Unauthorized: AccessDenied bad token"},
		{"remote http", []string{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://203.0.113.9/creds"}, "plain http only to loopback"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := provider(env(t, append(none, tc.env...)...))
			p.containerHost = srv.URL
			now := expires.Add(-time.Hour)
			p.Now = func() time.Time { return now }
			c, err := p.Retrieve(t.Context())
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "stolen") {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.AccessKeyID != "AKIDROLE" || c.SessionToken != "roleToken" || !c.Expires.Equal(expires) || !strings.Contains(c.Source, "container") {
				t.Errorf("got %s", c)
			}
			before := served.Load()
			p.Retrieve(t.Context())
			now = expires.Add(-time.Minute)
			p.Retrieve(t.Context())
			if served.Load()-before != 1 {
				t.Errorf("%d fetches for a cached then an expiring credential, want 1", served.Load()-before)
			}
		})
	}
}

func TestInstanceCredentials(t *testing.T) {
	expires := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	srv, served := metadataServer(t, expires)
	none := []string{"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/c", "AWS_CONFIG_FILE", "/nonexistent/f", "AWS_EC2_METADATA_SERVICE_ENDPOINT", srv.URL}
	p := provider(env(t, append(none, "AWS_EC2_METADATA_DISABLED", "")...))
	now := expires.Add(-time.Hour)
	p.Now = func() time.Time { return now }
	c, err := p.Retrieve(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != "AKIDROLE" || c.SecretAccessKey != "roleSecret" || c.Source != "EC2 instance metadata (role station-role)" {
		t.Errorf("got %s", c)
	}
	// The metadata service goes away: the credentials still valid serve.
	srv.Close()
	now = expires.Add(-4 * time.Minute)
	if c, err := p.Retrieve(t.Context()); err != nil || c.AccessKeyID != "AKIDROLE" {
		t.Errorf("with the service gone before expiry: %s, %v", c, err)
	}
	now = expires
	if _, err := p.Retrieve(t.Context()); err == nil || !strings.Contains(err.Error(), "EC2 instance metadata service: get a session token") {
		t.Errorf("with the service gone after expiry: %v", err)
	}
	if served.Load() != 1 {
		t.Errorf("served %d", served.Load())
	}

	srv2, served2 := metadataServer(t, expires)
	p = provider(env(t, append(none[:4], "AWS_EC2_METADATA_SERVICE_ENDPOINT", srv2.URL, "AWS_EC2_METADATA_DISABLED", "true")...))
	if _, err := p.Retrieve(t.Context()); err == nil || served2.Load() != 0 {
		t.Errorf("AWS_EC2_METADATA_DISABLED=true: %v, %d served", err, served2.Load())
	}
}

// TestCredentialsKeepSecrets: no formatting of credentials shows the
// secret key or the session token.
func TestCredentialsKeepSecrets(t *testing.T) {
	c := Credentials{AccessKeyID: "AKIDSHOWN", SecretAccessKey: "SECRETKEYxyz", SessionToken: "SESSIONTOKENxyz", Source: "environment",
		Expires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("creds", "c", c, "p", &c)
	shown := fmt.Sprintf("%v %+v %#v %s %q %x %X %v %+v", c, c, c, c, c, c, c, &c, []Credentials{c}) + logged.String()
	for _, secret := range []string{"SECRETKEY", "SESSIONTOKEN", hexOf("SECRETKEY"), strings.ToUpper(hexOf("SESSIONTOKEN"))} {
		if strings.Contains(shown, secret) {
			t.Errorf("%s shown: %s", secret, shown)
		}
	}
	if !strings.Contains(shown, "AKIDSHOWN") || !strings.Contains(shown, "with session token") || !strings.Contains(c.String(), "expires 2030-01-01T00:00:00Z") {
		t.Errorf("the access key or token's presence not shown: %s", shown)
	}
}

func hexOf(s string) string { return fmt.Sprintf("%x", s) }

func TestEndpoint(t *testing.T) {
	for _, tc := range []struct {
		env    []string
		region string
		want   string
	}{
		{nil, "us-east-1", "https://sns.us-east-1.amazonaws.com"},
		{nil, "cn-northwest-1", "https://sns.cn-northwest-1.amazonaws.com.cn"},
		{[]string{"AWS_ENDPOINT_URL", "http://localhost:4566"}, "us-east-1", "http://localhost:4566"},
		{[]string{"AWS_ENDPOINT_URL", "http://localhost:4566", "AWS_ENDPOINT_URL_SNS", "http://localhost:4100"}, "us-east-1", "http://localhost:4100"},
		{[]string{"AWS_ENDPOINT_URL_SNS", "http://localhost:4100", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}, "eu-west-1", "https://sns.eu-west-1.amazonaws.com"},
		{[]string{"AWS_ENDPOINT_URL_SNS", "localhost:4100"}, "eu-west-1", ""},
		{nil, "evil.com/x", ""},
	} {
		got, err := provider(env(t, tc.env...)).Endpoint("sns", tc.region)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("%v %s: %q, %v; want %q", tc.env, tc.region, got, err, tc.want)
		}
	}
	if _, err := provider(env(t, "AWS_REGION", "EU WEST")).Region(); err == nil {
		t.Error("a region with spaces")
	}
	if _, err := provider(env(t, "AWS_CONFIG_FILE", "/nonexistent/f")).Region(); err == nil || !strings.Contains(err.Error(), "no AWS region") {
		t.Errorf("no region anywhere: %v", err)
	}
}
