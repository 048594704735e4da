#!/usr/bin/env bash
# End-to-end checks of `warden guard scan|unmask`: exit codes (0 allowed,
# 2 blocked, 1 error), masking, pseudonym vault round trip, JSONL, and the
# line-and-field error of a broken policy, and where vaults may go (mode
# 0600, relative to the policy file, never inside a git work tree). Rules
# only (no classifiers), run from the source tree so policies/ and models/
# are found. $1 is the binary.
set -uo pipefail
W="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Shipped policies keep their vaults in the per-user state directory.
export WARDEN_STATE_DIR="$tmp/state"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

printf 'mail bob@corp.com about it' | "$W" guard scan --no-classifiers --policy default --output - >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] || fail "default output: exit $?"
grep -q '^mail <EMAIL> about it$' "$tmp/out" || fail "default output masks the email: $(cat "$tmp/out")"

printf 'what the f.u.c.k' | "$W" guard scan --no-classifiers --policy focus-group --output - >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] || fail "focus-group blocks evasive profanity"
grep -q 'verdict	blocked' "$tmp/out" || fail "focus-group verdict line"

printf 'what the f.u.c.k' | "$W" guard scan --no-classifiers --policy creative-writing --output - >"$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] || fail "creative-writing allows rough language"

printf 'Scunthorpe assessment cocktail' | "$W" guard scan --no-classifiers --policy focus-group --output - >"$tmp/out" 2>&1
[ $? -eq 0 ] || fail "focus-group keeps Scunthorpe clean: $(cat "$tmp/out")"

cat >"$tmp/p.toml" <<'TOML'
name = "t"
[input]
strength = { pii = "MEDIUM" }
actions = { pii = "mask" }
[mask]
style = "pseudonym"
TOML
printf 'ann@x.org then bob@y.org then ann@x.org' |
  "$W" guard scan --no-classifiers --policy "$tmp/p.toml" --vault "$tmp/vault.json" - >"$tmp/out" 2>"$tmp/err"
grep -q '^<EMAIL_1> then <EMAIL_2> then <EMAIL_1>$' "$tmp/out" || fail "pseudonyms: $(cat "$tmp/out" "$tmp/err")"
tail -1 "$tmp/out" | "$W" guard unmask --vault "$tmp/vault.json" - >"$tmp/un"
grep -q '^ann@x.org then bob@y.org then ann@x.org$' "$tmp/un" || fail "unmask: $(cat "$tmp/un")"

[ "$(stat -c %a "$tmp/vault.json")" = 600 ] || fail "vault mode: $(stat -c %a "$tmp/vault.json")"

# A relative vault in a policy file lives next to the policy file.
mkdir -p "$tmp/pol"
sed 's/^style = "pseudonym"$/style = "pseudonym"\nvault = "v.json"/' "$tmp/p.toml" >"$tmp/pol/rel.toml"
printf 'ann@x.org' | "$W" guard scan --no-classifiers --policy "$tmp/pol/rel.toml" - >"$tmp/out" 2>"$tmp/err"
[ -f "$tmp/pol/v.json" ] || fail "relative vault next to the policy: $(cat "$tmp/err")"

# focus-group: the vault lands in $WARDEN_STATE_DIR, never in the checkout.
printf 'mail ann@x.org' | "$W" guard scan --no-classifiers --policy focus-group - >"$tmp/out" 2>"$tmp/err"
[ -f "$tmp/state/focus-group-vault.json" ] || fail "focus-group vault in the state dir: $(cat "$tmp/err")"
[ ! -e guard-vault.json ] && [ ! -e focus-group-vault.json ] || fail "a vault appeared in the checkout"

# A vault inside a git work tree is refused, naming the path and --vault.
mkdir -p "$tmp/repo/.git"
printf 'mail ann@x.org' | "$W" guard scan --no-classifiers --policy "$tmp/p.toml" --vault "$tmp/repo/v.json" - >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] || fail "vault inside a git tree exits 1"
grep -q "$tmp/repo/v.json.*git work tree.*--vault PATH" "$tmp/err" || fail "refusal message: $(cat "$tmp/err")"
[ ! -e "$tmp/repo/v.json" ] || fail "refused vault was written"
printf 'mail ann@x.org' | WARDEN_STATE_DIR="$tmp/repo/state" "$W" guard scan --no-classifiers --policy focus-group - >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] || fail "focus-group with a state dir inside a git tree exits 1"

printf '{"text":"call 555-0100"}\n{"text":"hello"}\n' |
  "$W" guard scan --no-classifiers --jsonl - >"$tmp/out" 2>"$tmp/err"
[ "$(wc -l <"$tmp/out")" -eq 2 ] || fail "jsonl: one line per record"
grep -q '"line":2' "$tmp/out" || fail "jsonl line numbers"

printf 'name = "x"\n[input]\nstrength = { hate = "SUPER" }\n' >"$tmp/bad.toml"
printf 'x' | "$W" guard scan --no-classifiers --policy "$tmp/bad.toml" - >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] || fail "broken policy exits 1"
grep -q 'bad.toml:3: input.strength.hate' "$tmp/err" || fail "broken policy names line and field: $(cat "$tmp/err")"

printf 'bad \xff\xfe bytes' | "$W" guard scan --no-classifiers - >"$tmp/out" 2>"$tmp/err"
grep -q 'invalid_utf8' "$tmp/out" || fail "invalid UTF-8 is reported"

[ $fails -eq 0 ] && echo "guard CLI: all checks passed"
exit $((fails > 0))
