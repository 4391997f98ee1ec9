package pdf417

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/serialgate/serialgate/internal/testenv"
)

// TestDecodeData decodes codeword sequences worked out by hand from the
// rules of ISO/IEC 15438: each compaction mode, the shifts and latches of
// text compaction, ECIs and the Macro PDF417 control block.
func TestDecodeData(t *testing.T) {
	for _, tc := range []struct {
		name string
		cw   []int // without the symbol length descriptor
		want string
		ecis []int
	}{
		// P D F, ml, 4 1 7, ps as padding: the standard's "PDF417".
		{"text", []int{453, 178, 121, 239}, "PDF417", nil},
		// a=0 in lower after ll (27): 27·30+0, then b c = 1·30+2.
		{"lower", []int{27*30 + 0, 1*30 + 2}, "abc", nil},
		// A, ll, b, as (shift alpha) C, d, ps !, then pad.
		{"shifts", []int{0*30 + 27, 1*30 + 27, 2*30 + 3, 29*30 + 10}, "AbCd!", nil},
		// ml 1 2, pl (25) ; then al (29) Z: mixed and punctuation latches.
		{"mixed punct", []int{28*30 + 1, 2*30 + 25, 0*30 + 29, 25*30 + 29}, "12;Z", nil},
		// 924 then "alcool" as 6 bytes in 5 codewords (base 256 → base 900).
		{"bytes six", []int{924, 163, 238, 432, 766, 244}, "alcool", nil},
		// 901: the same five codewords and one byte more, 'X', alone.
		{"bytes 901", []int{901, 163, 238, 432, 766, 244, 'X'}, "alcoolX", nil},
		// 901 with fewer than six bytes: one codeword each.
		{"bytes short", []int{901, 'a', 'b', 0xff}, "ab\xff", nil},
		// 902: "1" + 000213298174000 in base 900, the standard's example.
		{"numeric", []int{902, 1, 624, 434, 632, 282, 200}, "000213298174000", nil},
		// text, 913 shift byte 0xe9, back in text (alpha): B.
		{"shift byte", []int{0*30 + 29, 913, 0xe9, 1*30 + 29}, "A\xe9B", nil},
		// 927 ECI 26, bytes; 927 ECI 7, text.
		{"eci", []int{927, 26, 901, 0xd0, 0x96, 927, 7, 900, 0*30 + 29}, "\xd0\x96A", []int{26, 7}},
		// 926 general purpose ECI: (c1+1)·900 + c2.
		{"eci general", []int{926, 0, 5, 0*30 + 29}, "A", []int{905}},
		// 925 user-defined ECI: 810900 + c.
		{"eci user", []int{925, 3, 0*30 + 29}, "A", []int{810903}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := decodeData(append([]int{len(tc.cw) + 1}, tc.cw...))
			if err != nil {
				t.Fatal(err)
			}
			var got []byte
			var ecis []int
			for _, s := range m.segs {
				got = append(got, s.Bytes...)
				if m.eci {
					ecis = append(ecis, s.ECI)
				}
			}
			if string(got) != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if tc.ecis != nil && !slices.Equal(ecis, tc.ecis) {
				t.Errorf("ECIs %v, want %v", ecis, tc.ecis)
			}
			if tc.ecis == nil && m.eci {
				t.Errorf("an ECI where there is none")
			}
		})
	}
}

func TestDecodeMacro(t *testing.T) {
	// "AB" as text, then 928, segment index 2 ("1" + 00002 in base 900:
	// 111, 102), file ID 017 123, field 1 (count) 3 in numeric compaction
	// (1·900+3 → "13"... "1"+"3" = 13 = 0·900+13), field 0 (file name)
	// "F" (5·30+29), then 922.
	cw := []int{0*30 + 1, 928, 111, 102, 17, 123, 923, 1, 13, 923, 0, 5*30 + 29, 922}
	m, err := decodeData(append([]int{len(cw) + 1}, cw...))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(m.segs[0].Bytes); got != "AB" {
		t.Errorf("text %q, want AB", got)
	}
	mac := m.macro
	if mac == nil {
		t.Fatal("no macro control block")
	}
	if mac.Index != 2 || mac.FileID != "017123" || mac.Count != 3 || mac.FileName != "F" || !mac.Last || mac.Timestamp != -1 {
		t.Errorf("macro %+v", *mac)
	}
}

func TestDecodeDataErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cw   []int
	}{
		{"length", []int{5, 1, 2}},
		{"numeric without leading 1", []int{3, 902, 0}},
		{"byte over 255", []int{4, 901, 300, 1}},
		{"eci cut off", []int{2, 927}},
		{"terminator outside macro", []int{3, 1, 922}},
		{"field outside macro", []int{3, 923, 1}},
		{"shift byte without byte", []int{2, 913}},
		{"reader init late", []int{3, 1, 921}},
		{"macro index cut off", []int{3, 928, 111}},
		{"macro data after terminator", []int{7, 928, 111, 102, 1, 922, 5}},
		{"unknown macro field", []int{7, 928, 111, 102, 1, 923, 9}},
		{"reserved codeword", []int{2, 903}},
		{"group over six bytes", []int{7, 924, 899, 899, 899, 899, 899}},
	} {
		_, err := decodeData(tc.cw)
		var de *DataError
		if !errors.As(err, &de) {
			t.Errorf("%s: %v, want a *DataError", tc.name, err)
		}
	}
}

// readDump reads a symbol drawn by zint --dump as codewords: the size and
// level from the row indicators, the codewords from the table.
func readDump(t *testing.T, rows [][]byte, cols int) (cw []int, level int) {
	t.Helper()
	r := len(rows)
	for y, row := range rows {
		for j := 0; j < cols+2; j++ {
			var w [8]int
			i, bar := 0, byte(1)
			for _, m := range row[17*(j+1) : 17*(j+2)] {
				if m != bar {
					i, bar = i+1, m
				}
				if i < 8 {
					w[i]++
				}
			}
			v, cl, ok := lookup(w)
			if !ok || cl != y%3 {
				t.Fatalf("row %d column %d: %v is no codeword of cluster %d", y, j, w, 3*(y%3))
			}
			switch {
			case j == 0 && y%3 == 1:
				level = (v % 30) / 3
				if got := (v%30)%3 + 1; got != (r-1)%3+1 {
					t.Fatalf("row indicator says %d rows mod 3, the dump has %d", got, r)
				}
			case j == 0 || j == cols+1:
			default:
				cw = append(cw, v)
			}
		}
	}
	return cw, level
}

// TestZintCodewords decodes symbols zint draws, read from its module dump:
// the codeword layer without the image.
func TestZintCodewords(t *testing.T) {
	zint := testenv.Tool(t, "zint", "zint")
	rng := rand.New(rand.NewPCG(5, 6))
	binary := randomBytes(rng, 300)
	var ascii []byte
	for c := byte(' '); c < 127; c++ {
		ascii = append(ascii, c)
	}
	ascii = append(ascii, "\t\r\n"...)
	for _, tc := range []struct {
		name  string
		data  string
		extra []string
		want  string // the bytes, when they differ from data
		ecis  []int
		macro *Macro
		init  bool
	}{
		{name: "text", data: "This is PDF417"},
		{name: "ascii", data: string(ascii)},
		{name: "numeric", data: "12345678901234567890123456789012345678901234567890123"},
		{name: "mixed", data: "SN: AC-2000-000001 qty 0001234567890123 lot ab/cd"},
		{name: "binary", data: string(binary), extra: []string{"--binary"}},
		{name: "binary six", data: string(binary[:12]), extra: []string{"--binary"}},
		{name: "eci", data: "Ж", extra: []string{"--eci=26"}, want: "Ж", ecis: []int{26}},
		{name: "eci segments", data: "ab", extra: []string{"--eci=3", "--seg1=26,Жx", "--seg2=7,Ж"}, want: "abЖx\xb6", ecis: []int{3, 26, 7}},
		{name: "macro", data: "HELLO", extra: []string{"--structapp=2,3,17"}, macro: &Macro{Index: 1, Count: 3, FileID: "017"}},
		{name: "macro last", data: "HELLO", extra: []string{"--structapp=3,3,17"}, macro: &Macro{Index: 2, Count: 3, FileID: "017", Last: true}},
		{name: "reader init", data: "$I", extra: []string{"--init"}, init: true},
	} {
		for level := range 9 {
			if level > 5 && tc.name != "ascii" {
				continue
			}
			cols := 1 + rng.IntN(12)
			rows, cols, err := zintDump(zint, cols, level, tc.data, tc.extra...)
			if err != nil {
				if level > 2 {
					continue // too large for the symbol: fine
				}
				t.Fatalf("%s: %v", tc.name, err)
			}
			cw, gotLevel := readDump(t, rows, cols)
			if gotLevel != level {
				t.Fatalf("%s: level %d, want %d", tc.name, gotLevel, level)
			}
			// Damage as many codewords as the level can correct.
			k := 2 << level
			var erasures []int
			for i, p := range rng.Perm(len(cw))[:(k-2)/2] {
				cw[p] = rng.IntN(prime)
				if i%3 == 0 && len(erasures) < 1 {
					erasures = append(erasures, p)
				}
			}
			s, err := decodeMatrix(cw, len(rows), cols, level, erasures)
			if err != nil {
				t.Fatalf("%s level %d: %v", tc.name, level, err)
			}
			want := tc.want
			if want == "" {
				want = tc.data
			}
			if got := s.Bytes(); !bytes.Equal(got, []byte(want)) {
				t.Errorf("%s level %d: got %q, want %q", tc.name, level, got, want)
			}
			if tc.ecis != nil {
				var ecis []int
				for _, seg := range s.Segments {
					ecis = append(ecis, seg.ECI)
				}
				if !slices.Equal(ecis, tc.ecis) {
					t.Errorf("%s: ECIs %v, want %v", tc.name, ecis, tc.ecis)
				}
			}
			if tc.macro != nil {
				if s.Macro == nil || s.Macro.Index != tc.macro.Index || s.Macro.Count != tc.macro.Count || s.Macro.FileID != tc.macro.FileID || s.Macro.Last != tc.macro.Last {
					t.Errorf("%s: macro %+v, want %+v", tc.name, s.Macro, tc.macro)
				}
			} else if s.Macro != nil {
				t.Errorf("%s: a macro block where there is none", tc.name)
			}
			if s.ReaderInit != tc.init {
				t.Errorf("%s: reader init %v", tc.name, s.ReaderInit)
			}
		}
	}
}
