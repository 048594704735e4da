// Decoding: candidate arrays, logits processors and the sampler chain.
//
// At each step the model's logits become a `CandidateArray` (id, logit, p),
// the shape of llama.cpp's llama_token_data_array, so that the same
// processors can run inside another inference engine through the C ABI
// (warden.h). The chain then runs:
//   1. the logits processors, in the order added, on the full vocabulary
//      (watermark biases, vetoes of protected or denied continuations);
//   2. temperature, top-k, top-p truncation;
//   3. the selector: a seeded categorical draw by default, greedy when
//      requested, or a processor that selects by itself (the Gumbel
//      watermark) by setting `selected`.
//
// Thread safety: a chain holds per-generation state (RNG, processors'
// state) and belongs to one thread at a time.
#ifndef WARDEN_LM_SAMPLER_H_
#define WARDEN_LM_SAMPLER_H_

#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/text/tokenizer.h"

namespace warden::lm {

struct TokenCandidate {
  TokenId id;
  float logit;
  float p;  // filled by Softmax; stale until then
};

// Non-owning view of candidates, like llama_token_data_array.
struct CandidateArray {
  TokenCandidate* data = nullptr;
  size_t size = 0;
  int64_t selected = -1;  // index into data chosen by a selector, or -1
  bool sorted = false;    // sorted by logit, descending

  // Sets p to the softmax of the logits (max-subtracted, so safe for -inf).
  void Softmax();
  // Sorts by logit descending (stable on ties by id).
  void Sort();
};

// A hook run at every decoding step.
class LogitsProcessor {
 public:
  virtual ~LogitsProcessor() = default;
  virtual std::string_view name() const = 0;
  // `history` is every token before the one being chosen (prompt included).
  // May change logits, shrink `size` (after moving kept entries to the
  // front), or set `selected`. Must not read past `size`.
  virtual void Apply(std::span<const TokenId> history, CandidateArray* candidates) = 0;
  // Told the token that was finally chosen.
  virtual void Accept(TokenId /*token*/) {}
  // Forget per-generation state.
  virtual void Reset() {}
};

struct SamplerOptions {
  float temperature = 1.0f;  // 0 means greedy
  int32_t top_k = 0;         // 0 = off
  float top_p = 1.0f;        // 1 = off
  uint64_t seed = 0;
};

class SamplerChain {
 public:
  explicit SamplerChain(const SamplerOptions& opts);
  SamplerChain(SamplerChain&&) noexcept;
  SamplerChain& operator=(SamplerChain&&) noexcept;
  ~SamplerChain();

  static Status Validate(const SamplerOptions& opts);

  // Runs in stage 1, in order of addition.
  void AddProcessor(std::unique_ptr<LogitsProcessor> p);
  // Replaces the default draw in stage 3; must set `selected`.
  void SetSelector(std::unique_ptr<LogitsProcessor> p);

  // Chooses the next token from `logits` (size = vocabulary) given
  // `history`. Calls Accept on every processor with the result.
  Result<TokenId> Sample(std::span<const float> logits, std::span<const TokenId> history);

  void Reset();

 private:
  SamplerOptions opts_;
  std::vector<std::unique_ptr<LogitsProcessor>> processors_;
  std::unique_ptr<LogitsProcessor> selector_;
  std::mt19937_64 rng_;
  std::vector<TokenCandidate> buffer_;
};

}  // namespace warden::lm

#endif  // WARDEN_LM_SAMPLER_H_
