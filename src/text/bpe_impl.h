// Internals of BpeTokenizer shared by its translation units (encoding,
// training, serialization). Not part of the public API.
#ifndef WARDEN_SRC_TEXT_BPE_IMPL_H_
#define WARDEN_SRC_TEXT_BPE_IMPL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/piece_cache.h"
#include "warden/core/hash.h"
#include "warden/core/status.h"
#include "warden/text/bpe_tokenizer.h"

namespace warden::text {

inline constexpr TokenId kNumByteTokens = 256;
inline constexpr TokenId kEosId = 256;
inline constexpr TokenId kFirstMergeId = 257;
inline constexpr int32_t kMaxVocabSize = 1 << 20;

inline uint64_t PairKey(TokenId left, TokenId right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}

// Immutable open-addressing map from a (left, right) pair key to the rank of
// its merge; built once, then only read (so safe to share between threads).
class PairRankMap {
 public:
  static constexpr int32_t kNone = -1;

  void Build(const std::vector<std::pair<uint64_t, int32_t>>& entries);

  int32_t Find(uint64_t key) const {
    size_t i = core::Mix64(key) & mask_;
    while (true) {
      const Slot& s = slots_[i];
      if (s.key == key) return s.rank;
      if (s.key == kEmpty) return kNone;
      i = (i + 1) & mask_;
    }
  }

 private:
  static constexpr uint64_t kEmpty = ~0ULL;  // never a valid key: ids < 2^20
  struct Slot {
    uint64_t key = kEmpty;
    int32_t rank = kNone;
  };
  std::vector<Slot> slots_ = std::vector<Slot>(1);
  size_t mask_ = 0;
};

struct BpeTokenizer::Impl {
  std::vector<Merge> merges;
  // Bytes of token id t are token_bytes[token_offsets[t], token_offsets[t+1]).
  std::string token_bytes;
  std::vector<uint32_t> token_offsets;
  PairRankMap ranks;
  // Encodings of pre-tokens that are themselves a vocabulary entry (the
  // frequent words), precomputed at load time.
  PieceCache whole_pieces;
  std::string fingerprint;
  uint64_t instance_id = 0;  // distinguishes tokenizers in thread-local caches

  // Builds every table from the merge list; validates that each merge only
  // references earlier ids (not <eos>) and that no pair is merged twice.
  // Returns Corruption on violations, naming the merge.
  static Result<std::unique_ptr<Impl>> Build(std::vector<std::pair<TokenId, TokenId>> pairs);

  int32_t vocab_size() const { return text::kFirstMergeId + static_cast<int32_t>(merges.size()); }
  std::string_view Bytes(TokenId id) const {
    return std::string_view(token_bytes)
        .substr(token_offsets[id], token_offsets[id + 1] - token_offsets[id]);
  }
  // BPE of one pre-token (at most kMaxPieceBytes bytes), appended to out.
  void EncodePiece(std::string_view piece, std::vector<TokenId>* out) const;
};

}  // namespace warden::text

#endif  // WARDEN_SRC_TEXT_BPE_IMPL_H_
