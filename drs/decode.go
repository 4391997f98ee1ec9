package drs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Causes an *Error wraps, for errors.Is.
var (
	ErrMissing        = errors.New("missing or empty")
	ErrUnknownType    = errors.New("unknown type")
	ErrUnknownVersion = errors.New("unknown version")
	// ErrVersionMismatch is a body whose shape is that of another version
	// than the one its message attribute gives.
	ErrVersionMismatch = errors.New("version mismatch")
	// ErrKeyCase is a known key spelled in another case ("ModelId" for
	// "modelId"), which encoding/json alone would accept.
	ErrKeyCase = errors.New("key spelled in the wrong case")
)

// Error is a malformed or incomplete message, found decoding it or refused
// encoding it. Like csv.ParseError it says where: the JSON path of the
// field and, when the fault is at one place in the input, its byte offset.
type Error struct {
	Op     string // "decode", "encode", "build" (NewDeviceRegistered) or "verify"
	What   string // what was read or written: "notification", "OrderPlacedNotification 2.0", "SNS message"
	Field  string // JSON path such as "orderInfo.productInfo[0].asin"; "" for the whole document
	Offset int64  // byte offset in the input; -1 when the fault has no one position (a missing field)
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(" ")
	b.WriteString(e.What)
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	if e.Offset >= 0 {
		fmt.Fprintf(&b, "at byte %d: ", e.Offset)
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Decode reads a notification: body is the SNS Message, version the
// MessageAttributes "version" value (V1, V2) or "" when it is not known,
// in which case the body's shape decides (see shapeVersion; a body that
// shows neither is read as v1, the version without attributes). A body
// whose shape shows the other version than the one given is refused
// (ErrVersionMismatch): read as v1, a v2 order would lose its ASINs. It
// returns one of the pointer types listed by Notification, or an *Error.
func Decode(body []byte, version string) (Notification, error) {
	var probe struct {
		NotificationInfo struct {
			NotificationType string `json:"notificationType"`
		} `json:"notificationInfo"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return nil, jsonError("notification", body, err)
	}
	typ := probe.NotificationInfo.NotificationType
	if typ == "" {
		return nil, &Error{Op: "decode", What: "notification", Field: "notificationInfo.notificationType", Offset: -1, Err: ErrMissing}
	}
	if _, ok := versions[typ]; !ok {
		return nil, &Error{Op: "decode", What: "notification", Field: "notificationInfo.notificationType", Offset: -1,
			Err: fmt.Errorf("%w %q", ErrUnknownType, typ)}
	}
	shape, block := shapeVersion(typ, body)
	switch version {
	case "":
		version = shape
		if version == "" {
			version = V1
		}
	case V1, V2:
		if shape != "" && shape != version {
			// Read as v1, a v2 order would silently lose its ASINs and
			// delivery dates.
			return nil, &Error{Op: "decode", What: typ + " " + version, Field: block, Offset: -1,
				Err: fmt.Errorf("%w: the body has the shape of version %s", ErrVersionMismatch, shape)}
		}
	default:
		return nil, &Error{Op: "decode", What: typ, Offset: -1,
			Err: fmt.Errorf("%w %q (want %q or %q)", ErrUnknownVersion, version, V1, V2)}
	}
	n := newNotification(typ, version)
	if n == nil {
		return nil, &Error{Op: "decode", What: typ, Offset: -1,
			Err: fmt.Errorf("%w %q: %s has only version %s", ErrUnknownVersion, version, typ, V1)}
	}
	what := typ + " " + version
	if err := json.Unmarshal(body, n); err != nil {
		return nil, jsonError(what, body, err)
	}
	if err := checkKeys(body, reflect.TypeOf(n)); err != nil {
		err.What = what
		return nil, err
	}
	if err := n.validate(); err != nil {
		err.Op, err.What = "decode", what
		return nil, err
	}
	return n, nil
}

// Encode writes a notification's JSON, the SNS Message that carries it. It
// refuses a notification Decode would refuse: a missing identity field, a
// malformed time, a notificationType that is not the Go type's.
func Encode(n Notification) ([]byte, error) {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return nil, &Error{Op: "encode", What: "notification", Offset: -1, Err: errors.New("nil notification")}
	}
	if err := n.validate(); err != nil {
		err.Op, err.What = "encode", typeOf(n)+" "+n.MessageVersion()
		return nil, err
	}
	return marshal(n)
}

// typeOf is the notificationType of a notification's Go type.
func typeOf(n Notification) string {
	switch n.(type) {
	case *OrderPlacedV1, *OrderPlacedV2:
		return TypeOrderPlaced
	case *OrderCancelled:
		return TypeOrderCancelled
	case *DeviceRegistered:
		return TypeDeviceRegistered
	case *DeviceDeregistered:
		return TypeDeviceDeregistered
	case *SubscriptionChangedV1, *SubscriptionChangedV2:
		return TypeSubscriptionChanged
	case *ItemShippedV1, *ItemShippedV2:
		return TypeItemShipped
	}
	return "notification"
}

// marshal encodes v compactly, leaving <, > and & as they are: the bytes
// are a message body, not HTML.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// shapeVersion tells a v2 body from a v1 one by shape: it returns the
// version the body's shape shows and the block that shows it, or "" when
// the shape shows neither (or both). A v2 SubscriptionChanged maps slots to
// objects, a v1 one to booleans; a v2 order has an ASIN or a delivery date
// in its products, a v1 order a delivery date of its own.
func shapeVersion(typ string, body []byte) (version, block string) {
	var p struct {
		OrderInfo struct {
			EstimatedDeliveryDate json.RawMessage              `json:"estimatedDeliveryDate"`
			ProductInfo           []map[string]json.RawMessage `json:"productInfo"`
		} `json:"orderInfo"`
		SubscriptionInfo struct {
			SlotsSubscriptionStatus map[string]json.RawMessage `json:"slotsSubscriptionStatus"`
		} `json:"subscriptionInfo"`
	}
	// A body whose shape is wrong fails this probe and shows no version;
	// the typed decode says what is wrong.
	_ = json.Unmarshal(body, &p)
	var v1, v2 bool
	switch typ {
	case TypeSubscriptionChanged:
		block = "subscriptionInfo.slotsSubscriptionStatus"
		for _, v := range p.SubscriptionInfo.SlotsSubscriptionStatus {
			switch v = bytes.TrimSpace(v); {
			case len(v) > 0 && v[0] == '{':
				v2 = true
			case string(v) == "true" || string(v) == "false":
				v1 = true
			}
		}
	case TypeOrderPlaced, TypeItemShipped:
		block = "orderInfo"
		v1 = p.OrderInfo.EstimatedDeliveryDate != nil
		for _, prod := range p.OrderInfo.ProductInfo {
			_, asin := prod["asin"]
			_, edd := prod["estimatedDeliveryDate"]
			v2 = v2 || asin || edd
		}
	}
	switch {
	case v1 && !v2:
		return V1, block
	case v2 && !v1:
		return V2, block
	}
	return "", block
}

// wrapped gives an error a readable message while keeping its cause.
type wrapped struct {
	msg string
	err error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }

// jsonError turns an encoding/json error into an *Error with the offset
// and, for a value of the wrong type, the JSON path of the value in data.
func jsonError(what string, data []byte, err error) *Error {
	e := &Error{Op: "decode", What: what, Offset: -1, Err: err}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		e.Offset = syn.Offset
		e.Err = &wrapped{msg: syn.Error(), err: err}
	case errors.As(err, &typ):
		// typ.Field names struct fields only, without map keys or
		// array indexes: the offset finds the value itself.
		e.Field = pathAt(data, typ.Offset)
		if e.Field == "" {
			e.Field = typ.Field
		}
		e.Offset = typ.Offset
		e.Err = &wrapped{msg: fmt.Sprintf("got JSON %s, want %s", typ.Value, jsonKind(typ.Type)), err: err}
	}
	return e
}

// pathAt returns the JSON path of the value of data that ends at off (a
// scalar) or whose opening bracket ends there (an object or array), as
// encoding/json reports the offset of a value of the wrong type; "" for
// the document itself or when no value is there. It skips each sibling
// whole and descends only into the value holding off.
func pathAt(data []byte, off int64) string {
	start := skipSpace(data, 0)
	if start >= int64(len(data)) || (data[start] != '{' && data[start] != '[') || off <= start+1 {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return ""
	}
	object := data[start] == '{'
	for i := 0; dec.More(); i++ {
		elem := "[" + strconv.Itoa(i) + "]"
		if object {
			tok, err := dec.Token()
			if err != nil {
				return ""
			}
			key, _ := tok.(string)
			elem = key
		}
		vstart := skipSpace(data, dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return ""
		}
		if vend := dec.InputOffset(); vstart < off && off <= vend {
			switch sub := pathAt(data[vstart:vend], off-vstart); {
			case sub == "":
				return elem
			case sub[0] == '[':
				return elem + sub
			default:
				return elem + "." + sub
			}
		}
	}
	return ""
}

// skipSpace returns the offset of the next token of data at or after off,
// skipping white space and the separators a json.Decoder leaves unread.
func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

// jsonKind names the JSON value a Go type decodes from.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a number in range"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// checkKeys walks data, which encoding/json has decoded into a value of
// type t without error, and refuses an object key that matches a field of
// t only when case is ignored: encoding/json would have filled the field
// from it. Keys t does not know are skipped.
func checkKeys(data []byte, t reflect.Type) *Error {
	w := keyWalker{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	w.dec.UseNumber()
	if err := w.value(t, ""); err != nil {
		return err
	}
	return nil
}

type keyWalker struct {
	data []byte
	dec  *json.Decoder
}

func (w *keyWalker) value(t reflect.Type, path string) *Error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || (t.Kind() != reflect.Struct && t.Kind() != reflect.Map && t.Kind() != reflect.Slice && t.Kind() != reflect.Array) {
		// A scalar, or a value under a key t does not know: nothing in it
		// to check, skipped whole.
		var raw json.RawMessage
		if err := w.dec.Decode(&raw); err != nil {
			return &Error{Op: "decode", Field: path, Offset: w.dec.InputOffset(), Err: err}
		}
		return nil
	}
	tok, err := w.dec.Token()
	if err != nil {
		// Unreachable for input encoding/json accepted; kept as an error
		// rather than a panic.
		return &Error{Op: "decode", Field: path, Offset: w.dec.InputOffset(), Err: err}
	}
	switch tok {
	case json.Delim('{'):
		for w.dec.More() {
			start := skipSpace(w.data, w.dec.InputOffset())
			tok, err := w.dec.Token()
			if err != nil {
				return &Error{Op: "decode", Field: path, Offset: start, Err: err}
			}
			key, _ := tok.(string)
			sub := join(path, key)
			ft, err := fieldType(t, key)
			if err != nil {
				return &Error{Op: "decode", Field: sub, Offset: start, Err: err}
			}
			if err := w.value(ft, sub); err != nil {
				return err
			}
		}
		_, err = w.dec.Token()
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(elem, path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		_, err = w.dec.Token()
	}
	if err != nil {
		return &Error{Op: "decode", Field: path, Offset: w.dec.InputOffset(), Err: err}
	}
	return nil
}

// fieldType is the type of the value under key in an object decoded into
// t: a struct field's type, a map's element type, or nil for a key t does
// not know.
func fieldType(t reflect.Type, key string) (reflect.Type, error) {
	if t == nil {
		return nil, nil
	}
	switch t.Kind() {
	case reflect.Map:
		return t.Elem(), nil
	case reflect.Struct:
		var folded string
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			if name == key {
				return f.Type, nil
			}
			if folded == "" && strings.EqualFold(name, key) {
				folded = name
			}
		}
		if folded != "" {
			return nil, fmt.Errorf("%w: %q is spelled %q", ErrKeyCase, key, folded)
		}
	}
	return nil, nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// checker records the first missing or malformed field of a message.
type checker struct{ err *Error }

func (c *checker) fail(path string, err error) {
	if c.err == nil {
		c.err = &Error{Field: path, Offset: -1, Err: err}
	}
}

func (c *checker) str(path, v string) {
	if v == "" {
		c.fail(path, ErrMissing)
	}
}

// time checks a timestamp; an empty one is missing when required and
// absent otherwise.
func (c *checker) time(path string, t Timestamp, required bool) {
	if t == "" {
		if required {
			c.fail(path, ErrMissing)
		}
		return
	}
	if _, err := t.Time(); err != nil {
		c.fail(path, err)
	}
}

// present reports whether a block (notificationInfo, orderInfo, ...) has
// any field set, recording it as missing when it has none.
func (c *checker) present(path string, v any) bool {
	if reflect.ValueOf(v).IsZero() {
		c.fail(path, ErrMissing)
		return false
	}
	return true
}

func (c *checker) info(i NotificationInfo, typ string) {
	if !c.present("notificationInfo", i) {
		return
	}
	c.str("notificationInfo.notificationType", i.NotificationType)
	if i.NotificationType != "" && i.NotificationType != typ {
		c.fail("notificationInfo.notificationType", fmt.Errorf("%q in a %s", i.NotificationType, typ))
	}
	c.str("notificationInfo.lwaClientId", i.LWAClientID)
	c.time("notificationInfo.notificationTime", i.NotificationTime, true)
	c.str("notificationInfo.notificationId", i.NotificationID)
	c.str("notificationInfo.version", i.Version)
}

func (c *checker) device(d DeviceInfo) {
	if !c.present("deviceInfo", d) {
		return
	}
	c.str("deviceInfo.deviceIdentifier.serialNumber", d.DeviceIdentifier.SerialNumber)
	c.str("deviceInfo.productIdentifier.modelId", d.ProductIdentifier.ModelID)
}

func (c *checker) customer(ci CustomerInfo) {
	if c.present("customerInfo", ci) {
		c.str("customerInfo.directedCustomerId", ci.DirectedCustomerID)
	}
}

func (c *checker) orderV1(o OrderInfoV1) {
	if !c.present("orderInfo", o) {
		return
	}
	c.str("orderInfo.instanceId", o.InstanceID)
	c.str("orderInfo.slotId", o.SlotID)
	c.time("orderInfo.estimatedDeliveryDate", o.EstimatedDeliveryDate, false)
}

func (c *checker) orderV2(o OrderInfoV2) {
	if !c.present("orderInfo", o) {
		return
	}
	c.str("orderInfo.instanceId", o.InstanceID)
	c.str("orderInfo.slotId", o.SlotID)
	for i, p := range o.ProductInfo {
		c.time(fmt.Sprintf("orderInfo.productInfo[%d].estimatedDeliveryDate", i), p.EstimatedDeliveryDate, false)
	}
}

func (n *OrderPlacedV1) validate() *Error {
	var c checker
	c.info(n.NotificationInfo, TypeOrderPlaced)
	c.device(n.DeviceInfo)
	c.customer(n.CustomerInfo)
	c.orderV1(n.OrderInfo)
	return c.err
}

func (n *OrderPlacedV2) validate() *Error {
	var c checker
	c.info(n.NotificationInfo, TypeOrderPlaced)
	c.device(n.DeviceInfo)
	c.customer(n.CustomerInfo)
	c.orderV2(n.OrderInfo)
	return c.err
}

func (n *OrderCancelled) validate() *Error {
	var c checker
	c.info(n.NotificationInfo, TypeOrderCancelled)
	c.device(n.DeviceInfo)
	c.customer(n.CustomerInfo)
	if c.present("orderInfo", n.OrderInfo) {
		c.str("orderInfo.instanceId", n.OrderInfo.InstanceID)
		c.str("orderInfo.slotId", n.OrderInfo.SlotID)
	}
	return c.err
}

func (n *DeviceRegistered) validate() *Error {
	var c checker
	c.info(n.NotificationInfo, TypeDeviceRegistered)
	c.device(n.DeviceInfo)
	c.customer(n.CustomerInfo)
	return c.err
}

func (n *DeviceDeregistered) validate() *Error {
	var c checker
	c.info(n.NotificationInfo, TypeDeviceDeregistered)
	c.device(n.DeviceInfo)
	c.customer(n.CustomerInfo)
	return c.err
}

func (n *SubscriptionChangedV1) validate() *Error {
	var c checker
	c.info(n.NotificationInfo, TypeSubscriptionChanged)
	c.device(n.DeviceInfo)
	c.present("subscriptionInfo", n.SubscriptionInfo)
	c.customer(n.CustomerInfo)
	return c.err
}

func (n *SubscriptionChangedV2) validate() *Error {
	var c checker
	c.info(n.NotificationInfo, TypeSubscriptionChanged)
	c.device(n.DeviceInfo)
	c.present("subscriptionInfo", n.SubscriptionInfo)
	c.customer(n.CustomerInfo)
	return c.err
}

func (n *ItemShippedV1) validate() *Error {
	var c checker
	c.info(n.NotificationInfo, TypeItemShipped)
	c.device(n.DeviceInfo)
	c.customer(n.CustomerInfo)
	c.orderV1(n.OrderInfo)
	return c.err
}

func (n *ItemShippedV2) validate() *Error {
	var c checker
	c.info(n.NotificationInfo, TypeItemShipped)
	c.device(n.DeviceInfo)
	c.customer(n.CustomerInfo)
	c.orderV2(n.OrderInfo)
	return c.err
}
