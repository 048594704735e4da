// The embedded n-gram language model: interpolated modified Kneser-Ney
// (Chen & Goodman, "An Empirical Study of Smoothing Techniques for Language
// Modeling", 1998) over the token ids of a BpeTokenizer.
//
// What it is for: a small, dependency-free model that generates plausible
// text fast enough to exercise and evaluate the watermarking code end to
// end, and that scores text (perplexity) for quality comparisons.
//
// Model, for order N and a context h of N-1 tokens:
//   P_n(w | h) = max(a(hw) - D_n(a(hw)), 0) / A(h) + gamma(h) * P_{n-1}(w | h')
// where h' drops the oldest token of h, A(h) = sum_w a(hw), and gamma(h)
// holds the mass removed by discounting so that each level sums to one.
// a() is the raw count at the highest order and the continuation count
// (number of distinct one-token left extensions) below it, except for
// n-grams that begin with padding <eos>, which cannot be extended to the left
// and so keep their raw counts (as KenLM does for <s>). D_n(1), D_n(2) and
// D_n(3+) come from the count-of-counts of order n. The unigram level is
// interpolated with the uniform distribution over the vocabulary, so every
// token has a nonzero probability. A context never seen in training falls
// through to the next shorter one.
//
// Documents: each training document is preceded by order-1 <eos> tokens
// (the implied start-of-document context) and followed by one <eos>, which
// the model learns to predict. Likewise every query context is implicitly
// preceded by order-1 <eos> tokens: an empty context means "start of a
// document".
//
// Files (format in docs/formats.md, "N-gram model file") are versioned,
// little-endian, checksummed, embed the tokenizer, and are memory-mapped by
// Load, which validates every section so that a truncated, foreign or
// hostile file gives a Corruption error and never a crash.
//
// Thread safety: a loaded NgramModel is immutable; all const methods are
// safe from any thread. A session belongs to one thread at a time.
// Ownership: the model owns its mapping and its tokenizer; sessions borrow
// the model, which must outlive them.
#ifndef WARDEN_LM_NGRAM_H_
#define WARDEN_LM_NGRAM_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/lm/lm.h"
#include "warden/text/bpe_tokenizer.h"

namespace warden::lm {

struct NgramTrainOptions {
  int32_t order = 4;    // 1..8; order * ceil(log2 vocab) must be <= 128
  int32_t threads = 0;  // 0 = hardware concurrency
  // 0 keeps every n-gram. k > 0 drops n-grams of order > k whose (adjusted)
  // count is 1; their probability mass goes to the shorter context, so the
  // model still sums to one. On the default corpus (8.9 M tokens, vocabulary
  // 8,192, order 4) k = 0 gives 160 MB and held-out perplexity 47.6, k = 3
  // 70 MB and 49.8, k = 1 29 MB and 57.0 (order 3 unpruned: 53 MB, 54.1).
  int64_t prune_singletons_above_order = 0;
};

// Numbers about a trained or loaded model, for logs and reports.
struct NgramStats {
  int32_t order = 0;
  int32_t vocab_size = 0;
  uint64_t training_tokens = 0;  // predicted positions, <eos> included
  // Per order n = 1..order (index n-1): stored contexts of length n-1
  // (1 for n = 1) and stored n-grams (successor entries; vocab for n = 1).
  std::vector<uint64_t> contexts;
  std::vector<uint64_t> ngrams;
  // Per order: the three modified-KN discounts D(1), D(2), D(3+).
  std::vector<std::array<double, 3>> discounts;
  uint64_t file_bytes = 0;
};

class NgramModel final : public LanguageModel {
 public:
  // Trains from tokenized documents (ids in [0, vocab), see the file comment
  // for padding; an <eos> inside a document is an ordinary token) and writes
  // the model file atomically. Deterministic: the same input gives the same
  // bytes whatever the thread count. Fails with
  // InvalidArgument for bad options, an empty corpus or out-of-range ids, and
  // with OutOfRange when order * ceil(log2 vocab) > 128 or the corpus has
  // 2^32 tokens or more. `stats`, when given, receives the model's numbers.
  static Status Train(const text::BpeTokenizer& tokenizer,
                      std::span<const std::vector<TokenId>> docs, const NgramTrainOptions& opts,
                      const std::string& path, NgramStats* stats = nullptr);
  // Same, returning the file's bytes instead of writing them.
  static Result<std::string> TrainToBytes(const text::BpeTokenizer& tokenizer,
                                          std::span<const std::vector<TokenId>> docs,
                                          const NgramTrainOptions& opts,
                                          NgramStats* stats = nullptr);

  // Memory-maps and validates a model file (checksum included).
  static Result<std::unique_ptr<NgramModel>> Load(const std::string& path);
  // Validates and takes a private copy of untrusted bytes; `name` is used in
  // error messages.
  static Result<std::unique_ptr<NgramModel>> LoadFromBytes(std::string_view bytes,
                                                           std::string name = "<memory>");

  NgramModel(const NgramModel&) = delete;
  NgramModel& operator=(const NgramModel&) = delete;
  ~NgramModel() override;

  int32_t order() const;
  const NgramStats& stats() const;

  // Natural-log P(next | context); only the last order-1 tokens of context
  // matter. Out-of-range context ids act as an unseen token; an out-of-range
  // `next` gets -infinity.
  double LogProb(std::span<const TokenId> context, TokenId next) const;

  // Fills probs (size vocab_size(), asserted) with P(. | context): the fast
  // kernel, one dense pass plus the stored successors of each matched
  // context.
  void Distribution(std::span<const TokenId> context, std::span<float> probs) const;
  // The same distribution computed the slow, obvious way: each probability
  // independently by the recursion of LogProb. For tests.
  void DistributionReference(std::span<const TokenId> context, std::span<float> probs) const;

  // LanguageModel.
  const text::Tokenizer& tokenizer() const override;
  int32_t vocab_size() const override;
  Result<std::unique_ptr<LmSession>> NewSession() const override;
  std::string description() const override;
  // Trained with an end-of-text token before each document.
  bool wants_leading_eos() const override { return true; }

 private:
  struct Impl;
  explicit NgramModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace warden::lm

#endif  // WARDEN_LM_NGRAM_H_
