// The decoding loop: prompt -> tokens -> model session -> sampler chain ->
// streamed text.
//
// Text is streamed in pieces that are always whole UTF-8 characters: a token
// that ends inside a multi-byte character is held back until the character
// completes, so a consumer never sees a broken sequence. Byte tokens that do
// not form UTF-8 at all (a byte-level model can emit them) are replaced by
// U+FFFD in the text; the token ids are kept as generated.
//
// Thread safety: Generate uses the chain and a session of its own; one call
// per chain at a time. The model may be shared.
#ifndef WARDEN_LM_GENERATE_H_
#define WARDEN_LM_GENERATE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/lm/lm.h"
#include "warden/lm/sampler.h"

namespace warden::lm {

struct GenerateOptions {
  int32_t max_tokens = 200;
  // Stop at the model's end-of-text token (it is not part of the output).
  bool stop_at_eos = true;
  // Never stop at end-of-text before this many tokens (the token is vetoed).
  int32_t min_tokens = 0;
  // (Whether the prompt is preceded by the end-of-text token is the model's
  // choice: LanguageModel::wants_leading_eos.)
};

struct Generation {
  std::vector<TokenId> prompt_tokens;  // as tokenized (after the eos start, if any)
  std::vector<TokenId> tokens;         // generated tokens, eos excluded
  std::string text;                    // decoded generated text, valid UTF-8
  bool hit_eos = false;
};

// `on_text` (may be empty) receives each complete piece of text as soon as it
// is decoded; a non-OK Status from it stops generation and is returned.
Result<Generation> Generate(const LanguageModel& model, SamplerChain& chain,
                            std::string_view prompt, const GenerateOptions& opts,
                            const std::function<Status(std::string_view)>& on_text = {});

// Length of the longest prefix of `bytes` that does not end inside a UTF-8
// sequence (bytes that can never be valid are passed through).
size_t CompleteUtf8Prefix(std::string_view bytes);

}  // namespace warden::lm

#endif  // WARDEN_LM_GENERATE_H_
