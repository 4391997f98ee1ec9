//go:build !decodeonly

package main

// commands are the subcommands of the full binary.
func commands() []command {
	return []command{
		{"validate", "check serials from lists, CSV files, label images, PDFs and ZPL/EPL/TSPL print files against the rules", runValidate},
		{"rules", "work with rules files: rules check RULES.yaml", runRules},
		{"decode", "find and print every barcode in images and PDF label files", runDecode},
		{"demo", "run a station with everything built in: simulated scans, the operator screen, a temporary store", runDemo},
		{"station", "run a station: scan, judge, record durably, post pre-registration events", runStation},
		{"history", "print the record of scans from a store", runHistory},
		{"events", "print the outbox: each event and its delivery state per sink", runEvents},
		{"report", "write the packaging line's report from the record: html, csv or json", runReport},
		{"scan", "print each scan from a scanner, camera, capture or simulator as it arrives", runScan},
		{"labels", "labels inspect FILE...: list the barcodes and text ZPL, EPL and TSPL print files would print", runLabels},
		{"capture", "record what a scanner sends, with timestamps, for replay", runCapture},
		{"sandbox", "serve a local DRS pre-registration token endpoint (/auth/o2/token) for manufacturers' QA", runSandbox},
		{"receive", "serve an SNS endpoint for DRS notifications: verify, parse, dedup, journal, push-flow tokens", runReceive},
		{"certify", "run the pre-registration chain end to end (station → SNS → receiver → token exchange) and print a checklist", runCertify},
		{"version", "print the version", runVersion},
	}
}
