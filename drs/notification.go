package drs

import (
	"fmt"
	"time"
)

// The notificationType of each notification.
const (
	TypeOrderPlaced         = "OrderPlacedNotification"
	TypeOrderCancelled      = "OrderCancelledNotification"
	TypeDeviceRegistered    = "DeviceRegisteredNotification"
	TypeDeviceDeregistered  = "DeviceDeregisteredNotification"
	TypeSubscriptionChanged = "SubscriptionChangedNotification"
	TypeItemShipped         = "ItemShippedNotification"
)

// The message versions, as the SNS message attribute "version" carries them.
const (
	V1 = "1.0"
	V2 = "2.0"
)

// SchemaVersion is the notificationInfo.version of every documented
// notification, v1 and v2 alike.
const SchemaVersion = "2015-06-05"

// versions lists the message versions of each notification type.
var versions = map[string][]string{
	TypeOrderPlaced:         {V1, V2},
	TypeOrderCancelled:      {V1},
	TypeDeviceRegistered:    {V1},
	TypeDeviceDeregistered:  {V1},
	TypeSubscriptionChanged: {V1, V2},
	TypeItemShipped:         {V1, V2},
}

// Notification is one of the notification types of this package:
// *OrderPlacedV1, *OrderPlacedV2, *OrderCancelled, *DeviceRegistered,
// *DeviceDeregistered, *SubscriptionChangedV1, *SubscriptionChangedV2,
// *ItemShippedV1 or *ItemShippedV2. The list is closed: the interface has
// an unexported method, so that Encode and Decode know every shape.
type Notification interface {
	// Info returns the notificationInfo block.
	Info() NotificationInfo
	// MessageVersion is the version the SNS message attribute carries, V1
	// or V2.
	MessageVersion() string
	// validate reports the first missing or malformed field.
	validate() *Error
}

// Timestamp is a time as DRS writes it, RFC 3339
// ("2015-10-01T02:23:52.747Z", "2016-12-09T07:59:59Z"). It keeps the text it
// was decoded from, so that a notification re-encodes as it came.
type Timestamp string

// FormatTime writes t the way DRS writes notificationTime: RFC 3339 in UTC
// with milliseconds, 2015-10-01T02:23:52.747Z.
func FormatTime(t time.Time) Timestamp {
	return Timestamp(t.UTC().Format("2006-01-02T15:04:05.000Z"))
}

// Time parses the timestamp.
func (t Timestamp) Time() (time.Time, error) {
	v, err := time.Parse(time.RFC3339, string(t))
	if err != nil {
		return time.Time{}, fmt.Errorf("not an RFC 3339 time: %w", err)
	}
	return v, nil
}

// NotificationInfo is the notificationInfo block every notification starts with.
type NotificationInfo struct {
	NotificationType string    `json:"notificationType"`
	LWAClientID      string    `json:"lwaClientId"`
	NotificationTime Timestamp `json:"notificationTime"`
	NotificationID   string    `json:"notificationId"`
	Version          string    `json:"version"` // SchemaVersion
}

// DeviceInfo names the device: its serial number (the DSN printed on the
// box) and its model.
type DeviceInfo struct {
	DeviceIdentifier  DeviceIdentifier  `json:"deviceIdentifier"`
	ProductIdentifier ProductIdentifier `json:"productIdentifier"`
}

// DeviceIdentifier holds the device serial number.
type DeviceIdentifier struct {
	SerialNumber string `json:"serialNumber"`
}

// ProductIdentifier holds the device model.
type ProductIdentifier struct {
	ModelID string `json:"modelId"`
}

// CustomerInfo names the Amazon customer.
type CustomerInfo struct {
	DirectedCustomerID string `json:"directedCustomerId"`
}

// OrderInfoV1 is the orderInfo of OrderPlaced and ItemShipped v1: one
// estimated delivery date for the order, products without ASINs.
type OrderInfoV1 struct {
	InstanceID            string          `json:"instanceId"`
	SlotID                string          `json:"slotId"`
	ProductInfo           []ProductInfoV1 `json:"productInfo"`
	EstimatedDeliveryDate Timestamp       `json:"estimatedDeliveryDate,omitempty"`
}

// ProductInfoV1 is a product of a v1 order.
type ProductInfoV1 struct {
	Quantity float64 `json:"quantity"`
	Unit     string  `json:"unit"`
}

// OrderInfoV2 is the orderInfo of OrderPlaced and ItemShipped v2: the ASIN
// and estimated delivery date moved into each product.
type OrderInfoV2 struct {
	InstanceID  string          `json:"instanceId"`
	SlotID      string          `json:"slotId"`
	ProductInfo []ProductInfoV2 `json:"productInfo"`
}

// ProductInfoV2 is a product of a v2 order.
type ProductInfoV2 struct {
	Quantity              float64   `json:"quantity"`
	Unit                  string    `json:"unit"`
	ASIN                  string    `json:"asin"`
	EstimatedDeliveryDate Timestamp `json:"estimatedDeliveryDate,omitempty"`
}

// OrderRef is the orderInfo of OrderCancelled: which order, nothing more.
type OrderRef struct {
	InstanceID string `json:"instanceId"`
	SlotID     string `json:"slotId"`
}

// SubscriptionInfoV1 maps each slot ID to whether the customer is subscribed.
type SubscriptionInfoV1 struct {
	SlotsSubscriptionStatus map[string]bool `json:"slotsSubscriptionStatus"`
}

// SubscriptionInfoV2 maps each slot ID to its subscription and products.
type SubscriptionInfoV2 struct {
	SlotsSubscriptionStatus map[string]SlotStatus `json:"slotsSubscriptionStatus"`
}

// SlotStatus is one slot of SubscriptionChanged v2. Products listed with
// Subscribed false are those the customer was subscribed with before.
type SlotStatus struct {
	Subscribed      bool          `json:"subscribed"`
	ProductInfoList []SlotProduct `json:"productInfoList"`
}

// SlotProduct is a product of a slot in SubscriptionChanged v2.
type SlotProduct struct {
	Quantity float64 `json:"quantity"`
	Unit     string  `json:"unit"`
	ASIN     string  `json:"asin"`
}

// OrderPlacedV1 is an OrderPlacedNotification, version 1.0.
type OrderPlacedV1 struct {
	NotificationInfo NotificationInfo `json:"notificationInfo"`
	DeviceInfo       DeviceInfo       `json:"deviceInfo"`
	CustomerInfo     CustomerInfo     `json:"customerInfo"`
	OrderInfo        OrderInfoV1      `json:"orderInfo"`
}

// OrderPlacedV2 is an OrderPlacedNotification, version 2.0.
type OrderPlacedV2 struct {
	NotificationInfo NotificationInfo `json:"notificationInfo"`
	DeviceInfo       DeviceInfo       `json:"deviceInfo"`
	CustomerInfo     CustomerInfo     `json:"customerInfo"`
	OrderInfo        OrderInfoV2      `json:"orderInfo"`
}

// OrderCancelled is an OrderCancelledNotification.
type OrderCancelled struct {
	NotificationInfo NotificationInfo `json:"notificationInfo"`
	DeviceInfo       DeviceInfo       `json:"deviceInfo"`
	CustomerInfo     CustomerInfo     `json:"customerInfo"`
	OrderInfo        OrderRef         `json:"orderInfo"`
}

// DeviceRegistered is a DeviceRegisteredNotification: sent when a customer
// completes LWA, and for a pre-registered device when its box is scanned.
type DeviceRegistered struct {
	NotificationInfo NotificationInfo `json:"notificationInfo"`
	DeviceInfo       DeviceInfo       `json:"deviceInfo"`
	CustomerInfo     CustomerInfo     `json:"customerInfo"`
}

// DeviceDeregistered is a DeviceDeregisteredNotification.
type DeviceDeregistered struct {
	NotificationInfo NotificationInfo `json:"notificationInfo"`
	DeviceInfo       DeviceInfo       `json:"deviceInfo"`
	CustomerInfo     CustomerInfo     `json:"customerInfo"`
}

// SubscriptionChangedV1 is a SubscriptionChangedNotification, version 1.0.
type SubscriptionChangedV1 struct {
	NotificationInfo NotificationInfo   `json:"notificationInfo"`
	DeviceInfo       DeviceInfo         `json:"deviceInfo"`
	SubscriptionInfo SubscriptionInfoV1 `json:"subscriptionInfo"`
	CustomerInfo     CustomerInfo       `json:"customerInfo"`
}

// SubscriptionChangedV2 is a SubscriptionChangedNotification, version 2.0.
type SubscriptionChangedV2 struct {
	NotificationInfo NotificationInfo   `json:"notificationInfo"`
	DeviceInfo       DeviceInfo         `json:"deviceInfo"`
	SubscriptionInfo SubscriptionInfoV2 `json:"subscriptionInfo"`
	CustomerInfo     CustomerInfo       `json:"customerInfo"`
}

// ItemShippedV1 is an ItemShippedNotification, version 1.0.
type ItemShippedV1 struct {
	NotificationInfo NotificationInfo `json:"notificationInfo"`
	DeviceInfo       DeviceInfo       `json:"deviceInfo"`
	CustomerInfo     CustomerInfo     `json:"customerInfo"`
	OrderInfo        OrderInfoV1      `json:"orderInfo"`
}

// ItemShippedV2 is an ItemShippedNotification, version 2.0. (The page's
// example prints orderInfo inside customerInfo; everywhere else, and here,
// it sits beside it.)
type ItemShippedV2 struct {
	NotificationInfo NotificationInfo `json:"notificationInfo"`
	DeviceInfo       DeviceInfo       `json:"deviceInfo"`
	CustomerInfo     CustomerInfo     `json:"customerInfo"`
	OrderInfo        OrderInfoV2      `json:"orderInfo"`
}

func (n *OrderPlacedV1) Info() NotificationInfo         { return n.NotificationInfo }
func (n *OrderPlacedV2) Info() NotificationInfo         { return n.NotificationInfo }
func (n *OrderCancelled) Info() NotificationInfo        { return n.NotificationInfo }
func (n *DeviceRegistered) Info() NotificationInfo      { return n.NotificationInfo }
func (n *DeviceDeregistered) Info() NotificationInfo    { return n.NotificationInfo }
func (n *SubscriptionChangedV1) Info() NotificationInfo { return n.NotificationInfo }
func (n *SubscriptionChangedV2) Info() NotificationInfo { return n.NotificationInfo }
func (n *ItemShippedV1) Info() NotificationInfo         { return n.NotificationInfo }
func (n *ItemShippedV2) Info() NotificationInfo         { return n.NotificationInfo }

func (n *OrderPlacedV1) MessageVersion() string         { return V1 }
func (n *OrderPlacedV2) MessageVersion() string         { return V2 }
func (n *OrderCancelled) MessageVersion() string        { return V1 }
func (n *DeviceRegistered) MessageVersion() string      { return V1 }
func (n *DeviceDeregistered) MessageVersion() string    { return V1 }
func (n *SubscriptionChangedV1) MessageVersion() string { return V1 }
func (n *SubscriptionChangedV2) MessageVersion() string { return V2 }
func (n *ItemShippedV1) MessageVersion() string         { return V1 }
func (n *ItemShippedV2) MessageVersion() string         { return V2 }

// newNotification returns an empty value of the Go type for a
// notificationType and message version, or nil when there is none.
func newNotification(typ, version string) Notification {
	switch version {
	case V1:
		switch typ {
		case TypeOrderPlaced:
			return new(OrderPlacedV1)
		case TypeOrderCancelled:
			return new(OrderCancelled)
		case TypeDeviceRegistered:
			return new(DeviceRegistered)
		case TypeDeviceDeregistered:
			return new(DeviceDeregistered)
		case TypeSubscriptionChanged:
			return new(SubscriptionChangedV1)
		case TypeItemShipped:
			return new(ItemShippedV1)
		}
	case V2:
		switch typ {
		case TypeOrderPlaced:
			return new(OrderPlacedV2)
		case TypeSubscriptionChanged:
			return new(SubscriptionChangedV2)
		case TypeItemShipped:
			return new(ItemShippedV2)
		}
	}
	return nil
}

// Attribute is an SNS message attribute as the HTTP/HTTPS JSON message
// carries it: a data type ("String", "String.Array", "Number", "Binary")
// and the value as a string.
type Attribute struct {
	Type  string `json:"Type"`
	Value string `json:"Value"`
}

// MessageAttributes returns the SNS message attributes a notification of
// the type and version is published with: {"version": {"Type": "String",
// "Value": "2.0"}} for v2, none (nil) for v1, whose messages the pages show
// without attributes. It fails for a type or version DRS does not document.
func MessageAttributes(notificationType, version string) (map[string]Attribute, error) {
	if newNotification(notificationType, version) == nil {
		if _, ok := versions[notificationType]; !ok {
			return nil, fmt.Errorf("message attributes of %q: %w", notificationType, ErrUnknownType)
		}
		return nil, fmt.Errorf("message attributes of %s version %q: %w", notificationType, version, ErrUnknownVersion)
	}
	if version == V1 {
		return nil, nil
	}
	return map[string]Attribute{"version": {Type: "String", Value: version}}, nil
}
