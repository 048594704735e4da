#include "warden/lm/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <vector>

namespace warden::lm {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

std::vector<float> Logits() { return {0.0f, 1.0f, 2.0f, 3.0f, -1.0f}; }

// Empirical distribution of Sample() over many seeds.
std::map<TokenId, double> Frequencies(const SamplerOptions& base, const std::vector<float>& logits,
                                      int n) {
  std::map<TokenId, double> f;
  SamplerOptions o = base;
  SamplerChain chain(o);
  for (int i = 0; i < n; ++i) {
    auto t = chain.Sample(logits, {});
    EXPECT_TRUE(t.ok());
    f[*t] += 1.0 / n;
  }
  return f;
}

TEST(SamplerTest, ValidateRejectsBadOptions) {
  EXPECT_FALSE(SamplerChain::Validate({-1.0f, 0, 1.0f, 0}).ok());
  EXPECT_FALSE(SamplerChain::Validate({1.0f, -2, 1.0f, 0}).ok());
  EXPECT_FALSE(SamplerChain::Validate({1.0f, 0, 0.0f, 0}).ok());
  EXPECT_FALSE(SamplerChain::Validate({NAN, 0, 1.0f, 0}).ok());
  EXPECT_TRUE(SamplerChain::Validate({0.7f, 40, 0.9f, 1}).ok());
}

TEST(SamplerTest, GreedyPicksArgmax) {
  SamplerChain chain({0.0f, 0, 1.0f, 0});
  for (int i = 0; i < 10; ++i) EXPECT_EQ(*chain.Sample(Logits(), {}), 3);
}

TEST(SamplerTest, DrawMatchesSoftmax) {
  const auto logits = Logits();
  double z = 0;
  for (float l : logits) z += std::exp(l);
  auto f = Frequencies({1.0f, 0, 1.0f, 11}, logits, 40000);
  for (size_t i = 0; i < logits.size(); ++i) {
    const double p = std::exp(logits[i]) / z;
    EXPECT_NEAR(f[static_cast<TokenId>(i)], p, 4 * std::sqrt(p * (1 - p) / 40000) + 1e-3) << i;
  }
}

TEST(SamplerTest, TopKKeepsOnlyTheKBest) {
  auto f = Frequencies({1.0f, 2, 1.0f, 5}, Logits(), 5000);
  EXPECT_EQ(f.size(), 2u);
  EXPECT_GT(f[3], f[2]);
  EXPECT_NEAR(f[3], std::exp(3.0) / (std::exp(3.0) + std::exp(2.0)), 0.03);
}

TEST(SamplerTest, TopPKeepsTheSmallestNucleus) {
  // p(3) = 0.64, p(2) = 0.23, p(1) = 0.09: top-p 0.8 keeps {3, 2}.
  auto f = Frequencies({1.0f, 0, 0.8f, 9}, Logits(), 5000);
  EXPECT_EQ(f.size(), 2u);
  EXPECT_TRUE(f.count(3) && f.count(2));
}

TEST(SamplerTest, LowTemperatureSharpens) {
  auto hot = Frequencies({2.0f, 0, 1.0f, 3}, Logits(), 5000);
  auto cold = Frequencies({0.25f, 0, 1.0f, 3}, Logits(), 5000);
  EXPECT_GT(cold[3], 0.95);
  EXPECT_LT(hot[3], 0.6);
}

TEST(SamplerTest, SameSeedSameSequence) {
  SamplerChain a({1.0f, 0, 1.0f, 42}), b({1.0f, 0, 1.0f, 42}), c({1.0f, 0, 1.0f, 43});
  std::vector<TokenId> sa, sb, sc;
  for (int i = 0; i < 50; ++i) {
    sa.push_back(*a.Sample(Logits(), {}));
    sb.push_back(*b.Sample(Logits(), {}));
    sc.push_back(*c.Sample(Logits(), {}));
  }
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
  a.Reset();
  EXPECT_EQ(*a.Sample(Logits(), {}), sb[0]);
}

// Vetoes one token and records what it saw.
class Veto final : public LogitsProcessor {
 public:
  explicit Veto(TokenId id) : id_(id) {}
  std::string_view name() const override { return "veto"; }
  void Apply(std::span<const TokenId> history, CandidateArray* c) override {
    last_history = std::vector<TokenId>(history.begin(), history.end());
    seen_size = c->size;
    for (size_t i = 0; i < c->size; ++i) {
      if (c->data[i].id == id_) c->data[i].logit = -kInf;
    }
  }
  void Accept(TokenId t) override { accepted.push_back(t); }
  std::vector<TokenId> last_history, accepted;
  size_t seen_size = 0;

 private:
  TokenId id_;
};

TEST(SamplerTest, ProcessorsSeeFullVocabularyAndCanVeto) {
  SamplerChain chain({0.0f, 0, 1.0f, 0});
  auto veto = std::make_unique<Veto>(3);
  Veto* v = veto.get();
  chain.AddProcessor(std::move(veto));
  const std::vector<TokenId> history = {7, 8};
  EXPECT_EQ(*chain.Sample(Logits(), history), 2);  // 3 vetoed: next best
  EXPECT_EQ(v->seen_size, 5u);
  EXPECT_EQ(v->last_history, history);
  EXPECT_EQ(v->accepted, std::vector<TokenId>{2});
}

TEST(SamplerTest, EverythingVetoedIsAnError) {
  SamplerChain chain({1.0f, 0, 1.0f, 0});
  for (TokenId t = 0; t < 5; ++t) chain.AddProcessor(std::make_unique<Veto>(t));
  EXPECT_FALSE(chain.Sample(Logits(), {}).ok());
  EXPECT_FALSE(chain.Sample({}, {}).ok());
}

// Always selects the last candidate.
class PickLast final : public LogitsProcessor {
 public:
  std::string_view name() const override { return "pick-last"; }
  void Apply(std::span<const TokenId>, CandidateArray* c) override {
    c->selected = static_cast<int64_t>(c->size) - 1;
  }
};

TEST(SamplerTest, SelectorReplacesTheDraw) {
  SamplerChain chain({1.0f, 0, 1.0f, 0});
  chain.SetSelector(std::make_unique<PickLast>());
  EXPECT_EQ(*chain.Sample(Logits(), {}), 4);
}

TEST(SamplerTest, NanLogitsAreNeverChosen) {
  SamplerChain chain({1.0f, 0, 1.0f, 0});
  std::vector<float> l = {NAN, 0.0f, NAN};
  for (int i = 0; i < 100; ++i) EXPECT_EQ(*chain.Sample(l, {}), 1);
}

TEST(CandidateArrayTest, SoftmaxSumsToOneAndHandlesInfinities) {
  std::vector<TokenCandidate> c = {{0, 1.0f, 0}, {1, -kInf, 0}, {2, 1.0f, 0}};
  CandidateArray a{c.data(), c.size(), -1, false};
  a.Softmax();
  EXPECT_FLOAT_EQ(c[0].p, 0.5f);
  EXPECT_FLOAT_EQ(c[1].p, 0.0f);
  a.Sort();
  EXPECT_EQ(c[0].id, 0);
  EXPECT_EQ(c[1].id, 2);
  EXPECT_EQ(c[2].id, 1);
}

}  // namespace
}  // namespace warden::lm
