// Watermark detection with exact p-values, and detection certificates.
//
// A detector recomputes, for each token of a text, the keyed hash the
// generator used (watermark.h) and tests the null hypothesis "this text was
// written without the key":
//   - kKgw / kUnigram: among n scored tokens, g are green. Under the null
//     each scored token is green with probability gamma independently, so
//     g ~ Binomial(n, gamma) and the p-value is the exact tail P(X >= g)
//     (no normal approximation; accurate far below 1e-300 as a log).
//     z = (g - gamma n) / sqrt(n gamma (1 - gamma)) is reported for humans.
//   - kGumbel: S = sum of -log(1 - r_t) over scored tokens, where r_t is the
//     keyed uniform of token t in its context. Under the null S ~ Gamma(n, 1)
//     and p = Q(n, S), the upper regularized incomplete gamma function.
// Scored tokens: the first h tokens have no full context and are skipped
// (Unigram scores every token). With `ignore_repeated`, a repeat of a trial
// already seen (the same context seed and token, so the same hash outcome;
// for Unigram the same token) is not scored again: repeats are not
// independent trials and would make the p-values wrong on repetitive text.
//
// Windowed search (`windowed`) looks for a watermarked span inside
// unwatermarked text: window lengths follow the grid 32, 48, 64, 96, 128,
// 192, ... (below the text length) plus the whole text; starts step by a
// quarter of the length (plus one window flush with the end). Windows with
// fewer than min_tokens scored tokens are not tested. The best window's
// p-value is Bonferroni-corrected: min(1, p_min * windows_tested), and that
// corrected value decides the verdict.
//
// Thread safety: a WatermarkDetector is immutable after Create; Detect,
// DetectBatch and Certificate are const and safe to call from any number of
// threads at once (each thread reuses its own scratch hash set).
// Ownership: the detector copies what it needs from the config and key.
#ifndef WARDEN_WATERMARK_DETECT_H_
#define WARDEN_WATERMARK_DETECT_H_

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/text/tokenizer.h"
#include "warden/watermark/watermark.h"

namespace warden::watermark {

struct DetectOptions {
  bool ignore_repeated = true;
  // Fewer scored tokens than this: verdict "insufficient evidence".
  int32_t min_tokens = 16;
  // "watermarked" when the deciding p-value is below alpha (the false
  // positive rate on unwatermarked text).
  double alpha = 1e-3;
  bool windowed = false;
  // Fill DetectionResult::per_token and per_token_score.
  bool per_token = false;

  // min_tokens >= 1, alpha in (0, 1).
  Status Validate() const;
};

enum class Verdict : int32_t { kWatermarked = 0, kNotWatermarked = 1, kInsufficientEvidence = 2 };
// "watermarked", "not watermarked", "insufficient evidence".
std::string_view VerdictName(Verdict v);

// The counts and test of one span of tokens.
struct SpanScore {
  int64_t begin = 0;   // token index, inclusive
  int64_t end = 0;     // token index, exclusive
  int64_t scored = 0;  // tokens scored in the span
  int64_t green = 0;   // green tokens (kKgw, kUnigram); 0 for kGumbel
  double score = 0;    // green count, or the Gumbel sum S
  double z = 0;        // standardized score ((S - n) / sqrt(n) for Gumbel)
  double p_value = 1;
  double log10_p_value = 0;  // stays finite when p_value underflows to 0
};

struct WindowResult {
  SpanScore best;  // the window with the smallest p-value
  int64_t windows_tested = 0;
  double corrected_p_value = 1;  // min(1, best.p_value * windows_tested)
  double log10_corrected_p_value = 0;
};

struct DetectionResult {
  Scheme scheme = Scheme::kKgw;
  DetectOptions options;  // as used
  int64_t tokens_total = 0;
  SpanScore whole;                     // the whole text (whole.scored: tokens scored)
  std::optional<WindowResult> window;  // when options.windowed
  // The p-value the verdict compares with alpha: whole.p_value, or the
  // window's corrected p-value when windowed.
  double decision_p_value = 1;
  Verdict verdict = Verdict::kInsufficientEvidence;
  // When options.per_token, one entry per token: 1 green, 0 red, -1 not
  // scored (no full context, or a repeat). For kGumbel, 1 marks a score
  // above its null mean of 1 and 0 one below.
  std::vector<int8_t> per_token;
  // When options.per_token: the token's score (0/1, or -log(1 - r) for
  // Gumbel); 0 when not scored.
  std::vector<float> per_token_score;
};

struct CertificateOptions {
  std::string normalization;  // name of the text normalization applied
  bool per_token = false;     // include per-token flags (if detected with them)
};

class WatermarkDetector {
 public:
  // Validates the config; the key id goes into spec() and certificates.
  static Result<WatermarkDetector> Create(const WatermarkConfig& config, const WatermarkKey& key);

  WatermarkDetector(const WatermarkDetector&);
  WatermarkDetector& operator=(const WatermarkDetector&);
  WatermarkDetector(WatermarkDetector&&) noexcept;
  WatermarkDetector& operator=(WatermarkDetector&&) noexcept;
  ~WatermarkDetector();

  const WatermarkSpec& spec() const;

  // Scores `tokens` (ids are hashed as given; ids outside the vocabulary
  // simply score as an unwatermarked token would). `options` must pass
  // Validate (asserted).
  DetectionResult Detect(std::span<const TokenId> tokens, const DetectOptions& options) const;

  // Detect on each document, spread over `threads` std::threads (0: the
  // hardware concurrency). Results are in input order.
  std::vector<DetectionResult> DetectBatch(std::span<const std::vector<TokenId>> documents,
                                           const DetectOptions& options, int threads) const;

  // A JSON record of a detection: scheme and parameters (key id, never the
  // key), tokenizer fingerprint, normalization, counts, z, p, verdict,
  // window, per-token flags on request, and warden's version.
  nlohmann::json Certificate(const DetectionResult& result,
                             const CertificateOptions& options) const;

 private:
  struct Impl;
  explicit WatermarkDetector(std::shared_ptr<const Impl> impl);
  std::shared_ptr<const Impl> impl_;
};

}  // namespace warden::watermark

#endif  // WARDEN_WATERMARK_DETECT_H_
