#!/usr/bin/env bash
# samedecode.sh OLD NEW [DIR...]: decode every image under the DIRs (by
# default the shared sample and box-label photos) with two serialgate
# binaries and show where their outputs differ, the timings left out. A
# change meant to make the decoder faster should print nothing but the
# count; one meant to read more shows what it reads.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OLD-BINARY NEW-BINARY [DIR...]" >&2; exit 2; }
old=$1 new=$2
shift 2
here=$(cd "$(dirname "$0")/.." && pwd)
dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=("$here/../shared/testdata/barcodes" "$here/../shared/testdata/boxlabels")
list=$(mktemp)
out=$(mktemp -d)
trap 'rm -rf "$list" "$out"' EXIT
find "${dirs[@]}" -type f \( -name '*.png' -o -name '*.jpg' -o -name '*.jpeg' -o -name '*.webp' -o -name '*.gif' \) | sort >"$list"
n=$(wc -l <"$list")
[ "$n" -gt 0 ] || { echo "no images under ${dirs[*]}" >&2; exit 2; }
for side in old new; do
  bin=$old
  [ $side = new ] && bin=$new
  # exit code 2 is a file that could not be read: it is in the output too
  xargs -d '\n' -n 40 "$bin" decode --format jsonl <"$list" 2>/dev/null | sed 's/,"ms":[0-9]*//' >"$out/$side" || true
done
echo "$n images"
if diff "$out/old" "$out/new"; then
  echo "the same outputs"
fi
