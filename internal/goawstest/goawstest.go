// Package goawstest gives tests the goaws SNS emulator: built once from
// the Go module proxy into the user's cache, started on a free loopback
// port with the test's topics and stopped when the test ends.
//
// goaws signs its HTTP deliveries with SignatureVersion 1, serves its
// signing certificate over plain HTTP at its own address, and that
// certificate expires five seconds after goaws starts.
package goawstest

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

	"github.com/serialgate/serialgate/internal/testenv"
)

// Module is the emulator's main package at the version the tests know.
const Module = "github.com/Admiral-Piett/goaws/app/cmd@v0.4.5"

// The region and account of the topics Start configures.
const (
	Region  = "us-east-1"
	Account = "123456789012"
)

var build struct {
	once sync.Once
	path string
	err  error
}

// Binary builds goaws once and returns its path, or skips the test (fails
// it under CI) when it cannot be built, offline say.
func Binary(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		dir := filepath.Join(cache, "serialgate-test", "goaws-v0.4.5")
		build.path = filepath.Join(dir, "cmd")
		if _, err := os.Stat(build.path); err == nil {
			return
		}
		cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "install", Module)
		cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go install %s: %v\n%s", Module, err, out)
		}
	})
	if build.err != nil {
		if testenv.CI() {
			t.Fatal(build.err)
		}
		t.Skip(build.err)
	}
	return build.path
}

// Start starts goaws with topics, each with its HTTP subscribers (nil for
// none), and returns its endpoint URL, http://127.0.0.1:PORT. It also
// points the SNS sink at dummy credentials and away from shared files and
// instance metadata for the rest of the test.
//
// Topics given here need no CreateTopic: goaws crashes on a CreateTopic
// concurrent with a Publish.
func Start(t testing.TB, topics map[string][]string) (endpoint string) {
	t.Helper()
	bin := Binary(t)
	addr := testenv.FreeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	var b strings.Builder
	fmt.Fprintf(&b, "Local:\n  Host: 127.0.0.1\n  Port: %s\n  Region: %s\n  AccountId: %q\n  LogToFile: false\n  Topics:\n", port, Region, Account)
	for name, endpoints := range topics {
		fmt.Fprintf(&b, "    - Name: %s\n", name)
		if len(endpoints) > 0 {
			fmt.Fprintf(&b, "      Subscriptions:\n")
		}
		for _, ep := range endpoints {
			fmt.Fprintf(&b, "        - Protocol: http\n          EndPoint: %s\n          TopicArn: %s\n          Raw: false\n", ep, TopicARN(name))
		}
	}
	conf := filepath.Join(t.TempDir(), "goaws.yaml")
	if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	testenv.StartServer(t, addr, bin, "-config", conf, "Local")
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIDTESTTESTTESTTEST", "AWS_SECRET_ACCESS_KEY": "test-secret",
		"AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_REGION": Region,
		"AWS_CONFIG_FILE":             filepath.Join(t.TempDir(), "none"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(t.TempDir(), "none"),
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		t.Setenv(k, v)
	}
	return "http://" + addr
}

// TopicARN is the ARN goaws gives a topic of Start's.
func TopicARN(name string) string { return "arn:aws:sns:" + Region + ":" + Account + ":" + name }
