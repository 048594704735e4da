#!/usr/bin/env bash
# End-to-end checks of `warden fairness`: audit, train, predict on a small
# synthetic lending table, the clear one-line errors promised for bad input,
# and (when the UCI data is present) a quick run of the evaluation.
# $1 is the warden binary.
set -uo pipefail
W="$1"
source "$(dirname "$0")/lib/harness.sh"

# 2,000 applicants; women's income feature is shifted, so a model rejects
# creditworthy women more often. A linear congruential generator keeps it
# deterministic without awk's rand().
awk 'BEGIN {
  s = 12345; print "good,income,job,sex,score";
  for (i = 0; i < 2000; i++) {
    s = (s * 1103515245 + 12345) % 2147483648; u1 = s / 2147483648;
    s = (s * 1103515245 + 12345) % 2147483648; u2 = s / 2147483648;
    s = (s * 1103515245 + 12345) % 2147483648; u3 = s / 2147483648;
    f = (u1 < 0.4); y = (u2 < 0.45);
    inc = 30 + 25 * y + 45 * u3 - 12 * f;
    job = (u3 < 0.3) ? "clerk" : (u3 < 0.7 ? "\"sales, retail\"" : "?");
    sc = inc / 100; if (sc > 1) sc = 1;
    printf "%d,%.2f,%s,%s,%.4f\n", y, inc, job, (f ? "F" : "M"), sc;
  } }' >"$tmp/loans.csv"

check audit "$W" fairness audit -i "$tmp/loans.csv" --label good --score score --sensitive sex \
  --bootstrap 200 --json "$tmp/a.json" --html "$tmp/a.html"
grep -q "false_rejection_rate" "$tmp/out" || { echo "FAIL: audit lacks FRR"; fails=$((fails + 1)); }
grep -q "rich subgroup" "$tmp/out" || { echo "FAIL: audit lacks subgroup"; fails=$((fails + 1)); }
grep -q "would need about" "$tmp/out" || { echo "FAIL: no small-group warning"; fails=$((fails + 1)); }
grep -q '"worst\|"highest"' "$tmp/a.json" || { echo "FAIL: json"; fails=$((fails + 1)); }
grep -q "<table>" "$tmp/a.html" || { echo "FAIL: html"; fails=$((fails + 1)); }

check train "$W" fairness train -i "$tmp/loans.csv" --label good --sensitive sex --drop score \
  --method expgrad --constraint TruePositiveRateParity --epsilon 0.02 -o "$tmp/m.json"
grep -q "train gap" "$tmp/out" || { echo "FAIL: train output"; fails=$((fails + 1)); }
check predict "$W" fairness predict -i "$tmp/loans.csv" --sensitive sex --drop score -m "$tmp/m.json" \
  -o "$tmp/p.csv"
[ "$(wc -l <"$tmp/p.csv")" -eq 2001 ] || { echo "FAIL: predict rows"; fails=$((fails + 1)); }
check predict_again "$W" fairness predict -i "$tmp/loans.csv" --sensitive sex --drop score \
  -m "$tmp/m.json" -o "$tmp/p2.csv"
cmp -s "$tmp/p.csv" "$tmp/p2.csv" || { echo "FAIL: predict not deterministic"; fails=$((fails + 1)); }
check train_threshold "$W" fairness train -i "$tmp/loans.csv" --label good --sensitive sex \
  --drop score --method threshold --constraint EqualizedOdds -o "$tmp/t.json"

# Bad input: one clear line each.
refuse missing_column "column 'race' not found" "$W" fairness audit -i "$tmp/loans.csv" \
  --label good --score score --sensitive race
sed '3s/^[01],/7,/' "$tmp/loans.csv" >"$tmp/badlabel.csv"
refuse label_outside "row 2, column 'good': label '7' is not 0 or 1" "$W" fairness audit \
  -i "$tmp/badlabel.csv" --label good --score score --sensitive sex
refuse unknown_constraint "unknown constraint" "$W" fairness train -i "$tmp/loans.csv" \
  --label good --sensitive sex --constraint Fairness -o "$tmp/x.json"
echo '{"format":"nope"}' >"$tmp/bad.json"
refuse bad_model "not a warden fairness model" "$W" fairness predict -i "$tmp/loans.csv" \
  -m "$tmp/bad.json"
printf 'good,score,sex\n1,"0.5,F\n' >"$tmp/unterminated.csv"
refuse bad_csv "unterminated quoted field" "$W" fairness audit -i "$tmp/unterminated.csv" \
  --label good --score score --sensitive sex

data="${WARDEN_DATA_DIR:-$(dirname "$0")/../../../shared/data}/fairness"
if [ -f "$data/adult.test" ]; then
  check eval_quick "$W" fairness eval --data-dir "$data" --quick --bootstrap 50 \
    --out "$tmp/e.md" --html "$tmp/e.html"
  grep -q "False-rejection gap by sex" "$tmp/e.md" || { echo "FAIL: eval page"; fails=$((fails + 1)); }
  grep -q "<svg" "$tmp/e.html" || { echo "FAIL: eval html lacks svg"; fails=$((fails + 1)); }
else
  echo "skip: eval smoke test (no data in $data)"
fi

[ "$fails" -eq 0 ] && echo "fairness CLI: all checks passed"
exit "$fails"
