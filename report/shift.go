package report

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/serialgate/serialgate"
)

// The shift report keeps at most these many duplicates and undelivered
// events to list; it counts them all.
const (
	MaxDuplicates  = 1000
	MaxUndelivered = 500
)

// Scan is one recorded scan as the shift report counts it.
type Scan struct {
	ID          int64
	Time        time.Time
	Station     string
	Line        string
	Serial      string
	Model, ASIN string
	OK          bool
	Reason      serialgate.Reason
	DuplicateOf int64 // the first pass, when the scan was a duplicate
}

// Count is scans, passed and rejected.
type Count struct {
	Total    int `json:"total"`
	Passed   int `json:"passed"`
	Rejected int `json:"rejected"`
}

func (c *Count) add(ok bool) {
	c.Total++
	if ok {
		c.Passed++
	} else {
		c.Rejected++
	}
}

// Rate is the pass rate in percent, 0 with no scans.
func (c Count) Rate() float64 {
	if c.Total == 0 {
		return 0
	}
	return 100 * float64(c.Passed) / float64(c.Total)
}

// Duplicate is a scan of a serial that had already passed, with where it
// first passed (filled by the caller, which can ask the store).
type Duplicate struct {
	RecordID     int64     `json:"record_id"`
	Time         time.Time `json:"time"`
	Serial       string    `json:"serial"`
	Model        string    `json:"model"`
	Station      string    `json:"station"`
	FirstID      int64     `json:"first_record_id"`
	FirstStation string    `json:"first_station,omitempty"`
	FirstTime    time.Time `json:"first_time,omitzero"`
}

// Sink is one sink's delivery backlog.
type Sink struct {
	Name        string    `json:"sink"`
	Pending     int       `json:"pending"`
	Oldest      time.Time `json:"oldest_pending,omitzero"`
	Sent        int       `json:"sent"`
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
}

// Undelivered is an event not yet delivered to one of its sinks.
type Undelivered struct {
	EventID   string    `json:"event_id"`
	Type      string    `json:"type"`
	Time      time.Time `json:"time"`
	Serial    string    `json:"serial"`
	Model     string    `json:"model"`
	Sink      string    `json:"sink"`
	State     string    `json:"state"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
}

// Shift is the packaging line's report over a stretch of the record:
// totals, pass rate, rejects by reason, per model and ASIN, scans per
// hour, duplicates and undelivered events. Add takes scans one at a time,
// and memory grows with the models, ASINs and hours, not the scans.
type Shift struct {
	Title          string
	Store          string // the store's display name
	Line, Station  string
	Since, Until   time.Time // the query's bounds; zero when open
	Generated      time.Time
	Count          Count
	Reasons        map[string]int    // rejects by reason code
	Models, ASINs  map[string]*Count // "" for scans without one
	Hours          map[time.Time]*Count
	First, Last    time.Time // the first and last scan's times
	Duplicates     []Duplicate
	DuplicateCount int
	Sinks          []Sink
	Undelivered    []Undelivered
	UndeliveredN   int
}

// Add counts one scan.
func (s *Shift) Add(sc Scan) {
	if s.Reasons == nil {
		s.Reasons, s.Models, s.ASINs, s.Hours = map[string]int{}, map[string]*Count{}, map[string]*Count{}, map[time.Time]*Count{}
	}
	s.Count.add(sc.OK)
	if !sc.OK {
		s.Reasons[sc.Reason.String()]++
	}
	counter(s.Models, sc.Model).add(sc.OK)
	counter(s.ASINs, sc.ASIN).add(sc.OK)
	h := sc.Time.UTC().Truncate(time.Hour)
	if s.Hours[h] == nil {
		s.Hours[h] = &Count{}
	}
	s.Hours[h].add(sc.OK)
	if s.First.IsZero() || sc.Time.Before(s.First) {
		s.First = sc.Time
	}
	if sc.Time.After(s.Last) {
		s.Last = sc.Time
	}
	if sc.DuplicateOf != 0 {
		s.DuplicateCount++
		if len(s.Duplicates) < MaxDuplicates {
			s.Duplicates = append(s.Duplicates, Duplicate{RecordID: sc.ID, Time: sc.Time, Serial: sc.Serial, Model: sc.Model,
				Station: sc.Station, FirstID: sc.DuplicateOf})
		}
	}
}

// AddUndelivered lists an event delivery still pending or failed.
func (s *Shift) AddUndelivered(u Undelivered) {
	s.UndeliveredN++
	if len(s.Undelivered) < MaxUndelivered {
		s.Undelivered = append(s.Undelivered, u)
	}
}

func counter(m map[string]*Count, k string) *Count {
	c := m[k]
	if c == nil {
		c = &Count{}
		m[k] = c
	}
	return c
}

// Keyed is a count with its key, for sorted tables.
type Keyed struct {
	Key string `json:"key"`
	Count
	Rate float64 `json:"pass_rate"`
}

func sorted(m map[string]*Count) []Keyed {
	out := make([]Keyed, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, Keyed{Key: k, Count: *m[k], Rate: m[k].Rate()})
	}
	return out
}

// ReasonCount is rejects of one reason.
type ReasonCount struct {
	Code  string `json:"code"`
	Count int    `json:"count"`
}

// ReasonCounts lists the rejects by reason, most first.
func (s *Shift) ReasonCounts() []ReasonCount {
	out := make([]ReasonCount, 0, len(s.Reasons))
	for k, n := range s.Reasons {
		out = append(out, ReasonCount{k, n})
	}
	slices.SortFunc(out, func(a, b ReasonCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		if a.Code < b.Code {
			return -1
		}
		return 1
	})
	return out
}

// HourCount is the scans of one hour.
type HourCount struct {
	Hour time.Time `json:"hour"`
	Count
}

// HourCounts lists every hour from the first scan's to the last's, empty
// hours included, so that a chart shows the gaps.
func (s *Shift) HourCounts() []HourCount {
	if len(s.Hours) == 0 {
		return nil
	}
	first := s.First.UTC().Truncate(time.Hour)
	last := s.Last.UTC().Truncate(time.Hour)
	var out []HourCount
	for h := first; !h.After(last); h = h.Add(time.Hour) {
		c := Count{}
		if p := s.Hours[h]; p != nil {
			c = *p
		}
		out = append(out, HourCount{h, c})
	}
	return out
}

// WriteShift writes s as format: "html", "csv" or "json".
func WriteShift(w io.Writer, format string, s *Shift) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var err error
	switch format {
	case "html":
		err = shiftTemplate().Execute(bw, shiftPage{s})
	case "json":
		err = writeShiftJSON(bw, s)
	case "csv":
		err = writeShiftCSV(bw, s)
	default:
		return fmt.Errorf("unknown format %q (want html, csv or json)", format)
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

func writeShiftJSON(w io.Writer, s *Shift) error {
	doc := struct {
		Title          string        `json:"title,omitempty"`
		Store          string        `json:"store,omitempty"`
		Line           string        `json:"line,omitempty"`
		Station        string        `json:"station,omitempty"`
		Since          time.Time     `json:"since,omitzero"`
		Until          time.Time     `json:"until,omitzero"`
		Generated      time.Time     `json:"generated,omitzero"`
		Total          int           `json:"total"`
		Passed         int           `json:"passed"`
		Rejected       int           `json:"rejected"`
		PassRate       float64       `json:"pass_rate"`
		Reasons        []ReasonCount `json:"rejects_by_reason"`
		Models         []Keyed       `json:"models"`
		ASINs          []Keyed       `json:"asins"`
		Hours          []HourCount   `json:"hours"`
		DuplicateCount int           `json:"duplicate_count"`
		Duplicates     []Duplicate   `json:"duplicates"`
		Sinks          []Sink        `json:"sinks"`
		UndeliveredN   int           `json:"undelivered_count"`
		Undelivered    []Undelivered `json:"undelivered"`
	}{s.Title, s.Store, s.Line, s.Station, s.Since, s.Until, s.Generated, s.Count.Total, s.Count.Passed, s.Count.Rejected,
		s.Count.Rate(), s.ReasonCounts(), sorted(s.Models), sorted(s.ASINs), s.HourCounts(), s.DuplicateCount, s.Duplicates,
		s.Sinks, s.UndeliveredN, s.Undelivered}
	for _, p := range []any{&doc.Hours, &doc.Duplicates, &doc.Sinks, &doc.Undelivered} {
		switch p := p.(type) { // empty lists, not null
		case *[]HourCount:
			if *p == nil {
				*p = []HourCount{}
			}
		case *[]Duplicate:
			if *p == nil {
				*p = []Duplicate{}
			}
		case *[]Sink:
			if *p == nil {
				*p = []Sink{}
			}
		case *[]Undelivered:
			if *p == nil {
				*p = []Undelivered{}
			}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// writeShiftCSV writes one table of sections: each row is a section, a
// key within it, and counts; a spreadsheet filters by section.
func writeShiftCSV(w io.Writer, s *Shift) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"section", "key", "total", "passed", "rejected", "pass_rate", "detail"})
	row := func(section, key string, c Count, detail string) {
		cw.Write([]string{section, Cell(key), strconv.Itoa(c.Total), strconv.Itoa(c.Passed), strconv.Itoa(c.Rejected),
			strconv.FormatFloat(c.Rate(), 'f', 2, 64), Cell(detail)})
	}
	row("total", "", s.Count, "")
	for _, r := range s.ReasonCounts() {
		cw.Write([]string{"reason", r.Code, strconv.Itoa(r.Count), "0", strconv.Itoa(r.Count), "", ""})
	}
	for _, k := range sorted(s.Models) {
		row("model", k.Key, k.Count, "")
	}
	for _, k := range sorted(s.ASINs) {
		row("asin", k.Key, k.Count, "")
	}
	for _, h := range s.HourCounts() {
		row("hour", h.Hour.Format(time.RFC3339), h.Count, "")
	}
	for _, d := range s.Duplicates {
		cw.Write([]string{"duplicate", Cell(d.Serial), "", "", "", "", fmt.Sprintf("record %d on station %s at %s; first passed as record %d on station %s",
			d.RecordID, d.Station, d.Time.UTC().Format(time.RFC3339), d.FirstID, d.FirstStation)})
	}
	for _, k := range s.Sinks {
		cw.Write([]string{"sink", Cell(k.Name), "", strconv.Itoa(k.Sent), "", "", fmt.Sprintf("%d pending; last error: %s", k.Pending, k.LastError)})
	}
	for _, u := range s.Undelivered {
		cw.Write([]string{"undelivered", Cell(u.EventID), "", "", "", "", Cell(fmt.Sprintf("%s to %s: %s after %d attempts %s", u.Serial, u.Sink, u.State, u.Attempts, u.LastError))})
	}
	cw.Flush()
	return cw.Error()
}

// shiftPage is a Shift as the HTML template reads it.
type shiftPage struct{ *Shift }

func (p shiftPage) CSS() template.CSS    { return template.CSS(pageCSS) }
func (p shiftPage) Rate() string         { return fmt.Sprintf("%.1f%%", p.Count.Rate()) }
func (p shiftPage) ModelRows() []Keyed   { return sorted(p.Models) }
func (p shiftPage) ASINRows() []Keyed    { return sorted(p.ASINs) }
func (p shiftPage) Chart() *chart        { return newChart(p.HourCounts()) }
func (p shiftPage) HeadTitle() string    { return p.title() }
func (p shiftPage) MoreDuplicates() int  { return p.DuplicateCount - len(p.Duplicates) }
func (p shiftPage) MoreUndelivered() int { return p.UndeliveredN - len(p.Undelivered) }
func (p shiftPage) When(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func (p shiftPage) title() string {
	if p.Title != "" {
		return p.Title
	}
	t := "Packaging line report"
	if p.Line != "" {
		t += ": line " + p.Line
	}
	if p.Station != "" {
		t += ", station " + p.Station
	}
	return t
}

// chart is the scans-per-hour bar chart, drawn as SVG by the template:
// one bar an hour, passes stacked on rejects.
type chart struct {
	Width, Height, Top, Base int
	Bars                     []bar
	Ticks                    []tick
	Max                      int
}

type bar struct {
	X, W       int
	YOK, HOK   int
	YRej, HRej int
	Title      string
}

type tick struct {
	X, Y  int
	Label string
}

func newChart(hours []HourCount) *chart {
	if len(hours) == 0 {
		return nil
	}
	c := &chart{Width: 760, Height: 220, Top: 10, Base: 190}
	for _, h := range hours {
		c.Max = max(c.Max, h.Total)
	}
	plot := c.Base - c.Top
	left := 40
	step := float64(c.Width-left-10) / float64(len(hours))
	w := max(int(step*0.8), 1)
	every := max(1, int(40/step)+1) // a label no closer than 40 px
	for i, h := range hours {
		x := left + int(float64(i)*step)
		hRej := h.Rejected * plot / max(c.Max, 1)
		hOK := h.Total*plot/max(c.Max, 1) - hRej
		c.Bars = append(c.Bars, bar{X: x, W: w, YRej: c.Base - hRej, HRej: hRej, YOK: c.Base - hRej - hOK, HOK: hOK,
			Title: fmt.Sprintf("%s: %d scans, %d passed, %d rejected", h.Hour.Format("2006-01-02 15:00 UTC"), h.Total, h.Passed, h.Rejected)})
		if i%every == 0 {
			c.Ticks = append(c.Ticks, tick{X: x, Y: c.Base + 14, Label: h.Hour.Format("15h")})
		}
	}
	return c
}

// shiftTemplate is parsed on first use, not at every process start.
var shiftTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("shift").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.HeadTitle}}</title>
<style>{{.CSS}}</style></head>
<body>
<h1>{{.HeadTitle}}</h1>
<p class="muted">From {{.When .Since}} to {{.When .Until}}{{if .Store}} · store {{.Store}}{{end}}{{if not .Generated.IsZero}} · generated {{.When .Generated}}{{end}}</p>
<div class="summary"><div><b>{{.Count.Total}}</b>scans</div><div><b>{{.Count.Passed}}</b>passed</div><div><b>{{.Count.Rejected}}</b>rejected</div><div><b>{{.Rate}}</b>pass rate</div><div><b>{{.DuplicateCount}}</b>duplicates</div><div><b>{{.UndeliveredN}}</b>undelivered</div></div>

<h2>Scans per hour</h2>
{{with .Chart}}<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{.Width}} {{.Height}}" width="{{.Width}}" height="{{.Height}}" role="img" aria-label="Scans per hour: passed in blue, rejected in red">
<line x1="38" y1="{{.Base}}" x2="{{.Width}}" y2="{{.Base}}" stroke="#999"/>
<text x="34" y="{{.Top}}" text-anchor="end" dominant-baseline="hanging">{{.Max}}</text><text x="34" y="{{.Base}}" text-anchor="end">0</text>
{{range .Bars}}<g><title>{{.Title}}</title>{{if .HOK}}<rect class="bar" x="{{.X}}" y="{{.YOK}}" width="{{.W}}" height="{{.HOK}}"/>{{end}}{{if .HRej}}<rect class="rej" x="{{.X}}" y="{{.YRej}}" width="{{.W}}" height="{{.HRej}}"/>{{end}}</g>
{{end}}{{range .Ticks}}<text x="{{.X}}" y="{{.Y}}">{{.Label}}</text>
{{end}}</svg>{{else}}<p class="muted">No scans.</p>{{end}}

<h2>Rejects by reason</h2>
{{with .ReasonCounts}}<table><thead><tr><th>Reason</th><th class="n">Rejects</th></tr></thead><tbody>
{{range .}}<tr><td><code>{{.Code}}</code></td><td class="n">{{.Count}}</td></tr>
{{end}}</tbody></table>{{else}}<p class="muted">No rejects.</p>{{end}}

<h2>Per model</h2>
<table><thead><tr><th>Model</th><th class="n">Scans</th><th class="n">Passed</th><th class="n">Rejected</th><th class="n">Pass rate</th></tr></thead><tbody>
{{range .ModelRows}}<tr><td>{{if .Key}}{{.Key}}{{else}}<span class="muted">(none)</span>{{end}}</td><td class="n">{{.Total}}</td><td class="n">{{.Passed}}</td><td class="n">{{.Rejected}}</td><td class="n">{{printf "%.1f%%" .Rate}}</td></tr>
{{end}}</tbody></table>

<h2>Per ASIN</h2>
<table><thead><tr><th>ASIN</th><th class="n">Scans</th><th class="n">Passed</th><th class="n">Rejected</th><th class="n">Pass rate</th></tr></thead><tbody>
{{range .ASINRows}}<tr><td>{{if .Key}}{{.Key}}{{else}}<span class="muted">(none)</span>{{end}}</td><td class="n">{{.Total}}</td><td class="n">{{.Passed}}</td><td class="n">{{.Rejected}}</td><td class="n">{{printf "%.1f%%" .Rate}}</td></tr>
{{end}}</tbody></table>

<h2>Duplicates</h2>
{{with .Duplicates}}<table><thead><tr><th>Serial</th><th>Model</th><th>Scanned</th><th>Station</th><th>First passed</th><th>On station</th></tr></thead><tbody>
{{range .}}<tr><td class="v">{{.Serial}}</td><td>{{.Model}}</td><td>{{$.When .Time}} (record {{.RecordID}})</td><td>{{.Station}}</td><td>{{$.When .FirstTime}} (record {{.FirstID}})</td><td>{{.FirstStation}}</td></tr>
{{end}}</tbody></table>{{if $.MoreDuplicates}}<p class="muted">{{$.MoreDuplicates}} more not listed.</p>{{end}}{{else}}<p class="muted">No duplicates.</p>{{end}}

<h2>Undelivered events</h2>
{{with .Sinks}}<table><thead><tr><th>Sink</th><th class="n">Pending</th><th>Oldest pending</th><th class="n">Sent</th><th>Last error</th></tr></thead><tbody>
{{range .}}<tr{{if .Pending}} class="bad"{{end}}><td>{{.Name}}</td><td class="n">{{.Pending}}</td><td>{{$.When .Oldest}}</td><td class="n">{{.Sent}}</td><td>{{.LastError}}</td></tr>
{{end}}</tbody></table>{{end}}
{{with .Undelivered}}<table><thead><tr><th>Event</th><th>Type</th><th>Serial</th><th>Sink</th><th>State</th><th class="n">Attempts</th><th>Last error</th></tr></thead><tbody>
{{range .}}<tr><td class="v">{{.EventID}}</td><td>{{.Type}}</td><td class="v">{{.Serial}}</td><td>{{.Sink}}</td><td>{{.State}}</td><td class="n">{{.Attempts}}</td><td>{{.LastError}}</td></tr>
{{end}}</tbody></table>{{if $.MoreUndelivered}}<p class="muted">{{$.MoreUndelivered}} more not listed.</p>{{end}}{{else}}<p class="muted">Every event of these scans is delivered.</p>{{end}}
</body></html>
`))
})
