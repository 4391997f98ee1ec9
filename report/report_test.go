package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/serialgate/serialgate"
)

var verdicts = []serialgate.Verdict{
	{Serial: "AC2000000001", Model: "acme", OK: true},
	{Serial: "AC2 ", Model: "acme", Reason: serialgate.ReasonTooLong, Pos: 4, Message: "too long: extra space at position 4"},
	{Serial: "ZZ", Reason: serialgate.ReasonNoMatch, Message: "matches no model's serial pattern"},
}

func write(t *testing.T, format string) string {
	t.Helper()
	var b bytes.Buffer
	w, err := New(format, &b)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range verdicts {
		if err := w.Write("list.txt", i+1, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestText(t *testing.T) {
	want := "list.txt:1: ok AC2000000001 (acme)\n" +
		"list.txt:2: REJECT \"AC2 \" (acme): too long: extra space at position 4\n" +
		"list.txt:3: REJECT ZZ: matches no model's serial pattern\n"
	if got := write(t, "text"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestJSONL(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(write(t, "jsonl")), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	var rec struct {
		Serial string    `json:"serial"`
		Models *[]string `json:"models"`
		OK     bool      `json:"ok"`
		Reason string    `json:"reason"`
		Code   string    `json:"code"`
		Pos    int       `json:"pos"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &rec); err != nil || rec.Code != "too_long" || rec.Pos != 4 || rec.OK || rec.Models != nil {
		t.Errorf("line 2: %+v %v", rec, err)
	}
	rec.Models = nil
	if err := json.Unmarshal([]byte(lines[2]), &rec); err != nil || rec.Models == nil || len(*rec.Models) != 0 || rec.Code != "no_match" {
		t.Errorf("line 3: %s", lines[2])
	}
}

func TestCSV(t *testing.T) {
	want := "file,line,serial,model,ok,reason,code,pos\n" +
		"list.txt,1,AC2000000001,acme,true,,,\n" +
		"list.txt,2,AC2 ,acme,false,too long: extra space at position 4,too_long,4\n" +
		"list.txt,3,ZZ,,false,matches no model's serial pattern,no_match,\n"
	if got := write(t, "csv"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestJUnit(t *testing.T) {
	var doc junitSuites
	if err := xml.Unmarshal([]byte(write(t, "junit")), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 3 || doc.Failures != 2 || len(doc.Suites) != 1 || doc.Suites[0].Cases[1].Failure.Type != "too_long" {
		t.Errorf("%+v", doc)
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := New("xml", &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "text, jsonl, csv, junit") {
		t.Errorf("got %v", err)
	}
}
