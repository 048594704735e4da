// The vectorized log kernel against std::log.
#include "lm/ngram_fastlog.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace warden::lm::detail {
namespace {

TEST(NgramFastLog, MatchesStdLogOnRandomPositives) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> exponent(-125.0, 127.0);
  for (int round = 0; round < 20; ++round) {
    std::vector<float> x(1000 + round);
    for (float& v : x) v = static_cast<float>(std::exp2(exponent(rng)));
    if (round % 2) {  // probabilities, the real use
      for (float& v : x) v = static_cast<float>(std::exp2(-30.0 * (rng() % 10000) / 10000.0));
    }
    std::vector<float> fast = x, ref = x;
    LogInPlace(fast);
    LogInPlaceReference(ref);
    for (size_t i = 0; i < x.size(); ++i) {
      const double exact = std::log(static_cast<double>(x[i]));
      ASSERT_NEAR(fast[i], exact, 4e-7 * std::max(1.0, std::fabs(exact))) << "x = " << x[i];
      ASSERT_NEAR(fast[i], ref[i], 4e-7 * std::max(1.0, std::fabs(exact))) << "x = " << x[i];
    }
  }
}

TEST(NgramFastLog, NearOneAndPowersOfTwo) {
  std::vector<float> x;
  for (int i = -200; i <= 200; ++i) x.push_back(1.0f + i * 1e-6f);
  for (int e = -126; e <= 127; ++e) x.push_back(std::ldexp(1.0f, e));
  x.push_back(std::sqrt(2.0f));
  x.push_back(std::sqrt(0.5f));
  std::vector<float> fast = x;
  LogInPlace(fast);
  for (size_t i = 0; i < x.size(); ++i) {
    const double exact = std::log(static_cast<double>(x[i]));
    ASSERT_NEAR(fast[i], exact, 2e-7 * std::max(1.0, std::fabs(exact))) << "x = " << x[i];
  }
}

TEST(NgramFastLog, SpecialValuesFallBackToStdLog) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> specials = {
      0.0f,  -0.0f, std::numeric_limits<float>::denorm_min(), 1e-40f,
      -1.0f, inf,   std::numeric_limits<float>::quiet_NaN()};
  for (float s : specials) {
    std::vector<float> x = {0.5f, s, 2.0f};
    std::vector<float> ref = x;
    LogInPlace(x);
    LogInPlaceReference(ref);
    for (size_t i = 0; i < x.size(); ++i) {
      if (std::isnan(ref[i])) {
        EXPECT_TRUE(std::isnan(x[i]));
      } else {
        EXPECT_EQ(x[i], ref[i]) << "special " << s;
      }
    }
  }
  std::vector<float> empty;
  LogInPlace(empty);
}

}  // namespace
}  // namespace warden::lm::detail
