package serialgate_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"runtime"
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
		"github.com/makiuchi-d/gozxing": {"decode", "labels/render"}, // render: the writers, for validate --render-check
		"github.com/dlclark/regexp2":    {"pattern"},
		"go.yaml.in/yaml/v3":            {"rules", "internal/yamlfile", "cmd/serialgate"}, // files people write
		"os/exec": {"raster", "bench", "scanner", "internal/testenv", "internal/pgtest", "internal/javadiff", "internal/goawstest",
			"internal/sigv4",             // credential_process
			"cmd/serialgate/forward.go"}, // receive --forward-cmd; the receiver package stays free of child processes
		"C": {"scanner/camera"},
		// The device adapters are opened through scanner.Open only.
		"github.com/serialgate/serialgate/scanner/serialport": {"scanner"},
		"github.com/serialgate/serialgate/scanner/evdev":      {"scanner"},
		"github.com/serialgate/serialgate/scanner/tty":        {"scanner", "cmd/serialgate"},
		"github.com/serialgate/serialgate/scanner/camera":     {"scanner"},
	}
	// The packages that decide verdicts, read lists and write reports reach
	// no device, cgo, network or child process.
	device := []string{"C", "net", "net/http", "os/exec", "gocv.io/x/gocv", "github.com/tarm/serial",
		"github.com/serialgate/serialgate/scanner", "github.com/serialgate/serialgate/decode"}
	pure := map[string][]string{
		".":        {"*"}, // the root package: standard library only
		"rules":    device,
		"pattern":  append(device, "github.com/serialgate/serialgate/rules", "github.com/serialgate/serialgate/validate"), // knows nothing of rules files or models
		"validate": device,
		"serials":  device,
		"report":   device,
		"drs":      append(device, "net/http"), // the wire contract: encoding only
		"record":   device,
		"publish":  {"github.com/serialgate/serialgate/record", "github.com/serialgate/serialgate/station"},
		// The manufacturer's side speaks HTTP but reaches no device, cgo or
		// child process, and takes the record through an interface.
		"sandbox":  append(noDevice(device), "github.com/serialgate/serialgate/record"),
		"lwa":      noDevice(device),
		"receiver": append(noDevice(device), "github.com/serialgate/serialgate/record"),
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
				if (prefix == "github.com/makiuchi-d/gozxing" || prefix == "os/exec") && strings.HasSuffix(path, "_test.go") {
					continue // tests draw codes with gozxing's writers and start real servers and the built command
				}
				allowed := false
				for _, d := range dirs {
					if dir == d || strings.HasPrefix(dir, d+"/") || filepath.ToSlash(path) == d {
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

// noDevice is the device list without the network packages.
func noDevice(device []string) []string {
	var out []string
	for _, d := range device {
		if d != "net" && d != "net/http" {
			out = append(out, d)
		}
	}
	return out
}

// TestBinaryWithoutAWSSDK keeps the AWS SDK out of the command: its package
// initialisation cost every process about an eighth of its start-up CPU.
// Tests may use it (internal/sigv4 checks its signer against the SDK's).
func TestBinaryWithoutAWSSDK(t *testing.T) {
	out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "list", "-deps", "./cmd/serialgate").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/aws/") {
			t.Errorf("cmd/serialgate links %s", pkg)
		}
	}
}
