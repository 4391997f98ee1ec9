package drs

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsonEqual compares two documents as JSON values, not as text.
func jsonEqual(t testing.TB, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want is not JSON: %v\n%s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON values differ\n got: %s\nwant: %s", compact(got), compact(want))
	}
}

func compact(b []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return string(b)
	}
	return buf.String()
}

// The blocks the examples share, as the pages print them.
var (
	specClient = "amzn1.application-oa2-client.6b68exxxxxxxxxx9"
	specID     = "amzn1.dash.notification.v1.xxxxxxxxxxxxx13"
	specDevice = DeviceInfo{
		DeviceIdentifier:  DeviceIdentifier{SerialNumber: "mySerialNumber"},
		ProductIdentifier: ProductIdentifier{ModelID: "myDeviceModel"},
	}
	specCustomer = CustomerInfo{DirectedCustomerID: "amzn1.account.AHxxxxxxxxGA2O5Q"}
)

func specInfo(typ, time string) NotificationInfo {
	return NotificationInfo{NotificationType: typ, LWAClientID: specClient, NotificationTime: Timestamp(time),
		NotificationID: specID, Version: "2015-06-05"}
}

// golden lists every notification example of the pages (repaired where
// testdata/README.md says), the version its MessageAttributes give, and
// the value it must decode to, transcribed from the page by hand.
var golden = []struct {
	file    string
	version string // from the example's MessageAttributes; "" when it has none
	want    Notification
}{
	{"order-placed-v2.json", V2, &OrderPlacedV2{
		NotificationInfo: specInfo(TypeOrderPlaced, "2016-12-02T21:09:58.689Z"),
		DeviceInfo:       specDevice,
		CustomerInfo:     CustomerInfo{DirectedCustomerID: "amzn1.account.AH54JCXQ7WZKCZOFxxxxxxxx"},
		OrderInfo: OrderInfoV2{InstanceID: "amzn1.dash.v2.o.ci45xxxxxxxxxxx", SlotID: "myProduct",
			ProductInfo: []ProductInfoV2{{Quantity: 1, Unit: "count", ASIN: "myAsinNumber", EstimatedDeliveryDate: "2016-12-09T07:59:59Z"}}},
	}},
	{"order-placed-v1.json", "", &OrderPlacedV1{
		NotificationInfo: specInfo(TypeOrderPlaced, "2015-10-01T20:19:39.959Z"),
		DeviceInfo:       specDevice,
		CustomerInfo:     specCustomer,
		OrderInfo: OrderInfoV1{InstanceID: "amzn1.dash.v2.o.ci43xxxxxxxxxx0", SlotID: "myProduct",
			ProductInfo: []ProductInfoV1{{Quantity: 12, Unit: "count"}}, EstimatedDeliveryDate: "2015-10-07T06:59:59Z"},
	}},
	{"order-cancelled.json", "", &OrderCancelled{
		NotificationInfo: specInfo(TypeOrderCancelled, "2015-10-01T20:20:29.461Z"),
		DeviceInfo:       specDevice,
		CustomerInfo:     specCustomer,
		OrderInfo:        OrderRef{InstanceID: "amzn1.dash.v2.o.ci43xxxxxxxxxx0", SlotID: "myProduct"},
	}},
	{"device-registered.json", "", &DeviceRegistered{
		NotificationInfo: specInfo(TypeDeviceRegistered, "2015-10-01T02:23:52.747Z"),
		DeviceInfo:       specDevice,
		CustomerInfo:     specCustomer,
	}},
	{"device-deregistered.json", "", &DeviceDeregistered{
		NotificationInfo: specInfo(TypeDeviceDeregistered, "2015-09-29T18:03:28.669Z"),
		DeviceInfo:       specDevice,
		CustomerInfo:     specCustomer,
	}},
	{"subscription-changed-v2.json", V2, &SubscriptionChangedV2{
		NotificationInfo: specInfo(TypeSubscriptionChanged, "2016-12-06T19:33:27.368Z"),
		DeviceInfo: DeviceInfo{
			DeviceIdentifier:  DeviceIdentifier{SerialNumber: "MySerialNumber"},
			ProductIdentifier: ProductIdentifier{ModelID: "myDeviceModel"},
		},
		SubscriptionInfo: SubscriptionInfoV2{SlotsSubscriptionStatus: map[string]SlotStatus{
			"SlotId1": {Subscribed: true, ProductInfoList: []SlotProduct{{Quantity: 1, Unit: "count", ASIN: "myAsinNumber"}}},
			"SlotId2": {Subscribed: false, ProductInfoList: []SlotProduct{{Quantity: 1, Unit: "count", ASIN: "myAsinNumber"}}},
		}},
		CustomerInfo: CustomerInfo{DirectedCustomerID: "amzn1.account.AGY3J5MxxxxxxO4WRHHQA"},
	}},
	{"subscription-changed-v1.json", "", &SubscriptionChangedV1{
		NotificationInfo: specInfo(TypeSubscriptionChanged, "2015-09-30T23:27:50.771Z"),
		DeviceInfo:       specDevice,
		SubscriptionInfo: SubscriptionInfoV1{SlotsSubscriptionStatus: map[string]bool{"myFirstSlot": true, "mySecondSlot": true}},
		CustomerInfo:     specCustomer,
	}},
	{"item-shipped-v2.json", V2, &ItemShippedV2{
		NotificationInfo: specInfo(TypeItemShipped, "2016-12-02T01:41:59.936Z"),
		DeviceInfo:       specDevice,
		CustomerInfo:     CustomerInfo{DirectedCustomerID: "amzn1.account.AGY3J5MKHWP6I2RHDYPJO4WRHHQA"},
		OrderInfo: OrderInfoV2{InstanceID: "amzn1.dash.v2.o.ci43xxxxxxxxxx0", SlotID: "myProduct",
			ProductInfo: []ProductInfoV2{{Quantity: 1, Unit: "count", ASIN: "myAsinNumber", EstimatedDeliveryDate: "2016-11-16T07:59:59Z"}}},
	}},
	{"item-shipped-v1.json", "", &ItemShippedV1{
		NotificationInfo: specInfo(TypeItemShipped, "2015-10-01T20:43:28.626Z"),
		DeviceInfo:       specDevice,
		CustomerInfo:     specCustomer,
		OrderInfo: OrderInfoV1{InstanceID: "amzn1.dash.v2.o.ci43xxxxxxxxxx0", SlotID: "myProduct",
			ProductInfo: []ProductInfoV1{{Quantity: 12, Unit: "Count"}}, EstimatedDeliveryDate: "2015-10-07T06:59:59Z"},
	}},
	{"preregistration-device-registered.json", "", &DeviceRegistered{
		NotificationInfo: specInfo(TypeDeviceRegistered, "2015-10-01T02:23:52.747Z"),
		DeviceInfo: DeviceInfo{
			DeviceIdentifier:  DeviceIdentifier{SerialNumber: "DeviceSerialNumber"},
			ProductIdentifier: ProductIdentifier{ModelID: "myDeviceModel"},
		},
		CustomerInfo: specCustomer,
	}},
}

// TestGoldenDecode decodes every example, with the version its attributes
// give, with V1 spelled out for the v1 ones, and with no version (the
// shape decides), into the value transcribed from the page.
func TestGoldenDecode(t *testing.T) {
	for _, g := range golden {
		t.Run(g.file, func(t *testing.T) {
			body := readFile(t, g.file)
			versions := []string{g.version, ""}
			if g.version == "" {
				versions[0] = V1
			}
			for _, v := range versions {
				n, err := Decode(body, v)
				if err != nil {
					t.Fatalf("Decode(version %q): %v", v, err)
				}
				if !reflect.DeepEqual(n, g.want) {
					t.Errorf("Decode(version %q) =\n%#v\nwant\n%#v", v, n, g.want)
				}
				if n.MessageVersion() != g.want.MessageVersion() {
					t.Errorf("MessageVersion = %q", n.MessageVersion())
				}
			}
		})
	}
}

// TestGoldenRoundTrip decodes every example, encodes it, and compares the
// result with the example as JSON values: nothing of the page is dropped,
// renamed or added.
func TestGoldenRoundTrip(t *testing.T) {
	for _, g := range golden {
		t.Run(g.file, func(t *testing.T) {
			body := readFile(t, g.file)
			n, err := Decode(body, g.version)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Encode(n)
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, out, body)
			// Encoding the transcribed value gives the page's JSON too.
			out, err = Encode(g.want)
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, out, body)
		})
	}
}

// TestGoldenCoversEveryType checks that the examples cover every type and
// version the package decodes.
func TestGoldenCoversEveryType(t *testing.T) {
	seen := map[string]bool{}
	for _, g := range golden {
		seen[g.want.Info().NotificationType+" "+g.want.MessageVersion()] = true
	}
	for typ, vs := range versions {
		for _, v := range vs {
			if !seen[typ+" "+v] {
				t.Errorf("no example of %s %s", typ, v)
			}
		}
	}
}

// TestPrintedExamples decodes the examples as the pages print them and
// checks that each broken one is refused, saying where.
func TestPrintedExamples(t *testing.T) {
	tests := []struct {
		file    string
		version string
		field   string
		at      string // the text at the reported offset, "" for no offset
		is      error
		msg     string
	}{
		{file: "order-placed-v2.printed.json", version: V2, at: "}\n}", msg: "looking for beginning of object key string"},
		{file: "order-placed-v2.printed.json", version: "", at: "}\n}", msg: "looking for beginning of object key string"},
		{file: "order-placed-v1.printed.json", version: "", at: "}\n", msg: "after top-level value"},
		{file: "subscription-changed-v1.printed.json", version: "", field: "deviceInfo.productIdentifier.modelId", is: ErrMissing},
		{file: "item-shipped-v2.printed.json", version: V2, field: "orderInfo", is: ErrMissing},
		{file: "item-shipped-v2.printed.json", version: "", field: "orderInfo", is: ErrMissing},
	}
	for _, tt := range tests {
		t.Run(tt.file+"@"+tt.version, func(t *testing.T) {
			body := readFile(t, tt.file)
			_, err := Decode(body, tt.version)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Decode = %v, want an *Error", err)
			}
			if e.Field != tt.field {
				t.Errorf("Field = %q, want %q (%v)", e.Field, tt.field, err)
			}
			if tt.at == "" {
				if e.Offset != -1 {
					t.Errorf("Offset = %d, want -1 (%v)", e.Offset, err)
				}
			} else {
				// A syntax error's offset counts the bytes read, the
				// offending one included.
				if e.Offset < 1 || !bytes.HasPrefix(body[e.Offset-1:], []byte(tt.at)) {
					t.Errorf("Offset = %d, at %q, want the offending %q", e.Offset, body[max(e.Offset-1, 0):], tt.at)
				}
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
		})
	}
}

// TestMessageAttributesGolden checks MessageAttributes against the
// (repaired) attribute fragments the page prints after each v2 example,
// and that the printed fragments are refused.
func TestMessageAttributesGolden(t *testing.T) {
	for _, typ := range []string{"order-placed-v2", "subscription-changed-v2", "item-shipped-v2"} {
		t.Run(typ, func(t *testing.T) {
			var frag struct {
				MessageAttributes json.RawMessage
			}
			want := readFile(t, typ+".attributes.json")
			if err := json.Unmarshal(want, &frag); err != nil {
				t.Fatal(err)
			}
			var n Notification
			for _, g := range golden {
				if g.file == typ+".json" {
					n = g.want
				}
			}
			attrs, err := MessageAttributes(n.Info().NotificationType, n.MessageVersion())
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(attrs)
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, got, frag.MessageAttributes)

			// The fragments as printed: a number where SNS has a string,
			// and "type" where SNS has "Type".
			printed := readFile(t, typ+".attributes.printed.json")
			var p struct {
				MessageAttributes map[string]Attribute `json:"MessageAttributes"`
			}
			err = json.Unmarshal(printed, &p)
			if err = jsonError("attributes", printed, err); err == nil || !strings.Contains(err.Error(), "MessageAttributes.version.Value") {
				t.Errorf("printed fragment: error %v does not name MessageAttributes.version.Value", err)
			}
			printed = bytes.Replace(printed, []byte("2.0"), []byte(`"2.0"`), 1)
			if err := json.Unmarshal(printed, &p); err != nil {
				t.Fatal(err)
			}
			kerr := checkKeys(printed, reflect.TypeOf(p))
			if kerr == nil || kerr.Field != "MessageAttributes.version.type" || !errors.Is(kerr, ErrKeyCase) {
				t.Errorf("printed fragment, value quoted: checkKeys = %v, want the misspelled MessageAttributes.version.type", kerr)
			}
		})
	}
}

func TestMessageAttributes(t *testing.T) {
	tests := []struct {
		typ, version string
		want         map[string]Attribute
		err          error
	}{
		{TypeOrderPlaced, V1, nil, nil},
		{TypeOrderPlaced, V2, map[string]Attribute{"version": {"String", "2.0"}}, nil},
		{TypeSubscriptionChanged, V2, map[string]Attribute{"version": {"String", "2.0"}}, nil},
		{TypeItemShipped, V2, map[string]Attribute{"version": {"String", "2.0"}}, nil},
		{TypeDeviceRegistered, V1, nil, nil},
		{TypeOrderCancelled, V1, nil, nil},
		{TypeDeviceDeregistered, V1, nil, nil},
		{TypeDeviceRegistered, V2, nil, ErrUnknownVersion},
		{TypeOrderPlaced, "2", nil, ErrUnknownVersion},
		{TypeOrderPlaced, "", nil, ErrUnknownVersion},
		{"OrderShippedNotification", V1, nil, ErrUnknownType},
	}
	for _, tt := range tests {
		got, err := MessageAttributes(tt.typ, tt.version)
		if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
			t.Errorf("MessageAttributes(%q, %q) error = %v, want %v", tt.typ, tt.version, err, tt.err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("MessageAttributes(%q, %q) = %v, want %v", tt.typ, tt.version, got, tt.want)
		}
	}
}

func TestTimestamp(t *testing.T) {
	for _, s := range []Timestamp{"2015-10-01T02:23:52.747Z", "2016-12-09T07:59:59Z", "2016-12-09T08:59:59+01:00"} {
		tm, err := s.Time()
		if err != nil {
			t.Errorf("%s: %v", s, err)
		}
		if got := FormatTime(tm); got != s && s != "2016-12-09T07:59:59Z" && s != "2016-12-09T08:59:59+01:00" {
			t.Errorf("FormatTime(%s) = %s", s, got)
		}
	}
	tm, _ := Timestamp("2016-12-09T08:59:59+01:00").Time()
	if got := FormatTime(tm); got != "2016-12-09T07:59:59.000Z" {
		t.Errorf("FormatTime = %s, want UTC with milliseconds", got)
	}
	for _, s := range []Timestamp{"", "2015-10-01", "2015-10-01 02:23:52Z", "yesterday", "2015-13-01T00:00:00Z"} {
		if _, err := s.Time(); err == nil {
			t.Errorf("%q: no error", s)
		}
	}
}
