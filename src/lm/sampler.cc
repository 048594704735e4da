// The sampler chain (warden/sampler.h).
#include "warden/lm/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace warden::lm {

void CandidateArray::Softmax() {
  if (size == 0) return;
  float max_logit = -std::numeric_limits<float>::infinity();
  for (size_t i = 0; i < size; ++i) max_logit = std::max(max_logit, data[i].logit);
  if (!std::isfinite(max_logit)) {
    // Every candidate is -inf (or +inf): fall back to uniform over the maxima.
    size_t n = 0;
    for (size_t i = 0; i < size; ++i) n += data[i].logit == max_logit;
    for (size_t i = 0; i < size; ++i) data[i].p = data[i].logit == max_logit ? 1.0f / n : 0.0f;
    return;
  }
  double sum = 0;
  for (size_t i = 0; i < size; ++i) {
    float e = std::exp(data[i].logit - max_logit);
    data[i].p = e;
    sum += e;
  }
  const float inv = static_cast<float>(1.0 / sum);
  for (size_t i = 0; i < size; ++i) data[i].p *= inv;
}

void CandidateArray::Sort() {
  std::sort(data, data + size, [](const TokenCandidate& a, const TokenCandidate& b) {
    return a.logit != b.logit ? a.logit > b.logit : a.id < b.id;
  });
  sorted = true;
  selected = -1;
}

Status SamplerChain::Validate(const SamplerOptions& o) {
  if (!(o.temperature >= 0) || !std::isfinite(o.temperature))
    return Status::InvalidArgument("temperature must be a finite number >= 0");
  if (o.top_k < 0) return Status::InvalidArgument("top-k must be >= 0");
  if (!(o.top_p > 0 && o.top_p <= 1)) return Status::InvalidArgument("top-p must be in (0, 1]");
  return Status::Ok();
}

SamplerChain::SamplerChain(const SamplerOptions& opts) : opts_(opts), rng_(opts.seed) {}
SamplerChain::SamplerChain(SamplerChain&&) noexcept = default;
SamplerChain& SamplerChain::operator=(SamplerChain&&) noexcept = default;
SamplerChain::~SamplerChain() = default;

void SamplerChain::AddProcessor(std::unique_ptr<LogitsProcessor> p) {
  processors_.push_back(std::move(p));
}

void SamplerChain::SetSelector(std::unique_ptr<LogitsProcessor> p) { selector_ = std::move(p); }

void SamplerChain::Reset() {
  rng_.seed(opts_.seed);
  for (auto& p : processors_) p->Reset();
  if (selector_) selector_->Reset();
}

Result<TokenId> SamplerChain::Sample(std::span<const float> logits,
                                     std::span<const TokenId> history) {
  if (logits.empty()) return Status::InvalidArgument("sampler: empty logits");
  buffer_.resize(logits.size());
  for (size_t i = 0; i < logits.size(); ++i) {
    float l = logits[i];
    if (std::isnan(l)) l = -std::numeric_limits<float>::infinity();
    buffer_[i] = TokenCandidate{static_cast<TokenId>(i), l, 0.0f};
  }
  CandidateArray arr{buffer_.data(), buffer_.size(), -1, false};
  for (auto& p : processors_) {
    p->Apply(history, &arr);
    arr.selected = -1;  // only the selector stage may choose
  }
  // Drop candidates that processors vetoed, so truncation and the draw never
  // see them.
  size_t kept = 0;
  for (size_t i = 0; i < arr.size; ++i) {
    if (arr.data[i].logit != -std::numeric_limits<float>::infinity())
      arr.data[kept++] = arr.data[i];
  }
  if (kept == 0) return Status::InvalidArgument("sampler: every candidate was vetoed");
  arr.size = kept;

  const bool greedy = opts_.temperature == 0.0f;
  if (!greedy && opts_.temperature != 1.0f) {
    const float inv_t = 1.0f / opts_.temperature;
    for (size_t i = 0; i < arr.size; ++i) arr.data[i].logit *= inv_t;
  }
  if (greedy) {
    size_t best = 0;
    for (size_t i = 1; i < arr.size; ++i) {
      if (arr.data[i].logit > arr.data[best].logit) best = i;
    }
    arr.data[0] = arr.data[best];
    arr.size = 1;
  }
  if (opts_.top_k > 0 && static_cast<size_t>(opts_.top_k) < arr.size) {
    const size_t k = static_cast<size_t>(opts_.top_k);
    std::partial_sort(arr.data, arr.data + k, arr.data + arr.size,
                      [](const TokenCandidate& a, const TokenCandidate& b) {
                        return a.logit != b.logit ? a.logit > b.logit : a.id < b.id;
                      });
    arr.size = k;
    arr.sorted = true;
  }
  if (opts_.top_p < 1.0f && arr.size > 1) {
    if (!arr.sorted) arr.Sort();
    arr.Softmax();
    double cum = 0;
    size_t n = 0;
    while (n < arr.size) {
      cum += arr.data[n].p;
      ++n;
      if (cum >= opts_.top_p) break;
    }
    arr.size = n;
  }
  arr.Softmax();
  arr.selected = -1;
  if (selector_) {
    selector_->Apply(history, &arr);
    if (arr.selected < 0 || static_cast<size_t>(arr.selected) >= arr.size)
      return Status::Internal("sampler: selector chose no candidate");
  } else {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    double r = u(rng_);
    double cum = 0;
    arr.selected = static_cast<int64_t>(arr.size - 1);
    for (size_t i = 0; i < arr.size; ++i) {
      cum += arr.data[i].p;
      if (r < cum) {
        arr.selected = static_cast<int64_t>(i);
        break;
      }
    }
  }
  const TokenId chosen = arr.data[arr.selected].id;
  for (auto& p : processors_) p->Accept(chosen);
  if (selector_) selector_->Accept(chosen);
  return chosen;
}

}  // namespace warden::lm
