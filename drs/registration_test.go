package drs

import (
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/serialgate/serialgate"
)

func testRegistration() serialgate.Registration {
	return serialgate.Registration{
		Serial:       "mySerialNumber",
		Model:        "myDeviceModel",
		ASIN:         "myAsinNumber",
		OrderID:      "111-2222222-3333333",
		CustomerID:   "amzn1.account.AHxxxxxxxxGA2O5Q",
		Manufacturer: "Acme",
		LWAClientID:  "amzn1.application-oa2-client.6b68exxxxxxxxxx9",
		// 2015-10-01T02:23:52.747Z, the page's example, with more digits
		// and in another zone.
		Time: time.Date(2015, 10, 1, 4, 23, 52, 747_912_345, time.FixedZone("CEST", 2*3600)),
	}
}

// shape lists the key paths of a JSON document, with the JSON kind of each
// value, so that two documents can be compared field for field.
func shape(t *testing.T, b []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(string, any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(path+"."+k, x)
			}
		case []any:
			for _, x := range v {
				walk(path+"[]", x)
			}
		default:
			out = append(out, path+" "+reflect.TypeOf(v).String())
		}
	}
	walk("", v)
	sort.Strings(out)
	return out
}

func TestRegistrationEvent(t *testing.T) {
	r := testRegistration()
	ev, err := RegistrationEvent(r)
	if err != nil {
		t.Fatal(err)
	}
	// The page's example, with the registration's values in it.
	want := edit(t, "device-registered.json", "amzn1.dash.notification.v1.xxxxxxxxxxxxx13", "6d88e726-acc3-5730-b64d-7500d045e4f7")
	jsonEqual(t, ev.Body, []byte(want))
	if got, want := shape(t, ev.Body), shape(t, readFile(t, "device-registered.json")); !reflect.DeepEqual(got, want) {
		t.Errorf("body shape\n%s\nwant the page's\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	wantEvent := serialgate.Event{
		ID:           "6d88e726-acc3-5730-b64d-7500d045e4f7",
		Type:         "DeviceRegisteredNotification",
		Version:      "1.0",
		Manufacturer: "Acme",
		Time:         time.Date(2015, 10, 1, 2, 23, 52, 747_000_000, time.UTC),
		Body:         ev.Body,
	}
	if !reflect.DeepEqual(ev, wantEvent) {
		t.Errorf("event\n%+v\nwant\n%+v", ev, wantEvent)
	}

	// A receiver reads it back as the notification the station built.
	n, err := Decode(ev.Body, ev.Version)
	if err != nil {
		t.Fatal(err)
	}
	built, _ := NewDeviceRegistered(r)
	if !reflect.DeepEqual(n, built) {
		t.Errorf("decoded %#v, built %#v", n, built)
	}
}

// TestRegistrationEventStable checks that the event is a function of the
// registration: rebuilt (a redelivery, a restart, another station, a time
// read back from a database at microseconds), it is the same; any of the
// identifying fields changed, the ID changes.
func TestRegistrationEventStable(t *testing.T) {
	r := testRegistration()
	first, err := RegistrationEvent(r)
	if err != nil {
		t.Fatal(err)
	}
	same := []func(*serialgate.Registration){
		func(r *serialgate.Registration) {},
		func(r *serialgate.Registration) { r.Time = r.Time.UTC() },
		func(r *serialgate.Registration) { r.Time = r.Time.Truncate(time.Microsecond) },
		func(r *serialgate.Registration) { r.Time = r.Time.In(time.FixedZone("X", -7*3600)) },
		func(r *serialgate.Registration) { r.OrderID = "another order"; r.ASIN = "B000000000" },
	}
	for i, f := range same {
		r := testRegistration()
		f(&r)
		ev, err := RegistrationEvent(r)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ev, first) {
			t.Errorf("case %d: event differs:\n%+v\n%+v", i, ev, first)
		}
	}
	differ := []func(*serialgate.Registration){
		func(r *serialgate.Registration) { r.Serial += "X" },
		func(r *serialgate.Registration) { r.Model += "X" },
		func(r *serialgate.Registration) { r.Manufacturer += "X" },
		func(r *serialgate.Registration) { r.Time = r.Time.Add(time.Millisecond) },
		// The parts are length-prefixed: moving a character from one to
		// the next is another name.
		func(r *serialgate.Registration) { r.Model, r.Serial = "myDeviceMode", "lmySerialNumber" },
	}
	for i, f := range differ {
		r := testRegistration()
		f(&r)
		ev, err := RegistrationEvent(r)
		if err != nil {
			t.Fatal(err)
		}
		if ev.ID == first.ID {
			t.Errorf("case %d: same ID %s", i, ev.ID)
		}
	}
}

func TestNotificationID(t *testing.T) {
	r := testRegistration()
	// Computed independently (Python's hashlib and uuid) from the
	// namespace and the length-prefixed parts.
	const want = "6d88e726-acc3-5730-b64d-7500d045e4f7"
	if got := NotificationID(r.Manufacturer, r.Model, r.Serial, r.Time); got != want {
		t.Errorf("NotificationID = %s, want %s", got, want)
	}
	uuid5 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, parts := range [][3]string{{"", "", ""}, {"a", "b", "c"}, {strings.Repeat("x", 300), "é", "\x00"}} {
		id := NotificationID(parts[0], parts[1], parts[2], time.Unix(0, 0))
		if !uuid5.MatchString(id) {
			t.Errorf("NotificationID(%q) = %s, not a version 5 UUID", parts, id)
		}
	}
}

func TestNewDeviceRegisteredErrors(t *testing.T) {
	tests := []struct {
		field string
		f     func(*serialgate.Registration)
		is    error
	}{
		{"Registration.Serial", func(r *serialgate.Registration) { r.Serial = "" }, ErrMissing},
		{"Registration.Model", func(r *serialgate.Registration) { r.Model = "" }, ErrMissing},
		{"Registration.CustomerID", func(r *serialgate.Registration) { r.CustomerID = "" }, ErrMissing},
		{"Registration.LWAClientID", func(r *serialgate.Registration) { r.LWAClientID = "" }, ErrMissing},
		{"Registration.Manufacturer", func(r *serialgate.Registration) { r.Manufacturer = "" }, ErrMissing},
		{"Registration.Time", func(r *serialgate.Registration) { r.Time = time.Time{} }, ErrMissing},
		{"Registration.Serial", func(r *serialgate.Registration) { r.Serial = "SN\xff1" }, nil},
		{"Registration.LWAClientID", func(r *serialgate.Registration) { r.LWAClientID = "\xc3" }, nil},
		{"Registration.Time", func(r *serialgate.Registration) { r.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, nil},
		{"Registration.Time", func(r *serialgate.Registration) { r.Time = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC) }, nil},
	}
	for _, tt := range tests {
		r := testRegistration()
		tt.f(&r)
		ev, err := RegistrationEvent(r)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: RegistrationEvent = %+v, %v; want an *Error", tt.field, ev, err)
			continue
		}
		if e.Field != tt.field || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("error %q names %q, want %q", err, e.Field, tt.field)
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("error %v is not %v", err, tt.is)
		}
	}
}

func TestNewEvent(t *testing.T) {
	for _, g := range golden {
		ev, err := NewEvent(g.want, "Acme")
		if err != nil {
			t.Fatalf("%s: %v", g.file, err)
		}
		if ev.ID != specID || ev.Type != g.want.Info().NotificationType || ev.Version != g.want.MessageVersion() || ev.Manufacturer != "Acme" {
			t.Errorf("%s: event %+v", g.file, ev)
		}
		if want, _ := g.want.Info().NotificationTime.Time(); !ev.Time.Equal(want) {
			t.Errorf("%s: Time %v, want %v", g.file, ev.Time, want)
		}
		jsonEqual(t, ev.Body, readFile(t, g.file))
	}
	if _, err := NewEvent(golden[0].want, ""); !errors.Is(err, ErrMissing) {
		t.Errorf("no manufacturer: error %v", err)
	}
	if _, err := NewEvent(&DeviceRegistered{}, "Acme"); err == nil {
		t.Error("empty notification: no error")
	}
}
