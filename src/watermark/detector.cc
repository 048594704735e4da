// Watermark detection (warden/watermark_detect.h).
#include <algorithm>
#include <atomic>
#include <cassert>
#include <cmath>
#include <system_error>
#include <thread>
#include <vector>

#include "warden/watermark_detect.h"
#include "watermark/flat_set.h"
#include "watermark/green.h"
#include "watermark/stats.h"

namespace warden {

using watermark_internal::Context;
using watermark_internal::FlatSet64;
using watermark_internal::GreenFunction;
using watermark_internal::LogBinomialUpperTail;
using watermark_internal::LogGammaUpperTail;

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

struct WatermarkDetector::Impl {
  GreenFunction green;
  WatermarkSpec spec;
  double gamma;

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
  for (size_t i = start; i < n; ++i) {
    const TokenId t = tokens[i];
    const Context c = h > 0 ? green.MakeContext(tokens.subspan(i - h, h)) : Context{};
    bool counted = true;
    if (options.ignore_repeated) counted = set.Insert(green.TrialKey(c, t));
    double s = 0;
    if (counted) {
      if (gumbel) {
        s = GreenFunction::ExpScore(green.GumbelBits(c, t));
      } else {
        const bool g = green.IsGreen(c, t);
        green_count += g;
        s = g;
      }
      ++scored;
      score_sum += s;
    }
    if (want_positions) {
      if (options.per_token && counted) {
        r.per_token[i] = gumbel ? (s > 1.0 ? 1 : 0) : static_cast<int8_t>(s);
        r.per_token_score[i] = static_cast<float>(s);
      }
      if (options.windowed) {
        prefix_scored[i + 1] = counted;
        prefix_score[i + 1] = s;
      }
    }
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
      r.verdict = r.decision_p_value < options.alpha ? Verdict::kWatermarked
                                                     : Verdict::kNotWatermarked;
    } else {
      r.decision_p_value = 1;
      r.verdict = Verdict::kInsufficientEvidence;
    }
  } else {
    r.decision_p_value = r.whole.p_value;
    if (scored < options.min_tokens) {
      r.verdict = Verdict::kInsufficientEvidence;
    } else {
      r.verdict = r.whole.p_value < options.alpha ? Verdict::kWatermarked
                                                  : Verdict::kNotWatermarked;
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
  auto impl = std::make_shared<Impl>(
      Impl{GreenFunction(config, key), WatermarkSpec::From(config, key), 0.0});
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
  size_t workers = threads > 0 ? static_cast<size_t>(threads)
                               : std::max(1U, std::thread::hardware_concurrency());
  workers = std::min(workers, documents.size());
  if (workers <= 1) {
    for (size_t i = 0; i < documents.size(); ++i) results[i] = Detect(documents[i], options);
    return results;
  }
  // Documents vary in length: hand them out one at a time.
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next.fetch_add(1); i < documents.size(); i = next.fetch_add(1)) {
      results[i] = Detect(documents[i], options);
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (size_t t = 1; t < workers; ++t) {
    // Fewer threads than asked is still correct: the rest share the work.
    try {
      pool.emplace_back(work);
    } catch (const std::system_error&) {
      break;
    }
  }
  work();
  for (auto& th : pool) th.join();
  return results;
}

}  // namespace warden
