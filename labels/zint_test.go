package labels_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serialgate/serialgate/internal/testenv"
	"github.com/serialgate/serialgate/labels"
)

// TestZint checks the check characters the parser says a printer adds
// against zint, which adds its own, and zbarimg, which reads the symbol
// back: a check independent of the hand-written .want files.
func TestZint(t *testing.T) {
	zint := testenv.Tool(t, "zint", "zint")
	zbar := testenv.Tool(t, "zbarimg", "zbar-tools")
	cases := []struct {
		file  string // a golden file and a field of its first copy
		field string
		args  []string // zint's symbology and options; the data follows
		data  string   // what zint is given: the data without the printer's check
		read  string   // what zbarimg reports, when it differs from the value
	}{
		{"shipping.zpl", "6", []string{"-b", "13"}, "400638133393", ""},
		{"shipping.zpl", "5", []string{"-b", "34"}, "01234567890", "0012345678905"}, // zbar reads UPC-A as EAN-13
		{"shipping.zpl", "4", []string{"-b", "8", "--vers=1"}, "PKG123", ""},
		{"shipping.zpl", "7", []string{"-b", "3", "--vers=1"}, "1234567", ""},
		{"gs1_logistic.zpl", "2", []string{"-b", "16", "--gs1"}, "[00]12345678901234567", ""},
		{"gs1_logistic.zpl", "4", []string{"-b", "16", "--gs1"}, "[01]0401234567890[17]261231[10]LOT42", ""},
		{"job.tspl", "2", []string{"-b", "20"}, "TX9-000041", ""},
	}
	dir := t.TempDir()
	for _, c := range cases {
		f, err := os.Open(filepath.Join("../testdata/labels", c.file))
		if err != nil {
			t.Fatal(err)
		}
		job, _ := labels.Parse(c.file, f)
		f.Close()
		var value string
		job.Each(func(fd labels.Field) error {
			if fd.Copy == 1 && fd.Field == c.field && value == "" {
				value = fd.Value
			}
			return nil
		})
		// zint computes the GS1 check digits itself: give it the data
		// without them where it would otherwise only verify them.
		data := c.data
		if strings.HasPrefix(data, "[00]") || strings.HasPrefix(data, "[01]") {
			data = gs1WithCheck(data)
		}
		png := filepath.Join(dir, "s.png")
		out, err := exec.Command(zint, append(c.args, "-o", png, "-d", data)...).CombinedOutput()
		if err != nil || strings.Contains(string(out), "Warning") {
			t.Errorf("%s field %s: zint %q: %v %s", c.file, c.field, data, err, out)
			continue
		}
		read, err := exec.Command(zbar, "-q", "--raw", png).Output()
		if err != nil {
			t.Errorf("%s field %s: zbarimg: %v", c.file, c.field, err)
			continue
		}
		got := strings.TrimRight(string(read), "\n")
		want := value
		if c.read != "" {
			want = c.read
		}
		if got != want {
			t.Errorf("%s field %s: zint and zbarimg make %q, the parser %q", c.file, c.field, got, value)
		}
	}
}

// gs1WithCheck completes a GS1 element string's SSCC or GTIN with a check
// digit computed here, independently of the package, so zint verifies it.
func gs1WithCheck(s string) string {
	check := func(d string) string {
		sum, w := 0, 3
		for i := len(d) - 1; i >= 0; i-- {
			sum += int(d[i]-'0') * w
			w = 4 - w
		}
		return string(rune('0' + (10-sum%10)%10))
	}
	switch {
	case strings.HasPrefix(s, "[00]") && len(s) >= 4+17:
		d := s[4 : 4+17]
		return "[00]" + d + check("00" + d)[:1] + s[4+17:]
	case strings.HasPrefix(s, "[01]") && len(s) >= 4+13:
		d := s[4 : 4+13]
		return "[01]" + d + check(d) + s[4+13:]
	}
	return s
}
