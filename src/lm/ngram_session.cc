// The n-gram model's LmSession: logits are log-probabilities, so they are
// already normalized (a softmax of them gives back the distribution).
#include "lm/ngram_session.h"

#include "lm/ngram_fastlog.h"

#include <cmath>
#include <string>

namespace warden::lm::detail {

Status NgramSession::Append(std::span<const TokenId> tokens) {
  const int32_t vocab = model_.vocab_size();
  for (TokenId t : tokens) {
    if (t < 0 || t >= vocab) {
      return Status::OutOfRange("token id " + std::to_string(t) + " outside the vocabulary of " +
                                std::to_string(vocab));
    }
  }
  history_.insert(history_.end(), tokens.begin(), tokens.end());
  return Status::Ok();
}

Status NgramSession::NextLogits(std::span<float> logits) {
  if (logits.size() != static_cast<size_t>(model_.vocab_size())) {
    return Status::InvalidArgument("logits span has " + std::to_string(logits.size()) +
                                   " entries, the n-gram model's vocabulary " +
                                   std::to_string(model_.vocab_size()));
  }
  const size_t keep = static_cast<size_t>(model_.order() - 1);
  std::span<const TokenId> context(history_);
  if (context.size() > keep) context = context.subspan(context.size() - keep);
  model_.Distribution(context, logits);
  LogInPlace(logits);
  return Status::Ok();
}

}  // namespace warden::lm::detail
