#!/usr/bin/env bash
# validate-outputs.sh: prove premarket's machine-readable outputs valid with
# validators that premarket did not write.
#
# It builds premarket, generates every output on every example project
# (examples/*/premarket.yaml) and on every real build output in
# ../shared/fixtures/{yocto,buildroot} (when ../shared exists), then checks
# them with independent tools:
#
#   CycloneDX JSON  official CycloneDX JavaScript library (npm
#                   @cyclonedx/cyclonedx-library), JsonStrictValidator
#   CycloneDX XML   xmllint --schema with the bom-1.x XSD shipped in that npm
#                   package (fallback: the XSD in the cyclonedx-go module)
#   SARIF 2.1.0     ajv (draft-04) with the SARIF 2.1.0 schema shipped in npm
#                   @microsoft/jest-sarif; ajv (2020-12) with the schema shipped
#                   in npm @microsoft/sarif-multitool-linux; and Microsoft's
#                   SARIF Multitool "validate" (schema plus SARIF rules)
#   SPDX 2.3 JSON   ajv (draft-07) with the official SPDX 2.3 JSON schema
#                   (only when "sbom generate --output-format spdx-json" exists)
#   JUnit XML       xmllint well-formedness, and the counts in the testsuite(s)
#                   attributes against the test cases present (xmllint XPath)
#   PDF             pdfinfo, pdffonts, pdftotext (poppler), qpdf --check,
#                   pdfcpu validate (strict, falling back to relaxed for detail)
#   pack manifest   sha256sum of every listed output
#
# Every validator is first shown a deliberately broken file ("negative
# control") and must reject it, so a validator that accepts anything is caught.
#
# Usage: scripts/validate-outputs.sh [--verbose]
#   Environment: VALIDATE_OUT (work folder; default .cache/validate-outputs),
#   SPDX_SCHEMA (path to the official SPDX 2.3 JSON schema), NO_INSTALL=1
#   (never call npm, apt-get or go install; missing validators are skipped).
#
# Exit status: 0 no validator rejected anything; 1 some output was rejected or
# could not be generated; 2 premarket did not build. A validator that cannot
# be installed (offline) is reported as SKIP and does not fail the run.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 2
verbose=0
[ "${1:-}" = "--verbose" ] && verbose=1

work=${VALIDATE_OUT:-$repo/.cache/validate-outputs}
out=$work/out
vdir=$repo/scripts/validate
mkdir -p "$work"
rm -rf "$out"
mkdir -p "$out"
results=$work/results.tsv
: >"$results"
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}
export NO_COLOR=1

log() { printf '[%3ds] %s\n' "$SECONDS" "$*" >&2; }
# row OUTPUT VALIDATOR RESULT [DETAIL]: one line of the result table.
row() {
  local o=${1#"$out"/}
  printf '%s\t%s\t%s\t%s\n' "$o" "$2" "$3" "$(printf '%s' "${4:-}" | tr '\t\n' '  ')" >>"$results"
}
have() { command -v "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------- validators
# Each tool is installed once and reused; nothing is installed when it is
# already there, so a second run does no network access at all.

install_allowed() { [ "${NO_INSTALL:-0}" != 1 ]; }

# apt_get PACKAGE COMMAND: make COMMAND available from Debian PACKAGE.
apt_tried=0
apt_get() {
  have "$2" && return 0
  install_allowed || return 1
  have apt-get && [ "$(id -u)" = 0 ] || return 1
  log "installing $1 (for $2) with apt-get"
  if ! timeout 300 apt-get install -y -qq "$1" >"$work/apt.log" 2>&1; then
    if [ "$apt_tried" = 0 ]; then
      apt_tried=1
      timeout 300 apt-get update -qq >>"$work/apt.log" 2>&1
      timeout 300 apt-get install -y -qq "$1" >>"$work/apt.log" 2>&1
    fi
  fi
  have "$2"
}

skip_reason=()
note_skip() { skip_reason+=("$1"); log "SKIP: $1"; }

apt_get libxml2-utils xmllint || note_skip "xmllint unavailable (apt-get install libxml2-utils failed or not allowed): XML checks skipped"
apt_get poppler-utils pdfinfo || note_skip "poppler-utils unavailable: pdfinfo/pdffonts/pdftotext checks skipped"
apt_get qpdf qpdf || note_skip "qpdf unavailable (apt-get install qpdf failed or not allowed): qpdf --check skipped"

# npm dependencies, reinstalled only when package-lock.json changed.
node_ok=0
if have node && have npm; then
  stamp=$vdir/node_modules/.premarket-lock.sha256
  want=$(sha256sum "$vdir/package-lock.json" | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    node_ok=1
  elif install_allowed; then
    log "installing the npm validators (scripts/validate/package-lock.json)"
    if (cd "$vdir" && timeout 600 npm ci --no-audit --no-fund --loglevel=error) >"$work/npm.log" 2>&1; then
      echo "$want" >"$stamp"
      node_ok=1
    else
      note_skip "npm ci failed (offline?), see $work/npm.log: CycloneDX JSON, SARIF and SPDX schema checks skipped"
    fi
  elif [ -d "$vdir/node_modules/@cyclonedx/cyclonedx-library" ]; then
    node_ok=1
  else
    note_skip "npm validators not installed and NO_INSTALL=1"
  fi
else
  note_skip "node/npm not found: CycloneDX JSON, SARIF and SPDX schema checks skipped"
fi

multitool=""
if [ "$node_ok" = 1 ]; then
  mt=$vdir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
  if [ -f "$mt" ]; then
    # npm may not run the package's postinstall (chmod u+x).
    [ -x "$mt" ] || chmod u+x "$mt"
    if DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$mt" --version >/dev/null 2>&1; then
      multitool=$mt
    else
      note_skip "Sarif.Multitool does not run on this machine: SARIF Multitool check skipped"
    fi
  else
    note_skip "@microsoft/sarif-multitool-linux (optional npm dependency) not installed: SARIF Multitool check skipped"
  fi
fi

# pdfcpu, built from the Go module proxy into the work folder once. premarket
# writes its PDF with fpdf and does not use pdfcpu outside tests.
pdfcpu_version=v0.15.0
pdfcpu=$work/bin/pdfcpu
if [ ! -x "$pdfcpu" ]; then
  if install_allowed && have go; then
    log "building pdfcpu $pdfcpu_version"
    (cd "$work" && GOBIN=$work/bin GOFLAGS= timeout 600 go install "github.com/pdfcpu/pdfcpu/cmd/pdfcpu@$pdfcpu_version") >"$work/pdfcpu.log" 2>&1 ||
      note_skip "go install pdfcpu failed (offline?), see $work/pdfcpu.log: pdfcpu validate skipped"
  else
    note_skip "pdfcpu not built and NO_INSTALL=1 or no go: pdfcpu validate skipped"
  fi
fi
[ -x "$pdfcpu" ] || pdfcpu=""

# CycloneDX XSDs: the npm library's copy; else the cyclonedx-go module's.
xsd_dir=""
if [ -f "$vdir/node_modules/@cyclonedx/cyclonedx-library/res/schema/bom-1.6.SNAPSHOT.xsd" ]; then
  xsd_dir=$vdir/node_modules/@cyclonedx/cyclonedx-library/res/schema
  xsd_name() { echo "$xsd_dir/bom-$1.SNAPSHOT.xsd"; }
  xsd_label="xmllint + bom-%s.xsd (@cyclonedx/cyclonedx-library)"
else
  d=$(go list -m -f '{{.Dir}}' github.com/CycloneDX/cyclonedx-go 2>/dev/null)
  if [ -n "$d" ] && [ -f "$d/schema/bom-1.6.xsd" ]; then
    xsd_dir=$d/schema
    xsd_name() { echo "$xsd_dir/bom-$1.xsd"; }
    xsd_label="xmllint + bom-%s.xsd (cyclonedx-go module)"
  else
    note_skip "no CycloneDX XSD (npm library not installed, cyclonedx-go module not in the cache): XML schema checks skipped"
  fi
fi

# The official SPDX 2.3 JSON schema. No npm package ships it; use SPDX_SCHEMA,
# else a copy in the Go module cache (anchore/syft vendors the official file).
spdx_schema=${SPDX_SCHEMA:-}
if [ -z "$spdx_schema" ]; then
  gmc=$(go env GOMODCACHE 2>/dev/null)
  for f in "$gmc"/github.com/anchore/syft@*/schema/spdx-json/spdx-schema-2.3.json; do
    [ -f "$f" ] && spdx_schema=$f
  done
fi

# ---------------------------------------------------------------- build
pm=$work/premarket
log "building premarket"
if ! go build -o "$pm" ./cmd/premarket 2>"$work/build.log"; then
  cat "$work/build.log" >&2
  log "premarket does not build"
  exit 2
fi
spdx_out=0
if "$pm" sbom generate --help 2>/dev/null | grep -qE -- '--output-format .*spdx-json'; then spdx_out=1; fi
# pack --spdx once it is implemented (its help says so until then).
pack_spdx=()
if "$pm" pack --help 2>/dev/null | grep -E -- '--spdx ' | grep -vq 'not implemented'; then pack_spdx=(--spdx); fi

# ---------------------------------------------------------------- generate
# gen OUTPUT ARGS...: run premarket writing OUTPUT; exit 0 and 1 both leave an
# output (1 = findings fail the policy); 2 is an error and is reported.
cdx_json=() cdx_xml=() sarif=() junit=() spdx_json=() pdfs=() manifests=()
gen() {
  local o=$1; shift
  mkdir -p "$(dirname "$o")"
  "$pm" "$@" >"$o.stdout" 2>"$o.stderr"
  local rc=$?
  if [ "$rc" -ge 2 ] || { [ ! -s "$o" ] && [ ! -d "$o" ]; }; then
    row "$o" "premarket $1 $2" FAIL "exit $rc: $(grep -v '^$' "$o.stderr" | head -3 | tr '\n' ' ')"
    return 1
  fi
  rm -f "$o.stdout"
  return 0
}

# sbom_set DIR ARGS...: every SBOM flavour for one set of inputs, then the SBOM
# check reports on the JSON ones.
sbom_set() {
  local d=$1; shift
  local v f
  for v in 1.5 1.6 1.7; do
    gen "$d/sbom-$v.cdx.json" sbom generate "$@" --spec-version "$v" --output-format json -o "$d/sbom-$v.cdx.json" && cdx_json+=("$d/sbom-$v.cdx.json")
    gen "$d/sbom-$v.cdx.xml" sbom generate "$@" --spec-version "$v" --output-format xml -o "$d/sbom-$v.cdx.xml" && cdx_xml+=("$d/sbom-$v.cdx.xml")
  done
  if [ "$spdx_out" = 1 ]; then
    gen "$d/sbom.spdx.json" sbom generate "$@" --output-format spdx-json -o "$d/sbom.spdx.json" && spdx_json+=("$d/sbom.spdx.json")
  fi
  for v in 1.5 1.6 1.7; do
    f=$d/sbom-$v.cdx.json
    [ -s "$f" ] || continue
    gen "$d/sbom-check-$v.sarif" sbom check --format sarif -o "$d/sbom-check-$v.sarif" "$f" && sarif+=("$d/sbom-check-$v.sarif")
  done
  if [ -s "$d/sbom-1.6.cdx.json" ]; then
    gen "$d/sbom-check.junit.xml" sbom check --format junit -o "$d/sbom-check.junit.xml" "$d/sbom-1.6.cdx.json" && junit+=("$d/sbom-check.junit.xml")
  fi
}

# tm_set DIR MODEL [SBOM]: threat-model reports, resolving SBOM references
# against SBOM when the model accepts it.
tm_set() {
  local d=$1 model=$2 sbom=${3:-} fmt ext extra
  for fmt in sarif junit; do
    ext=$fmt; [ "$fmt" = junit ] && ext=junit.xml
    extra=()
    [ -n "$sbom" ] && extra=(--sbom "$sbom")
    if ! gen "$d/threatmodel.$ext" threatmodel check --format "$fmt" "${extra[@]}" -o "$d/threatmodel.$ext" "$model"; then
      [ -n "$sbom" ] || continue
      # The model may name several SBOMs; check without resolving them.
      sed -i '$d' "$results"
      gen "$d/threatmodel.$ext" threatmodel check --format "$fmt" --no-sbom -o "$d/threatmodel.$ext" "$model" || continue
    fi
    if [ "$fmt" = sarif ]; then sarif+=("$d/threatmodel.$ext"); else junit+=("$d/threatmodel.$ext"); fi
  done
}

log "generating outputs"
for y in examples/*/premarket.yaml; do
  ex=$(dirname "$y")
  name=$(basename "$ex")
  d=$out/examples/$name
  sbom_set "$d" --project "$ex"
  tm=$(sed -n 's/^threatModel:[[:space:]]*\([^#]*\).*/\1/p' "$y" | tr -d "\"' " | head -1)
  if [ -n "$tm" ] && [ -f "$ex/$tm" ]; then
    tm_set "$d" "$ex/$tm" "$d/sbom-1.6.cdx.json"
  elif [ -n "$tm" ]; then
    row "$d/threatmodel.sarif" "premarket threatmodel check" SKIP "$ex/premarket.yaml names threatModel $tm, which does not exist"
  fi
  if gen "$d/pack" pack "$ex" --out "$d/pack" --sarif "$d/pack.sarif" "${pack_spdx[@]}"; then
    sarif+=("$d/pack.sarif")
    for p in "$d/pack"/*.pdf; do [ -f "$p" ] && pdfs+=("$p|$ex"); done
    manifests+=("$d/pack")
    for z in "$d/pack/MISC FILES"/*.zip; do
      [ -f "$z" ] || continue
      mkdir -p "$d/pack-zip"
      if unzip -q -o "$z" -d "$d/pack-zip" 2>"$d/pack-zip.err"; then
        row "$z" "unzip -t" PASS "$(unzip -Z1 "$z" | wc -l) files"
        while IFS= read -r f; do cdx_json+=("$f"); done < <(find "$d/pack-zip" -name '*.cdx.json' | sort)
        while IFS= read -r f; do cdx_xml+=("$f"); done < <(find "$d/pack-zip" -name '*.cdx.xml' | sort)
        while IFS= read -r f; do sarif+=("$f"); done < <(find "$d/pack-zip" -name '*.sarif' | sort)
        while IFS= read -r f; do spdx_json+=("$f"); done < <(find "$d/pack-zip" -name '*.spdx.json' | sort)
      else
        row "$z" "unzip -t" FAIL "$(head -2 "$d/pack-zip.err")"
      fi
    done
  fi
done

d=$out/threatmodel-testdata
tm_set "$d" threatmodel/testdata/flawed.yaml

fixtures=$repo/../shared/fixtures
if [ -d "$fixtures" ]; then
  for sub in yocto buildroot; do
    for f in "$fixtures/$sub"/*; do
      [ -f "$f" ] || continue
      base=$(basename "$f")
      d=$out/fixtures/$sub/$base
      # Only files premarket recognises as inputs; others (README, checksums) are skipped.
      "$pm" sbom generate -q -i "$f" -o "$work/probe.json" >/dev/null 2>"$work/probe.err"
      if [ $? -ge 2 ] && grep -q 'no known input' "$work/probe.err"; then
        row "$d" "premarket sbom generate" SKIP "not a build output premarket reads"
        continue
      fi
      sbom_set "$d" -i "$f"
    done
  done
else
  note_skip "../shared/fixtures not present: only the examples were generated"
fi

# ---------------------------------------------------------------- controls
# Broken copies that every validator must reject. expect_reject FILE
# VALIDATOR records that the result row of FILE whose validator name contains
# VALIDATOR must be a rejection; other rows of control files are dropped.
ctl=$out/controls
mkdir -p "$ctl"
expectations=$work/controls.tsv
: >"$expectations"
# A third argument other than 1 means that validator is not available here.
expect_reject() { [ "${3:-1}" = 1 ] && printf '%s\t%s\n' "${1#"$out"/}" "$2" >>"$expectations"; return 0; }
xml_ok=0; have xmllint && xml_ok=1
xsd_ok=0; [ "$xml_ok" = 1 ] && [ -n "$xsd_dir" ] && xsd_ok=1
mt_ok=0; [ -n "$multitool" ] && mt_ok=1
spdx_ok=0; [ "$node_ok" = 1 ] && [ -n "$spdx_schema" ] && spdx_ok=1
controls_cdx_json=() controls_cdx_xml=() controls_sarif=() controls_junit=() controls_spdx=()
mutate_json() { # SRC DST JS-EXPRESSION-ON-d
  node -e 'const fs=require("fs");const d=JSON.parse(fs.readFileSync(process.argv[1],"utf8"));'"$3"';fs.writeFileSync(process.argv[2],JSON.stringify(d,null,2))' "$1" "$2"
}
if have node; then
  if [ "${#cdx_json[@]}" -gt 0 ]; then
    mutate_json "${cdx_json[0]}" "$ctl/bad.cdx.json" 'd.metadata.unknownField=1;(d.components||[])[0]&&(d.components[0].type="not-a-type")' && controls_cdx_json+=("$ctl/bad.cdx.json") &&
      expect_reject "$ctl/bad.cdx.json" JsonStrictValidator "$node_ok"
  fi
  if [ "${#sarif[@]}" -gt 0 ]; then
    # Not an invalid result "level": Sarif.Multitool 5.7 silently skips a file
    # whose enum values it cannot deserialise (reports nothing, exit 0).
    mutate_json "${sarif[0]}" "$ctl/bad.sarif" 'd.version="2.1";d.runs[0].tool.driver.name=42;d.runs[0].bogus=true' && controls_sarif+=("$ctl/bad.sarif") &&
      expect_reject "$ctl/bad.sarif" "ajv draft-04" "$node_ok" && expect_reject "$ctl/bad.sarif" "ajv 2020-12" "$mt_ok" &&
      expect_reject "$ctl/bad.sarif" "Sarif.Multitool" "$mt_ok"
  fi
  if [ "${#spdx_json[@]}" -gt 0 ]; then
    mutate_json "${spdx_json[0]}" "$ctl/bad.spdx.json" 'delete d.creationInfo;d.packages=(d.packages||[]).concat([{SPDXID:"not an id"}])' && controls_spdx+=("$ctl/bad.spdx.json") &&
      expect_reject "$ctl/bad.spdx.json" "spdx-schema" "$spdx_ok"
  fi
fi
if [ "${#cdx_xml[@]}" -gt 0 ]; then
  sed '0,/<metadata>/s//<metadata><bogus>1<\/bogus>/' "${cdx_xml[0]}" >"$ctl/bad.cdx.xml" && controls_cdx_xml+=("$ctl/bad.cdx.xml") &&
    expect_reject "$ctl/bad.cdx.xml" "xmllint + bom-" "$xsd_ok"
fi
if [ "${#junit[@]}" -gt 0 ]; then
  # Counts that disagree with the test cases, then a truncated file.
  sed '0,/tests="[0-9]*"/s//tests="99999"/' "${junit[0]}" >"$ctl/bad-counts.junit.xml" && controls_junit+=("$ctl/bad-counts.junit.xml") &&
    expect_reject "$ctl/bad-counts.junit.xml" "JUnit counts" "$xml_ok"
  head -c 300 "${junit[0]}" >"$ctl/bad-truncated.junit.xml" && controls_junit+=("$ctl/bad-truncated.junit.xml") &&
    expect_reject "$ctl/bad-truncated.junit.xml" "well-formed" "$xml_ok"
fi

# ---------------------------------------------------------------- validate
log "validating"

# XML CycloneDX against the official XSD of its namespace's version.
check_cdx_xml() {
  local f=$1 ns v x
  ns=$(grep -o 'xmlns="http://cyclonedx.org/schema/bom/[0-9.]*"' "$f" | head -1)
  v=${ns##*/}; v=${v%\"}
  if [ -z "$xsd_dir" ] || ! have xmllint; then row "$f" "xmllint --schema bom-$v.xsd" SKIP "xmllint or XSD unavailable"; return; fi
  x=$(xsd_name "$v")
  # shellcheck disable=SC2059
  local label; label=$(printf "$xsd_label" "$v")
  if [ -z "$v" ] || [ ! -f "$x" ]; then row "$f" "$label" FAIL "no CycloneDX namespace or no XSD for version '$v'"; return; fi
  local msg
  if msg=$(xmllint --noout --nonet --schema "$x" "$f" 2>&1); then
    row "$f" "$label" PASS
  else
    row "$f" "$label" FAIL "$(printf '%s\n' "$msg" | grep -v 'fails to validate$' | head -4 | sed "s|$out/||g" | tr '\n' ' ')"
  fi
}

# JUnit: well-formed, a testsuites or testsuite root, and counts that add up.
check_junit() {
  local f=$1 msg
  if ! have xmllint; then row "$f" "xmllint (JUnit)" SKIP "xmllint unavailable"; return; fi
  if ! msg=$(xmllint --noout --nonet "$f" 2>&1); then
    row "$f" "xmllint well-formed" FAIL "$(printf '%s\n' "$msg" | head -2 | sed "s|$out/||g" | tr '\n' ' ')"
    return
  fi
  row "$f" "xmllint well-formed" PASS
  num() { xmllint --xpath "$1" "$f" 2>/dev/null || echo NaN; }
  local root problems=() cases
  root=$(num 'name(/*)')
  case "$root" in testsuites | testsuite) ;; *) problems+=("root element is <$root>, not <testsuites> or <testsuite>") ;; esac
  cases=$(num 'count(//testcase)')
  local attr kid
  for attr in tests failures errors skipped; do
    case $attr in tests) kid='' ;; failures) kid=failure ;; errors) kid=error ;; skipped) kid=skipped ;; esac
    # Every testsuite's attribute must match its own test cases.
    local bad
    bad=$(num "count(//testsuite[@$attr and number(@$attr) != count(testcase${kid:+/$kid})])")
    [ "$bad" != 0 ] && problems+=("$bad <testsuite> with $attr= not matching their test cases")
    if [ "$root" = testsuites ]; then
      local top sum
      top=$(num "string(/testsuites/@$attr)")
      sum=$(num "count(//testcase${kid:+/$kid})")
      [ -n "$top" ] && [ "$top" != "$sum" ] && problems+=("<testsuites $attr=\"$top\"> but $sum found")
    fi
  done
  local unnamed
  unnamed=$(num 'count(//testcase[not(@name) or not(@classname)])')
  [ "$unnamed" != 0 ] && problems+=("$unnamed <testcase> without name or classname")
  if [ "${#problems[@]}" -eq 0 ]; then
    row "$f" "xmllint XPath: JUnit counts" PASS "$cases test cases"
  else
    row "$f" "xmllint XPath: JUnit counts" FAIL "$(IFS=';'; echo "${problems[*]}")"
  fi
}

# PDF: poppler, qpdf, pdfcpu.
check_pdf() {
  local f=${1%%|*} ex=${1#*|} info
  if have pdfinfo; then
    if info=$(pdfinfo "$f" 2>&1); then
      local ver pages size enc problems=()
      ver=$(sed -n 's/^PDF version:[[:space:]]*//p' <<<"$info")
      pages=$(sed -n 's/^Pages:[[:space:]]*//p' <<<"$info")
      size=$(sed -n 's/^Page size:[[:space:]]*//p' <<<"$info")
      enc=$(sed -n 's/^Encrypted:[[:space:]]*//p' <<<"$info")
      awk -v v="$ver" 'BEGIN{exit !(v+0 >= 1.4)}' || problems+=("PDF version $ver < 1.4")
      [[ "$size" == "612 x 792 pts"* ]] || problems+=("page size '$size' is not Letter")
      [[ "$enc" == no* ]] || problems+=("encrypted: $enc")
      [ "${pages:-0}" -gt 0 ] 2>/dev/null || problems+=("no pages")
      # Every page Letter, not only the first.
      local odd
      odd=$(pdfinfo -f 1 -l "${pages:-1}" "$f" 2>/dev/null | grep -E '^Page +[0-9]+ size:' | grep -vc '612 x 792 pts')
      [ "$odd" != 0 ] && problems+=("$odd pages not Letter")
      if [ "${#problems[@]}" -eq 0 ]; then
        row "$f" "pdfinfo" PASS "PDF $ver, $pages pages, Letter, not encrypted"
      else
        row "$f" "pdfinfo" FAIL "$(IFS=';'; echo "${problems[*]}")"
      fi
    else
      row "$f" "pdfinfo" FAIL "$(head -2 <<<"$info" | tr '\n' ' ')"
    fi
    local fonts notemb
    fonts=$(pdffonts "$f" 2>&1)
    # Columns from the right: emb sub uni objnum gen.
    notemb=$(tail -n +3 <<<"$fonts" | awk 'NF>=7 && $(NF-4)!="yes"{print $1}' | tr '\n' ' ')
    local nf; nf=$(tail -n +3 <<<"$fonts" | grep -c .)
    if [ -n "$notemb" ]; then row "$f" "pdffonts" FAIL "not embedded: $notemb"
    elif [ "$nf" = 0 ]; then row "$f" "pdffonts" FAIL "no fonts listed: $(head -1 <<<"$fonts")"
    else row "$f" "pdffonts" PASS "$nf fonts, all embedded"; fi
    local name model txt
    name=$(sed -n '/^device:/,/^[^ #]/s/^  name:[[:space:]]*//p' "$ex/premarket.yaml" | head -1 | tr -d "\"'")
    model=$(sed -n '/^device:/,/^[^ #]/s/^  model:[[:space:]]*//p' "$ex/premarket.yaml" | head -1 | tr -d "\"'")
    txt=$(pdftotext -layout "$f" - 2>/dev/null)
    if [ -n "$name" ] && grep -qF "$name" <<<"$txt" && { [ -z "$model" ] || grep -qF "$model" <<<"$txt"; }; then
      row "$f" "pdftotext" PASS "device name '$name' and model '$model' found"
    else
      row "$f" "pdftotext" FAIL "device name '$name' / model '$model' not found in the text layer"
    fi
  else
    row "$f" "poppler" SKIP "poppler-utils unavailable"
  fi
  if have qpdf; then
    local q rc
    q=$(qpdf --check "$f" 2>&1); rc=$?
    if [ "$rc" = 0 ]; then row "$f" "qpdf --check" PASS "no syntax or stream encoding errors"
    else row "$f" "qpdf --check" FAIL "exit $rc: $(grep -iE 'error|warn' <<<"$q" | head -3 | tr '\n' ' ')"; fi
  else
    row "$f" "qpdf --check" SKIP "qpdf unavailable"
  fi
  if [ -n "$pdfcpu" ]; then
    local s r
    s=$(XDG_CONFIG_HOME=$work/config "$pdfcpu" validate -m strict -v "$f" 2>&1 | grep -a 'validation error\|validation ok' | head -1)
    if [[ "$s" == *"validation ok"* ]]; then
      row "$f" "pdfcpu $pdfcpu_version validate (strict)" PASS
    else
      r=$(XDG_CONFIG_HOME=$work/config "$pdfcpu" validate -m relaxed "$f" >/dev/null 2>&1 && echo "relaxed mode: ok" || echo "relaxed mode: also fails")
      s=${s#validate }
      row "$f" "pdfcpu $pdfcpu_version validate (strict)" FAIL "${s#"$out"/} [$r]"
    fi
  else
    row "$f" "pdfcpu validate" SKIP "pdfcpu unavailable"
  fi
}

# Pack manifest: each output's SHA-256 and size.
check_manifest() {
  local d=$1 m=$1/manifest.json
  if ! have node; then row "$m" "sha256sum" SKIP "node unavailable to read the manifest"; return; fi
  local bad=() n=0 path sum size
  while IFS=$'\t' read -r path sum size; do
    n=$((n + 1))
    if [ ! -f "$d/$path" ]; then bad+=("$path missing"); continue; fi
    [ "$(sha256sum "$d/$path" | cut -d' ' -f1)" = "$sum" ] || bad+=("$path sha256 differs")
    [ "$(stat -c %s "$d/$path")" = "$size" ] || bad+=("$path size differs")
  done < <(node -e 'const m=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));for(const o of m.outputs||[])console.log([o.path,o.sha256,o.size].join("\t"))' "$m")
  if [ "$n" = 0 ]; then row "$m" "sha256sum" FAIL "no outputs listed"
  elif [ "${#bad[@]}" -eq 0 ]; then row "$m" "sha256sum" PASS "$n outputs match"
  else row "$m" "sha256sum" FAIL "$(IFS=';'; echo "${bad[*]}")"; fi
}

# Sarif.Multitool is the slow one (about 3 s per 2 MB log): it runs in the
# background while the XML and PDF checks run, and it reads the SBOM check
# SARIF of CycloneDX 1.6 only (1.5 and 1.7 give the same findings through the
# same renderer; the schema checks below still read every SARIF file).
mt_inputs=() mt_pid=""
mtlog=$work/multitool.sarif
if [ "$node_ok" = 1 ] && [ -n "$multitool" ]; then
  for f in "${controls_sarif[@]}" "${sarif[@]}"; do
    case $f in */sbom-check-1.5.sarif | */sbom-check-1.7.sarif) continue ;; esac
    mt_inputs+=("$f")
  done
  rm -f "$mtlog"
  if [ "${#mt_inputs[@]}" -gt 0 ]; then
    log "Sarif.Multitool validate on ${#mt_inputs[@]} files (background)"
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$multitool" validate -o "$mtlog" --log ForceOverwrite \
      --level "Error;Warning" "${mt_inputs[@]}" >"$work/multitool.log" 2>&1 &
    mt_pid=$!
  fi
fi

log "validating CycloneDX XML"
for f in "${controls_cdx_xml[@]}" "${cdx_xml[@]}"; do check_cdx_xml "$f"; done
log "validating JUnit"
for f in "${controls_junit[@]}" "${junit[@]}"; do check_junit "$f"; done
log "validating PDF"
for p in "${pdfs[@]}"; do check_pdf "$p"; done
for d in "${manifests[@]}"; do check_manifest "$d"; done

# JSON checks in one node process: CycloneDX, SARIF, SPDX, and the
# Multitool's log.
log "validating JSON (CycloneDX, SARIF, SPDX)"
if [ "$node_ok" = 1 ]; then
  tasks=$work/tasks.tsv
  : >"$tasks"
  for f in "${controls_cdx_json[@]}" "${cdx_json[@]}"; do printf 'cdx-json\t%s\n' "$f" >>"$tasks"; done
  for f in "${controls_sarif[@]}" "${sarif[@]}"; do printf 'sarif\t%s\n' "$f" >>"$tasks"; done
  for f in "${controls_spdx[@]}" "${spdx_json[@]}"; do printf 'spdx-json\t%s\t%s\n' "$f" "$spdx_schema" >>"$tasks"; done
  if [ -n "$mt_pid" ]; then
    wait "$mt_pid"
    if [ -s "$mtlog" ]; then
      printf 'multitool\t%s\t%s\n' "$mtlog" "$(IFS='|'; echo "${mt_inputs[*]}")" >>"$tasks"
    else
      row "$work/multitool.log" "Sarif.Multitool validate" FAIL "no log written: $(tail -3 "$work/multitool.log" | tr '\n' ' ')"
    fi
  fi
  node "$vdir/validate.mjs" "$tasks" 2>"$work/node.err" | while IFS=$'\t' read -r f v r dt; do
    row "$f" "$v" "$r" "$(sed "s|$out/||g" <<<"$dt")"
  done
  [ -s "$work/node.err" ] && row "$vdir/validate.mjs" "node" FAIL "$(head -3 "$work/node.err" | tr '\n' ' ')"
  if [ "$spdx_out" = 1 ] && [ -z "$spdx_schema" ]; then
    note_skip "SPDX 2.3 schema not found (set SPDX_SCHEMA): SPDX schema checks skipped"
  fi
else
  for f in "${cdx_json[@]}" "${sarif[@]}" "${spdx_json[@]}"; do row "$f" "npm validators" SKIP "not installed"; done
fi
[ "$spdx_out" = 1 ] || note_skip "premarket sbom generate has no --output-format spdx-json yet: no SPDX output to validate"

# ---------------------------------------------------------------- report
# Controls invert: a validator passes its control by rejecting the file; a
# control that produced no row for its validator fails too.
final=$work/table.tsv
awk -F'\t' 'BEGIN{OFS="\t"}
  NR==FNR { want[NR]=$1 SUBSEP $2; file[NR]=$1; val[NR]=$2; n=NR; next }
  $1 ~ /^controls\// {
    hit = 0
    for (i = 1; i <= n; i++) if ($1 == file[i] && index($2, val[i]) > 0) { hit = 1; seen[i] = 1 }
    if (!hit) next
    if ($3=="FAIL") { $3="PASS"; $4="rejected as expected: " $4 } else if ($3=="PASS") { $3="FAIL"; $4="accepted a deliberately broken file" }
  }
  { print }
  END { for (i = 1; i <= n; i++) if (!seen[i]) print file[i], val[i], "FAIL", "negative control produced no result for this validator" }' "$expectations" "$results" >"$final"

fails=$(awk -F'\t' '$3=="FAIL"' "$final" | wc -l)
passes=$(awk -F'\t' '$3=="PASS"' "$final" | wc -l)
skips=$(awk -F'\t' '$3=="SKIP"' "$final" | wc -l)
w1=$(awk -F'\t' '{ if (length($1)>m) m=length($1) } END{print m+0}' "$final")
w2=$(awk -F'\t' '{ if (length($2)>m) m=length($2) } END{print m+0}' "$final")
[ "$w1" -gt 70 ] && w1=70
echo
printf "%-${w1}s  %-${w2}s  %s\n" "output (under ${out#"$repo"/})" "validator" "result"
awk -F'\t' -v w1="$w1" -v w2="$w2" -v verbose="$verbose" '{
    d = $4
    if (!verbose && length(d) > 160) d = substr(d, 1, 157) "..."
    printf "%-" w1 "s  %-" w2 "s  %s%s\n", $1, $2, $3, (d != "" ? "  " d : "")
  }' "$final"
echo
for s in "${skip_reason[@]}"; do echo "skipped: $s"; done
[ -n "$spdx_schema" ] && echo "SPDX 2.3 schema: $spdx_schema ($(sha256sum "$spdx_schema" | cut -c1-16)…)"
echo "full results: $final"
echo "$passes passed, $fails failed, $skips skipped"
[ "$fails" -eq 0 ]
