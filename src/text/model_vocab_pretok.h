// Pre-tokenizers of byte-level BPE models: the regular expressions that cut
// text into pieces before merges are applied (merges never cross a piece
// boundary). Each named pre-tokenizer is a sequence of PCRE2 patterns,
// compiled in UTF mode with Unicode properties (UCP); pattern k cuts every
// piece of pattern k-1 into its matches and the text between them, so the
// pieces always concatenate back to the input.
//
// Thread safety: a compiled ModelPreTokenizer is immutable; Split may be
// called from any thread.
#ifndef WARDEN_SRC_TEXT_MODEL_VOCAB_PRETOK_H_
#define WARDEN_SRC_TEXT_MODEL_VOCAB_PRETOK_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"

namespace warden::text {

// The patterns of a named pre-tokenizer ("gpt2"/"default", "llama-bpe",
// "qwen2", "smollm"), or NotFound.
Result<std::vector<std::string>> PreTokenizerPatterns(std::string_view name);

class ModelPreTokenizer {
 public:
  static Result<std::unique_ptr<ModelPreTokenizer>> Compile(std::string_view name);
  ~ModelPreTokenizer();
  ModelPreTokenizer(const ModelPreTokenizer&) = delete;
  ModelPreTokenizer& operator=(const ModelPreTokenizer&) = delete;

  // Appends the pieces of `text` to `out`. `text` must be valid UTF-8 (the
  // caller checks; the patterns run without PCRE2's own check). Fails only if
  // PCRE2 reports a matching error (e.g. its resource limits).
  Status Split(std::string_view text, std::vector<std::string_view>* out) const;

 private:
  struct Pattern;
  ModelPreTokenizer() = default;
  std::vector<std::unique_ptr<Pattern>> patterns_;
};

}  // namespace warden::text

#endif  // WARDEN_SRC_TEXT_MODEL_VOCAB_PRETOK_H_
