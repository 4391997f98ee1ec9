package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// demoScans is what the demo's simulated scanner plays, over and over: the
// sample rules' models, good serials, bad ones, a duplicate, a serial of
// another model, and a barcode that is not a serial at all.
var demoScans = []string{
	"AC2000000001",                 // pass
	"AC2000000002",                 // pass
	"AC200000003",                  // fail: one digit short
	"AC2000000001",                 // duplicate
	"FP-0123ABCD",                  // wrong model
	"AC2000000004",                 // pass
	"ac2000000005",                 // fail: lower case
	"<img src=x onerror=alert(1)>", // shown as text, never markup
	"AC2000000006",                 // pass
	"BK2024W0112345",               // wrong model
}

func runDemo(e *env, args []string) int {
	fl := newFlags(e, "demo", "",
		"Runs a station with everything built in: a temporary SQLite store, the sample rules,\n"+
			"a simulated scanner playing good, bad, duplicate and wrong-model scans, the operator\n"+
			"screen on 127.0.0.1 and events written to a JSON lines file. Ctrl-C stops it.")
	listen := fl.String("listen", "127.0.0.1:8080", "the screen's address (a free port is taken if this one is busy)")
	rate := fl.Float64("rate", 0.5, "simulated scans per second")
	keep := fl.Bool("keep", false, "keep the demo's store and events file when it stops")
	if code, ok := parse(fl, args, nil); !ok {
		return code
	}
	dir, err := os.MkdirTemp("", "serialgate-demo-")
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate demo:", err)
		return exitUsage
	}
	if !*keep {
		defer os.RemoveAll(dir)
	}
	// Each loop of the simulator gets fresh serials for the passes, so the
	// demo does not turn into a wall of duplicates: the list is long.
	var list strings.Builder
	for round := range 200 {
		for _, s := range demoScans {
			if strings.HasPrefix(s, "AC2") && len(s) == 12 && s != "AC2000000001" {
				n, _ := strconv.Atoi(s[3:])
				s = fmt.Sprintf("AC2%09d", n+10*round)
			}
			list.WriteString(s + "\n")
		}
	}
	scans := filepath.Join(dir, "scans.txt")
	if err := os.WriteFile(scans, []byte(list.String()), 0o644); err != nil {
		fmt.Fprintln(e.stderr, "serialgate demo:", err)
		return exitUsage
	}
	addr, err := freeAddr(*listen)
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate demo:", err)
		return exitUsage
	}
	events := filepath.Join(dir, "events.jsonl")
	c := &stationConfig{Station: "demo", Line: "demo-line", Workflow: "verify", Model: "ACME_PURIFIER_200",
		Sources: []string{fmt.Sprintf("sim:%s?rate=%g&loop=1", scans, *rate)},
		Store:   "sqlite:" + filepath.Join(dir, "demo.db"), Listen: addr,
		Duplicates: duplicateConfig{Policy: "reject"},
		Sinks:      []sinkConfig{{Name: "events-file", Type: "file", URL: events}}}
	st, err := newStation(e, c, "text")
	if err != nil {
		fmt.Fprintln(e.stderr, "serialgate demo:", err)
		return exitUsage
	}
	fmt.Fprintf(e.stdout, "serialgate demo\n  operator screen: http://%s/\n  store:           %s\n  events:          %s\n  Ctrl-C stops it.\n\n",
		addr, filepath.Join(dir, "demo.db"), events)
	start := time.Now()
	if err := st.run(e.ctx); err != nil && !errors.Is(err, e.ctx.Err()) {
		fmt.Fprintln(e.stderr, "serialgate demo:", err)
		return exitUsage
	}
	fmt.Fprintf(e.stdout, "demo stopped after %s\n", time.Since(start).Round(time.Second))
	return exitOK
}

// freeAddr returns addr if it can be listened on, else the same host with
// a free port.
func freeAddr(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		ln.Close()
		return addr, nil
	}
	host, _, serr := net.SplitHostPort(addr)
	if serr != nil {
		return "", fmt.Errorf("listen %s: %w", addr, err)
	}
	ln, err = net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", fmt.Errorf("listen %s: %w", addr, err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
