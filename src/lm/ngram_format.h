// Internal: the on-disk layout of n-gram model files (docs/formats.md,
// "N-gram model file") and the packing of token tuples into integer keys,
// shared by the trainer (ngram_train.cc) and the loader (ngram_model.cc).
#ifndef WARDEN_SRC_LM_NGRAM_FORMAT_H_
#define WARDEN_SRC_LM_NGRAM_FORMAT_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "warden/core/hash.h"
#include "warden/text/bpe_tokenizer.h"

namespace warden::lm::detail {

__extension__ typedef unsigned __int128 Key128;

inline constexpr char kMagic[4] = {'W', 'N', 'G', 'M'};
inline constexpr uint32_t kVersion = 1;
inline constexpr uint32_t kHeaderSize = 64;
inline constexpr uint32_t kSectionEntrySize = 24;
inline constexpr uint32_t kSectionAlign = 64;
inline constexpr int32_t kMaxOrder = 8;
inline constexpr int32_t kMaxVocab = 1 << 20;
inline constexpr uint32_t kMaxSections = 64;

// Fixed header at offset 0; all integers little-endian.
struct Header {
  char magic[4];
  uint32_t version;
  uint32_t header_size;     // kHeaderSize
  uint32_t order;           // 1..kMaxOrder
  uint32_t vocab_size;      // must equal the embedded tokenizer's
  uint32_t eos;             // must equal the embedded tokenizer's
  uint32_t bits_per_token;  // ceil(log2 vocab_size), at least 1
  uint32_t key_bytes;       // 8 or 16: width of a packed context key
  uint32_t section_count;
  uint32_t reserved0;  // 0
  uint64_t file_size;  // total bytes, header included
  uint64_t checksum;   // see FileChecksum
  uint64_t training_tokens;
};
static_assert(sizeof(Header) == kHeaderSize);

// XXH3-64 of the header with its checksum field zeroed (seed 0), used as the
// seed of XXH3-64 over the rest of the file: a flipped bit anywhere, header
// included, is detected.
inline uint64_t FileChecksum(std::string_view file) {
  Header h;
  std::memcpy(&h, file.data(), sizeof(h));
  h.checksum = 0;
  const uint64_t seed =
      core::Hash64(std::string_view(reinterpret_cast<const char*>(&h), sizeof(h)));
  return core::Hash64(file.substr(kHeaderSize), seed);
}

// Section table entry; the table follows the header.
struct SectionEntry {
  uint32_t id;
  uint32_t reserved;  // 0
  uint64_t offset;    // from the start of the file, multiple of kSectionAlign
  uint64_t length;    // bytes
};
static_assert(sizeof(SectionEntry) == kSectionEntrySize);

enum SectionId : uint32_t {
  kSecTokenizer = 1,  // BpeTokenizer::Serialize()
  kSecDiscounts = 2,  // order x 3 doubles: D(1), D(2), D(3+) per order
  kSecUnigram = 3,    // vocab_size floats: full P_1(w), uniform mixed in
};
// Per order n = 2..order: sorted context keys, context infos (one more than
// keys; the last only bounds the final successor range) and successors.
inline constexpr uint32_t SecContextKeys(int n) { return 16u * static_cast<uint32_t>(n); }
inline constexpr uint32_t SecContextInfos(int n) { return 16u * static_cast<uint32_t>(n) + 1; }
inline constexpr uint32_t SecSuccessors(int n) { return 16u * static_cast<uint32_t>(n) + 2; }

struct ContextInfo {
  uint32_t first;  // index of the context's first successor
  float gamma;     // interpolation weight of the shorter context
};
static_assert(sizeof(ContextInfo) == 8);

struct Successor {
  uint32_t token;  // ascending within a context
  float prob;      // discounted max(a - D, 0) / A(context)
};
static_assert(sizeof(Successor) == 8);

// Bits per token id: ceil(log2 vocab), at least 1.
inline int BitsPerToken(int64_t vocab) {
  return vocab <= 2 ? 1 : static_cast<int>(std::bit_width(static_cast<uint64_t>(vocab - 1)));
}

// Keys pack tokens oldest first into the most significant bits, so that
// sorting keys sorts tuples lexicographically and key >> bits is the tuple
// without its last token.
template <typename Key>
constexpr Key LowMask(int nbits) {
  return nbits >= static_cast<int>(sizeof(Key) * 8) ? ~Key{0} : (Key{1} << nbits) - 1;
}

template <typename Key>
inline Key PackTokens(const int32_t* tokens, int n, int bits) {
  Key k = 0;
  for (int i = 0; i < n; ++i) k = (k << bits) | static_cast<Key>(static_cast<uint32_t>(tokens[i]));
  return k;
}

// Keys are stored little-endian, 8 or 16 bytes, possibly unaligned for Key128.
template <typename Key>
inline Key LoadKey(const char* p) {
  if constexpr (std::is_same_v<Key, uint64_t>) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
  } else {
    uint64_t lo, hi;
    std::memcpy(&lo, p, 8);
    std::memcpy(&hi, p + 8, 8);
    return (static_cast<Key128>(hi) << 64) | lo;
  }
}

template <typename Key>
inline void StoreKey(Key k, char* p) {
  if constexpr (std::is_same_v<Key, uint64_t>) {
    std::memcpy(p, &k, 8);
  } else {
    uint64_t lo = static_cast<uint64_t>(k), hi = static_cast<uint64_t>(k >> 64);
    std::memcpy(p, &lo, 8);
    std::memcpy(p + 8, &hi, 8);
  }
}

}  // namespace warden::lm::detail

#endif  // WARDEN_SRC_LM_NGRAM_FORMAT_H_
