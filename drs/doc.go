// Package drs is the Amazon Dash Replenishment (DRS) wire contract: the
// notification messages DRS sends through Amazon SNS (OrderPlaced v1 and v2,
// OrderCancelled, DeviceRegistered, DeviceDeregistered, SubscriptionChanged
// v1 and v2, ItemShipped v1 and v2), the SNS HTTP envelope that carries
// them, and the pre-registration token-exchange request and response.
//
// The field names and shapes are those of the DRS developer pages
// "Notification Messages (DRS)" and "Integrating Pre-registration" (both
// last updated Aug 07, 2018). Their JSON examples, copied and where broken
// repaired, are in testdata, with a README saying what was repaired; the
// tests take their truth from those files.
//
// The station uses the package to build the DeviceRegisteredNotification
// of a pre-registered box (RegistrationEvent); sinks use it to wrap an
// event in an SNS envelope (NotificationEnvelope, Envelope.Sign);
// receivers and tests use DecodeEnvelope, Envelope.Verify and Decode.
//
// # Versions
//
// A notification's version is carried outside its body, in the SNS message
// attribute "version" (MessageAttributes). The pages print that attribute
// only for the v2 messages, as "2.0"; v1 messages predate it. So
// MessageAttributes gives {"version": {"Type": "String", "Value": "2.0"}}
// for a v2 notification and no attributes for a v1 one, and Decode reads a
// missing version as "infer it from the body's shape", which for a body
// that could be either is v1.
//
// A body whose shape shows the other version than the attribute gives is
// refused (ErrVersionMismatch): read as v1, a v2 order would silently lose
// its ASINs and delivery dates.
//
// The notificationInfo.version field ("2015-06-05", SchemaVersion) is
// something else: the schema date every documented notification carries.
//
// # Decoding
//
// Decoders ignore keys they do not know, so that a field DRS adds later does
// not stop a receiver, but refuse a known key spelled in another case
// (encoding/json would silently accept "ModelId" for "modelId"), missing
// identity fields (notificationId, serialNumber, modelId, ...), and
// timestamps that are not RFC 3339. Every error is an *Error naming the
// JSON path of the field and, when it has one, the byte offset.
//
// # Notification IDs
//
// The pages show notificationId values only masked
// ("amzn1.dash.notification.v1.xxxxxxxxxxxxx13") and define no format; that
// namespace is Amazon's. The station's notifications carry a name-based
// UUID (RFC 9562 version 5) of the manufacturer, model, serial and
// registration time (to the millisecond): see NotificationID. The same
// registration always yields the same ID, so a redelivery, or an event
// rebuilt after a restart, is dropped by a receiver that has seen it.
package drs
