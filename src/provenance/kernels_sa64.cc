// libdivsufsort64 for token streams whose byte encoding reaches 2 GiB. In its
// own file because divsufsort.h and divsufsort64.h cannot share one.
#include <divsufsort64.h>

#include <cstdint>
#include <span>
#include <vector>

#include "warden/core/status.h"

namespace warden::provenance {

Result<std::vector<uint64_t>> BuildSuffixArray64(std::span<const uint8_t> encoded) {
  std::vector<saidx64_t> byte_sa(encoded.size());
  if (divsufsort64(encoded.data(), byte_sa.data(), static_cast<saidx64_t>(encoded.size())) != 0) {
    return Status::Internal("divsufsort64 failed");
  }
  std::vector<uint64_t> sa;
  sa.reserve(encoded.size() / 3);
  for (saidx64_t p : byte_sa) {
    if (p % 3 == 0) sa.push_back(static_cast<uint64_t>(p) / 3);
  }
  return sa;
}

}  // namespace warden::provenance
