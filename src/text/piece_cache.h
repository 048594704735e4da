// PieceCache: an open-addressing hash map from short byte strings (BPE
// pre-tokens, at most kMaxPieceBytes) to their token ids, stored in flat
// arenas so that a lookup costs one hash, one probe sequence and one memcmp.
//
// Used twice by the encoder: an immutable instance inside each tokenizer
// (shared by all threads, read-only after construction) and thread-local
// instances that remember recent misses (owned by one thread).
#ifndef WARDEN_SRC_TEXT_PIECE_CACHE_H_
#define WARDEN_SRC_TEXT_PIECE_CACHE_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/hash.h"
#include "warden/text/tokenizer.h"

namespace warden::text {

// Fast hash for short strings; quality is enough for a hash table, not for
// anything adversarial-sensitive (probing is bounded by the load factor).
inline uint64_t HashPiece(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = core::Mix64(h ^ w);
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = core::Mix64(h ^ w ^ (uint64_t{n} << 59));
  }
  return h | 1;  // 0 marks an empty slot
}

class PieceCache {
 public:
  // Holds at most `max_entries` pieces; Insert refuses more.
  explicit PieceCache(size_t max_entries = 0) { Reset(max_entries); }

  void Reset(size_t max_entries) {
    max_entries_ = max_entries;
    size_t cap = 16;
    while (cap < max_entries * 2) cap <<= 1;  // load factor <= 1/2
    slots_.assign(max_entries == 0 ? 0 : cap, Slot{});
    mask_ = slots_.empty() ? 0 : cap - 1;
    keys_.clear();
    ids_.clear();
    size_ = 0;
  }

  // Empties the cache, keeping its capacity.
  void Clear() {
    if (size_ == 0) return;
    std::fill(slots_.begin(), slots_.end(), Slot{});
    keys_.clear();
    ids_.clear();
    size_ = 0;
  }

  size_t size() const { return size_; }
  size_t capacity() const { return max_entries_; }
  bool full() const { return size_ >= max_entries_; }

  // The ids of `key` (whose HashPiece is `h`), or an empty span with
  // found == false.
  std::span<const TokenId> Find(std::string_view key, uint64_t h, bool* found) const {
    *found = false;
    if (slots_.empty()) return {};
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.hash == 0) return {};
      if (s.hash == h && s.key_len == key.size() &&
          std::memcmp(keys_.data() + s.key_off, key.data(), key.size()) == 0) {
        *found = true;
        return {ids_.data() + s.ids_off, s.ids_len};
      }
    }
  }

  // Adds `key` -> `ids` unless the cache is full or `key` is present.
  void Insert(std::string_view key, uint64_t h, std::span<const TokenId> ids) {
    if (full() || key.size() > 0xFFFF || ids.size() > 0xFFFF) return;
    size_t i = h & mask_;
    for (;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.hash == 0) break;
      if (s.hash == h && s.key_len == key.size() &&
          std::memcmp(keys_.data() + s.key_off, key.data(), key.size()) == 0) {
        return;
      }
    }
    slots_[i] = Slot{h, static_cast<uint32_t>(keys_.size()), static_cast<uint32_t>(ids_.size()),
                     static_cast<uint16_t>(key.size()), static_cast<uint16_t>(ids.size())};
    keys_.append(key);
    ids_.insert(ids_.end(), ids.begin(), ids.end());
    ++size_;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t key_off = 0;
    uint32_t ids_off = 0;
    uint16_t key_len = 0;
    uint16_t ids_len = 0;
  };
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t max_entries_ = 0;
  size_t size_ = 0;
  std::string keys_;
  std::vector<TokenId> ids_;
};

}  // namespace warden::text

#endif  // WARDEN_SRC_TEXT_PIECE_CACHE_H_
