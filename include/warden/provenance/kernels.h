// The fast kernels under the provenance index, each next to the plain
// reference it is tested against (tests/provenance/kernels_test.cc):
//
//  - bit-packed integer arrays (token ids and suffix-array entries take
//    ceil(log2(max+1)) bits each, which is how the index stays within
//    8 bytes per token);
//  - suffix-array construction over a token-id stream (libdivsufsort on a
//    fixed-width big-endian byte encoding of the ids) and its reference, a
//    comparison sort of all suffixes;
//  - suffix-array range search (two binary searches) and its reference, a
//    linear scan;
//  - winnowing (Schleimer, Wilkerson & Aiken, SIGMOD 2003) with a monotone
//    queue, and its reference, the minimum of every window.
//
// Thread safety: pure functions; PackedView is an immutable view.
#ifndef WARDEN_PROVENANCE_KERNELS_H_
#define WARDEN_PROVENANCE_KERNELS_H_

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "warden/core/status.h"

namespace warden::provenance {

// Bits needed to store values 0..max_value (at least 1).
int BitsFor(uint64_t max_value);

// Bytes a packed array of `count` values of `bits` bits occupies: the bits
// rounded up to bytes, plus 8 bytes of padding so that every read is one
// unaligned 8-byte load.
uint64_t PackedBytes(uint64_t count, int bits);

// Appends the packed form of `values` (each < 2^bits, 1 <= bits <= 56).
void PackInto(std::span<const uint64_t> values, int bits, std::string* out);

// Packs values produced one at a time, without materializing them.
class PackedWriter {
 public:
  PackedWriter(uint64_t count, int bits);
  void Set(uint64_t index, uint64_t value);  // value < 2^bits
  std::string Take() { return std::move(bytes_); }

 private:
  int bits_;
  std::string bytes_;
};

// Read-only view of a packed array in memory (usually a mapped file).
class PackedView {
 public:
  PackedView() = default;
  PackedView(const char* data, uint64_t count, int bits)
      : data_(data), count_(count), bits_(bits), mask_((uint64_t{1} << bits) - 1) {}
  uint64_t size() const { return count_; }
  int bits() const { return bits_; }
  uint64_t operator[](uint64_t i) const {
    const uint64_t bit = i * static_cast<uint64_t>(bits_);
    uint64_t word;
    std::memcpy(&word, data_ + (bit >> 3), 8);
    return (word >> (bit & 7)) & mask_;
  }

 private:
  const char* data_ = nullptr;
  uint64_t count_ = 0;
  int bits_ = 1;
  uint64_t mask_ = 1;
};

// Suffix array of `tokens`, in lexicographic order of the id sequences
// (a proper prefix sorts first). Ids must be < 2^24. Uses libdivsufsort on
// the 3-byte big-endian encoding, keeping only suffixes that start on a
// token boundary; byte order of those equals token order. 32-bit
// libdivsufsort while 3n < 2^31, libdivsufsort64 beyond.
Result<std::vector<uint64_t>> BuildSuffixArray(std::span<const uint32_t> tokens);
// Reference: std::sort of all suffixes with a lexicographic comparison.
std::vector<uint64_t> BuildSuffixArrayReference(std::span<const uint32_t> tokens);

// The half-open range of suffix-array rows whose suffix starts with
// `pattern`, searching only rows [lo, hi) and comparing from token
// `skip` on (rows in [lo, hi) must already agree on the first `skip` tokens).
// `text(i)` returns token i; positions at or past the end read as 0 (the
// document separator), which no pattern token equals (pattern ids >= 1).
template <typename Text, typename Sa>
std::pair<uint64_t, uint64_t> SaRange(const Text& text, uint64_t text_size, const Sa& sa,
                                      uint64_t lo, uint64_t hi, std::span<const uint32_t> pattern,
                                      size_t skip = 0) {
  // -1 when suffix < pattern (on the compared part), 0 when the pattern is a
  // prefix, +1 when suffix > pattern.
  auto compare = [&](uint64_t row) {
    const uint64_t p = sa[row];
    for (size_t j = skip; j < pattern.size(); ++j) {
      const uint64_t t = p + j < text_size ? text[p + j] : 0;
      if (t != pattern[j]) return t < pattern[j] ? -1 : 1;
    }
    return 0;
  };
  uint64_t a = lo, b = hi;
  while (a < b) {  // first row not < pattern
    const uint64_t mid = a + (b - a) / 2;
    if (compare(mid) < 0)
      a = mid + 1;
    else
      b = mid;
  }
  uint64_t c = a, d = hi;
  while (c < d) {  // first row > pattern
    const uint64_t mid = c + (d - c) / 2;
    if (compare(mid) <= 0)
      c = mid + 1;
    else
      d = mid;
  }
  return {a, c};
}

// Reference for SaRange over a whole suffix array: scans every row.
std::pair<uint64_t, uint64_t> SaRangeReference(std::span<const uint32_t> tokens,
                                               std::span<const uint64_t> sa,
                                               std::span<const uint32_t> pattern);

// A selected fingerprint: the k-gram hash and the token position where the
// k-gram starts.
struct Fingerprint {
  uint64_t hash;
  uint32_t position;
  bool operator==(const Fingerprint&) const = default;
};

// Hash of each k-gram of `token_hashes` (size n - k + 1; empty if n < k).
std::vector<uint64_t> KgramHashes(std::span<const uint64_t> token_hashes, int k);
// Winnowing with window w over k-gram hashes: in every window of w
// consecutive hashes the minimum is selected (the rightmost on ties), and
// each selected position is reported once, in increasing order. A sequence
// shorter than one window selects its minimum. Uses a monotone deque: O(n).
std::vector<Fingerprint> Winnow(std::span<const uint64_t> kgram_hashes, int w);
// Reference: scans every window in full. O(n w).
std::vector<Fingerprint> WinnowReference(std::span<const uint64_t> kgram_hashes, int w);

}  // namespace warden::provenance

#endif  // WARDEN_PROVENANCE_KERNELS_H_
