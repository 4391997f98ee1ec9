package labels_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/serialgate/serialgate/labels"
)

func seed(f *testing.F, pattern string) {
	files, _ := filepath.Glob(filepath.Join("../testdata/labels", pattern))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// fuzzParse checks a parser never panics, that every fault's offset lies
// within the input, and that expansion stays bounded by the cap.
func fuzzParse(t *testing.T, parse func(string, *bytes.Reader) (*labels.Job, error), b []byte) {
	job, err := parse("fuzz", bytes.NewReader(b))
	if job == nil {
		if err == nil {
			t.Fatal("no job and no error")
		}
		return
	}
	for _, pe := range job.Errors {
		if pe.Offset < 0 || pe.Offset > int64(len(b)) {
			t.Fatalf("error offset %d outside the %d-byte input: %v", pe.Offset, len(b), pe)
		}
	}
	const max = 50
	job.MaxLabels = max
	labelsSeen := map[[2]int]bool{}
	fields := 0
	err = job.Each(func(f labels.Field) error {
		labelsSeen[[2]int{f.Label, f.Copy}] = true
		fields++
		if f.Offset < 0 || f.Offset > int64(len(b)) {
			t.Fatalf("field offset %d outside the input", f.Offset)
		}
		if len(f.Value) > 2*len(b)+64 {
			t.Fatalf("value of %d bytes from %d bytes of input", len(f.Value), len(b))
		}
		return nil
	})
	if len(labelsSeen) > max {
		t.Fatalf("expanded %d labels, cap %d", len(labelsSeen), max)
	}
	if fields > max*(len(b)+1) {
		t.Fatalf("%d fields from %d bytes", fields, len(b))
	}
	var pe *labels.ParseError
	if err != nil && !errors.As(err, &pe) {
		t.Fatalf("expansion error %v is not a *ParseError", err)
	}
}

func FuzzZPL(f *testing.F) {
	seed(f, "*.zpl")
	f.Add([]byte("^XA^FO1,1^BCN,,,,,D^FD(00)12345678901234567^FS^PQ9,0,3^XZ"))
	f.Add([]byte("^XA^FDAB-0099^SFAAd%dd,1%1^FS^PQ20^XZ"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzParse(t, func(n string, r *bytes.Reader) (*labels.Job, error) { return labels.ParseZPL(n, r) }, b)
	})
}

func FuzzEPL(f *testing.F) {
	seed(f, "*.epl")
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzParse(t, func(n string, r *bytes.Reader) (*labels.Job, error) { return labels.ParseEPL(n, r) }, b)
	})
}

func FuzzTSPL(f *testing.F) {
	seed(f, "*.tspl")
	f.Add([]byte("SET COUNTER @1 -7\n@1=\"0003\"\nCLS\nBARCODE 1,1,\"128M\",1,1,0,1,1,@1+\"!102x\"\nPRINT 9,9\nPRINT 3\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzParse(t, func(n string, r *bytes.Reader) (*labels.Job, error) { return labels.ParseTSPL(n, r) }, b)
	})
}
