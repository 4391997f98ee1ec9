package station

import "sync"

// Hub fans results out to subscribers (the screens' event streams). Send
// never blocks: a subscriber whose buffer is full misses results and is
// told to reload the state, so a slow or frozen browser never delays the
// scan loop.
type Hub struct {
	mu   sync.Mutex
	subs map[*Sub]struct{}
}

// Sub is one subscriber.
type Sub struct {
	C chan Result
	// lagged is set when results were dropped for this subscriber: it
	// should reload the state.
	lagged bool
}

// subBuffer is how many results a subscriber may fall behind.
const subBuffer = 64

// Subscribe adds a subscriber; call Unsubscribe when done.
func (h *Hub) Subscribe() *Sub {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil {
		h.subs = map[*Sub]struct{}{}
	}
	s := &Sub{C: make(chan Result, subBuffer)}
	h.subs[s] = struct{}{}
	return s
}

// Unsubscribe removes a subscriber.
func (h *Hub) Unsubscribe(s *Sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, s)
}

// Send hands r to every subscriber that has room.
func (h *Hub) Send(r Result) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		select {
		case s.C <- r:
		default:
			s.lagged = true
		}
	}
}

// Lagged tells whether results were dropped for s since the last call.
func (h *Hub) Lagged(s *Sub) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := s.lagged
	s.lagged = false
	return l
}
