// Logistic regression against a plain gradient-descent reference, the
// simplex against brute force, constraint moments, and the reductions.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "fairness/simplex.h"
#include "warden/fairness/audit.h"
#include "warden/fairness/train.h"

namespace warden::fairness {
namespace {

// Synthetic lending data: group 1 has a shifted feature, so an unconstrained
// model rejects its creditworthy members more often.
struct Synthetic {
  Matrix x;
  std::vector<uint8_t> y;
  std::vector<uint32_t> g;
};
Synthetic MakeData(size_t n, uint64_t seed) {
  Synthetic d;
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> z(0, 1);
  std::uniform_real_distribution<double> u(0, 1);
  d.x.rows = n;
  d.x.cols = 3;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t g = u(rng) < 0.3 ? 1 : 0;
    const double a = z(rng), b = z(rng);
    const uint8_t y = u(rng) < 1 / (1 + std::exp(-(1.5 * a + 0.5 * b))) ? 1 : 0;
    d.x.data.push_back(a - (g ? 0.8 : 0));  // the observed feature is biased
    d.x.data.push_back(b);
    d.x.data.push_back(z(rng));
    d.y.push_back(y);
    d.g.push_back(g);
  }
  return d;
}

// Reference: full-batch gradient descent on the same objective.
LogisticModel GradientDescent(const Matrix& x, const std::vector<uint8_t>& y,
                              const std::vector<double>& w, double l2) {
  LogisticModel m;
  m.weights.assign(x.cols, 0);
  double total = 0;
  for (double v : w) total += v;
  for (int it = 0; it < 20000; ++it) {
    std::vector<double> g(x.cols, 0);
    double gb = 0;
    for (size_t i = 0; i < x.rows; ++i) {
      const double r = w[i] / total * (m.Probability(x.Row(i)) - y[i]);
      for (size_t j = 0; j < x.cols; ++j) g[j] += r * x.Row(i)[j];
      gb += r;
    }
    for (size_t j = 0; j < x.cols; ++j) m.weights[j] -= 1.0 * (g[j] + l2 * m.weights[j]);
    m.bias -= 1.0 * gb;
  }
  return m;
}

TEST(FairnessLogistic, NewtonMatchesGradientDescentWithWeights) {
  for (uint64_t seed : {1u, 2u}) {
    Synthetic d = MakeData(300, seed);
    std::mt19937_64 rng(seed);
    std::vector<double> w(d.y.size());
    for (double& v : w) v = 0.1 + static_cast<double>(rng() % 100) / 50;
    LogisticOptions opt;
    opt.l2 = 0.01;
    opt.tolerance = 1e-15;  // converge fully: this compares optima
    auto newton = FitLogistic(d.x, d.y, w, opt);
    ASSERT_TRUE(newton.ok());
    const LogisticModel ref = GradientDescent(d.x, d.y, w, opt.l2);
    for (size_t j = 0; j < d.x.cols; ++j) EXPECT_NEAR(newton->weights[j], ref.weights[j], 1e-4);
    EXPECT_NEAR(newton->bias, ref.bias, 1e-4);
  }
}

TEST(FairnessLogistic, IntegerWeightsEqualDuplicatedRows) {
  Synthetic d = MakeData(200, 4);
  std::vector<double> w(d.y.size(), 1.0);
  w[0] = 3;
  Synthetic dup = d;
  for (int k = 0; k < 2; ++k) {
    dup.x.data.insert(dup.x.data.end(), d.x.Row(0), d.x.Row(0) + d.x.cols);
    dup.y.push_back(d.y[0]);
  }
  dup.x.rows += 2;
  auto a = FitLogistic(d.x, d.y, w, LogisticOptions{});
  auto b = FitLogistic(dup.x, dup.y, {}, LogisticOptions{});
  ASSERT_TRUE(a.ok() && b.ok());
  for (size_t j = 0; j < d.x.cols; ++j) EXPECT_NEAR(a->weights[j], b->weights[j], 1e-6);
}

TEST(FairnessLogistic, BadInputIsAnError) {
  Synthetic d = MakeData(10, 1);
  EXPECT_FALSE(FitLogistic(d.x, {1, 0}, {}, LogisticOptions{}).ok());
  std::vector<double> w(10, 1.0);
  w[3] = -1;
  auto r = FitLogistic(d.x, d.y, w, LogisticOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("row 4"), std::string::npos);
}

// Brute force over a fine simplex grid for three classifiers.
TEST(FairnessSimplex, BestMixtureMatchesGridSearch) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(-0.1, 0.1);
  for (int trial = 0; trial < 30; ++trial) {
    std::vector<double> err = {0.1 + u(rng), 0.15 + u(rng), 0.2 + u(rng)};
    std::vector<std::vector<double>> gam(2, std::vector<double>(3));
    for (auto& row : gam) {
      for (double& v : row) v = u(rng);
    }
    const double B = 5;
    auto value = [&](const std::vector<double>& q) {
      double e = 0, viol = 0;
      for (int j = 0; j < 3; ++j) e += q[j] * err[j];
      for (const auto& row : gam) {
        double g = 0;
        for (int j = 0; j < 3; ++j) g += q[j] * row[j];
        viol = std::max(viol, g);
      }
      return e + B * viol;
    };
    std::vector<double> lambda;
    const auto q = BestMixture(err, gam, B, &lambda);
    double best = INFINITY;
    const int steps = 400;
    for (int a = 0; a <= steps; ++a) {
      for (int b = 0; a + b <= steps; ++b) {
        best = std::min(
            best, value({a / double(steps), b / double(steps), (steps - a - b) / double(steps)}));
      }
    }
    EXPECT_LE(value(q), best + 1e-9);
    EXPECT_GE(value(q), best - 0.01);  // the grid is coarse, the LP exact
    double lsum = 0;
    for (double l : lambda) {
      lsum += l;
      EXPECT_GE(l, 0);
    }
    EXPECT_LE(lsum, B + 1e-9);
  }
}

TEST(FairnessMoments, GammaAndPairwiseGap) {
  std::vector<uint8_t> y = {1, 1, 1, 1, 0, 0};
  std::vector<uint32_t> g = {0, 0, 1, 1, 0, 1};
  ConstraintSpec spec{Constraint::kTruePositiveRateParity, 0.0, 0, false};
  auto mo = Moments::Build(y, g, 2, spec);
  ASSERT_TRUE(mo.ok());
  ASSERT_EQ(mo->num_constraints(), 4u);
  // TPR: group 0 = 1, group 1 = 0.5, overall 0.75.
  const auto gamma = mo->Gamma({1, 1, 1, 0, 0, 0});
  EXPECT_DOUBLE_EQ(gamma[0], 0.25);
  EXPECT_DOUBLE_EQ(gamma[1], -0.25);
  EXPECT_DOUBLE_EQ(mo->PairwiseGap({1, 1, 1, 0, 0, 0}), 0.5);
  // Error-rate parity reads errors, not approvals.
  auto er = Moments::Build(y, g, 2, {Constraint::kErrorRateParity, 0.0, 0, false});
  ASSERT_TRUE(er.ok());
  EXPECT_DOUBLE_EQ(er->PairwiseGap({1, 1, 1, 1, 0, 1}), 1.0 / 3);  // 0 vs 1 of 3 wrong
  EXPECT_FALSE(Moments::Build({1, 2}, {0, 0}, 1, spec).ok());
  EXPECT_FALSE(Moments::Build({0, 0}, {0, 1}, 2, spec).ok());  // no positives at all
}

TEST(FairnessReductions, ExponentiatedGradientMeetsPairwiseBound) {
  Synthetic d = MakeData(4000, 7);
  for (Constraint c : {Constraint::kTruePositiveRateParity, Constraint::kDemographicParity,
                       Constraint::kEqualizedOdds, Constraint::kFalsePositiveRateParity,
                       Constraint::kErrorRateParity}) {
    ConstraintSpec spec{c, 0.02, 0, true};
    auto r = ExponentiatedGradient(d.x, d.y, d.g, 2, spec, ReductionOptions{});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_LE(r->report.train_gap, 0.02 + 2e-3) << ConstraintName(c);
    auto again = ExponentiatedGradient(d.x, d.y, d.g, 2, spec, ReductionOptions{});
    EXPECT_EQ(again->classifier.weights, r->classifier.weights);  // deterministic
  }
  // Unconstrained, the same data has a large TPR gap: the test can fail.
  auto lr = FitLogistic(d.x, d.y, {}, LogisticOptions{});
  std::vector<double> h(d.y.size());
  for (size_t i = 0; i < h.size(); ++i) h[i] = lr->Probability(d.x.Row(i)) >= 0.5;
  auto mo = Moments::Build(d.y, d.g, 2, ConstraintSpec{});
  EXPECT_GT(mo->PairwiseGap(h), 0.1);
}

TEST(FairnessReductions, RatioBoundAndGridSearch) {
  Synthetic d = MakeData(3000, 8);
  ConstraintSpec ratio{Constraint::kDemographicParity, 0, 0.9, true};
  auto r = ExponentiatedGradient(d.x, d.y, d.g, 2, ratio, ReductionOptions{});
  ASSERT_TRUE(r.ok());
  const auto e = r->classifier.ExpectedPrediction(d.x);
  double s[2] = {0, 0}, n[2] = {0, 0};
  for (size_t i = 0; i < e.size(); ++i) s[d.g[i]] += e[i], n[d.g[i]] += 1;
  const double a = s[0] / n[0], b = s[1] / n[1];
  EXPECT_GE(std::min(a, b) / std::max(a, b), 0.9 * 0.9 - 0.02);
  ConstraintSpec tpr{Constraint::kTruePositiveRateParity, 0.05, 0, true};
  auto gs = GridSearch(d.x, d.y, d.g, 2, tpr, ReductionOptions{});
  ASSERT_TRUE(gs.ok());
  EXPECT_EQ(gs->classifier.models.size(), 1u);
  EXPECT_LE(gs->report.train_gap, 0.06);
}

TEST(FairnessReductions, RandomizedSampleIsReproducibleAndMatchesExpectation) {
  Synthetic d = MakeData(3000, 9);
  auto r = ExponentiatedGradient(d.x, d.y, d.g, 2, ConstraintSpec{}, ReductionOptions{});
  ASSERT_TRUE(r.ok());
  const auto a = r->classifier.Sample(d.x, 1), b = r->classifier.Sample(d.x, 1);
  EXPECT_EQ(a, b);
  const auto e = r->classifier.ExpectedPrediction(d.x);
  double mean_a = 0, mean_e = 0;
  for (size_t i = 0; i < a.size(); ++i) mean_a += a[i], mean_e += e[i];
  EXPECT_NEAR(mean_a / a.size(), mean_e / e.size(), 0.03);
}

}  // namespace
}  // namespace warden::fairness
