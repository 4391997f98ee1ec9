package ui

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"github.com/serialgate/serialgate/station"
)

// Lock is the screen's lock as /ui/status shows it. It lives on the server,
// so a reload of the page does not clear it; only the supervisor PIN does.
type Lock struct {
	Locked bool      `json:"locked"`
	Reason string    `json:"reason,omitempty"` // in an operator's words
	Serial string    `json:"serial,omitempty"` // the serial that locked the screen
	Since  time.Time `json:"since,omitzero"`
	// Fails counts the failed scans in a row (since the last pass or unlock).
	Fails int `json:"fails"`
	// During counts the scans the station judged while locked.
	During int `json:"during,omitempty"`
}

// Errors of Unlock.
var (
	ErrWrongPIN = errors.New("wrong PIN")
	ErrTooMany  = errors.New("too many wrong PINs: wait a minute")
)

// pinTries wrong PINs in a row lock out further tries for pinWait.
const (
	pinTries = 5
	pinWait  = time.Minute
)

// locker keeps the lock. Its methods are called with the screen's mutex held.
type locker struct {
	onDuplicate bool
	afterFails  int
	pin         [sha256.Size]byte
	hasPIN      bool

	lock     Lock
	wrong    int
	waitTill time.Time
}

func newLocker(pin string, onDuplicate bool, afterFails int) locker {
	return locker{onDuplicate: onDuplicate, afterFails: afterFails, pin: sha256.Sum256([]byte(pin)), hasPIN: pin != ""}
}

// counted tells whether a result is a box's verdict, not a model or order
// scan.
func counted(r station.Result) bool {
	return r.Verdict != "model" && r.Verdict != "order" && r.Verdict != "locked"
}

func (l *locker) observe(r station.Result, now time.Time) {
	if !counted(r) {
		return
	}
	if l.lock.Locked {
		l.lock.During++
	}
	if r.OK {
		l.lock.Fails = 0
		return
	}
	l.lock.Fails++
	if l.lock.Locked || !l.hasPIN {
		return
	}
	switch {
	case l.onDuplicate && r.Verdict == "duplicate":
		l.lock = Lock{Locked: true, Since: now, Serial: r.Serial, Fails: l.lock.Fails,
			Reason: "duplicate serial scanned: a supervisor must check the box"}
	case l.afterFails > 0 && l.lock.Fails >= l.afterFails:
		l.lock = Lock{Locked: true, Since: now, Serial: r.Serial, Fails: l.lock.Fails,
			Reason: fmt.Sprintf("%d failed scans in a row: a supervisor must check the line", l.lock.Fails)}
	}
}

// unlock clears the lock when pin is the supervisor PIN. The PINs are
// compared as hashes in constant time, so neither their content nor their
// length shows in the timing.
func (l *locker) unlock(pin string, now time.Time) error {
	if err := l.check(pin, now); err != nil {
		return err
	}
	l.lock = Lock{}
	return nil
}

// check tells whether pin is the supervisor's, in constant time; too many
// wrong tries in a row make it refuse every try for a while.
func (l *locker) check(pin string, now time.Time) error {
	if now.Before(l.waitTill) {
		return ErrTooMany
	}
	sum := sha256.Sum256([]byte(pin))
	if !l.hasPIN || subtle.ConstantTimeCompare(sum[:], l.pin[:]) != 1 {
		l.wrong++
		if l.wrong >= pinTries {
			l.wrong = 0
			l.waitTill = now.Add(pinWait)
		}
		return ErrWrongPIN
	}
	l.wrong = 0
	return nil
}
