#!/usr/bin/env bash
# scripts/check_includes.py must pass on the tree and fail on each kind of
# violation: an upward include, another module's private header, a header of a
# target not linked, an unlisted file, a dependency against the layers.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fresh() {
  rm -rf "$tmp/t" && mkdir -p "$tmp/t"
  cp -r "$src/scripts" "$src/cmake" "$src/src" "$src/include" "$tmp/t/"
}
expect_fail() {  # name, expected message fragment
  if out=$(python3 "$tmp/t/scripts/check_includes.py" 2>&1); then
    echo "FAIL: $1 was not caught"; exit 1
  fi
  grep -q -- "$2" <<<"$out" || { echo "FAIL: $1: message lacks '$2':"; echo "$out"; exit 1; }
  echo "ok: $1 caught"
}
fresh
python3 "$tmp/t/scripts/check_includes.py" >/dev/null || { echo "FAIL: clean tree rejected"; exit 1; }
echo "ok: clean tree passes"

fresh; sed -i '0,/#include "/s//#include "warden\/guard\/guard.h"\n#include "/' "$tmp/t/src/text/utf8.cc"
expect_fail "text including guard (upward)" "does not link"
fresh; sed -i '0,/#include "/s//#include "watermark\/green.h"\n#include "/' "$tmp/t/src/guard/guard.cc"
expect_fail "guard including a watermark private header" "does not link"
fresh; sed -i '0,/#include "/s//#include "text\/bpe_impl.h"\n#include "/' "$tmp/t/src/lm/train.cc"
expect_fail "lm including a text private header" "private header"
fresh; sed -i '0,/#include "/s//#include "warden\/text\/normalize.h"\n#include "/' "$tmp/t/src/watermark/detect.cc"
expect_fail "watermark including the ICU normalizer it does not link" "does not link"
fresh; echo 'int x;' >"$tmp/t/src/core/stray.cc"
expect_fail "a source listed by no target" "belongs to no target"
fresh; sed -i 's/  WARDEN_DEPS warden_text\n  PRIVATE_LIBS ZLIB::ZLIB)/&/; 0,/WARDEN_DEPS warden_core/s//WARDEN_DEPS warden_core warden_guard/' "$tmp/t/cmake/modules.cmake"
expect_fail "text depending on guard in cmake" "upward dependency"
echo "all checks of the checker passed"
