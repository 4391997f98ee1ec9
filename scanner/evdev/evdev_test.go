package evdev

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the recorded event streams in testdata")

// typist writes the events a keyboard-wedge scanner (or a person) sends
// for a string, with layout's key positions.
type typist struct {
	layout Layout
	t      time.Time
	gap    time.Duration
	out    []byte
}

func (ty *typist) key(code uint16, shift, altgr, ctrl bool) {
	mods := []uint16{}
	if shift {
		mods = append(mods, keyLeftShift)
	}
	if altgr {
		mods = append(mods, keyRightAlt)
	}
	if ctrl {
		mods = append(mods, keyLeftCtrl)
	}
	ev := func(code uint16, v int32) {
		ty.out = AppendEvent(ty.out, Event{Time: ty.t, Type: evKey, Code: code, Value: v})
		ty.out = AppendEvent(ty.out, Event{Time: ty.t, Type: evSyn})
	}
	for _, m := range mods {
		ev(m, press)
	}
	ev(code, press)
	ev(code, release)
	for _, m := range mods {
		ev(m, release)
	}
	ty.t = ty.t.Add(ty.gap)
}

func (ty *typist) find(r rune) (uint16, bool, bool) {
	for code, c := range ty.layout.plain {
		if c == r && code < 70 || c == r && code == key102nd {
			return code, false, false
		}
	}
	for code, c := range ty.layout.shift {
		if c == r {
			return code, true, false
		}
	}
	for code, c := range ty.layout.altgr {
		if c == r {
			return code, false, true
		}
	}
	panic(fmt.Sprintf("layout %s cannot type %q", ty.layout.Name, r))
}

func (ty *typist) typeString(s string) {
	for _, r := range s {
		switch r {
		case '\n':
			ty.key(keyEnter, false, false, false)
		case 0x1d: // GS as Ctrl+]
			code, _, _ := ty.find(']')
			ty.key(code, false, false, true)
		default:
			code, shift, altgr := ty.find(r)
			ty.key(code, shift, altgr, false)
		}
	}
}

// altGS types GS as Alt held with 0, 2, 9 on the keypad.
func (ty *typist) altGS() {
	ev := func(code uint16, v int32) {
		ty.out = AppendEvent(ty.out, Event{Time: ty.t, Type: evKey, Code: code, Value: v})
	}
	ev(keyLeftAlt, press)
	for _, code := range []uint16{82, 80, 73} {
		ev(code, press)
		ev(code, release)
	}
	ev(keyLeftAlt, release)
	ty.t = ty.t.Add(ty.gap)
}

// recordings are the event streams in testdata: what each should decode to.
var recordings = []struct {
	file, layout string
	want         []string
	make         func() []byte
}{
	{"us-burst.events", "us", []string{"AC2000000001", "BK2024W0112345"}, func() []byte {
		ty := &typist{layout: Layouts()["us"], t: time.Unix(1790000000, 0), gap: 2 * time.Millisecond}
		ty.typeString("AC2000000001\n")
		ty.t = ty.t.Add(time.Second)
		ty.typeString("BK2024W0112345\n")
		return ty.out
	}},
	{"de-burst.events", "de", []string{"ZY-2024/ü#@", "Größe_1"}, func() []byte {
		ty := &typist{layout: Layouts()["de"], t: time.Unix(1790000000, 0), gap: 3 * time.Millisecond}
		ty.typeString("ZY-2024/ü#@\nGröße_1\n")
		return ty.out
	}},
	{"fr-digits.events", "fr", []string{"0123456789"}, func() []byte {
		ty := &typist{layout: Layouts()["fr"], t: time.Unix(1790000000, 0), gap: 2 * time.Millisecond}
		ty.typeString("0123456789\n")
		return ty.out
	}},
	{"us-gs1.events", "us", []string{"0109506000134352\x1d10LOT7\x1d21X1"}, func() []byte {
		ty := &typist{layout: Layouts()["us"], t: time.Unix(1790000000, 0), gap: time.Millisecond}
		ty.typeString("0109506000134352\x1d10LOT7")
		ty.altGS()
		ty.typeString("21X1\n")
		return ty.out
	}},
	{"us-typed.events", "us", []string{"SN-42"}, func() []byte {
		ty := &typist{layout: Layouts()["us"], t: time.Unix(1790000000, 0), gap: 180 * time.Millisecond}
		ty.typeString("hello\n") // a person at the keyboard
		ty.gap = 2 * time.Millisecond
		ty.t = ty.t.Add(time.Second)
		ty.typeString("SN-42\n")
		return ty.out
	}},
}

func TestRecordings(t *testing.T) {
	for _, rec := range recordings {
		path := filepath.Join("testdata", rec.file)
		if *update {
			os.MkdirAll("testdata", 0o755)
			if err := os.WriteFile(path, rec.make(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to record)", err)
		}
		rd := NewReader(bytes.NewReader(data), Layouts()[rec.layout])
		var got []string
		for {
			text, _, err := rd.Scan()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", rec.file, err)
			}
			got = append(got, text)
		}
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", rec.want) {
			t.Errorf("%s: got %q, want %q", rec.file, got, rec.want)
		}
	}
}

// TestWrongLayoutGarbles shows why the layout matters: French digits
// typed by a scanner emulating a French keyboard, read as US key
// positions, are the symbols on the digit row.
func TestWrongLayoutGarbles(t *testing.T) {
	data, err := os.ReadFile("testdata/fr-digits.events")
	if err != nil {
		t.Fatalf("%v (run with -update to record)", err)
	}
	text, _, err := NewReader(bytes.NewReader(data), Layouts()["us"]).Scan()
	if err != nil || text == "0123456789" || !strings.ContainsAny(text, "!@#") {
		t.Fatalf("decoded %q with the US layout", text)
	}
}

func TestTruncatedStream(t *testing.T) {
	data, _ := os.ReadFile("testdata/us-burst.events")
	_, _, err := NewReader(bytes.NewReader(data[:len(data)-5]), Layouts()["us"]).Scan()
	if err != nil {
		t.Fatalf("first scan is whole: %v", err)
	}
	rd := NewReader(bytes.NewReader(data[:EventSize+7]), Layouts()["us"])
	if _, _, err := rd.Scan(); err == nil || !strings.Contains(err.Error(), "inside an event") {
		t.Fatalf("got %v", err)
	}
}

func FuzzEvents(f *testing.F) {
	for _, rec := range recordings {
		f.Add(rec.make())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := NewReader(bytes.NewReader(data), Layouts()["de"])
		for i := 0; i < 1000; i++ {
			if _, _, err := rd.Scan(); err != nil {
				return
			}
		}
	})
}
