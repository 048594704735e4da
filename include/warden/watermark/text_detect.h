// Watermark detection on raw text: normalize (normalize.h), tokenize with the
// generator's tokenizer, score (watermark_detect.h), certify.
//
// The tokenizer must be the one the text was generated with: Create refuses
// a tokenizer whose fingerprint or vocabulary size differs from the config,
// and Certify refuses a record whose claimed watermark spec (written by
// `warden generate --jsonl`) differs from the detector's, instead of scoring
// garbage.
//
// Batch certification of many records (CertifyBatch) runs on a thread pool
// of its own, so callers need no threads.
//
// Thread safety: const methods are safe to call concurrently.
// Ownership: the tokenizer is borrowed and must outlive the detector; the
// batch call borrows its records and progress bar for the call only.
#ifndef WARDEN_WATERMARK_TEXT_DETECT_H_
#define WARDEN_WATERMARK_TEXT_DETECT_H_

#include <nlohmann/json.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "warden/core/progress.h"
#include "warden/core/status.h"
#include "warden/text/normalize.h"
#include "warden/text/tokenizer.h"
#include "warden/watermark/detect.h"
#include "warden/watermark/record.h"
#include "warden/watermark/watermark.h"

namespace warden::watermark {

class TextWatermarkDetector {
 public:
  static Result<TextWatermarkDetector> Create(const text::Tokenizer* tokenizer,
                                              const WatermarkConfig& config,
                                              const WatermarkKey& key,
                                              const text::NormalizeOptions& normalize);

  // Normalizes and tokenizes `text`; fails on invalid UTF-8.
  Result<std::vector<TokenId>> Tokenize(std::string_view text) const;
  Result<DetectionResult> Detect(std::string_view text, const DetectOptions& options) const;

  // Detect + certificate. When `claimed` is given (the spec recorded by the
  // generator), it must be compatible with this detector (CheckCompatible).
  Result<nlohmann::json> Certify(std::string_view text, const DetectOptions& options,
                                 const WatermarkSpec* claimed = nullptr) const;

  // Certify on each record's text, checked against its claimed spec
  // (record.watermark, when present), spread over `threads` threads (0: the
  // hardware concurrency). Results are in input order, one per record, each
  // the certificate or that record's error; the results do not depend on
  // the thread count. `progress`, when given, is advanced by one per record.
  std::vector<Result<nlohmann::json>> CertifyBatch(std::span<const GenerationRecord> records,
                                                   const DetectOptions& options, int threads,
                                                   core::Progress* progress = nullptr) const;

  const WatermarkDetector& detector() const { return detector_; }
  const text::Normalizer& normalizer() const { return normalizer_; }

 private:
  TextWatermarkDetector(const text::Tokenizer* t, WatermarkDetector d, text::Normalizer n)
      : tokenizer_(t), detector_(std::move(d)), normalizer_(std::move(n)) {}
  const text::Tokenizer* tokenizer_;
  WatermarkDetector detector_;
  text::Normalizer normalizer_;
};

}  // namespace warden::watermark

#endif  // WARDEN_WATERMARK_TEXT_DETECT_H_
