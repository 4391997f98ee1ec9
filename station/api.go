package station

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// API serves the station's state and live results to screens and
// integrations, on loopback unless a token is set:
//
//	GET  /api/state     the state: model, order, counts, recent results
//	GET  /api/health    each source, the store and each sink
//	GET  /api/events    Server-Sent Events: "result" per scan, "state" when a screen must reload
//	POST /api/model     {"model":"M"} or {"asin":"A"}: the line's model
//	POST /api/manifest  a manifest (CSV or JSON) whose orders are added
type API struct {
	Station *Station
	// Health reports the health of the station's parts (sources, store,
	// sinks) as a JSON value.
	Health func(ctx context.Context) any
	// Token, when set, is required as "Authorization: Bearer TOKEN" (or
	// ?token= for event streams) on every request.
	Token string
	// KeepAlive is how often an idle event stream gets a comment, so that
	// proxies and browsers keep it open; 0 means 15 s.
	KeepAlive time.Duration
}

// ServeHTTP routes the API.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if a.Token != "" && r.Header.Get("Authorization") != "Bearer "+a.Token && r.URL.Query().Get("token") != a.Token {
		http.Error(w, "a valid access token is required", http.StatusUnauthorized)
		return
	}
	switch {
	case r.URL.Path == "/api/state" && r.Method == http.MethodGet:
		writeJSON(w, a.Station.State())
	case r.URL.Path == "/api/health" && r.Method == http.MethodGet:
		var h any = map[string]string{}
		if a.Health != nil {
			h = a.Health(r.Context())
		}
		writeJSON(w, h)
	case r.URL.Path == "/api/events" && r.Method == http.MethodGet:
		a.events(w, r)
	case r.URL.Path == "/api/model" && r.Method == http.MethodPost:
		a.setModel(w, r)
	case r.URL.Path == "/api/manifest" && r.Method == http.MethodPost:
		a.addManifest(w, r)
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(v)
}

func (a *API) setModel(w http.ResponseWriter, r *http.Request) {
	var req struct{ Model, ASIN string }
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil {
		http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
		return
	}
	err := a.Station.Do(r.Context(), func(l *Line) error {
		m := l.Rules.ByModel(req.Model)
		if req.ASIN != "" {
			m = l.Rules.ByASIN(req.ASIN)
		}
		if m == nil {
			return fmt.Errorf("model %q / ASIN %q is not in the rules", req.Model, req.ASIN)
		}
		l.SetModel(m)
		return nil
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	writeJSON(w, a.Station.State())
}

func (a *API) addManifest(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxManifest+1))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	orders, err := ReadManifest("request", bytes.NewReader(body))
	if err == nil {
		err = a.Station.Do(r.Context(), func(l *Line) error { return l.AddOrders(orders) })
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	writeJSON(w, a.Station.State())
}

// events streams results as Server-Sent Events. A client that falls behind
// is sent a "state" event to reload, never waited for.
func (a *API) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	hub := a.Station.Hub
	if hub == nil {
		http.Error(w, "no live results on this station", http.StatusNotFound)
		return
	}
	sub := hub.Subscribe()
	defer hub.Unsubscribe(sub)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	send := func(event string, v any) bool {
		b, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return false
		}
		fl.Flush()
		return true
	}
	fmt.Fprint(w, "retry: 1000\n\n")
	if !send("state", a.Station.State()) {
		return
	}
	keep := a.KeepAlive
	if keep <= 0 {
		keep = 15 * time.Second
	}
	tick := time.NewTicker(keep)
	defer tick.Stop()
	for {
		select {
		case res := <-sub.C:
			if hub.Lagged(sub) {
				if !send("state", a.Station.State()) {
					return
				}
				continue
			}
			if !send("result", res) {
				return
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
			fl.Flush()
		case <-r.Context().Done():
			return
		}
	}
}
