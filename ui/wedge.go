package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/station"
)

// Wedge is a station source fed by the screen: keystrokes typed into the
// focused page (a USB scanner in keyboard mode types a barcode and Enter)
// are posted to /ui/scan and come out of Next as scans. A station with a
// wedge needs no serial scanner.
//
// A scanner types fast; a person types slowly. Offer takes a scan only
// when the gaps between keys (and before the Enter) are at most MaxGap,
// unless Human is set. One gap in eight may be longer (up to maxHiccup): a
// busy browser stamps an event late now and then, and a person never types
// seven keys in eight that fast.
type Wedge struct {
	// Name is the scans' Source; "" means "wedge".
	Name string
	// MaxGap is the longest gap between a scanner's keys; 0 means 50 ms.
	MaxGap time.Duration
	// Human lets slow typing through as a scan (a bench without a scanner).
	Human bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	once    sync.Once
	c       chan serialgate.Scan
	ended   chan struct{}
	endOnce sync.Once
}

var (
	_ serialgate.Source = (*Wedge)(nil)
	_ station.Source    = (*Wedge)(nil)
)

// Errors of Offer.
var (
	ErrTyped = errors.New("typed too slowly to be a scanner: use the scanner")
	ErrBusy  = errors.New("the station is busy: scan again")
	ErrEmpty = errors.New("empty scan")
)

// maxWedgeText bounds a scan's text: a label's barcode is at most a few
// thousand characters.
const maxWedgeText = 8192

// wedgeQueue is how many wedge scans may wait for the scan loop.
const wedgeQueue = 16

func (w *Wedge) queue() chan serialgate.Scan {
	w.once.Do(func() { w.c, w.ended = make(chan serialgate.Scan, wedgeQueue), make(chan struct{}) })
	return w.c
}

// End stops the wedge as a source: once the scans queued are taken, Next
// returns io.EOF, so that a station whose other sources have ended stops
// (the demo's --scans).
func (w *Wedge) End() {
	w.queue()
	w.endOnce.Do(func() { close(w.ended) })
}

func (w *Wedge) maxGap() time.Duration {
	if w.MaxGap <= 0 {
		return 50 * time.Millisecond
	}
	return w.MaxGap
}

// maxHiccup is the longest gap a scan may have at all.
const maxHiccup = 2 * time.Second

// Check tells whether text typed with the given gaps between keys is a
// scan: one gap per key after the first and one before the Enter, all but
// one in eight at most MaxGap, none over two seconds.
func (w *Wedge) Check(text string, gaps []time.Duration) error {
	text = strings.TrimRight(text, "\r\n")
	if text == "" {
		return ErrEmpty
	}
	if len(text) > maxWedgeText {
		return fmt.Errorf("scan over %d bytes", maxWedgeText)
	}
	if w.Human {
		return nil
	}
	if len(gaps) < len([]rune(text)) {
		return ErrTyped // without timings there is no telling a scanner from a person
	}
	slow := 0
	for _, g := range gaps {
		if g < 0 || g > maxHiccup {
			return ErrTyped
		}
		if g > w.maxGap() {
			slow++
		}
	}
	if slow > len(gaps)/8 {
		return ErrTyped
	}
	return nil
}

// Offer hands a typed scan to the station if Check takes it. It never
// waits for the scan loop: when scans are queued up it returns ErrBusy.
func (w *Wedge) Offer(text string, gaps []time.Duration) error {
	if err := w.Check(text, gaps); err != nil {
		return err
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	name := w.Name
	if name == "" {
		name = "wedge"
	}
	text = strings.TrimRight(text, "\r\n")
	sc := serialgate.Scan{Time: now(), Source: name, Text: text, Raw: []byte(text + "\r")}
	select {
	case w.queue() <- sc:
		return nil
	default:
		return ErrBusy
	}
}

// Next returns the next scan typed into the screen.
func (w *Wedge) Next(ctx context.Context) (serialgate.Scan, error) {
	q := w.queue()
	select {
	case sc := <-q:
		return sc, nil
	case <-w.ended:
		select {
		case sc := <-q:
			return sc, nil
		default:
			return serialgate.Scan{}, io.EOF
		}
	case <-ctx.Done():
		return serialgate.Scan{}, ctx.Err()
	}
}
