// Watermarking generated text: configuration, keys, and the decoding hooks
// that plant the watermark.
//
// Three schemes are supported:
//   - kKgw (Kirchenbauer et al. 2023): at each step a keyed hash of the
//     previous `context_width` tokens and of each candidate token splits the
//     vocabulary into a "green" fraction gamma and a "red" rest; `delta` is
//     added to the logits of green tokens (delta = +infinity keeps only green
//     tokens). The context seeding is one of
//       kLeftHash: a hash of the h previous tokens, in order;
//       kMinHash:  the minimum of the keyed hashes of the h previous tokens;
//       kSelfHash: the minimum of that and the candidate's own keyed hash,
//                  so the candidate takes part in its own seeding
//                  ("On the Reliability of Watermarks for LLMs").
//   - kUnigram (Zhao et al. 2023): one fixed green list per key, whatever the
//     context; robust to edits, but the list is easier to learn from output.
//   - kGumbel (Aaronson; Kuditipudi et al.): exponential-minimum sampling. A
//     keyed uniform r_v is drawn for each candidate from the context, and
//     the token maximising log(r_v) / p_v is chosen. Distortion-free over the
//     key, but deterministic given the context: the same h previous tokens
//     and the same distribution always give the same token, so generation
//     can loop on repetitive text. Supports kLeftHash and kMinHash seeding.
//
// Green membership is an O(1) keyed hash of (context, token); no permutation
// of the vocabulary is ever built. Detection (watermark_detect.h) recomputes
// the same hashes, so it needs the same key, scheme, gamma, context width,
// seeding and tokenizer; `WatermarkSpec` records them (with a key id, never
// the key) and `CheckCompatible` compares two specs.
//
// Thread safety: config, key and spec are values. A processor returned by
// MakeWatermarkProcessor (or attached to a chain by AttachWatermark) holds
// scratch buffers and belongs to one thread at
// a time (like the SamplerChain it is added to).
// Ownership: processors copy what they need from the config and the key.
#ifndef WARDEN_WATERMARK_WATERMARK_H_
#define WARDEN_WATERMARK_WATERMARK_H_

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "warden/core/status.h"
#include "warden/lm/sampler.h"

namespace warden::watermark {

enum class Scheme : int32_t { kKgw = 0, kUnigram = 1, kGumbel = 2 };
enum class Seeding : int32_t { kLeftHash = 0, kMinHash = 1, kSelfHash = 2 };

// "kgw", "unigram", "gumbel" (case-insensitive).
Result<Scheme> ParseScheme(std::string_view name);
std::string_view SchemeName(Scheme s);
// "lefthash", "minhash", "selfhash" (case-insensitive).
Result<Seeding> ParseSeeding(std::string_view name);
std::string_view SeedingName(Seeding s);

struct WatermarkConfig {
  Scheme scheme = Scheme::kKgw;
  double gamma = 0.25;        // green fraction (kKgw, kUnigram)
  double delta = 2.0;         // logit bias for green tokens; +infinity: green only
  int32_t context_width = 1;  // h: previous tokens that seed the hash
  Seeding seeding = Seeding::kLeftHash;
  int32_t vocab_size = 0;
  std::string tokenizer_fingerprint;

  // gamma in (0, 1), delta >= 0 (infinity allowed), h in 1..8,
  // vocab_size > 0; Gumbel does not take kSelfHash.
  Status Validate() const;
};

// The secret. Anyone holding it can both detect and forge the watermark.
struct WatermarkKey {
  static constexpr size_t kMinBytes = 16;

  std::string secret;  // raw bytes

  // 16 hex digits: a keyed hash of the secret under a fixed domain separate
  // from the one that seeds the watermark, so printing it is safe.
  std::string id() const;

  // Checks the length (>= kMinBytes).
  static Result<WatermarkKey> FromSecret(std::string secret);
  // A fresh key from the operating system's random source: 256 bits written
  // as 64 hex characters, so it can be stored in a text file or variable.
  static Result<WatermarkKey> Generate();
  // Whole file, one trailing "\n" or "\r\n" stripped.
  static Result<WatermarkKey> FromFile(const std::string& path);
  // Value of environment variable `name` (reads the environment: not safe
  // while another thread calls setenv).
  static Result<WatermarkKey> FromEnv(const std::string& name);
};

// Everything a detector must agree on, minus the secret: safe to publish.
struct WatermarkSpec {
  Scheme scheme = Scheme::kKgw;
  double gamma = 0.25;
  double delta = 2.0;
  int32_t context_width = 1;
  Seeding seeding = Seeding::kLeftHash;
  int32_t vocab_size = 0;
  std::string tokenizer_fingerprint;
  std::string key_id;

  static WatermarkSpec From(const WatermarkConfig& config, const WatermarkKey& key);
  // The config part (without the key id).
  WatermarkConfig config() const;

  // {"scheme":"kgw","gamma":0.25,"delta":2 (or "inf"),"context_width":1,
  //  "seeding":"lefthash","vocab_size":..,"tokenizer":"..","key_id":".."}
  nlohmann::json ToJson() const;
  // Validates field types and values; never throws.
  static Result<WatermarkSpec> FromJson(const nlohmann::json& j);
};

// OK when `detector` can score text made under `generator`; otherwise
// Mismatch naming every differing field (scheme, gamma, context_width,
// seeding, tokenizer, vocab_size, key_id). Fields the scheme does not use
// (gamma for Gumbel; h and seeding for Unigram; delta always) are ignored.
Status CheckCompatible(const WatermarkSpec& generator, const WatermarkSpec& detector);

// Adds delta to green candidates (KGW; any seeding). Works on the full
// vocabulary; with delta = +infinity, red candidates become -infinity unless
// no candidate with a finite logit is green (then nothing changes). With
// fewer than h tokens of history nothing changes.
class KgwProcessor final : public lm::LogitsProcessor {
 public:
  static Result<std::unique_ptr<KgwProcessor>> Create(const WatermarkConfig& config,
                                                      const WatermarkKey& key);
  ~KgwProcessor() override;
  std::string_view name() const override { return "watermark-kgw"; }
  void Apply(std::span<const TokenId> history, lm::CandidateArray* candidates) override;

 private:
  struct Impl;
  explicit KgwProcessor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Adds delta to the fixed green list of the key (Unigram); the keyed hash of
// every vocabulary id is tabulated once at creation.
class UnigramProcessor final : public lm::LogitsProcessor {
 public:
  static Result<std::unique_ptr<UnigramProcessor>> Create(const WatermarkConfig& config,
                                                          const WatermarkKey& key);
  ~UnigramProcessor() override;
  std::string_view name() const override { return "watermark-unigram"; }
  void Apply(std::span<const TokenId> history, lm::CandidateArray* candidates) override;

 private:
  struct Impl;
  explicit UnigramProcessor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Exponential-minimum (Gumbel) selection: computes the softmax of the
// candidates itself, then sets `selected` to argmax_v log(r_v) / p_v over
// candidates with p_v > 0. With fewer than h tokens of history it selects
// the most likely candidate. Logits are not changed.
class GumbelSelector final : public lm::LogitsProcessor {
 public:
  static Result<std::unique_ptr<GumbelSelector>> Create(const WatermarkConfig& config,
                                                        const WatermarkKey& key);
  ~GumbelSelector() override;
  std::string_view name() const override { return "watermark-gumbel"; }
  void Apply(std::span<const TokenId> history, lm::CandidateArray* candidates) override;

 private:
  struct Impl;
  explicit GumbelSelector(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct WatermarkProcessor {
  std::unique_ptr<lm::LogitsProcessor> processor;
  // True for kGumbel: pass it to SamplerChain::SetSelector; otherwise to
  // AddProcessor.
  bool is_selector = false;
};

// Validates the config and builds the matching processor.
Result<WatermarkProcessor> MakeWatermarkProcessor(const WatermarkConfig& config,
                                                  const WatermarkKey& key);

// Builds the processor (MakeWatermarkProcessor) and puts it in its place in
// `chain`: the selector for kGumbel, otherwise appended to the processors.
// The chain owns it afterwards. On error the chain is unchanged.
Status AttachWatermark(const WatermarkConfig& config, const WatermarkKey& key,
                       lm::SamplerChain* chain);

}  // namespace warden::watermark

#endif  // WARDEN_WATERMARK_WATERMARK_H_
