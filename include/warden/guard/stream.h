// Guardrails for generation in progress.
//
// StreamGuard: generated text arrives in chunks; each Feed scans the new text
// together with an overlap of already released text (so a term split across
// chunks is seen whole) and releases only what is safe: text up to the last
// whitespace (a partial word may still become a denied word), with the
// policy's masks applied. When a finding triggers a block, the stream stops
// at once and nothing from the offending span on is released.
//
// LexiconVetoProcessor: a LogitsProcessor for the sampler chain (sampler.h)
// that sets to -inf the logit of any of the top-k candidate tokens whose
// text would complete a denied lexicon term (the end of the text counts as
// a word end, so "ass" is vetoed even if "essment" might follow).
//
// Thread safety: both hold per-generation state; one thread at a time.
#ifndef WARDEN_GUARD_STREAM_H_
#define WARDEN_GUARD_STREAM_H_

#include <string>
#include <string_view>
#include <vector>

#include "warden/guard/lexicon.h"
#include "warden/guard/policy.h"
#include "warden/lm/sampler.h"
#include "warden/text/tokenizer.h"

namespace warden::guard {

class StreamGuard {
 public:
  // `guard` must outlive this; `overlap` bytes of released text are
  // re-scanned with each chunk.
  explicit StreamGuard(const Guard* guard, Direction direction = Direction::kOutput,
                       size_t overlap = 256);

  // Adds a chunk; returns the text newly safe to show (possibly empty).
  Result<std::string> Feed(std::string_view chunk);
  // End of generation: scans and releases what was held back.
  Result<std::string> Finish();

  bool stopped() const { return stopped_; }
  const std::vector<Finding>& triggered() const { return triggered_; }
  size_t bytes_received() const { return text_.size(); }

 private:
  Result<std::string> Step(bool final);

  const Guard* guard_;
  Direction direction_;
  size_t overlap_;
  std::string text_;
  size_t released_ = 0;
  bool stopped_ = false;
  std::vector<Finding> triggered_;
};

class LexiconVetoProcessor final : public lm::LogitsProcessor {
 public:
  // Vetoes terms of severity >= `min_severity`; checks the `top_k`
  // candidates with the highest logits (the others are unlikely to be drawn
  // and checking the whole vocabulary each step would be slow).
  LexiconVetoProcessor(const LexiconScanner* lexicon, const text::Tokenizer* tokenizer,
                       double min_severity = 0.5, size_t top_k = 64);
  std::string_view name() const override { return "guard_lexicon_veto"; }
  void Apply(std::span<const TokenId> history, lm::CandidateArray* candidates) override;
  size_t vetoed() const { return vetoed_; }

 private:
  const LexiconScanner* lexicon_;
  const text::Tokenizer* tokenizer_;
  double min_severity_;
  size_t top_k_;
  size_t vetoed_ = 0;
};

}  // namespace warden::guard

#endif  // WARDEN_GUARD_STREAM_H_
