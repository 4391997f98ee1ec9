package publish

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/serialgate/serialgate"
)

// mqttTimeout bounds connecting to a broker.
const mqttTimeout = 10 * time.Second

// broker is a connection to an MQTT broker, made on first use and made
// again after a failed attempt; paho reconnects a lost connection itself.
type broker struct {
	mu     sync.Mutex
	client mqtt.Client
}

// connect returns a connected client, connecting when there is none.
func (b *broker) connect(ctx context.Context, addr, clientID, user, password string) (mqtt.Client, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.client != nil {
		return b.client, nil
	}
	if addr == "" {
		return nil, errors.New("mqtt: Broker is empty")
	}
	if clientID == "" {
		var r [6]byte
		rand.Read(r[:])
		clientID = "serialgate-" + hex.EncodeToString(r[:])
	}
	opts := mqtt.NewClientOptions().
		AddBroker(addr).
		SetClientID(clientID).
		SetUsername(user).
		SetPassword(password).
		SetCleanSession(true).
		SetAutoReconnect(true).
		SetConnectRetry(false).
		SetConnectTimeout(mqttTimeout).
		SetOrderMatters(false)
	c := mqtt.NewClient(opts)
	if err := wait(ctx, c.Connect()); err != nil {
		c.Disconnect(0)
		return nil, fmt.Errorf("connect to MQTT broker %s: %w", hostOf(addr), err)
	}
	b.client = c
	return c, nil
}

// close disconnects, waiting up to a quarter second for work in flight.
func (b *broker) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.client != nil {
		b.client.Disconnect(250)
		b.client = nil
	}
}

// wait waits for a paho token, or for ctx to end.
func wait(ctx context.Context, t mqtt.Token) error {
	select {
	case <-t.Done():
		return t.Error()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// hostOf names a broker URL without its userinfo.
func hostOf(addr string) string {
	if u, err := url.Parse(addr); err == nil && u.Host != "" {
		return u.Host
	}
	return redact(addr)
}

// MQTT publishes each event to an MQTT broker at QoS 1, as the JSON object
// the File sink writes, and returns once the broker acknowledged it
// (PUBACK). While the connection is down Publish fails at once, so that
// the relay, not the client library, keeps the events that wait.
type MQTT struct {
	Broker             string // "tcp://host:1883", "ssl://host:8883", "ws://host/mqtt"
	Topic              string
	ClientID           string // random when empty
	Username, Password string

	conn broker
}

var _ serialgate.Publisher = (*MQTT)(nil)

// Publish publishes the event and waits for the broker's PUBACK.
func (s *MQTT) Publish(ctx context.Context, e serialgate.Event) error {
	if s.Topic == "" {
		return errors.New("mqtt sink: Topic is empty")
	}
	b, err := encodeEvent(e)
	if err != nil {
		return err
	}
	c, err := s.conn.connect(ctx, s.Broker, s.ClientID, s.Username, s.Password)
	if err != nil {
		return err
	}
	if !c.IsConnectionOpen() {
		return fmt.Errorf("publish event %s to MQTT broker %s: not connected", e.ID, hostOf(s.Broker))
	}
	if err := wait(ctx, c.Publish(s.Topic, 1, false, b)); err != nil {
		return fmt.Errorf("publish event %s to MQTT broker %s: %w", e.ID, hostOf(s.Broker), err)
	}
	return nil
}

// Close disconnects from the broker. A later Publish connects again.
func (s *MQTT) Close() error {
	s.conn.close()
	return nil
}

// Verdicts mirrors a station's results to MQTT for screens, stack lights
// and PLCs: each result to <Prefix>/<Line>/verdict, each reject to
// <Prefix>/<Line>/reject, as JSON, at QoS 1. The caller never waits:
// Verdict and Reject queue the message and return, and a message that
// finds the queue full, or that the broker refuses, is dropped and counted.
// The record, not the broker, is the account of what was scanned.
type Verdicts struct {
	Broker             string
	Prefix             string // "serialgate" when empty
	Line               string // the station's line
	ClientID           string
	Username, Password string
	Queue              int           // messages that may wait (256 when zero)
	Report             time.Duration // how often Run logs new drops (1 minute when zero)
	Log                *slog.Logger  // slog.Default() when nil

	once    sync.Once
	q       chan message
	dropped atomic.Uint64
	sent    atomic.Uint64
	conn    broker
}

type message struct {
	topic   string
	payload []byte
}

func (v *Verdicts) init() {
	v.once.Do(func() {
		n := v.Queue
		if n <= 0 {
			n = 256
		}
		v.q = make(chan message, n)
	})
}

// Topic is the topic of a kind of message, "verdict" or "reject".
func (v *Verdicts) Topic(kind string) string {
	prefix := v.Prefix
	if prefix == "" {
		prefix = "serialgate"
	}
	return prefix + "/" + v.Line + "/" + kind
}

// Verdict queues a result, any value JSON encodes. It reports whether
// the result was queued rather than dropped.
func (v *Verdicts) Verdict(result any) bool { return v.enqueue("verdict", result) }

// Reject queues a reject. It reports whether the reject was queued rather
// than dropped.
func (v *Verdicts) Reject(reject any) bool { return v.enqueue("reject", reject) }

func (v *Verdicts) enqueue(kind string, x any) bool {
	v.init()
	b, err := json.Marshal(x)
	if err != nil {
		v.dropped.Add(1)
		return false
	}
	select {
	case v.q <- message{v.Topic(kind), b}:
		return true
	default:
		v.dropped.Add(1)
		return false
	}
}

// Dropped counts the messages dropped so far: queue full, not encodable,
// or refused by the broker.
func (v *Verdicts) Dropped() uint64 { return v.dropped.Load() }

// Sent counts the messages the broker acknowledged.
func (v *Verdicts) Sent() uint64 { return v.sent.Load() }

// Run publishes the queued messages until ctx ends, then disconnects. It
// logs the drops, at most once per Report.
func (v *Verdicts) Run(ctx context.Context) error {
	v.init()
	if v.Line == "" {
		return errors.New("verdicts: Line is empty")
	}
	log := v.Log
	if log == nil {
		log = slog.Default()
	}
	every := v.Report
	if every <= 0 {
		every = time.Minute
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	defer v.conn.close()
	var reported uint64
	report := func() {
		if d := v.dropped.Load(); d != reported {
			log.Warn("verdict messages dropped", "dropped", d-reported, "total", d)
			reported = d
		}
	}
	defer report()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			report()
		case m := <-v.q:
			if err := v.send(ctx, m); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				v.dropped.Add(1)
				log.Debug("publish verdict", "err", redact(err.Error()))
			}
		}
	}
}

func (v *Verdicts) send(ctx context.Context, m message) error {
	c, err := v.conn.connect(ctx, v.Broker, v.ClientID, v.Username, v.Password)
	if err != nil {
		return err
	}
	if !c.IsConnectionOpen() {
		return errors.New("not connected")
	}
	ctx, cancel := context.WithTimeout(ctx, mqttTimeout)
	defer cancel()
	if err := wait(ctx, c.Publish(m.topic, 1, false, m.payload)); err != nil {
		return err
	}
	v.sent.Add(1)
	return nil
}
