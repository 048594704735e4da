// Detection: watermarked text is found, unwatermarked text gives p-values
// with the promised false-positive rate, repeats are ignored, windows find
// planted spans, and certificates carry what they must.
#include "warden/watermark/detect.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <unordered_set>
#include <vector>

#include "warden/watermark/watermark.h"
#include "watermark/green.h"

namespace warden::watermark {
namespace {

const WatermarkKey kKey{"detector-test-key-0123456789"};
const WatermarkKey kWrongKey{"detector-test-key-0123456780"};
constexpr int32_t kVocab = 1000;

WatermarkConfig Config(Scheme scheme, Seeding seeding = Seeding::kLeftHash, int32_t h = 1,
                       double delta = 4.0) {
  WatermarkConfig c;
  c.scheme = scheme;
  c.seeding = seeding;
  c.context_width = h;
  c.delta = delta;
  c.vocab_size = kVocab;
  c.tokenizer_fingerprint = "00112233445566ff";
  return c;
}

WatermarkDetector Detector(const WatermarkConfig& config, const WatermarkKey& key = kKey) {
  auto d = WatermarkDetector::Create(config, key);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return std::move(d).value();
}

std::vector<TokenId> RandomTokens(size_t n, std::mt19937* rng) {
  std::uniform_int_distribution<TokenId> tok(0, kVocab - 1);
  std::vector<TokenId> v(n);
  for (auto& t : v) t = tok(*rng);
  return v;
}

// Generates `n` tokens after `history` from a random "model" (fresh random
// logits every step) through the watermark processor.
void Generate(const WatermarkConfig& config, size_t n, std::mt19937* rng,
              std::vector<TokenId>* history) {
  auto made = MakeWatermarkProcessor(config, kKey);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  std::normal_distribution<float> logit(0, 2);
  std::vector<lm::TokenCandidate> cand(kVocab);
  for (size_t step = 0; step < n; ++step) {
    for (TokenId t = 0; t < kVocab; ++t) cand[static_cast<size_t>(t)] = {t, logit(*rng), 0};
    lm::CandidateArray arr{cand.data(), cand.size(), -1, false};
    made->processor->Apply(*history, &arr);
    if (arr.selected < 0) {
      arr.Softmax();
      std::vector<double> w(arr.size);
      for (size_t i = 0; i < arr.size; ++i) w[i] = arr.data[i].p;
      arr.selected = std::discrete_distribution<int64_t>(w.begin(), w.end())(*rng);
    }
    history->push_back(arr.data[arr.selected].id);
  }
}

struct Case {
  Scheme scheme;
  Seeding seeding;
  int32_t h;
};

const Case kCases[] = {
    {Scheme::kKgw, Seeding::kLeftHash, 1},    {Scheme::kKgw, Seeding::kMinHash, 3},
    {Scheme::kKgw, Seeding::kSelfHash, 4},    {Scheme::kUnigram, Seeding::kLeftHash, 1},
    {Scheme::kGumbel, Seeding::kLeftHash, 2}, {Scheme::kGumbel, Seeding::kMinHash, 2},
};

TEST(WatermarkDetectorTest, FindsGeneratedWatermarkNotWithWrongKey) {
  for (const Case& c : kCases) {
    const WatermarkConfig config = Config(c.scheme, c.seeding, c.h);
    std::mt19937 rng(21);
    std::vector<TokenId> text = RandomTokens(static_cast<size_t>(c.h), &rng);  // prompt
    Generate(config, 200, &rng, &text);
    const DetectionResult r = Detector(config).Detect(text, DetectOptions{});
    SCOPED_TRACE(std::string(SchemeName(c.scheme)) + "/" + std::string(SeedingName(c.seeding)));
    EXPECT_EQ(r.tokens_total, 200 + c.h);
    // Unigram repeats tokens often (one list of 250 tokens): fewer scored.
    EXPECT_GT(r.whole.scored, c.scheme == Scheme::kUnigram ? 100 : 150);
    EXPECT_LT(r.whole.p_value, 1e-10);
    EXPECT_GT(r.whole.z, 6);
    EXPECT_EQ(r.verdict, Verdict::kWatermarked);
    const DetectionResult wrong = Detector(config, kWrongKey).Detect(text, DetectOptions{});
    EXPECT_GT(wrong.whole.p_value, 1e-4);
    EXPECT_EQ(wrong.verdict, Verdict::kNotWatermarked);
  }
}

// Under the null the p-value is (super-)uniform: among 2000 random texts,
// the number with p < 0.01 is at most 1% plus binomial slack.
TEST(WatermarkDetectorTest, RandomTextHasCalibratedPValues) {
  for (const Case& c : kCases) {
    const WatermarkDetector d = Detector(Config(c.scheme, c.seeding, c.h));
    std::mt19937 rng(31);
    const int texts = 2000;
    int below_1pct = 0, below_half = 0;
    for (int i = 0; i < texts; ++i) {
      const DetectionResult r = d.Detect(RandomTokens(100, &rng), DetectOptions{});
      below_1pct += r.whole.p_value < 0.01;
      below_half += r.whole.p_value < 0.5;
    }
    SCOPED_TRACE(std::string(SchemeName(c.scheme)) + "/" + std::string(SeedingName(c.seeding)));
    EXPECT_LE(below_1pct, 20 + 4 * std::sqrt(20.0));
    EXPECT_GE(below_1pct, 2);  // but not wildly conservative
    EXPECT_LE(below_half, 1000 + 4 * std::sqrt(500.0));
    EXPECT_GE(below_half, 700);
  }
}

// The blocked, prefetching scan equals the per-position definition
// (MakeContext, TrialKey, IsGreen, GumbelBits) on texts with many repeats
// and lengths around the block size.
TEST(WatermarkDetectorTest, ScanEqualsReferenceDefinition) {
  using detail::GreenFunction;
  std::mt19937 rng(81);
  for (const Case& c : kCases) {
    for (int32_t h : {1, 2, 5}) {
      const WatermarkConfig config = Config(c.scheme, c.seeding, h);
      const GreenFunction ref(config, kKey);
      const WatermarkDetector d = Detector(config);
      for (size_t len : {size_t{0}, size_t{3}, size_t{64}, size_t{65}, size_t{200}, size_t{777}}) {
        std::uniform_int_distribution<TokenId> tok(0, 30);  // small: many repeats
        std::vector<TokenId> text(len);
        for (auto& t : text) t = tok(rng);
        for (bool dedup : {true, false}) {
          DetectOptions opts;
          opts.ignore_repeated = dedup;
          opts.per_token = true;
          const DetectionResult r = d.Detect(text, opts);
          const size_t skip = c.scheme == Scheme::kUnigram ? 0 : static_cast<size_t>(h);
          std::unordered_set<uint64_t> seen;
          int64_t scored = 0, green = 0;
          double score = 0;
          for (size_t i = skip; i < len; ++i) {
            const auto ctx =
                c.scheme == Scheme::kUnigram
                    ? detail::Context{}
                    : ref.MakeContext(std::span<const TokenId>(text).subspan(i - skip, skip));
            if (dedup && !seen.insert(ref.TrialKey(ctx, text[i])).second) {
              ASSERT_EQ(r.per_token[i], -1) << i;
              continue;
            }
            ++scored;
            if (c.scheme == Scheme::kGumbel) {
              const double s = GreenFunction::ExpScore(ref.GumbelBits(ctx, text[i]));
              score += s;
              ASSERT_FLOAT_EQ(r.per_token_score[i], static_cast<float>(s)) << i;
            } else {
              const bool g = ref.IsGreen(ctx, text[i]);
              green += g;
              ASSERT_EQ(r.per_token[i], g ? 1 : 0) << i;
            }
          }
          EXPECT_EQ(r.whole.scored, scored);
          EXPECT_EQ(r.whole.green, c.scheme == Scheme::kGumbel ? 0 : green);
          if (c.scheme == Scheme::kGumbel) {
            EXPECT_NEAR(r.whole.score, score, 1e-9 * (1 + score));
          }
        }
      }
    }
  }
}

TEST(WatermarkDetectorTest, RepeatedPairsCountOnce) {
  std::vector<TokenId> text;
  for (int i = 0; i < 200; ++i) text.push_back(i % 2 ? 17 : 42);
  const WatermarkDetector kgw = Detector(Config(Scheme::kKgw));
  DetectOptions opts;
  DetectionResult r = kgw.Detect(text, opts);
  EXPECT_EQ(r.whole.scored, 2);  // (42 -> 17) and (17 -> 42)
  EXPECT_EQ(r.verdict, Verdict::kInsufficientEvidence);
  opts.ignore_repeated = false;
  r = kgw.Detect(text, opts);
  EXPECT_EQ(r.whole.scored, 199);

  const WatermarkDetector uni = Detector(Config(Scheme::kUnigram));
  EXPECT_EQ(uni.Detect(text, DetectOptions{}).whole.scored, 2);  // two distinct tokens
  const WatermarkDetector gum = Detector(Config(Scheme::kGumbel, Seeding::kLeftHash, 2));
  EXPECT_EQ(gum.Detect(text, DetectOptions{}).whole.scored, 2);
}

TEST(WatermarkDetectorTest, ShortTextIsInsufficientEvidence) {
  const WatermarkDetector d = Detector(Config(Scheme::kKgw));
  EXPECT_EQ(d.Detect(std::vector<TokenId>{}, DetectOptions{}).verdict,
            Verdict::kInsufficientEvidence);
  EXPECT_EQ(d.Detect(std::vector<TokenId>{5}, DetectOptions{}).whole.scored, 0);
  std::mt19937 rng(3);
  EXPECT_EQ(d.Detect(RandomTokens(10, &rng), DetectOptions{}).verdict,
            Verdict::kInsufficientEvidence);
  DetectOptions windowed;
  windowed.windowed = true;
  EXPECT_EQ(d.Detect(RandomTokens(10, &rng), windowed).verdict, Verdict::kInsufficientEvidence);
}

TEST(WatermarkDetectorTest, PerTokenFlagsMatchCounts) {
  const WatermarkConfig config = Config(Scheme::kKgw, Seeding::kLeftHash, 2);
  std::mt19937 rng(41);
  std::vector<TokenId> text = RandomTokens(2, &rng);
  Generate(config, 100, &rng, &text);
  text.insert(text.end(), text.begin() + 10, text.begin() + 30);  // repeats
  DetectOptions opts;
  opts.per_token = true;
  const DetectionResult r = Detector(config).Detect(text, opts);
  ASSERT_EQ(r.per_token.size(), text.size());
  EXPECT_EQ(r.per_token[0], -1);
  EXPECT_EQ(r.per_token[1], -1);
  int64_t green = 0, scored = 0;
  for (int8_t f : r.per_token) {
    green += f == 1;
    scored += f >= 0;
  }
  EXPECT_EQ(green, r.whole.green);
  EXPECT_EQ(scored, r.whole.scored);
  EXPECT_LE(scored, 100 + 2);  // the copy's first h contexts straddle the seam
}

TEST(WatermarkDetectorTest, WindowFindsPlantedSpan) {
  for (const Case& c : {kCases[0], kCases[2], kCases[4]}) {
    const WatermarkConfig config =
        Config(c.scheme, c.seeding, c.h, std::numeric_limits<double>::infinity());
    std::mt19937 rng(51);
    std::vector<TokenId> text = RandomTokens(1500, &rng);
    const int64_t span_begin = static_cast<int64_t>(text.size());
    Generate(config, 120, &rng, &text);
    const int64_t span_end = static_cast<int64_t>(text.size());
    const std::vector<TokenId> tail = RandomTokens(2500, &rng);
    text.insert(text.end(), tail.begin(), tail.end());

    DetectOptions opts;
    opts.windowed = true;
    const DetectionResult r = Detector(config).Detect(text, opts);
    SCOPED_TRACE(std::string(SchemeName(c.scheme)) + "/" + std::string(SeedingName(c.seeding)));
    ASSERT_TRUE(r.window.has_value());
    const SpanScore& w = r.window->best;
    const int64_t overlap = std::min(w.end, span_end) - std::max(w.begin, span_begin);
    EXPECT_GE(overlap, 60) << w.begin << ".." << w.end;
    EXPECT_LT(r.window->corrected_p_value, 1e-12);
    EXPECT_GE(r.window->corrected_p_value, w.p_value);
    EXPECT_GT(r.window->windows_tested, 100);
    EXPECT_EQ(r.decision_p_value, r.window->corrected_p_value);
    EXPECT_EQ(r.verdict, Verdict::kWatermarked);
    EXPECT_GT(r.whole.p_value, r.window->best.p_value);

    // Random text alone: windowed search finds nothing after correction.
    std::mt19937 rng2(52);
    const DetectionResult null = Detector(config).Detect(RandomTokens(4000, &rng2), opts);
    ASSERT_TRUE(null.window.has_value());
    EXPECT_GT(null.window->corrected_p_value, 1e-3);
    EXPECT_EQ(null.verdict, Verdict::kNotWatermarked);
  }
}

TEST(WatermarkDetectorTest, BatchEqualsSequential) {
  const WatermarkConfig config = Config(Scheme::kKgw, Seeding::kSelfHash, 2);
  const WatermarkDetector d = Detector(config);
  std::mt19937 rng(61);
  std::vector<std::vector<TokenId>> docs;
  for (int i = 0; i < 40; ++i) {
    docs.push_back(RandomTokens(rng() % 300, &rng));
    if (i % 5 == 0) Generate(config, 60, &rng, &docs.back());
  }
  for (int threads : {1, 3, 0}) {
    const auto results = d.DetectBatch(docs, DetectOptions{}, threads);
    ASSERT_EQ(results.size(), docs.size());
    for (size_t i = 0; i < docs.size(); ++i) {
      const DetectionResult one = d.Detect(docs[i], DetectOptions{});
      EXPECT_EQ(results[i].whole.scored, one.whole.scored);
      EXPECT_EQ(results[i].whole.green, one.whole.green);
      EXPECT_EQ(results[i].whole.p_value, one.whole.p_value);
      EXPECT_EQ(results[i].verdict, one.verdict);
    }
  }
}

TEST(WatermarkCertificateTest, CarriesParametersCountsAndVerdict) {
  const WatermarkConfig config = Config(Scheme::kKgw, Seeding::kLeftHash, 1);
  std::mt19937 rng(71);
  std::vector<TokenId> text = RandomTokens(1, &rng);
  Generate(config, 1500, &rng, &text);
  const WatermarkDetector d = Detector(config);
  DetectOptions opts;
  opts.per_token = true;
  opts.windowed = true;
  const DetectionResult r = d.Detect(text, opts);
  const nlohmann::json cert = d.Certificate(r, {"nfkc", true});
  const std::string dump = cert.dump();
  EXPECT_EQ(dump.find(kKey.secret), std::string::npos);
  EXPECT_EQ(cert["warden_version"], "0.1.0");
  EXPECT_EQ(cert["watermark"]["scheme"], "kgw");
  EXPECT_EQ(cert["watermark"]["key_id"], kKey.id());
  EXPECT_EQ(cert["watermark"]["tokenizer"], "00112233445566ff");
  EXPECT_EQ(cert["normalization"], "nfkc");
  EXPECT_EQ(cert["tokens_total"], r.tokens_total);
  EXPECT_EQ(cert["tokens_scored"], r.whole.scored);
  EXPECT_EQ(cert["green_count"], r.whole.green);
  EXPECT_EQ(cert["verdict"], "watermarked");
  // 1500 strongly watermarked tokens: p underflows, its log10 does not.
  EXPECT_EQ(cert["p_value"], 0.0);
  EXPECT_LT(cert["log10_p_value"].get<double>(), -320);
  EXPECT_TRUE(cert.contains("window"));
  ASSERT_TRUE(cert["per_token"].is_array());
  EXPECT_EQ(cert["per_token"].size(), text.size());
  EXPECT_EQ(cert["per_token"][0], -1);

  const nlohmann::json brief = d.Certificate(r, {"none", false});
  EXPECT_FALSE(brief.contains("per_token"));
  DetectOptions plain;
  const nlohmann::json no_window = d.Certificate(d.Detect(text, plain), {"none", true});
  EXPECT_FALSE(no_window.contains("window"));
  EXPECT_FALSE(no_window.contains("per_token"));  // not detected with flags
}

TEST(WatermarkDetectorTest, OptionsValidate) {
  DetectOptions o;
  EXPECT_TRUE(o.Validate().ok());
  o.alpha = 0;
  EXPECT_FALSE(o.Validate().ok());
  o = {};
  o.min_tokens = 0;
  EXPECT_FALSE(o.Validate().ok());
  EXPECT_FALSE(WatermarkDetector::Create(WatermarkConfig{}, kKey).ok());  // vocab 0
}

}  // namespace
}  // namespace warden::watermark
