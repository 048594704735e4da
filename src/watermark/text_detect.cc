// Text-level watermark detection (warden/text_detect.h).
#include "warden/watermark/text_detect.h"

#include "warden/core/parallel.h"

namespace warden::watermark {

Result<TextWatermarkDetector> TextWatermarkDetector::Create(
    const text::Tokenizer* tokenizer, const WatermarkConfig& config, const WatermarkKey& key,
    const text::NormalizeOptions& normalize) {
  if (tokenizer == nullptr) return Status::InvalidArgument("no tokenizer");
  if (config.vocab_size != tokenizer->vocab_size()) {
    return Status::Mismatch("watermark vocabulary size " + std::to_string(config.vocab_size) +
                            " differs from the tokenizer's " +
                            std::to_string(tokenizer->vocab_size()));
  }
  if (!config.tokenizer_fingerprint.empty() &&
      config.tokenizer_fingerprint != tokenizer->fingerprint()) {
    return Status::Mismatch("watermark tokenizer " + config.tokenizer_fingerprint +
                            " differs from the model's tokenizer " + tokenizer->fingerprint());
  }
  WatermarkConfig c = config;
  c.tokenizer_fingerprint = tokenizer->fingerprint();
  WARDEN_ASSIGN_OR_RETURN(WatermarkDetector d, WatermarkDetector::Create(c, key));
  WARDEN_ASSIGN_OR_RETURN(text::Normalizer n, text::Normalizer::Create(normalize));
  return TextWatermarkDetector(tokenizer, std::move(d), std::move(n));
}

Result<std::vector<TokenId>> TextWatermarkDetector::Tokenize(std::string_view text) const {
  WARDEN_ASSIGN_OR_RETURN(std::string norm, normalizer_.Normalize(text));
  std::vector<TokenId> ids;
  WARDEN_RETURN_IF_ERROR(tokenizer_->Encode(norm, &ids));
  return ids;
}

Result<DetectionResult> TextWatermarkDetector::Detect(std::string_view text,
                                                      const DetectOptions& options) const {
  WARDEN_RETURN_IF_ERROR(options.Validate());
  WARDEN_ASSIGN_OR_RETURN(std::vector<TokenId> ids, Tokenize(text));
  return detector_.Detect(ids, options);
}

Result<nlohmann::json> TextWatermarkDetector::Certify(std::string_view text,
                                                      const DetectOptions& options,
                                                      const WatermarkSpec* claimed) const {
  if (claimed != nullptr) WARDEN_RETURN_IF_ERROR(CheckCompatible(*claimed, detector_.spec()));
  WARDEN_ASSIGN_OR_RETURN(DetectionResult r, Detect(text, options));
  CertificateOptions co;
  co.normalization = normalizer_.options().Name();
  co.per_token = options.per_token;
  return detector_.Certificate(r, co);
}

std::vector<Result<nlohmann::json>> TextWatermarkDetector::CertifyBatch(
    std::span<const GenerationRecord> records, const DetectOptions& options, int threads,
    core::Progress* progress) const {
  std::vector<Result<nlohmann::json>> results(records.size(), Status::Internal("not certified"));
  // Texts vary in length: hand them out one at a time.
  core::ParallelForDynamic(
      records.size(), core::ResolveThreads(threads), 1, [&](size_t begin, size_t end, int) {
        for (size_t i = begin; i < end; ++i) {
          const GenerationRecord& r = records[i];
          results[i] = Certify(r.text, options, r.watermark ? &*r.watermark : nullptr);
          if (progress != nullptr) progress->Add(1);
        }
      });
  return results;
}

}  // namespace warden::watermark
