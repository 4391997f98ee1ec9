package labels_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/serialgate/serialgate/labels"
)

// serializedJob is a 10,000-label ZPL job: one device box format with ^SN
// serials in a Code 128, a Data Matrix and a text field, ^PQ10000, and
// 100 plain labels beside it.
func serializedJob() []byte {
	var b strings.Builder
	b.WriteString("^XA^FO40,30^A0N,28,28^FDAcme Smart Plug S2^FS\n" +
		"^FO40,80^BY2^BCN,90,Y,N,N^SNASP2-0000000001,1,Y^FS\n" +
		"^FO40,200^A0N,24,24^SNASP2-0000000001,1,Y^FS\n" +
		"^FO400,80^BXN,6,200^FD~10104012345678901~121ASP2-^FS\n" +
		"^PQ9900^XZ\n")
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "^XA^FO40,80^BCN,90,Y,N,N^FD>;>80104012345678901>621ASP2-%010d^FS^XZ\n", 9901+i)
	}
	return []byte(b.String())
}

func BenchmarkZPLSerialized(b *testing.B) {
	data := serializedJob()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		job, err := labels.ParseZPL("bench.zpl", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		if err := job.Each(func(f labels.Field) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		if job.Count() != 10000 || n != 9900*4+100 {
			b.Fatalf("%d labels, %d fields", job.Count(), n)
		}
	}
}
