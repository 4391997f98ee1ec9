// Package publish delivers the outbox's events to their sinks: the Relay
// reads each sink's due deliveries from the outbox, publishes them and
// marks them sent or failed; the sinks are a JSON-lines file (File), an
// HTTP endpoint that receives what SNS would post (Webhook), an Amazon SNS
// topic (SNS) and an MQTT broker (MQTT). Verdicts mirrors the station's
// results to MQTT for screens and PLCs, with no durability of its own.
//
// # Delivery
//
// The outbox, not a sink, is the record: an event is marked sent only after
// its sink acknowledged it, so every event reaches every sink at least once.
// A crash between the acknowledgement and the mark, or an acknowledgement
// lost on the way back, delivers the event again, with the same ID (the
// DRS notificationId), for the receiver to drop.
//
// Each sink has its own loop, so a sink that is down or slow delays no
// other. A loop takes the due deliveries in event order and hands them to
// its workers in that order; with one worker, deliveries reach the sink in
// event order, with several they may overtake one another within a batch,
// and a delivery waiting out its backoff is overtaken by later events.
//
// A failed delivery waits an exponential backoff with full jitter before
// its next attempt: a random time up to MinBackoff·2^(attempts-1), at most
// MaxBackoff. When every delivery of a batch fails, the loop itself pauses
// the same way before asking the outbox again, so a sink that is down is
// probed rather than flooded; Kick ends the pause.
package publish
