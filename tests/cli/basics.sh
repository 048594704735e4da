#!/usr/bin/env bash
# End-to-end checks of the `warden` command on a small model: training,
# generation with each scheme, detection with certificates, and the clear
# one-line errors promised for bad input. $1 is the warden binary.
set -uo pipefail
W="$1"
source "$(dirname "$0")/lib/harness.sh"

check train "$W" lm train default --max-bytes 1500000 --vocab 2048 --order 3 -o "$tmp/m.wlm"
check info "$W" lm info -m "$tmp/m.wlm"
grep -q "order 3" "$tmp/out" || { echo "FAIL: info lacks order"; fails=$((fails + 1)); }
check keygen "$W" watermark keygen -o "$tmp/random.key"
grep -qE '^[0-9a-f]{64}$' "$tmp/random.key" || { echo "FAIL: keygen output"; fails=$((fails + 1)); }
refuse "keygen refuses to overwrite" "exists" "$W" watermark keygen -o "$tmp/random.key"
# A fixed key keeps every check below deterministic.
printf 'warden-cli-test-key-0123456789abcdef\n' > "$tmp/key"
export WARDEN_MODEL="$tmp/m.wlm"

for scheme in kgw unigram gumbel; do
  # Gumbel is deterministic given its context: h = 4 keeps it from looping.
  width=1; [ "$scheme" = gumbel ] && width=4
  check "generate $scheme" "$W" generate --watermark "$scheme" --key-file "$tmp/key" \
    --context-width "$width" --max-tokens 200 --min-tokens 200 --seed 3 -p "The" \
    --jsonl "$tmp/$scheme.jsonl"
  check "detect $scheme" "$W" watermark detect "$tmp/$scheme.jsonl" --scheme "$scheme" \
    --context-width "$width" --key-file "$tmp/key"
  grep -q '"verdict":"watermarked"' "$tmp/out" ||
    { echo "FAIL: $scheme text not detected: $(cat "$tmp/out")"; fails=$((fails + 1)); }
done

# Compressed JSONL in and out, several records, windowed detection with per-token flags.
printf '{"prompt":"The"}\n{"prompt":"A man"}\n{"prompt":"Water is"}\n' > "$tmp/prompts.jsonl"
check "generate zst" "$W" generate --watermark kgw --key-file "$tmp/key" --prompts "$tmp/prompts.jsonl" \
  --max-tokens 120 --min-tokens 120 --jsonl "$tmp/batch.jsonl.zst"
[ "$(zstd -dc "$tmp/batch.jsonl.zst" | wc -l)" -eq 3 ] || { echo "FAIL: zst records"; fails=$((fails + 1)); }
check "detect zst" "$W" watermark detect "$tmp/batch.jsonl.zst" --key-file "$tmp/key" --windowed \
  --per-token -o "$tmp/certs.jsonl.zst"
[ "$(zstd -dc "$tmp/certs.jsonl.zst" | grep -c '"verdict":"watermarked"')" -eq 3 ] ||
  { echo "FAIL: batch certificates"; fails=$((fails + 1)); }
zstd -dc "$tmp/certs.jsonl.zst" | grep -q '"per_token"' || { echo "FAIL: no per-token flags"; fails=$((fails + 1)); }
zstd -dc "$tmp/certs.jsonl.zst" | grep -q '"window"' || { echo "FAIL: no window"; fails=$((fails + 1)); }

# Plain text is not flagged.
check "generate plain" "$W" generate --max-tokens 200 --min-tokens 200 --seed 3 -p "The" \
  --jsonl "$tmp/plain.jsonl"
check "detect plain" "$W" watermark detect "$tmp/plain.jsonl" --key-file "$tmp/key"
grep -q '"verdict":"not watermarked"' "$tmp/out" ||
  { echo "FAIL: plain text flagged: $(cat "$tmp/out")"; fails=$((fails + 1)); }

# Streaming to stdout and detection from stdin.
check "stream" "$W" generate --watermark kgw --key-file "$tmp/key" --max-tokens 150 \
  --min-tokens 150 --seed 5
"$W" watermark detect --key-file "$tmp/key" < "$tmp/out" > "$tmp/cert.json" 2>"$tmp/err" ||
  { echo "FAIL: detect stdin"; cat "$tmp/err"; fails=$((fails + 1)); }
grep -q '"key_id"' "$tmp/cert.json" || { echo "FAIL: certificate lacks key id"; fails=$((fails + 1)); }
if grep -q "$(cat "$tmp/key")" "$tmp/cert.json"; then
  echo "FAIL: certificate leaks the key"; fails=$((fails + 1))
fi

# Bad input: one clear line on stderr, non-zero exit, no crash.
printf 'not a key' > "$tmp/short.key"
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$tmp/other.key"
refuse "wrong key length" "16" "$W" watermark detect "$tmp/kgw.jsonl" --key-file "$tmp/short.key"
refuse "mismatched key" "key_id" "$W" watermark detect "$tmp/kgw.jsonl" --key-file "$tmp/other.key"
refuse "mismatched gamma" "gamma" "$W" watermark detect "$tmp/kgw.jsonl" --key-file "$tmp/key" --gamma 0.5
refuse "mismatched scheme" "scheme" "$W" watermark detect "$tmp/kgw.jsonl" --scheme unigram --key-file "$tmp/key"
printf 'abc\xff\xfe def' > "$tmp/bad.txt"
refuse "invalid utf-8" "UTF-8" "$W" watermark detect "$tmp/bad.txt" --key-file "$tmp/key"
head -c 1000 "$tmp/m.wlm" > "$tmp/trunc.wlm"
refuse "truncated model" "trunc.wlm" "$W" generate -m "$tmp/trunc.wlm"
head -c 5000 /dev/urandom > "$tmp/foreign.wlm"
refuse "foreign model" "foreign.wlm" "$W" generate -m "$tmp/foreign.wlm"
refuse "missing model" "missing.wlm" "$W" generate -m "$tmp/missing.wlm"
refuse "missing key" "key" env -u WARDEN_WATERMARK_KEY "$W" watermark detect "$tmp/kgw.jsonl"
printf '{"text": 5}\n' > "$tmp/bad.jsonl"
refuse "bad jsonl" "bad.jsonl:1" "$W" watermark detect "$tmp/bad.jsonl" --key-file "$tmp/key"
refuse "bad delta" "delta" "$W" generate --watermark kgw --delta abc --key-file "$tmp/key"
printf '' > "$tmp/empty.txt"
check "empty input" "$W" watermark detect "$tmp/empty.txt" --key-file "$tmp/key"
grep -q 'insufficient evidence' "$tmp/out" || { echo "FAIL: empty input verdict"; fails=$((fails + 1)); }

if [ "$fails" -ne 0 ]; then echo "$fails check(s) failed"; exit 1; fi
echo "all CLI checks passed"
