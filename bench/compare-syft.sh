#!/usr/bin/env bash
# compare-syft.sh measures `premarket sbom generate` against syft on the same
# Debian bookworm minbase root file system, given four ways: as a directory,
# an xz squashfs, a tar.gz and a cpio.gz (newc). For each it runs syft and
# premarket alternately RUNS times (default 5), and prints the median wall
# time and the median peak resident memory (/usr/bin/time -f %M) of each,
# their ratio against the target, and the difference between the dpkg
# package sets (name and version) the two tools find: premarket must find
# every package syft finds.
#
# Everything it fetches or builds is cached under .cache/bench/ (git-ignored):
#   bin/syft        syft v1.57.1 (go install, GOBIN)
#   bin/premarket   built from this checkout on every run
#   rootfs/         debootstrap --variant=minbase bookworm from the machine's
#                   own Debian mirror (read from /etc/apt/sources.list{,.d})
#   rootfs.squashfs rootfs.tar.gz rootfs.cpio.gz
#   out/            the SBOMs of the last run
# Needs root (debootstrap) and: debootstrap squashfs-tools cpio time python3;
# missing ones are installed with apt-get.
#
# Usage: bench/compare-syft.sh [RUNS]
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="$root/.cache/bench"
runs="${1:-5}"
syft_version=v1.57.1
mkdir -p "$cache/bin" "$cache/out"

# --- tools ---------------------------------------------------------------
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v mksquashfs >/dev/null || need+=(squashfs-tools)
command -v cpio >/dev/null || need+=(cpio)
[[ -x /usr/bin/time ]] || need+=(time)
command -v python3 >/dev/null || need+=(python3)
if ((${#need[@]})); then
  echo "installing ${need[*]}" >&2
  apt-get install -y -q "${need[@]}" >/dev/null
fi

syft="$cache/bin/syft"
if [[ ! -x "$syft" || "$(cat "$cache/bin/syft.version" 2>/dev/null)" != "$syft_version" ]]; then
  echo "installing syft $syft_version" >&2
  GOBIN="$cache/bin" go install "github.com/anchore/syft/cmd/syft@$syft_version"
  echo "$syft_version" >"$cache/bin/syft.version"
fi
pm="$cache/bin/premarket"
(cd "$root" && go build -o "$pm" ./cmd/premarket)

# --- the root file system ----------------------------------------------
# The machine's own Debian mirror: the first non-security URI of a Debian
# archive in deb822 .sources files or one-line .list files.
mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    awk '/^URIs:/{for(i=2;i<=NF;i++) if ($i ~ /debian/ && $i !~ /security/) {print $i; exit}}' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    awk '$1=="deb"{for(i=2;i<=NF;i++) if ($i ~ /^(https?|file):/) { if ($i ~ /debian/ && $i !~ /security/) print $i; break}}' "$f"
  done
}
if [[ ! -d "$cache/rootfs" ]]; then
  url="$(mirror | head -n1)"
  url="${url:-http://deb.debian.org/debian}"
  echo "debootstrap bookworm minbase from $url" >&2
  rm -rf "$cache/rootfs.tmp"
  debootstrap --variant=minbase bookworm "$cache/rootfs.tmp" "$url" >"$cache/debootstrap.log" 2>&1 || {
    echo "debootstrap failed; see $cache/debootstrap.log" >&2; exit 1; }
  mv "$cache/rootfs.tmp" "$cache/rootfs"
fi
rootfs="$cache/rootfs"

# --- the packed forms (rebuilt when the rootfs is newer) ------------------
if [[ ! -f "$cache/rootfs.squashfs" || "$rootfs" -nt "$cache/rootfs.squashfs" ]]; then
  echo "packing rootfs.squashfs (xz)" >&2
  mksquashfs "$rootfs" "$cache/rootfs.squashfs" -comp xz -noappend -no-progress -quiet >/dev/null
fi
if [[ ! -f "$cache/rootfs.tar.gz" || "$rootfs" -nt "$cache/rootfs.tar.gz" ]]; then
  echo "packing rootfs.tar.gz" >&2
  tar -C "$rootfs" --numeric-owner -czf "$cache/rootfs.tar.gz.tmp" . && mv "$cache/rootfs.tar.gz.tmp" "$cache/rootfs.tar.gz"
fi
if [[ ! -f "$cache/rootfs.cpio.gz" || "$rootfs" -nt "$cache/rootfs.cpio.gz" ]]; then
  echo "packing rootfs.cpio.gz (newc)" >&2
  (cd "$rootfs" && find . | cpio -o -H newc --quiet | gzip) >"$cache/rootfs.cpio.gz.tmp" && mv "$cache/rootfs.cpio.gz.tmp" "$cache/rootfs.cpio.gz"
fi

# --- measure -------------------------------------------------------------
export SYFT_CHECK_FOR_APP_UPDATE=false SOURCE_DATE_EPOCH=1767225600
out="$cache/out"

# measure NAME CMD...: runs CMD, appends "seconds kilobytes" to $out/NAME.times.
measure() {
  local name="$1"; shift
  local tf="$out/$name.time"
  if ! /usr/bin/time -f "%e %M" -o "$tf" "$@" >/dev/null 2>"$out/$name.stderr"; then
    echo "  $name failed (exit $?); stderr: $(tail -n3 "$out/$name.stderr")" >&2
  fi
  tail -n1 "$tf" >>"$out/$name.times"
}

# median FILE COLUMN
median() { awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2 }'; }

declare -A target=([dir]=5 [squashfs]=8 [tar.gz]=5 [cpio.gz]=0)
declare -A syft_src=([dir]="dir:$rootfs" [squashfs]="file:$cache/rootfs.squashfs" [tar.gz]="file:$cache/rootfs.tar.gz" [cpio.gz]="file:$cache/rootfs.cpio.gz")
declare -A pm_src=([dir]="$rootfs" [squashfs]="$cache/rootfs.squashfs" [tar.gz]="$cache/rootfs.tar.gz" [cpio.gz]="$cache/rootfs.cpio.gz")
forms=(dir squashfs tar.gz cpio.gz)

echo "machine: $(nproc) CPUs, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "syft $syft_version (go install)  premarket $(cd "$root" && git rev-parse --short HEAD)"
echo "rootfs: $(du -sh "$rootfs" | cut -f1) in $(find "$rootfs" -type f | wc -l) files; squashfs $(du -h "$cache/rootfs.squashfs" | cut -f1), tar.gz $(du -h "$cache/rootfs.tar.gz" | cut -f1), cpio.gz $(du -h "$cache/rootfs.cpio.gz" | cut -f1)"
echo "runs: $runs per tool and form, alternating"
echo

for form in "${forms[@]}"; do
  rm -f "$out/syft-$form.times" "$out/pm-$form.times"
  for ((i = 1; i <= runs; i++)); do
    measure "syft-$form" "$syft" scan "${syft_src[$form]}" -q -o "syft-json=$out/syft-$form.json"
    measure "pm-$form" "$pm" sbom generate -q -i "${pm_src[$form]}" -o "$out/pm-$form.cdx.json"
  done
done

# packages NAME FILE: dpkg "name version" lines of a syft JSON or a
# premarket CycloneDX SBOM.
packages() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
kind, path = sys.argv[1], sys.argv[2]
try:
    doc = json.load(open(path))
except Exception:
    sys.exit(0)
out = set()
if kind == "syft":
    for a in doc.get("artifacts", []):
        if a.get("type") == "deb":
            out.add(f'{a["name"]} {a["version"]}')
else:
    for c in doc.get("components", []):
        if c.get("purl", "").startswith("pkg:deb/"):
            out.add(f'{c["name"]} {c.get("version", "")}')
for p in sorted(out):
    print(p)
EOF
}

printf '%-9s %10s %10s %12s %12s %8s %7s %7s  %s\n' form syft_s pm_s syft_peakMB pm_peakMB speedup target result packages
status=0
for form in "${forms[@]}"; do
  ss=$(median "$out/syft-$form.times" 1); sm=$(median "$out/syft-$form.times" 2)
  ps=$(median "$out/pm-$form.times" 1); pmm=$(median "$out/pm-$form.times" 2)
  ratio=$(awk -v a="$ss" -v b="$ps" 'BEGIN{ if (b > 0) printf "%.1f", a/b; else print "inf" }')
  packages syft "$out/syft-$form.json" >"$out/syft-$form.pkgs"
  packages pm "$out/pm-$form.cdx.json" >"$out/pm-$form.pkgs"
  ns=$(wc -l <"$out/syft-$form.pkgs"); np=$(wc -l <"$out/pm-$form.pkgs")
  missing=$(comm -23 "$out/syft-$form.pkgs" "$out/pm-$form.pkgs" | wc -l)
  t=${target[$form]}
  result=ok
  if [[ "$t" != 0 ]] && awk -v r="$ratio" -v t="$t" 'BEGIN{exit !(r < t)}'; then result=SLOW; status=1; fi
  # A speed ratio against a tool that found nothing compares no work.
  if [[ "$ns" -eq 0 && "$t" != 0 ]]; then result="n/a(syft:0)"; fi
  if ((missing > 0)); then result="$result,MISSING"; status=1; fi
  if [[ "$form" == cpio.gz && "$np" -eq 0 ]]; then result=NONE; status=1; fi
  tt="${t}x"; [[ "$t" == 0 ]] && tt="-"
  printf '%-9s %10s %10s %12.0f %12.0f %7sx %7s %7s  syft %d, premarket %d, syft-only %d\n' \
    "$form" "$ss" "$ps" "$(awk -v k="$sm" 'BEGIN{print k/1024}')" "$(awk -v k="$pmm" 'BEGIN{print k/1024}')" "$ratio" "$tt" "$result" "$ns" "$np" "$missing"
done
echo
for form in "${forms[@]}"; do
  so=$(comm -23 "$out/syft-$form.pkgs" "$out/pm-$form.pkgs")
  po=$(comm -13 "$out/syft-$form.pkgs" "$out/pm-$form.pkgs")
  if [[ ! -s "$out/syft-$form.pkgs" ]]; then
    echo "== $form: syft found no dpkg packages; premarket found $(wc -l <"$out/pm-$form.pkgs")"
  elif [[ -n "$so" || -n "$po" ]]; then
    echo "== $form: package differences (name version)"
    [[ -n "$so" ]] && echo "$so" | sed 's/^/  syft only:      /'
    [[ -n "$po" ]] && echo "$po" | sed 's/^/  premarket only: /'
  fi
done
echo "SBOMs and timings: $out"
exit $status
