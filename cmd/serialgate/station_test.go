//go:build !decodeonly

package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// stationLine is a line of `station --format jsonl`.
type stationLine struct {
	Time     time.Time `json:"time"`
	Station  string    `json:"station"`
	Source   string    `json:"source"`
	Serial   string    `json:"serial"`
	Model    string    `json:"model"`
	OK       bool      `json:"ok"`
	Verdict  string    `json:"verdict"`
	Code     string    `json:"reason_code"`
	Reason   string    `json:"reason"`
	RecordID int64     `json:"record_id"`
	EventID  string    `json:"event_id"`
}

func decodeLines[T any](t *testing.T, out string) []T {
	t.Helper()
	var res []T
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		res = append(res, v)
	}
	return res
}

// The verify workflow: every verdict kind, durable, printed once recorded.
func TestStationVerify(t *testing.T) {
	dir := t.TempDir()
	store := "sqlite:" + filepath.Join(dir, "s.db")
	scans := write(t, "scans.txt", "AC2000000001\nAC200000001\nAC2000000001\nFP-0123ABCD\nZZZ\nAC2000000002\n")
	code, out, errs := run(t, "", "station", "--station", "bench-1", "--model", "ACME_PURIFIER_200", "--source", "sim:"+scans+"?rate=1000",
		"--store", store, "--format", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got := decodeLines[stationLine](t, out)
	want := []struct {
		serial, verdict string
		ok              bool
	}{
		{"AC2000000001", "pass", true},
		{"AC200000001", "fail", false},
		{"AC2000000001", "duplicate", false},
		{"FP-0123ABCD", "wrong_model", false},
		{"ZZZ", "fail", false},
		{"AC2000000002", "pass", true},
	}
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d:\n%s", len(got), len(want), out)
	}
	ids := map[int64]bool{}
	for i, w := range want {
		g := got[i]
		if g.Serial != w.serial || g.Verdict != w.verdict || g.OK != w.ok {
			t.Errorf("result %d: %+v, want %+v", i, g, w)
		}
		if g.RecordID == 0 || ids[g.RecordID] {
			t.Errorf("result %d: record id %d missing or reused", i, g.RecordID)
		}
		ids[g.RecordID] = true
		if g.Station != "bench-1" || g.Code == "" && !g.OK {
			t.Errorf("result %d: station %q code %q", i, g.Station, g.Code)
		}
	}
	// The record holds what was acknowledged, in order.
	code, hist, errs := run(t, "", "history", "--store", store, "--format", "jsonl")
	if code != 0 {
		t.Fatalf("history: exit %d: %s", code, errs)
	}
	type row struct {
		ID     int64  `json:"record_id"`
		Serial string `json:"serial"`
		OK     bool   `json:"ok"`
		Code   string `json:"reason_code"`
		Dup    int64  `json:"duplicate_of"`
	}
	rows := decodeLines[row](t, hist)
	if len(rows) != len(got) {
		t.Fatalf("history has %d rows, %d acknowledged:\n%s", len(rows), len(got), hist)
	}
	for i, r := range rows {
		if r.ID != got[i].RecordID || r.Serial != got[i].Serial || r.OK != got[i].OK {
			t.Errorf("history row %d %+v, acknowledged %+v", i, r, got[i])
		}
	}
	if rows[2].Dup != rows[0].ID || rows[2].Code != "duplicate" {
		t.Errorf("duplicate row %+v does not point at %d", rows[2], rows[0].ID)
	}
	code, csvOut, _ := run(t, "", "history", "--store", store, "--format", "csv")
	if code != 0 || !strings.HasPrefix(csvOut, "record_id,time,station") || strings.Count(csvOut, "\n") != len(got)+1 {
		t.Errorf("history csv: exit %d\n%s", code, csvOut)
	}
}

// The prereg workflow: an order, its serials, one event per registration,
// delivered to the file sink; history and events show them.
func TestStationPrereg(t *testing.T) {
	dir := t.TempDir()
	store := "sqlite:" + filepath.Join(dir, "s.db")
	events := filepath.Join(dir, "events.jsonl")
	manifest := write(t, "orders.csv", "order_id,asin,quantity,directed_customer_id\n111-2223334-5556667,B0ACME0200,2,amzn1.account.AAAA\n")
	scans := write(t, "scans.txt", "111-2223334-5556667\nAC2000000001\nAC2000000001\nAC2000000002\nAC2000000003\n")
	code, out, errs := run(t, "", "station", "--workflow", "prereg", "--manifest", manifest, "--source", "sim:"+scans+"?rate=1000",
		"--store", store, "--sink", "file:"+events, "--format", "jsonl")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got := decodeLines[stationLine](t, out)
	verdicts := []string{}
	for _, g := range got {
		verdicts = append(verdicts, g.Verdict)
	}
	if strings.Join(verdicts, " ") != "order pass duplicate pass over_scanned" {
		t.Fatalf("verdicts %v\n%s", verdicts, out)
	}
	if got[1].EventID == "" || got[3].EventID == "" || got[1].EventID == got[3].EventID || got[2].EventID != "" || got[4].EventID != "" {
		t.Errorf("event ids: %+v", got)
	}
	// The relay may still have been delivering when the sources ended:
	// run events until both are sent (the station delivers on its next run).
	code, evOut, errs := run(t, "", "events", "--store", store, "--format", "jsonl")
	if code != 0 {
		t.Fatalf("events: exit %d: %s", code, errs)
	}
	type ev struct {
		ID         string `json:"event_id"`
		Serial     string `json:"serial"`
		Deliveries []struct {
			Sink, State string
		} `json:"deliveries"`
	}
	evs := decodeLines[ev](t, evOut)
	if len(evs) != 2 || evs[0].ID != got[1].EventID || evs[1].ID != got[3].EventID {
		t.Fatalf("events:\n%s", evOut)
	}
	for _, e := range evs {
		if len(e.Deliveries) != 1 || e.Deliveries[0].Sink != "file-1" {
			t.Errorf("event %s deliveries %+v", e.ID, e.Deliveries)
		}
	}
	data, _ := os.ReadFile(events)
	sent := 0
	for _, e := range evs {
		if e.Deliveries[0].State == "sent" {
			sent++
			if !strings.Contains(string(data), e.ID) {
				t.Errorf("event %s marked sent but not in %s", e.ID, events)
			}
		}
	}
	for _, l := range decodeLines[map[string]any](t, string(data)) {
		msg, _ := l["message"].(map[string]any)
		info, _ := msg["notificationInfo"].(map[string]any)
		cust, _ := msg["customerInfo"].(map[string]any)
		if info["notificationType"] != "DeviceRegisteredNotification" || cust["directedCustomerId"] != "amzn1.account.AAAA" || info["notificationId"] != l["id"] {
			t.Errorf("sink line %v", l)
		}
	}
}

func TestStationFlagErrors(t *testing.T) {
	// A station refused after its store was opened must not leave the
	// default store (serialgate.db) in the package's folder.
	t.Chdir(t.TempDir())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"station"}, "no --source"},
		{[]string{"station", "--source", "sim:x", "--sink", "ftp://x"}, "want file:PATH"},
		{[]string{"station", "--source", "nope:x"}, "unknown source"},
		{[]string{"station", "--source", "sim:x", "--model", "NOPE"}, `model "NOPE"`},
		{[]string{"station", "--source", "sim:x", "--store", "mysql://x"}, "sqlite:"},
		{[]string{"station", "--source", "sim:x", "--duplicates", "maybe"}, "duplicate policy"},
		{[]string{"history", "--since", "yesterday"}, "--since"},
	} {
		code, _, errs := run(t, "", tc.args...)
		if code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, errs, tc.want)
		}
	}
}

// An order resumed after a restart keeps its progress: the record, not the
// station's memory, says how many devices it has.
func TestStationOrderResumes(t *testing.T) {
	dir := t.TempDir()
	store := "sqlite:" + filepath.Join(dir, "s.db")
	manifest := write(t, "orders.csv", "order_id,asin,quantity,directed_customer_id\nO-9,B0ACME0200,3,amzn1.account.R\n")
	first := write(t, "a.txt", "O-9\nAC2000000001\nAC2000000002\n")
	second := write(t, "b.txt", "O-9\nAC2000000003\nAC2000000004\n")
	var verdicts []string
	for _, scans := range []string{first, second} {
		code, out, errs := run(t, "", "station", "--workflow", "prereg", "--manifest", manifest, "--source", "sim:"+scans+"?rate=1000",
			"--store", store, "--format", "jsonl")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		for _, l := range decodeLines[stationLine](t, out) {
			verdicts = append(verdicts, l.Verdict)
		}
	}
	if got := strings.Join(verdicts, " "); got != "order pass pass order pass over_scanned" {
		t.Errorf("verdicts across a restart: %s", got)
	}
}

// --ui tty draws the terminal screen: the verdict word, and barcode text
// escaped, never sent to the terminal raw.
func TestStationTTY(t *testing.T) {
	scans := write(t, "scans.txt", "AC2000000001\n\x1b]0;pwned\aX\n")
	code, out, errs := run(t, "", "station", "--ui", "tty", "--model", "ACME_PURIFIER_200", "--source", "sim:"+scans+"?rate=1000",
		"--store", "sqlite:"+filepath.Join(t.TempDir(), "s.db"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "PASS") || !strings.Contains(out, "FAIL") {
		t.Errorf("screen lacks the verdicts:\n%q", out)
	}
	if strings.Contains(out, "\x1b]0;pwned") {
		t.Errorf("an escape sequence from a barcode reached the terminal:\n%q", out)
	}
	if code, _, errs := run(t, "", "station", "--ui", "tty", "--format", "jsonl", "--source", "sim:x"); code != exitUsage || !strings.Contains(errs, "pick one") {
		t.Errorf("--ui tty --format jsonl: exit %d %s", code, errs)
	}
}
