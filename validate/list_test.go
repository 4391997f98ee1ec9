package validate

import (
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

func collect(read func(io.Reader, func(int, string) error) error, r io.Reader) ([]listLine, error) {
	var out []listLine
	err := read(r, func(line int, s string) error {
		out = append(out, listLine{line, strings.Clone(s)})
		return nil
	})
	return out, err
}

func TestReadList(t *testing.T) {
	long := strings.Repeat("X", 200000)
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
				got, err := collect(ReadList, r)
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

func TestReadListError(t *testing.T) {
	boom := errors.New("disk gone")
	r := io.MultiReader(strings.NewReader("A\nB\nC"), iotest.ErrReader(boom))
	got, err := collect(ReadList, r)
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want %v", err, boom)
	}
	var le *ListError
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
	var le *ListError
	if !errors.As(err, &le) || le.Line != 3 || le.Column == 0 {
		t.Fatalf("bad quote: got %v, want a ListError at line 3", err)
	}
	if len(got) != 1 || got[0].serial != "A" {
		t.Fatalf("delivered %v before the error", got)
	}
}

func FuzzReadList(f *testing.F) {
	for _, s := range []string{"", "A\n", "A\r\nB", "\n\n", "\r\r\n", "x\x00y\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := collect(ReadList, strings.NewReader(in))
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
		err := ReadCSV(strings.NewReader(in), func(line int, s string) error {
			if line <= last {
				t.Fatalf("line %d after %d", line, last)
			}
			last = line
			return nil
		})
		if err != nil {
			var le *ListError
			if !errors.As(err, &le) {
				t.Fatalf("error %T %v is not a *ListError", err, err)
			}
		}
	})
}

// countByReadList is the reference CountList must agree with.
func countByReadList(in string, match func(string) bool) (valid, invalid int) {
	ReadList(strings.NewReader(in), func(_ int, s string) error {
		if match(s) {
			valid++
		} else {
			invalid++
		}
		return nil
	})
	return valid, invalid
}

func TestCountList(t *testing.T) {
	match := func(s string) bool { return strings.HasPrefix(s, "A") && !strings.HasSuffix(s, " ") }
	var big strings.Builder
	for i := range 300000 {
		fmt.Fprintf(&big, "A%d\r\n", i)
		if i%7 == 0 {
			big.WriteString("B \n\n")
		}
	}
	long := "A" + strings.Repeat("x", 3*countChunk) + "\nA\nB"
	for _, in := range []string{"", "A", "A\n", "A\r\nB\r\n\n", "\n\n\n", big.String(), long} {
		wantV, wantI := countByReadList(in, match)
		for _, workers := range []int{1, 2, 5} {
			for kind, r := range map[string]io.Reader{
				"plain": strings.NewReader(in), "half": iotest.HalfReader(strings.NewReader(in)),
			} {
				v, n, err := CountList(r, match, workers)
				if err != nil || v != wantV || n != wantI {
					t.Errorf("%d bytes, %d workers, %s: got %d/%d %v, want %d/%d", len(in), workers, kind, v, n, err, wantV, wantI)
				}
			}
		}
	}
	boom := errors.New("gone")
	v, n, err := CountList(io.MultiReader(strings.NewReader("A\nA\nA"), iotest.ErrReader(boom)), match, 2)
	if !errors.Is(err, boom) || v+n != 2 {
		t.Errorf("read error: %d+%d lines, %v; want the 2 whole lines and the error", v, n, err)
	}
}

func FuzzCountList(f *testing.F) {
	f.Add("A\nB\r\n\nA")
	f.Fuzz(func(t *testing.T, in string) {
		match := func(s string) bool { return len(s)%2 == 0 }
		wantV, wantI := countByReadList(in, match)
		v, n, err := CountList(iotest.OneByteReader(strings.NewReader(in)), match, 2)
		if err != nil || v != wantV || n != wantI {
			t.Fatalf("got %d/%d %v, want %d/%d", v, n, err, wantV, wantI)
		}
	})
}
