// Detection certificates: a self-describing JSON record of one detection.
//
// A certificate must let a third party who holds the key re-run detection
// and get the same numbers, and let anyone else read the claim without
// learning the key: so it names every parameter, the key id (never the
// key), the tokenizer fingerprint and the normalization, and both the
// p-value and its log10 (which stays finite when p underflows).
#include <cmath>
#include <nlohmann/json.hpp>

#include "warden/core/version.h"
#include "warden/watermark/detect.h"

namespace warden::watermark {
namespace {

// JSON has no infinities or NaN; those become null.
nlohmann::json Number(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

nlohmann::json SpanJson(const SpanScore& s, Scheme scheme) {
  nlohmann::json j;
  j["begin"] = s.begin;
  j["end"] = s.end;
  j["tokens_scored"] = s.scored;
  if (scheme == Scheme::kGumbel) {
    j["score"] = Number(s.score);
  } else {
    j["green_count"] = s.green;
  }
  j["z"] = Number(s.z);
  j["p_value"] = Number(s.p_value);
  j["log10_p_value"] = Number(s.log10_p_value);
  return j;
}

}  // namespace

nlohmann::json WatermarkDetector::Certificate(const DetectionResult& r,
                                              const CertificateOptions& options) const {
  nlohmann::json j;
  j["warden_version"] = std::string(core::kVersion);
  j["watermark"] = spec().ToJson();
  j["normalization"] = options.normalization;
  j["detection"] = {
      {"ignore_repeated", r.options.ignore_repeated},
      {"min_tokens", r.options.min_tokens},
      {"alpha", r.options.alpha},
      {"windowed", r.options.windowed},
  };
  j["tokens_total"] = r.tokens_total;
  j["tokens_scored"] = r.whole.scored;
  if (r.scheme == Scheme::kGumbel) {
    j["score"] = Number(r.whole.score);
  } else {
    j["green_count"] = r.whole.green;
  }
  j["z"] = Number(r.whole.z);
  j["p_value"] = Number(r.whole.p_value);
  j["log10_p_value"] = Number(r.whole.log10_p_value);
  if (r.window) {
    nlohmann::json w = SpanJson(r.window->best, r.scheme);
    w["windows_tested"] = r.window->windows_tested;
    w["corrected_p_value"] = Number(r.window->corrected_p_value);
    w["log10_corrected_p_value"] = Number(r.window->log10_corrected_p_value);
    j["window"] = std::move(w);
  }
  j["decision_p_value"] = Number(r.decision_p_value);
  j["verdict"] = std::string(VerdictName(r.verdict));
  if (options.per_token && !r.per_token.empty()) {
    nlohmann::json flags = nlohmann::json::array();
    for (int8_t f : r.per_token) flags.push_back(static_cast<int>(f));
    j["per_token"] = std::move(flags);
  }
  return j;
}

}  // namespace warden::watermark
