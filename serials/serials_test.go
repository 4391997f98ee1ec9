package serials

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

type listLine struct {
	line   int
	serial string
}

func collect(read func(io.Reader, func(int, []byte) error) error, r io.Reader) ([]listLine, error) {
	var out []listLine
	err := read(r, func(line int, s []byte) error {
		out = append(out, listLine{line, string(s)})
		return nil
	})
	return out, err
}

// TestReadKept keeps every serial of a 20,000-line list, as the station's
// record does, and checks none is changed by the lines read after it. When
// Read handed out strings over its reused buffer, 14,043 of them were wrong.
func TestReadKept(t *testing.T) {
	var b strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&b, "SN%08d\n", i)
	}
	for name, read := range map[string]func(io.Reader, func(int, []byte) error) error{"list": Read, "csv": ReadCSV} {
		in := b.String()
		if name == "csv" {
			in = "serial\n" + in
		}
		got, err := collect(read, strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 20000 {
			t.Fatalf("%s: %d serials, want 20000", name, len(got))
		}
		bad := 0
		for i, l := range got {
			if l.serial != fmt.Sprintf("SN%08d", i) {
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of 20000 kept serials changed after they were read", name, bad)
		}
	}
}

func TestRead(t *testing.T) {
	long := strings.Repeat("X", DefaultMaxLine)
	for _, tc := range []struct {
		name, in string
		want     []listLine
	}{
		{"empty", "", nil},
		{"lf", "A\nB\n", []listLine{{1, "A"}, {2, "B"}}},
		{"crlf", "A\r\nB\r\n", []listLine{{1, "A"}, {2, "B"}}},
		{"no final newline", "A\nB", []listLine{{1, "A"}, {2, "B"}}},
		{"empty lines are serials", "\n\nA\n", []listLine{{1, ""}, {2, ""}, {3, "A"}}},
		{"no trimming", " A \t\n", []listLine{{1, " A \t"}}},
		{"lone cr stays", "A\rB\n", []listLine{{1, "A\rB"}}},
		{"cr at end without lf", "A\r", []listLine{{1, "A\r"}}},
		{"gs kept", "01123\x1d21X\n", []listLine{{1, "01123\x1d21X"}}},
		{"long line", long + "\nB\n", []listLine{{1, long}, {2, "B"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			readers := map[string]io.Reader{
				"plain":   strings.NewReader(tc.in),
				"onebyte": iotest.OneByteReader(strings.NewReader(tc.in)),
				"half":    iotest.HalfReader(strings.NewReader(tc.in)),
				"dataerr": iotest.DataErrReader(strings.NewReader(tc.in)),
			}
			for kind, r := range readers {
				got, err := collect(Read, r)
				if err != nil {
					t.Fatalf("%s: %v", kind, err)
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("%s: got %v, want %v", kind, got, tc.want)
				}
			}
		})
	}
}

func TestReadError(t *testing.T) {
	boom := errors.New("disk gone")
	r := io.MultiReader(strings.NewReader("A\nB\nC"), iotest.ErrReader(boom))
	got, err := collect(Read, r)
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want %v", err, boom)
	}
	var le *Error
	if !errors.As(err, &le) || le.Line != 3 {
		t.Fatalf("error %#v does not name line 3", err)
	}
	// What was read before the failure was delivered.
	if len(got) != 2 || got[1].serial != "B" {
		t.Fatalf("delivered %v before the error", got)
	}
}

func TestReadCSV(t *testing.T) {
	in := "id,Serial,note\n1,AC2000000001,x\n2,\" AC2 \",\"multi\nline\"\n3,,\n"
	got, err := collect(ReadCSV, iotest.OneByteReader(strings.NewReader(in)))
	if err != nil {
		t.Fatal(err)
	}
	want := []listLine{{2, "AC2000000001"}, {3, " AC2 "}, {5, ""}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}

	_, err = collect(ReadCSV, strings.NewReader("id,sn\n1,2\n"))
	if !errors.Is(err, ErrNoSerialColumn) {
		t.Fatalf("got %v, want ErrNoSerialColumn", err)
	}

	got, err = collect(ReadCSV, strings.NewReader("serial\nA\nB\"x\nC\n"))
	var le *Error
	if !errors.As(err, &le) || le.Line != 3 || le.Column == 0 {
		t.Fatalf("bad quote: got %v, want an Error at line 3", err)
	}
	if len(got) != 1 || got[0].serial != "A" {
		t.Fatalf("delivered %v before the error", got)
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{"", "A\n", "A\r\nB", "\n\n", "\r\r\n", "x\x00y\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := collect(Read, strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		// Joining the lines back with LF gives the input less its CRs
		// before LF and its final LF.
		var b strings.Builder
		for i, l := range got {
			if l.line != i+1 {
				t.Fatalf("line numbers %v", got)
			}
			if strings.Contains(l.serial, "\n") {
				t.Fatalf("serial %q holds a newline", l.serial)
			}
			b.WriteString(l.serial)
			b.WriteByte('\n')
		}
		want := strings.ReplaceAll(in, "\r\n", "\n")
		if want != "" && !strings.HasSuffix(want, "\n") {
			want += "\n"
		}
		if b.String() != want {
			t.Fatalf("lines %v do not rebuild %q", got, in)
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{"serial\nA\n", "a,serial\n1,\"x\"\"y\"\n", "serial\n\"", "x\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		last := 0
		err := ReadCSV(strings.NewReader(in), func(line int, s []byte) error {
			if line <= last {
				t.Fatalf("line %d after %d", line, last)
			}
			last = line
			return nil
		})
		if err != nil {
			var le *Error
			if !errors.As(err, &le) {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
		}
	})
}

// countByRead is the reference Count must agree with.
func countByRead(in string, match func([]byte) bool) (valid, invalid int) {
	rd := Reader{TooLong: func(int, int64) error { invalid++; return nil }}
	rd.Read(context.Background(), strings.NewReader(in), func(_ int, s []byte) error {
		if match(s) {
			valid++
		} else {
			invalid++
		}
		return nil
	})
	return valid, invalid
}

func TestCount(t *testing.T) {
	match := func(s []byte) bool { return bytes.HasPrefix(s, []byte("A")) && !bytes.HasSuffix(s, []byte(" ")) }
	var big strings.Builder
	for i := range 300000 {
		fmt.Fprintf(&big, "A%d\r\n", i)
		if i%7 == 0 {
			big.WriteString("B \n\n")
		}
	}
	long := "A" + strings.Repeat("x", 3*countChunk) + "\nA\nB"
	for _, in := range []string{"", "A", "A\n", "A\r\nB\r\n\n", "\n\n\n", big.String(), long} {
		wantV, wantI := countByRead(in, match)
		for _, workers := range []int{1, 2, 5} {
			for kind, r := range map[string]io.Reader{
				"plain": strings.NewReader(in), "half": iotest.HalfReader(strings.NewReader(in)),
			} {
				v, n, err := Count(r, match, workers)
				if err != nil || v != wantV || n != wantI {
					t.Errorf("%d bytes, %d workers, %s: got %d/%d %v, want %d/%d", len(in), workers, kind, v, n, err, wantV, wantI)
				}
			}
			v, n, err := Reader{}.CountMapped(context.Background(), []byte(in), LineCounter(match), workers)
			if err != nil || v != wantV || n != wantI {
				t.Errorf("%d bytes, %d workers, mapped: got %d/%d %v, want %d/%d", len(in), workers, v, n, err, wantV, wantI)
			}
		}
	}
	boom := errors.New("gone")
	v, n, err := Count(io.MultiReader(strings.NewReader("A\nA\nA"), iotest.ErrReader(boom)), match, 2)
	if !errors.Is(err, boom) || v+n != 2 {
		t.Errorf("read error: %d+%d lines, %v; want the 2 whole lines and the error", v, n, err)
	}
	// The error names the line it cut, counting the lines before it in
	// every chunk and an over-long line dropped unchecked.
	for _, tc := range []struct {
		in   string
		line int
	}{
		{"A\nA\nA", 3},
		{big.String()[:1<<21] + "\n", 1 + strings.Count(big.String()[:1<<21], "\n") + 1},
		{"A\n" + strings.Repeat("x", 3*countChunk) + "\nA\nB", 4},
	} {
		_, _, err := Reader{MaxLine: 100}.Count(context.Background(), io.MultiReader(strings.NewReader(tc.in), iotest.ErrReader(boom)), match, 2)
		var le *Error
		if !errors.As(err, &le) || le.Line != tc.line {
			t.Errorf("read error after %d bytes: %v, want it on line %d", len(tc.in), err, tc.line)
		}
	}
}

func FuzzCount(f *testing.F) {
	f.Add("A\nB\r\n\nA")
	f.Fuzz(func(t *testing.T, in string) {
		match := func(s []byte) bool { return len(s)%2 == 0 }
		wantV, wantI := countByRead(in, match)
		v, n, err := Count(iotest.OneByteReader(strings.NewReader(in)), match, 2)
		if err != nil || v != wantV || n != wantI {
			t.Fatalf("got %d/%d %v, want %d/%d", v, n, err, wantV, wantI)
		}
		v, n, err = Reader{}.CountMapped(context.Background(), []byte(in), LineCounter(match), 2)
		if err != nil || v != wantV || n != wantI {
			t.Fatalf("mapped: got %d/%d %v, want %d/%d", v, n, err, wantV, wantI)
		}
	})
}

// TestReadTooLong: a line over the limit is handed to TooLong with its
// length, read in bounded memory, and the lines after it go on; without
// TooLong it is an error naming the line. The limit counts the serial, not
// its terminator.
func TestReadTooLong(t *testing.T) {
	in := "A\n" + strings.Repeat("x", 10) + "\r\n" + strings.Repeat("y", 300000) + "\nB\r\n" + strings.Repeat("z", 11)
	for kind, r := range map[string]func() io.Reader{
		"plain":   func() io.Reader { return strings.NewReader(in) },
		"onebyte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(in)) },
	} {
		var got []string
		rd := Reader{MaxLine: 10, TooLong: func(line int, n int64) error {
			got = append(got, fmt.Sprintf("%d:long %d", line, n))
			return nil
		}}
		err := rd.Read(context.Background(), r(), func(line int, s []byte) error {
			got = append(got, fmt.Sprintf("%d:%s", line, s))
			return nil
		})
		want := "[1:A 2:xxxxxxxxxx 3:long 300000 4:B 5:long 11]"
		if err != nil || fmt.Sprint(got) != want {
			t.Errorf("%s: %v %v, want %s", kind, got, err, want)
		}
		err = Reader{MaxLine: 10}.Read(context.Background(), r(), func(int, []byte) error { return nil })
		var le *Error
		if !errors.As(err, &le) || le.Line != 3 || !errors.Is(err, ErrLineTooLong) {
			t.Errorf("%s: no TooLong: %v", kind, err)
		}
	}
}

// TestReadStops: the end of the context stops a read of a list that never
// ends, such as /dev/zero.
func TestReadStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	zeros := iotest.OneByteReader(zeroReader{})
	err := Reader{TooLong: func(int, int64) error { return nil }}.Read(ctx, io.MultiReader(strings.NewReader("A\nB\n"), zeros), func(int, []byte) error {
		if n++; n == 2 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n != 2 {
		t.Errorf("%d lines, %v", n, err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	go cancel()
	if _, _, err := (Reader{}).Count(ctx, zeroReader{}, func([]byte) bool { return true }, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("count: %v", err)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestReadCSVBOM(t *testing.T) {
	got, err := collect(ReadCSV, strings.NewReader("\ufeff\"serial\",\"id\"\nAC1,1\n"))
	if err != nil || fmt.Sprint(got) != "[{2 AC1}]" {
		t.Errorf("%v %v", got, err)
	}
	// A read error is placed at the line being read, never line 0.
	boom := errors.New("gone")
	err = ReadCSV(io.MultiReader(strings.NewReader("serial\nA\nB\n"), iotest.ErrReader(boom)), func(int, []byte) error { return nil })
	var le *Error
	if !errors.As(err, &le) || le.Line < 1 || !errors.Is(err, boom) {
		t.Errorf("read error: %v", err)
	}
	// A line over the limit stops the file with an error naming it.
	err = Reader{MaxLine: 8}.ReadCSV(context.Background(), strings.NewReader("serial\nA\n"+strings.Repeat("q", 50)+"\n"), func(int, []byte) error { return nil })
	if !errors.As(err, &le) || le.Line != 3 || !errors.Is(err, ErrLineTooLong) {
		t.Errorf("long line: %v", err)
	}
}
