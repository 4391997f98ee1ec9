//go:build unix && !decodeonly

package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serialgate/serialgate/drs"
	"github.com/serialgate/serialgate/internal/testenv"
)

// signedNotification is a DeviceRegisteredNotification with the given
// notificationId, signed by the SNS stand-in as SNS delivers it.
func signedNotification(t *testing.T, sns *snsStandIn, id string) []byte {
	t.Helper()
	b, err := os.ReadFile("../../drs/testdata/device-registered.json")
	if err != nil {
		t.Fatal(err)
	}
	env := &drs.Envelope{Type: drs.MessageNotification, MessageID: randomHex(8), TopicARN: sns.topic,
		Message:   strings.ReplaceAll(string(b), "amzn1.dash.notification.v1.xxxxxxxxxxxxx13", id),
		Timestamp: string(drs.FormatTime(time.Now()))}
	if err := env.Sign(sns.key, sns.certURL()); err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// `receive --forward-cmd` runs a real command per new notification with its
// journal line on stdin. A failing or hanging command answers 502, journals
// nothing and leaves no process behind; the redelivery is forwarded and
// journaled once; a replay runs nothing. The command's stderr is logged
// with secrets masked, and the LWA secret is not in its environment.
func TestReceiveForwardCommand(t *testing.T) {
	dir := t.TempDir()
	out, fail, hang, pidFile := filepath.Join(dir, "forwarded"), filepath.Join(dir, "fail"), filepath.Join(dir, "hang"), filepath.Join(dir, "pid")
	const secret = "lwa-secret-f0rward-test"
	t.Setenv(clientSecretEnv, secret)
	script := write(t, "forward.sh", `out=$1 fail=$2 hang=$3 pidfile=$4
if [ -e "$fail" ]; then
	rm -f "$fail"
	echo "downstream is down; token Atza|abc123XYZ; secret `+secret+`; env=[$`+clientSecretEnv+`]" >&2
	exit 3
fi
if [ -e "$hang" ]; then
	rm -f "$hang"
	sleep 60 &
	echo $! > "$pidfile"
	wait
fi
printf '%s %s ' "$SERIALGATE_NOTIFICATION_ID" "$SERIALGATE_NOTIFICATION_TYPE" >> "$out"
cat >> "$out"
`)
	sns, err := newSNSStandIn(certifyTopic)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sns)
	defer srv.Close()
	sns.base = srv.URL
	addr := loopbackAddr(t)
	journal := filepath.Join(dir, "notifications.jsonl")
	logs := start(t, addr, "receive", "--listen", addr, "--topic", certifyTopic, "--signing-hosts", srv.URL, "--out", journal,
		"--forward-cmd", "sh '"+script+"' '"+out+"' '"+fail+"' '"+hang+"' '"+pidFile+"'", "--forward-timeout", "3s")
	sns.target = "http://" + addr + "/"
	lines := func() []string {
		b, err := os.ReadFile(out)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSpace(string(b)), "\n")
	}

	// The command fails: 502, nothing journaled, its stderr logged masked.
	os.WriteFile(fail, nil, 0o600)
	n1 := signedNotification(t, sns, "fwd-1")
	if status, body := sns.post(t.Context(), n1); status != http.StatusBadGateway {
		t.Fatalf("failing command: %d %s", status, body)
	}
	if journalCount(t, journal, "fwd-1") != 0 {
		t.Error("a notification whose forward failed was journaled")
	}
	for _, want := range []string{"exit status 3", "downstream is down", "token Atz…", "secret …", "env=[]"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	if strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), "abc123XYZ") {
		t.Errorf("a secret reached the log:\n%s", logs.String())
	}
	// SNS delivers it again: forwarded and journaled once; a replay runs nothing.
	for i := 0; i < 2; i++ {
		if status, body := sns.post(t.Context(), n1); status != http.StatusOK {
			t.Fatalf("redelivery %d: %d %s", i, status, body)
		}
	}
	if l := lines(); len(l) != 1 || !strings.HasPrefix(l[0], "fwd-1 "+drs.TypeDeviceRegistered+" {") || !strings.Contains(l[0], `"notification_id":"fwd-1"`) {
		t.Errorf("forwarded lines %q", l)
	}
	if n := journalCount(t, journal, "fwd-1"); n != 1 {
		t.Errorf("journaled %d times", n)
	}

	// The command hangs: 502 after the timeout, and its child is gone.
	os.WriteFile(hang, nil, 0o600)
	n2 := signedNotification(t, sns, "fwd-2")
	if status, body := sns.post(t.Context(), n2); status != http.StatusBadGateway {
		t.Fatalf("hanging command: %d %s", status, body)
	}
	if !strings.Contains(logs.String(), "no exit within 3s") {
		t.Errorf("log lacks the timeout:\n%s", logs.String())
	}
	if pid, err := os.ReadFile(pidFile); err != nil {
		t.Error(err)
	} else if stat := "/proc/" + strings.TrimSpace(string(pid)) + "/stat"; fileExists("/proc/self/stat") {
		testenv.Eventually(t, 5*time.Second, "the command's child is killed", func() bool {
			b, err := os.ReadFile(stat)
			return err != nil || strings.Contains(string(b), ") Z ") // gone, or a zombie left to init
		})
	}
	if status, body := sns.post(t.Context(), n2); status != http.StatusOK {
		t.Fatalf("redelivery after the timeout: %d %s", status, body)
	}
	if l := lines(); len(l) != 2 || !strings.HasPrefix(l[1], "fwd-2 ") {
		t.Errorf("forwarded lines %q", l)
	}
	if n := journalCount(t, journal, "fwd-2"); n != 1 {
		t.Errorf("journaled %d times", n)
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
