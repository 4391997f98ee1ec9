package labels_test

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/serialgate/serialgate/labels"
)

var update = flag.Bool("update", false, "unused: the .want files are written by hand from the manuals, never from the parser")

// want is a .want file: hand-written from the printer manuals, one line
// per field ("label copy field kind symbology value x y", the value
// Go-quoted, "-" for no symbology) and "! label text" for an expected
// fault of a label whose message holds text.
type want struct {
	fields []string
	errs   map[int]string
}

func readWant(t *testing.T, path string) want {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := want{errs: map[int]string{}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "! "):
			n, text, _ := strings.Cut(line[2:], " ")
			k, err := strconv.Atoi(n)
			if err != nil {
				t.Fatalf("%s: bad error line %q", path, line)
			}
			w.errs[k] = text
		default:
			w.fields = append(w.fields, line)
		}
	}
	return w
}

func show(f labels.Field) string {
	sym := string(f.Symbology)
	if sym == "" {
		sym = "-"
	}
	return fmt.Sprintf("%d %d %s %s %s %s %d %d", f.Label, f.Copy, f.Field, f.Kind, sym, strconv.Quote(f.Value), f.X, f.Y)
}

func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("../testdata/labels/*.want")
	if len(files) < 8 {
		t.Fatalf("found %d golden files", len(files))
	}
	for _, wf := range files {
		in := strings.TrimSuffix(wf, ".want")
		t.Run(filepath.Base(in), func(t *testing.T) {
			w := readWant(t, wf)
			b, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			// One byte at a time, as a slow pipe gives it.
			job, err := labels.Parse(filepath.Base(in), iotest.OneByteReader(strings.NewReader(string(b))))
			if job == nil {
				t.Fatalf("no job: %v", err)
			}
			got := map[int]string{}
			for _, pe := range job.Errors {
				got[pe.Label] = pe.Error()
				if pe.Offset < 0 || pe.Offset > int64(len(b)) {
					t.Errorf("error offset %d outside the file", pe.Offset)
				}
			}
			for n, text := range w.errs {
				if !strings.Contains(got[n], text) {
					t.Errorf("label %d: error %q, want one holding %q", n, got[n], text)
				}
			}
			if len(got) != len(w.errs) {
				t.Errorf("errors %v, want for labels %v", got, w.errs)
			}
			fields, err := job.Fields()
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, f := range fields {
				lines = append(lines, show(f))
			}
			if strings.Join(lines, "\n") != strings.Join(w.fields, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(w.fields, "\n"))
			}
		})
	}
}

func TestDetect(t *testing.T) {
	for in, lang := range map[string]string{
		"^XA^FDx^FS^XZ":           "zpl",
		"\r\n~CC+\n+XA+XZ":        "zpl",
		"N\nA1,1,0,1,1,1,N,\"x\"": "epl",
		"SIZE 4,2\nCLS\n":         "tspl",
		"hello":                   "",
	} {
		if got := labels.Detect("f", []byte(in)); got != lang {
			t.Errorf("Detect(%q) = %q, want %q", in, got, lang)
		}
	}
}

// TestErrors checks that a fault names its byte offset and label, and
// spoils only its own label.
func TestErrors(t *testing.T) {
	cases := []struct {
		in     string
		label  int
		offset int64
		text   string
		good   int // labels kept
	}{
		{"^XA^FDok^FS^XZ^XA^FO1,1^BCN,,,,,Q^FDx^FS^XZ^XA^FDok2^FS^XZ", 2, 23, "code 128 mode", 2},
		{"^XA^FO1,1^BCN^FD>:AB>Z^FS^XZ", 1, 13, "invocation code", 0},
		{"^XA^FH^FDA_4^FS^XZ", 1, 6, "hex escape", 0},
		{"^XA^PQ0^FDx^FS^XZ", 1, 3, "^PQ", 0},
		{"^XA^FDx^FS", 1, 0, "not ended by ^XZ", 0},
		{"^XA^BQN^FDhttps://x^FS^XZ", 1, 7, "error-correction", 0},
		{"^XA^BEN^FD12AB^FS^XZ", 1, 7, "not all digits", 0},
		{"^XA^SN1,5x^FS^XZ", 1, 3, "^SN", 0},
		{"N\nB1,1,0,1,2,2,2,B,\"x\nP1\nN\nA1,1,0,1,1,1,N,\"ok\"\nP1\n", 1, 2, "double quote", 1},
		{"CLS\nTEXT 1,1,\"2\",0,1,1,@7\nPRINT 1\n", 1, 4, "counter @7", 0},
		// EPL2: a form variable with no ? data; a date field.
		{"FS\"F\"\nV00,5,N,\"x\"\nA1,1,0,1,1,1,N,V00\nFE\nFR\"F\"\nP1\n", 1, 18, "V00 has no data", 0},
		{"N\nA1,1,0,1,1,1,N,TD\nP1\n", 1, 2, "date and time", 0},
		// Binary graphics whose byte count runs past the end of the file.
		{"^XA^FDa^FS^GFB,100,100,10,abc", 1, 10, "cut short", 0},
		{"~DYR:X,B,P,50,0,abc^XA^FDa^FS^XZ", 0, 0, "cut short", 0},
	}
	for _, c := range cases {
		job, err := labels.Parse("t", strings.NewReader(c.in))
		var pe *labels.ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: error %v, want a *ParseError", c.in, err)
			continue
		}
		if pe.Label != c.label || pe.Offset != c.offset || !strings.Contains(pe.Error(), c.text) {
			t.Errorf("%q: error %q (label %d, offset %d), want label %d, offset %d, holding %q",
				c.in, pe, pe.Label, pe.Offset, c.label, c.offset, c.text)
		}
		if len(job.Labels) != c.good {
			t.Errorf("%q: kept %d labels, want %d", c.in, len(job.Labels), c.good)
		}
	}
}

// TestHugeQuantity checks that a ten-million ^PQ and a long ^SN run cost
// no memory until expanded, and that expansion stops at the cap.
func TestHugeQuantity(t *testing.T) {
	job, err := labels.Parse("big.zpl", strings.NewReader("^XA^FO1,1^BCN^SN000000000001,1,Y^FS^PQ99999999^XZ"))
	if err != nil {
		t.Fatal(err)
	}
	if job.Count() != 99999999 {
		t.Fatalf("count %d", job.Count())
	}
	job.MaxLabels = 1000
	n := 0
	last := ""
	err = job.Each(func(f labels.Field) error { n++; last = f.Value; return nil })
	if !errors.Is(err, labels.ErrTooManyLabels) {
		t.Fatalf("error %v, want ErrTooManyLabels", err)
	}
	if n != 1000 || last != "000000001000" {
		t.Fatalf("expanded %d fields, last %q", n, last)
	}
}

func TestSerialization(t *testing.T) {
	cases := []struct {
		zpl  string
		want []string
	}{
		// Rolls over within the run's width; the prefix stays.
		{"^XA^FDx^SNAB98,1,Y^FS^PQ3^XZ", []string{"AB98", "AB99", "AB00"}},
		// Data ending in letters: the right-most number is indexed.
		{"^XA^SNLOT7-0009X,1,Y^FS^PQ2^XZ", []string{"LOT7-0009X", "LOT7-0010X"}},
		// Decrement, leading zeros suppressed; all zeros keep one 0.
		{"^XA^SN002,-1,N^FS^PQ3^XZ", []string{"  2", "  1", "  0"}},
		// Only the 12 right-most digits are indexed.
		{"^XA^SN1999999999999,1,Y^FS^PQ2^XZ", []string{"1999999999999", "1000000000000"}},
		// The guide's ^SF examples.
		{"^XA^FDBL9998^SFAAdddd,1^FS^PQ3^XZ", []string{"BL9998", "BL9999", "BM0000"}},
		{"^XA^FDBL08-8^SFAAdd%d,1%1^FS^PQ3^XZ", []string{"BL08-8", "BL09-9", "BL11-0"}},
		// Replicates: each value on r+1 labels, q labels in all.
		{"^XA^SN1,1,Y^FS^PQ5,0,2^XZ", []string{"1", "1", "1", "2", "2"}},
	}
	for _, c := range cases {
		job, err := labels.Parse("t", strings.NewReader(c.zpl))
		if err != nil {
			t.Fatalf("%q: %v", c.zpl, err)
		}
		fs, err := job.Fields()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			got = append(got, f.Value)
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%q: got %q, want %q", c.zpl, got, c.want)
		}
	}
}

// TestZPLPrinterState checks what the printer keeps from one format to
// the next and a few liberties real files take; each expectation is read
// off the ZPL II guide by hand. A value is "label copy field value x,y".
func TestZPLPrinterState(t *testing.T) {
	cases := []struct {
		name, zpl string
		want      []string
	}{
		// ^LH is a printer setting: it still holds in the next format.
		{"label home", "^XA^LH10,20^FO1,2^FDa^FS^XZ^XA^FO1,2^FDb^FS^XZ^XA^LH0,0^FO1,2^FDc^FS^XZ",
			[]string{"1 1 1 a 11,22", "2 1 1 b 11,22", "3 1 1 c 1,2"}},
		// ^MCN keeps the bitmap after printing: the next format prints
		// over the last copy of this one. ^MCY in label 2 clears it
		// after label 2, so label 3 starts clean.
		{"map clear", "^XA^MCN^FO5,5^FDhead^FS^XZ^XA^MCY^FO5,50^SN7,1,Y^FS^PQ2^XZ^XA^FO5,90^FDlast^FS^XZ",
			[]string{"1 1 1 head 5,5", "2 1 L1.1 head 5,5", "2 1 1 7 5,50", "2 2 L1.1 head 5,5", "2 2 1 8 5,50",
				"3 1 1 last 5,90"}},
		// Kept across two formats, with the last serial printed.
		{"map kept twice", "^XA^MCN^FO1,1^SNA1,1,Y^FS^PQ2^XZ^XA^FO2,2^FDb^FS^XZ^XA^MCY^FO3,3^FDc^FS^XZ",
			[]string{"1 1 1 A1 1,1", "1 2 1 A2 1,1", "2 1 L1.1 A2 1,1", "2 1 1 b 2,2",
				"3 1 L1.1 A2 1,1", "3 1 L2.1 b 2,2", "3 1 1 c 3,3"}},
		// A field left open at ^XZ prints.
		{"no ^FS", "^XA^FO1,1^FDx^XZ", []string{"1 1 1 x 1,1"}},
		// ^FN with a prompt; ^XF without a device searches R:, E:, B:, A:.
		{"recall", "^XA^DFB:F^FS^FO1,1^FN4\"Serial\"^FS^XZ^XA^XFF^FN4^FDs1^FS^XZ", []string{"2 1 FN4 s1 1,1"}},
		// ^DF without a name stores UNKNOWN.ZPL.
		{"unknown", "^XA^DF^FS^FO1,1^FN1^FS^XZ^XA^XFE:UNKNOWN.ZPL^FN1^FDu^FS^XZ^XA^XFR:UNKNOWN.ZPL^FN1^FDr^FS^XZ",
			[]string{"3 1 FN1 r 1,1"}},
		// ^FB text: \& a line break, \\ a backslash, \(-) a soft hyphen
		// (dropped); without ^FB the text is as given.
		{"field block", "^XA^FO1,1^FB100,3^FDa\\&b\\\\c\\(-)d^FS^FO2,2^FDa\\&b^FS^XZ",
			[]string{"1 1 1 a\nb\\cd 1,1", "1 1 2 a\\&b 2,2"}},
	}
	for _, c := range cases {
		job, err := labels.ParseZPL(c.name, strings.NewReader(c.zpl))
		if c.name == "unknown" {
			// E:UNKNOWN.ZPL was never stored: label 2 is a fault.
			if len(job.Errors) != 1 || job.Errors[0].Label != 2 || !strings.Contains(err.Error(), "E:UNKNOWN.ZPL") {
				t.Errorf("%s: errors %v", c.name, err)
			}
		} else if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		fs, err := job.Fields()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			got = append(got, fmt.Sprintf("%d %d %s %s %d,%d", f.Label, f.Copy, f.Field, f.Value, f.X, f.Y))
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

// A label that prints only graphics is still seen: one Blank field a copy.
func TestBlankLabel(t *testing.T) {
	job, err := labels.Parse("g.zpl", strings.NewReader("^XA^FO50,50^GB100,100,3^FS^PQ2^XZ\n^XA^FO10,10^BCN,80^FDAC2000000001^FS^XZ\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := job.Each(func(f labels.Field) error {
		got = append(got, fmt.Sprintf("%d.%d %s %q", f.Label, f.Copy, f.Kind, f.Value))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{`1.1 blank ""`, `1.2 blank ""`, `2.1 barcode "AC2000000001"`}
	if !slices.Equal(got, want) {
		t.Errorf("fields %q, want %q", got, want)
	}
}

// Field data that is not UTF-8 (a single-byte code page under ^CI0) keeps
// its bytes in a Code 128 subset B field, as in any other field, rather
// than turning each into a three-byte U+FFFD (what FuzzZPL caught: a value
// of 285 bytes from 110 bytes of input).
func TestCode128RawBytes(t *testing.T) {
	job, err := labels.Parse("raw.zpl", strings.NewReader("^XA^FO1,1^BCN^FDSN\xe9\xff-01 caf\xc3\xa9^FS^XZ"))
	if err != nil {
		t.Fatal(err)
	}
	fields, err := job.Fields()
	if err != nil {
		t.Fatal(err)
	}
	if want := "SN\xe9\xff-01 caf\xc3\xa9"; len(fields) != 1 || fields[0].Value != want {
		t.Fatalf("fields %+v, want one with value %q", fields, want)
	}
}
