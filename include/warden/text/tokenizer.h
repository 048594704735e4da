// Tokenizers: text <-> token ids.
//
// `Tokenizer` is the interface every model backend exposes: warden's own
// byte-level BPE (bpe_tokenizer.h, the embedded n-gram model's) and the
// vocabularies of GGUF models (model_vocab.h). Watermark
// detection re-tokenizes text, so a tokenizer also carries a `fingerprint`:
// a hash of everything that decides how text maps to ids. A detector whose
// fingerprint differs from the generator's refuses to score.
//
// Thread safety: implementations' const methods are safe to call
// concurrently (see each implementation).
#ifndef WARDEN_TEXT_TOKENIZER_H_
#define WARDEN_TEXT_TOKENIZER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/core/token.h"

namespace warden::text {

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
  // Special beginning-of-text token, or -1 when the vocabulary has none.
  virtual TokenId bos() const { return -1; }
  // True for tokens that stand for no text (control/special tokens such as
  // <eos>, <|im_start|>): generation stops or skips them, detectors do not
  // score them.
  virtual bool IsSpecial(TokenId id) const { return id >= 0 && id == eos(); }
};

}  // namespace warden::text

#endif  // WARDEN_TEXT_TOKENIZER_H_
