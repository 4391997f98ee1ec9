#!/usr/bin/env bash
# Decoding benchmark: serialgate, ZXingReader (Debian zxing-cpp-tools) and
# zbarimg (Debian zbar-tools) over the shared sample photos in one run,
# per folder and per symbology group: images read correctly, false
# positives (a code reported where there is none, or a wrong one), and the
# median wall time per image, one process per image and tool, with its
# ratio to ZXingReader's. Then the Go benchmark for a 1920x1080 frame.
#
#   bench/decode.sh [BARCODES_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-../shared/testdata/barcodes}
mkdir -p bench/out
go build -o bench/out/serialgate ./cmd/serialgate
go run ./bench/decodecmp -serialgate bench/out/serialgate "$dir"
echo
echo "== 1920x1080 camera frame with a label, one core (goal: at most 30 ms)"
go test ./decode -run '^$' -bench 'Frame' -benchtime 2s -cpu 1 | grep -E '^Benchmark'
