package report

import (
	"bufio"
	"html/template"
	"strings"
	"sync"

	"github.com/serialgate/serialgate"
)

// The HTML report keeps every rejected result up to maxFailures a file
// and the first maxPasses passes; the rest are counted, so that a run
// over a million labels writes a page a browser can open.
const (
	maxFailures = 10_000
	maxPasses   = 1_000
)

// htmlWriter collects results per file and writes one self-contained
// page at Close: inline CSS, no script, failures first in each file's
// table, each rejected label with its fields. html/template escapes every
// value.
type htmlWriter struct {
	w                       *bufio.Writer
	title                   string
	files                   []*htmlFile
	checked, valid, invalid int
}

type htmlFile struct {
	Name                      string
	Checked, Valid, Invalid   int
	Failures, Passes          []htmlRow
	HiddenFailures, HiddenOKs int
}

type htmlRow struct {
	Place, Symbology, Value, Serial, Model, Code, Message string
	Differs                                               bool // the value is not the serial: show both
	Fields                                                []htmlField
}

type htmlField struct{ Field, Kind, Value string }

func newHTMLWriter(w *bufio.Writer, title string) *htmlWriter {
	if title == "" {
		title = "serialgate: label and serial check"
	}
	return &htmlWriter{w: w, title: title}
}

func (o *htmlWriter) Write(file string, line int, v serialgate.Verdict) error {
	return o.Result(Result{File: file, Line: line, Verdict: v})
}

func (o *htmlWriter) Result(r Result) error {
	if len(o.files) == 0 || o.files[len(o.files)-1].Name != r.File {
		o.files = append(o.files, &htmlFile{Name: r.File})
	}
	f := o.files[len(o.files)-1]
	v := r.Verdict
	f.Checked++
	o.checked++
	if v.OK {
		f.Valid++
		o.valid++
		if len(f.Passes) >= maxPasses {
			f.HiddenOKs++
			return nil
		}
	} else {
		f.Invalid++
		o.invalid++
		if len(f.Failures) >= maxFailures {
			f.HiddenFailures++
			return nil
		}
	}
	row := htmlRow{Place: r.Place(), Symbology: string(r.Symbology), Value: serialgate.Shown(r.Value), Serial: serialgate.Shown(v.Serial),
		Model: Models(v), Code: v.Reason.String(), Message: v.Message}
	row.Differs = r.Value != "" && r.Value != v.Serial
	if v.OK {
		f.Passes = append(f.Passes, row)
		return nil
	}
	for _, lf := range r.Fields {
		row.Fields = append(row.Fields, htmlField{Field: lf.Field, Kind: fieldKind(lf), Value: serialgate.Shown(lf.Value)})
	}
	f.Failures = append(f.Failures, row)
	return nil
}

func (o *htmlWriter) Close() error {
	err := checkTemplate().Execute(o.w, o)
	if ferr := o.w.Flush(); err == nil {
		err = ferr
	}
	return err
}

// Title and the counts, for the template.
func (o *htmlWriter) Title() string      { return o.title }
func (o *htmlWriter) Files() []*htmlFile { return o.files }
func (o *htmlWriter) Checked() int       { return o.checked }
func (o *htmlWriter) Valid() int         { return o.valid }
func (o *htmlWriter) Invalid() int       { return o.invalid }
func (o *htmlWriter) CSS() template.CSS  { return template.CSS(pageCSS) }
func (f *htmlFile) Hidden() bool         { return f.HiddenFailures+f.HiddenOKs > 0 }
func (f *htmlFile) Rows() int            { return len(f.Failures) + len(f.Passes) }
func (r htmlRow) Rejected() bool         { return r.Code != "" }
func (r htmlRow) Summary() string        { return strings.TrimSpace(r.Message) }

// pageCSS is shared by the check report and the shift report: readable on
// a screen, and on paper without the screen's colours and with table
// headers repeated on each page.
const pageCSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em;color:#111}
h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.15em;margin:1.5em 0 .4em}
table{border-collapse:collapse;width:100%;margin:.3em 0 1em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
code,.v{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
tr.bad td{background:#fdecea}tr.bad td.verdict{color:#a50e0e;font-weight:600}
tr.ok td.verdict{color:#137333}tr.fields td{background:#fafafa;font-size:.9em}
.summary{display:flex;gap:2em;margin:.5em 0 1em}.summary div{font-size:1.1em}
.summary b{font-size:1.4em;display:block}.muted{color:#666}
svg{max-width:100%;height:auto}svg .bar{fill:#3b6fb6}svg .rej{fill:#c5221f}svg text{font:11px sans-serif;fill:#333}
@media print{body{margin:0;font-size:10pt}tr.bad td,th,tr.fields td{background:none}
 tr.bad td.verdict{color:#000}thead{display:table-header-group}tr{break-inside:avoid}
 h2{break-after:avoid}section{break-inside:auto}a{color:inherit;text-decoration:none}}
`

// checkTemplate is parsed on first use, not at every process start.
var checkTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("check").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.Title}}</title>
<style>{{.CSS}}</style></head>
<body>
<h1>{{.Title}}</h1>
<div class="summary"><div><b>{{.Checked}}</b>checked</div><div><b>{{.Valid}}</b>valid</div><div><b>{{.Invalid}}</b>rejected</div><div><b>{{len .Files}}</b>files</div></div>
{{range .Files}}<section>
<h2>{{.Name}}</h2>
<p class="muted">{{.Checked}} checked, {{.Valid}} valid, {{.Invalid}} rejected{{if .HiddenFailures}}; {{.HiddenFailures}} more rejects not shown{{end}}{{if .HiddenOKs}}; {{.HiddenOKs}} more passes not shown{{end}}</p>
{{if .Rows}}<table>
<thead><tr><th>Where</th><th>Symbology</th><th>Serial</th><th>Model</th><th>Verdict</th><th>Reason</th></tr></thead>
<tbody>
{{range .Failures}}<tr class="bad"><td>{{.Place}}</td><td>{{.Symbology}}</td><td class="v">{{.Serial}}{{if .Differs}}<br><span class="muted">printed: {{.Value}}</span>{{end}}</td><td>{{.Model}}</td><td class="verdict">REJECT</td><td><code>{{.Code}}</code> {{.Summary}}</td></tr>
{{if .Fields}}<tr class="fields"><td></td><td colspan="5">The label's fields:<table>
<thead><tr><th>Field</th><th>Kind</th><th>Value</th></tr></thead>
<tbody>{{range .Fields}}<tr><td>{{.Field}}</td><td>{{.Kind}}</td><td class="v">{{.Value}}</td></tr>{{end}}</tbody></table></td></tr>
{{end}}{{end}}{{range .Passes}}<tr class="ok"><td>{{.Place}}</td><td>{{.Symbology}}</td><td class="v">{{.Serial}}{{if .Differs}}<br><span class="muted">printed: {{.Value}}</span>{{end}}</td><td>{{.Model}}</td><td class="verdict">ok</td><td></td></tr>
{{end}}</tbody></table>{{end}}
</section>
{{end}}</body></html>
`))
})
