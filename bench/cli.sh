#!/usr/bin/env bash
# Times the premarket CLI on large generated inputs: a 20,000-package Yocto
# license.manifest and a 20,000-package Buildroot manifest.csv. Prints wall
# time and peak memory of sbom generate and sbom check for each.
#
#   bench/cli.sh            # 20,000 packages
#   N=50000 bench/cli.sh    # another size
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/premarket" ./cmd/premarket

awk -v n="$N" 'BEGIN {
  split("GPL-2.0-only MIT LGPL-2.1-or-later BSD-3-Clause Apache-2.0", lic, " ")
  for (i = 0; i < n; i++) {
    r = sprintf("recipe%05d", int(i / 4))
    printf "PACKAGE NAME: %s-pkg%d\nPACKAGE VERSION: 1.%d.%d\nRECIPE NAME: %s\nLICENSE: %s\n\n", r, i % 4, int(i / 4) % 50, i % 7, r, lic[i % 5 + 1]
  }
}' > "$work/license.manifest"
awk -v n="$N" 'BEGIN {
  print "\"PACKAGE\",\"VERSION\",\"LICENSE\",\"LICENSE FILES\",\"SOURCE ARCHIVE\",\"SOURCE SITE\""
  for (i = 0; i < n; i++)
    printf "\"pkg%05d\",\"%d.%d.%d\",\"GPL-2.0+, LGPL-2.1+\",\"COPYING\",\"pkg%05d-%d.tar.xz\",\"https://example.org/releases\"\n", i, i % 9, i % 13, i % 5, i, i % 9
}' > "$work/manifest.csv"

export SOURCE_DATE_EPOCH=1767225600
measure() { # label, command...
  local label=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/env time -f "%M" -o "$work/mem" "$@" >/dev/null 2>"$work/err" || [ $? -eq 1 ]
  t1=$(date +%s.%N)
  awk -v l="$label" -v a="$t0" -v b="$t1" -v m="$(tail -1 "$work/mem")" 'BEGIN { printf "%-40s %7.3f s  %7.1f MB peak RSS\n", l, b - a, m / 1024 }'
}
if ! command -v /usr/bin/time >/dev/null && ! /usr/bin/env time -f %M true 2>/dev/null; then
  echo "GNU time is needed for memory figures (apt-get install time)"; exit 1
fi
echo "premarket CLI on $N generated packages ($(nproc) cores)"
measure "sbom generate (Yocto license.manifest)" "$work/premarket" sbom generate -q -i "$work/license.manifest" -o "$work/yocto.cdx.json"
measure "sbom check (Yocto SBOM)" "$work/premarket" sbom check -q --format json -o "$work/yocto.check.json" "$work/yocto.cdx.json"
measure "sbom generate (Buildroot manifest.csv)" "$work/premarket" sbom generate -q -i "$work/manifest.csv" -o "$work/br.cdx.json"
measure "sbom check (Buildroot SBOM)" "$work/premarket" sbom check -q --format json -o "$work/br.check.json" "$work/br.cdx.json"
ls -l "$work"/*.cdx.json | awk '{printf "%s %d bytes\n", $9, $5}' | sed "s|$work/||"
