// Exact tail probabilities against slow references.
#include "warden/watermark/stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace warden::watermark::detail {
namespace {

// Both are logs of probabilities: compare with a tolerance relative to the
// probability itself (absolute in log space), loosened for huge logs.
void ExpectLogNear(double fast, double ref, const std::string& what) {
  EXPECT_NEAR(fast, ref, 1e-9 + 1e-11 * std::fabs(ref)) << what;
}

TEST(WatermarkStatsTest, BinomialTailSmallCasesByHand) {
  // P(X >= 1), X ~ Bin(1, 0.25) = 0.25.
  EXPECT_NEAR(std::exp(LogBinomialUpperTail(1, 1, 0.25)), 0.25, 1e-15);
  // P(X >= 2), X ~ Bin(2, 0.5) = 0.25; P(X >= 1) = 0.75.
  EXPECT_NEAR(std::exp(LogBinomialUpperTail(2, 2, 0.5)), 0.25, 1e-15);
  EXPECT_NEAR(std::exp(LogBinomialUpperTail(1, 2, 0.5)), 0.75, 1e-15);
  EXPECT_EQ(LogBinomialUpperTail(0, 10, 0.3), 0.0);
  EXPECT_EQ(LogBinomialUpperTail(11, 10, 0.3), -INFINITY);
  // All of 200 green at gamma 0.25: 0.25^200 = 10^-120.41.
  EXPECT_NEAR(LogBinomialUpperTail(200, 200, 0.25), 200 * std::log(0.25), 1e-9);
}

TEST(WatermarkStatsTest, BinomialTailMatchesReferenceOnRandomInputs) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0.01, 0.99);
  for (int trial = 0; trial < 400; ++trial) {
    const int64_t n = 1 + static_cast<int64_t>(rng() % (trial < 300 ? 400 : 5000));
    const double p = trial % 4 == 0 ? 0.25 : unit(rng);
    // g anywhere from far below to far above the mean.
    const int64_t g = static_cast<int64_t>(rng() % static_cast<uint64_t>(n + 1));
    const double fast = LogBinomialUpperTail(g, n, p);
    const double ref = LogBinomialUpperTailReference(g, n, p);
    ExpectLogNear(fast, ref,
                  "g " + std::to_string(g) + " n " + std::to_string(n) + " p " + std::to_string(p));
  }
}

// Deep in the tail, below 1e-300, the log stays exact.
TEST(WatermarkStatsTest, BinomialTailAccurateFarBelowDoubleRange) {
  const double fast = LogBinomialUpperTail(900, 1000, 0.25);
  const double ref = LogBinomialUpperTailReference(900, 1000, 0.25);
  EXPECT_LT(ref, -300 * std::log(10.0));
  ExpectLogNear(fast, ref, "deep tail");
  // Large n, moderately significant: the regime lgamma loses digits in.
  for (int64_t n : {100000, 1000000}) {
    const int64_t g = n / 4 + static_cast<int64_t>(5 * std::sqrt(n * 0.1875));
    const double f = LogBinomialUpperTail(g, n, 0.25);
    EXPECT_LT(f, std::log(1e-6));
    EXPECT_GT(f, std::log(1e-8));
    if (n == 100000) ExpectLogNear(f, LogBinomialUpperTailReference(g, n, 0.25), "large n");
  }
}

TEST(WatermarkStatsTest, BinomialPmfSumsToOne) {
  for (int64_t n : {1, 7, 100, 3000}) {
    double sum = 0;
    for (int64_t k = 0; k <= n; ++k) sum += std::exp(LogBinomialPmf(k, n, 0.3));
    EXPECT_NEAR(sum, 1.0, 1e-12) << n;
  }
}

TEST(WatermarkStatsTest, GammaTailSmallCasesByHand) {
  // Q(1, x) = e^-x.
  EXPECT_NEAR(LogGammaUpperTail(1, 2.5), -2.5, 1e-13);
  EXPECT_NEAR(LogGammaUpperTail(1, 700), -700, 1e-9);
  // Q(2, x) = e^-x (1 + x).
  EXPECT_NEAR(LogGammaUpperTail(2, 0.5), -0.5 + std::log(1.5), 1e-13);
  EXPECT_EQ(LogGammaUpperTail(3, 0), 0.0);
}

TEST(WatermarkStatsTest, GammaTailMatchesReferenceOnRandomInputs) {
  std::mt19937_64 rng(12);
  for (int trial = 0; trial < 400; ++trial) {
    const int64_t n = 1 + static_cast<int64_t>(rng() % (trial < 300 ? 300 : 5000));
    // S from well below n to many times n (p down to far below 1e-300).
    std::uniform_real_distribution<double> ratio(0.05, trial % 3 == 0 ? 8.0 : 2.0);
    const double x = ratio(rng) * static_cast<double>(n);
    const double fast = LogGammaUpperTail(static_cast<double>(n), x);
    const double ref = LogGammaUpperTailReference(n, x);
    ExpectLogNear(fast, ref, "n " + std::to_string(n) + " x " + std::to_string(x));
  }
}

TEST(WatermarkStatsTest, IncompleteBetaAgreesWithBinomialTail) {
  // I_p(g, n - g + 1) = P(Bin(n, p) >= g).
  std::mt19937_64 rng(13);
  for (int trial = 0; trial < 200; ++trial) {
    const int64_t n = 1 + static_cast<int64_t>(rng() % 2000);
    const int64_t g = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(n));
    const double p = std::uniform_real_distribution<double>(0.02, 0.98)(rng);
    const double beta =
        LogIncompleteBeta(static_cast<double>(g), static_cast<double>(n - g + 1), p);
    const double ref = LogBinomialUpperTailReference(g, n, p);
    EXPECT_NEAR(beta, ref, 1e-8 + 1e-9 * std::fabs(ref));
  }
}

TEST(WatermarkStatsTest, ProbabilityFromLogClamps) {
  EXPECT_EQ(ProbabilityFromLog(0.0), 1.0);
  EXPECT_EQ(ProbabilityFromLog(1e-18), 1.0);
  EXPECT_EQ(ProbabilityFromLog(-INFINITY), 0.0);
  EXPECT_NEAR(ProbabilityFromLog(std::log(0.125)), 0.125, 1e-16);
}

}  // namespace
}  // namespace warden::watermark::detail
