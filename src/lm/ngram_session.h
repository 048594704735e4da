// Internal: the decoding session of the n-gram model (see lm.h, ngram.h).
#ifndef WARDEN_SRC_LM_NGRAM_SESSION_H_
#define WARDEN_SRC_LM_NGRAM_SESSION_H_

#include <span>
#include <vector>

#include "warden/lm/lm.h"
#include "warden/lm/ngram.h"

namespace warden::lm::detail {

// Keeps the whole history (history() must return it) but conditions only on
// its last order-1 tokens, so a step costs the same however long the text.
// Borrows the model, which must outlive the session.
class NgramSession final : public LmSession {
 public:
  explicit NgramSession(const NgramModel& model) : model_(model) {}

  Status Append(std::span<const TokenId> tokens) override;
  Status NextLogits(std::span<float> logits) override;
  void Reset() override { history_.clear(); }
  std::span<const TokenId> history() const override { return history_; }

 private:
  const NgramModel& model_;
  std::vector<TokenId> history_;
};

}  // namespace warden::lm::detail

#endif  // WARDEN_SRC_LM_NGRAM_SESSION_H_
