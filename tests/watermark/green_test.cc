// Keyed green membership: frequencies, key dependence, and the AVX2 kernel
// against the scalar reference.
#include "watermark/green.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace warden::watermark::detail {
namespace {

WatermarkConfig Config(Scheme scheme, Seeding seeding, int32_t h, double gamma = 0.25) {
  WatermarkConfig c;
  c.scheme = scheme;
  c.seeding = seeding;
  c.context_width = h;
  c.gamma = gamma;
  c.vocab_size = 50000;
  return c;
}

const WatermarkKey kKey{"green-test-key-0123456789"};
const WatermarkKey kOtherKey{"green-test-key-0123456788"};

struct Variant {
  Scheme scheme;
  Seeding seeding;
  int32_t h;
};

const Variant kVariants[] = {
    {Scheme::kKgw, Seeding::kLeftHash, 1}, {Scheme::kKgw, Seeding::kLeftHash, 3},
    {Scheme::kKgw, Seeding::kMinHash, 2},  {Scheme::kKgw, Seeding::kSelfHash, 1},
    {Scheme::kKgw, Seeding::kSelfHash, 4}, {Scheme::kUnigram, Seeding::kLeftHash, 1},
};

// Fraction of green among many random (context, token) pairs is gamma
// within 5 standard deviations of the binomial.
TEST(WatermarkGreenTest, FrequencyMatchesGamma) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<TokenId> tok(0, 49999);
  for (double gamma : {0.1, 0.25, 0.5}) {
    for (const Variant& v : kVariants) {
      GreenFunction f(Config(v.scheme, v.seeding, v.h, gamma), kKey);
      const int n = 100000;
      int green = 0;
      std::vector<TokenId> ctx(static_cast<size_t>(v.h));
      for (int i = 0; i < n; ++i) {
        for (auto& t : ctx) t = tok(rng);
        green += f.IsGreen(f.MakeContext(ctx), tok(rng));
      }
      const double sd = std::sqrt(n * gamma * (1 - gamma));
      EXPECT_NEAR(green, n * gamma, 5 * sd)
          << "gamma " << gamma << " scheme " << SchemeName(v.scheme) << " seeding "
          << SeedingName(v.seeding) << " h " << v.h;
    }
  }
}

// A whole vocabulary at one context has about gamma * V green tokens, and
// two contexts' lists agree about as often as independent lists would.
TEST(WatermarkGreenTest, ListsDependOnContextAndKey) {
  const double gamma = 0.25;
  const int vocab = 50000;
  const double expected_agree = gamma * gamma + (1 - gamma) * (1 - gamma);
  for (const Variant& v : kVariants) {
    GreenFunction f(Config(v.scheme, v.seeding, v.h), kKey);
    GreenFunction same(Config(v.scheme, v.seeding, v.h), kKey);
    GreenFunction other(Config(v.scheme, v.seeding, v.h), kOtherKey);
    std::vector<TokenId> c1(static_cast<size_t>(v.h), 11), c2(static_cast<size_t>(v.h), 12);
    const Context a = f.MakeContext(c1), b = f.MakeContext(c2);
    const Context a_other = other.MakeContext(c1);
    int agree_ctx = 0, agree_key = 0, green = 0;
    for (TokenId t = 0; t < vocab; ++t) {
      const bool g = f.IsGreen(a, t);
      ASSERT_EQ(g, same.IsGreen(same.MakeContext(c1), t));  // deterministic
      green += g;
      agree_ctx += g == f.IsGreen(b, t);
      agree_key += g == other.IsGreen(a_other, t);
    }
    const double sd = std::sqrt(vocab * 0.25);
    EXPECT_NEAR(green, gamma * vocab, 6 * sd);
    EXPECT_NEAR(agree_key, expected_agree * vocab, 6 * sd) << SeedingName(v.seeding);
    if (v.scheme == Scheme::kUnigram) {
      EXPECT_EQ(agree_ctx, vocab);  // one list whatever the context
    } else if (v.seeding != Seeding::kSelfHash) {
      EXPECT_NEAR(agree_ctx, expected_agree * vocab, 6 * sd) << SeedingName(v.seeding);
    } else {
      EXPECT_LT(agree_ctx, vocab);
    }
  }
}

TEST(WatermarkGreenTest, LeftHashDependsOnOrderMinHashDoesNot) {
  GreenFunction left(Config(Scheme::kKgw, Seeding::kLeftHash, 2), kKey);
  GreenFunction min(Config(Scheme::kKgw, Seeding::kMinHash, 2), kKey);
  const std::vector<TokenId> ab{5, 9}, ba{9, 5};
  EXPECT_NE(left.MakeContext(ab).full, left.MakeContext(ba).full);
  EXPECT_EQ(min.MakeContext(ab).min, min.MakeContext(ba).min);
  int differ = 0;
  for (TokenId t = 0; t < 1000; ++t) {
    differ += left.IsGreen(left.MakeContext(ab), t) != left.IsGreen(left.MakeContext(ba), t);
    EXPECT_EQ(min.IsGreen(min.MakeContext(ab), t), min.IsGreen(min.MakeContext(ba), t));
  }
  EXPECT_GT(differ, 200);
}

// SelfHash: a token whose own hash is below the context's min-hash seeds
// itself, so its colour does not depend on the context.
TEST(WatermarkGreenTest, SelfHashTokenTakesPartInSeeding) {
  GreenFunction f(Config(Scheme::kKgw, Seeding::kSelfHash, 1), kKey);
  int checked = 0;
  for (TokenId t = 0; t < 20000; ++t) {
    const uint32_t th = f.TokenHash(t);
    if (th > 0x10000000U) continue;
    for (TokenId c = 0; c < 50; ++c) {
      const Context ctx = f.MakeContext(std::vector<TokenId>{c});
      if (ctx.min <= th) continue;
      EXPECT_EQ(f.IsGreen(ctx, t), f.IsGreen(f.FromMin(th), t));
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000);
}

// The AVX2 batch kernel equals the scalar reference, for every mode, on
// random ids (negative and huge ones included) and every tail length.
TEST(WatermarkGreenTest, FastMasksEqualScalarReference) {
  std::mt19937 rng(123);
  std::uniform_int_distribution<int64_t> any_id(INT32_MIN, INT32_MAX);
  std::uniform_int_distribution<TokenId> small_id(0, 50000);
  for (const Variant& v : kVariants) {
    GreenFunction f(Config(v.scheme, v.seeding, v.h, 0.3), kKey);
    for (int trial = 0; trial < 60; ++trial) {
      const size_t n = trial < 40 ? static_cast<size_t>(trial) : 1000 + trial;
      std::vector<lm::TokenCandidate> cand(n);
      for (auto& c : cand) {
        c.id = trial % 2 ? static_cast<TokenId>(any_id(rng)) : small_id(rng);
        c.logit = 0;
        c.p = 0;
      }
      std::vector<TokenId> ctx(static_cast<size_t>(v.h));
      for (auto& t : ctx) t = small_id(rng);
      const Context c = f.MakeContext(ctx);
      std::vector<uint8_t> fast((n + 7) / 8, 0xaa), ref((n + 7) / 8, 0x55);
      f.GreenMasks(c, cand.data(), n, fast.data());
      f.GreenMasksScalar(c, cand.data(), n, ref.data());
      ASSERT_EQ(fast, ref) << "n " << n << " seeding " << SeedingName(v.seeding);
      for (size_t i = 0; i < n; ++i) {
        ASSERT_EQ((ref[i / 8] >> (i % 8)) & 1, f.IsGreen(c, cand[i].id) ? 1 : 0);
      }
    }
  }
}

// The fused AVX2 add kernel equals the scalar reference, with and without
// the token-hash table, on candidate arrays in id order (the table's fast
// case), shuffled, offset, and with ids past the table.
TEST(WatermarkGreenTest, FastAddEqualsScalarReference) {
  std::mt19937 rng(321);
  std::normal_distribution<float> logit(0, 4);
  for (const Variant& v : kVariants) {
    for (bool table : {false, true}) {
      GreenFunction f(Config(v.scheme, v.seeding, v.h, 0.3), kKey);
      if (table) f.PrecomputeTokenHashes(3000);
      for (int trial = 0; trial < 12; ++trial) {
        const size_t n = trial < 4 ? static_cast<size_t>(trial * 5) : 2000 + 37 * trial;
        std::vector<lm::TokenCandidate> cand(n);
        const TokenId first = trial % 3 == 2 ? 1500 : 0;  // runs past the 3000-id table
        for (size_t i = 0; i < n; ++i) {
          cand[i] = {first + static_cast<TokenId>(i), logit(rng), 0.25f};
        }
        if (trial % 3 == 1) std::shuffle(cand.begin(), cand.end(), rng);
        if (trial == 5) cand[9].logit = -INFINITY;
        std::vector<TokenId> ctx(static_cast<size_t>(v.h));
        for (auto& t : ctx) t = static_cast<TokenId>(rng() % 3000);
        const Context c = f.MakeContext(ctx);
        std::vector<lm::TokenCandidate> fast = cand, ref = cand;
        f.AddToGreen(c, fast.data(), n, 1.75f);
        f.AddToGreenScalar(c, ref.data(), n, 1.75f);
        for (size_t i = 0; i < n; ++i) {
          ASSERT_EQ(fast[i].id, ref[i].id);
          ASSERT_EQ(fast[i].p, ref[i].p);
          ASSERT_EQ(std::memcmp(&fast[i].logit, &ref[i].logit, sizeof(float)), 0)
              << i << " " << fast[i].logit << " vs " << ref[i].logit;
          ASSERT_EQ(ref[i].logit, cand[i].logit + (f.IsGreen(c, cand[i].id) ? 1.75f : 0.0f));
        }
      }
    }
  }
}

TEST(WatermarkGreenTest, UniformsStayInsideOpenInterval) {
  EXPECT_GT(GreenFunction::Uniform(0), 0.0);
  EXPECT_LT(GreenFunction::Uniform(UINT64_MAX), 1.0);
  EXPECT_TRUE(std::isfinite(GreenFunction::ExpScore(UINT64_MAX)));
  EXPECT_GT(GreenFunction::ExpScore(UINT64_MAX), 30.0);
  std::mt19937_64 rng(5);
  for (int i = 0; i < 1000; ++i) {
    const uint64_t bits = rng();
    EXPECT_NEAR(GreenFunction::ExpScore(bits), -std::log1p(-GreenFunction::Uniform(bits)), 1e-9);
  }
}

}  // namespace
}  // namespace warden::watermark::detail
