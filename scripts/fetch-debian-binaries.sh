#!/usr/bin/env bash
# fetch-debian-binaries.sh downloads real Debian packages and extracts them
# into .cache/debian-binaries/ (git-ignored) so that the binid tests can check
# component identification against binaries built by someone else.
#
# Each package is fetched with `apt-get download` and unpacked with
# `dpkg-deb -x` into .cache/debian-binaries/<package>/. A manifest
# (.cache/debian-binaries/manifest.tsv: package <TAB> version <TAB> directory)
# records the exact version of every package extracted; the tests derive the
# expected upstream versions from it, never from hard-coded numbers.
#
# Usage: scripts/fetch-debian-binaries.sh [--update]
#   --update   run `apt-get update` first (needed once on a fresh machine).
# Re-running skips packages already extracted at the candidate version.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.cache/debian-binaries"
mkdir -p "$dest/debs"

# Tolerant by design: CI calls this before the tests, and the tests that
# need the binaries skip when they are absent. Without apt (not Debian),
# or when the mirror cannot be reached, warn and succeed.
warn() { echo "warning: fetch-debian-binaries: $*; the tests that need Debian binaries will skip" >&2; }
for tool in apt-get apt-cache dpkg-deb; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    warn "$tool not found"
    exit 0
  fi
done

if [[ "${1:-}" == "--update" ]] || ! apt-cache policy busybox-static 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  if ! apt-get update -qq; then
    warn "apt-get update failed"
    exit 0
  fi
fi

# Packages whose binaries the tests check. Alternatives are separated by '|':
# the first that apt knows is used (in bookworm /usr/sbin/nginx ships in
# "nginx"; nginx-light and nginx-core only pull in modules).
# linux-image-cloud-amd64 is a metapackage: its versioned dependency (the real kernel package) is fetched instead.
packages=(
  busybox-static libssl3 libcurl4 zlib1g sqlite3 libsqlite3-0 dropbear-bin
  openssh-client lighttpd "nginx|nginx-core|nginx-light" dnsmasq-base hostapd
  wpasupplicant bluez mosquitto libxml2 libexpat1 libpng16-16
  "linux-image-cloud-amd64|linux-image-amd64" u-boot-qemu libc6 musl
  libwolfssl35 libmbedcrypto7 libcoap3 libpaho-mqtt1.3 bash util-linux
  libjpeg62-turbo libqt5core5a libcjson1 libprotobuf-c1 systemd
)

# Candidate versions of every package named above, from one apt-cache call
# (apt-cache takes about half a second per call; one per package made a
# cached re-run take a minute).
declare -A candidates=()
load_candidates() {
  local names=() spec alt p
  for spec in "$@"; do
    IFS='|' read -ra alt <<<"$spec"
    names+=("${alt[@]}")
  done
  while read -r p c; do
    candidates[$p]="$c"
  done < <(apt-cache policy "${names[@]}" 2>/dev/null | awk '/^[^ ].*:$/{sub(/:$/, "", $1); p=$1} /Candidate:/{print p, $2}')
}
candidate() {
  if [[ -z "${candidates[$1]+x}" ]]; then
    candidates[$1]="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/{print $2}')"
  fi
  echo "${candidates[$1]}"
}

resolve() {
  local alt p c
  IFS='|' read -ra alt <<<"$1"
  for p in "${alt[@]}"; do
    c="$(candidate "$p")"
    if [[ -n "$c" && "$c" != "(none)" ]]; then
      if [[ "$p" == linux-image-*amd64 && "$p" != linux-image-[0-9]* ]]; then
        # metapackage -> the versioned kernel image package it depends on
        p="$(apt-cache depends "$p" | awk '/Depends: linux-image-[0-9]/{print $2; exit}')"
        [[ -n "$p" ]] || continue
      fi
      echo "$p"
      return 0
    fi
  done
  return 1
}

load_candidates "${packages[@]}"
manifest="$dest/manifest.tsv.tmp"
: >"$manifest"
for spec in "${packages[@]}"; do
  if ! pkg="$(resolve "$spec")"; then
    echo "skip: no candidate for $spec" >&2
    continue
  fi
  ver="$(candidate "$pkg")"
  dir="$dest/$pkg"
  stamp="$dir/.version"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$ver" ]]; then
    printf '%s\t%s\t%s\n' "$pkg" "$ver" "$pkg" >>"$manifest"
    continue
  fi
  echo "fetch: $pkg $ver" >&2
  if ! (cd "$dest/debs" && apt-get download -q "$pkg=$ver" >/dev/null); then
    warn "apt-get download $pkg=$ver failed"
    continue
  fi
  deb="$(ls -t "$dest/debs/${pkg}_"*.deb | head -n1)"
  rm -rf "$dir"
  mkdir -p "$dir"
  if ! dpkg-deb -x "$deb" "$dir"; then
    warn "dpkg-deb -x $deb failed"
    rm -rf "$dir"
    continue
  fi
  echo "$ver" >"$stamp"
  printf '%s\t%s\t%s\n' "$pkg" "$ver" "$pkg" >>"$manifest"
done
mv "$manifest" "$dest/manifest.tsv"
echo "extracted $(wc -l <"$dest/manifest.tsv") packages into $dest" >&2
