package framing

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

type framed struct {
	frames []string // delivered texts, with AIM in front when set
	counts Counts
}

func frameAll(f Framing, r io.Reader) framed {
	sp := &Splitter{Framing: f}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 16), f.maxLen()+64)
	sc.Split(sp.Split)
	var out framed
	for sc.Scan() {
		fr, problem := f.Parse(sc.Bytes())
		switch problem {
		case NoProblem:
			out.frames = append(out.frames, fr.AIM+fr.Text)
			sp.Counts.Scans++
		case EmptyFrame:
			sp.Counts.Empty++
		default:
			sp.Counts.Noise++
		}
	}
	out.counts = sp.Counts
	return out
}

func TestFraming(t *testing.T) {
	long := strings.Repeat("A", 100)
	for _, tc := range []struct {
		name   string
		f      Framing
		in     string
		frames []string
		counts Counts
	}{
		{"cr", Framing{Suffix: SuffixCR}, "AC1\rAC2\r", []string{"AC1", "AC2"}, Counts{Scans: 2}},
		{"lf", Framing{Suffix: SuffixLF}, "AC1\nAC2\n", []string{"AC1", "AC2"}, Counts{Scans: 2}},
		{"crlf", Framing{Suffix: SuffixCRLF}, "AC1\r\nAC2\r\n", []string{"AC1", "AC2"}, Counts{Scans: 2}},
		{"tab", Framing{Suffix: SuffixTab}, "AC1\tAC2\t", []string{"AC1", "AC2"}, Counts{Scans: 2}},
		{"any mixed", Framing{}, "A\rB\nC\r\nD\r\n", []string{"A", "B", "C", "D"}, Counts{Scans: 4}},
		{"empty frames", Framing{}, "\r\n\r\nA\r\n\n", []string{"A"}, Counts{Scans: 1, Empty: 3}},
		{"partial at end", Framing{}, "A\r\nB", []string{"A"}, Counts{Scans: 1, Partial: 1}},
		{"stx etx", Framing{STXETX: true}, "\x02AC1\x03\r\n\x02AC2\x03", []string{"AC1", "AC2"}, Counts{Scans: 2}},
		{"stx garbage between", Framing{STXETX: true}, "\x02A\x03zz\x02B\x03\x02C", []string{"A", "B"}, Counts{Scans: 2, Noise: 1, Partial: 1}},
		{"prefix", Framing{Prefix: "#"}, "#A\r#B\rC\r", []string{"A", "B"}, Counts{Scans: 2, Noise: 1}},
		{"aim", Framing{AIM: true}, "]C0AC1\r]d2010950\x1d21X\r", []string{"]C0AC1", "]d2010950\x1d21X"}, Counts{Scans: 2}},
		{"gs kept and mapped", Framing{}, "01<GS>21X\r01{GS}21\u241dY\r01\x1d21Z\r", []string{"01\x1d21X", "01\x1d21\x1dY", "01\x1d21Z"}, Counts{Scans: 3}},
		{"rs eot kept", Framing{}, "[)>\x1e06\x1dSX\x1e\x04\r", []string{"[)>\x1e06\x1dSX\x1e\x04"}, Counts{Scans: 1}},
		{"nul noise", Framing{}, "\x00\x00\x00\rA\r", []string{"A"}, Counts{Scans: 1, Noise: 1}},
		{"ff noise", Framing{}, "\xff\xff\xfe\rA\r", []string{"A"}, Counts{Scans: 1, Noise: 1}},
		{"control noise", Framing{}, "A\x07B\rC\r", []string{"C"}, Counts{Scans: 1, Noise: 1}},
		{"utf8 ok", Framing{}, "Größe-1\r", []string{"Größe-1"}, Counts{Scans: 1}},
		{"overlong", Framing{MaxLen: 10}, long + "\rOK\r" + long + "\r", []string{"OK"}, Counts{Scans: 1, Overlong: 2}},
		{"overlong stx", Framing{STXETX: true, MaxLen: 10}, "\x02" + long + "\x03\x02OK\x03", []string{"OK"}, Counts{Scans: 1, Overlong: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			readers := map[string]func() io.Reader{
				"whole":   func() io.Reader { return strings.NewReader(tc.in) },
				"onebyte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(tc.in)) },
				"half":    func() io.Reader { return iotest.HalfReader(strings.NewReader(tc.in)) },
			}
			for kind, mk := range readers {
				got := frameAll(tc.f, mk())
				if fmt.Sprintf("%q", got.frames) != fmt.Sprintf("%q", tc.frames) || got.counts != tc.counts {
					t.Errorf("%s: got %q %+v, want %q %+v", kind, got.frames, got.counts, tc.frames, tc.counts)
				}
			}
		})
	}
}

func TestStreamHangupDropsPartial(t *testing.T) {
	boom := errors.New("port gone")
	r := io.MultiReader(strings.NewReader("A\rB\rPART"), iotest.ErrReader(boom))
	s := NewStream("test", r, Framing{}, StreamOptions{})
	var got []string
	for {
		sc, err := s.Next(context.Background())
		if err != nil {
			if !errors.Is(err, boom) {
				t.Fatalf("err %v, want %v", err, boom)
			}
			break
		}
		got = append(got, sc.Text)
		if sc.Source != "test" || sc.Time.IsZero() {
			t.Errorf("scan %+v", sc)
		}
	}
	if fmt.Sprint(got) != "[A B]" || s.Counts().Partial != 1 || s.Counts().Scans != 2 {
		t.Fatalf("got %q, counts %+v", got, s.Counts())
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"A\rB\n", "\x02A\x03", "\r\n\r", "\x00\xff", "]C0X\r"} {
		f.Add(s, uint8(0), false)
	}
	f.Fuzz(func(t *testing.T, in string, suffix uint8, stxetx bool) {
		fr := Framing{Suffix: []Suffix{SuffixAny, SuffixCR, SuffixLF, SuffixCRLF, SuffixTab}[int(suffix)%5], STXETX: stxetx, MaxLen: 64, AIM: true}
		whole := frameAll(fr, strings.NewReader(in))
		bytewise := frameAll(fr, iotest.OneByteReader(strings.NewReader(in)))
		if fmt.Sprint(whole) != fmt.Sprint(bytewise) {
			t.Fatalf("whole %v, byte by byte %v", whole, bytewise)
		}
		for _, s := range whole.frames {
			if len(s) > 64 || strings.ContainsAny(s, "\x00\r") {
				t.Fatalf("frame %q delivered", s)
			}
		}
	})
}
