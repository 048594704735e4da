#!/usr/bin/env bash
# End-to-end check of `warden watermark eval --quick`: trains a tiny model,
# runs the smoke-test evaluation and checks that the page and its figures
# exist and hold every section and table. $1 is the warden binary.
set -uo pipefail
W="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "FAIL: $*"
  exit 1
}

"$W" lm train default --max-bytes 2000000 -o "$tmp/m.wlm" >"$tmp/train.log" 2>&1 ||
  { cat "$tmp/train.log"; fail "training the model"; }
start=$(date +%s)
"$W" watermark eval --quick --model "$tmp/m.wlm" --out "$tmp/eval.md" >"$tmp/eval.log" 2>&1 ||
  { cat "$tmp/eval.log"; fail "watermark eval --quick"; }
elapsed=$(($(date +%s) - start))
echo "eval --quick took ${elapsed}s"

page="$tmp/eval.md"
[ -s "$page" ] || fail "no page at $page"
for heading in "# Watermark evaluation" "## Summary" "## Notes and shortfalls" \
  "## 1. Detectability" "## 2. Calibration" "## 3. Robustness" "## 4. Quality"; do
  grep -qF "$heading" "$page" || fail "page lacks '$heading'"
done
for row in "| Scheme | γ | δ | T=25 |" "| KGW LeftHash h=1 | 0.25 | 2 |" "| Unigram |" \
  "| Gumbel h=4 |" "| plain |" "| deletion |" "| synonym |" "--quick"; do
  grep -qF -- "$row" "$page" || fail "page lacks '$row'"
done
# Every figure the page links to exists and is a complete SVG.
links=$(grep -o '(eval/[a-z_]*\.svg)' "$page" | tr -d '()')
[ -n "$links" ] || fail "page links no figures"
for f in $links; do
  [ -s "$tmp/$f" ] || fail "missing figure $f"
  tail -n 1 "$tmp/$f" | grep -q '</svg>' || fail "truncated figure $f"
done
# A bad option is refused with a one-line error, not a crash.
if "$W" watermark eval --quick --model "$tmp/nonexistent.wlm" --out "$tmp/x.md" 2>"$tmp/err"; then
  fail "a missing model was accepted"
fi
[ "$(wc -l <"$tmp/err")" -eq 1 ] || { cat "$tmp/err"; fail "error was not one line"; }
echo "ok"
