// The language-model backend interface.
//
// Every model warden decodes with implements `LanguageModel`: the embedded
// Kneser-Ney n-gram model (ngram.h) and GGUF transformers (gguf_model.h);
// OpenModel (open_model.h) opens either. The remote client (remote.h) is not
// a LanguageModel: a server returns text, not logits. A model hands out
// `LmSession`s; a session
// holds one decoding context (the n-gram model keeps the last order-1 tokens,
// a transformer its KV cache), so one model can serve many sessions.
//
// Data flows one way: text -> tokenizer -> session -> logits -> sampler chain
// (sampler.h) -> token -> text.
//
// Thread safety: a LanguageModel is immutable once loaded; its const methods,
// NewSession included, are safe from any thread. A session belongs to one
// thread at a time.
// Ownership: the model must outlive its sessions.
#ifndef WARDEN_LM_LM_H_
#define WARDEN_LM_LM_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "warden/core/status.h"
#include "warden/text/tokenizer.h"

namespace warden::lm {

class LmSession {
 public:
  virtual ~LmSession() = default;

  // Extends the context. Fails with OutOfRange for an id outside the
  // vocabulary; the session is then unchanged.
  virtual Status Append(std::span<const TokenId> tokens) = 0;

  // Writes the natural-log unnormalized scores of every next token given the
  // context so far into `logits`, whose size must be vocab_size().
  virtual Status NextLogits(std::span<float> logits) = 0;

  // Forgets the context.
  virtual void Reset() = 0;

  // Everything appended since the last Reset.
  virtual std::span<const TokenId> history() const = 0;
};

class LanguageModel {
 public:
  virtual ~LanguageModel() = default;

  virtual const text::Tokenizer& tokenizer() const = 0;
  // Size of the logits vector; equals tokenizer().vocab_size() for warden's
  // own models, may exceed it (padding) for foreign ones.
  virtual int32_t vocab_size() const = 0;
  virtual Result<std::unique_ptr<LmSession>> NewSession() const = 0;
  // One line for humans: kind, size, file.
  virtual std::string description() const = 0;
  // Whether generation should start from the tokenizer's end-of-text token
  // as a document boundary, in front of the prompt. Warden's n-gram models
  // are trained that way (true); a GGUF transformer is not (false: it feeds
  // its own beginning-of-sequence token when its vocabulary asks for one).
  virtual bool wants_leading_eos() const = 0;
};

// Natural-log probability of each token of `tokens` given its predecessors
// (the first `prefix` tokens are context only), summed, and the number of
// tokens scored. Used for perplexity.
struct LogLikelihood {
  double sum_log_prob = 0;
  int64_t scored = 0;
  double Perplexity() const;
};
Result<LogLikelihood> ScoreTokens(const LanguageModel& model, std::span<const TokenId> tokens,
                                  size_t prefix);

// Log-likelihood of a corpus (`warden lm perplexity`): each document is
// tokenized on its own, behind an end-of-text token when the model wants one
// (wants_leading_eos), and every token after the first position is scored.
// Fails on the first document that does not tokenize (invalid UTF-8) or score.
Result<LogLikelihood> ScoreDocuments(const LanguageModel& model,
                                     std::span<const std::string> documents);

}  // namespace warden::lm

#endif  // WARDEN_LM_LM_H_
