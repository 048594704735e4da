#!/usr/bin/env bash
# The whole test suite: release build + all tests (unit, CLI end-to-end),
# the unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer,
# a smoke run of the benchmarks, and a short run of every libFuzzer target.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
JOBS=${JOBS:-$(nproc)}
FUZZ_SECONDS=${FUZZ_SECONDS:-15}

# ccache, when present, with the checkout as its base directory: paths inside
# the tree are hashed relative to it, so a fresh clone in another folder (CI)
# reuses the objects of an earlier build of the same sources.
LAUNCHER=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  LAUNCHER=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  ccache --zero-stats >/dev/null
fi

# Each phase states its wall time, so a slow one shows in the CI log.
PHASE_NAME=""
PHASE_START=$SECONDS
TOTAL_START=$SECONDS
phase() {
  if [ -n "$PHASE_NAME" ]; then echo "-- $PHASE_NAME: $((SECONDS - PHASE_START)) s"; fi
  PHASE_NAME=$1
  PHASE_START=$SECONDS
  [ -n "$1" ] && echo "== $1"
  return 0
}

phase "architecture: include graph (scripts/check_includes.py)"
python3 scripts/check_includes.py

phase "release build"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "${LAUNCHER[@]}" >/dev/null
ninja -C build -j "$JOBS"

phase "tests (release)"
ctest --test-dir build --output-on-failure -j "$JOBS"

phase "benchmarks (smoke run: each benchmark once, briefly)"
build/warden_bench --benchmark_min_time=0.001 >/dev/null

phase "unit tests under ASan + UBSan (clang; the same build links the libFuzzer targets)"
# One sanitizer build serves both jobs: the library is compiled once with
# ASan+UBSan and libFuzzer's coverage hooks, the unit tests link it plainly,
# the fuzz targets link it with libFuzzer's driver. -O1 with line tables keeps
# the compile short and the stack traces useful.
CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${LAUNCHER[@]}" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DWARDEN_SANITIZE=ON -DWARDEN_BUILD_FUZZ=ON -DWARDEN_BUILD_BENCH=OFF -DWARDEN_BUILD_CLI=OFF >/dev/null
ninja -C build-asan -j "$JOBS"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$JOBS"

phase "fuzzing (${FUZZ_SECONDS}s per target)"
for f in build-asan/*_fuzz; do
  name=$(basename "$f")
  corpus="build-asan/corpus-$name"
  mkdir -p "$corpus"
  [ -d "fuzz/seeds/$name" ] && cp -n fuzz/seeds/"$name"/* "$corpus"/ 2>/dev/null || true
  echo "-- $name"
  "$f" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -print_final_stats=0 "$corpus" 2>&1 | tail -n 2
done
phase ""
if [ ${#LAUNCHER[@]} -gt 0 ]; then
  ccache --show-stats 2>/dev/null | grep -Ei '^ *(hits|misses|cache hit|cache miss)' || true
fi
echo "== all passed in $((SECONDS - TOTAL_START)) s"
