#!/usr/bin/env bash
# Scanner benchmarks, each beside its goal:
#  - last-byte-to-scan latency of a serial scanner at 100 scans/s, through a
#    real pseudo-terminal (socat): p50 and p99 (goal: p99 under 1 ms);
#  - the camera path's frames per second on 1280x720 and 1920x1080 MJPG
#    video with a label in every frame, on one core (goal: 30 fps at 720p),
#    when built with OpenCV (-tags camera).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== serial scanner latency, 100 scans/s (goal: p99 < 1000 µs)"
go test -run '^$' -bench Latency -benchtime 500x ./scanner/serialport | grep -E '^Benchmark'
if pkg-config --exists opencv4 2>/dev/null; then
  echo
  echo "== camera frames per second, one core (goal: >= 30 fps at 1280x720)"
  go test -tags camera -run '^$' -bench CameraFPS -benchtime 2x -cpu 1 ./scanner/camera | grep -E '^Benchmark'
else
  echo "OpenCV not installed (libopencv-dev): camera benchmark left out"
fi
