package publish

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/serialgate/serialgate/internal/goawstest"
	"github.com/serialgate/serialgate/internal/testenv"
)

// startGoaws starts the SNS emulator with topics, each with HTTP
// subscribers, and returns its endpoint URL.
func startGoaws(t testing.TB, topics map[string][]string) (endpoint string) {
	return goawstest.Start(t, topics)
}

func topicARN(name string) string { return goawstest.TopicARN(name) }

// startMosquitto starts a broker of the test's own on 127.0.0.1 and
// returns its URL.
func startMosquitto(t testing.TB) string {
	t.Helper()
	bin := "/usr/sbin/mosquitto"
	if _, err := os.Stat(bin); err != nil {
		bin = testenv.Tool(t, "mosquitto", "mosquitto")
	}
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	dir := t.TempDir()
	conf := filepath.Join(dir, "mosquitto.conf")
	text := fmt.Sprintf("listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n", port)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	testenv.StartServer(t, addr, bin, "-c", conf)
	return "tcp://" + addr
}
