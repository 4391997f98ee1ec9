package drs

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/serialgate/serialgate"
)

// RegistrationEvent builds the outbox event of a pre-registered box: the
// DeviceRegisteredNotification of NewDeviceRegistered, encoded, with the
// event's ID, Type, Version ("1.0"), Manufacturer and Time set. RecordID is
// left for the caller, which knows the scan record. The event is a pure
// function of the registration: building it again, after a crash or for a
// redelivery, gives the same ID and the same bytes.
func RegistrationEvent(r serialgate.Registration) (serialgate.Event, error) {
	n, err := NewDeviceRegistered(r)
	if err != nil {
		return serialgate.Event{}, err
	}
	return NewEvent(n, r.Manufacturer)
}

// NewDeviceRegistered builds the DeviceRegisteredNotification of a
// registration: lwaClientId is the manufacturer's LWA client, the time is
// the registration's (UTC, milliseconds), the ID is NotificationID's, and
// the serial, model and customer are the registration's. Every one of
// those fields is required and must be valid UTF-8 (JSON would replace a
// bad byte, and the receiver would see another serial); the error names
// the first that is not.
func NewDeviceRegistered(r serialgate.Registration) (*DeviceRegistered, error) {
	for _, f := range []struct{ name, value string }{
		{"Serial", r.Serial},
		{"Model", r.Model},
		{"CustomerID", r.CustomerID},
		{"LWAClientID", r.LWAClientID},
		{"Manufacturer", r.Manufacturer},
	} {
		switch {
		case f.value == "":
			return nil, buildError("Registration."+f.name, ErrMissing)
		case !utf8.ValidString(f.value):
			return nil, buildError("Registration."+f.name, fmt.Errorf("not valid UTF-8: %q", f.value))
		}
	}
	if r.Time.IsZero() {
		return nil, buildError("Registration.Time", ErrMissing)
	}
	if y := r.Time.UTC().Year(); y < 0 || y > 9999 {
		return nil, buildError("Registration.Time", fmt.Errorf("year %d has no RFC 3339 form", y))
	}
	return &DeviceRegistered{
		NotificationInfo: NotificationInfo{
			NotificationType: TypeDeviceRegistered,
			LWAClientID:      r.LWAClientID,
			NotificationTime: FormatTime(r.Time),
			NotificationID:   NotificationID(r.Manufacturer, r.Model, r.Serial, r.Time),
			Version:          SchemaVersion,
		},
		DeviceInfo: DeviceInfo{
			DeviceIdentifier:  DeviceIdentifier{SerialNumber: r.Serial},
			ProductIdentifier: ProductIdentifier{ModelID: r.Model},
		},
		CustomerInfo: CustomerInfo{DirectedCustomerID: r.CustomerID},
	}, nil
}

func buildError(field string, err error) *Error {
	return &Error{Op: "build", What: TypeDeviceRegistered, Field: field, Offset: -1, Err: err}
}

// NewEvent encodes a notification as an outbox event for a manufacturer's
// sinks: ID, Type and Time from its notificationInfo, Version its message
// version, Body its JSON.
func NewEvent(n Notification, manufacturer string) (serialgate.Event, error) {
	body, err := Encode(n)
	if err != nil {
		return serialgate.Event{}, err
	}
	info := n.Info()
	if manufacturer == "" {
		return serialgate.Event{}, &Error{Op: "encode", What: info.NotificationType, Field: "manufacturer", Offset: -1, Err: ErrMissing}
	}
	t, err := info.NotificationTime.Time()
	if err != nil { // Encode checked it
		return serialgate.Event{}, err
	}
	return serialgate.Event{
		ID:           info.NotificationID,
		Type:         info.NotificationType,
		Version:      n.MessageVersion(),
		Manufacturer: manufacturer,
		Time:         t,
		Body:         body,
	}, nil
}

// NotificationID is the notificationId of the station's notification for a
// registration: the name-based UUID (RFC 9562 version 5, SHA-1) of the
// manufacturer, model, serial and registration time to the millisecond, in
// a namespace of this package's own. It names nothing the station alone
// knows (no station name, no record ID), so every station, and the same
// station after a restart, derives the same ID for the same registration,
// and two registrations differ in it when they differ in any of the four.
func NotificationID(manufacturer, model, serial string, t time.Time) string {
	return nameUUID(manufacturer, model, serial, string(FormatTime(t)))
}

// nameUUID is the version 5 UUID of a list of strings in this package's
// namespace. The name hashed is the list with each string prefixed by its
// length (uvarint), so that no two lists share a name.
func nameUUID(parts ...string) string {
	// The namespace UUID fd34c49f-30f5-4145-9424-091c2ee500eb, drawn at random.
	ns := [16]byte{0xfd, 0x34, 0xc4, 0x9f, 0x30, 0xf5, 0x41, 0x45, 0x94, 0x24, 0x09, 0x1c, 0x2e, 0xe5, 0x00, 0xeb}
	name := ns[:]
	for _, s := range parts {
		name = binary.AppendUvarint(name, uint64(len(s)))
		name = append(name, s...)
	}
	sum := sha1.Sum(name)
	var u [16]byte
	copy(u[:], sum[:])
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
