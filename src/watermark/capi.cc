// The C ABI (warden/warden.h) over the C++ library. Every entry point catches
// all exceptions: none may cross into C.
#include "warden/warden.h"

#include <cstddef>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "warden/core/version.h"
#include "warden/lm/sampler.h"
#include "warden/watermark/detect.h"
#include "warden/watermark/watermark.h"

// The candidate arrays are passed through without copying, so the two
// layouts must be identical.
static_assert(sizeof(warden_token_data) == sizeof(warden::lm::TokenCandidate));
static_assert(offsetof(warden_token_data, id) == offsetof(warden::lm::TokenCandidate, id));
static_assert(offsetof(warden_token_data, logit) == offsetof(warden::lm::TokenCandidate, logit));
static_assert(offsetof(warden_token_data, p) == offsetof(warden::lm::TokenCandidate, p));
static_assert(sizeof(warden_token_data_array) == sizeof(warden::lm::CandidateArray));
static_assert(offsetof(warden_token_data_array, size) ==
              offsetof(warden::lm::CandidateArray, size));
static_assert(offsetof(warden_token_data_array, selected) ==
              offsetof(warden::lm::CandidateArray, selected));
static_assert(offsetof(warden_token_data_array, sorted) ==
              offsetof(warden::lm::CandidateArray, sorted));

struct warden_processor {
  warden::watermark::WatermarkProcessor wp;
};

namespace {

thread_local std::string g_last_error;

warden_status Report(const warden::Status& s) {
  g_last_error = s.ok() ? "" : s.message();
  return static_cast<warden_status>(s.code());
}

warden_status ReportException() {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    g_last_error = "out of memory";
  } catch (const std::exception& e) {
    g_last_error = std::string("internal error: ") + e.what();
  } catch (...) {
    g_last_error = "internal error";
  }
  return WARDEN_INTERNAL;
}

warden::Result<warden::watermark::WatermarkConfig> ToConfig(const warden_watermark_params* p) {
  if (p == nullptr) return warden::Status::InvalidArgument("params is NULL");
  if (p->scheme < 0 || p->scheme > 2) return warden::Status::InvalidArgument("unknown scheme");
  if (p->seeding < 0 || p->seeding > 2) return warden::Status::InvalidArgument("unknown seeding");
  warden::watermark::WatermarkConfig c;
  c.scheme = static_cast<warden::watermark::Scheme>(p->scheme);
  c.gamma = p->gamma;
  c.delta = p->delta;
  c.context_width = p->context_width;
  c.seeding = static_cast<warden::watermark::Seeding>(p->seeding);
  c.vocab_size = p->vocab_size;
  WARDEN_RETURN_IF_ERROR(c.Validate());
  return c;
}

warden::Result<warden::watermark::WatermarkKey> ToKey(const uint8_t* key, size_t len) {
  if (key == nullptr) return warden::Status::InvalidArgument("key is NULL");
  return warden::watermark::WatermarkKey::FromSecret(
      std::string(reinterpret_cast<const char*>(key), len));
}

}  // namespace

extern "C" {

const char* warden_last_error(void) { return g_last_error.c_str(); }
const char* warden_version(void) { return warden::core::kVersion.data(); }

warden_watermark_params warden_watermark_default_params(void) {
  return warden_watermark_params{WARDEN_SCHEME_KGW, 0.25, 2.0, 1, WARDEN_SEEDING_LEFTHASH, 0};
}

warden_status warden_watermark_processor_init(const warden_watermark_params* params,
                                              const uint8_t* key, size_t key_len,
                                              warden_processor** out) {
  try {
    if (out == nullptr) return Report(warden::Status::InvalidArgument("out is NULL"));
    *out = nullptr;
    auto config = ToConfig(params);
    if (!config.ok()) return Report(config.status());
    auto k = ToKey(key, key_len);
    if (!k.ok()) return Report(k.status());
    auto wp = warden::watermark::MakeWatermarkProcessor(*config, *k);
    if (!wp.ok()) return Report(wp.status());
    *out = new warden_processor{std::move(wp).value()};
    return Report(warden::Status::Ok());
  } catch (...) {
    return ReportException();
  }
}

void warden_processor_free(warden_processor* p) { delete p; }

bool warden_processor_is_selector(const warden_processor* p) {
  return p != nullptr && p->wp.is_selector;
}

warden_status warden_processor_apply(warden_processor* p, const int32_t* history, size_t n_history,
                                     warden_token_data_array* candidates) {
  try {
    if (p == nullptr || candidates == nullptr)
      return Report(warden::Status::InvalidArgument("processor or candidates is NULL"));
    if (history == nullptr && n_history > 0)
      return Report(warden::Status::InvalidArgument("history is NULL"));
    if (candidates->data == nullptr && candidates->size > 0)
      return Report(warden::Status::InvalidArgument("candidates->data is NULL"));
    auto* arr = reinterpret_cast<warden::lm::CandidateArray*>(candidates);
    p->wp.processor->Apply(std::span<const warden::TokenId>(history, n_history), arr);
    return Report(warden::Status::Ok());
  } catch (...) {
    return ReportException();
  }
}

void warden_processor_accept(warden_processor* p, int32_t token) {
  if (p != nullptr) p->wp.processor->Accept(token);
}

void warden_processor_reset(warden_processor* p) {
  if (p != nullptr) p->wp.processor->Reset();
}

warden_status warden_watermark_detect_tokens(const warden_watermark_params* params,
                                             const uint8_t* key, size_t key_len,
                                             const int32_t* tokens, size_t n_tokens, double alpha,
                                             warden_detection* out) {
  try {
    if (out == nullptr) return Report(warden::Status::InvalidArgument("out is NULL"));
    if (tokens == nullptr && n_tokens > 0)
      return Report(warden::Status::InvalidArgument("tokens is NULL"));
    auto config = ToConfig(params);
    if (!config.ok()) return Report(config.status());
    auto k = ToKey(key, key_len);
    if (!k.ok()) return Report(k.status());
    warden::watermark::DetectOptions opts;
    opts.alpha = alpha;
    warden::Status valid = opts.Validate();
    if (!valid.ok()) return Report(valid);
    auto det = warden::watermark::WatermarkDetector::Create(*config, *k);
    if (!det.ok()) return Report(det.status());
    warden::watermark::DetectionResult r =
        det->Detect(std::span<const warden::TokenId>(tokens, n_tokens), opts);
    out->tokens_total = r.tokens_total;
    out->tokens_scored = r.whole.scored;
    out->green = r.whole.green;
    out->score = r.whole.z;
    out->p_value = r.whole.p_value;
    switch (r.verdict) {
      case warden::watermark::Verdict::kWatermarked:
        out->verdict = WARDEN_VERDICT_WATERMARKED;
        break;
      case warden::watermark::Verdict::kNotWatermarked:
        out->verdict = WARDEN_VERDICT_NOT_WATERMARKED;
        break;
      case warden::watermark::Verdict::kInsufficientEvidence:
        out->verdict = WARDEN_VERDICT_INSUFFICIENT;
        break;
    }
    return Report(warden::Status::Ok());
  } catch (...) {
    return ReportException();
  }
}

}  // extern "C"
