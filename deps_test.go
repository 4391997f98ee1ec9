package serialgate_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportRules keeps devices and cgo in their adapter packages: each
// restricted import may appear only under the folders listed for it, and
// the packages that decide verdicts reach no device, cgo or network.
func TestImportRules(t *testing.T) {
	only := map[string][]string{
		"gocv.io/x/gocv":                {"scanner/camera"},
		"github.com/tarm/serial":        {"scanner/serialport"},
		"github.com/makiuchi-d/gozxing": {"decode"},
		"github.com/dlclark/regexp2":    {"validate"},
		"go.yaml.in/yaml/v3":            {"rules"},
		"os/exec":                       {"labels", "bench", "scanner"},
		"C":                             {"scanner/camera"},
	}
	pure := map[string][]string{
		".":        {"*"}, // the root package: standard library only
		"rules":    {"C", "net", "net/http", "os/exec", "gocv.io/x/gocv", "github.com/tarm/serial"},
		"validate": {"C", "net", "net/http", "os/exec", "gocv.io/x/gocv", "github.com/tarm/serial"},
	}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "bin") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		for _, spec := range f.Imports {
			imp, _ := strconv.Unquote(spec.Path.Value)
			for prefix, dirs := range only {
				if imp != prefix && !strings.HasPrefix(imp, prefix+"/") {
					continue
				}
				if prefix == "github.com/makiuchi-d/gozxing" && strings.HasSuffix(path, "_test.go") {
					continue // tests draw codes with gozxing's writers
				}
				allowed := false
				for _, d := range dirs {
					if dir == d || strings.HasPrefix(dir, d+"/") {
						allowed = true
					}
				}
				if !allowed {
					t.Errorf("%s imports %s, allowed only in %v", path, imp, dirs)
				}
			}
			for _, banned := range pure[dir] {
				if banned == "*" && strings.Contains(strings.Split(imp, "/")[0], ".") && !strings.HasSuffix(path, "_test.go") {
					t.Errorf("%s imports %s: the root package uses the standard library only", path, imp)
				}
				if imp == banned {
					t.Errorf("%s imports %s", path, imp)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
