//go:build !decodeonly

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
)

func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const javaRules = "../../testdata/rules/java-dev.yaml"

func TestValidateJSONL(t *testing.T) {
	list := write(t, "s.txt", "AC2000000001\r\nAC200000001\n\nAC2000000002")
	code, out, errs := run(t, "", "validate", "--rules", javaRules, "--model", "acme_purifier", "--format", "jsonl", list)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines: %s", len(lines), out)
	}
	type rec struct {
		File   string  `json:"file"`
		Line   int     `json:"line"`
		Serial string  `json:"serial"`
		Model  string  `json:"model"`
		OK     bool    `json:"ok"`
		Reason *string `json:"reason"`
	}
	var recs []rec
	for _, l := range lines {
		var r rec
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		recs = append(recs, r)
	}
	if r := recs[0]; r.File != list || r.Line != 1 || r.Serial != "AC2000000001" || r.Model != "acme_purifier" || !r.OK || r.Reason != nil {
		t.Errorf("first record %+v", r)
	}
	if r := recs[1]; r.OK || r.Reason == nil || !strings.Contains(*r.Reason, "incomplete") {
		t.Errorf("second record %+v", r)
	}
	if r := recs[2]; r.Line != 3 || r.Serial != "" || r.OK {
		t.Errorf("empty line record %+v", r)
	}
	if r := recs[3]; r.Line != 4 || !r.OK {
		t.Errorf("last line without newline %+v", r)
	}
}

func TestValidateAllValidExitsZero(t *testing.T) {
	code, out, _ := run(t, "AB12CDEFGH\nQA01X9Y8Z7\n", "validate", "--rules", javaRules, "--asin", "B0TEST0003", "-")
	if code != 0 || !strings.Contains(out, "(stdin):2: ok QA01X9Y8Z7 (printer_ink)") {
		t.Fatalf("exit %d, output %s", code, out)
	}
}

func TestValidateEveryRule(t *testing.T) {
	code, out, _ := run(t, "AB12CDEFGH\nnope\n", "validate", "--rules", javaRules, "--format", "jsonl", "-")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, `"models":["printer_ink"],"ok":true`) || !strings.Contains(out, `"models":[],"ok":false,"reason":"matches no model's serial pattern"`) {
		t.Fatalf("output %s", out)
	}
}

func TestValidateSummaryAndCSV(t *testing.T) {
	csvFile := write(t, "labels.csv", "id,serial\n1,AC2000000001\n2,AC2000000002\n3,XX\n")
	code, out, _ := run(t, "", "validate", "--summary", "--rules", javaRules, "--model", "acme_purifier", csvFile)
	if code != 1 || strings.TrimSpace(out) != "3 checked, 2 valid, 1 invalid" {
		t.Fatalf("exit %d, output %q", code, out)
	}
	code, out, _ = run(t, "", "validate", "--format", "csv", "--rules", javaRules, "--model", "acme_purifier", csvFile)
	if code != 1 || !strings.HasPrefix(out, "file,line,serial,model,ok,reason,code,pos\n") || !strings.Contains(out, ",4,XX,acme_purifier,false,unexpected 'X' at position 1,unexpected_character,1\n") {
		t.Fatalf("exit %d, output %q", code, out)
	}
}

func TestValidateJUnit(t *testing.T) {
	code, out, _ := run(t, "AC2000000001\nbad\n", "validate", "--format", "junit", "--rules", javaRules, "--model", "acme_purifier", "-")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Tests != 2 || doc.Failures != 1 || len(doc.Suites) != 1 || doc.Suites[0].Cases[1].Failure == nil {
		t.Fatalf("junit %+v", doc)
	}
}

func TestValidateErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"validate", "--rules", javaRules, "--model", "nope", "-"}, `model "nope" is not in the rules`},
		{[]string{"validate", "--rules", javaRules, "missing.txt"}, "missing.txt"},
		{[]string{"validate", "--rules", "nowhere.yaml", "-"}, "nowhere.yaml"},
		{[]string{"validate", "--format", "xml", "-"}, `unknown format "xml"`},
		{[]string{"validate"}, "no INPUT"},
		{[]string{"validate", "--bogus", "-"}, "flag provided but not defined"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
	} {
		code, _, errs := run(t, "", tc.args...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
	bad := write(t, "bad.csv", "serial\nA\nB\"x\n")
	code, out, errs := run(t, "", "validate", "--rules", javaRules, "--model", "acme_purifier", bad)
	if code != 2 || !strings.Contains(errs, "bad.csv:3:") || !strings.Contains(out, "bad.csv:2: REJECT A") {
		t.Errorf("bad csv: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestBuiltinRulesAndHelp(t *testing.T) {
	code, out, _ := run(t, "AC2000000001\n", "validate", "-")
	if code != 0 || !strings.Contains(out, "ACME_PURIFIER_200") {
		t.Fatalf("builtin rules: exit %d, %s", code, out)
	}
	for _, cmd := range [][]string{{"validate", "--help"}, {"rules", "check", "--help"}, {"version", "--help"}} {
		code, _, errs := run(t, "", cmd...)
		if code != 0 || !strings.Contains(errs, "usage: serialgate") {
			t.Errorf("%v: exit %d, %q", cmd, code, errs)
		}
	}
	code, out, _ = run(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "serialgate ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestRulesCheck(t *testing.T) {
	code, out, _ := run(t, "", "rules", "check", javaRules)
	if code != 0 || !strings.Contains(out, "backref_pair: dfa") || !strings.Contains(out, "15 model(s) ok") || !strings.Contains(out, "warning: dsn_like: pattern is not anchored") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	bad := write(t, "bad.yaml", "version: 1\nmanufacturers:\n  - name: M\n    models:\n      - model: A\n        serial: {regex: 'a++a', dialekt: java}\n")
	code, out, _ = run(t, "", "rules", "check", bad)
	if code != 1 || !strings.Contains(out, "bad.yaml:6:33: unknown key \"dialekt\"") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	lint := write(t, "lint.yaml", "version: 1\nmanufacturers:\n  - name: M\n    models:\n      - model: A\n        serial: {regex: '^a++a$'}\n")
	code, out, _ = run(t, "", "rules", "check", lint)
	if code != 0 || !strings.Contains(out, "A: backtrack") || !strings.Contains(out, "needs backtracking") || !strings.Contains(out, "can never match") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

// writeLabel renders a box label PNG with a Code 128 serial, an EAN-13 and
// a QR code, using gozxing's writers.
func writeLabel(t *testing.T, serial string) string {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 900, 500))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	draw := func(m *gozxing.BitMatrix, x0, y0, scale int) {
		for y := 0; y < m.GetHeight()*scale; y++ {
			for x := 0; x < m.GetWidth()*scale; x++ {
				if m.Get(x/scale, y/scale) {
					img.Pix[(y0+y)*img.Stride+x0+x] = 0
				}
			}
		}
	}
	c128, err := oned.NewCode128Writer().Encode(serial, gozxing.BarcodeFormat_CODE_128, 0, 60, nil)
	if err != nil {
		t.Fatal(err)
	}
	ean, _ := oned.NewEAN13Writer().Encode("4006381333931", gozxing.BarcodeFormat_EAN_13, 0, 60, nil)
	qr, _ := qrcode.NewQRCodeWriter().Encode("https://example.com/support", gozxing.BarcodeFormat_QR_CODE, 0, 0, nil)
	draw(c128, 40, 40, 2)
	draw(ean, 40, 250, 3)
	draw(qr, 600, 200, 4)
	p := filepath.Join(t.TempDir(), "label.png")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDecodeCommand(t *testing.T) {
	label := writeLabel(t, "AC2000000001")
	code, out, errs := run(t, "", "decode", "--format", "jsonl", label, "missing.png")
	if code != 2 || !strings.Contains(errs, "missing.png") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("output %q", out)
	}
	var rec struct {
		File     string `json:"file"`
		Barcodes []struct {
			Text    string       `json:"text"`
			Format  string       `json:"format"`
			AIM     string       `json:"aim"`
			Corners [][2]float64 `json:"corners"`
		} `json:"barcodes"`
		MS    *int64 `json:"ms"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	formats := map[string]string{}
	for _, b := range rec.Barcodes {
		formats[b.Format] = b.Text
		if len(b.Corners) == 0 || b.AIM == "" {
			t.Errorf("barcode without corners or AIM: %+v", b)
		}
	}
	if rec.File != label || rec.MS == nil || formats["CODE_128"] != "AC2000000001" || formats["EAN_13"] != "4006381333931" || formats["QR_CODE"] != "https://example.com/support" {
		t.Fatalf("record %+v", rec)
	}
	if err := json.Unmarshal([]byte(lines[1]), &rec); err != nil || rec.Error == "" || len(rec.Barcodes) != 0 {
		t.Fatalf("missing file record %q", lines[1])
	}
	code, out, _ = run(t, "", "decode", "--formats", "ean13", label)
	if code != 0 || strings.Contains(out, "CODE_128") || !strings.Contains(out, "EAN_13 ]E0 4006381333931") {
		t.Fatalf("--formats: exit %d, %q", code, out)
	}
}

func TestValidateLabelImage(t *testing.T) {
	good := writeLabel(t, "AC2000000001")
	code, out, errs := run(t, "", "validate", "--format", "jsonl", "--model", "ACME_PURIFIER_200", good)
	if code != 0 || !strings.Contains(out, `"line":1,"serial":"AC2000000001","model":"ACME_PURIFIER_200","ok":true`) {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	bad := writeLabel(t, "AC200000001")
	code, out, _ = run(t, "", "validate", "--model", "ACME_PURIFIER_200", bad)
	if code != 1 || !strings.Contains(out, `no barcode carries a serial for model ACME_PURIFIER_200: code`) || !strings.Contains(out, "incomplete") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

// TestDecodeSequence prints an Aztec structured-append symbol's place in
// its series, with the header taken off its text.
func TestDecodeSequence(t *testing.T) {
	file := "../../testdata/barcodes/aztec-1/Z1-sequence4of7.png"
	code, out, errs := run(t, "", "decode", "--format", "jsonl", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := `"text":"3456","format":"AZTEC","aim":"]z6"`
	if !strings.Contains(out, want) || !strings.Contains(out, `"sequence":{"index":4,"count":7,"id":"Z1.txt"}`) {
		t.Errorf("output %s", out)
	}
}

// TestValidateSummaryList counts a serial list with --summary (one pass
// over each chunk for a rule on the automaton) as the line-by-line output
// judges it: CRLF endings, an empty line, a CR inside a line, no final LF.
func TestValidateSummaryList(t *testing.T) {
	list := write(t, "serials.txt", "AC2000000001\r\nAC2000000002\n\nAC20000\r00003\nAC2000000004\r\nXX\nAC2000000005")
	code, out, _ := run(t, "", "validate", "--summary", "--rules", javaRules, "--model", "acme_purifier", list)
	if code != 1 || strings.TrimSpace(out) != "7 checked, 4 valid, 3 invalid" {
		t.Fatalf("exit %d, output %q", code, out)
	}
	_, out, _ = run(t, "", "validate", "--format", "jsonl", "--rules", javaRules, "--model", "acme_purifier", list)
	if n := strings.Count(out, `"ok":true`); n != 4 {
		t.Errorf("line by line: %d valid, want 4: %s", n, out)
	}
}

// TestValidateSummaryMapped counts a list large enough to be mapped into
// memory, with and without --model (one pass per chunk on the automaton,
// or each serial against every rule), and a list on standard input that
// is read: the counts are the line-by-line output's.
func TestValidateSummaryMapped(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 3*minMapped; i++ {
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "AC2%09d\r\n", i)
		case 1:
			fmt.Fprintf(&b, "XX%d\n", i)
		case 2:
			b.WriteString("\n")
		default:
			fmt.Fprintf(&b, "AC2%09d\n", i)
		}
	}
	list := write(t, "big.txt", b.String())
	_, lines, _ := run(t, "", "validate", "--format", "jsonl", "--rules", javaRules, "--model", "acme_purifier", list)
	valid := strings.Count(lines, `"ok":true`)
	total := strings.Count(lines, "\n")
	want := fmt.Sprintf("%d checked, %d valid, %d invalid", total, valid, total-valid)
	for _, args := range [][]string{
		{"validate", "--summary", "--rules", javaRules, "--model", "acme_purifier", list},
		{"validate", "--summary", "--rules", javaRules, "--model", "acme_purifier", "-"},
	} {
		stdin := ""
		if args[len(args)-1] == "-" {
			stdin = b.String()
		}
		code, out, errs := run(t, stdin, args...)
		if code != 1 || strings.TrimSpace(out) != want {
			t.Errorf("%v: exit %d, %q %s; want %q", args[len(args)-1], code, out, errs, want)
		}
	}
	// Without --model a serial is valid when any rule matches it.
	_, lines, _ = run(t, "", "validate", "--format", "jsonl", "--rules", javaRules, list)
	valid = strings.Count(lines, `"ok":true`)
	want = fmt.Sprintf("%d checked, %d valid, %d invalid", total, valid, total-valid)
	if _, out, _ := run(t, "", "validate", "--summary", "--rules", javaRules, list); strings.TrimSpace(out) != want {
		t.Errorf("no model: %q, want %q", out, want)
	}
}

// TestDecodeGCPercent: decode collects garbage less often while it runs
// (see decodeGCPercent) and leaves the collector as it found it; a GOGC
// the user set is left alone.
func TestDecodeGCPercent(t *testing.T) {
	label := writeLabel(t, "AC2000000001")
	prev := debug.SetGCPercent(137)
	defer debug.SetGCPercent(prev)
	t.Setenv("GOGC", "")
	if code, _, errs := run(t, "", "decode", label); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if got := debug.SetGCPercent(137); got != 137 {
		t.Errorf("after decode the GC percent is %d, want 137 back", got)
	}
}

// buildCommand builds the command into dir with the build tags given and
// returns the binary's path.
func buildCommand(t *testing.T, dir string, tags ...string) string {
	t.Helper()
	bin := filepath.Join(dir, "serialgate")
	args := []string{"build", "-o", bin}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	if out, err := exec.Command("go", append(args, ".")...).CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}
