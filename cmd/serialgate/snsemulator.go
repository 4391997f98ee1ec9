//go:build !decodeonly

package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/serialgate/serialgate/drs"
	"github.com/serialgate/serialgate/receiver"
)

// snsCall sends one SNS Query API action to an SNS emulator such as goaws
// (a form POST, not signed: real SNS would refuse it) and decodes the XML
// answer into v.
func snsCall(ctx context.Context, client *http.Client, endpoint string, form url.Values, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("SNS %s: %w", form.Get("Action"), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("SNS %s: %w", form.Get("Action"), err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("SNS %s answered %s: %s", form.Get("Action"), resp.Status, bytes.TrimSpace(b))
	}
	if err := xml.Unmarshal(b, v); err != nil {
		return fmt.Errorf("SNS %s answer: %w", form.Get("Action"), err)
	}
	return nil
}

// snsCreateTopic creates a topic (or finds it) and returns its ARN.
func snsCreateTopic(ctx context.Context, client *http.Client, endpoint, name string) (string, error) {
	var r struct {
		ARN string `xml:"CreateTopicResult>TopicArn"`
	}
	if err := snsCall(ctx, client, endpoint, url.Values{"Action": {"CreateTopic"}, "Name": {name}}, &r); err != nil {
		return "", err
	}
	if r.ARN == "" {
		return "", fmt.Errorf("SNS CreateTopic %s: no TopicArn in the answer", name)
	}
	return r.ARN, nil
}

// snsSubscribe subscribes an HTTP endpoint to a topic. SNS then posts a
// SubscriptionConfirmation to it; goaws does so before it answers.
func snsSubscribe(ctx context.Context, client *http.Client, endpoint, topicARN, target string) (string, error) {
	var r struct {
		ARN string `xml:"SubscribeResult>SubscriptionArn"`
	}
	err := snsCall(ctx, client, endpoint, url.Values{"Action": {"Subscribe"}, "TopicArn": {topicARN},
		"Protocol": {"http"}, "Endpoint": {target}}, &r)
	return r.ARN, err
}

// snsLeg is how certify's event travels from the station to the SNS
// endpoint: through its own SNS stand-in, or through an SNS emulator.
type snsLeg interface {
	// subscribe subscribes the SNS endpoint to the topic, returning the
	// evidence to show when the step fails.
	subscribe(ctx context.Context) (req, resp string, err error)
	// confirmed reports whether the endpoint confirmed the subscription.
	confirmed() bool
	// sink is the station's --sink.
	sink() string
	// delivery is what SNS delivered for a notification ID, and the answer.
	delivery(ctx context.Context, id string) (snsDelivery, bool)
	// post delivers an envelope to the SNS endpoint again, as SNS does.
	post(ctx context.Context, body []byte) (int, string)
	// String names the leg in the checklist.
	String() string
}

// snsEmulator is certify's SNS leg through an SNS emulator such as goaws:
// certify creates the topic there and subscribes its receiver over HTTP,
// and the station publishes with its SNS sink. In front of the receiver,
// it keeps what the emulator delivered for the replay and tamper steps.
type snsEmulator struct {
	endpoint, topic string
	target          string // the receiver, behind this tap
	journal         string // the receiver's journal
	next            http.Handler
	client          *http.Client

	mu         sync.Mutex
	deliveries map[string]snsDelivery // by notificationId
}

func newSNSEmulator(ctx context.Context, endpoint, topicName string) (*snsEmulator, error) {
	s := &snsEmulator{endpoint: strings.TrimSuffix(endpoint, "/"), client: &http.Client{Timeout: 30 * time.Second},
		deliveries: map[string]snsDelivery{}}
	var err error
	s.topic, err = snsCreateTopic(ctx, s.client, s.endpoint, topicName)
	return s, err
}

func (s *snsEmulator) String() string { return "SNS at " + s.endpoint }

// origin is the emulator's scheme://host:port, where it serves its signing
// certificates and SubscribeURLs when it names itself as it was reached.
func (s *snsEmulator) origin() string {
	u, err := url.Parse(s.endpoint)
	if err != nil {
		return s.endpoint
	}
	return u.Scheme + "://" + u.Host
}

func (s *snsEmulator) sink() string {
	region := "us-east-1" // an emulator configured without a region names none in its ARNs
	if f := strings.Split(s.topic, ":"); len(f) == 6 && f[3] != "" {
		region = f[3]
	}
	return "sns:" + s.topic + "?" + url.Values{"region": {region}, "endpoint": {s.endpoint}}.Encode()
}

func (s *snsEmulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	s.next.ServeHTTP(sw, r)
	env, err := drs.DecodeEnvelope(body)
	if err != nil || env.Type != drs.MessageNotification {
		return
	}
	n, err := env.Notification()
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.deliveries[n.Info().NotificationID]; !ok {
		s.deliveries[n.Info().NotificationID] = snsDelivery{status: sw.status, body: body,
			request: "delivered:\n" + string(body), response: fmt.Sprintf("answer: %d", sw.status)}
	}
}

func (s *snsEmulator) subscribe(ctx context.Context) (req, resp string, err error) {
	req = fmt.Sprintf("SNS Subscribe %s to %s at %s", s.target, s.topic, s.endpoint)
	arn, err := snsSubscribe(ctx, s.client, s.endpoint, s.topic, s.target)
	if err != nil {
		return req, "", err
	}
	return req, "subscription " + arn, nil
}

// confirmed waits a while for the receiver to journal the confirmation:
// an emulator may post it after it answers Subscribe.
func (s *snsEmulator) confirmed() bool {
	return poll(15*time.Second, func() bool {
		entries, _ := readJournalFile(s.journal)
		for _, e := range entries {
			if e.Kind == receiver.KindSubscription && e.TopicARN == s.topic {
				return true
			}
		}
		return false
	})
}

func (s *snsEmulator) delivery(ctx context.Context, id string) (snsDelivery, bool) {
	var d snsDelivery
	ok := poll(10*time.Second, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		var ok bool
		d, ok = s.deliveries[id]
		return ok || ctx.Err() != nil
	})
	return d, ok && d.body != nil
}

func (s *snsEmulator) post(ctx context.Context, body []byte) (int, string) {
	return deliverSNS(ctx, s.client, s.target, body)
}

// poll checks cond every 50 ms until it holds or the time is up.
func poll(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}

// statusWriter notes the status a handler answers with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

var (
	_ snsLeg = (*snsStandIn)(nil)
	_ snsLeg = (*snsEmulator)(nil)
)
