#!/usr/bin/env bash
# End-to-end checks of the GGUF transformer engine through the `warden`
# command: random-weight models for both architectures and both vocabulary
# kinds, inspection, watermarked generation and its detection with the
# model's own tokenizer, every sampler, and clear errors for bad files.
# $1 is the warden binary.
set -uo pipefail
W="$1"
source "$(dirname "$0")/lib/harness.sh"
field() { grep -o "\"$1\": *[^,}]*" "$tmp/out" | head -1 | sed 's/.*: *//; s/"//g'; }

printf 'warden-cli-test-key-0123456789abcdef\n' > "$tmp/key"
for spec in "llama llama q8_0" "llama gpt2 q4_0" "qwen2 gpt2 f16" "qwen2 llama q5_0"; do
  set -- $spec
  arch=$1 vocab=$2 type=$3 m="$tmp/$1-$2-$3.gguf"
  check "synth $spec" "$W" model synth --arch "$arch" --vocab "$vocab" --type "$type" --untied \
    --seed 5 "$m"
  check "info $spec" "$W" model info "$m"
  grep -q "engine: $arch" "$tmp/out" || { echo "FAIL: info $spec lacks the engine line"; fails=$((fails + 1)); }
  check "generate kgw $spec" "$W" generate --model "$m" --watermark kgw --key-file "$tmp/key" \
    --max-tokens 150 --min-tokens 150 --seed 3 -p "The cat" --threads 2
  cp "$tmp/out" "$tmp/marked.txt"
  check "detect kgw $spec" "$W" watermark detect --model "$m" --key-file "$tmp/key" "$tmp/marked.txt"
  [ "$(field verdict)" = "watermarked" ] || { echo "FAIL: $spec: watermark not detected"; cat "$tmp/out"; fails=$((fails + 1)); }
  check "generate plain $spec" "$W" generate --model "$m" --max-tokens 150 --min-tokens 150 \
    --seed 3 -p "The cat"
  cp "$tmp/out" "$tmp/plain.txt"
  check "detect plain $spec" "$W" watermark detect --model "$m" --key-file "$tmp/key" "$tmp/plain.txt"
  [ "$(field verdict)" = "not watermarked" ] || { echo "FAIL: $spec: plain text flagged"; fails=$((fails + 1)); }
done

# Every sampler and the other schemes on one model.
m="$tmp/llama-llama-q8_0.gguf"
check "greedy" "$W" generate --model "$m" --temperature 0 --max-tokens 20 -p "a"
check "top-k top-p" "$W" generate --model "$m" --top-k 40 --top-p 0.9 --temperature 0.8 --max-tokens 20 -p "a"
check "unigram" "$W" generate --model "$m" --watermark unigram --key-file "$tmp/key" --max-tokens 20 -p "a"
check "gumbel" "$W" generate --model "$m" --watermark gumbel --key-file "$tmp/key" --context-width 4 \
  --max-tokens 50 --seed 3 -p "The"
# (Not detected here: a random-weight model samples non-canonical token
# splits and stray byte tokens, so re-tokenized text shares few of the h = 4
# contexts Gumbel needs; KGW with h = 1 above is the end-to-end check.)
# Same seed, same text: generation is deterministic across thread counts.
check "seed 1 thread" "$W" generate --model "$m" --max-tokens 30 --seed 9 -p "x" --threads 1
cp "$tmp/out" "$tmp/t1.txt"
check "seed 2 threads" "$W" generate --model "$m" --max-tokens 30 --seed 9 -p "x" --threads 2
cmp -s "$tmp/out" "$tmp/t1.txt" || { echo "FAIL: thread count changed the text"; fails=$((fails + 1)); }
check "logits" "$W" model logits "$m" --tokens 1,2,3
grep -q '"logits"' "$tmp/out" || { echo "FAIL: logits output"; fails=$((fails + 1)); }

# Clear one-line errors for bad files and flags.
head -c 1000 "$m" > "$tmp/cut.gguf"
refuse "truncated gguf" "cut.gguf" "$W" model info "$tmp/cut.gguf"
refuse "truncated gguf generate" "cut.gguf" "$W" generate --model "$tmp/cut.gguf" -p "a"
printf 'GGUF\003\000\000\000' > "$tmp/tiny.gguf"
refuse "header only" "truncated" "$W" model info "$tmp/tiny.gguf"
refuse "bad type" "unknown tensor type" "$W" model synth --type q9_9 "$tmp/x.gguf"
refuse "bad shape" "bad shape" "$W" model synth --type q8_0 --width 48 --heads 4 "$tmp/x.gguf"
refuse "bad token" "outside the vocabulary" "$W" model logits "$m" --tokens 1,99999
refuse "missing file" "no-such" "$W" model info "$tmp/no-such.gguf"

[ "$fails" -eq 0 ] && echo "all engine CLI checks passed"
exit $((fails > 0))
