// Package serialgate holds the vocabulary shared by the station's packages:
// scans, barcodes, verdicts and the small interfaces the pipeline consumes.
// It imports only the standard library so every other package can speak it.
package serialgate

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Version is the release of this build; cmd/serialgate prints it.
var Version = "0.1.0-dev"

// Symbology names a barcode symbology the way zxing names its formats
// ("CODE_128", "DATA_MATRIX", "QR_CODE", ...). The empty value means unknown,
// as for a serial typed into a list file.
type Symbology string

// The symbologies, named as zxing names them.
const (
	Aztec      Symbology = "AZTEC"
	Codabar    Symbology = "CODABAR"
	Code39     Symbology = "CODE_39"
	Code93     Symbology = "CODE_93"
	Code128    Symbology = "CODE_128"
	DataMatrix Symbology = "DATA_MATRIX"
	EAN8       Symbology = "EAN_8"
	EAN13      Symbology = "EAN_13"
	ITF        Symbology = "ITF"
	MicroQR    Symbology = "MICRO_QR_CODE" // zxing-cpp's MicroQRCode
	// MicroPDF417 (ISO/IEC 24728), which neither zxing nor zxing-cpp
	// reads, is named in their style after PDF_417 and MICRO_QR_CODE;
	// "MicroPDF417", as zint and scanner manuals write it, parses too.
	MicroPDF417 Symbology = "MICRO_PDF_417"
	PDF417      Symbology = "PDF_417"
	QRCode      Symbology = "QR_CODE"
	RSS14       Symbology = "RSS_14"
	UPCA        Symbology = "UPC_A"
	UPCE        Symbology = "UPC_E"
)

// Symbologies lists every symbology serialgate reads.
var Symbologies = []Symbology{Aztec, Codabar, Code39, Code93, Code128, DataMatrix, EAN8, EAN13, ITF, MicroPDF417, MicroQR, PDF417, QRCode, RSS14, UPCA, UPCE}

// ParseSymbology reads a symbology name, accepting zxing's names and
// common spellings: code128, QRCode, ean-13, qr, databar, datamatrix,
// MicroPDF417.
func ParseSymbology(name string) (Symbology, error) {
	key := strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToUpper(strings.TrimSpace(name)))
	switch key {
	case "QR":
		return QRCode, nil
	case "DATABAR":
		return RSS14, nil
	case "MICROQR":
		return MicroQR, nil
	case "MICROPDF":
		return MicroPDF417, nil
	}
	for _, s := range Symbologies {
		if strings.ReplaceAll(string(s), "_", "") == key {
			return s, nil
		}
	}
	return "", fmt.Errorf("unknown symbology %q", name)
}

// Scan is one read from a source: the bytes a scanner sent, a barcode a
// camera saw, or a line of a serial list.
type Scan struct {
	Time   time.Time
	Source string // where it came from: "serial:/dev/ttyACM0", "file.txt:12"
	Text   string // the data, without framing
	AIM    string // AIM symbology identifier such as "]C0", when known
	Raw    []byte // the bytes as received, framing included, when known
	// Picture names the picture of a label this scan was read from (a
	// camera frame, an image file); Label then holds every barcode read
	// off it, and the station picks the serial among them. A picture in
	// which nothing was read has an empty Label. Both are empty for a hand
	// scanner's scan, which is one barcode.
	Picture string
	Label   []Barcode
}

// Barcode is one symbol read from a label: found in an image by the decoder,
// or sent by a hand scanner. The decoder and the verdict speak this one type.
type Barcode struct {
	Text      string
	Raw       []byte // the symbol's bytes, when they differ from Text
	Symbology Symbology
	AIM       string // AIM symbology identifier, such as "]C1" or "]d2"
	// Sequence is set on one symbol of a structured-append series (QR Code,
	// Aztec): its text is only part of the message the series carries.
	Sequence *Sequence
}

// Sequence places a symbol in a structured-append series.
type Sequence struct {
	Index, Count int    // symbol Index of Count, from 1; Count 0 when the symbol does not say (Macro PDF417)
	ID           string // the series' identity: Aztec's and Macro PDF417's file ID, QR Code's parity byte
}

// Partial tells whether b is one symbol of a series of several, so that its
// text is not the whole message.
func (b Barcode) Partial() bool { return b.Sequence != nil && b.Sequence.Count != 1 }

// Reason is the machine-readable cause of a rejected serial. Programs
// compare reasons; people read a Verdict's Message.
type Reason uint8

// The reasons. ReasonNone is the reason of an accepted serial.
const (
	ReasonNone         Reason = iota
	ReasonNoMatch             // the serial does not match the pattern (no finer cause known)
	ReasonIncomplete          // the serial ends before the pattern is complete
	ReasonTooLong             // a complete serial is followed by more characters
	ReasonUnexpected          // a character the pattern does not allow at Pos
	ReasonEmpty               // an empty serial
	ReasonTimedOut            // a backtracking match ran out of time: always a reject
	ReasonWrongModel          // the serial belongs to another model's rule
	ReasonUnknownModel        // the model or ASIN asked for is not in the rules
	ReasonNoBarcode           // a label with no barcode at all
	ReasonNoSerial            // a label whose barcodes carry no serial for the model
	ReasonAmbiguous           // a label with more than one different serial
	ReasonDuplicate           // a serial already recorded
	ReasonStation             // a station's own reason (operator reject, device fault)
	ReasonNoOrder             // a device scanned before its order (pre-registration)
	ReasonOverScanned         // more devices scanned than the order holds
	ReasonStoreFailed         // the record could not be written: the scan is not accepted
	ReasonLocked              // the station is locked for a supervisor: the scan is not taken
	ReasonMalformed           // a label print file's label the printer cannot print as written
)

var reasonNames = [...]string{
	ReasonNone:         "",
	ReasonNoMatch:      "no_match",
	ReasonIncomplete:   "incomplete",
	ReasonTooLong:      "too_long",
	ReasonUnexpected:   "unexpected_character",
	ReasonEmpty:        "empty",
	ReasonTimedOut:     "timed_out",
	ReasonWrongModel:   "wrong_model",
	ReasonUnknownModel: "unknown_model",
	ReasonNoBarcode:    "no_barcode",
	ReasonNoSerial:     "no_serial",
	ReasonAmbiguous:    "ambiguous",
	ReasonDuplicate:    "duplicate",
	ReasonStation:      "station",
	ReasonNoOrder:      "no_order",
	ReasonOverScanned:  "over_scanned",
	ReasonStoreFailed:  "store_failed",
	ReasonLocked:       "locked",
	ReasonMalformed:    "malformed_label",
}

// String returns the reason's stable code, as written in reports and
// records: "incomplete", "unexpected_character", ... ("" for ReasonNone).
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason_%d", uint8(r))
}

// ParseReason reads a code written by Reason.String.
func ParseReason(code string) (Reason, error) {
	for i, n := range reasonNames {
		if n == code {
			return Reason(i), nil
		}
	}
	return 0, fmt.Errorf("unknown reason code %q", code)
}

// MarshalText writes the reason's code.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads a reason's code.
func (r *Reason) UnmarshalText(b []byte) error {
	v, err := ParseReason(string(b))
	*r = v
	return err
}

// Verdict is the outcome of checking one serial against the rules. A
// rejected serial is a verdict with OK false, a Reason programs compare and
// a Message an operator can act on; it is never an error.
type Verdict struct {
	Serial string
	// Model is the rule's model when the serial was checked against one
	// model; when it was matched against every rule, Models lists those it
	// matches.
	Model  string
	Models []string
	OK     bool
	Reason Reason
	// Pos is the 1-based character position the reason applies to (the
	// unexpected or first extra character), 0 when it applies to no one
	// character.
	Pos     int
	Message string // the reason in an operator's words
}

// Source yields scans until the context ends or the source fails.
type Source interface {
	Next(ctx context.Context) (Scan, error)
}

// SymbologyOfAIM names the symbology an AIM identifier ("]C0", "]d2", ...)
// stands for, or "" when it is unknown. EAN/UPC share ]E: ]E4 is EAN-8, the
// rest EAN-13 (UPC-A is an EAN-13 with a leading 0).
func SymbologyOfAIM(aim string) Symbology {
	if len(aim) < 3 || aim[0] != ']' {
		return ""
	}
	switch aim[1] {
	case 'A':
		return Code39
	case 'C':
		return Code128
	case 'd':
		return DataMatrix
	case 'E':
		if aim[2] == '4' {
			return EAN8
		}
		return EAN13
	case 'e':
		return RSS14
	case 'F':
		return Codabar
	case 'G':
		return Code93
	case 'I':
		return ITF
	case 'L':
		return PDF417
	case 'Q':
		return QRCode
	case 'z':
		return Aztec
	}
	return ""
}

// Barcode is what a hand scanner's scan says of the symbol it read: its
// text, with the symbology its AIM identifier names.
func (s Scan) Barcode() Barcode {
	return Barcode{Text: s.Text, Symbology: SymbologyOfAIM(s.AIM), AIM: s.AIM}
}

// Registration is one device pre-registered to a buyer: the serial of a
// box that passed its model's rule, scanned for an order.
type Registration struct {
	Serial       string
	Model        string // the device model (the rules file's model, DRS modelId)
	ASIN         string
	OrderID      string
	CustomerID   string // the buyer's directedCustomerId
	Manufacturer string // routes the event to the manufacturer's sinks
	LWAClientID  string // the manufacturer's Login with Amazon client
	Time         time.Time
}

// Event is a notification in the outbox: written with the scan that caused
// it, in one transaction, then delivered to every sink of its manufacturer
// at least once.
type Event struct {
	// ID is the notificationId: unique, and the same on every delivery of
	// the event, so that receivers drop redeliveries.
	ID           string
	Type         string // the notificationType, e.g. "DeviceRegisteredNotification"
	Version      string // the notification version, carried in SNS MessageAttributes
	Manufacturer string
	Time         time.Time
	Body         []byte // the notification's JSON, as sinks publish it
	RecordID     int64  // the scan record that caused it
}

// Publisher delivers events to one sink. A nil error means the sink
// acknowledged the event; only then is it marked sent.
type Publisher interface {
	Publish(ctx context.Context, e Event) error
}

// Delivery is an outbox event due for one sink, with what the earlier
// attempts to deliver it there left behind.
type Delivery struct {
	Event     Event
	Sink      string
	Attempts  int    // failed attempts so far
	LastError string // the last attempt's error, secrets removed
}

// Shown writes a serial so that invisible and look-alike characters show:
// as it stands when it is printable ASCII without spaces, else quoted with
// escapes.
func Shown(s string) string {
	for _, r := range s {
		if r >= utf8.RuneSelf || !unicode.IsPrint(r) || r == ' ' {
			return strconv.QuoteToASCII(s)
		}
	}
	if s == "" {
		return `""`
	}
	return s
}
