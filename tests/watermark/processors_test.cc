// KGW, Unigram and Gumbel decoding hooks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "warden/watermark/watermark.h"
#include "watermark/green.h"

namespace warden::watermark {
namespace {

using detail::GreenFunction;

const WatermarkKey kKey{"processor-test-key-0123456789"};
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

WatermarkConfig Config(Scheme scheme, Seeding seeding = Seeding::kLeftHash, int32_t h = 1,
                       double delta = 2.0) {
  WatermarkConfig c;
  c.scheme = scheme;
  c.seeding = seeding;
  c.context_width = h;
  c.delta = delta;
  c.vocab_size = 5000;
  return c;
}

std::vector<lm::TokenCandidate> RandomLogits(size_t n, std::mt19937* rng, bool shuffle) {
  std::normal_distribution<float> logit(0, 3);
  std::vector<lm::TokenCandidate> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = {static_cast<TokenId>(i), logit(*rng), 0};
  if (shuffle) std::shuffle(v.begin(), v.end(), *rng);
  return v;
}

struct Seeded {
  Seeding seeding;
  int32_t h;
};

TEST(KgwProcessorTest, AddsDeltaExactlyToGreenOnly) {
  std::mt19937 rng(1);
  for (Seeded s : {Seeded{Seeding::kLeftHash, 1}, Seeded{Seeding::kLeftHash, 4},
                   Seeded{Seeding::kMinHash, 3}, Seeded{Seeding::kSelfHash, 4}}) {
    const WatermarkConfig config = Config(Scheme::kKgw, s.seeding, s.h, 2.5);
    auto made = MakeWatermarkProcessor(config, kKey);
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    EXPECT_FALSE(made->is_selector);
    GreenFunction ref(config, kKey);
    for (int trial = 0; trial < 20; ++trial) {
      const std::vector<TokenId> history{7, 99, 1234, 42, static_cast<TokenId>(trial)};
      const size_t n = trial == 0 ? 5000 : 1 + rng() % 700;
      std::vector<lm::TokenCandidate> before = RandomLogits(n, &rng, trial % 2 == 1);
      std::vector<lm::TokenCandidate> after = before;
      lm::CandidateArray arr{after.data(), after.size(), -1, false};
      made->processor->Apply(history, &arr);
      ASSERT_EQ(arr.size, n);
      EXPECT_EQ(arr.selected, -1);
      const auto ctx =
          ref.MakeContext(std::span<const TokenId>(history).last(static_cast<size_t>(s.h)));
      size_t green = 0;
      for (size_t i = 0; i < n; ++i) {
        ASSERT_EQ(after[i].id, before[i].id);
        if (ref.IsGreen(ctx, before[i].id)) {
          ++green;
          EXPECT_EQ(after[i].logit, before[i].logit + 2.5f);
        } else {
          EXPECT_EQ(after[i].logit, before[i].logit);
        }
      }
      if (n == 5000) {
        EXPECT_NEAR(green, 1250.0, 200.0);
      }
    }
  }
}

TEST(KgwProcessorTest, ShortHistoryLeavesLogitsAlone) {
  auto made = MakeWatermarkProcessor(Config(Scheme::kKgw, Seeding::kLeftHash, 3), kKey);
  ASSERT_TRUE(made.ok());
  std::mt19937 rng(2);
  std::vector<lm::TokenCandidate> before = RandomLogits(100, &rng, false), after = before;
  lm::CandidateArray arr{after.data(), after.size(), -1, false};
  const std::vector<TokenId> history{1, 2};
  made->processor->Apply(history, &arr);
  for (size_t i = 0; i < before.size(); ++i) EXPECT_EQ(after[i].logit, before[i].logit);
}

TEST(KgwProcessorTest, InfiniteDeltaKeepsOnlyGreen) {
  const WatermarkConfig config =
      Config(Scheme::kKgw, Seeding::kSelfHash, 2, std::numeric_limits<double>::infinity());
  auto made = MakeWatermarkProcessor(config, kKey);
  ASSERT_TRUE(made.ok());
  GreenFunction ref(config, kKey);
  std::mt19937 rng(3);
  const std::vector<TokenId> history{3, 4};
  const auto ctx = ref.MakeContext(history);
  std::vector<lm::TokenCandidate> before = RandomLogits(1003, &rng, true), after = before;
  lm::CandidateArray arr{after.data(), after.size(), -1, false};
  made->processor->Apply(history, &arr);
  size_t green = 0;
  for (size_t i = 0; i < before.size(); ++i) {
    if (ref.IsGreen(ctx, before[i].id)) {
      ++green;
      EXPECT_EQ(after[i].logit, before[i].logit);
    } else {
      EXPECT_EQ(after[i].logit, kNegInf);
    }
  }
  EXPECT_GT(green, 0u);

  // No green candidate that can be sampled: nothing changes.
  std::vector<lm::TokenCandidate> reds;
  for (TokenId t = 0; reds.size() < 10; ++t) {
    if (!ref.IsGreen(ctx, t)) reds.push_back({t, 1.0f, 0});
  }
  TokenId g = 0;
  while (!ref.IsGreen(ctx, g)) ++g;
  reds.push_back({g, kNegInf, 0});  // green, but already vetoed
  std::vector<lm::TokenCandidate> untouched = reds;
  lm::CandidateArray red_arr{reds.data(), reds.size(), -1, false};
  made->processor->Apply(history, &red_arr);
  for (size_t i = 0; i < reds.size(); ++i) EXPECT_EQ(reds[i].logit, untouched[i].logit);
}

TEST(UnigramProcessorTest, OneFixedListWhateverTheContext) {
  const WatermarkConfig config = Config(Scheme::kUnigram, Seeding::kLeftHash, 1, 1.5);
  auto made = MakeWatermarkProcessor(config, kKey);
  ASSERT_TRUE(made.ok());
  GreenFunction ref(config, kKey);
  std::mt19937 rng(4);
  for (int trial = 0; trial < 4; ++trial) {
    // Ids past the vocabulary (padded logits) are covered too.
    std::vector<lm::TokenCandidate> before = RandomLogits(5100, &rng, true), after = before;
    lm::CandidateArray arr{after.data(), after.size(), -1, false};
    const std::vector<TokenId> history{static_cast<TokenId>(trial * 17)};
    made->processor->Apply(history, &arr);
    for (size_t i = 0; i < before.size(); ++i) {
      const bool green = ref.IsGreen({}, before[i].id);
      EXPECT_EQ(after[i].logit, before[i].logit + (green ? 1.5f : 0.0f)) << before[i].id;
    }
  }
}

// Reference: argmax over p > 0 of log(r) / p, written out directly.
TEST(GumbelSelectorTest, SelectsArgmaxOfFormula) {
  for (Seeding seeding : {Seeding::kLeftHash, Seeding::kMinHash}) {
    const WatermarkConfig config = Config(Scheme::kGumbel, seeding, 2);
    auto made = MakeWatermarkProcessor(config, kKey);
    ASSERT_TRUE(made.ok());
    EXPECT_TRUE(made->is_selector);
    GreenFunction ref(config, kKey);
    std::mt19937 rng(5);
    for (int trial = 0; trial < 50; ++trial) {
      // Full vocabularies too: most candidates are then pruned before the log.
      std::vector<lm::TokenCandidate> cand =
          RandomLogits(trial % 10 == 0 ? 5000 : 1 + rng() % 300, &rng, true);
      if (cand.size() > 3) cand[1].logit = kNegInf;  // p = 0: never chosen
      std::vector<lm::TokenCandidate> copy = cand;
      const std::vector<TokenId> history{static_cast<TokenId>(rng() % 5000),
                                         static_cast<TokenId>(rng() % 5000)};
      lm::CandidateArray arr{cand.data(), cand.size(), -1, false};
      made->processor->Apply(history, &arr);
      ASSERT_GE(arr.selected, 0);

      lm::CandidateArray ref_arr{copy.data(), copy.size(), -1, false};
      ref_arr.Softmax();
      const auto ctx = ref.MakeContext(history);
      int64_t best = -1;
      double best_score = 0;
      for (size_t i = 0; i < copy.size(); ++i) {
        if (copy[i].p <= 0) continue;
        const double r = GreenFunction::Uniform(ref.GumbelBits(ctx, copy[i].id));
        const double score = std::log(r) / copy[i].p;
        if (best < 0 || score > best_score) {
          best = static_cast<int64_t>(i);
          best_score = score;
        }
      }
      EXPECT_EQ(arr.selected, best);
      EXPECT_GT(cand[static_cast<size_t>(arr.selected)].p, 0.0f);
      for (size_t i = 0; i < cand.size(); ++i) EXPECT_EQ(cand[i].logit, copy[i].logit);
    }
  }
}

// Over many contexts the selector samples from p: a token of probability
// 0.7 is picked about 70% of the time (distortion-free over the key).
TEST(GumbelSelectorTest, FollowsTheDistributionAcrossContexts) {
  auto made = MakeWatermarkProcessor(Config(Scheme::kGumbel), kKey);
  ASSERT_TRUE(made.ok());
  const int trials = 4000;
  int picked = 0;
  for (int t = 0; t < trials; ++t) {
    // logits giving p = 0.7, 0.2, 0.1
    std::vector<lm::TokenCandidate> cand{
        {0, std::log(0.7f), 0}, {1, std::log(0.2f), 0}, {2, std::log(0.1f), 0}};
    lm::CandidateArray arr{cand.data(), cand.size(), -1, false};
    const std::vector<TokenId> history{t};
    made->processor->Apply(history, &arr);
    picked += cand[static_cast<size_t>(arr.selected)].id == 0;
  }
  EXPECT_NEAR(picked, 0.7 * trials, 5 * std::sqrt(trials * 0.21));
}

TEST(WatermarkProcessorTest, FactoryRejectsInvalidConfigs) {
  WatermarkConfig c = Config(Scheme::kKgw);
  c.gamma = 2;
  EXPECT_EQ(MakeWatermarkProcessor(c, kKey).status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(KgwProcessor::Create(Config(Scheme::kUnigram), kKey).ok());
  EXPECT_FALSE(GumbelSelector::Create(Config(Scheme::kKgw), kKey).ok());
  EXPECT_FALSE(UnigramProcessor::Create(Config(Scheme::kGumbel), kKey).ok());
}

// AttachWatermark puts the processor where the scheme needs it: the chain
// samples exactly as one built by hand from MakeWatermarkProcessor, and
// differently from a chain without the watermark.
TEST(AttachWatermarkTest, SamplesAsTheHandBuiltChain) {
  for (Scheme scheme : {Scheme::kKgw, Scheme::kUnigram, Scheme::kGumbel}) {
    const WatermarkConfig config = Config(scheme, Seeding::kLeftHash, 1, 4.0);
    lm::SamplerOptions so;
    so.seed = 11;
    lm::SamplerChain attached(so), by_hand(so), plain(so);
    ASSERT_TRUE(AttachWatermark(config, kKey, &attached).ok());
    auto made = MakeWatermarkProcessor(config, kKey);
    ASSERT_TRUE(made.ok());
    if (made->is_selector) {
      by_hand.SetSelector(std::move(made->processor));
    } else {
      by_hand.AddProcessor(std::move(made->processor));
    }
    std::mt19937 rng(3);
    std::normal_distribution<float> logit(0, 1);
    std::vector<float> logits(static_cast<size_t>(config.vocab_size));
    int differs_from_plain = 0;
    for (int step = 0; step < 100; ++step) {
      for (float& l : logits) l = logit(rng);
      const std::vector<TokenId> history{static_cast<TokenId>(rng() % 5000)};
      auto a = attached.Sample(logits, history);
      auto b = by_hand.Sample(logits, history);
      auto p = plain.Sample(logits, history);
      ASSERT_TRUE(a.ok() && b.ok() && p.ok());
      EXPECT_EQ(*a, *b) << SchemeName(scheme) << " step " << step;
      differs_from_plain += *a != *p;
    }
    EXPECT_GT(differs_from_plain, 0) << SchemeName(scheme);
  }
}

TEST(AttachWatermarkTest, RefusesWithoutTouchingTheChain) {
  WatermarkConfig bad = Config(Scheme::kKgw);
  bad.gamma = 2;
  lm::SamplerChain chain(lm::SamplerOptions{});
  EXPECT_EQ(AttachWatermark(bad, kKey, &chain).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(AttachWatermark(Config(Scheme::kKgw), kKey, nullptr).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace warden::watermark
