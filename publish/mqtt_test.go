package publish

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// subscribe connects a paho client to the broker and returns the messages
// of the topic filter as they come.
func subscribe(t *testing.T, broker, filter string) <-chan mqtt.Message {
	t.Helper()
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(broker).SetClientID("test-sub-" + t.Name()))
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("connect subscriber: %v", tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	msgs := make(chan mqtt.Message, 1000)
	if tok := c.Subscribe(filter, 1, func(_ mqtt.Client, m mqtt.Message) { msgs <- m }); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
	return msgs
}

func receive(t *testing.T, msgs <-chan mqtt.Message) mqtt.Message {
	t.Helper()
	select {
	case m := <-msgs:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no message within 10s")
		return nil
	}
}

func TestMQTTSink(t *testing.T) {
	broker := startMosquitto(t)
	msgs := subscribe(t, broker, "drs/#")
	s := &MQTT{Broker: broker, Topic: "drs/acme/events", ClientID: "test-sink"}
	defer s.Close()
	evs := testEvents(t, 20)
	for _, e := range evs {
		if err := s.Publish(t.Context(), e); err != nil { // returns after PUBACK
			t.Fatal(err)
		}
	}
	for _, e := range evs {
		m := receive(t, msgs)
		var got eventJSON
		if err := json.Unmarshal(m.Payload(), &got); err != nil {
			t.Fatal(err)
		}
		if m.Topic() != s.Topic || got.ID != e.ID || got.Type != e.Type || string(mustCompact(t, got.Message)) != string(mustCompact(t, e.Body)) {
			t.Errorf("message %s on %s, want event %s on %s", got.ID, m.Topic(), e.ID, s.Topic)
		}
		if m.Qos() != 1 {
			t.Errorf("QoS %d, want 1", m.Qos())
		}
	}

	// A broker that is not there fails the publish at once.
	down := &MQTT{Broker: "tcp://" + freeAddr(t), Topic: "x", Username: "plc", Password: "hunter2"}
	defer down.Close()
	err := down.Publish(t.Context(), evs[0])
	if err == nil {
		t.Fatal("published to a broker that is down")
	}
	if text := redact(err.Error()); len(text) == 0 || strings.Contains(text, "hunter2") {
		t.Errorf("error %q", text)
	}
}

func TestVerdicts(t *testing.T) {
	broker := startMosquitto(t)
	msgs := subscribe(t, broker, "serialgate/line-3/+")
	v := &Verdicts{Broker: broker, Line: "line-3", Queue: 4, Log: quiet}
	type result struct {
		Serial string `json:"serial"`
		OK     bool   `json:"ok"`
	}
	// Before Run nothing drains the queue: the fifth message is dropped,
	// and the caller does not wait.
	for i := range 4 {
		if !v.Verdict(result{Serial: string(rune('A' + i)), OK: true}) {
			t.Fatalf("verdict %d dropped with room in the queue", i)
		}
	}
	if v.Reject(result{Serial: "E"}) || v.Dropped() != 1 {
		t.Fatalf("full queue: dropped %d, want 1", v.Dropped())
	}
	if v.Verdict(func() {}) || v.Dropped() != 2 { // no JSON for a func
		t.Fatalf("unencodable result: dropped %d, want 2", v.Dropped())
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- v.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	for i := range 4 {
		m := receive(t, msgs)
		var r result
		json.Unmarshal(m.Payload(), &r)
		if m.Topic() != "serialgate/line-3/verdict" || r.Serial != string(rune('A'+i)) {
			t.Errorf("message %d: %s on %s", i, m.Payload(), m.Topic())
		}
	}
	if !v.Reject(map[string]any{"serial": "BAD-1", "reason": "no_match"}) {
		t.Fatal("reject dropped")
	}
	m := receive(t, msgs)
	if m.Topic() != "serialgate/line-3/reject" || string(m.Payload()) != `{"reason":"no_match","serial":"BAD-1"}` {
		t.Errorf("reject %s on %s", m.Payload(), m.Topic())
	}
	eventually(t, 10*time.Second, "5 messages acknowledged", func() bool { return v.Sent() == 5 })
}

func TestVerdictsBrokerDown(t *testing.T) {
	v := &Verdicts{Broker: "tcp://" + freeAddr(t), Line: "l", Queue: 8, Log: quiet}
	done := make(chan error, 1)
	ctx, cancel := context.WithCancel(t.Context())
	go func() { done <- v.Run(ctx) }()
	// However many results come, the caller never waits.
	for range 1000 {
		v.Verdict(true)
	}
	eventually(t, 30*time.Second, "drops counted", func() bool { return v.Dropped() >= 1000-8 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
