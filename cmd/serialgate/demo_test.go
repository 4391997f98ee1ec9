//go:build !decodeonly

package main

import (
	"bufio"
	"encoding/json"
	"image/jpeg"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The demo plays three orders end to end: every kind of verdict shows, each
// device that passes becomes a DeviceRegisteredNotification for its order's
// buyer in the events file, and the screen's preview shows the decoded
// label pictures with the judged serial marked.
func TestDemo(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	var (
		mu       sync.Mutex
		previews int
		chosen   []string
	)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		type box struct {
			Text   string `json:"text"`
			Chosen bool   `json:"chosen"`
		}
		for {
			select {
			case <-stop:
				return
			case <-time.After(30 * time.Millisecond):
			}
			resp, err := http.Get("http://" + addr + "/ui/preview.json")
			if err != nil {
				continue
			}
			var info struct {
				Seq   int   `json:"seq"`
				Boxes []box `json:"boxes"`
			}
			ok := resp.StatusCode == 200 && json.NewDecoder(resp.Body).Decode(&info) == nil
			resp.Body.Close()
			if !ok || len(info.Boxes) == 0 {
				continue
			}
			img, err := http.Get("http://" + addr + "/ui/preview.jpg?seq=" + strconv.Itoa(info.Seq))
			if err != nil {
				continue
			}
			_, jerr := jpeg.Decode(img.Body)
			img.Body.Close()
			mu.Lock()
			if jerr == nil {
				previews++
			}
			for _, b := range info.Boxes {
				if b.Chosen {
					chosen = append(chosen, b.Text)
				}
			}
			mu.Unlock()
		}
	}()
	code, out, errs := run(t, "", "demo", "--listen", addr, "--rate", "8", "--scans", "25", "--keep")
	close(stop)
	<-done
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	m := regexp.MustCompile(`events: +(\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no events file in\n%s", out)
	}
	t.Cleanup(func() { os.RemoveAll(filepath.Dir(m[1])) })
	for _, want := range []string{"ORDER ", "PASS ", "FAIL ", "DUPLICATE ", "WRONG MODEL ", "OVER SCANNED "} {
		if !strings.Contains(out, "\n"+want) {
			t.Errorf("no %q verdict in the demo's output:\n%s", want, out)
		}
	}
	passes := strings.Count(out, "\nPASS ")
	if passes != 9 {
		t.Errorf("%d devices passed, want 9 (three orders of three)", passes)
	}
	f, err := os.Open(m[1])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var events int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var ev struct {
			Type    string `json:"type"`
			Message struct {
				DeviceInfo struct {
					DeviceIdentifier struct {
						SerialNumber string `json:"serialNumber"`
					} `json:"deviceIdentifier"`
				} `json:"deviceInfo"`
				CustomerInfo struct {
					DirectedCustomerID string `json:"directedCustomerId"`
				} `json:"customerInfo"`
			} `json:"message"`
		}
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("events line %d: %v", events+1, err)
		}
		events++
		serial := ev.Message.DeviceInfo.DeviceIdentifier.SerialNumber
		if ev.Type != "DeviceRegisteredNotification" || !strings.Contains(out, "PASS         "+serial+" ") ||
			!strings.HasPrefix(ev.Message.CustomerInfo.DirectedCustomerID, "amzn1.account.DEMO000") {
			t.Errorf("event %d: %+v", events, ev)
		}
	}
	if events != passes {
		t.Errorf("%d events for %d devices passed", events, passes)
	}
	mu.Lock()
	defer mu.Unlock()
	if previews == 0 || len(chosen) == 0 {
		t.Errorf("preview: %d pictures seen, marked serials %q", previews, chosen)
	}
}
