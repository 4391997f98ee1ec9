// The data flows one way through the packages of this module:
//
//	scanner (bytes, keystrokes, frames) → decode (images → barcodes)
//	→ validate (barcode → serial → verdict) → record → publish → ui, report
//
// rules reads the manufacturers' rules files; validate compiles each rule's
// serial pattern into the fastest engine that gives its dialect's verdicts.
package serialgate
