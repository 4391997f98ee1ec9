package main

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// The decode command's hand-written JSON is encoding/json's, byte for byte,
// for any record: strings with every kind of character, numbers of every
// size, the optional fields present or not.
func FuzzDecodeRecordJSON(f *testing.F) {
	f.Add("label.png", "SN-0001", "", "CODE_128", "]C0", 12.5, -0.25, 90, 3, int64(14), "", "", 0, 0)
	f.Add("a\x00b\u2028<&>\"\\\xff.png", "\b\f\n\r\t\x1f é 𝄞", "00ff", "QR_CODE", "", 1e-7, 3e21, -1, 0, int64(-5), "read image: bad", "file-id", 2, 7)
	f.Add("", "", "", "", "", 0.0, math.Copysign(0, -1), 0, 0, int64(0), "", "", 0, 0)
	f.Fuzz(func(t *testing.T, file, text, raw, format, aim string, x, y float64, angle, page int, ms int64, errText, id string, index, count int) {
		if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
			return // no decoded corner is
		}
		recs := []decodeRecord{
			{File: file, MS: ms, Error: errText},
			{File: file, Barcodes: []decodedBarcode{}, MS: ms},
			{File: file, MS: ms, Error: errText, Barcodes: []decodedBarcode{
				{Text: text, RawHex: raw, Format: format, AIM: aim, Corners: [][2]float64{{x, y}, {y, x}}, Angle: angle, Page: page},
				{Text: aim, Format: text, Corners: [][2]float64{}, Sequence: &sequence{Index: index, Count: count, ID: id}},
				{Text: file},
			}},
		}
		for _, rec := range recs {
			var want bytes.Buffer
			if err := json.NewEncoder(&want).Encode(rec); err != nil {
				t.Fatal(err)
			}
			if got := rec.appendJSON(nil); !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("appendJSON:\n got %s\nwant %s", got, want.Bytes())
			}
		}
	})
}
