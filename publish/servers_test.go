package publish

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serialgate/serialgate/internal/testenv"
)

// The SNS emulator the SNS sink is tested against.
const goawsModule = "github.com/Admiral-Piett/goaws/app/cmd@v0.4.5"

var goaws struct {
	once sync.Once
	path string
	err  error
}

// goawsBinary builds goaws once, into the user's cache, or skips the test
// (fails it under CI) when it cannot be built, offline say.
func goawsBinary(t testing.TB) string {
	t.Helper()
	goaws.once.Do(func() {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		bin := filepath.Join(cache, "serialgate-test", "goaws-v0.4.5")
		if _, err := os.Stat(filepath.Join(bin, "cmd")); err == nil {
			goaws.path = filepath.Join(bin, "cmd")
			return
		}
		gocmd := filepath.Join(runtime.GOROOT(), "bin", "go")
		cmd := exec.Command(gocmd, "install", goawsModule)
		cmd.Env = append(os.Environ(), "GOBIN="+bin, "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			goaws.err = fmt.Errorf("go install %s: %v\n%s", goawsModule, err, out)
			return
		}
		goaws.path = filepath.Join(bin, "cmd")
	})
	if goaws.err != nil {
		if testenv.CI() {
			t.Fatal(goaws.err)
		}
		t.Skip(goaws.err)
	}
	return goaws.path
}

// startProcess starts a server, waits until it accepts connections at
// addr, and stops it when the test ends.
func startProcess(t testing.TB, addr string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-exited:
			t.Fatalf("%s exited: %s", filepath.Base(name), out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not listen at %s: %s", filepath.Base(name), addr, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startGoaws starts the emulator with topics, each with HTTP subscribers,
// and returns its endpoint URL. Topics come from the configuration, not
// CreateTopic: goaws crashes on a CreateTopic concurrent with a Publish.
func startGoaws(t testing.TB, topics map[string][]string) (endpoint string) {
	t.Helper()
	bin := goawsBinary(t)
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	var b strings.Builder
	fmt.Fprintf(&b, "Local:\n  Host: 127.0.0.1\n  Port: %s\n  Region: us-east-1\n  AccountId: \"123456789012\"\n  LogToFile: false\n  Topics:\n", port)
	for name, endpoints := range topics {
		fmt.Fprintf(&b, "    - Name: %s\n", name)
		if len(endpoints) > 0 {
			fmt.Fprintf(&b, "      Subscriptions:\n")
		}
		for _, ep := range endpoints {
			fmt.Fprintf(&b, "        - Protocol: http\n          EndPoint: %s\n          TopicArn: %s\n          Raw: false\n", ep, topicARN(name))
		}
	}
	conf := filepath.Join(t.TempDir(), "goaws.yaml")
	if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	startProcess(t, addr, bin, "-config", conf, "Local")
	// Dummy credentials, and no shared files or instance metadata.
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDTESTTESTTESTTEST", "AWS_SECRET_ACCESS_KEY": "test-secret",
		"AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_REGION": "us-east-1",
		"AWS_CONFIG_FILE":             filepath.Join(t.TempDir(), "none"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "none"),
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		t.Setenv(k, v)
	}
	return "http://" + addr
}

func topicARN(name string) string { return "arn:aws:sns:us-east-1:123456789012:" + name }

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
	startProcess(t, addr, bin, "-c", conf)
	return "tcp://" + addr
}
