#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the test suites and benchmarks need,
# when they are missing and we are root. Elsewhere it only says what is
# missing; the suites that need a missing tool skip themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t want < <(grep -v '^#' scripts/debian-packages.txt | sed 's/#.*//' | awk 'NF{print $1}')
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "missing Debian packages (install them as root): ${missing[*]}" >&2
fi
