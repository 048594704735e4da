// Winnowing fingerprints (see index_kernels.h).
#include <algorithm>
#include <deque>

#include "warden/core/hash.h"
#include "warden/provenance/kernels.h"

namespace warden::provenance {

std::vector<uint64_t> KgramHashes(std::span<const uint64_t> token_hashes, int k) {
  std::vector<uint64_t> out;
  if (k < 1 || token_hashes.size() < static_cast<size_t>(k)) return out;
  out.reserve(token_hashes.size() - k + 1);
  for (size_t i = 0; i + k <= token_hashes.size(); ++i) {
    uint64_t h = 0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(k);
    for (int j = 0; j < k; ++j) h = core::Mix64(h ^ token_hashes[i + j]);
    out.push_back(h);
  }
  return out;
}

std::vector<Fingerprint> Winnow(std::span<const uint64_t> h, int w) {
  std::vector<Fingerprint> out;
  if (h.empty() || w < 1) return out;
  const size_t window = std::min(static_cast<size_t>(w), h.size());
  // Positions with increasing hashes (strictly, from the back), so the front
  // is the rightmost minimum of the current window.
  std::deque<uint32_t> q;
  int64_t last = -1;
  for (size_t i = 0; i < h.size(); ++i) {
    while (!q.empty() && h[q.back()] >= h[i]) q.pop_back();
    q.push_back(static_cast<uint32_t>(i));
    if (i + 1 < window) continue;
    while (q.front() + window <= i) q.pop_front();
    const uint32_t m = q.front();
    if (static_cast<int64_t>(m) != last) {
      out.push_back({h[m], m});
      last = m;
    }
  }
  return out;
}

std::vector<Fingerprint> WinnowReference(std::span<const uint64_t> h, int w) {
  std::vector<Fingerprint> out;
  if (h.empty() || w < 1) return out;
  const size_t window = std::min(static_cast<size_t>(w), h.size());
  int64_t last = -1;
  for (size_t start = 0; start + window <= h.size(); ++start) {
    size_t m = start;
    for (size_t j = start; j < start + window; ++j) {
      if (h[j] <= h[m]) m = j;
    }
    if (static_cast<int64_t>(m) != last) {
      out.push_back({h[m], static_cast<uint32_t>(m)});
      last = static_cast<int64_t>(m);
    }
  }
  return out;
}

}  // namespace warden::provenance
