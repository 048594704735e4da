// Watermark detection (warden/watermark_detect.h).
#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

#include "warden/core/parallel.h"
#include "warden/watermark/detect.h"
#include "warden/watermark/stats.h"
#include "watermark/flat_set.h"
#include "watermark/green.h"

namespace warden::watermark {

using detail::Context;
using detail::FlatSet64;
using detail::GreenFunction;

namespace {

constexpr double kLn10 = 2.302585092994045684;
// A per-thread set above this is freed after use rather than kept.
constexpr size_t kMaxKeptSetBytes = size_t{64} << 20;

FlatSet64& ThreadSet() {
  thread_local FlatSet64 set;
  return set;
}

}  // namespace

Status DetectOptions::Validate() const {
  if (min_tokens < 1) return Status::InvalidArgument("detect: min_tokens must be >= 1");
  if (!(alpha > 0 && alpha < 1)) return Status::InvalidArgument("detect: alpha must be in (0, 1)");
  return Status::Ok();
}

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kWatermarked:
      return "watermarked";
    case Verdict::kNotWatermarked:
      return "not watermarked";
    case Verdict::kInsufficientEvidence:
      return "insufficient evidence";
  }
  return "unknown";
}

namespace {

// The per-position work of one scheme and seeding, fixed at compile time.
enum class ScanKind { kUnigram, kKgwLeft, kKgwMin, kKgwSelf, kGumbelLeft, kGumbelMin };

ScanKind KindOf(Scheme scheme, Seeding seeding) {
  switch (scheme) {
    case Scheme::kUnigram:
      return ScanKind::kUnigram;
    case Scheme::kGumbel:
      return seeding == Seeding::kLeftHash ? ScanKind::kGumbelLeft : ScanKind::kGumbelMin;
    case Scheme::kKgw:
      break;
  }
  if (seeding == Seeding::kLeftHash) return ScanKind::kKgwLeft;
  return seeding == Seeding::kMinHash ? ScanKind::kKgwMin : ScanKind::kKgwSelf;
}

// Computes, for every position from h on, the trial key and outcome (green
// 0/1, or the Gumbel bits) exactly as GreenFunction's MakeContext, TrialKey,
// IsGreen and GumbelBits define them, and calls emit(i, counted, value),
// where `counted` is false for a repeated trial when `dedup` is given.
//
// Why blocks: keys of a block are computed first and their hash-set slots
// prefetched, then inserted, so the cache misses of a large set overlap
// instead of stalling one by one. Min-hash seedings hash each token once
// per block instead of h + 1 times.
template <ScanKind K, typename Emit>
void Scan(const GreenFunction& g, std::span<const TokenId> tokens, size_t h, FlatSet64* dedup,
          Emit& emit) {
  constexpr size_t kBlock = 64;
  constexpr bool kMin =
      K == ScanKind::kKgwMin || K == ScanKind::kKgwSelf || K == ScanKind::kGumbelMin;
  const size_t n = tokens.size();
  const uint64_t thr = g.threshold();
  uint64_t keys[kBlock];
  uint64_t values[kBlock];
  uint32_t th[kBlock + 8];  // token hashes of tokens[b0 - h, b0 + m)
  for (size_t b0 = std::min(h, n); b0 < n; b0 += kBlock) {
    const size_t m = std::min(kBlock, n - b0);
    if constexpr (kMin) {
      for (size_t j = 0; j < m + h; ++j) th[j] = g.TokenHash(tokens[b0 - h + j]);
    }
    for (size_t j = 0; j < m; ++j) {
      const size_t i = b0 + j;
      const TokenId t = tokens[i];
      const uint32_t u = static_cast<uint32_t>(t);
      if constexpr (K == ScanKind::kUnigram) {
        keys[j] = u;
        values[j] = g.TokenHash(t) < thr;
      } else if constexpr (K == ScanKind::kKgwLeft || K == ScanKind::kGumbelLeft) {
        const Context c = g.MakeContext(tokens.subspan(i - h, h));
        if constexpr (K == ScanKind::kKgwLeft) {
          keys[j] = g.TrialKey(c, t);
          values[j] = GreenFunction::GreenHash(c, u) < thr;
        } else {
          keys[j] = values[j] = g.GumbelBits(c, t);
        }
      } else {
        uint32_t mn = UINT32_MAX;
        for (size_t k = 0; k < h; ++k) mn = std::min(mn, th[j + k]);
        if constexpr (K == ScanKind::kKgwMin) {
          keys[j] = (static_cast<uint64_t>(mn) << 32) | u;
          values[j] = GreenFunction::GreenHash(g.FromMin(mn), u) < thr;
        } else if constexpr (K == ScanKind::kKgwSelf) {
          const uint32_t s = std::min(mn, th[j + h]);
          keys[j] = (static_cast<uint64_t>(s) << 32) | u;
          values[j] = GreenFunction::GreenHash(g.FromMin(s), u) < thr;
        } else {
          keys[j] = values[j] = g.GumbelBits(g.FromMin(mn), t);
        }
      }
      if (dedup != nullptr) dedup->Prefetch(keys[j]);
    }
    for (size_t j = 0; j < m; ++j) {
      const bool counted = dedup == nullptr || dedup->Insert(keys[j]);
      emit(b0 + j, counted, values[j]);
    }
  }
}

}  // namespace

struct WatermarkDetector::Impl {
  GreenFunction green;
  WatermarkSpec spec;
  double gamma;
  ScanKind kind;

  // Fills z and the p-values of a span from scored and score.
  void Test(SpanScore* s) const {
    const double n = static_cast<double>(s->scored);
    double log_p = 0;
    if (s->scored > 0) {
      if (spec.scheme == Scheme::kGumbel) {
        s->z = (s->score - n) / std::sqrt(n);
        log_p = LogGammaUpperTail(n, s->score);
      } else {
        s->z = (s->score - gamma * n) / std::sqrt(n * gamma * (1 - gamma));
        log_p = LogBinomialUpperTail(s->green, s->scored, gamma);
      }
    } else {
      s->z = 0;
    }
    log_p = std::min(0.0, log_p);
    s->p_value = std::exp(log_p);
    s->log10_p_value = log_p / kLn10;
  }

  // Whether z <= 0 guarantees p >= 1/2: for the binomial, g <= gamma n
  // means g is at most the median; for Gamma(n, 1), S <= n is below the
  // mean, above the median. Such a window cannot beat one with p < 1/2.
  static bool CannotBeat(const SpanScore& s, double best_p) { return s.z <= 0 && best_p < 0.5; }

  DetectionResult Detect(std::span<const TokenId> tokens, const DetectOptions& options) const;
  void SearchWindows(const std::vector<int64_t>& prefix_scored,
                     const std::vector<double>& prefix_score, const DetectOptions& options,
                     DetectionResult* result) const;
};

DetectionResult WatermarkDetector::Impl::Detect(std::span<const TokenId> tokens,
                                                const DetectOptions& options) const {
  assert(options.Validate().ok());
  DetectionResult r;
  r.scheme = spec.scheme;
  r.options = options;
  const size_t n = tokens.size();
  r.tokens_total = static_cast<int64_t>(n);
  r.whole.begin = 0;
  r.whole.end = static_cast<int64_t>(n);

  const Scheme scheme = spec.scheme;
  const size_t h = scheme == Scheme::kUnigram ? 0 : static_cast<size_t>(green.context_width());
  const size_t start = std::min(h, n);
  const bool want_positions = options.per_token || options.windowed;
  if (options.per_token) {
    r.per_token.assign(n, -1);
    r.per_token_score.assign(n, 0.0f);
  }
  // Prefix sums over positions, for the window search.
  std::vector<int64_t> prefix_scored;
  std::vector<double> prefix_score;
  if (options.windowed) {
    prefix_scored.assign(n + 1, 0);
    prefix_score.assign(n + 1, 0.0);
  }

  FlatSet64& set = ThreadSet();
  if (options.ignore_repeated) set.Reset(n - start);

  int64_t scored = 0, green_count = 0;
  double score_sum = 0;
  const bool gumbel = scheme == Scheme::kGumbel;
  auto emit = [&](size_t i, bool counted, uint64_t value) {
    double s = 0;
    if (counted) {
      if (gumbel) {
        s = GreenFunction::ExpScore(value);
      } else {
        green_count += static_cast<int64_t>(value);
        s = static_cast<double>(value);
      }
      ++scored;
      score_sum += s;
    }
    if (want_positions) {
      if (options.per_token && counted) {
        r.per_token[i] = gumbel ? (s > 1.0 ? 1 : 0) : static_cast<int8_t>(value);
        r.per_token_score[i] = static_cast<float>(s);
      }
      if (options.windowed) {
        prefix_scored[i + 1] = counted;
        prefix_score[i + 1] = s;
      }
    }
  };
  FlatSet64* dedup = options.ignore_repeated ? &set : nullptr;
  switch (kind) {
    case ScanKind::kUnigram:
      Scan<ScanKind::kUnigram>(green, tokens, h, dedup, emit);
      break;
    case ScanKind::kKgwLeft:
      Scan<ScanKind::kKgwLeft>(green, tokens, h, dedup, emit);
      break;
    case ScanKind::kKgwMin:
      Scan<ScanKind::kKgwMin>(green, tokens, h, dedup, emit);
      break;
    case ScanKind::kKgwSelf:
      Scan<ScanKind::kKgwSelf>(green, tokens, h, dedup, emit);
      break;
    case ScanKind::kGumbelLeft:
      Scan<ScanKind::kGumbelLeft>(green, tokens, h, dedup, emit);
      break;
    case ScanKind::kGumbelMin:
      Scan<ScanKind::kGumbelMin>(green, tokens, h, dedup, emit);
      break;
  }
  if (options.ignore_repeated && set.capacity_bytes() > kMaxKeptSetBytes) set.Release();

  r.whole.scored = scored;
  r.whole.green = gumbel ? 0 : green_count;
  r.whole.score = gumbel ? score_sum : static_cast<double>(green_count);
  Test(&r.whole);

  if (options.windowed) {
    for (size_t i = 1; i <= n; ++i) {
      prefix_scored[i] += prefix_scored[i - 1];
      prefix_score[i] += prefix_score[i - 1];
    }
    SearchWindows(prefix_scored, prefix_score, options, &r);
    if (r.window) {
      r.decision_p_value = r.window->corrected_p_value;
      r.verdict =
          r.decision_p_value < options.alpha ? Verdict::kWatermarked : Verdict::kNotWatermarked;
    } else {
      r.decision_p_value = 1;
      r.verdict = Verdict::kInsufficientEvidence;
    }
  } else {
    r.decision_p_value = r.whole.p_value;
    if (scored < options.min_tokens) {
      r.verdict = Verdict::kInsufficientEvidence;
    } else {
      r.verdict =
          r.whole.p_value < options.alpha ? Verdict::kWatermarked : Verdict::kNotWatermarked;
    }
  }
  return r;
}

void WatermarkDetector::Impl::SearchWindows(const std::vector<int64_t>& prefix_scored,
                                            const std::vector<double>& prefix_score,
                                            const DetectOptions& options,
                                            DetectionResult* result) const {
  const int64_t n = static_cast<int64_t>(prefix_scored.size()) - 1;
  // Lengths 32, 48, 64, 96, ... below n, then n itself.
  std::vector<int64_t> lengths;
  for (int64_t len = 32; len < n; len = (len % 3 == 0) ? len / 3 * 4 : len / 2 * 3) {
    lengths.push_back(len);
  }
  if (n > 0) lengths.push_back(n);

  WindowResult w;
  bool have = false;
  auto consider = [&](int64_t begin, int64_t len) {
    SpanScore s;
    s.begin = begin;
    s.end = begin + len;
    s.scored = prefix_scored[s.end] - prefix_scored[begin];
    if (s.scored < options.min_tokens) return;
    ++w.windows_tested;
    s.score = prefix_score[s.end] - prefix_score[begin];
    if (spec.scheme != Scheme::kGumbel) s.green = std::llround(s.score);
    // z first: a window that cannot beat the best skips the costly tail.
    const double sn = static_cast<double>(s.scored);
    s.z = spec.scheme == Scheme::kGumbel
              ? (s.score - sn) / std::sqrt(sn)
              : (s.score - gamma * sn) / std::sqrt(sn * gamma * (1 - gamma));
    if (have && CannotBeat(s, w.best.p_value)) return;
    Test(&s);
    if (!have || s.log10_p_value < w.best.log10_p_value) {
      w.best = s;
      have = true;
    }
  };
  for (int64_t len : lengths) {
    const int64_t stride = std::max<int64_t>(1, len / 4);
    int64_t begin = 0;
    for (; begin + len <= n; begin += stride) consider(begin, len);
    // One window flush with the end when the stride overshot it.
    if (begin - stride + len < n) consider(n - len, len);
  }
  if (!have) return;
  const double log10_corrected =
      std::min(0.0, w.best.log10_p_value + std::log10(static_cast<double>(w.windows_tested)));
  w.log10_corrected_p_value = log10_corrected;
  w.corrected_p_value = std::pow(10.0, log10_corrected);
  result->window = w;
}

WatermarkDetector::WatermarkDetector(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
WatermarkDetector::WatermarkDetector(const WatermarkDetector&) = default;
WatermarkDetector& WatermarkDetector::operator=(const WatermarkDetector&) = default;
WatermarkDetector::WatermarkDetector(WatermarkDetector&&) noexcept = default;
WatermarkDetector& WatermarkDetector::operator=(WatermarkDetector&&) noexcept = default;
WatermarkDetector::~WatermarkDetector() = default;

Result<WatermarkDetector> WatermarkDetector::Create(const WatermarkConfig& config,
                                                    const WatermarkKey& key) {
  WARDEN_RETURN_IF_ERROR(config.Validate());
  auto impl =
      std::make_shared<Impl>(Impl{GreenFunction(config, key), WatermarkSpec::From(config, key), 0.0,
                                  KindOf(config.scheme, config.seeding)});
  // The exact null probability of green (gamma rounded to 2^-32).
  impl->gamma = static_cast<double>(impl->green.threshold()) * 0x1.0p-32;
  return WatermarkDetector(std::move(impl));
}

const WatermarkSpec& WatermarkDetector::spec() const { return impl_->spec; }

DetectionResult WatermarkDetector::Detect(std::span<const TokenId> tokens,
                                          const DetectOptions& options) const {
  return impl_->Detect(tokens, options);
}

std::vector<DetectionResult> WatermarkDetector::DetectBatch(
    std::span<const std::vector<TokenId>> documents, const DetectOptions& options,
    int threads) const {
  std::vector<DetectionResult> results(documents.size());
  // Documents vary in length: hand them out one at a time.
  core::ParallelForDynamic(documents.size(), core::ResolveThreads(threads), 1,
                           [&](size_t begin, size_t end, int) {
                             for (size_t i = begin; i < end; ++i) {
                               results[i] = Detect(documents[i], options);
                             }
                           });
  return results;
}

}  // namespace warden::watermark
