// The decoding hooks that plant a watermark (warden/watermark.h).
#include <bit>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "warden/watermark/watermark.h"
#include "watermark/green.h"

namespace warden::watermark {
namespace {

using detail::Context;
using detail::GreenFunction;

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Applies the KGW bias given green bits (bit i%8 of masks[i/8]).
void ApplyBias(const std::vector<uint8_t>& masks, double delta, lm::CandidateArray* candidates) {
  lm::TokenCandidate* data = candidates->data;
  const size_t n = candidates->size;
  if (!std::isinf(delta)) {
    const float d = static_cast<float>(delta);
    for (size_t b = 0; b < masks.size(); ++b) {
      for (unsigned m = masks[b]; m != 0; m &= m - 1) data[8 * b + std::countr_zero(m)].logit += d;
    }
    return;
  }
  // Hard mode: keep only green candidates, unless that would leave nothing
  // that can be sampled.
  bool any_green = false;
  for (size_t b = 0; b < masks.size() && !any_green; ++b) {
    for (unsigned m = masks[b]; m != 0; m &= m - 1) {
      if (data[8 * b + std::countr_zero(m)].logit > kNegInf) {
        any_green = true;
        break;
      }
    }
  }
  if (!any_green) return;
  for (size_t b = 0; b < masks.size(); ++b) {
    unsigned red = ~static_cast<unsigned>(masks[b]) & 0xffU;
    if (8 * b + 8 > n) red &= (1U << (n - 8 * b)) - 1;  // bits past the end
    for (; red != 0; red &= red - 1) data[8 * b + std::countr_zero(red)].logit = kNegInf;
  }
}

std::span<const TokenId> LastTokens(std::span<const TokenId> history, int32_t h) {
  return history.subspan(history.size() - static_cast<size_t>(h));
}

}  // namespace

// ---------------------------------------------------------------- KGW

struct KgwProcessor::Impl {
  GreenFunction green;
  double delta;
  std::vector<uint8_t> masks;  // scratch, reused between steps
};

KgwProcessor::KgwProcessor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KgwProcessor::~KgwProcessor() = default;

Result<std::unique_ptr<KgwProcessor>> KgwProcessor::Create(const WatermarkConfig& config,
                                                           const WatermarkKey& key) {
  WARDEN_RETURN_IF_ERROR(config.Validate());
  if (config.scheme != Scheme::kKgw) {
    return Status::InvalidArgument("KgwProcessor: scheme is " +
                                   std::string(SchemeName(config.scheme)));
  }
  auto impl = std::make_unique<Impl>(Impl{GreenFunction(config, key), config.delta, {}});
  if (config.seeding == Seeding::kSelfHash) impl->green.PrecomputeTokenHashes(config.vocab_size);
  return std::unique_ptr<KgwProcessor>(new KgwProcessor(std::move(impl)));
}

void KgwProcessor::Apply(std::span<const TokenId> history, lm::CandidateArray* candidates) {
  const int32_t h = impl_->green.context_width();
  // Too little history: no context to seed from, and detection skips these
  // positions too.
  if (history.size() < static_cast<size_t>(h) || candidates->size == 0) return;
  const Context c = impl_->green.MakeContext(LastTokens(history, h));
  if (!std::isinf(impl_->delta)) {
    impl_->green.AddToGreen(c, candidates->data, candidates->size,
                            static_cast<float>(impl_->delta));
    return;
  }
  impl_->masks.resize((candidates->size + 7) / 8);
  impl_->green.GreenMasks(c, candidates->data, candidates->size, impl_->masks.data());
  ApplyBias(impl_->masks, impl_->delta, candidates);
}

// ---------------------------------------------------------------- Unigram

struct UnigramProcessor::Impl {
  GreenFunction green;  // with the token-hash table of the vocabulary
  double delta;
  std::vector<uint8_t> masks;
};

UnigramProcessor::UnigramProcessor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
UnigramProcessor::~UnigramProcessor() = default;

Result<std::unique_ptr<UnigramProcessor>> UnigramProcessor::Create(const WatermarkConfig& config,
                                                                   const WatermarkKey& key) {
  WARDEN_RETURN_IF_ERROR(config.Validate());
  if (config.scheme != Scheme::kUnigram) {
    return Status::InvalidArgument("UnigramProcessor: scheme is " +
                                   std::string(SchemeName(config.scheme)));
  }
  auto impl = std::make_unique<Impl>(Impl{GreenFunction(config, key), config.delta, {}});
  // The fixed list, as the token hash of every id (green: below threshold).
  impl->green.PrecomputeTokenHashes(config.vocab_size);
  return std::unique_ptr<UnigramProcessor>(new UnigramProcessor(std::move(impl)));
}

void UnigramProcessor::Apply(std::span<const TokenId> /*history*/, lm::CandidateArray* candidates) {
  if (candidates->size == 0) return;
  const Context none;
  if (!std::isinf(impl_->delta)) {
    impl_->green.AddToGreen(none, candidates->data, candidates->size,
                            static_cast<float>(impl_->delta));
    return;
  }
  impl_->masks.resize((candidates->size + 7) / 8);
  impl_->green.GreenMasks(none, candidates->data, candidates->size, impl_->masks.data());
  ApplyBias(impl_->masks, impl_->delta, candidates);
}

// ---------------------------------------------------------------- Gumbel

struct GumbelSelector::Impl {
  GreenFunction green;
};

GumbelSelector::GumbelSelector(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GumbelSelector::~GumbelSelector() = default;

Result<std::unique_ptr<GumbelSelector>> GumbelSelector::Create(const WatermarkConfig& config,
                                                               const WatermarkKey& key) {
  WARDEN_RETURN_IF_ERROR(config.Validate());
  if (config.scheme != Scheme::kGumbel) {
    return Status::InvalidArgument("GumbelSelector: scheme is " +
                                   std::string(SchemeName(config.scheme)));
  }
  auto impl = std::make_unique<Impl>(Impl{GreenFunction(config, key)});
  return std::unique_ptr<GumbelSelector>(new GumbelSelector(std::move(impl)));
}

void GumbelSelector::Apply(std::span<const TokenId> history, lm::CandidateArray* candidates) {
  if (candidates->size == 0) return;
  candidates->Softmax();
  const lm::TokenCandidate* data = candidates->data;
  const int32_t h = impl_->green.context_width();
  int64_t best = -1;
  if (history.size() < static_cast<size_t>(h)) {
    // No context to seed from: the most likely candidate, unwatermarked.
    for (size_t i = 0; i < candidates->size; ++i) {
      if (best < 0 || data[i].p > data[best].p) best = static_cast<int64_t>(i);
    }
    candidates->selected = best;
    return;
  }
  const Context c = impl_->green.MakeContext(LastTokens(history, h));
  double best_score = -std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < candidates->size; ++i) {
    const double p = data[i].p;
    if (!(p > 0)) continue;
    const double r = GreenFunction::Uniform(impl_->green.GumbelBits(c, data[i].id));
    // -log(r) >= 1 - r (exact in double here), so a candidate whose 1 - r
    // already exceeds p * -best_score cannot win: skipping its log keeps
    // the result and saves most logs, as the winner's -score is ~Exp(1)
    // while most p are tiny. The margin covers rounding in log.
    if (best >= 0 && 1 - r > -best_score * p * (1 + 1e-9)) continue;
    const double score = std::log(r) / p;
    if (best < 0 || score > best_score) {
      best = static_cast<int64_t>(i);
      best_score = score;
    }
  }
  // Softmax always leaves some p > 0, but never select nothing.
  candidates->selected = best < 0 ? 0 : best;
}

// ---------------------------------------------------------------- factory

Result<WatermarkProcessor> MakeWatermarkProcessor(const WatermarkConfig& config,
                                                  const WatermarkKey& key) {
  WARDEN_RETURN_IF_ERROR(config.Validate());
  WatermarkProcessor out;
  switch (config.scheme) {
    case Scheme::kKgw: {
      WARDEN_ASSIGN_OR_RETURN(out.processor, KgwProcessor::Create(config, key));
      break;
    }
    case Scheme::kUnigram: {
      WARDEN_ASSIGN_OR_RETURN(out.processor, UnigramProcessor::Create(config, key));
      break;
    }
    case Scheme::kGumbel: {
      WARDEN_ASSIGN_OR_RETURN(out.processor, GumbelSelector::Create(config, key));
      out.is_selector = true;
      break;
    }
  }
  return out;
}

Status AttachWatermark(const WatermarkConfig& config, const WatermarkKey& key,
                       lm::SamplerChain* chain) {
  if (chain == nullptr) return Status::InvalidArgument("AttachWatermark: no sampler chain");
  WARDEN_ASSIGN_OR_RETURN(WatermarkProcessor wp, MakeWatermarkProcessor(config, key));
  if (wp.is_selector) {
    chain->SetSelector(std::move(wp.processor));
  } else {
    chain->AddProcessor(std::move(wp.processor));
  }
  return Status::Ok();
}

}  // namespace warden::watermark
