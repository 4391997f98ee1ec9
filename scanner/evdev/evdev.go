// Package evdev reads keyboard-wedge (USB HID) scanners from a Linux input
// device (/dev/input/eventN), grabbed so that scans do not also type into
// other windows, and decodes key events with the keyboard layout the
// scanner emulates.
package evdev

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"
	"unicode"

	"github.com/serialgate/serialgate/scanner/framing"
)

// EventSize is the size of a struct input_event on 64-bit Linux: a
// timeval (two 64-bit words), type, code and value.
const EventSize = 24

// Event types and key values.
const (
	evSyn = 0
	evKey = 1

	release = 0
	press   = 1
	repeat  = 2
)

// Event is one input event.
type Event struct {
	Time  time.Time
	Type  uint16
	Code  uint16
	Value int32
}

// ParseEvent decodes one 24-byte input_event.
func ParseEvent(b []byte) (Event, error) {
	if len(b) < EventSize {
		return Event{}, fmt.Errorf("input event: %d bytes, want %d", len(b), EventSize)
	}
	sec := int64(binary.LittleEndian.Uint64(b[0:8]))
	usec := int64(binary.LittleEndian.Uint64(b[8:16]))
	if usec < 0 || usec >= 1e6 {
		return Event{}, fmt.Errorf("input event: bad microseconds %d", usec)
	}
	return Event{
		Time:  time.Unix(sec, usec*1000),
		Type:  binary.LittleEndian.Uint16(b[16:18]),
		Code:  binary.LittleEndian.Uint16(b[18:20]),
		Value: int32(binary.LittleEndian.Uint32(b[20:24])),
	}, nil
}

// AppendEvent encodes an input_event, for recordings and tests.
func AppendEvent(b []byte, e Event) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(e.Time.Unix()))
	b = binary.LittleEndian.AppendUint64(b, uint64(e.Time.Nanosecond()/1000))
	b = binary.LittleEndian.AppendUint16(b, e.Type)
	b = binary.LittleEndian.AppendUint16(b, e.Code)
	return binary.LittleEndian.AppendUint32(b, uint32(e.Value))
}

// Decoder turns key events into characters: Shift, Caps Lock and AltGr as
// the layout has them, Ctrl+letter and Ctrl+] as control characters (GS is
// Ctrl+]), and Alt held while typing a decimal code on the keypad as that
// character, the two ways scanners type GS in keyboard mode.
type Decoder struct {
	Layout Layout

	shift, ctrl, alt, altgr, caps bool
	altCode                       int
	altDigits                     int
}

// Event takes one event and returns the key it types, if any.
func (d *Decoder) Event(e Event) (framing.Key, bool) {
	if e.Type != evKey {
		return framing.Key{}, false
	}
	down := e.Value == press || e.Value == repeat
	switch e.Code {
	case keyLeftShift, keyRightShift:
		d.shift = down
		return framing.Key{}, false
	case keyLeftCtrl, keyRightCtrl:
		d.ctrl = down
		return framing.Key{}, false
	case keyLeftAlt:
		if !down && d.alt && d.altDigits > 0 {
			r := rune(d.altCode)
			d.alt, d.altCode, d.altDigits = false, 0, 0
			return framing.Key{Time: e.Time, Rune: r}, true
		}
		d.alt, d.altCode, d.altDigits = down, 0, 0
		return framing.Key{}, false
	case keyRightAlt:
		d.altgr = down
		return framing.Key{}, false
	case keyCapsLock:
		if e.Value == press {
			d.caps = !d.caps
		}
		return framing.Key{}, false
	}
	if e.Value != press {
		return framing.Key{}, false
	}
	if e.Code == keyEnter || e.Code == keyKPEnter {
		return framing.Key{Time: e.Time, Enter: true}, true
	}
	if d.alt {
		if n, ok := keypadDigit[e.Code]; ok {
			d.altCode = d.altCode*10 + n
			d.altDigits++
		}
		return framing.Key{}, false
	}
	var r rune
	var ok bool
	switch {
	case d.altgr:
		r, ok = d.Layout.altgr[e.Code]
	case d.shift:
		r, ok = d.Layout.shift[e.Code]
	default:
		r, ok = d.Layout.plain[e.Code]
	}
	if !ok {
		return framing.Key{}, false
	}
	if d.caps && unicode.IsLetter(r) {
		if d.shift {
			r = unicode.ToLower(r)
		} else {
			r = unicode.ToUpper(r)
		}
	}
	if d.ctrl {
		switch {
		case r >= 'a' && r <= 'z':
			r = r - 'a' + 1
		case r >= 'A' && r <= 'Z':
			r = r - 'A' + 1
		case r == ']':
			r = 0x1d
		case r == '^':
			r = 0x1e
		default:
			return framing.Key{}, false
		}
	}
	return framing.Key{Time: e.Time, Rune: r}, true
}

// Reader decodes scans from a stream of input events, as a device or a
// recording gives them, timing bursts by the events' own timestamps.
type Reader struct {
	r     io.Reader
	dec   Decoder
	Burst framing.Burst
	buf   [EventSize]byte
}

// NewReader reads events from r and decodes them with layout.
func NewReader(r io.Reader, layout Layout) *Reader {
	return &Reader{r: r, dec: Decoder{Layout: layout}}
}

// Scan returns the next scan's text and the time its Enter came.
func (rd *Reader) Scan() (string, time.Time, error) {
	for {
		if _, err := io.ReadFull(rd.r, rd.buf[:]); err != nil {
			if err == io.ErrUnexpectedEOF {
				err = fmt.Errorf("input events: stream ends inside an event: %w", err)
			}
			return "", time.Time{}, err
		}
		e, err := ParseEvent(rd.buf[:])
		if err != nil {
			return "", time.Time{}, err
		}
		k, ok := rd.dec.Event(e)
		if !ok {
			continue
		}
		if text, ok := rd.Burst.Key(k); ok {
			return text, k.Time, nil
		}
	}
}
