package sigv4

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// Credentials sign requests. SecretAccessKey and SessionToken are secrets:
// String, GoString and LogValue leave them out, and no error of this
// package carries them.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expires         time.Time // zero when they do not expire
	Source          string    // where they came from, for people: "environment", "profile default in /root/.aws/credentials"
}

// String names the access key and where it came from, not the secrets.
func (c Credentials) String() string {
	s := "AWS access key " + c.AccessKeyID
	if c.SessionToken != "" {
		s += " (with session token)"
	}
	if c.Source != "" {
		s += " from " + c.Source
	}
	if !c.Expires.IsZero() {
		s += ", expires " + c.Expires.UTC().Format(time.RFC3339)
	}
	return s
}

// GoString keeps %#v from printing the secrets.
func (c Credentials) GoString() string { return "sigv4.Credentials{" + c.String() + "}" }

// LogValue keeps slog from printing the secrets.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Format keeps every verb (%v, %+v, %x, %q...) from printing the secrets.
func (c Credentials) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, c.GoString())
		return
	}
	io.WriteString(f, c.String())
}

// expired reports whether c must be fetched again at now: credentials
// that expire are renewed a few minutes early, so that a request signed
// just before the deadline is not refused on arrival.
func (c Credentials) expired(now time.Time) bool {
	return !c.Expires.IsZero() && !now.Before(c.Expires.Add(-refreshWindow))
}

// refreshWindow is how long before their expiry credentials are renewed.
const refreshWindow = 5 * time.Minute

// Provider finds credentials as the AWS CLI and SDKs do, in order: the
// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN); the profile (AWS_PROFILE, else default) in the
// shared credentials and config files, with static keys or a
// credential_process; the container credentials endpoint
// (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI); the EC2 instance
// metadata service (IMDSv2), unless AWS_EC2_METADATA_DISABLED=true. It
// keeps what it found until a few minutes before it expires.
//
// Profiles that use IAM Identity Center (sso_*), assume a role (role_arn)
// or a web identity are refused with an error saying so: for those, a
// credential_process such as `aws configure export-credentials --format
// process` does the job.
type Provider struct {
	// Profile is the profile in the shared files; AWS_PROFILE's, else
	// "default", when empty.
	Profile string
	// Getenv reads the environment; os.Getenv when nil.
	Getenv func(string) string
	// Client fetches container and instance credentials; when nil, one
	// that goes through no proxy and gives up after a few seconds.
	Client *http.Client
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Stderr gets credential_process's standard error, its prompts and
	// complaints; os.Stderr when nil.
	Stderr io.Writer

	// containerHost is where a relative container URI points; the ECS
	// agent's address when empty. Tests point it at their server.
	containerHost string

	mu             sync.Mutex
	cached         Credentials
	have           bool
	metadataClient *http.Client
}

// Retrieve returns the credentials, finding them on first use and again
// when they are about to expire. A renewal that fails while the old
// credentials are still valid returns the old ones.
func (p *Provider) Retrieve(ctx context.Context) (Credentials, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if p.have && !p.cached.expired(now) {
		return p.cached, nil
	}
	c, err := p.resolve(ctx)
	if err != nil {
		if p.have && now.Before(p.cached.Expires) {
			return p.cached, nil
		}
		return Credentials{}, err
	}
	if !c.Expires.IsZero() && !now.Before(c.Expires) {
		return Credentials{}, fmt.Errorf("AWS credentials from %s expired at %s", c.Source, c.Expires.UTC().Format(time.RFC3339))
	}
	p.cached, p.have = c, true
	return c, nil
}

// Invalidate forgets the credentials, so that the next Retrieve finds
// them again: for when AWS refused them as expired.
func (p *Provider) Invalidate() {
	p.mu.Lock()
	p.have = false
	p.cached = Credentials{}
	p.mu.Unlock()
}

func (p *Provider) getenv(k string) string {
	if p.Getenv != nil {
		return p.Getenv(k)
	}
	return os.Getenv(k)
}

func (p *Provider) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// client is the HTTP client for the metadata services; it is called with
// p.mu held.
func (p *Provider) client() *http.Client {
	if p.Client != nil {
		return p.Client
	}
	if p.metadataClient != nil {
		return p.metadataClient
	}
	// The metadata services are link-local: a proxy from the environment
	// could not reach them and must not see their tokens.
	p.metadataClient = &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{
			Proxy:       nil,
			DialContext: (&net.Dialer{Timeout: time.Second}).DialContext,
		},
	}
	return p.metadataClient
}

// resolve walks the chain once.
func (p *Provider) resolve(ctx context.Context) (Credentials, error) {
	id, secret := p.getenv("AWS_ACCESS_KEY_ID"), p.getenv("AWS_SECRET_ACCESS_KEY")
	switch {
	case id != "" && secret != "":
		return Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: p.getenv("AWS_SESSION_TOKEN"), Source: "environment"}, nil
	case id != "":
		return Credentials{}, errors.New("AWS credentials: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
	case secret != "":
		return Credentials{}, errors.New("AWS credentials: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not")
	}

	prof, err := p.loadProfile()
	if err != nil {
		return Credentials{}, err
	}
	if c, ok, err := p.profileCredentials(ctx, prof); ok || err != nil {
		return c, err
	}

	if p.getenv("AWS_WEB_IDENTITY_TOKEN_FILE") != "" && p.getenv("AWS_ROLE_ARN") != "" {
		return Credentials{}, errors.New("AWS credentials: a web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN) is not supported; " +
			"use a credential_process, e.g. `aws configure export-credentials --format process`, or the container credentials endpoint")
	}
	if p.getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != "" || p.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") != "" {
		return p.containerCredentials(ctx)
	}
	if strings.EqualFold(p.getenv("AWS_EC2_METADATA_DISABLED"), "true") {
		return Credentials{}, fmt.Errorf("no AWS credentials: none in the environment, none in profile %s (%s), and the EC2 instance metadata service is disabled (AWS_EC2_METADATA_DISABLED)",
			prof.name, prof.files())
	}
	c, err := p.instanceCredentials(ctx)
	if err != nil {
		return Credentials{}, fmt.Errorf("no AWS credentials: none in the environment, none in profile %s (%s), and from the EC2 instance metadata service: %w",
			prof.name, prof.files(), err)
	}
	return c, nil
}
