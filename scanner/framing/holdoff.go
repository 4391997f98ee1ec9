package framing

import "time"

// HoldOff turns the codes a camera sees frame after frame into scans: a
// code counts once when it comes into view, and again only after it has
// been out of view for longer than Window.
type HoldOff struct {
	// Window is how long a code must be out of view to count again; zero
	// means one second.
	Window time.Duration
	seen   map[string]time.Time // code → when last seen
}

func (h *HoldOff) window() time.Duration {
	if h.Window <= 0 {
		return time.Second
	}
	return h.Window
}

// Frame takes the codes seen in a frame taken at t and returns those that
// count as new scans, in the order given.
func (h *HoldOff) Frame(t time.Time, codes []string) []string {
	if h.seen == nil {
		h.seen = map[string]time.Time{}
	}
	var out []string
	for _, c := range codes {
		last, ok := h.seen[c]
		if !ok || t.Sub(last) > h.window() {
			out = append(out, c)
		}
		h.seen[c] = t
	}
	// Forget codes long gone, so the map stays small on a long shift.
	for c, last := range h.seen {
		if t.Sub(last) > 10*h.window() {
			delete(h.seen, c)
		}
	}
	return out
}
