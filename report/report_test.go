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

// TestHostileNames: a file name with a newline and escape codes cannot
// forge an ok line or reach the terminal; spreadsheet formulas and control
// characters do not pass through CSV; JSON keeps the exact bytes of a
// serial that is not UTF-8.
func TestHostileNames(t *testing.T) {
	file := "x.txt:1: ok AC2000000001 (acme)\n\x1b]0;pwned\x07"
	v := serialgate.Verdict{Serial: "=HYPERLINK(\"http://x\")", Model: "acme", Reason: serialgate.ReasonNoMatch, Message: "no"}
	var b bytes.Buffer
	w, _ := New("text", &b)
	w.Write(file, 1, v)
	w.Close()
	if strings.Count(b.String(), "\n") != 1 || strings.ContainsAny(b.String(), "\x1b\x07") {
		t.Errorf("text: %q", b.String())
	}
	b.Reset()
	w, _ = New("csv", &b)
	w.Write(file, 1, v)
	w.Write("ok.txt", 2, serialgate.Verdict{Serial: "AC\x1b[31m", Model: "@SUM(A1)", OK: true})
	w.Close()
	out := b.String()
	if strings.ContainsAny(out, "\x1b\x07") || strings.Contains(out, ",=HYPERLINK") || strings.Contains(out, ",@SUM") || !strings.Contains(out, "'=HYPERLINK") {
		t.Errorf("csv: %q", out)
	}
	b.Reset()
	w, _ = New("jsonl", &b)
	w.Write("f", 1, serialgate.Verdict{Serial: "A\xff"})
	w.Write("f", 2, serialgate.Verdict{Serial: "A\xfe"})
	w.Close()
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 2 || lines[0] == lines[1] || !strings.Contains(lines[0], `"serial_hex":"41ff"`) {
		t.Errorf("jsonl: %q", lines)
	}
}

func TestWriteSummary(t *testing.T) {
	s := Summary{Checked: 3, Valid: 2, Invalid: 1}
	for _, format := range Formats {
		var b bytes.Buffer
		if err := WriteSummary(&b, format, s); err != nil {
			t.Fatal(err)
		}
		switch format {
		case "jsonl":
			var got Summary
			if err := json.Unmarshal(b.Bytes(), &struct {
				Checked *int `json:"checked"`
				Valid   *int `json:"valid"`
				Invalid *int `json:"invalid"`
			}{&got.Checked, &got.Valid, &got.Invalid}); err != nil || got != s {
				t.Errorf("jsonl: %q %v", b.String(), err)
			}
		case "junit":
			var doc junitSuites
			if err := xml.Unmarshal(b.Bytes(), &doc); err != nil || doc.Tests != 3 || doc.Failures != 1 {
				t.Errorf("junit: %q %v", b.String(), err)
			}
		case "csv":
			if b.String() != "checked,valid,invalid\n3,2,1\n" {
				t.Errorf("csv: %q", b.String())
			}
		case "text":
			if b.String() != "3 checked, 2 valid, 1 invalid\n" {
				t.Errorf("text: %q", b.String())
			}
		}
	}
}

func FuzzText(f *testing.F) {
	f.Add("list.txt", "AC2000000001", "acme", "no")
	f.Fuzz(func(t *testing.T, file, serial, model, msg string) {
		var b bytes.Buffer
		w, _ := New("text", &b)
		w.Write(file, 1, serialgate.Verdict{Serial: serial, Model: model, Message: msg})
		w.Close()
		out := b.String()
		if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
			t.Fatalf("%q is not one line", out)
		}
		for _, r := range out[:len(out)-1] {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("control character %U in %q", r, out)
			}
		}
	})
}
