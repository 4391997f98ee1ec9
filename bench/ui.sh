#!/usr/bin/env bash
# Operator screen latency: scans at 10 a second through a real station and
# its screen in headless Chromium, from the scan's time to the frame that
# shows its verdict (the page's window.__latencies probe): p50 and p99
# (goal: p99 under 50 ms). SCANS=1000 by default (100 s).
set -euo pipefail
cd "$(dirname "$0")/.."
scans=${SCANS:-1000}
if ! command -v chromium >/dev/null && [ ! -x /usr/bin/chromium ]; then
  echo "chromium not installed (Debian package chromium): screen benchmark left out" >&2
  exit 1
fi
echo "== operator screen, scan to painted verdict, $scans scans at 10/s (goal: p99 < 50 ms)"
SERIALGATE_UI_SCANS=$scans go test -tags browser -count=1 -timeout 30m -run '^TestBrowserLatency$' -v ./ui \
  | grep -E '^ui latency:'
