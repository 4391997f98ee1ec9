package drs

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// edit returns the repaired example file with each old replaced by new
// once, failing the test when old is not there.
func edit(t *testing.T, file string, pairs ...string) string {
	t.Helper()
	s := string(readFile(t, file))
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("%s has no %q", file, pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

func TestDecodeErrors(t *testing.T) {
	const reg = "device-registered.json"
	tests := []struct {
		name    string
		body    string
		version string
		field   string
		offset  int64 // -2: any offset >= 0
		is      error
		msg     string
	}{
		{name: "empty", body: "", offset: 0, msg: "unexpected end of JSON input"},
		{name: "white space", body: " \n", offset: 2, msg: "unexpected end of JSON input"},
		{name: "null", body: "null", field: "notificationInfo.notificationType", offset: -1, is: ErrMissing},
		{name: "empty object", body: "{}", field: "notificationInfo.notificationType", offset: -1, is: ErrMissing},
		{name: "array", body: "[]", offset: 1, msg: "got JSON array, want an object"},
		{name: "string", body: `"x"`, offset: 3, msg: "got JSON string, want an object"},
		{name: "notificationInfo a string", body: `{"notificationInfo": "x"}`, field: "notificationInfo", offset: 24, msg: "got JSON string, want an object"},
		{name: "notificationType a number", body: `{"notificationInfo": {"notificationType": 7}}`, field: "notificationInfo.notificationType", offset: 43, msg: "got JSON number, want a string"},
		{name: "truncated", body: `{"notificationInfo": {"notificationType": "DeviceRegisteredNotification"`, offset: 72, msg: "unexpected end of JSON input"},
		{name: "trailing data", body: readString(t, reg) + "x", offset: -2, msg: "after top-level value"},
		{name: "two documents", body: readString(t, reg) + readString(t, reg), offset: -2, msg: "after top-level value"},
		{name: "unknown type", body: `{"notificationInfo": {"notificationType": "OrderShippedNotification"}}`,
			field: "notificationInfo.notificationType", offset: -1, is: ErrUnknownType, msg: `"OrderShippedNotification"`},
		{name: "unknown version", body: readString(t, reg), version: "3.0", offset: -1, is: ErrUnknownVersion, msg: `"3.0"`},
		{name: "version as printed number", body: readString(t, "order-placed-v2.json"), version: "2", offset: -1, is: ErrUnknownVersion},
		{name: "v2 of a v1-only type", body: readString(t, reg), version: V2, offset: -1, is: ErrUnknownVersion, msg: "has only version 1.0"},
		{name: "missing serial", body: edit(t, reg, `"serialNumber": "mySerialNumber"`, `"serialNumber": ""`),
			field: "deviceInfo.deviceIdentifier.serialNumber", offset: -1, is: ErrMissing},
		{name: "serial a number", body: edit(t, reg, `"serialNumber": "mySerialNumber"`, `"serialNumber": 12345`),
			field: "deviceInfo.deviceIdentifier.serialNumber", offset: -2, msg: "got JSON number, want a string"},
		{name: "no deviceInfo", body: edit(t, reg, `"deviceInfo"`, `"deviceInformation"`), field: "deviceInfo", offset: -1, is: ErrMissing},
		{name: "no customer", body: edit(t, reg, `"directedCustomerId"`, `"customerId"`),
			field: "customerInfo", offset: -1, is: ErrMissing},
		{name: "no notificationId", body: edit(t, reg, `"notificationId"`, `"notificationID"`),
			field: "notificationInfo.notificationID", offset: -2, is: ErrKeyCase, msg: `"notificationID" is spelled "notificationId"`},
		{name: "modelId in another case", body: edit(t, reg, `"modelId"`, `"ModelId"`),
			field: "deviceInfo.productIdentifier.ModelId", offset: -2, is: ErrKeyCase},
		{name: "block in another case", body: edit(t, reg, `"customerInfo"`, `"CustomerInfo"`),
			field: "CustomerInfo", offset: -2, is: ErrKeyCase},
		{name: "no lwaClientId", body: edit(t, reg, `"lwaClientId": "amzn1.application-oa2-client.6b68exxxxxxxxxx9",`, ``),
			field: "notificationInfo.lwaClientId", offset: -1, is: ErrMissing},
		{name: "bad notificationTime", body: edit(t, reg, `"2015-10-01T02:23:52.747Z"`, `"2015-10-01 02:23:52"`),
			field: "notificationInfo.notificationTime", offset: -1, msg: "not an RFC 3339 time"},
		{name: "notificationTime a number", body: edit(t, reg, `"2015-10-01T02:23:52.747Z"`, `1443666232747`),
			field: "notificationInfo.notificationTime", offset: -2, msg: "got JSON number, want a string"},
		{name: "bad product delivery date", body: edit(t, "order-placed-v2.json", `"2016-12-09T07:59:59Z"`, `"2016-12-09"`), version: V2,
			field: "orderInfo.productInfo[0].estimatedDeliveryDate", offset: -1, msg: "not an RFC 3339 time"},
		{name: "bad order delivery date", body: edit(t, "order-placed-v1.json", `"2015-10-07T06:59:59Z"`, `"soon"`),
			field: "orderInfo.estimatedDeliveryDate", offset: -1, msg: "not an RFC 3339 time"},
		{name: "quantity a string", body: edit(t, "order-placed-v2.json", `"quantity": 1.0`, `"quantity": "1.0"`), version: V2,
			field: "orderInfo.productInfo[0].quantity", offset: -2, msg: "got JSON string, want a number"},
		{name: "quantity out of range", body: edit(t, "order-placed-v1.json", `"quantity": 12.0`, `"quantity": 1e999`),
			field: "orderInfo.productInfo[0].quantity", offset: -2, msg: "got JSON number 1e999"},
		{name: "no instanceId", body: edit(t, "order-cancelled.json", `"instanceId": "amzn1.dash.v2.o.ci43xxxxxxxxxx0",`, ``),
			field: "orderInfo.instanceId", offset: -1, is: ErrMissing},
		{name: "v2 subscription read as v1", body: readString(t, "subscription-changed-v2.json"), version: V1,
			field: "subscriptionInfo.slotsSubscriptionStatus", offset: -1, is: ErrVersionMismatch, msg: "shape of version 2.0"},
		{name: "v1 subscription read as v2", body: readString(t, "subscription-changed-v1.json"), version: V2,
			field: "subscriptionInfo.slotsSubscriptionStatus", offset: -1, is: ErrVersionMismatch, msg: "shape of version 1.0"},
		{name: "v2 order read as v1", body: readString(t, "order-placed-v2.json"), version: V1,
			field: "orderInfo", offset: -1, is: ErrVersionMismatch, msg: "shape of version 2.0"},
		{name: "v1 shipment read as v2", body: readString(t, "item-shipped-v1.json"), version: V2,
			field: "orderInfo", offset: -1, is: ErrVersionMismatch, msg: "shape of version 1.0"},
		{name: "mixed subscription", body: edit(t, "subscription-changed-v1.json", `"mySecondSlot": true`, `"mySecondSlot": {}`),
			field: "subscriptionInfo.slotsSubscriptionStatus.mySecondSlot", offset: -2, msg: "got JSON object, want true or false"},
		{name: "mixed subscription as v2", body: edit(t, "subscription-changed-v1.json", `"mySecondSlot": true`, `"mySecondSlot": {}`), version: V2,
			field: "subscriptionInfo.slotsSubscriptionStatus.myFirstSlot", offset: -2, msg: "got JSON bool, want an object"},
		{name: "subscribed a string", body: edit(t, "subscription-changed-v2.json", `"subscribed":false`, `"subscribed":"false"`),
			field: "subscriptionInfo.slotsSubscriptionStatus.SlotId2.subscribed", offset: -2, msg: "got JSON string, want true or false"},
		{name: "no subscriptionInfo", body: edit(t, "subscription-changed-v1.json", `"subscriptionInfo"`, `"subscriptions"`),
			field: "subscriptionInfo", offset: -1, is: ErrMissing},
		{name: "productInfo an object", body: edit(t, "item-shipped-v1.json", `"productInfo": [{`, `"productInfo": {"x": {`, `}],`, `}},`),
			field: "orderInfo.productInfo", offset: -2, msg: "got JSON object, want an array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Decode([]byte(tt.body), tt.version)
			if err == nil {
				t.Fatalf("Decode = %#v, want an error", n)
			}
			if n != nil {
				t.Errorf("Decode returned %#v with the error", n)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			if e.Op != "decode" {
				t.Errorf("Op = %q", e.Op)
			}
			if e.Field != tt.field {
				t.Errorf("Field = %q, want %q (%v)", e.Field, tt.field, err)
			}
			switch {
			case tt.offset == -2 && e.Offset < 0:
				t.Errorf("Offset = %d, want one (%v)", e.Offset, err)
			case tt.offset != -2 && e.Offset != tt.offset:
				t.Errorf("Offset = %d, want %d (%v)", e.Offset, tt.offset, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
			if tt.field != "" && !strings.Contains(err.Error(), tt.field) {
				t.Errorf("error %q does not name %s", err, tt.field)
			}
		})
	}
}

func readString(t *testing.T, name string) string { return string(readFile(t, name)) }

// TestKeyErrorOffset checks that a misspelled key is reported at the
// offset of its opening quote.
func TestKeyErrorOffset(t *testing.T) {
	body := edit(t, "device-registered.json", `"modelId"`, `"MODELID"`)
	_, err := Decode([]byte(body), "")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Decode error = %v", err)
	}
	if want := int64(strings.Index(body, `"MODELID"`)); e.Offset != want {
		t.Errorf("Offset = %d, want %d", e.Offset, want)
	}
}

// TestDecodeTolerates checks what a receiver must not refuse: keys DRS may
// add, an empty subscription, a v2 product without ASIN, other offsets.
func TestDecodeTolerates(t *testing.T) {
	tests := []struct {
		name, file, version string
		pairs               []string
	}{
		{"unknown top-level key", "device-registered.json", "", []string{`"customerInfo"`, `"newBlock": {"a": [1, {"b": null}]}, "customerInfo"`}},
		{"unknown key in a block", "order-placed-v2.json", V2, []string{`"asin"`, `"price": 9.99, "asin"`}},
		{"no subscribed slots", "subscription-changed-v1.json", "", []string{`"myFirstSlot": true,`, ``, `"mySecondSlot": true`, ``}},
		{"null productInfo", "order-placed-v1.json", "", []string{`"productInfo":[ {`, `"productInfo": null, "x": [{`}},
		{"time with an offset", "device-registered.json", "", []string{`"2015-10-01T02:23:52.747Z"`, `"2015-10-01T04:23:52.747+02:00"`}},
		{"a value spelled like a key", "device-registered.json", "", []string{`"mySerialNumber"`, `"ModelId"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := edit(t, tt.file, tt.pairs...)
			n, err := Decode([]byte(body), tt.version)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Encode(n); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestShapeVersion(t *testing.T) {
	tests := []struct {
		name, typ, body, want string
	}{
		{"order v2 example", TypeOrderPlaced, readString(t, "order-placed-v2.json"), V2},
		{"order v1 example", TypeOrderPlaced, readString(t, "order-placed-v1.json"), V1},
		{"shipped v2 example", TypeItemShipped, readString(t, "item-shipped-v2.json"), V2},
		{"shipped v1 example", TypeItemShipped, readString(t, "item-shipped-v1.json"), V1},
		{"subscription v2 example", TypeSubscriptionChanged, readString(t, "subscription-changed-v2.json"), V2},
		{"subscription v1 example", TypeSubscriptionChanged, readString(t, "subscription-changed-v1.json"), V1},
		{"cancelled example", TypeOrderCancelled, readString(t, "order-cancelled.json"), ""},
		{"order without products", TypeOrderPlaced, `{"orderInfo": {"productInfo": []}}`, ""},
		{"v2 product with delivery date only", TypeOrderPlaced, `{"orderInfo": {"productInfo": [{"estimatedDeliveryDate": "2016-12-09T07:59:59Z"}]}}`, V2},
		{"both shapes", TypeItemShipped, `{"orderInfo": {"estimatedDeliveryDate": "x", "productInfo": [{"asin": "a"}]}}`, ""},
		{"empty subscription", TypeSubscriptionChanged, `{"subscriptionInfo": {"slotsSubscriptionStatus": {}}}`, ""},
		{"mixed subscription", TypeSubscriptionChanged, `{"subscriptionInfo": {"slotsSubscriptionStatus": {"a": true, "b": {}}}}`, ""},
		{"malformed", TypeOrderPlaced, `{"orderInfo": 7}`, ""},
	}
	for _, tt := range tests {
		if got, _ := shapeVersion(tt.typ, []byte(tt.body)); got != tt.want {
			t.Errorf("%s: shapeVersion = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	valid := func() *DeviceRegistered {
		n, err := Decode(readFile(t, "device-registered.json"), "")
		if err != nil {
			t.Fatal(err)
		}
		return n.(*DeviceRegistered)
	}
	wrongType := valid()
	wrongType.NotificationInfo.NotificationType = TypeDeviceDeregistered
	noID := valid()
	noID.NotificationInfo.NotificationID = ""
	badTime := valid()
	badTime.NotificationInfo.NotificationTime = Timestamp(time.Now().String())
	tests := []struct {
		name  string
		n     Notification
		field string
	}{
		{"nil", nil, ""},
		{"typed nil", (*OrderPlacedV2)(nil), ""},
		{"zero value", &OrderPlacedV1{}, "notificationInfo"},
		{"wrong notificationType", wrongType, "notificationInfo.notificationType"},
		{"no notificationId", noID, "notificationInfo.notificationId"},
		{"bad time", badTime, "notificationInfo.notificationTime"},
	}
	for _, tt := range tests {
		b, err := Encode(tt.n)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: Encode = %s, %v; want an *Error", tt.name, b, err)
			continue
		}
		if e.Op != "encode" || e.Field != tt.field {
			t.Errorf("%s: Op %q Field %q, want encode %q (%v)", tt.name, e.Op, e.Field, tt.field, err)
		}
	}
}

// TestEncodeKeepsText checks that characters HTML would escape reach the
// wire as they are, and that timestamps keep their text.
func TestEncodeKeepsText(t *testing.T) {
	n, err := Decode([]byte(edit(t, "device-registered.json", `"mySerialNumber"`, `"SN<1>&2"`, `"2015-10-01T02:23:52.747Z"`, `"2015-10-01T04:23:52.7+02:00"`)), "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Encode(n)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"serialNumber":"SN<1>&2"`, `"notificationTime":"2015-10-01T04:23:52.7+02:00"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s does not contain %s", b, want)
		}
	}
	if !json.Valid(b) {
		t.Errorf("not JSON: %s", b)
	}
}

func TestPathAt(t *testing.T) {
	const doc = `{"a": [1, {"b": "x", "c": [true, {"d": null}]}], "e": {"f.g": 22}}`
	tests := []struct {
		at   string // the value whose end (scalar) or opening bracket marks the offset
		want string
	}{
		{`1`, "a[0]"},
		{`"x"`, "a[1].b"},
		{`true`, "a[1].c[0]"},
		{`null`, "a[1].c[1].d"},
		{`22`, "e.f.g"},
	}
	for _, tt := range tests {
		i := strings.Index(doc, tt.at)
		if got := pathAt([]byte(doc), int64(i+len(tt.at))); got != tt.want {
			t.Errorf("pathAt(end of %s) = %q, want %q", tt.at, got, tt.want)
		}
	}
	for _, tt := range []struct {
		bracket string
		want    string
	}{{`[1, {`, "a"}, {`{"b"`, "a[1]"}, {`[true`, "a[1].c"}, {`{"d"`, "a[1].c[1]"}, {`{"f.g"`, "e"}} {
		i := strings.Index(doc, tt.bracket)
		if got := pathAt([]byte(doc), int64(i+1)); got != tt.want {
			t.Errorf("pathAt(after %s) = %q, want %q", tt.bracket, got, tt.want)
		}
	}
	for _, off := range []int64{-1, 0, 1, 3, int64(len(doc)), int64(len(doc)) + 5} {
		if got := pathAt([]byte(doc), off); got != "" {
			t.Errorf("pathAt(%d) = %q, want none", off, got)
		}
	}
	for _, d := range []string{"", "7", `"s"`, "{", "[1,", `{"a":}`} {
		_ = pathAt([]byte(d), 2) // malformed input: no panic
	}
}
