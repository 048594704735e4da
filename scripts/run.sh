#!/usr/bin/env bash
# The main job on the embedded default: install, build, train the default
# model if it is missing, generate watermarked and plain text, detect both,
# print the certificates.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build warden_cli
exec build/warden demo "$@"
