#!/bin/sh
# Prints the GOEXPERIMENT the serialgate binaries are built with: the
# garbage collector Go used before 1.26 ("nogreenteagc") where the
# toolchain still offers it, nothing where it does not (Go 1.27 is expected
# to drop the opt-out, and older releases have only that collector).
#
# Why: "serialgate decode" runs as one process per label file in print
# pipelines, and a process that lives 10 ms is mostly start-up. Go 1.26's
# collector keeps a span's mark bits inside the span, so the first object
# of each size class on each core touches two fresh pages, not one; on a
# virtual machine where a fresh page costs about 10 us that was 4 to 11% of
# a small image's time (interleaved runs, one process per image; README,
# Install and Figures). Reads are the same either way.
#
# Usage: GOEXPERIMENT=$(scripts/goexperiment.sh) go build ...
set -eu
go=${GO:-go}
if [ -n "${GOEXPERIMENT:-}" ]; then
  printf '%s\n' "$GOEXPERIMENT" # the caller's choice stands
elif GOEXPERIMENT=nogreenteagc "$go" env GOEXPERIMENT >/dev/null 2>&1; then
  echo nogreenteagc
fi
