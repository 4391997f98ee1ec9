#!/usr/bin/env bash
# Benchmarks for serial validation. Prints each figure beside the reference
# measured in the same run, as a ratio (reference time / serialgate time:
# above 1 means serialgate is faster).
#
#   bench/validate.sh [LINES]      (default 1,000,000 lines)
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
out=bench/out
mkdir -p "$out"

# The binary as README.md builds it: static, without cgo (it starts sooner).
CGO_ENABLED=0 go build -o "$out/serialgate" ./cmd/serialgate
go run ./bench/genserials -n "$lines" > "$out/serials.txt"
rules=examples/rules.yaml
pattern='^AC2\d{9}$'

div() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.4f", a/b}'; }

# best of five wall-clock runs, in seconds
best() {
  local best=""
  for _ in 1 2 3 4 5; do
    local s e
    s=$(date +%s.%N)
    # not /dev/null: GNU grep stops at the first match when it writes there
    "$@" > "$out/run.out" || true
    e=$(date +%s.%N)
    local t
    t=$(awk -v a="$e" -v b="$s" 'BEGIN{printf "%.6f", a-b}')
    if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN{exit !(t < b)}'; then best=$t; fi
  done
  echo "$best"
}

echo "== end to end: $lines-line serial list, rule $pattern"
sg_count=$("$out/serialgate" validate --summary --rules "$rules" --model ACME_PURIFIER_200 "$out/serials.txt" || true)
grep_count=$(LC_ALL=C.UTF-8 grep -c -P "$pattern" "$out/serials.txt" || true)
echo "serialgate: $sg_count"
echo "grep -c -P: $grep_count matching lines"
t_sg=$(best "$out/serialgate" validate --summary --rules "$rules" --model ACME_PURIFIER_200 "$out/serials.txt")
t_grep=$(LC_ALL=C.UTF-8 best grep -c -P "$pattern" "$out/serials.txt")
t_sg1=$(GOMAXPROCS=1 best "$out/serialgate" validate --summary --rules "$rules" --model ACME_PURIFIER_200 "$out/serials.txt")
printf '%-42s %8.3f s\n' "serialgate validate --summary" "$t_sg"
printf '%-42s %8.3f s\n' "the same on one core (GOMAXPROCS=1)" "$t_sg1"
printf '%-42s %8.3f s\n' "grep -c -P (same pattern, same file)" "$t_grep"
printf '%-42s %8.2fx  (goal: above 1)\n' "ratio grep / serialgate" "$(div "$t_grep" "$t_sg")"
printf '%-42s %8.2fx\n' "ratio grep / serialgate on one core" "$(div "$t_grep" "$t_sg1")"

echo
echo "== per check, Go benchmarks (one core)"
{ go test ./pattern -run '^$' -bench 'Match' -benchtime 1s -cpu 1; go test ./validate -run '^$' -bench 'Identify500' -benchtime 1s -cpu 1; go test ./serials -run '^$' -bench 'CountLines' -benchtime 1s -cpu 1; } | tee "$out/gobench.txt" | grep -E '^Benchmark'
ns() { awk -v n="$1" '$1 ~ n {print $3}' "$out/gobench.txt"; }
dfa=$(ns 'Match/engine=dfa'); re2=$(ns 'Match/engine=regexp2'); gore=$(ns 'Match/engine=goregexp')
comb=$(ns 'Identify500/combined'); each=$(ns 'Identify500/each-rule')
printf '%-42s %8.1f ns  (goal: at most 25 ns, 0 allocs)\n' "16-character serial, automaton" "$dfa"
printf '%-42s %8.1fx\n' "ratio regexp2 / automaton" "$(div "$re2" "$dfa")"
printf '%-42s %8.1fx\n' "ratio Go regexp / automaton" "$(div "$gore" "$dfa")"
printf '%-42s %8.1f ns  (goal: at most 100 ns)\n' "which model, 500 rules, combined automaton" "$comb"
printf '%-42s %8.1fx\n' "ratio rule-by-rule / combined" "$(div "$each" "$comb")"
onepass=$(ns 'CountLines/one-pass'); perline=$(ns 'CountLines/per-line')
printf '%-42s %8.2fx\n' "list lines, one-pass counter vs line by line" "$(div "$perline" "$onepass")"
