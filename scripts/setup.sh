#!/usr/bin/env bash
# Installs what warden needs from Debian 12 packages. Idempotent: asks apt
# only for the packages that are missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev ccache
  libgtest-dev libgmock-dev libbenchmark-dev
  libzstd-dev zstd libxxhash-dev libicu-dev nlohmann-json3-dev libcli11-dev zlib1g-dev
  # lm (remote backend over TLS), text (model pre-tokenizers), fairness (BLAS)
  libpcre2-dev libopenblas-dev libcpp-httplib-dev libssl-dev
  # guardrails (phone numbers, policy files)
  libphonenumber-dev libtomlplusplus-dev
  # provenance (suffix arrays)
  libdivsufsort-dev
  # reference forward pass for the engine's correctness tests
  python3-torch python3-numpy
  # the default corpus: freely licensed English text
  fortunes fortunes-min wordnet-base dict-gcide
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
