// The C ABI must behave exactly like the C++ API it wraps, and turn every
// misuse into a status code with a message.
#include "warden/warden.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "warden/lm/sampler.h"
#include "warden/watermark/detect.h"
#include "warden/watermark/watermark.h"

namespace {

const std::string kKey = "c-abi-test-key-0123456789";

const uint8_t* KeyBytes() { return reinterpret_cast<const uint8_t*>(kKey.data()); }

TEST(CApiTest, ProcessorMatchesCppProcessor) {
  for (int32_t scheme : {WARDEN_SCHEME_KGW, WARDEN_SCHEME_UNIGRAM, WARDEN_SCHEME_GUMBEL}) {
    warden_watermark_params params = warden_watermark_default_params();
    params.scheme = scheme;
    params.vocab_size = 1000;
    warden_processor* p = nullptr;
    ASSERT_EQ(warden_watermark_processor_init(&params, KeyBytes(), kKey.size(), &p), WARDEN_OK)
        << warden_last_error();
    EXPECT_EQ(warden_processor_is_selector(p), scheme == WARDEN_SCHEME_GUMBEL);

    warden::watermark::WatermarkConfig config;
    config.scheme = static_cast<warden::watermark::Scheme>(scheme);
    config.vocab_size = 1000;
    auto key = warden::watermark::WatermarkKey::FromSecret(kKey);
    ASSERT_TRUE(key.ok());
    auto cpp = warden::watermark::MakeWatermarkProcessor(config, *key);
    ASSERT_TRUE(cpp.ok());

    std::mt19937 rng(scheme);
    std::normal_distribution<float> normal;
    for (int step = 0; step < 20; ++step) {
      std::vector<int32_t> history = {static_cast<int32_t>(rng() % 1000),
                                      static_cast<int32_t>(rng() % 1000)};
      std::vector<warden_token_data> c(1000);
      std::vector<warden::lm::TokenCandidate> d(1000);
      std::vector<float> orig(1000);
      for (int32_t i = 0; i < 1000; ++i) {
        orig[i] = normal(rng);
        c[i] = {i, orig[i], 0.0f};
        d[i] = {i, c[i].logit, 0.0f};
      }
      warden_token_data_array arr{c.data(), c.size(), -1, false};
      warden::lm::CandidateArray darr{d.data(), d.size(), -1, false};
      ASSERT_EQ(warden_processor_apply(p, history.data(), history.size(), &arr), WARDEN_OK);
      cpp->processor->Apply(history, &darr);
      EXPECT_EQ(arr.selected, darr.selected);
      for (int32_t i = 0; i < 1000; ++i) ASSERT_EQ(c[i].logit, d[i].logit) << i;
      if (scheme == WARDEN_SCHEME_GUMBEL) {
        EXPECT_GE(arr.selected, 0);
      } else {
        int changed = 0;
        for (int32_t i = 0; i < 1000; ++i) changed += c[i].logit != orig[i];
        EXPECT_GT(changed, 100);  // about gamma of the vocabulary is biased
        EXPECT_LT(changed, 450);
      }
    }
    warden_processor_free(p);
  }
}

TEST(CApiTest, KgwProcessorBiasesAboutGammaOfTheVocabulary) {
  warden_watermark_params params = warden_watermark_default_params();
  params.vocab_size = 4000;
  params.delta = 3.0;
  warden_processor* p = nullptr;
  ASSERT_EQ(warden_watermark_processor_init(&params, KeyBytes(), kKey.size(), &p), WARDEN_OK);
  std::vector<warden_token_data> c(4000);
  for (int32_t i = 0; i < 4000; ++i) c[i] = {i, 0.0f, 0.0f};
  warden_token_data_array arr{c.data(), c.size(), -1, false};
  const int32_t history[] = {17};
  ASSERT_EQ(warden_processor_apply(p, history, 1, &arr), WARDEN_OK);
  int green = 0;
  for (const auto& t : c) {
    ASSERT_TRUE(t.logit == 0.0f || t.logit == 3.0f);
    green += t.logit == 3.0f;
  }
  EXPECT_NEAR(green / 4000.0, 0.25, 0.04);
  warden_processor_free(p);
}

TEST(CApiTest, MisuseGivesStatusAndMessage) {
  warden_watermark_params params = warden_watermark_default_params();
  warden_processor* p = reinterpret_cast<warden_processor*>(0x1);
  // vocab_size 0 is invalid
  EXPECT_EQ(warden_watermark_processor_init(&params, KeyBytes(), kKey.size(), &p),
            WARDEN_INVALID_ARGUMENT);
  EXPECT_EQ(p, nullptr);
  EXPECT_STRNE(warden_last_error(), "");
  params.vocab_size = 100;
  EXPECT_NE(warden_watermark_processor_init(&params, KeyBytes(), 3, &p), WARDEN_OK);  // short key
  EXPECT_NE(warden_watermark_processor_init(&params, nullptr, 20, &p), WARDEN_OK);
  EXPECT_NE(warden_watermark_processor_init(nullptr, KeyBytes(), kKey.size(), &p), WARDEN_OK);
  params.scheme = 9;
  EXPECT_EQ(warden_watermark_processor_init(&params, KeyBytes(), kKey.size(), &p),
            WARDEN_INVALID_ARGUMENT);
  params.scheme = WARDEN_SCHEME_KGW;
  params.gamma = 1.5;
  EXPECT_EQ(warden_watermark_processor_init(&params, KeyBytes(), kKey.size(), &p),
            WARDEN_INVALID_ARGUMENT);
  EXPECT_EQ(warden_processor_apply(nullptr, nullptr, 0, nullptr), WARDEN_INVALID_ARGUMENT);
  warden_processor_free(nullptr);  // accepted
  warden_processor_accept(nullptr, 1);
  warden_processor_reset(nullptr);
  EXPECT_STREQ(warden_version(), "0.1.0");
}

TEST(CApiTest, DetectTokensAgreesWithCpp) {
  warden_watermark_params params = warden_watermark_default_params();
  params.vocab_size = 5000;
  warden::watermark::WatermarkConfig config;
  config.vocab_size = 5000;
  auto key = warden::watermark::WatermarkKey::FromSecret(kKey);
  auto det = warden::watermark::WatermarkDetector::Create(config, *key);
  ASSERT_TRUE(det.ok());
  std::mt19937 rng(3);
  std::vector<int32_t> tokens(300);
  for (auto& t : tokens) t = static_cast<int32_t>(rng() % 5000);
  warden_detection out;
  ASSERT_EQ(warden_watermark_detect_tokens(&params, KeyBytes(), kKey.size(), tokens.data(),
                                           tokens.size(), 1e-3, &out),
            WARDEN_OK);
  warden::watermark::DetectOptions opts;
  auto r = det->Detect(tokens, opts);
  EXPECT_EQ(out.tokens_scored, r.whole.scored);
  EXPECT_EQ(out.green, r.whole.green);
  EXPECT_DOUBLE_EQ(out.p_value, r.whole.p_value);
  EXPECT_EQ(out.verdict, WARDEN_VERDICT_NOT_WATERMARKED);
  EXPECT_EQ(
      warden_watermark_detect_tokens(&params, KeyBytes(), kKey.size(), nullptr, 5, 1e-3, &out),
      WARDEN_INVALID_ARGUMENT);
  EXPECT_EQ(warden_watermark_detect_tokens(&params, KeyBytes(), kKey.size(), tokens.data(),
                                           tokens.size(), 2.0, &out),
            WARDEN_INVALID_ARGUMENT);
}

}  // namespace
