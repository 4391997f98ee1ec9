// Package labels reads label print files (Zebra ZPL II, EPL2 and TSC
// TSPL/TSPL2) and tells what they would print: each label, each copy, and
// on it every barcode with the data its symbol carries, and every text
// field, so that a print job can be checked against the serial rules
// before it prints.
//
// Values are what a reader reports: printer escapes (ZPL ^FH hex, Code 128
// invocation codes, Data Matrix escapes, the QR mode prefix) are undone,
// a leading FNC1 is dropped (it marks GS1 data) and a later one is a GS
// (0x1D); check digits the printer adds (EAN/UPC, Code 39 mod 43 and ITF
// mod 10 when asked, GS1-128 SSCC in ^BC mode U) are included.
//
// Serialized fields (ZPL ^SN and ^SF, EPL2 form counters, TSPL counters)
// are expanded lazily
// by Job.Each, so a ^PQ of ten million costs no memory; Job.MaxLabels caps
// the labels expanded. See zpl.go for the reading of ^PQ replicates.
package labels
