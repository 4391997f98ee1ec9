// Package ui serves the station's operator screens: the web screen (an
// http.Handler with its assets embedded, fed by the station API's state and
// event stream) and, in ui/tty, the terminal screen.
//
// # Mounting
//
//	api := &station.API{Station: st, Health: health, Token: token}
//	screen, err := ui.New(api, ui.Options{PIN: pin, LockOnDuplicate: true, Wedge: wedge})
//	st.Results = func(r station.Result) { printJSON(r); screen.Observe(r) }
//	http.ListenAndServe("127.0.0.1:8080", screen)
//
// Observe must see every result (the lock and the last hour's counts are
// kept from them): call it from Station.Results, which runs before the
// result reaches the event stream, so a screen that receives a result and
// asks /ui/status sees the lock it caused.
//
// # Routes
//
//	GET  /                 the screen (HTML; script and style under /ui/)
//	GET  /ui/status        the screen's server-side state: lock, last hour, wedge, camera (Status)
//	POST /ui/unlock        {"pin":"1234"}: clears the lock; 403 wrong PIN, 429 after too many
//	POST /ui/scan          {"text":"AC2000000001","gaps_ms":[8,9,...]}: a keyboard-wedge scan
//	GET  /ui/preview.json  the camera's last frame: {"seq","width","height","boxes":[{"text","points":[{"X","Y"}]}]}
//	GET  /ui/preview.jpg   that frame's JPEG (?seq= from preview.json)
//	     /api/...          the station.API
//
// When the API has a Token, everything but the page and its assets needs
// it, as "Authorization: Bearer TOKEN" or ?token= (event streams and
// images cannot set headers). The page takes the token from ?token= once,
// keeps it in sessionStorage and removes it from the address bar. Without
// a token the station must listen on loopback only. Actions (POST) must be
// JSON and, when the browser sends an Origin, from the screen's own origin,
// so another web page cannot unlock or scan through the operator's browser.
//
// The lock is the screen's: while locked, the page shows the lock over
// everything and /ui/scan refuses wedge scans (423), but scans from other
// sources (a serial scanner, a camera) are still judged and recorded, and
// counted in Lock.During. The lock lives in memory: a reload keeps it, a
// restart of the station clears it.
//
// # Health
//
// The screen reads GET /api/health (station.API.Health) in this shape,
// which the Health type builds:
//
//	{
//	  "sources": [{"name": "scanner", "kind": "serial", "ok": true, "error": "", "last_scan": "2026-12-01T10:00:00Z"}],
//	  "store":   {"ok": true, "error": ""},
//	  "sinks":   [{"name": "sns", "pending": 0, "last_error": "", "last_success": "2026-12-01T10:00:00Z"}]
//	}
//
// kind is one of serial, wedge, camera, sim, replay, file (free text; the
// screen shows the preview when a source of kind "camera" exists or
// Options.Preview is set). The screen raises an alarm when a source is not
// ok (the scanner is gone), the store is not ok, a sink's pending count
// reaches Options.BacklogAlarm, or the station stops answering.
//
// # Verdicts
//
// The banner shows Result.Verdict as a word and a shape, never by colour
// alone: pass ✓ in a circle (bluish green), fail ✕ in an octagon
// (vermillion), duplicate ⧉ two squares (orange), wrong model ! in a
// triangle (reddish purple), unknown ? in a diamond (grey), model and order
// scans i in a square (blue). The colours are from the Okabe–Ito palette.
// Barcode text is only ever set as textContent, never parsed as markup.
//
// # Latency probe
//
// For each result the page appends to window.__latencies an object
// {serial, record_id, time, recv_ms, paint_ms, latency_ms}: recv_ms and
// paint_ms are performance.now() when the event arrived and after the frame
// that shows it; latency_ms is the wall-clock paint time minus the result's
// time (the scan's time), so from scan to pixels when station and browser
// share a clock. bench/ui.sh reads it.
package ui
