// Packed integer arrays and suffix-array construction/search references
// (see index_kernels.h).
#include <divsufsort.h>

#include <algorithm>
#include <bit>
#include <limits>
#include <numeric>

#include "warden/provenance/kernels.h"

namespace warden::provenance {

Result<std::vector<uint64_t>> BuildSuffixArray64(std::span<const uint8_t> encoded);

int BitsFor(uint64_t max_value) {
  return max_value == 0 ? 1 : static_cast<int>(std::bit_width(max_value));
}

uint64_t PackedBytes(uint64_t count, int bits) {
  return (count * static_cast<uint64_t>(bits) + 7) / 8 + 8;
}

PackedWriter::PackedWriter(uint64_t count, int bits)
    : bits_(bits), bytes_(PackedBytes(count, bits), '\0') {}

void PackedWriter::Set(uint64_t index, uint64_t value) {
  const uint64_t bit = index * static_cast<uint64_t>(bits_);
  char* at = bytes_.data() + (bit >> 3);
  uint64_t word;
  std::memcpy(&word, at, 8);
  const uint64_t mask = ((uint64_t{1} << bits_) - 1) << (bit & 7);
  word = (word & ~mask) | ((value << (bit & 7)) & mask);
  std::memcpy(at, &word, 8);
}

void PackInto(std::span<const uint64_t> values, int bits, std::string* out) {
  PackedWriter w(values.size(), bits);
  for (size_t i = 0; i < values.size(); ++i) w.Set(i, values[i]);
  out->append(w.Take());
}

Result<std::vector<uint64_t>> BuildSuffixArray(std::span<const uint32_t> tokens) {
  const uint64_t n = tokens.size();
  std::vector<uint8_t> encoded(3 * n);
  for (uint64_t i = 0; i < n; ++i) {
    const uint32_t t = tokens[i];
    if (t >= (1u << 24)) {
      return Status::OutOfRange("token id " + std::to_string(t) + " does not fit in 24 bits");
    }
    encoded[3 * i] = static_cast<uint8_t>(t >> 16);
    encoded[3 * i + 1] = static_cast<uint8_t>(t >> 8);
    encoded[3 * i + 2] = static_cast<uint8_t>(t);
  }
  if (encoded.size() >= static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    return BuildSuffixArray64(encoded);
  }
  std::vector<saidx_t> byte_sa(encoded.size());
  if (!encoded.empty() &&
      divsufsort(encoded.data(), byte_sa.data(), static_cast<saidx_t>(encoded.size())) != 0) {
    return Status::Internal("divsufsort failed");
  }
  std::vector<uint64_t> sa;
  sa.reserve(n);
  for (saidx_t p : byte_sa) {
    if (p % 3 == 0) sa.push_back(static_cast<uint64_t>(p) / 3);
  }
  return sa;
}

std::vector<uint64_t> BuildSuffixArrayReference(std::span<const uint32_t> tokens) {
  std::vector<uint64_t> sa(tokens.size());
  std::iota(sa.begin(), sa.end(), 0);
  std::sort(sa.begin(), sa.end(), [&](uint64_t a, uint64_t b) {
    return std::lexicographical_compare(tokens.begin() + a, tokens.end(), tokens.begin() + b,
                                        tokens.end());
  });
  return sa;
}

std::pair<uint64_t, uint64_t> SaRangeReference(std::span<const uint32_t> tokens,
                                               std::span<const uint64_t> sa,
                                               std::span<const uint32_t> pattern) {
  uint64_t first = sa.size(), last = sa.size();
  bool seen = false;
  for (uint64_t row = 0; row < sa.size(); ++row) {
    const uint64_t p = sa[row];
    const bool match = p + pattern.size() <= tokens.size() &&
                       std::equal(pattern.begin(), pattern.end(), tokens.begin() + p);
    if (match && !seen) {
      first = row;
      seen = true;
    }
    if (match) last = row + 1;
  }
  if (!seen) {
    // Empty range: the row where the pattern would be inserted.
    uint64_t row = 0;
    while (row < sa.size() && std::lexicographical_compare(tokens.begin() + sa[row], tokens.end(),
                                                           pattern.begin(), pattern.end())) {
      ++row;
    }
    return {row, row};
  }
  return {first, last};
}

}  // namespace warden::provenance
