// An open-addressing set of 64-bit keys for detection's repeat removal
// (internal).
//
// Detection inserts one key per token and asks whether it was new; a
// std::unordered_set allocates a node per key and would dominate the cost.
// This set is a flat power-of-two table with linear probing, sized for the
// number of keys to come (load <= 1/2, so it never grows mid-scan), and its
// storage is kept between uses: Reset clears only the part the next scan
// uses.
//
// Thread safety: none; detector.cc keeps one per thread.
#ifndef WARDEN_SRC_WATERMARK_FLAT_SET_H_
#define WARDEN_SRC_WATERMARK_FLAT_SET_H_

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace warden::watermark::detail {

class FlatSet64 {
 public:
  // Empties the set and makes room for `max_keys` inserts.
  void Reset(size_t max_keys) {
    const size_t want = std::bit_ceil(std::max<size_t>(16, 2 * max_keys));
    if (slots_.size() < want) slots_.resize(want);
    std::fill(slots_.begin(), slots_.begin() + static_cast<ptrdiff_t>(want), 0);
    mask_ = want - 1;
    shift_ = 64 - std::countr_zero(want);
    has_zero_ = false;
    size_ = 0;
  }

  // Inserts `key`; true if it was not there. At most max_keys (of the last
  // Reset) inserts may be made.
  bool Insert(uint64_t key) {
    // 0 marks an empty slot, so the key 0 is tracked apart.
    if (key == 0) {
      const bool fresh = !has_zero_;
      has_zero_ = true;
      size_ += fresh;
      return fresh;
    }
    size_t i = Home(key);
    while (true) {
      const uint64_t s = slots_[i];
      if (s == key) return false;
      if (s == 0) {
        slots_[i] = key;
        ++size_;
        return true;
      }
      i = (i + 1) & mask_;
    }
  }

  // Starts loading the slot `key` would probe first, so that a scan can
  // compute keys ahead and overlap the cache misses of a large table.
  void Prefetch(uint64_t key) const { __builtin_prefetch(slots_.data() + Home(key)); }

  size_t size() const { return size_; }
  // Bytes held, for callers that cap memory kept between uses.
  size_t capacity_bytes() const { return slots_.capacity() * sizeof(uint64_t); }
  void Release() { std::vector<uint64_t>().swap(slots_); }

 private:
  // Fibonacci hashing: the top bits of key * 2^64/phi, so keys whose
  // entropy sits in the low or high half both spread.
  size_t Home(uint64_t key) const {
    return static_cast<size_t>((key * 0x9e3779b97f4a7c15ULL) >> shift_);
  }

  std::vector<uint64_t> slots_;
  size_t mask_ = 0;
  int shift_ = 63;  // set by Reset; never a shift by 64
  bool has_zero_ = false;
  size_t size_ = 0;
};

}  // namespace warden::watermark::detail

#endif  // WARDEN_SRC_WATERMARK_FLAT_SET_H_
