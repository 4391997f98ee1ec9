package receiver

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// noNetwork fails every request: the fuzz target must not reach out.
type noNetwork struct{}

func (noNetwork) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("no network in fuzzing")
}

// FuzzSNSMessage: Handle never panics, and refuses anything it cannot
// verify with a *Refusal; with no certificate to be had, nothing is
// accepted.
func FuzzSNSMessage(f *testing.F) {
	files, _ := filepath.Glob("../drs/testdata/sns-*.json")
	if len(files) == 0 {
		f.Fatal("no seeds")
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add("", b)
		f.Add("Notification", b)
	}
	f.Add("SubscriptionConfirmation", []byte(`{"Type":"SubscriptionConfirmation"}`))
	rc := &Receiver{Topics: []string{topic, "arn:aws:sns:us-east-1:300797413096:TestNotifV2ForVendors"},
		HTTP: &http.Client{Transport: noNetwork{}}}
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		out, err := rc.Handle(context.Background(), header, body)
		if err == nil {
			t.Fatalf("accepted without a certificate: %+v", out)
		}
		var rf *Refusal
		if !errors.As(err, &rf) || rf.Status < 400 || rf.Status > 599 {
			t.Fatalf("error %v (%T) is not a *Refusal with an error status", err, err)
		}
	})
}
