package sigv4

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// containerHost is the ECS agent's credentials endpoint, which a relative
// URI (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) is resolved against.
const containerHost = "http://169.254.170.2"

// containerCredentials fetches credentials from the container credentials
// endpoint of ECS or EKS Pod Identity.
func (p *Provider) containerCredentials(ctx context.Context) (Credentials, error) {
	var target string
	if rel := p.getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); rel != "" {
		host := p.containerHost
		if host == "" {
			host = containerHost
		}
		target = host + rel
	} else {
		target = p.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI")
		if err := checkContainerURL(target); err != nil {
			return Credentials{}, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return Credentials{}, fmt.Errorf("AWS container credentials: %w", err)
	}
	token := p.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN")
	if file := p.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return Credentials{}, fmt.Errorf("AWS container credentials: read the authorization token: %w", err)
		}
		token = strings.TrimSpace(string(b))
	}
	if token != "" {
		if strings.ContainsAny(token, "\r\n") {
			return Credentials{}, errors.New("AWS container credentials: the authorization token has a line break in it")
		}
		req.Header.Set("Authorization", token)
	}
	req.Header.Set("Accept", "application/json")
	body, err := p.fetch(req)
	if err != nil {
		return Credentials{}, fmt.Errorf("AWS container credentials from %s: %w", redactURL(target), err)
	}
	c, err := parseRoleCredentials(body)
	if err != nil {
		return Credentials{}, fmt.Errorf("AWS container credentials from %s: %w", redactURL(target), err)
	}
	c.Source = "container credentials endpoint " + redactURL(target)
	return c, nil
}

// checkContainerURL lets a full container URI send the authorization token
// in the clear only to the machine itself or to the ECS and EKS agents'
// link-local addresses.
func checkContainerURL(target string) error {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return errors.New("AWS container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI is not an absolute URL")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		host := u.Hostname()
		if host == "localhost" || host == "169.254.170.2" || host == "169.254.170.23" || host == "fd00:ec2::23" {
			return nil
		}
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
			return nil
		}
		return fmt.Errorf("AWS container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI %s: plain http only to loopback or the ECS/EKS agent", redactURL(target))
	default:
		return fmt.Errorf("AWS container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI has scheme %q, want http or https", u.Scheme)
	}
}

// redactURL drops a URL's query and user info, where tokens may ride.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// imdsHost is the EC2 instance metadata service.
const imdsHost = "http://169.254.169.254"

// instanceCredentials fetches the instance role's credentials from the EC2
// instance metadata service, version 2: a session token by PUT, then the
// role's name, then its credentials.
func (p *Provider) instanceCredentials(ctx context.Context) (Credentials, error) {
	base := strings.TrimSuffix(p.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT"), "/")
	if base == "" {
		base = imdsHost
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+"/latest/api/token", nil)
	if err != nil {
		return Credentials{}, err
	}
	req.Header.Set("X-Aws-Ec2-Metadata-Token-Ttl-Seconds", "21600")
	token, err := p.fetch(req)
	if err != nil {
		return Credentials{}, fmt.Errorf("get a session token: %w", err)
	}
	get := func(path string) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("X-Aws-Ec2-Metadata-Token", strings.TrimSpace(string(token)))
		return p.fetch(req)
	}
	const dir = "/latest/meta-data/iam/security-credentials/"
	roles, err := get(dir)
	if err != nil {
		return Credentials{}, fmt.Errorf("get the instance role: %w", err)
	}
	role, _, _ := strings.Cut(strings.TrimSpace(string(roles)), "\n")
	role = strings.TrimSpace(role)
	if role == "" || strings.ContainsAny(role, "/?#") {
		return Credentials{}, errors.New("get the instance role: the instance has no IAM role")
	}
	body, err := get(dir + role)
	if err != nil {
		return Credentials{}, fmt.Errorf("get the credentials of instance role %s: %w", role, err)
	}
	c, err := parseRoleCredentials(body)
	if err != nil {
		return Credentials{}, fmt.Errorf("credentials of instance role %s: %w", role, err)
	}
	c.Source = "EC2 instance metadata (role " + role + ")"
	return c, nil
}

// fetch sends req and returns the body of a 200 answer.
func (p *Provider) fetch(req *http.Request) ([]byte, error) {
	resp, err := p.client().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("answered %s%s", resp.Status, errorDetail(body))
	}
	return body, nil
}

// errorDetail is the code and message of a JSON error answer, which the
// container endpoint gives; it never quotes anything else of the body.
func errorDetail(body []byte) string {
	var v struct{ Code, Message string }
	if json.Unmarshal(body, &v) != nil || v.Code == "" && v.Message == "" {
		return ""
	}
	return ": " + strings.TrimSpace(v.Code+" "+v.Message)
}

// parseRoleCredentials reads the JSON credentials the container endpoint
// and the instance metadata service give: AccessKeyId, SecretAccessKey,
// Token, Expiration, and from the latter a Code that must be Success.
func parseRoleCredentials(body []byte) (Credentials, error) {
	var v struct {
		Code            string
		Message         string
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string
		Token           string
		Expiration      string
	}
	if err := json.Unmarshal(bytes.TrimSpace(body), &v); err != nil {
		return Credentials{}, jsonError(err)
	}
	if v.Code != "" && v.Code != "Success" {
		return Credentials{}, fmt.Errorf("answered %s: %s", v.Code, v.Message)
	}
	if v.AccessKeyID == "" || v.SecretAccessKey == "" {
		return Credentials{}, errors.New("answer has no AccessKeyId or SecretAccessKey")
	}
	c := Credentials{AccessKeyID: v.AccessKeyID, SecretAccessKey: v.SecretAccessKey, SessionToken: v.Token}
	if v.Expiration != "" {
		t, err := time.Parse(time.RFC3339, v.Expiration)
		if err != nil {
			return Credentials{}, errors.New("answer's Expiration is not an RFC 3339 time")
		}
		c.Expires = t
	}
	return c, nil
}
