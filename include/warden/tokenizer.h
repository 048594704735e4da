// Tokenizers: text <-> token ids.
//
// `Tokenizer` is the interface every model backend exposes (the embedded
// n-gram model's byte-level BPE today; GGUF vocabularies later). Watermark
// detection re-tokenizes text, so a tokenizer also carries a `fingerprint`:
// a hash of everything that decides how text maps to ids. A detector whose
// fingerprint differs from the generator's refuses to score.
//
// `BpeTokenizer` is warden's own byte-level BPE: text is split into
// pre-tokens (letters with one optional leading space, digits, punctuation
// runs, whitespace), each pre-token's UTF-8 bytes start as byte tokens 0..255
// and learned merges are applied in rank order. Every byte string is
// encodable, so Encode never fails on valid UTF-8, and
// Decode(Encode(s)) == s for every valid UTF-8 string s.
//
// Thread safety: all const methods are safe to call concurrently.
// Ownership: a BpeTokenizer owns its tables; it is movable, not copyable.
#ifndef WARDEN_TOKENIZER_H_
#define WARDEN_TOKENIZER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "warden/status.h"

namespace warden {

using TokenId = int32_t;

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // Number of token ids; valid ids are [0, vocab_size()).
  virtual int32_t vocab_size() const = 0;

  // Appends the ids of `text` to `out`. Fails with InvalidArgument on
  // invalid UTF-8 (the message gives the byte offset); `out` is then
  // unchanged.
  virtual Status Encode(std::string_view text, std::vector<TokenId>* out) const = 0;

  // The bytes of one token (may be a partial UTF-8 sequence).
  virtual std::string_view TokenBytes(TokenId id) const = 0;

  // Concatenated token bytes. Ids out of range are skipped. The result can be
  // invalid UTF-8 when the ids split a character; callers that print it
  // should use DecodeValid.
  std::string Decode(std::span<const TokenId> ids) const;
  // Decode with each ill-formed UTF-8 subpart replaced by U+FFFD, so the
  // result is always valid UTF-8 (for printing).
  std::string DecodeValid(std::span<const TokenId> ids) const;

  // 16 hex digits identifying the vocabulary and merge rules.
  virtual std::string fingerprint() const = 0;

  // Special end-of-text token, or -1 when the vocabulary has none.
  virtual TokenId eos() const { return -1; }
};

// Byte-level BPE, trained by warden (see file comment).
class BpeTokenizer final : public Tokenizer {
 public:
  struct TrainOptions {
    int32_t vocab_size = 8192;  // including the 256 byte tokens and <eos>
    int32_t min_pair_count = 2;  // stop merging below this frequency
    int32_t threads = 0;         // 0 = hardware concurrency
  };

  // Learns merges from `texts`. Fails if vocab_size < 257 or > 1<<20.
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

}  // namespace warden

#endif  // WARDEN_TOKENIZER_H_
