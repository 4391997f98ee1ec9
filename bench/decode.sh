#!/usr/bin/env bash
# Decoding benchmark: serialgate, ZXingReader (Debian zxing-cpp-tools) and
# zbarimg (Debian zbar-tools) over the shared sample photos in one run,
# per folder and per symbology group: images read correctly, false
# positives (a code reported where there is none, or a wrong one), and the
# median wall time per image, one process per image and tool, with its
# ratio to ZXingReader's. The tools take turns on each image, three rounds
# (decodecmp -reps): an image's time is a tool's fastest run, the slower
# ones having waited on something else (these VMs' timing varies by a
# quarter from run to run). Then the Go benchmark for a 1920x1080 frame.
#
# The box-label photos (BOXLABELS_DIR, with the truth of every barcode on
# each) give a second table: serials read, all barcodes read, misreads and
# median time per photo, with the ratios between the tools; a third is the
# same over 60 held-out photos that bench/boxsynth makes.
#
#   bench/decode.sh [BARCODES_DIR [BOXLABELS_DIR]]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-../shared/testdata/barcodes}
box=${2:-../shared/testdata/boxlabels}
mkdir -p bench/out
# The binaries as README.md builds them: static, without cgo (they start
# sooner: no dynamic loader, no C library to set up). The tools are run once
# per image, as a print pipeline calls a checker per label file: the
# decode-only build (-tags decodeonly: the decoder without the station's
# stores, servers and their packages) starts in about half the time of the
# full binary, which is measured beside it on the sample folders.
# Built as "make build" builds them: with the garbage collector that
# touches fewer fresh pages in a short process where the toolchain has it
# (scripts/goexperiment.sh).
exp=$(scripts/goexperiment.sh)
echo "GOEXPERIMENT=$exp" >&2
CGO_ENABLED=0 GOEXPERIMENT=$exp go build -o bench/out/serialgate ./cmd/serialgate
CGO_ENABLED=0 GOEXPERIMENT=$exp go build -tags decodeonly -o bench/out/serialgate-decode ./cmd/serialgate
boxflag=()
if [ -f "$box/truth.jsonl" ]; then
  boxflag=(-boxlabels "$box")
else
  echo "no box-label photos in $box: that table is left out" >&2
fi
go run ./bench/decodecmp -serialgate bench/out/serialgate-decode -full bench/out/serialgate "${boxflag[@]}" "$dir"
# Held out: box-label photos of the same kind that the decoder was not
# tuned on, made here by bench/boxsynth (seed 7, 60 photos; zint draws the
# symbols), read by the three tools the same way.
if command -v zint >/dev/null; then
  rm -rf bench/out/boxsynth7
  go run ./bench/boxsynth -n 60 -seed 7 -out bench/out/boxsynth7 >&2
  echo
  echo "== held-out box-label photos (bench/boxsynth -seed 7)"
  go run ./bench/decodecmp -serialgate bench/out/serialgate-decode -boxlabels bench/out/boxsynth7
else
  echo "zint not found: the held-out box-label photos are left out" >&2
fi
echo
echo "== 1920x1080 camera frame with a label, one core (goal: at most 20 ms fast)"
go test ./decode -run '^$' -bench 'Frame' -benchtime 2s -cpu 1 | grep -E '^Benchmark'
