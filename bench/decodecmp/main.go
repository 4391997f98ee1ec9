// Command decodecmp runs serialgate, ZXingReader (zxing-cpp) and zbarimg
// over a folder of barcode images with expected texts, one process per
// image and tool, and prints per folder and per symbology group how many
// images each read correctly, its false positives and its median time per
// image as a ratio to ZXingReader's (an image's time is the fastest of
// -reps runs, the tools taking turns). With -boxlabels it does the same for
// the box-label photos, whose truth lists every barcode on each: serials
// read, barcodes read, misreads and median time, with ratios.
//
//	go run ./bench/decodecmp -serialgate bin/serialgate ../shared/testdata/barcodes
//	go run ./bench/decodecmp -serialgate bin/serialgate -boxlabels ../shared/testdata/boxlabels
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/serialgate/serialgate/decode"
)

type sample struct {
	folder, path string // path is a PNG, JPEG (converted from WebP when needed)
	want         []byte // expected bytes; nil for a photo with no barcode
	wantText     bool   // want came from a .txt file
}

type outcome struct {
	ok      bool // the expected code was read
	fp      bool // a code was reported where there is none, or a wrong one
	elapsed time.Duration
}

type tool struct {
	name string
	run  func(path string) (texts [][]byte, formats []string, err error)
	// batch is the command that reads many images in one process, for
	// the time per image without the process's start-up.
	batch func(paths []string) *exec.Cmd
}

// batchTime runs t on paths in one process (or a few, for long lists)
// and returns the wall time; ok is false when a process died of a signal
// (ZXingReader 1.4 aborts on an assertion for some lists of photos), its
// time then covering only part of the list.
func batchTime(t tool, paths []string) (el time.Duration, ok bool) {
	ok = true
	for len(paths) > 0 {
		n := min(len(paths), 200)
		cmd := t.batch(paths[:n])
		start := time.Now()
		if err := cmd.Run(); err != nil {
			ee, exit := err.(*exec.ExitError)
			if !exit {
				fatal(fmt.Errorf("%s: %v", t.name, err))
			}
			if ee.ProcessState.ExitCode() < 0 {
				ok = false
			}
		}
		el += time.Since(start)
		paths = paths[n:]
	}
	return el, ok
}

// startup is the median wall time of t reading one blank 16x16 image: the
// cost of a process that has nothing to decode.
func startup(t tool, blank string) time.Duration {
	var els []time.Duration
	for range 15 {
		start := time.Now()
		t.batch([]string{blank}).Run()
		els = append(els, time.Since(start))
	}
	slices.Sort(els)
	return els[len(els)/2]
}

// blankImage writes a white 16x16 PNG into dir.
func blankImage(dir string) string {
	img := image.NewGray(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	p := filepath.Join(dir, "blank.png")
	f, err := os.Create(p)
	if err != nil {
		fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		fatal(err)
	}
	return p
}

func serialgateBatch(bin string) func([]string) *exec.Cmd {
	return func(paths []string) *exec.Cmd {
		return exec.Command(bin, append([]string{"decode", "--format", "jsonl"}, paths...)...)
	}
}

func zxingBatch(paths []string) *exec.Cmd { return exec.Command("ZXingReader", paths...) }

func zbarBatch(paths []string) *exec.Cmd {
	return exec.Command("zbarimg", append([]string{"-q", "--nodbus"}, paths...)...)
}

func main() {
	sgBin := flag.String("serialgate", "bin/serialgate", "serialgate binary: the decode-only build (-tags decodeonly) or the full one")
	fullBin := flag.String("full", "", "also the full serialgate binary `BIN`, on the sample folders, when -serialgate is the decode-only build")
	only := flag.String("tools", "serialgate,zxing-cpp,zbar", "the tools to run, comma-separated")
	boxDir := flag.String("boxlabels", "", "also the box-label photos in `DIR` (with truth.jsonl)")
	verbose := flag.Bool("v", false, "list what serialgate missed and every misread")
	flag.IntVar(&reps, "reps", 3, "runs of each tool on each image, taking turns; an image's time is the fastest (its reads are the first run's)")
	flag.Parse()
	reps = max(1, reps)
	if flag.NArg() > 1 || (flag.NArg() == 0 && *boxDir == "") {
		fmt.Fprintln(os.Stderr, "usage: decodecmp [-serialgate BIN] [-boxlabels DIR] [BARCODES_DIR]")
		os.Exit(2)
	}
	// Each tool twice: as the sample folders compare (texts and bytes),
	// and with one exact text per code, for the box labels' misreads.
	tools := []tool{{"serialgate", serialgateTool(*sgBin, false), serialgateBatch(*sgBin)}}
	exact := []tool{{"serialgate", serialgateTool(*sgBin, true), serialgateBatch(*sgBin)}}
	if _, err := exec.LookPath("ZXingReader"); err == nil {
		tools = append(tools, tool{"zxing-cpp", zxingTool, zxingBatch})
		exact = append(exact, tool{"zxing-cpp", zxingExact, zxingBatch})
	} else {
		fmt.Fprintln(os.Stderr, "ZXingReader not found (Debian zxing-cpp-tools): left out")
	}
	if _, err := exec.LookPath("zbarimg"); err == nil {
		tools = append(tools, tool{"zbar", zbarTool, zbarBatch})
		exact = append(exact, tool{"zbar", zbarTool, zbarBatch})
	} else {
		fmt.Fprintln(os.Stderr, "zbarimg not found (Debian zbar-tools): left out")
	}
	keep := func(ts []tool) []tool {
		var kept []tool
		for _, t := range ts {
			if slices.Contains(strings.Split(*only, ","), t.name) {
				kept = append(kept, t)
			}
		}
		return kept
	}
	tools, exact = keep(tools), keep(exact)
	if *fullBin != "" {
		// Last, so that the ratios stay to the second tool, ZXingReader.
		tools = append(tools, tool{fullName, serialgateTool(*fullBin, false), serialgateBatch(*fullBin)})
	}
	if len(tools) == 0 {
		fatal(fmt.Errorf("no tool to run among %q", *only))
	}
	if flag.NArg() == 1 {
		samples(flag.Arg(0), tools, *verbose)
	}
	if *boxDir != "" {
		if err := runBoxLabels(*boxDir, exact, *verbose); err != nil {
			fatal(err)
		}
	}
}

// samples compares the tools on the sample folders of dir.
func samples(dir string, tools []tool, verbose bool) {
	tmp, err := os.MkdirTemp("", "decodecmp-")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(tmp)
	samples, err := load(dir, tmp)
	if err != nil {
		fatal(err)
	}
	results := make([][]outcome, len(tools))
	var failures []string
	// The tools take turns on each image, so that a machine whose speed
	// drifts during the run (other load, a VM's steal) slows them alike,
	// and each reads it reps times: the fastest run is the image's time,
	// the others were slowed by something else.
	for _, s := range samples {
		runs := turns(tools, s.path)
		for ti, t := range tools {
			texts, formats, el, err := runs[ti].texts, runs[ti].formats, runs[ti].best, runs[ti].err
			o := outcome{elapsed: el}
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s %s: %v\n", t.name, s.path, err)
			}
			o.ok, o.fp = score(texts, formats, s)
			if t.name == "serialgate" && s.want != nil && !o.ok {
				failures = append(failures, s.path)
			}
			if t.name == "serialgate" && o.fp {
				var shown []string
				for _, t := range texts {
					q := fmt.Sprintf("%q", t)
					if len(q) > 60 {
						q = q[:60] + "..."
					}
					shown = append(shown, q)
				}
				failures = append(failures, s.path+" (wrong or extra: "+strings.Join(shown, " | ")+")")
			}
			results[ti] = append(results[ti], o)
		}
	}
	report(samples, tools, results)
	batchReport(samples, tools, blankImage(tmp))
	if verbose || os.Getenv("DECODECMP_VERBOSE") != "" {
		fmt.Println("\nserialgate missed:")
		for _, f := range failures {
			fmt.Println("  " + f)
		}
	}
}

// reps is how many times each tool reads each image (-reps).
var reps = 3

// toolRun is what one tool made of one image: the first run's reads and
// the fastest of its runs' times.
type toolRun struct {
	texts   [][]byte
	formats []string
	best    time.Duration
	err     error
}

// turns runs each tool on path reps times, the tools taking turns (each
// round runs every tool once), and returns each tool's first reads and
// fastest time.
func turns(tools []tool, path string) []toolRun {
	out := make([]toolRun, len(tools))
	for i := range out {
		out[i].best = time.Duration(math.MaxInt64)
	}
	for r := range reps {
		for ti, t := range tools {
			start := time.Now()
			texts, formats, err := t.run(path)
			el := time.Since(start)
			if r == 0 {
				out[ti].texts, out[ti].formats, out[ti].err = texts, formats, err
			}
			out[ti].best = min(out[ti].best, el)
		}
	}
	return out
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "decodecmp:", err)
	os.Exit(1)
}

// load lists the images with their expectations, converting WebP to PNG
// (ZXingReader cannot read WebP) so every tool reads the same file.
func load(dir, tmp string) ([]sample, error) {
	var out []sample
	folders, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, f := range folders {
		if !f.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, f.Name()))
		if err != nil {
			return nil, err
		}
		for _, e := range files {
			ext := strings.ToLower(filepath.Ext(e.Name()))
			if ext != ".png" && ext != ".jpg" && ext != ".jpeg" && ext != ".webp" && ext != ".gif" {
				continue
			}
			base := strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))
			p := filepath.Join(dir, f.Name(), e.Name())
			s := sample{folder: f.Name(), path: p}
			if b, err := os.ReadFile(filepath.Join(dir, f.Name(), base+".txt")); err == nil {
				s.want, s.wantText = b, true
			} else if b, err := os.ReadFile(filepath.Join(dir, f.Name(), base+".bin")); err == nil {
				s.want = b
			} else if !strings.HasPrefix(f.Name(), "falsepositives") {
				continue // no expectation
			}
			if ext == ".webp" {
				png := filepath.Join(tmp, f.Name()+"-"+base+".png")
				if out, err := exec.Command("dwebp", "-quiet", p, "-o", png).CombinedOutput(); err != nil {
					return nil, fmt.Errorf("dwebp %s: %v %s", p, err, out)
				}
				s.path = png
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// matches compares a decoded code with the expectation under the
// folder's conventions: UPC-A and UPC-E in their 13-digit EAN-13 form,
// GS1 data without a leading GS, EAN/UPC add-ons (" 12", " 51995") left out.
func matches(got []byte, format string, s sample) bool {
	g := string(bytes.TrimPrefix(got, []byte{0x1d}))
	want := string(s.want)
	if s.wantText {
		// The expectation files may end in a newline the symbol does not
		// hold, or hold the symbol's own final newline: compare without.
		want = strings.TrimRight(want, "\n")
		g = strings.TrimRight(g, "\n")
	}
	if g == want {
		return true
	}
	f := strings.ToUpper(strings.NewReplacer("-", "", "_", "").Replace(format))
	if main, addOn, ok := strings.Cut(g, " "); ok && (strings.HasPrefix(f, "EAN") || strings.HasPrefix(f, "UPC")) {
		if len(addOn) == 2 || len(addOn) == 5 {
			return matches([]byte(main), format, s)
		}
	}
	switch {
	case (f == "UPCA") && len(g) == 12:
		return "0"+g == want
	case (f == "UPCE") && len(g) == 8:
		return "0"+decode.ExpandUPCE(g) == want
	case f == "EAN13" && len(g) == 13 && len(want) == 12:
		return g == "0"+want
	}
	return false
}

// score tells whether a tool that reported texts (in formats) on the
// sample s read its code, and whether it reported a misread: a code on a
// photo without one, only codes other than the one there, or beside the
// right reading another text of its 1D family.
func score(texts [][]byte, formats []string, s sample) (ok, misread bool) {
	hit := ""
	for i, txt := range texts {
		if s.want != nil && matches(txt, formats[i], s) {
			ok, hit = true, family1D(formats[i])
		}
	}
	for i, txt := range texts {
		if hit != "" && family1D(formats[i]) == hit && !matches(txt, formats[i], s) {
			misread = true
		}
	}
	if len(texts) > 0 && (s.want == nil || !ok) {
		misread = true
	}
	return ok, misread
}

// family1D is the family of a 1D format as a tool names it (EAN and UPC
// one family), "" for the others: a photo of one 1D code that reports a
// second text of its family reports a misread.
func family1D(format string) string {
	f := strings.ToUpper(strings.NewReplacer("-", "", "_", "", " ", "", "/", "").Replace(format))
	switch {
	case strings.HasPrefix(f, "EAN") || strings.HasPrefix(f, "UPC") || strings.HasPrefix(f, "ISBN"):
		return "EANUPC"
	case strings.HasPrefix(f, "CODE128"), strings.HasPrefix(f, "CODE39"), strings.HasPrefix(f, "CODE93"),
		strings.HasPrefix(f, "CODABAR"), strings.HasPrefix(f, "ITF"), strings.HasPrefix(f, "I25"):
		return f
	}
	return ""
}

// serialgateTool runs serialgate decode; exact leaves out the bytes given
// beside a text.
func serialgateTool(bin string, exact bool) func(string) ([][]byte, []string, error) {
	return func(path string) ([][]byte, []string, error) {
		out, err := exec.Command(bin, "decode", "--format", "jsonl", path).Output()
		var rec struct {
			Barcodes []struct {
				Text   string `json:"text"`
				RawHex string `json:"raw_hex"`
				Format string `json:"format"`
			} `json:"barcodes"`
		}
		if jerr := json.Unmarshal(out, &rec); jerr != nil {
			return nil, nil, fmt.Errorf("%v %v", err, jerr)
		}
		var texts [][]byte
		var formats []string
		for _, b := range rec.Barcodes {
			texts = append(texts, []byte(b.Text))
			formats = append(formats, b.Format)
			if b.RawHex != "" && !exact { // binary expectations compare with the symbol's bytes
				raw, _ := hex.DecodeString(b.RawHex)
				texts = append(texts, raw)
				formats = append(formats, b.Format)
			}
		}
		return texts, formats, nil
	}
}

func zxingTool(path string) ([][]byte, []string, error) {
	out, _ := exec.Command("ZXingReader", path).Output()
	var texts [][]byte
	var formats []string
	for _, rec := range strings.Split(string(out), "\nText:")[0:] {
		if !strings.Contains(rec, "Format:") {
			continue
		}
		rec = strings.TrimPrefix(rec, "Text:")
		text := rec
		if i := strings.Index(rec, "\nBytes:"); i >= 0 {
			text = rec[:i]
		}
		text = strings.TrimSpace(text)
		text = strings.TrimSuffix(strings.TrimPrefix(text, `"`), `"`)
		format := ""
		if i := strings.Index(rec, "Format:"); i >= 0 {
			format = strings.TrimSpace(strings.SplitN(rec[i+7:], "\n", 2)[0])
		}
		texts = append(texts, []byte(text))
		formats = append(formats, format)
		if i := strings.Index(rec, "Bytes:"); i >= 0 { // for binary expectations
			hexs := strings.ReplaceAll(strings.SplitN(rec[i+6:], "\n", 2)[0], " ", "")
			if raw, err := hex.DecodeString(hexs); err == nil {
				texts = append(texts, raw)
				formats = append(formats, format)
			}
		}
	}
	return texts, formats, nil
}

// zxingExact runs ZXingReader and gives each code's exact text, from its
// bytes where it prints them.
func zxingExact(path string) ([][]byte, []string, error) {
	out, _ := exec.Command("ZXingReader", path).Output()
	var texts [][]byte
	var formats []string
	for _, rec := range strings.Split("\n"+string(out), "\nText:") {
		if !strings.Contains(rec, "Format:") {
			continue
		}
		text, ok := textOf(rec)
		if !ok {
			text = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(strings.SplitN(rec, "\n", 2)[0]), `"`), `"`)
		}
		i := strings.Index(rec, "Format:")
		texts = append(texts, []byte(text))
		formats = append(formats, strings.TrimSpace(strings.SplitN(rec[i+7:], "\n", 2)[0]))
	}
	return texts, formats, nil
}

func zbarTool(path string) ([][]byte, []string, error) {
	out, _ := exec.Command("zbarimg", "-q", "--nodbus", "--xml", path).Output()
	var doc struct {
		Symbols []struct {
			Type string `xml:"type,attr"`
			Data struct {
				Format string `xml:"format,attr"`
				Text   string `xml:",chardata"`
			} `xml:"data"`
		} `xml:"source>index>symbol"`
	}
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, nil, nil
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		return nil, nil, err
	}
	var texts [][]byte
	var formats []string
	for _, s := range doc.Symbols {
		data := []byte(s.Data.Text)
		if s.Data.Format == "base64" { // zbar's form for data with control characters
			b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s.Data.Text))
			if err != nil {
				return nil, nil, err
			}
			data = b
		}
		texts = append(texts, data)
		formats = append(formats, s.Type)
	}
	return texts, formats, nil
}

// group names the symbology group of a folder.
func group(folder string) string {
	switch {
	case strings.HasPrefix(folder, "microqr"):
		return "Micro QR"
	case strings.HasPrefix(folder, "qrcode"):
		return "QR"
	case strings.HasPrefix(folder, "datamatrix"):
		return "Data Matrix"
	case strings.HasPrefix(folder, "aztec"):
		return "Aztec"
	case strings.HasPrefix(folder, "pdf417"):
		return "PDF417"
	case strings.HasPrefix(folder, "falsepositives"):
		return "no barcode"
	}
	return "1D"
}

func report(samples []sample, tools []tool, results [][]outcome) {
	type key struct{ kind, name string }
	var keys []key
	seen := map[key]bool{}
	for _, s := range samples {
		for _, k := range []key{{"folder", s.folder}, {"group", group(s.folder)}} {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.SliceStable(keys, func(i, j int) bool {
		if keys[i].kind != keys[j].kind {
			return keys[i].kind == "folder"
		}
		return keys[i].name < keys[j].name
	})
	fmt.Printf("%-26s %5s", "", "imgs")
	for _, t := range tools {
		fmt.Printf(" | %-30s", t.name+" read / fp / median ms")
	}
	fmt.Printf(" | %s\n", "time ratio sg/zxing")
	full := slices.IndexFunc(tools, func(t tool) bool { return t.name == fullName })
	for _, k := range keys {
		if k.kind == "group" && k == keys[0] {
			continue
		}
		var idx []int
		for i, s := range samples {
			if (k.kind == "folder" && s.folder == k.name) || (k.kind == "group" && group(s.folder) == k.name) {
				idx = append(idx, i)
			}
		}
		label := k.name
		if k.kind == "group" {
			label = "[" + k.name + "]"
		}
		fmt.Printf("%-26s %5d", label, len(idx))
		var medians []float64
		for ti := range tools {
			ok, fp := 0, 0
			var ms []float64
			for _, i := range idx {
				o := results[ti][i]
				if o.ok {
					ok++
				}
				if o.fp {
					fp++
				}
				ms = append(ms, float64(o.elapsed.Microseconds())/1000)
			}
			sort.Float64s(ms)
			med := ms[len(ms)/2]
			medians = append(medians, med)
			fmt.Printf(" | %4d / %3d / %8.1f %12s", ok, fp, med, "")
		}
		if len(medians) > 1 && medians[1] > 0 {
			fmt.Printf(" | %5.2f", medians[0]/medians[1])
			if full > 1 {
				fmt.Printf(" (full binary %.2f)", medians[full]/medians[1])
			}
		}
		fmt.Println()
	}
}

// fullName names the full serialgate binary (station and all) beside the
// decode-only build, in the sample tables.
const fullName = "serialgate full"

// batchReport times each tool reading each folder's images in one process
// and prints, per symbology group, the time per image without the
// process's start-up, beside the ratio to ZXingReader's.
func batchReport(samples []sample, tools []tool, blank string) {
	byFolder := map[string][]string{}
	var folders []string
	for _, s := range samples {
		if byFolder[s.folder] == nil {
			folders = append(folders, s.folder)
		}
		byFolder[s.folder] = append(byFolder[s.folder], s.path)
	}
	type sum struct {
		el      []time.Duration // per tool
		aborted []bool
		n       int
	}
	groups := map[string]*sum{}
	var names []string
	for _, f := range folders {
		g := group(f)
		if groups[g] == nil {
			groups[g] = &sum{el: make([]time.Duration, len(tools)), aborted: make([]bool, len(tools))}
			names = append(names, g)
		}
		groups[g].n += len(byFolder[f])
		for ti, t := range tools {
			el, ok := batchTime(t, byFolder[f])
			groups[g].el[ti] += el
			groups[g].aborted[ti] = groups[g].aborted[ti] || !ok
		}
	}
	sort.Strings(names)
	fmt.Printf("\n== one process per folder: ms per image, start-up shared by the folder's images\n")
	fmt.Printf("%-26s %5s", "", "imgs")
	for _, t := range tools {
		fmt.Printf(" | %12s", t.name)
	}
	fmt.Printf(" | %s\n", "time ratio sg/zxing")
	for _, g := range names {
		s := groups[g]
		fmt.Printf("%-26s %5d", "["+g+"]", s.n)
		for ti := range tools {
			if s.aborted[ti] {
				fmt.Printf(" | %12s", "aborted")
				continue
			}
			fmt.Printf(" | %12.1f", float64(s.el[ti].Microseconds())/1000/float64(s.n))
		}
		if len(tools) > 1 && s.el[1] > 0 && !s.aborted[0] && !s.aborted[1] {
			fmt.Printf(" | %5.2f", float64(s.el[0])/float64(s.el[1]))
		}
		fmt.Println()
	}
	fmt.Printf("%-32s", "start-up (a blank 16x16 image)")
	for _, t := range tools {
		fmt.Printf(" | %12.1f", float64(startup(t, blank).Microseconds())/1000)
	}
	fmt.Println()
}
