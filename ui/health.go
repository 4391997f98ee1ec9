package ui

import "time"

// Health is the JSON the screen expects from GET /api/health. The station
// command builds one from its sources, store and sinks.
type Health struct {
	Sources []SourceHealth `json:"sources"`
	Store   StoreHealth    `json:"store"`
	Sinks   []SinkHealth   `json:"sinks"`
}

// SourceHealth is one scan source. OK false means the device is gone or
// failing; the screen raises an alarm.
type SourceHealth struct {
	Name     string    `json:"name"`
	Kind     string    `json:"kind,omitempty"` // serial, wedge, camera, sim, replay, file
	OK       bool      `json:"ok"`
	Error    string    `json:"error,omitempty"` // in an operator's words
	LastScan time.Time `json:"last_scan,omitzero"`
}

// StoreHealth is the record store.
type StoreHealth struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

// SinkHealth is one publishing sink and its outbox backlog.
type SinkHealth struct {
	Name        string    `json:"name"`
	Pending     int       `json:"pending"`
	LastError   string    `json:"last_error,omitempty"`
	LastSuccess time.Time `json:"last_success,omitzero"`
}
