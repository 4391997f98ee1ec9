//go:build !decodeonly

package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/record"
)

// The label-file cases live in testdata/labels/validate; their expected
// verdicts are written here by hand from the ZPL and TSPL manuals and the
// rules file, not from the parser's output.
const labelDir = "../../testdata/labels/validate/"

var labelRules = labelDir + "rules.yaml"

type labelLine struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Label     int    `json:"label"`
	Copy      int    `json:"copy"`
	Field     string `json:"field"`
	Symbology string `json:"symbology"`
	Value     string `json:"value"`
	Serial    string `json:"serial"`
	Model     string `json:"model"`
	OK        bool   `json:"ok"`
	Code      string `json:"code"`
	Reason    string `json:"reason"`
}

func validateJSONL(t *testing.T, args ...string) (int, []labelLine, string) {
	t.Helper()
	code, out, errs := run(t, "", append([]string{"validate", "--rules", labelRules, "--format", "jsonl"}, args...)...)
	var lines []labelLine
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var ll labelLine
		if err := json.Unmarshal([]byte(l), &ll); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		lines = append(lines, ll)
	}
	return code, lines, errs
}

// TestValidateSNRollover: ^SNTRK9997,1,Y over ^PQ4 prints TRK9997,
// TRK9998, TRK9999 and then rolls over to TRK0000 (the ZPL manual, ^SN:
// the field keeps its width), which tracker_t1's rule rejects.
func TestValidateSNRollover(t *testing.T) {
	code, lines, errs := validateJSONL(t, labelDir+"rollover.zpl")
	if code != exitInvalid || len(lines) != 4 {
		t.Fatalf("exit %d, %d lines, stderr %q", code, len(lines), errs)
	}
	want := []string{"TRK9997", "TRK9998", "TRK9999", "TRK0000"}
	for i, l := range lines {
		if l.Label != 1 || l.Copy != i+1 || l.Field != "2" || l.Symbology != "CODE_128" || l.Value != want[i] || l.Line != 0 {
			t.Errorf("line %d: %+v", i, l)
		}
		if l.OK != (i < 3) {
			t.Errorf("copy %d ok %v", i+1, l.OK)
		}
	}
	if lines[3].Code != "no_match" {
		t.Errorf("rolled over: %+v", lines[3])
	}
	code, lines, _ = validateJSONL(t, "--model", "tracker_t1", labelDir+"rollover.zpl")
	if code != exitInvalid || lines[3].Code != "unexpected_character" || !strings.Contains(lines[3].Reason, "position 4") {
		t.Errorf("--model: exit %d %+v", code, lines[3])
	}
}

// TestValidateDuplicateAndAmbiguous: label 3 repeats label 1's serial;
// label 4 carries two different serials of smart_plug_s2 and is
// rejected as ambiguous, not silently picked.
func TestValidateDuplicateAndAmbiguous(t *testing.T) {
	code, lines, _ := validateJSONL(t, labelDir+"dup_ambiguous.zpl")
	if code != exitInvalid || len(lines) != 4 {
		t.Fatalf("exit %d, %+v", code, lines)
	}
	if !lines[0].OK || !lines[1].OK {
		t.Errorf("labels 1, 2: %+v", lines[:2])
	}
	if d := lines[2]; d.OK || d.Code != "duplicate" || d.Serial != "ASP2-0000000001" || !strings.Contains(d.Reason, "label 1 copy 1 field 1") {
		t.Errorf("label 3: %+v", d)
	}
	if a := lines[3]; a.OK || a.Code != "ambiguous" || !strings.Contains(a.Reason, "ASP2-0000000003 in field 1") ||
		!strings.Contains(a.Reason, "ASP2-0000000004 in field 2") {
		t.Errorf("label 4: %+v", a)
	}
}

// TestValidateZPLField: hub_h1's rule names field 2 (^FN2) as the serial;
// field 1 also matches the rule but is not the serial, so the label is
// not ambiguous.
func TestValidateZPLField(t *testing.T) {
	for _, args := range [][]string{{}, {"--model", "hub_h1"}} {
		code, lines, errs := validateJSONL(t, append(args, labelDir+"hub_fn.zpl")...)
		if code != exitOK || len(lines) != 1 || lines[0].Field != "FN2" || lines[0].Serial != "HUB10000ABCD" || lines[0].Symbology != "CODE_39" {
			t.Errorf("%v: exit %d %+v %s", args, code, lines, errs)
		}
	}
	// A label without the named field says so.
	f := write(t, "nofield.zpl", "^XA^FO10,10^BCN,50^FDHUB10000ABCD^FS^XZ\n")
	code, lines, _ := validateJSONL(t, "--model", "hub_h1", f)
	if code != exitInvalid || len(lines) != 1 || lines[0].Code != "no_serial" || !strings.Contains(lines[0].Reason, "no field 2") {
		t.Errorf("exit %d %+v", code, lines)
	}
}

// TestValidateDuplicateInStore: a serial the store has seen pass is a
// duplicate, naming the station.
func TestValidateDuplicateInStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	ctx := context.Background()
	st, err := record.Open(ctx, "sqlite:"+db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Record(ctx, record.Scan{Station: "pack-3", Serial: "ASP2-0000000002", Model: "smart_plug_s2", OK: true,
		Time: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}, record.Policy{}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	code, lines, errs := validateJSONL(t, "--store", "sqlite:"+db, labelDir+"dup_ambiguous.zpl")
	if code != exitInvalid || len(lines) != 4 {
		t.Fatalf("exit %d %+v %s", code, lines, errs)
	}
	if l := lines[1]; l.OK || l.Code != "duplicate" || !strings.Contains(l.Reason, "station pack-3 at 2026-03-02T09:00:00Z") {
		t.Errorf("label 2: %+v", l)
	}
	if !lines[0].OK {
		t.Errorf("label 1: %+v", lines[0])
	}
}

// TestValidateRenderCheck: TSPL "39" prints lower case as given; a Code
// 39 reader not set up for full ASCII reads "+A" for "a".
func TestValidateRenderCheck(t *testing.T) {
	code, lines, errs := validateJSONL(t, "--render-check", labelDir+"render.tspl")
	if code != exitInvalid {
		t.Fatalf("exit %d %s", code, errs)
	}
	var flagged []labelLine
	for _, l := range lines {
		if strings.HasPrefix(l.Reason, "render check") {
			flagged = append(flagged, l)
		}
	}
	if len(flagged) != 1 || flagged[0].Symbology != "CODE_39" || flagged[0].Value != "asp2-0000000005" || !strings.Contains(flagged[0].Reason, "full ASCII") {
		t.Errorf("flagged %+v", flagged)
	}
	// Without --render-check the Code 128 serial passes and nothing is drawn.
	code, lines, _ = validateJSONL(t, labelDir+"render.tspl")
	if code != exitOK || len(lines) != 1 || lines[0].Serial != "ASP2-0000000006" {
		t.Errorf("exit %d %+v", code, lines)
	}
}

// TestValidateLabelFormats: the CSV gains the label columns, JUnit names
// the label, HTML escapes what the label prints.
func TestValidateLabelFormats(t *testing.T) {
	list := write(t, "s.txt", "ASP2-0000000009\n")
	code, out, errs := run(t, "", "validate", "--rules", labelRules, "--format", "csv", list, labelDir+"dup_ambiguous.zpl")
	if code != exitInvalid {
		t.Fatalf("exit %d %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"file", "line", "serial", "model", "ok", "reason", "code", "pos", "label", "copy", "field", "symbology", "value"}
	if strings.Join(rows[0], ",") != strings.Join(want, ",") || len(rows) != 6 {
		t.Fatalf("rows %q", rows)
	}
	if r := rows[1]; r[1] != "1" || r[8] != "" || r[4] != "true" {
		t.Errorf("list row %q", r)
	}
	if r := rows[4]; r[1] != "" || r[8] != "3" || r[9] != "1" || r[10] != "1" || r[11] != "CODE_128" || r[12] != "ASP2-0000000001" || r[6] != "duplicate" {
		t.Errorf("label row %q", r)
	}

	code, out, _ = run(t, "", "validate", "--rules", labelRules, "--format", "junit", labelDir+"dup_ambiguous.zpl")
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Type string `xml:"type,attr"`
					Text string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(out), &doc); err != nil || code != exitInvalid || doc.Tests != 4 || doc.Failures != 2 {
		t.Fatalf("junit: %v %d %q", err, code, out)
	}
	c := doc.Suites[0].Cases[3]
	if c.Name != `label 4 copy 1: ""` || c.Failure == nil || c.Failure.Type != "ambiguous" ||
		!strings.Contains(c.Failure.Text, "field 2 DATA_MATRIX ASP2-0000000004") {
		t.Errorf("junit case %+v", c)
	}

	code, out, _ = run(t, "", "validate", "--rules", labelRules, "--format", "html", labelDir+"script.zpl", labelDir+"rollover.zpl")
	if code != exitInvalid {
		t.Errorf("html exit %d", code)
	}
	for _, s := range []string{"<!DOCTYPE html>", "<style>", "@media print", "&lt;script&gt;alert(1)&lt;/script&gt;",
		"&lt;b&gt;Acme&lt;/b&gt; &amp; co", "label 1 copy 4 field 2", "TRK0000", "The label's fields:"} {
		if !strings.Contains(out, s) {
			t.Errorf("html lacks %q", s)
		}
	}
	if strings.Contains(out, "<script>") || strings.Contains(out, "<b>Acme") || strings.Contains(out, "src=") {
		t.Errorf("html not escaped or not self-contained")
	}
	// Failures come first in each file's table.
	r := out[strings.Index(out, "rollover.zpl</h2>"):]
	if bad, ok := strings.Index(r, "TRK0000"), strings.Index(r, "TRK9997"); bad < 0 || ok < 0 || bad > ok {
		t.Errorf("the reject is not first: %d %d", bad, ok)
	}
}

// TestValidateLabelDetect: a label file is known by its content when its
// name says nothing, on standard input too; a serial list starting like
// EPL stays a list.
func TestValidateLabelDetect(t *testing.T) {
	f := write(t, "job.txt", "^XA^FO10,10^BCN,50^FDASP2-0000000001^FS^XZ\n")
	code, lines, _ := validateJSONL(t, f)
	if code != exitOK || len(lines) != 1 || lines[0].Label != 1 {
		t.Errorf("by content: exit %d %+v", code, lines)
	}
	code, out, _ := run(t, "^XA^FO10,10^BCN,50^FDASP2-0000000001^FS^XZ\n", "validate", "--rules", labelRules, "--format", "jsonl", "-")
	if code != exitOK || !strings.Contains(out, `"label":1`) || !strings.Contains(out, `"file":"(stdin)"`) {
		t.Errorf("stdin: exit %d %q", code, out)
	}
	list := write(t, "l.txt", "SN1\nB0HUB00001\n")
	code, out, _ = run(t, "", "validate", "--rules", labelRules, "--format", "jsonl", list)
	if code != exitInvalid || !strings.Contains(out, `"line":2`) {
		t.Errorf("list: exit %d %q", code, out)
	}
}

// TestReportCommand builds a store with known rows and checks the
// report's totals, pass rate, reasons, duplicates and SVG.
func TestReportCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	ctx := context.Background()
	st, err := record.Open(ctx, "sqlite:"+db)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetSinks(ctx, []record.Sink{{Name: "sns"}}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 8, 10, 0, 0, time.UTC)
	scans := []record.Scan{
		{Station: "s1", Line: "L1", Serial: "AC2000000001", Model: "acme", ASIN: "B0A", OK: true,
			Events: []serialgate.Event{{ID: "ev-1", Type: "DeviceRegisteredNotification", Manufacturer: "acme"}}},
		{Station: "s1", Line: "L1", Serial: "AC2000000002", Model: "acme", ASIN: "B0A", OK: true},
		{Station: "s2", Line: "L1", Serial: "AC2000000001", Model: "acme", ASIN: "B0A", OK: true}, // a duplicate
		{Station: "s2", Line: "L1", Serial: "<script>x</script>", Model: "acme", ASIN: "B0A", Reason: serialgate.ReasonUnexpected, Message: "unexpected '<'"},
		{Station: "s2", Line: "L1", Serial: "", Model: "<i>kettle</i>", ASIN: "B0K", Reason: serialgate.ReasonEmpty},
		{Station: "s2", Line: "L1", Serial: "BK1", Model: "<i>kettle</i>", ASIN: "B0K", Reason: serialgate.ReasonUnexpected},
		{Station: "s9", Line: "L2", Serial: "AC2000000009", Model: "acme", ASIN: "B0A", OK: true},
	}
	for i, sc := range scans {
		sc.Time = at.Add(time.Duration(i) * 25 * time.Minute)
		if _, err := st.Record(ctx, sc, record.Policy{}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	code, out, errs := run(t, "", "report", "--store", "sqlite:"+db, "--line", "L1", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d %s", code, errs)
	}
	var doc struct {
		Total, Passed, Rejected int
		PassRate                float64 `json:"pass_rate"`
		Reasons                 []struct {
			Code  string
			Count int
		} `json:"rejects_by_reason"`
		Models []struct {
			Key   string
			Total int
		}
		Hours []struct {
			Hour  time.Time
			Total int
		}
		DuplicateCount int `json:"duplicate_count"`
		Duplicates     []struct {
			Station      string
			FirstStation string `json:"first_station"`
		}
		UndeliveredN int `json:"undelivered_count"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	// Six scans on L1: two first passes, the duplicate (rejected by the
	// default policy) and three rejects.
	if doc.Total != 6 || doc.Passed != 2 || doc.Rejected != 4 || doc.PassRate < 33.3 || doc.PassRate > 33.4 {
		t.Errorf("totals %+v", doc)
	}
	reasons := map[string]int{}
	for _, r := range doc.Reasons {
		reasons[r.Code] = r.Count
	}
	if reasons["unexpected_character"] != 2 || reasons["empty"] != 1 || reasons["duplicate"] != 1 || len(reasons) != 3 {
		t.Errorf("reasons %v", reasons)
	}
	if len(doc.Models) != 2 || doc.Models[1].Key != "acme" || doc.Models[1].Total != 4 || doc.Models[0].Total != 2 {
		t.Errorf("models %+v", doc.Models)
	}
	// 08:10, 08:35 | 09:00, 09:25, 09:50 | 10:15.
	if len(doc.Hours) != 3 || doc.Hours[0].Total != 2 || doc.Hours[1].Total != 3 || doc.Hours[2].Total != 1 {
		t.Errorf("hours %+v", doc.Hours)
	}
	if doc.DuplicateCount != 1 || doc.Duplicates[0].Station != "s2" || doc.Duplicates[0].FirstStation != "s1" {
		t.Errorf("duplicates %+v", doc.Duplicates)
	}
	if doc.UndeliveredN != 1 {
		t.Errorf("undelivered %d", doc.UndeliveredN)
	}

	code, out, _ = run(t, "", "report", "--store", "sqlite:"+db, "--line", "L1", "--format", "html")
	if code != exitOK {
		t.Fatal(code)
	}
	for _, s := range []string{"<svg", "</svg>", "<rect class=\"bar\"", "<rect class=\"rej\"", "@media print", "33.3%",
		"&lt;i&gt;kettle&lt;/i&gt;", "<title>2026-03-02 09:00 UTC: 3 scans, 0 passed, 3 rejected</title>", "Packaging line report: line L1", "ev-1", "unexpected_character"} {
		if !strings.Contains(out, s) {
			t.Errorf("html lacks %q", s)
		}
	}
	if strings.Contains(out, "<i>kettle") || strings.Contains(out, "<script") {
		t.Error("html not escaped, or not script-free")
	}
	code, out, _ = run(t, "", "report", "--store", "sqlite:"+db, "--format", "csv", "--station", "s9")
	if code != exitOK || !strings.Contains(out, "total,,1,1,0,100.00,\n") || !strings.Contains(out, "model,acme,1,1,0,100.00,\n") {
		t.Errorf("csv: %d %q", code, out)
	}
}

// TestValidateMalformedLabel: a malformed label is a rejected row naming
// the file, the label and the byte offset of its fault, in its place among
// the others, as a serial list's over-long line is; every other label is
// still checked and the run exits 1, not 2. The offsets are counted by
// hand in the files.
func TestValidateMalformedLabel(t *testing.T) {
	type row struct {
		label, copy int
		ok          bool
		code, text  string // text: held by the reason
	}
	for _, c := range []struct {
		file string
		want []row
	}{
		{"malformed.zpl", []row{
			{1, 1, true, "", ""},
			// ^BC's sixth parameter, the mode, is N, U, A or D.
			{2, 0, false, "malformed_label", "malformed.zpl: offset 55: label 2: ^BC: unknown code 128 mode"},
			// ^BE takes digits only.
			{3, 0, false, "malformed_label", "malformed.zpl: offset 107: label 3: EAN-13 data"},
			{4, 1, true, "", ""},
			// Copy 1 is a good EAN-13 (check digit 4) carrying no serial;
			// the ^SF letter mask puts a letter into copy 2.
			{5, 1, false, "no_match", ""},
			{5, 2, false, "malformed_label", "offset 187: label 5: copy 2: EAN-13 data \"12345678901A\" is not all digits"},
			{0, 0, false, "malformed_label", "offset 221: ^FD outside a label"},
		}},
		{"malformed.epl", []row{
			{1, 1, true, "", ""},
			{2, 0, false, "malformed_label", "malformed.epl: offset 37: label 2: B: string not closed"},
			{3, 1, true, "", ""},
		}},
		{"malformed.tspl", []row{
			{1, 1, true, "", ""},
			{2, 0, false, "malformed_label", "malformed.tspl: offset 75: label 2: BARCODE: counter @9 has no value"},
			{3, 1, true, "", ""},
		}},
	} {
		code, lines, errs := validateJSONL(t, labelDir+c.file)
		if code != exitInvalid || errs != "" {
			t.Errorf("%s: exit %d, stderr %q, want 1 and nothing", c.file, code, errs)
		}
		if len(lines) != len(c.want) {
			t.Fatalf("%s: %d rows, want %d: %+v", c.file, len(lines), len(c.want), lines)
		}
		for i, w := range c.want {
			l := lines[i]
			if l.Label != w.label || l.Copy != w.copy || l.OK != w.ok || l.Code != w.code || !strings.Contains(l.Reason, w.text) {
				t.Errorf("%s row %d: %+v, want %+v", c.file, i+1, l, w)
			}
		}
	}
	// The other formats place the row by its label.
	code, out, _ := run(t, "", "validate", "--rules", labelRules, "--format", "csv", labelDir+"malformed.zpl")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || code != exitInvalid || len(rows) != 8 {
		t.Fatalf("csv: exit %d, %v, %q", code, err, rows)
	}
	if r := rows[2]; r[1] != "" || r[8] != "2" || r[9] != "" || r[6] != "malformed_label" {
		t.Errorf("csv row %q", r)
	}
	code, out, _ = run(t, "", "validate", "--rules", labelRules, labelDir+"malformed.zpl")
	if code != exitInvalid || !strings.Contains(out, "malformed.zpl: label 2: REJECT") ||
		!strings.Contains(out, "malformed.zpl: outside any label: REJECT") {
		t.Errorf("text: exit %d %q", code, out)
	}
	code, out, _ = run(t, "", "validate", "--rules", labelRules, "--summary", labelDir+"malformed.zpl")
	if code != exitInvalid || out != "7 checked, 2 valid, 5 invalid\n" {
		t.Errorf("summary: exit %d %q", code, out)
	}
}

// A label that prints only graphics is a rejected row, not a silent skip;
// a format of printer settings alone prints nothing and is no row.
func TestValidateGraphicOnlyLabel(t *testing.T) {
	f := write(t, "g.zpl", "^XA^MMT^PW812^XZ\n^XA^FO50,50^GB300,200,4^FS^XZ\n^XA^FO10,10^BCN,80^FDAC2000000001^FS^XZ\n")
	code, out, errs := run(t, "", "validate", "--format", "jsonl", f)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"label":2`) || !strings.Contains(lines[0], "prints no barcode") ||
		!strings.Contains(lines[1], `"label":3`) || !strings.Contains(lines[1], `"ok":true`) {
		t.Errorf("rows:\n%s", out)
	}
}
