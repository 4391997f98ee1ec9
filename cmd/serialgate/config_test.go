//go:build !decodeonly

package main

import (
	"strings"
	"testing"
)

func TestStationConfig(t *testing.T) {
	good := write(t, "station.yaml", `station: bench-1
line: L1
workflow: prereg
rules: rules.yaml
manifest: orders.csv
sources: ["serial:/dev/ttyACM0?suffix=cr", "sim:demo.txt?rate=5"]
store: sqlite:/var/lib/serialgate/station.db
listen: 127.0.0.1:8080
duplicates: {policy: rescan, window: 10s}
sinks:
  - {name: acme, type: sns, topic: "arn:aws:sns:us-east-1:000000000000:acme", manufacturers: [Acme Devices]}
  - {name: log, type: file, url: events.jsonl}
`)
	c, err := loadStationConfig(good)
	if err != nil {
		t.Fatal(err)
	}
	if c.Station != "bench-1" || c.Workflow != "prereg" || len(c.Sources) != 2 || c.Duplicates.Policy != "rescan" ||
		c.Duplicates.Window.Seconds() != 10 || len(c.Sinks) != 2 || c.Sinks[0].Manufacturers[0] != "Acme Devices" {
		t.Errorf("%+v", c)
	}
	bad := write(t, "bad.yaml", `station: bench-1
workflow: ship
sources: ["serail:/dev/x"]
store: mysql://x
colour: red
duplicates: {policy: reject, window: soon}
sinks:
  - {name: a, type: sns}
  - {name: b, type: carrier-pigeon}
`)
	_, err = loadStationConfig(bad)
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		`bad.yaml:2:11: workflow: "ship": want verify, prereg`,
		`bad.yaml:3:11: source: unknown source "serail:/dev/x"`,
		`bad.yaml:4:8: store: want sqlite:PATH or postgres://`,
		`bad.yaml:5:1: unknown key "colour" in station config`,
		`bad.yaml:6:38: duplicates.window: "soon"`,
		`bad.yaml:8:5: sink a: an sns sink needs topic`,
		`bad.yaml:9:21: sink type: "carrier-pigeon"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}
