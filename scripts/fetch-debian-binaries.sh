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

if [[ "${1:-}" == "--update" ]] || ! apt-cache policy busybox-static 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  apt-get update -qq
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

candidate() { apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/{print $2}'; }

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
  (cd "$dest/debs" && apt-get download -q "$pkg=$ver" >/dev/null)
  deb="$(ls -t "$dest/debs/${pkg}_"*.deb | head -n1)"
  rm -rf "$dir"
  mkdir -p "$dir"
  dpkg-deb -x "$deb" "$dir"
  echo "$ver" >"$stamp"
  printf '%s\t%s\t%s\n' "$pkg" "$ver" "$pkg" >>"$manifest"
done
mv "$manifest" "$dest/manifest.tsv"
echo "extracted $(wc -l <"$dest/manifest.tsv") packages into $dest" >&2
