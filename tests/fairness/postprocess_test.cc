// Threshold post-processing, the rich-subgroup auditor, model files and the
// CLI pipeline helpers.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <random>

#include "warden/fairness/model.h"
#include "warden/fairness/pipeline.h"
#include "warden/fairness/postprocess.h"
#include "warden/fairness/subgroup.h"

namespace warden::fairness {
namespace {

struct Scored {
  std::vector<double> s;
  std::vector<uint8_t> y;
  std::vector<std::string> g;
};
Scored MakeScored(size_t n, uint64_t seed) {
  Scored d;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  for (size_t i = 0; i < n; ++i) {
    const bool b = u(rng) < 0.35;
    const uint8_t y = u(rng) < (b ? 0.25 : 0.4) ? 1 : 0;
    d.s.push_back(std::clamp(0.35 * y + 0.6 * u(rng) - (b ? 0.1 : 0), 0.0, 1.0));
    d.y.push_back(y);
    d.g.push_back(b ? "b" : "a");
  }
  return d;
}

std::pair<double, double> Rates(const Scored& d, const std::vector<double>& e,
                                const std::string& g) {
  double tp = 0, p = 0, fp = 0, n = 0;
  for (size_t i = 0; i < e.size(); ++i) {
    if (d.g[i] != g) continue;
    (d.y[i] ? tp : fp) += e[i];
    (d.y[i] ? p : n) += 1;
  }
  return {fp / n, tp / p};
}

TEST(FairnessThresholds, EqualizeRatesOnFittingData) {
  const Scored d = MakeScored(3000, 1);
  for (Constraint c : {Constraint::kTruePositiveRateParity, Constraint::kEqualizedOdds,
                       Constraint::kFalsePositiveRateParity}) {
    auto pp = FitThresholds(d.s, d.y, d.g, c);
    ASSERT_TRUE(pp.ok()) << pp.status().ToString();
    auto e = pp->ExpectedPrediction(d.s, d.g);
    ASSERT_TRUE(e.ok());
    const auto [fa, ta] = Rates(d, *e, "a");
    const auto [fb, tb] = Rates(d, *e, "b");
    if (c != Constraint::kFalsePositiveRateParity) {
      EXPECT_NEAR(ta, tb, 1e-9) << ConstraintName(c);
    }
    if (c != Constraint::kTruePositiveRateParity) {
      EXPECT_NEAR(fa, fb, 1e-9) << ConstraintName(c);
    }
    double err = 0;
    for (size_t i = 0; i < e->size(); ++i) err += d.y[i] ? 1 - (*e)[i] : (*e)[i];
    EXPECT_NEAR(err / e->size(), pp->train_error, 1e-9);
  }
}

TEST(FairnessThresholds, BadInput) {
  Scored d = MakeScored(200, 2);
  for (size_t i = 0; i < d.y.size(); ++i) {
    if (d.g[i] == "b") d.y[i] = 0;  // group b without positives
  }
  auto r = FitThresholds(d.s, d.y, d.g, Constraint::kEqualizedOdds);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'b' has no positives"), std::string::npos);
  auto ok = FitThresholds(d.s, d.y, d.g, Constraint::kDemographicParity);
  ASSERT_TRUE(ok.ok());
  auto unseen = ok->ExpectedPrediction({0.5}, {"c"});
  ASSERT_FALSE(unseen.ok());
  EXPECT_NE(unseen.status().message().find("'c'"), std::string::npos);
}

TEST(FairnessRoc, EndpointsAndMonotone) {
  const Scored d = MakeScored(500, 3);
  const auto roc = RocCurve(d.s, d.y);
  EXPECT_EQ(roc.front().fpr, 0);
  EXPECT_EQ(roc.front().tpr, 0);
  EXPECT_DOUBLE_EQ(roc.back().fpr, 1);
  EXPECT_DOUBLE_EQ(roc.back().tpr, 1);
  for (size_t i = 1; i < roc.size(); ++i) EXPECT_GE(roc[i].fpr, roc[i - 1].fpr);
}

TEST(FairnessSubgroup, FindsPlantedSubgroupAndScanMatchesBruteForce) {
  std::mt19937_64 rng(4);
  std::uniform_real_distribution<double> u(0, 1);
  const size_t n = 600;
  std::vector<std::vector<double>> a(2, std::vector<double>(n));
  std::vector<uint8_t> y(n);
  std::vector<double> p(n);
  for (size_t i = 0; i < n; ++i) {
    a[0][i] = u(rng), a[1][i] = u(rng);
    y[i] = u(rng) < 0.5;
    // Planted: negatives with a0 + a1 > 1.2 are approved far more often.
    const bool in = a[0][i] + a[1][i] > 1.2;
    p[i] = u(rng) < (in && !y[i] ? 0.6 : 0.1) ? 1 : 0;
  }
  auto f = AuditRichSubgroup({"a0", "a1"}, a, y, p, SubgroupRate::kFpr);
  ASSERT_TRUE(f.ok());
  EXPECT_GT(f->coefficients[0], 0);
  EXPECT_GT(f->coefficients[1], 0);
  EXPECT_GT(f->subgroup_rate, f->base_rate);
  EXPECT_GT(f->violation, 0.05);
  // The scan along the found direction equals the brute-force reference.
  EXPECT_NEAR(f->violation, BestViolationAlong(f->coefficients, a, y, p, SubgroupRate::kFpr),
              1e-12);
  EXPECT_FALSE(AuditRichSubgroup({"a0"}, {a[0]}, std::vector<uint8_t>(n, 1), p,
                                 SubgroupRate::kFpr)
                   .ok());  // no negatives
}

TEST(FairnessModel, JsonRoundTripPredictsTheSame) {
  Frame f;
  f.names = {"x", "c"};
  f.columns = {{"1", "2", "3", "4", "5", "6"}, {"u", "v", "u", "v", "u", "v"}};
  LabeledData data;
  data.features = f;
  data.labels = {0, 0, 1, 0, 1, 1};
  data.sensitive.names = {"g"};
  data.sensitive.columns = {{"a", "b", "a", "b", "a", "b"}};
  TrainSpec spec;
  spec.method = "threshold";
  spec.group_column = "g";
  spec.constraint.kind = Constraint::kTruePositiveRateParity;
  auto t = TrainModel(data, spec);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto back = FairnessModel::FromJson(t->model.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  auto p1 = Predict(t->model, f, data.sensitive, 3), p2 = Predict(*back, f, data.sensitive, 3);
  ASSERT_TRUE(p1.ok() && p2.ok());
  EXPECT_EQ(p1->decision, p2->decision);
  EXPECT_EQ(p1->expected, p2->expected);
  // Applying without the sensitive column the thresholds need is an error.
  EXPECT_FALSE(Predict(*back, f, Frame{}, 3).ok());
  EXPECT_FALSE(FairnessModel::FromJson("{\"format\":\"other\"}").ok());
  EXPECT_FALSE(FairnessModel::FromJson("not json").ok());
  std::string broken = t->model.ToJson();
  broken.replace(broken.find("\"weights\""), 9, "\"w\"");
  EXPECT_FALSE(FairnessModel::FromJson(broken).ok());
  // Fields of the wrong type are refused, never thrown (a fuzzer finding:
  // {"format":379870} reached json::value, which throws).
  EXPECT_EQ(FairnessModel::FromJson("{\"format\":379870}").status().code(),
            StatusCode::kCorruption);
  for (const char* field :
       {"kind", "description", "label_column", "sensitive_column", "constraint"}) {
    nlohmann::json j = nlohmann::json::parse(t->model.ToJson());
    j[field] = 7;
    auto r = FairnessModel::FromJson(j.dump());
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << field;
  }
}

TEST(FairnessPipeline, AuditColumnsAndErrors) {
  auto t = ParseCsv("y,score,sex\n1,0.9,F\n0,0.2,M\n1,0.4,M\n0,0.7,F\n");
  ASSERT_TRUE(t.ok());
  AuditColumns c;
  c.label = "y";
  c.score = "score";
  c.sensitive = {"sex"};
  auto in = AuditInputFromCsv(*t, c);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->predictions, (std::vector<uint8_t>{1, 0, 0, 1}));
  c.sensitive = {"race"};
  auto missing = AuditInputFromCsv(*t, c);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'race'"), std::string::npos);
  c.sensitive = {"sex"};
  c.prediction = "score";  // both given
  EXPECT_FALSE(AuditInputFromCsv(*t, c).ok());
  auto bad = ParseCsv("y,score,sex\n1,?,F\n");
  c.prediction.clear();
  auto r = AuditInputFromCsv(*bad, c);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("missing"), std::string::npos);
}

}  // namespace
}  // namespace warden::fairness
