#!/usr/bin/env bash
# The C ABI program (tests/watermark/capi_c_test.c) links the watermark module
# alone: neither its link command nor the binary may name ICU, PCRE2, OpenSSL
# or libphonenumber. Usage: capi_link_check.sh BINARY BUILD_DIR
set -euo pipefail
bin=$1
build=$2
heavy='icu|pcre2|ssl|crypto|phonenumber'
status=0
if ldd "$bin" | grep -E "lib($heavy)"; then
  echo "FAIL: $bin needs the libraries above at run time"
  status=1
fi
if command -v ninja >/dev/null && [ -f "$build/build.ninja" ]; then
  line=$(ninja -C "$build" -t commands "$(basename "$bin")" | tail -n 1)
  if grep -Eo "[^ ]*($heavy)[^ ]*" <<<"$line"; then
    echo "FAIL: the link command of $(basename "$bin") names the libraries above"
    status=1
  fi
  grep -q 'libwarden_watermark.a' <<<"$line" || { echo "FAIL: link command lacks warden_watermark"; status=1; }
else
  echo "note: not a Ninja build; checked the binary only"
fi
[ $status -eq 0 ] && echo "ok: $(basename "$bin") links warden_watermark without ICU, PCRE2, OpenSSL, libphonenumber"
exit $status
