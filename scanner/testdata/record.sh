#!/usr/bin/env bash
# Records the capture files in this folder through a real pseudo-terminal:
# socat joins two ptys, serialgate capture reads one as a serial port, and
# this script writes what each scanner setting sends to the other.
#   scanner/testdata/record.sh   (from the repository root; needs socat)
set -euo pipefail
cd "$(dirname "$0")/../.."
go build -o bin/serialgate ./cmd/serialgate
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

record() { # name source-options payload-writer
  local name=$1 opts=$2 writer=$3
  socat pty,raw,echo=0,link="$tmp/dev" pty,raw,echo=0,link="$tmp/scanner" & local socat=$!
  while [ ! -e "$tmp/dev" ] || [ ! -e "$tmp/scanner" ]; do sleep 0.05; done
  bin/serialgate capture --source "serial:$tmp/dev?baud=9600$opts" --out "scanner/testdata/$name.capture.jsonl" --duration 3s >/dev/null 2>&1 & local cap=$!
  sleep 0.5
  $writer > "$tmp/scanner"
  sleep 0.3
  if [ "$name" = hangup-mid-frame ]; then kill $socat; fi
  wait $cap || true
  kill $socat 2>/dev/null || true; wait $socat 2>/dev/null || true
  rm -f "$tmp/dev" "$tmp/scanner"
}

cr()        { printf 'AC2000000001\r'; sleep 0.05; printf 'AC2000000002\r'; }
crlf()      { printf 'AC2000000001\r\nAC2000000002\r\n'; }
split()     { printf 'AC20000'; sleep 0.2; printf '00001\r'; }
stxaim()    { printf '\002]C0AC2000000001\003\002]d20109506000134352\03521X1\003'; }
gssubst()   { printf ']d2010950600013435210LOT7<GS>21X1{GS}91A\r'; }
prefixed()  { printf '#AC2000000001\r#AC2000000002\rAC2000000003\r'; }
noise()     { printf '\000\000\000\000\r\377\376\375\rAC2000000001\r'; head -c 5000 /dev/zero | tr '\0' 'X'; printf '\rAC2000000002\r'; }
burst()     { for i in $(seq 0 999); do printf 'B%06d\r\n' "$i"; done; }
hangup()    { printf 'AC2000000001\rAC20000'; }

record cr-suffix '&suffix=cr' cr
record crlf-suffix '&suffix=crlf' crlf
record split-writes '' split
record stx-etx-aim '&stx=1&aim=1' stxaim
record gs-substitutes '&aim=1' gssubst
record prefix '&prefix=%23' prefixed
record noise-overlong '' noise
record burst-1000 '&suffix=crlf' burst
record hangup-mid-frame '' hangup
ls -l scanner/testdata/*.capture.jsonl
