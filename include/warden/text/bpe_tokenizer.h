// warden's own byte-level BPE tokenizer (the embedded n-gram model's).
//
// `BpeTokenizer` is warden's own byte-level BPE. Text is first split into
// pre-tokens that merges never cross (exact rules, versioned, in
// src/text/pretokenize.h). Bytes >= 0x80 count as letters, so a UTF-8
// character is never split; each piece is one of:
//   - one optional leading space + a run of letters  (" the", "café"),
//   - one optional leading space + 1 to 3 digits     (" 198" "7"),
//   - one optional leading space + a run of ASCII punctuation/other bytes,
//   - a run of "\n"/"\r",
//   - a run of ' ', '\t', '\v', '\f'; its last space is given to the next
//     piece when that piece starts with a letter, digit or punctuation
//     ("a   b" -> "a" "  " " b"),
// and no piece exceeds 64 bytes (longer runs are cut, between characters
// when possible). Each piece's bytes start as byte tokens 0..255 and the
// learned merges are applied lowest rank first (leftmost on ties). Every
// byte string is encodable, so Encode never fails on valid UTF-8, and
// Decode(Encode(s)) == s for every valid UTF-8 string s.
//
// Vocabulary: ids 0..255 are the bytes, 256 is <eos> (no bytes: never
// produced by Encode, skipped by Decode), merge r creates id 257 + r.
//
// Thread safety: all const methods are safe to call concurrently. Encode
// keeps a small per-thread cache of recently encoded pieces (bounded, about
// 1 MB per thread and tokenizer slot); results never depend on it.
// Ownership: a BpeTokenizer owns its tables; it is movable, not copyable.
#ifndef WARDEN_TEXT_BPE_TOKENIZER_H_
#define WARDEN_TEXT_BPE_TOKENIZER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/text/tokenizer.h"

namespace warden::text {

// Byte-level BPE, trained by warden (see file comment).
class BpeTokenizer final : public Tokenizer {
 public:
  struct TrainOptions {
    int32_t vocab_size = 8192;   // including the 256 byte tokens and <eos>
    int32_t min_pair_count = 2;  // stop merging below this frequency
    int32_t threads = 0;         // 0 = hardware concurrency
  };

  // Learns merges from `texts` (valid UTF-8, else InvalidArgument). The most
  // frequent adjacent pair is merged first, ties going to the smallest
  // (left, right) ids, so the result is deterministic and independent of
  // `threads`. Stops early when no pair occurs min_pair_count times, so
  // vocab_size() may end up smaller than asked. Fails if vocab_size < 257
  // or > 1<<20.
  static Result<BpeTokenizer> Train(std::span<const std::string> texts, const TrainOptions& opts);

  // Serialized form (see docs/formats.md), stored inside model files.
  std::string Serialize() const;
  // Parses and validates untrusted bytes; never crashes on malformed input.
  static Result<BpeTokenizer> Deserialize(std::string_view bytes);

  BpeTokenizer(BpeTokenizer&&) noexcept;
  BpeTokenizer& operator=(BpeTokenizer&&) noexcept;
  ~BpeTokenizer() override;

  int32_t vocab_size() const override;
  Status Encode(std::string_view text, std::vector<TokenId>* out) const override;
  std::string_view TokenBytes(TokenId id) const override;
  std::string fingerprint() const override;
  TokenId eos() const override;

  // The learned merges in rank order, as (left, right) -> new id.
  struct Merge {
    TokenId left, right, result;
  };
  std::span<const Merge> merges() const;

 private:
  struct Impl;
  explicit BpeTokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace warden::text

#endif  // WARDEN_TEXT_BPE_TOKENIZER_H_
