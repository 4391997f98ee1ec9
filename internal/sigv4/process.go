package sigv4

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// processTimeout bounds a credential_process that hangs, on a prompt say.
const processTimeout = time.Minute

// processCredentials runs a profile's credential_process through the shell
// and reads the credentials it prints.
func (p *Provider) processCredentials(ctx context.Context, command string, prof profile) (Credentials, error) {
	ctx, cancel := context.WithTimeout(ctx, processTimeout)
	defer cancel()
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		cmd = exec.CommandContext(ctx, "cmd.exe", "/C", command)
	} else {
		cmd = exec.CommandContext(ctx, "/bin/sh", "-c", command)
	}
	var out bytes.Buffer
	cmd.Stdout = &limitedWriter{w: &out, n: 1 << 20}
	cmd.Stderr = p.Stderr
	if cmd.Stderr == nil {
		cmd.Stderr = os.Stderr
	}
	// Neither the command (it may carry a token of its own) nor its
	// output (it holds the secrets) is quoted: the profile names them.
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return Credentials{}, fmt.Errorf("AWS %s: run credential_process: %w", prof.where(), err)
	}
	c, err := ParseProcessOutput(out.Bytes())
	if err != nil {
		return Credentials{}, fmt.Errorf("AWS %s: credential_process: %w", prof.where(), err)
	}
	c.Source = "credential_process of " + prof.where()
	return c, nil
}

// ParseProcessOutput reads what a credential_process prints: a JSON object
// with Version 1, AccessKeyId, SecretAccessKey and optionally SessionToken
// and Expiration (RFC 3339). Its errors never quote the output.
func ParseProcessOutput(data []byte) (Credentials, error) {
	var v struct {
		Version         *int
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return Credentials{}, jsonError(err)
	}
	switch {
	case v.Version == nil:
		return Credentials{}, errors.New("output has no Version")
	case *v.Version != 1:
		return Credentials{}, fmt.Errorf("output has Version %d, want 1", *v.Version)
	case v.AccessKeyID == "":
		return Credentials{}, errors.New("output has no AccessKeyId")
	case v.SecretAccessKey == "":
		return Credentials{}, errors.New("output has no SecretAccessKey")
	}
	c := Credentials{AccessKeyID: v.AccessKeyID, SecretAccessKey: v.SecretAccessKey, SessionToken: v.SessionToken}
	if v.Expiration != "" {
		t, err := time.Parse(time.RFC3339, v.Expiration)
		if err != nil {
			return Credentials{}, errors.New("output's Expiration is not an RFC 3339 time")
		}
		c.Expires = t
	}
	return c, nil
}

// jsonError describes a JSON decoding error by position and kind only:
// encoding/json's own messages quote a character of the input, which may
// be one of a secret's.
func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("output is not valid JSON (at byte %d)", syn.Offset)
	case errors.As(err, &typ):
		kind, _, _ := strings.Cut(typ.Value, " ") // "number 5": the kind, not the value
		if typ.Field == "" {
			return fmt.Errorf("output is a JSON %s, not an object", kind)
		}
		return fmt.Errorf("output's %s is a JSON %s, not a %s", typ.Field, kind, typ.Type)
	default:
		return errors.New("output is not a JSON object")
	}
}

// limitedWriter keeps the first n bytes written to it and drops the rest,
// so that a runaway command cannot fill memory.
type limitedWriter struct {
	w interface{ Write([]byte) (int, error) }
	n int
}

func (l *limitedWriter) Write(b []byte) (int, error) {
	if l.n > 0 {
		k := min(len(b), l.n)
		l.w.Write(b[:k])
		l.n -= k
	}
	return len(b), nil
}
