# Shared by the end-to-end scripts in tests/cli: a scratch directory removed
# on exit, a failure counter, and the two assertions every script uses.
# Source it after setting W (the warden binary).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() {  # check NAME COMMAND... : the command must succeed
  local name=$1; shift
  if ! "$@" >"$tmp/out" 2>"$tmp/err"; then
    echo "FAIL: $name"; cat "$tmp/err"; fails=$((fails + 1))
  fi
}
refuse() {  # refuse NAME PATTERN COMMAND... : must fail with one stderr line matching PATTERN
  local name=$1 pattern=$2; shift 2
  if "$@" >"$tmp/out" 2>"$tmp/err"; then
    echo "FAIL: $name: succeeded"; fails=$((fails + 1)); return
  fi
  if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q "$pattern" "$tmp/err"; then
    echo "FAIL: $name: stderr was:"; cat "$tmp/err"; fails=$((fails + 1))
  fi
}
