// Package station runs a packaging-line or pack-bench station: scans from
// its sources become verdicts under the station's workflow (verify a line's
// model, or pre-register the devices of an order), each recorded durably
// with its outbox event before the operator sees it, then published.
package station
