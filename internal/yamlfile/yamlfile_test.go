package yamlfile

import (
	"errors"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestRoot(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"", "f:1:1: empty thing"},
		{"a: 1\n---\nb: 2\n", "f:2:1: a second YAML document"},
		{"a: 1\n# caf\xe9\n", "f:2:6: invalid UTF-8 byte 0xE9"},
		{"a: [1\n", "f:"},
	} {
		_, err := Root("f", "thing", []byte(tc.src))
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.src, err, tc.want)
		}
	}
}

func TestFields(t *testing.T) {
	root, err := Root("f", "thing", []byte("name: x\nname: y\ncolour: red\nwait: soon\nkind: odd\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := &Reader{File: "f"}
	r.Fields(root, "thing", []Field{{Key: "name", Required: true}, {Key: "size", Required: true}, {Key: "wait"}, {Key: "kind"}}, func(key string, k, v *yaml.Node) {
		switch key {
		case "wait":
			r.Duration(v, key)
		case "kind":
			r.OneOf(v, key, "even", "prime")
		}
	})
	got := r.Err().Error()
	for _, want := range []string{`f:2:1: key "name" repeated`, `f:3:1: unknown key "colour" in thing`, `f:4:7: wait: "soon"`, `f:5:7: kind: "odd": want even, prime`, `f:1:1: thing: missing key "size"`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if !errors.Is(r.Err(), ErrUnknownKey) {
		t.Error("unknown key not matched by errors.Is")
	}
}

func FuzzRoot(f *testing.F) {
	f.Add([]byte("a: 1\n"))
	f.Add([]byte("a: &a [*a]\n---\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Root("f", "thing", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Pos.Line < 1 {
				t.Fatalf("error without a place: %v", err)
			}
			return
		}
		if n == nil {
			t.Fatal("nil root without an error")
		}
	})
}
