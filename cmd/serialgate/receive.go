//go:build !decodeonly

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/serialgate/serialgate/lwa"
	"github.com/serialgate/serialgate/receiver"
)

// clientSecretEnv holds the LWA client secret of the push flow, kept off
// the command line where ps would show it.
const clientSecretEnv = "SERIALGATE_LWA_CLIENT_SECRET"

// receiveOptions configure a receiver.
type receiveOptions struct {
	Topics        []string
	SigningHosts  string
	Out           string
	Forward       string
	ForwardCmd    string
	ForwardWait   time.Duration // for one run of ForwardCmd
	TokenEndpoint string
	ClientID      string
	ClientSecret  string
	HTTP          *http.Client // nil: the receiver's default
}

func runReceive(e *env, args []string) int {
	fl := newFlags(e, "receive", "",
		"Serves an Amazon SNS HTTP/HTTPS endpoint for DRS notifications: confirms subscriptions to\n"+
			"the --topic ARNs only, verifies each message's signature (SignatureVersion 1 and 2) with a\n"+
			"certificate fetched from --signing-hosts only, parses every DRS notification type and version,\n"+
			"drops redeliveries by notificationId (remembered in --out across restarts), appends each\n"+
			"notification to --out as a JSON line (synced), optionally forwards it (--forward to a URL or\n"+
			"--forward-cmd to a command) and, for a DeviceRegisteredNotification, exchanges the device\n"+
			"for tokens (push flow; the secret from $"+clientSecretEnv+" or --client-secret),\n"+
			"journaling only their SHA-256 hashes.")
	listen := fl.String("listen", "127.0.0.1:8641", "address to serve on")
	var topics stringList
	fl.Var(&topics, "topic", "topic ARN to accept and confirm (repeatable; at least one)")
	hosts := fl.String("signing-hosts", receiver.DefaultAllowList, "origins (scheme://host[:port], * a single DNS label) of signing certificates and SubscribeURLs, comma-separated; for goaws: http://localhost:4100")
	out := fl.String("out", "notifications.jsonl", "journal of accepted messages (JSONL); also remembers the notification IDs seen")
	forward := fl.String("forward", "", "POST each new notification's journal line to this URL; a non-2xx answer makes SNS deliver again")
	forwardCmd := fl.String("forward-cmd", "", "run this command line (/bin/sh -c) for each new notification, its journal line on standard input;\na non-zero exit or a timeout makes SNS deliver again")
	forwardTimeout := fl.Duration("forward-timeout", 10*time.Second, "how long one --forward-cmd run may take")
	tokenEndpoint := fl.String("token-endpoint", "", "push flow: the token endpoint (e.g. http://127.0.0.1:8640/auth/o2/token)")
	clientID := fl.String("client-id", "", "push flow: the LWA client ID")
	clientSecret := fl.String("client-secret", "", "push flow: the LWA client secret (prefer $"+clientSecretEnv+")")
	tlsCert := fl.String("tls-cert", "", "serve HTTPS with this certificate (PEM)")
	tlsKey := fl.String("tls-key", "", "and this key (PEM)")
	if code, ok := parse(fl, args, nil); !ok {
		return code
	}
	o := receiveOptions{Topics: topics, SigningHosts: *hosts, Out: *out, Forward: *forward, ForwardCmd: *forwardCmd, ForwardWait: *forwardTimeout,
		TokenEndpoint: *tokenEndpoint, ClientID: *clientID, ClientSecret: *clientSecret}
	if o.ClientSecret == "" {
		o.ClientSecret = os.Getenv(clientSecretEnv)
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		fmt.Fprintln(e.stderr, "serialgate receive: --tls-cert and --tls-key go together")
		return exitUsage
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	rc, err := buildReceiver(o, log)
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate receive:", err)
		return exitUsage
	}
	defer rc.Journal.Close()
	if err := serveHTTP(e.ctx, *listen, rc, log, "SNS endpoint", "/", *tlsCert, *tlsKey); err != nil {
		fmt.Fprintln(e.stderr, "serialgate receive:", err)
		return exitUsage
	}
	return exitOK
}

// buildReceiver makes the SNS endpoint the options describe.
func buildReceiver(o receiveOptions, log *slog.Logger) (*receiver.Receiver, error) {
	if len(o.Topics) == 0 {
		return nil, errors.New("no --topic: name the topic ARNs to accept")
	}
	allow, err := receiver.ParseAllowList(o.SigningHosts)
	if err != nil {
		return nil, err
	}
	rc := &receiver.Receiver{Topics: o.Topics, Allow: allow, HTTP: o.HTTP, Log: log}
	if o.TokenEndpoint != "" {
		if o.ClientID == "" || o.ClientSecret == "" {
			return nil, fmt.Errorf("--token-endpoint needs --client-id and a client secret ($%s)", clientSecretEnv)
		}
		c := &lwa.Client{Endpoint: o.TokenEndpoint}
		id, secret := o.ClientID, o.ClientSecret
		rc.Exchange = func(ctx context.Context, serial, model string) receiver.TokenResult {
			tok, err := c.Exchange(ctx, id, secret, serial, model)
			if err != nil {
				status := 0
				var le *lwa.Error
				if errors.As(err, &le) {
					status = le.Status
				}
				return receiver.TokenResult{Status: status, Err: err}
			}
			return receiver.TokenResult{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, ExpiresIn: tok.ExpiresIn, Status: http.StatusOK}
		}
	}
	if o.Forward != "" && o.ForwardCmd != "" {
		return nil, errors.New("--forward and --forward-cmd: choose one")
	}
	if o.ForwardCmd != "" {
		if o.ForwardWait <= 0 {
			return nil, fmt.Errorf("--forward-timeout %v: want a positive duration", o.ForwardWait)
		}
		f := &commandForwarder{line: o.ForwardCmd, timeout: o.ForwardWait, secrets: []string{o.ClientSecret}, log: log}
		rc.Forward = f.forward
	}
	if o.Forward != "" {
		target := o.Forward
		client := &http.Client{Timeout: 10 * time.Second}
		rc.Forward = func(ctx context.Context, n receiver.Notification) error {
			b, err := json.Marshal(n.Entry)
			if err != nil {
				return err
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(b))
			if err != nil {
				return err
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			if resp.StatusCode/100 != 2 {
				return fmt.Errorf("forward answered %s", resp.Status)
			}
			return nil
		}
	}
	if o.Out != "" {
		if rc.Journal, err = receiver.OpenJournal(o.Out); err != nil {
			return nil, err
		}
	} else {
		rc.Journal = &receiver.Journal{}
	}
	return rc, nil
}
