// Package serialgate holds the vocabulary shared by the station's packages:
// scans, barcodes, verdicts and the small interfaces the pipeline consumes.
// It imports only the standard library so every other package can speak it.
package serialgate

import (
	"context"
	"fmt"
	"strings"
	"time"
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
	QRCode     Symbology = "QR_CODE"
	RSS14      Symbology = "RSS_14"
	UPCA       Symbology = "UPC_A"
	UPCE       Symbology = "UPC_E"
)

// Symbologies lists every symbology serialgate reads.
var Symbologies = []Symbology{Aztec, Codabar, Code39, Code93, Code128, DataMatrix, EAN8, EAN13, ITF, QRCode, RSS14, UPCA, UPCE}

// ParseSymbology reads a symbology name, accepting zxing's names and
// common spellings: code128, QRCode, ean-13, qr, databar, datamatrix.
func ParseSymbology(name string) (Symbology, error) {
	key := strings.NewReplacer("_", "", "-", "", " ", "").Replace(strings.ToUpper(strings.TrimSpace(name)))
	switch key {
	case "QR":
		return QRCode, nil
	case "DATABAR":
		return RSS14, nil
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
}

// Barcode is one symbol found in an image.
type Barcode struct {
	Text      string
	Raw       []byte
	Symbology Symbology
	AIM       string
	// Partial is set on one symbol of a structured-append series (QR Code,
	// Aztec): its text is only part of the message the series carries.
	Partial bool
}

// Verdict is the outcome of checking one serial against the rules. A
// rejected serial is a verdict with OK false and a Reason an operator can
// act on; it is never an error.
type Verdict struct {
	Serial string
	// Model is the rule's model when the serial was checked against one
	// model; when it was matched against every rule, Models lists those it
	// matches.
	Model  string
	Models []string
	OK     bool
	Reason string
}

// Source yields scans until the context ends or the source fails.
type Source interface {
	Next(ctx context.Context) (Scan, error)
}
