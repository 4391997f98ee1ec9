package publish

import (
	"fmt"
	"slices"

	"github.com/serialgate/serialgate"
)

// Route sends the events of some manufacturers to a sink: all of them when
// Manufacturers is empty.
type Route struct {
	Sink          string
	Manufacturers []string
}

// Router answers which sinks an event goes to. The station asks it when it
// records an event, to give the outbox one delivery per sink.
type Router struct {
	routes []Route
}

// NewRouter checks the routes: each names a sink, and no sink twice.
func NewRouter(routes []Route) (*Router, error) {
	seen := make(map[string]bool, len(routes))
	for i, r := range routes {
		switch {
		case r.Sink == "":
			return nil, fmt.Errorf("route %d: Sink is empty", i+1)
		case seen[r.Sink]:
			return nil, fmt.Errorf("route %d: sink %q is routed twice", i+1, r.Sink)
		}
		seen[r.Sink] = true
		for _, m := range r.Manufacturers {
			if m == "" {
				return nil, fmt.Errorf("route %d (sink %q): empty manufacturer", i+1, r.Sink)
			}
		}
	}
	return &Router{routes: slices.Clone(routes)}, nil
}

// Sinks returns the sinks of a manufacturer's events, in route order.
func (r *Router) Sinks(manufacturer string) []string {
	var out []string
	for _, rt := range r.routes {
		if len(rt.Manufacturers) == 0 || slices.Contains(rt.Manufacturers, manufacturer) {
			out = append(out, rt.Sink)
		}
	}
	return out
}

// Route returns the sinks an event goes to.
func (r *Router) Route(e serialgate.Event) []string { return r.Sinks(e.Manufacturer) }

// All returns every routed sink, in route order.
func (r *Router) All() []string {
	out := make([]string, len(r.routes))
	for i, rt := range r.routes {
		out[i] = rt.Sink
	}
	return out
}
