#!/usr/bin/env bash
# Station benchmarks, each beside its goal and the reference measured in the
# same run:
#  - scan → durable verdict at 100 scans/s on SQLite (a pre-registration:
#    scan row and event in one synchronous transaction): p50/p99, printed
#    beside this disk's raw fsync latency (goal: p99 < 10 ms);
#  - the relay's throughput to the HTTP webhook sink (goal: >= 2,000 events/s)
#    and to the goaws SNS emulator (measured);
#  - a 1,000,000-record store: the duplicate check and history.
# SERIALGATE_BENCH_DIR puts the latency files on the disk a station would use.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${SCANS:-1000}
echo "== scan to durable verdict at 100 scans/s, $n scans, beside the disk's raw fsync (goal: p99 < 10 ms)"
out=$(go test -run '^$' -bench '^Benchmark(Fsync|StationLatency)$' -benchtime "${n}x" ./cmd/serialgate | grep -E '^Benchmark')
echo "$out"
echo "$out" | awk '
  /^BenchmarkFsync/         { for (i=1;i<=NF;i++) if ($(i+1)=="p99-ms") f=$i }
  /^BenchmarkStationLatency/ { for (i=1;i<=NF;i++) if ($(i+1)=="p99-ms") s=$i }
  END { if (f>0) printf "p99: station %.2f ms, raw fsync %.2f ms: %.1fx the disk'"'"'s own floor; goal < 10 ms: %s\n", s, f, s/f, (s<10?"met":"NOT met") }'
echo
echo "== relay throughput (goal: >= 2,000 events/s to the HTTP sink)"
go test -run '^$' -bench '^BenchmarkRelay(Webhook|SNSGoaws)$' -benchtime 20000x ./publish | grep -E '^Benchmark|skip' || true
echo "-- through the real SQLite outbox: 20,000 events recorded with the sink down, then drained"
SERIALGATE_BACKLOG=20000 go test -count=1 -run '^TestRelayBacklog$' -v ./cmd/serialgate | grep -E 'drained|FAIL' || true
echo
echo "== a 1,000,000-record store: duplicate check and history"
go test -run '^$' -bench '^Benchmark(Seen|History|RecordSQLite)$' -benchtime 2000x -timeout 30m ./record | grep -E '^Benchmark'
