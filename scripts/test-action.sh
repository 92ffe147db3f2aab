#!/usr/bin/env bash
# Runs the run steps of action.yml exactly as written, outside GitHub, and
# checks the action's outputs. The steps are extracted from action.yml (the
# "run: |" blocks), not copied, so this script tests what the action runs.
# GitHub's own steps (actions/setup-go) are skipped: the local go is used.
#
# Usage: scripts/test-action.sh [PROJECT] [FAIL_ON]
#   defaults: examples/infusion-pump, none
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
project="${1:-examples/infusion-pump}"
fail_on="${2:-none}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

action="$root/action.yml"
grep -q 'using: composite' "$action" || { echo "action.yml is not a composite action" >&2; exit 1; }
grep -q 'uses: actions/setup-go@' "$action" || { echo "action.yml does not set up Go" >&2; exit 1; }

# The environment GitHub gives a composite step, and the step env mappings
# of action.yml with the inputs filled in.
export RUNNER_TEMP="$work/runner-temp"
export GITHUB_OUTPUT="$work/github-output"
export PREMARKET_ACTION_PATH="$root"
export INPUT_PROJECT="$project"
export INPUT_OUT="$work/evidence"
export INPUT_PROFILE="submission"
export INPUT_FAIL_ON="$fail_on"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1767225600}"
mkdir -p "$RUNNER_TEMP"
: > "$GITHUB_OUTPUT"

# Extract each "run: |" block (lines indented deeper than the run: key)
# into its own script, in step order.
awk -v dir="$work" '
  /^[[:space:]]*run: \|[[:space:]]*$/ {
    n++; file = sprintf("%s/step-%02d.sh", dir, n)
    match($0, /^[[:space:]]*/); ind = RLENGTH; inrun = 1; next
  }
  inrun {
    if ($0 ~ /^[[:space:]]*$/) { print "" > file; next }
    match($0, /^[[:space:]]*/)
    if (RLENGTH <= ind) { inrun = 0 } else { print substr($0, ind + 3) > file; next }
  }
' "$action"

steps=("$work"/step-*.sh)
[ "${#steps[@]}" -ge 2 ] || { echo "found ${#steps[@]} run steps in action.yml, want 2" >&2; exit 1; }
if grep -n '\${{' "${steps[@]}"; then
  echo "a run step uses a \${{ }} expression; pass inputs through env" >&2
  exit 1
fi

cd "$root"   # GitHub runs steps in the workspace; here the repository is it
status=0
for s in "${steps[@]}"; do
  echo "--- $(basename "$s")" >&2
  bash -e "$s" || status=$?
done

pdf="$(sed -n 's/^pdf=//p' "$GITHUB_OUTPUT")"
sarif="$(sed -n 's/^sarif=//p' "$GITHUB_OUTPUT")"
echo "outputs: pdf=$pdf sarif=$sarif (exit $status)" >&2
[ -n "$pdf" ] && [ -f "$pdf" ] || { echo "output pdf missing" >&2; exit 1; }
[ -n "$sarif" ] && [ -f "$sarif" ] || { echo "output sarif missing" >&2; exit 1; }
head -c 5 "$pdf" | grep -q '%PDF-' || { echo "$pdf is not a PDF" >&2; exit 1; }
grep -q '"version": "2.1.0"' "$sarif" || { echo "$sarif is not SARIF 2.1.0" >&2; exit 1; }
[ -f "$INPUT_OUT/manifest.json" ] || { echo "manifest.json missing" >&2; exit 1; }
ls "$INPUT_OUT/MISC FILES/"*.zip >/dev/null || { echo "MISC FILES zip missing" >&2; exit 1; }
case "$sarif" in "$INPUT_OUT"/*) echo "the SARIF is inside the eCopy folder" >&2; exit 1;; esac
echo "action OK (pack exit status $status)" >&2
exit "$status"
