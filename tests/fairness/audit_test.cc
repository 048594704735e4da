// Audit metrics, the fast bootstrap against the naive one, AUC against the
// pairwise reference, warnings and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "warden/fairness/audit.h"

namespace warden::fairness {
namespace {

AuditInput TwoGroups(size_t n, uint64_t seed, double bias) {
  AuditInput in;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  in.sensitive.names = {"sex"};
  in.sensitive.columns.assign(1, {});
  for (size_t i = 0; i < n; ++i) {
    const bool f = u(rng) < 0.4;
    const uint8_t y = u(rng) < 0.4 ? 1 : 0;
    const double s = std::clamp(0.3 * y + 0.7 * u(rng) - (f ? bias : 0), 0.0, 1.0);
    in.sensitive.columns[0].push_back(f ? "F" : "M");
    in.labels.push_back(y);
    in.scores.push_back(s);
    in.predictions.push_back(s >= 0.5);
  }
  return in;
}

TEST(FairnessMetrics, DefinitionsAndUndefinedRates) {
  Counts c{.tp = 30, .fp = 10, .tn = 50, .fn = 10};
  EXPECT_DOUBLE_EQ(MetricValue(Metric::kSelectionRate, c), 0.4);
  EXPECT_DOUBLE_EQ(MetricValue(Metric::kTpr, c), 0.75);
  EXPECT_DOUBLE_EQ(MetricValue(Metric::kFpr, c), 10.0 / 60);
  EXPECT_DOUBLE_EQ(MetricValue(Metric::kFalseRejection, c), 0.25);
  EXPECT_DOUBLE_EQ(MetricValue(Metric::kFnr, c), 0.25);
  EXPECT_DOUBLE_EQ(MetricValue(Metric::kErrorRate, c), 0.2);
  EXPECT_DOUBLE_EQ(MetricValue(Metric::kPrecision, c), 0.75);
  Counts no_pos{.tp = 0, .fp = 3, .tn = 5, .fn = 0};
  EXPECT_TRUE(std::isnan(MetricValue(Metric::kTpr, no_pos)));
}

TEST(FairnessAudit, GroupsIntersectionsAndWorstPair) {
  AuditInput in;
  in.labels = {1, 1, 0, 0, 1, 1, 0, 0};
  in.predictions = {1, 0, 0, 0, 1, 1, 1, 0};
  in.sensitive.names = {"sex", "age"};
  in.sensitive.columns = {{"F", "F", "F", "F", "M", "M", "M", "M"},
                          {"y", "o", "y", "o", "y", "o", "y", "o"}};
  AuditOptions opt;
  opt.bootstrap_resamples = 50;
  opt.min_denominator = 1;
  auto r = Audit(in, opt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->groupings.size(), 3u);  // sex, age, sex&age
  const auto& sex = r->groupings[0];
  EXPECT_EQ(sex.groups[0].group, "F");
  EXPECT_DOUBLE_EQ(sex.groups[0].value[static_cast<int>(Metric::kFalseRejection)], 0.5);
  EXPECT_DOUBLE_EQ(sex.groups[1].value[static_cast<int>(Metric::kFalseRejection)], 0.0);
  const auto& d = sex.disparities[static_cast<int>(Metric::kFalseRejection)];
  EXPECT_DOUBLE_EQ(d.difference, 0.5);
  EXPECT_EQ(d.highest, "F");
  EXPECT_EQ(d.lowest, "M");
  EXPECT_EQ(r->groupings[2].name, "sex&age");
  EXPECT_EQ(r->groupings[2].groups.size(), 4u);
  EXPECT_EQ(r->groupings[2].groups[0].group, "sex=F&age=o");
}

TEST(FairnessAudit, GroupWithoutPositivesIsNotedAndSkipped) {
  AuditInput in;
  in.labels = {0, 0, 1, 0, 1};
  in.predictions = {1, 0, 1, 0, 0};
  in.sensitive.names = {"g"};
  in.sensitive.columns = {{"a", "a", "b", "b", "b"}};
  auto r = Audit(in, AuditOptions{.bootstrap_resamples = 20, .min_denominator = 1});
  ASSERT_TRUE(r.ok());
  const auto& g = r->groupings[0];
  EXPECT_TRUE(std::isnan(g.groups[0].value[static_cast<int>(Metric::kTpr)]));
  ASSERT_FALSE(g.notes.empty());
  EXPECT_NE(g.notes[0].find("'a' has no positives"), std::string::npos);
  // Only one group has a TPR: the difference is 0, not NaN from group a.
  EXPECT_DOUBLE_EQ(g.disparities[static_cast<int>(Metric::kTpr)].difference, 0.0);
}

TEST(FairnessAudit, TinyGroupsLeftOutOfDisparities) {
  AuditInput in = TwoGroups(2000, 12, 0.1);
  // A third group with a single creditworthy applicant, always rejected.
  in.labels.push_back(1);
  in.predictions.push_back(0);
  in.scores.push_back(0.1);
  in.sensitive.columns[0].push_back("X");
  auto r = Audit(in, AuditOptions{.bootstrap_resamples = 50});
  ASSERT_TRUE(r.ok());
  const auto& d = r->groupings[0].disparities[static_cast<int>(Metric::kFalseRejection)];
  EXPECT_NE(d.highest, "X");
  EXPECT_LT(d.difference, 0.5);
  bool noted = false;
  for (const auto& n : r->groupings[0].notes) noted |= n.find("fewer than 30") != std::string::npos;
  EXPECT_TRUE(noted);
}

TEST(FairnessAudit, BadInputIsAnError) {
  AuditInput in;
  in.labels = {0, 2};
  in.predictions = {0, 1};
  in.sensitive.names = {"g"};
  in.sensitive.columns = {{"a", "b"}};
  auto r = Audit(in, AuditOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("row 2"), std::string::npos);
  in.labels = {0, 1};
  in.sensitive.columns.clear();
  in.sensitive.names.clear();
  EXPECT_FALSE(Audit(in, AuditOptions{}).ok());
  EXPECT_FALSE(Audit(AuditInput{}, AuditOptions{}).ok());
}

TEST(FairnessAudit, SmallGroupWarningGivesPositivesNeeded) {
  AuditInput in = TwoGroups(4000, 3, 0.1);
  AuditOptions opt;
  opt.bootstrap_resamples = 200;
  opt.tolerance = 0.01;
  auto r = Audit(in, opt);
  ASSERT_TRUE(r.ok());
  bool found = false;
  for (const auto& w : r->groupings[0].warnings) {
    if (w.group != "F" || w.metric != Metric::kFalseRejection) continue;
    found = true;
    const double p = r->groupings[0].groups[0].value[static_cast<int>(Metric::kFalseRejection)];
    EXPECT_EQ(w.needed, RequiredDenominator(p, 0.01, 1.959963984540054));
    EXPECT_GT(w.needed, w.denominator);
    EXPECT_NE(w.message.find("positives"), std::string::npos);
  }
  EXPECT_TRUE(found);
  // A loose tolerance needs no warning for the big group.
  opt.tolerance = 0.2;
  auto loose = Audit(in, opt);
  ASSERT_TRUE(loose.ok());
  EXPECT_TRUE(loose->groupings[0].warnings.empty());
}

TEST(FairnessAudit, IntervalsDeterministicAndCoverEstimate) {
  AuditInput in = TwoGroups(3000, 5, 0.05);
  AuditOptions opt;
  opt.bootstrap_resamples = 300;
  auto a = Audit(in, opt), b = Audit(in, opt);
  ASSERT_TRUE(a.ok() && b.ok());
  for (int m = 0; m < kNumMetrics; ++m) {
    const auto& ga = a->groupings[0].groups[1];
    EXPECT_EQ(ga.ci[m].lo, b->groupings[0].groups[1].ci[m].lo);
    EXPECT_LE(ga.ci[m].lo, ga.value[m]);
    EXPECT_GE(ga.ci[m].hi, ga.value[m]);
  }
  const auto& d = a->groupings[0].disparities[static_cast<int>(Metric::kFalseRejection)];
  EXPECT_LE(d.difference_ci.lo, d.difference);
  EXPECT_GE(d.difference_ci.hi, d.difference);
}

// The fast (multinomial) bootstrap must have the distribution of the naive
// one: compare mean and spread of a rate over many resamples.
TEST(FairnessBootstrap, FastMatchesNaiveInDistribution) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    AuditInput in = TwoGroups(2000, seed, 0.1);
    const Grouping g = GroupBy(in.sensitive, {0});
    const auto counts = CountByGroup(g.ids, g.groups.size(), in.labels, in.predictions);
    const int B = 2000;
    const auto fast = BootstrapCountsFast(counts, B, seed);
    const auto naive =
        BootstrapCountsNaive(g.ids, g.groups.size(), in.labels, in.predictions, B, seed + 100);
    for (size_t k = 0; k < g.groups.size(); ++k) {
      for (Metric m : {Metric::kTpr, Metric::kFpr, Metric::kSelectionRate}) {
        double mf = 0, mn = 0, vf = 0, vn = 0;
        for (int b = 0; b < B; ++b) {
          const Counts& cf = fast[b * g.groups.size() + k];
          const Counts& cn = naive[b * g.groups.size() + k];
          EXPECT_EQ(cf.n(), counts[k].n());  // stratified: group sizes fixed
          EXPECT_EQ(cn.n(), counts[k].n());
          const double xf = MetricValue(m, cf), xn = MetricValue(m, cn);
          mf += xf, mn += xn, vf += xf * xf, vn += xn * xn;
        }
        mf /= B, mn /= B;
        const double sf = std::sqrt(vf / B - mf * mf), sn = std::sqrt(vn / B - mn * mn);
        EXPECT_NEAR(mf, mn, 4 * sn / std::sqrt(B) + 1e-3);
        EXPECT_NEAR(sf / sn, 1.0, 0.1);
      }
    }
  }
}

TEST(FairnessAuc, MatchesPairwiseReferenceWithTies) {
  std::mt19937_64 rng(9);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> s;
    std::vector<uint8_t> y;
    const int n = 5 + static_cast<int>(rng() % 200);
    for (int i = 0; i < n; ++i) {
      s.push_back(static_cast<double>(rng() % 10) / 10);  // many ties
      y.push_back(rng() % 3 == 0);
    }
    const double fast = Auc(s, y), ref = AucNaive(s, y);
    if (std::isnan(ref)) {
      EXPECT_TRUE(std::isnan(fast));
    } else {
      EXPECT_NEAR(fast, ref, 1e-12);
    }
  }
}

TEST(FairnessAudit, CalibrationBinsCountEveryScore) {
  AuditInput in = TwoGroups(500, 11, 0);
  auto r = Audit(in, AuditOptions{.bootstrap_resamples = 10, .calibration_bins = 5});
  ASSERT_TRUE(r.ok());
  for (const auto& g : r->groupings[0].groups) {
    int64_t total = 0;
    for (const auto& b : g.calibration) total += b.count;
    EXPECT_EQ(total, g.counts.n());
    EXPECT_FALSE(std::isnan(g.auc));
    EXPECT_LE(g.auc_ci.lo, g.auc);
  }
}

}  // namespace
}  // namespace warden::fairness
