package publish

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/serialgate/serialgate/drs"
)

func TestSNSSinkGoaws(t *testing.T) {
	posts := make(chan []byte, 10)
	sub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		posts <- b
	}))
	defer sub.Close()
	endpoint := startGoaws(t, map[string][]string{"drs-acme": {sub.URL + "/sns"}})
	s := &SNS{TopicARN: topicARN("drs-acme"), Region: "us-east-1", Endpoint: endpoint}

	v1 := testEvents(t, 1)[0] // DeviceRegisteredNotification 1.0
	v2 := v1                  // an ItemShipped v2, as far as the sink can tell
	v2.Type, v2.Version = drs.TypeItemShipped, drs.V2
	for _, tc := range []struct {
		name  string
		attrs map[string]drs.Attribute
	}{
		{"v1", map[string]drs.Attribute{"type": {Type: "String", Value: drs.TypeDeviceRegistered}}},
		{"v2", map[string]drs.Attribute{"type": {Type: "String", Value: drs.TypeItemShipped}, "version": {Type: "String", Value: "2.0"}}},
	} {
		ev := v1
		if tc.name == "v2" {
			ev = v2
		}
		if err := s.Publish(t.Context(), ev); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		// goaws posts to its HTTP subscribers before it answers Publish.
		var body []byte
		select {
		case body = <-posts:
		default:
			t.Fatalf("%s: goaws posted nothing", tc.name)
		}
		env, err := drs.DecodeEnvelope(body)
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.name, err, body)
		}
		if env.Type != drs.MessageNotification || env.TopicARN != s.TopicARN {
			t.Errorf("%s: envelope %s on %s", tc.name, env.Type, env.TopicARN)
		}
		if env.Message != string(ev.Body) {
			t.Errorf("%s: Message %q, want the event body %q", tc.name, env.Message, ev.Body)
		}
		got, _ := json.Marshal(env.MessageAttributes)
		want, _ := json.Marshal(tc.attrs)
		if string(got) != string(want) {
			t.Errorf("%s: MessageAttributes %s, want %s", tc.name, got, want)
		}
		if tc.name == "v1" {
			n, err := env.Notification()
			if err != nil {
				t.Fatal(err)
			}
			if n.Info().NotificationID != ev.ID {
				t.Errorf("notificationId %s, want %s", n.Info().NotificationID, ev.ID)
			}
		}
	}

	// A topic that does not exist is an error, naming the topic.
	bad := &SNS{TopicARN: topicARN("nope"), Region: "us-east-1", Endpoint: endpoint}
	if err := bad.Publish(t.Context(), v1); err == nil {
		t.Error("published to a missing topic")
	}
}

func TestSNSInput(t *testing.T) {
	ev := testEvents(t, 1)[0]
	in, err := snsInput(topicARN("drs.fifo"), ev)
	if err != nil {
		t.Fatal(err)
	}
	if in.MessageDeduplicationID != ev.ID || in.MessageGroupID != ev.Manufacturer {
		t.Errorf("FIFO topic: dedup %v, group %v", in.MessageDeduplicationID, in.MessageGroupID)
	}
	if _, ok := in.MessageAttributes["version"]; ok {
		t.Error("a v1 notification carries a version attribute; DRS publishes v1 without")
	}
	ev.Version = "3.0"
	if _, err := snsInput(topic, ev); err == nil {
		t.Error("an undocumented version was published")
	}
	if err := (&SNS{}).Publish(t.Context(), ev); err == nil {
		t.Error("published without a topic")
	}
}
