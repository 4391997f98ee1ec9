package publish

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/serialgate/serialgate/drs"
)

const topic = "arn:aws:sns:us-east-1:123456789012:drs-acme"

func TestWebhookPostsTheSNSEnvelope(t *testing.T) {
	ev := testEvents(t, 1)[0]
	type got struct {
		header http.Header
		body   []byte
		method string
	}
	gotc := make(chan got, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotc <- got{r.Header.Clone(), b, r.Method}
	}))
	defer srv.Close()
	s := &Webhook{URL: srv.URL + "/drs", TopicARN: topic,
		Header: http.Header{"Authorization": {"Bearer abc"}, drs.HeaderMessageType: {"forged"}}}
	defer s.CloseIdleConnections()
	if err := s.Publish(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
	g := <-gotc

	// The body is the envelope byte for byte, and decodes as a receiver
	// decodes what SNS posts.
	want, err := drs.NotificationEnvelope(ev, topic)
	if err != nil {
		t.Fatal(err)
	}
	wantBody, err := want.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g.body, wantBody) {
		t.Errorf("body\n%s\nwant\n%s", g.body, wantBody)
	}
	env, err := drs.DecodeEnvelope(g.body)
	if err != nil {
		t.Fatal(err)
	}
	if env.Message != string(ev.Body) {
		t.Errorf("Message %q, want the event body %q", env.Message, ev.Body)
	}
	n, err := env.Notification()
	if err != nil {
		t.Fatal(err)
	}
	if id := n.Info().NotificationID; id != ev.ID {
		t.Errorf("notificationId %s, want %s", id, ev.ID)
	}
	if g.method != http.MethodPost {
		t.Errorf("method %s, want POST", g.method)
	}
	for k, v := range map[string]string{
		"Content-Type":           "text/plain; charset=UTF-8",
		"X-Amz-Sns-Message-Type": "Notification",
		"X-Amz-Sns-Message-Id":   env.MessageID,
		"X-Amz-Sns-Topic-Arn":    topic,
		"User-Agent":             "Amazon Simple Notification Service Agent",
		"Authorization":          "Bearer abc",
	} {
		if vs := g.header.Values(k); len(vs) != 1 || vs[0] != v {
			t.Errorf("header %s: %q, want %q", k, vs, v)
		}
	}

	// Every delivery of the event carries the same envelope.
	if err := s.Publish(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
	if again := <-gotc; !bytes.Equal(again.body, g.body) {
		t.Errorf("a redelivery differs:\n%s\n%s", again.body, g.body)
	}
}

func TestWebhookErrors(t *testing.T) {
	ev := testEvents(t, 1)[0]
	long := strings.Repeat("x", 10000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.WriteHeader(http.StatusNoContent)
		case "/full":
			http.Error(w, "queue full "+long, http.StatusServiceUnavailable)
		case "/moved":
			http.Redirect(w, r, "/ok", http.StatusMovedPermanently)
		case "/bad":
			http.Error(w, "bad token=s3cret", http.StatusBadRequest)
		}
	}))
	defer srv.Close()
	base := strings.Replace(srv.URL, "http://", "http://admin:hunter2@", 1)
	for _, tc := range []struct {
		path string
		want []string // in the error
	}{
		{"/ok", nil},
		{"/full", []string{"503 Service Unavailable", "queue full xxx"}},
		{"/moved", []string{"301 Moved Permanently"}},
		{"/bad", []string{"400 Bad Request"}},
	} {
		s := &Webhook{URL: base + tc.path, TopicARN: topic}
		err := s.Publish(t.Context(), ev)
		s.CloseIdleConnections()
		if tc.want == nil {
			if err != nil {
				t.Errorf("%s: %v", tc.path, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error", tc.path)
			continue
		}
		text := redact(err.Error())
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: error %q lacks %q", tc.path, text, w)
			}
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "admin") {
			t.Errorf("%s: error names the URL's userinfo: %q", tc.path, err)
		}
		if strings.Contains(text, "s3cret") {
			t.Errorf("%s: error text keeps a secret: %q", tc.path, text)
		}
		if len(err.Error()) > 1000 {
			t.Errorf("%s: error of %d bytes, want the body truncated", tc.path, len(err.Error()))
		}
	}

	// No answer at all.
	dead := httptest.NewServer(http.NotFoundHandler())
	url := strings.Replace(dead.URL, "http://", "http://admin:hunter2@", 1)
	dead.Close()
	err := (&Webhook{URL: url, TopicARN: topic}).Publish(t.Context(), ev)
	if err == nil || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "admin") {
		t.Errorf("closed server: error %v, want one without the userinfo", err)
	}
	// An event the envelope refuses.
	bad := ev
	bad.Body = nil
	if err := (&Webhook{URL: srv.URL, TopicARN: topic}).Publish(t.Context(), bad); err == nil {
		t.Error("an event without a body was posted")
	}
}
