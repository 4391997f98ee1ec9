//go:build !decodeonly

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/serialgate/serialgate/receiver"
)

// commandForwarder hands each new notification to a command: one process
// per notification, run by /bin/sh -c, its journal line (JSON and a
// newline) on standard input. A non-zero exit or a timeout fails the
// delivery, so the receiver answers 502 and SNS delivers again.
type commandForwarder struct {
	line    string        // the command line, as a shell reads it
	timeout time.Duration // for one run
	secrets []string      // masked in what the command writes to stderr
	log     *slog.Logger
}

// stderrCap bounds how much of the command's standard error is logged.
const stderrCap = 4 << 10

func (f *commandForwarder) forward(ctx context.Context, n receiver.Notification) error {
	line, err := json.Marshal(n.Entry)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", f.line)
	cmd.Stdin = bytes.NewReader(append(line, '\n'))
	stderr := &capped{max: stderrCap}
	cmd.Stderr = stderr
	cmd.Env = forwardEnv(os.Environ(), n.Entry)
	// The command's children die with it on a timeout, and a grandchild
	// holding stderr open cannot keep the delivery waiting.
	cmd.SysProcAttr = newProcessGroup()
	cmd.Cancel = func() error { return killProcessGroup(cmd.Process) }
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		err = fmt.Errorf("forward command: no exit within %v", f.timeout)
	} else if err != nil {
		err = fmt.Errorf("forward command: %w", err)
	}
	if msg := strings.TrimSpace(stderr.String()); msg != "" || err != nil {
		level := slog.LevelInfo
		if err != nil {
			level = slog.LevelWarn
		}
		if f.log != nil {
			f.log.Log(ctx, level, "forward command", "notification_id", n.Entry.NotificationID, "ok", err == nil,
				"error", errString(err), "stderr", maskSecrets(msg, f.secrets))
		}
	}
	return err
}

// forwardEnv is the command's environment: the receiver's without the LWA
// client secret, and the notification's ID and type for scripts that need
// no JSON parser.
func forwardEnv(environ []string, e receiver.Entry) []string {
	var out []string
	for _, kv := range environ {
		if !strings.HasPrefix(kv, clientSecretEnv+"=") {
			out = append(out, kv)
		}
	}
	return append(out, "SERIALGATE_NOTIFICATION_ID="+e.NotificationID, "SERIALGATE_NOTIFICATION_TYPE="+e.NotificationType)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// capped keeps the first max bytes written to it and says how many more
// there were.
type capped struct {
	max     int
	b       bytes.Buffer
	dropped int
}

func (c *capped) Write(p []byte) (int, error) {
	n := min(len(p), c.max-c.b.Len())
	c.b.Write(p[:n])
	c.dropped += len(p) - n
	return len(p), nil
}

func (c *capped) String() string {
	if c.dropped > 0 {
		return fmt.Sprintf("%s… (%d bytes more)", c.b.String(), c.dropped)
	}
	return c.b.String()
}

var errNoProcess = errors.New("forward command: no process")
