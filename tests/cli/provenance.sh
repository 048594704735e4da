#!/usr/bin/env bash
# End-to-end checks of `warden index` and `warden provenance check`: a copied
# Java function with renamed identifiers is caught and traced to its source,
# prose spans are found and replaced, bad input is reported, damaged or
# foreign indexes are refused with one clear line. $1 is the warden binary.
set -uo pipefail
W="$1"
source "$(dirname "$0")/lib/harness.sh"
expect() {  # expect NAME PATTERN : the last output must match PATTERN
  grep -q -- "$2" "$tmp/out" || { echo "FAIL: $1: output lacks $2"; cat "$tmp/out"; fails=$((fails + 1)); }
}

mkdir -p "$tmp/corpus"
cat >"$tmp/corpus/Stats.java" <<'JAVA'
public class Stats {
  public static double variance(double[] data) {
    double mean = 0;
    for (int i = 0; i < data.length; i++) { mean += data[i]; }
    mean /= data.length;
    double sum = 0;
    for (int i = 0; i < data.length; i++) { double d = data[i] - mean; sum += d * d; }
    return sum / (data.length - 1);
  }
}
JAVA
printf 'It was the best of times, it was the worst of times, it was the age of wisdom.\n' >"$tmp/corpus/tale.txt"
printf 'binary\0data' >"$tmp/corpus/blob.bin"
printf '{"id":"j1","text":"a protected sentence about lighthouse keepers and ships"}\n{"id":"j1","text":"duplicate id here"}\n' >"$tmp/corpus/docs.jsonl"

check build "$W" index build --no-bloom -o "$tmp/idx" "$tmp/corpus"
expect build "skipped (binary): 1"
expect build "duplicate ids (renamed): 1"
expect build "shard-0000.widx"
check info "$W" index info -i "$tmp/idx"
expect info "1 shards, 4 documents"

check count "$W" index count -i "$tmp/idx" "THE WORST of times"
[ "$(cat "$tmp/out")" = "1" ] || { echo "FAIL: count: $(cat "$tmp/out")"; fails=$((fails + 1)); }
check locate "$W" index locate -i "$tmp/idx" "lighthouse keepers"
expect locate "j1"
check longest "$W" index longest -i "$tmp/idx" "best of times indeed"
expect longest "best	3	1"

cat >"$tmp/copy.java" <<'JAVA'
static double spread(double[] xs) {
  double avg = 0.0;
  for (int k = 0; k < xs.length; k++) { avg += xs[k]; }
  avg /= xs.length;
  double acc = 0;
  for (int k = 0; k < xs.length; k++) { double delta = xs[k] - avg; acc += delta * delta; }
  return acc / (xs.length - 1);
}
JAVA
check check_code "$W" provenance check -i "$tmp/idx" --lang java --min-tokens 20 "$tmp/copy.java"
expect check_code '"verdict":"flag"'
expect check_code 'Stats.java'
check check_template "$W" provenance check -i "$tmp/idx" --lang java --min-tokens 20 \
  --template "$tmp/corpus/Stats.java" "$tmp/copy.java"
expect check_template '"verdict":"allow"'

printf 'He wrote: it was the best of times, it was the worst of times! Then stopped.' >"$tmp/out.txt"
check replace "$W" provenance check -i "$tmp/idx" --policy replace "$tmp/out.txt"
expect replace 'He wrote: \[protected content removed\]! Then stopped.'
printf '{"id":7,"text":"the age of wisdom it was the best of times"}\n{"id":8,"text":"nothing here"}\n' >"$tmp/outs.jsonl"
check jsonl "$W" provenance check -i "$tmp/idx" --jsonl --min-tokens 4 --policy block "$tmp/outs.jsonl"
[ "$(grep -c '"verdict":"block"' "$tmp/out")" = "1" ] || { echo "FAIL: jsonl verdicts"; cat "$tmp/out"; fails=$((fails + 1)); }
expect jsonl '"id":8'

# A second build adds a shard; queries see both.
printf 'it was the worst of times again\n' >"$tmp/more.txt"
check build2 "$W" index build --no-bloom -o "$tmp/idx" "$tmp/more.txt"
expect build2 "shard-0001.widx"
check count2 "$W" index count -i "$tmp/idx" "worst of times"
[ "$(cat "$tmp/out")" = "2" ] || { echo "FAIL: count across shards"; fails=$((fails + 1)); }

# Decode-time Bloom filter with a small model.
for i in $(seq 1 40); do echo "the keeper of the light counted ships $i times"; echo; done >"$tmp/lm.txt"
check lm "$W" lm train "$tmp/lm.txt" --vocab 300 --order 3 -o "$tmp/m.wlm"
check bloom "$W" index build --bloom-model "$tmp/m.wlm" --bloom-n 4 -o "$tmp/idx2" "$tmp/corpus/tale.txt"
grep -q "bloom 0.00" "$tmp/out" && { echo "FAIL: no bloom bytes"; fails=$((fails + 1)); }

refuse no_index "cannot read index directory" "$W" index count -i "$tmp/nowhere" "x"
cp "$tmp/idx/shard-0000.widx" "$tmp/bad.widx"
mkdir -p "$tmp/badidx" && cp "$tmp/bad.widx" "$tmp/badidx/shard-0000.widx"
printf '\x02' | dd of="$tmp/badidx/shard-0000.widx" bs=1 seek=8 conv=notrunc 2>/dev/null
refuse version "format version 2" "$W" index count -i "$tmp/badidx" "x"
printf 'garbage' | dd of="$tmp/badidx/shard-0000.widx" bs=1 seek=300 conv=notrunc 2>/dev/null
printf '\x01' | dd of="$tmp/badidx/shard-0000.widx" bs=1 seek=8 conv=notrunc 2>/dev/null
refuse checksum "checksum mismatch" "$W" index count -i "$tmp/badidx" "x"
refuse bad_policy "unknown policy" "$W" provenance check -i "$tmp/idx" --policy delete "$tmp/out.txt"
refuse bad_lang "unknown language" "$W" index count -i "$tmp/idx" --lang cobol "x"

if [ "$fails" -ne 0 ]; then echo "$fails failure(s)"; exit 1; fi
echo "all provenance CLI checks passed"
