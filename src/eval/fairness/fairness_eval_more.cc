// German credit by age group, and the rich-subgroup audit on Communities &
// Crime before and after constrained training (see fairness_eval.h).
#include <cmath>
#include <string>
#include <vector>

#include "eval/fairness/fairness_eval_util.h"
#include "warden/core/svg.h"
#include "warden/fairness/subgroup.h"

namespace warden::eval {

Status RunGerman(const EvalOptions& o, Page* page) {
  WARDEN_ASSIGN_OR_RETURN(fairness::LabeledData all,
                          fairness::LoadGerman(o.data_dir + "/german.data"));
  fairness::LabeledData train, test;
  SplitRows(all, 0.7, o.seed, &train, &test);
  WARDEN_ASSIGN_OR_RETURN(Prepared p, Prepare(train, test));
  const fairness::Grouping g_tr = Groups(p.s_train, "age_group"),
                           g_te = Groups(p.s_test, "age_group");
  fairness::AuditOptions ao;
  ao.bootstrap_resamples = o.bootstrap;
  ao.seed = o.seed;
  ao.tolerance = o.epsilon;
  fairness::LogisticOptions lo;
  lo.l2 = 1e-2;  // 1,000 rows, 60 columns: stronger shrinkage
  fairness::ReductionOptions ro;
  ro.learner = lo;
  if (o.quick) ro.max_iterations = 8;
  WARDEN_ASSIGN_OR_RETURN(fairness::LogisticModel lr,
                          fairness::FitLogistic(p.x_train, p.y_train, {}, lo));
  const auto s_te = Scores(lr, p.x_test);
  const auto lr_te = Threshold(s_te);
  WARDEN_ASSIGN_OR_RETURN(
      fairness::AuditResult a_lr,
      fairness::Audit(fairness::AuditInput{p.y_test, lr_te, s_te, p.s_test}, ao));
  fairness::ConstraintSpec spec{fairness::Constraint::kTruePositiveRateParity, o.epsilon, 0};
  WARDEN_ASSIGN_OR_RETURN(fairness::ReductionResult eg,
                          fairness::ExponentiatedGradient(p.x_train, p.y_train, g_tr.ids,
                                                          g_tr.groups.size(), spec, ro));
  const auto eg_draw = eg.classifier.Sample(p.x_test, o.seed);
  const auto eg_e = eg.classifier.ExpectedPrediction(p.x_test);
  WARDEN_ASSIGN_OR_RETURN(
      fairness::AuditResult a_eg,
      fairness::Audit(fairness::AuditInput{p.y_test, eg_draw, {}, p.s_test}, ao));

  std::string& md = page->markdown;
  md += "## German credit (UCI Statlog), sensitive attribute: age group (<=25, >25)\n\n";
  md += "1,000 applicants split 70/30 by a seeded shuffle (" + std::to_string(p.y_train.size()) +
        " train, " + std::to_string(p.y_test.size()) +
        " test); label 1 = good credit; sex "
        "derived from personal status (A91/A93/A94 male, A92/A95 female) is audited but not a "
        "feature. Logistic regression with L2 1e-2.\n\n";
  md +=
      "| classifier | test error | FRR gap by age [95% CI] | FRR gap by sex [95% CI] | FRR gap, "
      "age x sex [95% CI] |\n|---|---|---|---|---|\n";
  for (auto [name, a] :
       {std::pair<std::string, const fairness::AuditResult*>{"logistic regression", &a_lr},
        {"exp. gradient, TPR parity by age (draw)", &a_eg}}) {
    md += "| " + name + " | " +
          F(a->overall_value[static_cast<int>(fairness::Metric::kErrorRate)]) + " |";
    for (const auto& g : a->groupings) {
      const auto& d = DisparityOf(g, fairness::Metric::kFalseRejection);
      md += " " + F(d.difference) + " " + CiText(d.difference_ci) + " (" + d.highest + " vs " +
            d.lowest + ") |";
    }
    md += "\n";
  }
  md += "\nExpected-prediction FRR gap by age of the constrained classifier on test: " +
        F(RateGap(p.y_test, eg_e, g_te, 1)) + " (train " + F(eg.report.train_gap) +
        "). Warnings (tolerance " + F(o.epsilon, 3) + "):\n\n";
  for (const auto& w : a_lr.groupings[0].warnings) {
    if (w.metric == fairness::Metric::kFalseRejection) md += "- " + w.message + "\n";
  }
  md +=
      "\nWith 300 test applicants no group can certify a 1-point gap; the intervals say how "
      "little the point estimates mean here.\n\n";
  page->html +=
      "<h2>German credit: logistic regression, test audit</h2>\n" + fairness::AuditToHtml(a_lr, {});
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "{\"dataset\":\"german\",\"lr_test_error\":%.6f,\"lr_frr_gap_age\":%.6f,"
                "\"eg_test_error\":%.6f,\"eg_frr_gap_age\":%.6f}",
                a_lr.overall_value[5],
                DisparityOf(a_lr.groupings[0], fairness::Metric::kFalseRejection).difference,
                a_eg.overall_value[5],
                DisparityOf(a_eg.groupings[0], fairness::Metric::kFalseRejection).difference);
  page->Json(buf);
  return Status::Ok();
}

Status RunCommunities(const EvalOptions& o, Page* page) {
  WARDEN_ASSIGN_OR_RETURN(fairness::LabeledData all,
                          fairness::LoadCommunities(o.data_dir + "/communities.csv",
                                                    o.data_dir + "/communities_protected.csv"));
  fairness::LabeledData train, test;
  SplitRows(all, 0.7, o.seed, &train, &test);
  WARDEN_ASSIGN_OR_RETURN(Prepared p, Prepare(train, test));
  fairness::LogisticOptions lo;
  lo.l2 = 1e-2;
  fairness::ReductionOptions ro;
  ro.learner = lo;
  if (o.quick) ro.max_iterations = 8;
  // Marginal groups for the constraint: the four race-share columns split at
  // their medians, intersected (up to 16 groups).
  std::vector<size_t> race_cols;
  for (size_t c = 0; c < p.s_train.names.size(); ++c) {
    const std::string& n = p.s_train.names[c];
    if (n == "racepctblack" || n == "racePctWhite" || n == "racePctAsian" || n == "racePctHisp") {
      race_cols.push_back(c);
    }
  }
  if (race_cols.empty()) return Status::Corruption("communities: race columns not found");
  const fairness::Grouping g_tr = fairness::GroupBy(p.s_train, race_cols);
  WARDEN_ASSIGN_OR_RETURN(fairness::LogisticModel lr,
                          fairness::FitLogistic(p.x_train, p.y_train, {}, lo));
  const auto lr_tr = Threshold(Scores(lr, p.x_train)), lr_te = Threshold(Scores(lr, p.x_test));
  fairness::ConstraintSpec spec{fairness::Constraint::kFalsePositiveRateParity, 0.02, 0};
  WARDEN_ASSIGN_OR_RETURN(fairness::ReductionResult eg,
                          fairness::ExponentiatedGradient(p.x_train, p.y_train, g_tr.ids,
                                                          g_tr.groups.size(), spec, ro));
  std::string& md = page->markdown;
  md += "## Communities & Crime: rich-subgroup audit before and after constrained training\n\n";
  md +=
      "1,994 communities (GerryFair's copy), split 70/30 by a seeded shuffle. Label 1 = high "
      "violent crime (the file's label; here prediction 1 flags a community, so the false "
      "positive rate is the harm audited, as in GerryFair). The " +
      std::to_string(all.protected_numeric_names.size()) +
      " protected columns are kept out of the features; the auditor searches linear "
      "threshold functions over all of them (raw values). Constrained training: exponentiated "
      "gradient with FalsePositiveRateParity (epsilon 0.02) over the " +
      std::to_string(g_tr.groups.size()) +
      " intersections of the four race-share columns split at their medians, i.e. marginal "
      "groups only; the question is whether that also shrinks the worst rich subgroup.\n\n";
  md +=
      "| classifier | split | error | rate | base rate | worst subgroup rate | size | violation "
      "|\n|---|---|---|---|---|---|---|---|\n";
  std::vector<fairness::SubgroupFinding> findings;
  for (int split = 0; split < 2; ++split) {
    const fairness::Matrix& x = split == 0 ? p.x_train : p.x_test;
    const auto& y = split == 0 ? p.y_train : p.y_test;
    const auto& attrs = split == 0 ? train.protected_numeric : test.protected_numeric;
    std::vector<double> e_lr(split == 0 ? lr_tr.begin() : lr_te.begin(),
                             split == 0 ? lr_tr.end() : lr_te.end());
    const std::vector<double> e_eg = eg.classifier.ExpectedPrediction(x);
    for (auto [name, e] :
         {std::pair<std::string, const std::vector<double>*>{"logistic regression", &e_lr},
          {"exp. gradient, FPR parity (expected)", &e_eg}}) {
      for (fairness::SubgroupRate rate :
           {fairness::SubgroupRate::kFpr, fairness::SubgroupRate::kFnr}) {
        WARDEN_ASSIGN_OR_RETURN(
            fairness::SubgroupFinding f,
            fairness::AuditRichSubgroup(all.protected_numeric_names, attrs, y, *e, rate));
        md += "| " + name + " | " + (split == 0 ? "train" : "test") + " | " + F(ErrorOf(y, *e)) +
              " | " + (rate == fairness::SubgroupRate::kFpr ? "FPR" : "FNR") + " | " +
              F(f.base_rate) + " | " + F(f.subgroup_rate) + " | " + std::to_string(f.size) + " (" +
              F(100 * f.fraction, 1) + "%) | " + F(f.violation) + " |\n";
        char buf[256];
        std::snprintf(
            buf, sizeof buf,
            "{\"dataset\":\"communities\",\"classifier\":\"%s\",\"split\":\"%s\",\"rate\":\"%s\","
            "\"violation\":%.6f,\"size\":%lld}",
            name.c_str(), split == 0 ? "train" : "test",
            rate == fairness::SubgroupRate::kFpr ? "FPR" : "FNR", f.violation,
            static_cast<long long>(f.size));
        page->Json(buf);
        if (split == 0 && rate == fairness::SubgroupRate::kFpr) findings.push_back(f);
      }
    }
  }
  md += "\nWorst FPR subgroup found on train, before: `" + findings[0].Describe() + "`; after: `" +
        findings[1].Describe() + "`.\n\n";
  page->html += "<h2>Communities &amp; Crime: worst rich subgroups (train, FPR)</h2>\n";
  for (const auto& f : findings) {
    page->html += "<p><code>" + core::XmlEscape(f.Describe()) + "</code>: violation " +
                  F(f.violation) + ", size " + std::to_string(f.size) + "</p>\n";
  }
  return Status::Ok();
}

}  // namespace warden::eval
