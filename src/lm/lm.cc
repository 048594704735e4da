// Backend-independent helpers of lm.h: scoring token sequences.
#include "warden/lm/lm.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "warden/lm/ngram.h"

namespace warden::lm {

double LogLikelihood::Perplexity() const {
  if (scored <= 0) return std::numeric_limits<double>::quiet_NaN();
  return std::exp(-sum_log_prob / static_cast<double>(scored));
}

Result<LogLikelihood> ScoreDocuments(const LanguageModel& model,
                                     std::span<const std::string> documents) {
  LogLikelihood total;
  std::vector<TokenId> ids;
  for (size_t d = 0; d < documents.size(); ++d) {
    ids.clear();
    const TokenId eos = model.tokenizer().eos();
    if (model.wants_leading_eos() && eos >= 0) ids.push_back(eos);
    if (Status s = model.tokenizer().Encode(documents[d], &ids); !s.ok()) {
      return Status(s.code(), "document " + std::to_string(d + 1) + ": " + s.message());
    }
    if (ids.empty()) continue;
    WARDEN_ASSIGN_OR_RETURN(LogLikelihood ll, ScoreTokens(model, ids, 1));
    total.sum_log_prob += ll.sum_log_prob;
    total.scored += ll.scored;
  }
  return total;
}

Result<LogLikelihood> ScoreTokens(const LanguageModel& model, std::span<const TokenId> tokens,
                                  size_t prefix) {
  if (prefix > tokens.size()) {
    return Status::InvalidArgument("ScoreTokens: prefix " + std::to_string(prefix) +
                                   " longer than the " + std::to_string(tokens.size()) + " tokens");
  }
  const int32_t vocab = model.vocab_size();
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] < 0 || tokens[i] >= vocab) {
      return Status::OutOfRange("ScoreTokens: token " + std::to_string(i) + " has id " +
                                std::to_string(tokens[i]) + " outside the vocabulary");
    }
  }
  LogLikelihood ll;
  // The n-gram model can score one token without building the whole
  // distribution, which makes perplexity over a corpus ~V times cheaper.
  if (const auto* ngram = dynamic_cast<const NgramModel*>(&model)) {
    const size_t keep = static_cast<size_t>(ngram->order() - 1);
    for (size_t i = prefix; i < tokens.size(); ++i) {
      const size_t from = i > keep ? i - keep : 0;
      ll.sum_log_prob += ngram->LogProb(tokens.subspan(from, i - from), tokens[i]);
      ++ll.scored;
    }
    return ll;
  }
  WARDEN_ASSIGN_OR_RETURN(std::unique_ptr<LmSession> session, model.NewSession());
  WARDEN_RETURN_IF_ERROR(session->Append(tokens.first(prefix)));
  std::vector<float> logits(static_cast<size_t>(vocab));
  for (size_t i = prefix; i < tokens.size(); ++i) {
    WARDEN_RETURN_IF_ERROR(session->NextLogits(logits));
    double max = -std::numeric_limits<double>::infinity();
    for (float x : logits) max = std::max<double>(max, x);
    double sum = 0;
    for (float x : logits) sum += std::exp(static_cast<double>(x) - max);
    ll.sum_log_prob += static_cast<double>(logits[tokens[i]]) - max - std::log(sum);
    ++ll.scored;
    WARDEN_RETURN_IF_ERROR(session->Append(tokens.subspan(i, 1)));
  }
  return ll;
}

}  // namespace warden::lm
