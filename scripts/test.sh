#!/usr/bin/env bash
# The whole test suite: release build + all tests (unit, CLI end-to-end),
# the unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer,
# a smoke run of the benchmarks, and a short run of every libFuzzer target.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
JOBS=${JOBS:-$(nproc)}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}

echo "== release build"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build -j "$JOBS"

echo "== tests (release)"
ctest --test-dir build --output-on-failure -j "$JOBS"

echo "== benchmarks (smoke run: each benchmark once, briefly)"
build/warden_bench --benchmark_min_time=0.001 >/dev/null

echo "== unit tests under ASan + UBSan"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DWARDEN_SANITIZE=ON \
  -DWARDEN_BUILD_BENCH=OFF -DWARDEN_BUILD_CLI=OFF >/dev/null
ninja -C build-asan -j "$JOBS" warden_tests warden_capi_c_test
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$JOBS"

echo "== fuzzing (${FUZZ_SECONDS}s per target)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWARDEN_BUILD_FUZZ=ON -DWARDEN_BUILD_TESTS=OFF -DWARDEN_BUILD_BENCH=OFF -DWARDEN_BUILD_CLI=OFF >/dev/null
ninja -C build-fuzz -j "$JOBS"
for f in build-fuzz/*_fuzz; do
  name=$(basename "$f")
  corpus="build-fuzz/corpus-$name"
  mkdir -p "$corpus"
  [ -d "fuzz/seeds/$name" ] && cp -n fuzz/seeds/"$name"/* "$corpus"/ 2>/dev/null || true
  echo "-- $name"
  "$f" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -print_final_stats=0 "$corpus" 2>&1 | tail -n 2
done
echo "== all passed"
