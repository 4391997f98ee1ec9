package drs_test

import (
	"fmt"
	"log"
	"os"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/drs"
)

// A box that passed its model's rule was scanned for an order: the station
// writes this event to its outbox with the scan, in one transaction.
func ExampleRegistrationEvent() {
	ev, err := drs.RegistrationEvent(serialgate.Registration{
		Serial:       "G030QC0483560A1K",
		Model:        "DRS_Test_Device",
		ASIN:         "B01N1GLCMI",
		OrderID:      "111-2222222-3333333",
		CustomerID:   "amzn1.account.AHxxxxxxxxGA2O5Q",
		Manufacturer: "Acme",
		LWAClientID:  "amzn1.application-oa2-client.6b68exxxxxxxxxx9",
		Time:         time.Date(2015, 10, 1, 2, 23, 52, 747_300_000, time.UTC),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ev.ID)
	fmt.Println(ev.Type, ev.Version, ev.Manufacturer, ev.Time.Format(time.RFC3339Nano))
	fmt.Printf("%s\n", ev.Body)

	// A v1 notification is published without message attributes.
	attrs, _ := drs.MessageAttributes(ev.Type, ev.Version)
	fmt.Println(len(attrs))
	// Output:
	// 093ff7f2-75b8-577d-9e25-3cba11fd59f0
	// DeviceRegisteredNotification 1.0 Acme 2015-10-01T02:23:52.747Z
	// {"notificationInfo":{"notificationType":"DeviceRegisteredNotification","lwaClientId":"amzn1.application-oa2-client.6b68exxxxxxxxxx9","notificationTime":"2015-10-01T02:23:52.747Z","notificationId":"093ff7f2-75b8-577d-9e25-3cba11fd59f0","version":"2015-06-05"},"deviceInfo":{"deviceIdentifier":{"serialNumber":"G030QC0483560A1K"},"productIdentifier":{"modelId":"DRS_Test_Device"}},"customerInfo":{"directedCustomerId":"amzn1.account.AHxxxxxxxxGA2O5Q"}}
	// 0
}

// A receiver's SNS endpoint reads the posted body, checks the signature
// (Envelope.Verify, with the certificate fetched from SigningCertURL) and
// decodes the notification at the version its attributes give.
func ExampleDecodeEnvelope() {
	body, err := os.ReadFile("testdata/sns-notification-order-placed-v2.json")
	if err != nil {
		log.Fatal(err)
	}
	e, err := drs.DecodeEnvelope(body)
	if err != nil {
		log.Fatal(err)
	}
	n, err := e.Notification()
	if err != nil {
		log.Fatal(err)
	}
	switch n := n.(type) {
	case *drs.OrderPlacedV2:
		p := n.OrderInfo.ProductInfo[0]
		fmt.Println(n.NotificationInfo.NotificationType, n.MessageVersion(), n.DeviceInfo.DeviceIdentifier.SerialNumber, p.ASIN, p.EstimatedDeliveryDate)
	}
	// Output:
	// OrderPlacedNotification 2.0 mySerialNumber myAsinNumber 2016-12-09T07:59:59Z
}
