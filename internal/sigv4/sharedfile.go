package sigv4

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ParseError is a malformed line of a shared credentials or config file.
// It names the file and line but never quotes the line, which may hold a
// secret key.
type ParseError struct {
	File string
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Sections are the sections of a shared file by name as written between
// the brackets ("default", "profile ci"), each a map of its properties by
// lower-case name. Nested properties (an indented block under "s3 =") are
// skipped.
type Sections map[string]map[string]string

// ParseShared parses a shared credentials or config file, an INI dialect:
// [section] headers, name = value properties, comments on lines of their
// own starting with '#' or ';', or after a value following a space. A later
// section or property of the same name adds to or replaces an earlier one.
// name is the file's name for errors.
func ParseShared(name string, data []byte) (Sections, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	out := Sections{}
	var section map[string]string
	property := false // a property precedes in this section: an indented line continues it
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		fail := func(msg string) error { return &ParseError{File: name, Line: i + 1, Msg: msg} }
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';' {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if !property {
				return nil, fail("indented line with no property before it to continue")
			}
			continue
		}
		if trimmed[0] == '[' {
			end := strings.IndexByte(trimmed, ']')
			if end < 0 {
				return nil, fail("section header without a closing ']'")
			}
			if rest := strings.TrimSpace(trimmed[end+1:]); rest != "" && rest[0] != '#' && rest[0] != ';' {
				return nil, fail("text after a section header")
			}
			sec := strings.Join(strings.Fields(trimmed[1:end]), " ")
			if sec == "" {
				return nil, fail("section header without a name")
			}
			if out[sec] == nil {
				out[sec] = map[string]string{}
			}
			section, property = out[sec], false
			continue
		}
		eq := strings.IndexByte(trimmed, '=')
		if eq < 0 {
			return nil, fail("expected [section] or name = value")
		}
		if section == nil {
			return nil, fail("property before the first [section]")
		}
		key := strings.ToLower(strings.TrimSpace(trimmed[:eq]))
		if key == "" {
			return nil, fail("property without a name")
		}
		section[key] = stripComment(strings.TrimSpace(trimmed[eq+1:]))
		property = true
	}
	return out, nil
}

// stripComment cuts a value at a '#' or ';' that follows a space or tab.
func stripComment(v string) string {
	for i := 1; i < len(v); i++ {
		if (v[i] == '#' || v[i] == ';') && (v[i-1] == ' ' || v[i-1] == '\t') {
			return strings.TrimSpace(v[:i])
		}
	}
	return v
}

// profile is a profile's properties, the credentials file's over the
// config file's, and where they came from.
type profile struct {
	name        string
	props       map[string]string
	credentials string // the shared credentials file's path
	config      string // the config file's path
	found       bool
}

func (p profile) files() string { return p.credentials + ", " + p.config }

// where names the profile and the files it was read from, for errors.
func (p profile) where() string { return "profile " + p.name + " in " + p.files() }

func (p *Provider) profileName() string {
	if p.Profile != "" {
		return p.Profile
	}
	if n := p.getenv("AWS_PROFILE"); n != "" {
		return n
	}
	return "default"
}

// sharedPaths are the shared credentials and config files' paths.
func (p *Provider) sharedPaths() (credentials, config string) {
	home := p.getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	credentials, config = p.getenv("AWS_SHARED_CREDENTIALS_FILE"), p.getenv("AWS_CONFIG_FILE")
	if credentials == "" {
		credentials = filepath.Join(home, ".aws", "credentials")
	}
	if config == "" {
		config = filepath.Join(home, ".aws", "config")
	}
	return credentials, config
}

// loadProfile reads the profile from the shared files. A file that does
// not exist is empty; one that does not parse is an error. A profile named
// explicitly (Profile, AWS_PROFILE) must exist.
func (p *Provider) loadProfile() (profile, error) {
	prof := profile{name: p.profileName(), props: map[string]string{}}
	prof.credentials, prof.config = p.sharedPaths()
	read := func(path string) (Sections, error) {
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read AWS shared file: %w", err)
		}
		return ParseShared(path, b)
	}
	cfg, err := read(prof.config)
	if err != nil {
		return prof, err
	}
	// In the config file a profile is [profile NAME]; the default profile
	// may also be plain [default].
	secs := []string{"profile " + prof.name}
	if prof.name == "default" {
		secs = []string{"default", "profile default"}
	}
	for _, sec := range secs {
		if props, ok := cfg[sec]; ok {
			prof.found = true
			for k, v := range props {
				prof.props[k] = v
			}
		}
	}
	creds, err := read(prof.credentials)
	if err != nil {
		return prof, err
	}
	if props, ok := creds[prof.name]; ok {
		prof.found = true
		for k, v := range props {
			prof.props[k] = v
		}
	}
	if !prof.found && prof.name != "default" {
		return prof, fmt.Errorf("AWS profile %s: not found in %s", prof.name, prof.files())
	}
	return prof, nil
}

// profileCredentials are the profile's credentials: static keys or a
// credential_process. ok is false when the profile has none, so that the
// chain goes on.
func (p *Provider) profileCredentials(ctx context.Context, prof profile) (c Credentials, ok bool, err error) {
	for _, k := range []string{"sso_session", "sso_start_url", "sso_account_id", "sso_role_name"} {
		if prof.props[k] != "" {
			return c, true, fmt.Errorf("AWS %s: IAM Identity Center (SSO, %s) is not supported; "+
				"set credential_process = aws configure export-credentials --profile %s --format process in another profile and use that one",
				prof.where(), k, prof.name)
		}
	}
	for _, k := range []string{"role_arn", "web_identity_token_file"} {
		if prof.props[k] != "" {
			return c, true, fmt.Errorf("AWS %s: assuming a role (%s) is not supported; "+
				"set credential_process = aws configure export-credentials --profile %s --format process in another profile and use that one",
				prof.where(), k, prof.name)
		}
	}
	id, secret := prof.props["aws_access_key_id"], prof.props["aws_secret_access_key"]
	switch {
	case id != "" && secret != "":
		return Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: prof.props["aws_session_token"], Source: prof.where()}, true, nil
	case id != "":
		return c, true, fmt.Errorf("AWS %s: aws_access_key_id without aws_secret_access_key", prof.where())
	case secret != "":
		return c, true, fmt.Errorf("AWS %s: aws_secret_access_key without aws_access_key_id", prof.where())
	}
	if cmd := prof.props["credential_process"]; cmd != "" {
		c, err := p.processCredentials(ctx, cmd, prof)
		return c, true, err
	}
	return c, false, nil
}
