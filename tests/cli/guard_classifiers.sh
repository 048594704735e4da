#!/usr/bin/env bash
# End-to-end checks of `warden guard train|eval`: clear one-line errors for
# missing data and models; with the data present (WARDEN_DATA_DIR or
# ../shared/data), a training run into a temporary directory is
# byte-for-byte the committed models, and eval writes the page. $1 is the
# warden binary; run from anywhere.
set -uo pipefail
W="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
refuse() {  # refuse NAME PATTERN COMMAND...: must fail with one stderr line matching PATTERN
  local name=$1 pattern=$2; shift 2
  if "$@" >"$tmp/out" 2>"$tmp/err"; then
    echo "FAIL: $name: succeeded"; fails=$((fails + 1)); return
  fi
  if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q "$pattern" "$tmp/err"; then
    echo "FAIL: $name: stderr was:"; cat "$tmp/err"; fails=$((fails + 1))
  fi
}
cd "$root" || exit 1
refuse missing-data "nowhere/guard/davidson" "$W" guard train --data-dir "$tmp/nowhere" --out "$tmp/m"
refuse missing-models "toxicity.wgc" "$W" guard eval --data-dir "${WARDEN_DATA_DIR:-$root/../shared/data}" \
  --models "$tmp/none" --out "$tmp/page.md"
data="${WARDEN_DATA_DIR:-$root/../shared/data}"
if [ -f "$data/guard/davidson_labeled_data.csv" ]; then
  if ! "$W" guard train --data-dir "$data" --out "$tmp/m" >"$tmp/out" 2>"$tmp/err"; then
    echo "FAIL: train"; cat "$tmp/err"; fails=$((fails + 1))
  fi
  for f in toxicity.wgc injection.wgc; do
    cmp -s "$tmp/m/$f" "models/guard/$f" || { echo "FAIL: $f differs from the committed model"; fails=$((fails + 1)); }
  done
  if ! "$W" guard eval --data-dir "$data" --models "$tmp/m" --out "$tmp/page.md" >"$tmp/out" 2>"$tmp/err"; then
    echo "FAIL: eval"; cat "$tmp/err"; fails=$((fails + 1))
  fi
  grep -q "weighted F1" "$tmp/page.md" || { echo "FAIL: page lacks weighted F1"; fails=$((fails + 1)); }
else
  echo "guard data not found under $data: training checks skipped"
fi
[ "$fails" -eq 0 ] && echo "guard_classifiers: all passed"
exit "$fails"
