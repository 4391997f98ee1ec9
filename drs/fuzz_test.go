package drs

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// seed adds every testdata file to a fuzz target's corpus.
func seed(f *testing.F, add func([]byte)) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no testdata: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
}

// FuzzDecode: Decode never panics, fails only with an *Error, and what it
// decodes encodes, and decodes again (at the version it was read at) to
// the same value.
func FuzzDecode(f *testing.F) {
	seed(f, func(b []byte) {
		for _, v := range []string{"", V1, V2} {
			f.Add(b, v)
		}
	})
	f.Fuzz(func(t *testing.T, body []byte, version string) {
		n, err := Decode(body, version)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			if n != nil {
				t.Fatalf("a value with the error: %#v", n)
			}
			return
		}
		if version != "" && n.MessageVersion() != version {
			t.Fatalf("asked for %q, got %q", version, n.MessageVersion())
		}
		out, err := Encode(n)
		if err != nil {
			t.Fatalf("Encode of a decoded value: %v", err)
		}
		again, err := Decode(out, n.MessageVersion())
		if err != nil {
			t.Fatalf("Decode of %s: %v", out, err)
		}
		if !reflect.DeepEqual(n, again) {
			t.Fatalf("round trip changed the value:\n%#v\n%#v", n, again)
		}
		out2, err := Encode(again)
		if err != nil || string(out2) != string(out) {
			t.Fatalf("second encoding differs:\n%s\n%s (%v)", out, out2, err)
		}
	})
}

// FuzzDecodeEnvelope: DecodeEnvelope never panics, and what it decodes
// encodes and decodes to the same value; the notification inside decodes
// or fails with an *Error, never a panic.
func FuzzDecodeEnvelope(f *testing.F) {
	seed(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := DecodeEnvelope(body)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			return
		}
		out, err := e.Encode()
		if err != nil {
			t.Fatalf("Encode of a decoded envelope: %v", err)
		}
		again, err := DecodeEnvelope(out)
		if err != nil {
			t.Fatalf("Decode of %s: %v", out, err)
		}
		if !reflect.DeepEqual(e, again) {
			t.Fatalf("round trip changed the envelope:\n%#v\n%#v", e, again)
		}
		if string(e.StringToSign()) != string(again.StringToSign()) {
			t.Fatal("round trip changed the signed text")
		}
		if e.Type == MessageNotification {
			if _, err := e.Notification(); err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("Notification error %v (%T) is not an *Error", err, err)
				}
			}
		} else if _, err := e.Confirmation(); err != nil && !strings.Contains(err.Error(), "SubscribeURL") {
			t.Fatalf("Confirmation of a decoded confirmation: %v", err)
		}
	})
}

// FuzzDecodeToken: DecodeToken never panics, and what it decodes
// re-encodes and decodes to the same token.
func FuzzDecodeToken(f *testing.F) {
	seed(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, body []byte) {
		tok, err := DecodeToken(body)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			return
		}
		out, err := marshal(tok)
		if err != nil {
			t.Fatal(err)
		}
		again, err := DecodeToken(out)
		if err != nil || again != tok {
			t.Fatalf("round trip: %#v, %v; want %#v", again, err, tok)
		}
	})
}
