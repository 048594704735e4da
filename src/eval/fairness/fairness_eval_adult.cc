// Adult by sex: the lending case of the evaluation (see fairness_eval.h).
#include <cmath>
#include <string>
#include <vector>

#include "eval/fairness/fairness_eval_util.h"
#include "warden/fairness/postprocess.h"
#include "warden/fairness/subgroup.h"

namespace warden::eval {
namespace {

// Per-group rate of expected predictions among rows with y == label.
std::vector<double> GroupRates(const std::vector<uint8_t>& y, const std::vector<double>& e,
                               const fairness::Grouping& g, int label) {
  std::vector<double> sum(g.groups.size(), 0), n(g.groups.size(), 0);
  for (size_t i = 0; i < y.size(); ++i) {
    if (y[i] != label) continue;
    sum[g.ids[i]] += e[i];
    n[g.ids[i]] += 1;
  }
  for (size_t k = 0; k < sum.size(); ++k) sum[k] = n[k] ? sum[k] / n[k] : std::nan("");
  return sum;
}

struct MethodRow {
  std::string name;
  double train_error = 0, train_frr_gap = 0;
  double test_error = 0, test_frr_gap = 0, test_fpr_gap = 0, aod = 0;
  fairness::Interval draw_frr_ci, draw_aod_ci;
  double draw_frr_gap = 0;
};

}  // namespace

Status RunAdult(const EvalOptions& o, Page* page) {
  WARDEN_ASSIGN_OR_RETURN(fairness::LabeledData train,
                          fairness::LoadAdult(o.data_dir + "/adult.data"));
  WARDEN_ASSIGN_OR_RETURN(fairness::LabeledData test,
                          fairness::LoadAdult(o.data_dir + "/adult.test"));
  WARDEN_ASSIGN_OR_RETURN(Prepared p, Prepare(train, test));
  const fairness::Grouping g_tr = Groups(p.s_train, "sex"), g_te = Groups(p.s_test, "sex");
  const fairness::Frame sex_te = OnlyColumn(p.s_test, "sex");
  fairness::AuditOptions ao;
  ao.bootstrap_resamples = o.bootstrap;
  ao.seed = o.seed;
  ao.tolerance = o.epsilon;
  fairness::LogisticOptions lo;
  fairness::ReductionOptions ro;
  ro.learner = lo;
  if (o.quick) ro.max_iterations = 8, ro.grid_size = 5;

  std::vector<MethodRow> rows;
  // Evaluates one method from its expected predictions (train and test) and
  // one seeded draw on test.
  auto add = [&](const std::string& name, const std::vector<double>& e_tr,
                 const std::vector<double>& e_te,
                 const std::vector<uint8_t>& draw_te) -> Result<fairness::AuditResult> {
    MethodRow r;
    r.name = name;
    r.train_error = ErrorOf(p.y_train, e_tr);
    r.train_frr_gap = RateGap(p.y_train, e_tr, g_tr, 1);
    r.test_error = ErrorOf(p.y_test, e_te);
    r.test_frr_gap = RateGap(p.y_test, e_te, g_te, 1);
    r.test_fpr_gap = RateGap(p.y_test, e_te, g_te, 0);
    const auto tpr = GroupRates(p.y_test, e_te, g_te, 1), fpr = GroupRates(p.y_test, e_te, g_te, 0);
    // AIF360's average odds difference, unprivileged (Female, id 0) minus
    // privileged (Male, id 1), reported as an absolute value.
    r.aod = std::abs(0.5 * ((fpr[0] - fpr[1]) + (tpr[0] - tpr[1])));
    fairness::AuditInput in{p.y_test, draw_te, {}, sex_te};
    WARDEN_ASSIGN_OR_RETURN(fairness::AuditResult a, fairness::Audit(in, ao));
    const auto& frr = DisparityOf(a.groupings[0], fairness::Metric::kFalseRejection);
    r.draw_frr_gap = frr.difference;
    r.draw_frr_ci = frr.difference_ci;
    rows.push_back(r);
    return a;
  };
  auto as_double = [](const std::vector<uint8_t>& v) {
    return std::vector<double>(v.begin(), v.end());
  };

  // 1. Unconstrained logistic regression.
  WARDEN_ASSIGN_OR_RETURN(fairness::LogisticModel lr,
                          fairness::FitLogistic(p.x_train, p.y_train, {}, lo));
  const std::vector<double> s_tr = Scores(lr, p.x_train), s_te = Scores(lr, p.x_test);
  const std::vector<uint8_t> lr_te = Threshold(s_te), lr_tr = Threshold(s_tr);
  WARDEN_RETURN_IF_ERROR(
      add("logistic regression (unconstrained)", as_double(lr_tr), as_double(lr_te), lr_te)
          .status());
  fairness::AuditInput full_in{p.y_test, lr_te, s_te, p.s_test};
  WARDEN_ASSIGN_OR_RETURN(fairness::AuditResult lr_audit, fairness::Audit(full_in, ao));

  // 2. Exponentiated gradient and grid search, TPR (false-rejection) parity.
  fairness::ConstraintSpec tpr_spec{fairness::Constraint::kTruePositiveRateParity, o.epsilon, 0};
  WARDEN_ASSIGN_OR_RETURN(fairness::ReductionResult eg_tpr,
                          fairness::ExponentiatedGradient(p.x_train, p.y_train, g_tr.ids,
                                                          g_tr.groups.size(), tpr_spec, ro));
  WARDEN_ASSIGN_OR_RETURN(
      fairness::AuditResult eg_tpr_audit,
      add("exp. gradient, TPR parity (randomized)", eg_tpr.classifier.ExpectedPrediction(p.x_train),
          eg_tpr.classifier.ExpectedPrediction(p.x_test),
          eg_tpr.classifier.Sample(p.x_test, o.seed)));
  const auto eg_tpr_det = eg_tpr.classifier.PredictDeterministic(p.x_test);
  WARDEN_RETURN_IF_ERROR(add("exp. gradient, TPR parity (best deterministic)",
                             as_double(eg_tpr.classifier.PredictDeterministic(p.x_train)),
                             as_double(eg_tpr_det), eg_tpr_det)
                             .status());
  WARDEN_ASSIGN_OR_RETURN(
      fairness::ReductionResult gs_tpr,
      fairness::GridSearch(p.x_train, p.y_train, g_tr.ids, g_tr.groups.size(), tpr_spec, ro));
  const auto gs_te = gs_tpr.classifier.PredictDeterministic(p.x_test);
  WARDEN_RETURN_IF_ERROR(add("grid search, TPR parity",
                             as_double(gs_tpr.classifier.PredictDeterministic(p.x_train)),
                             as_double(gs_te), gs_te)
                             .status());
  // 3. Equalized odds.
  fairness::ConstraintSpec eo_spec{fairness::Constraint::kEqualizedOdds, o.epsilon, 0};
  WARDEN_ASSIGN_OR_RETURN(fairness::ReductionResult eg_eo,
                          fairness::ExponentiatedGradient(p.x_train, p.y_train, g_tr.ids,
                                                          g_tr.groups.size(), eo_spec, ro));
  const std::vector<double> eg_eo_te = eg_eo.classifier.ExpectedPrediction(p.x_test);
  WARDEN_RETURN_IF_ERROR(add("exp. gradient, equalized odds (randomized)",
                             eg_eo.classifier.ExpectedPrediction(p.x_train), eg_eo_te,
                             eg_eo.classifier.Sample(p.x_test, o.seed))
                             .status());
  const auto eg_eo_det = eg_eo.classifier.PredictDeterministic(p.x_test);
  WARDEN_RETURN_IF_ERROR(add("exp. gradient, equalized odds (best deterministic)",
                             as_double(eg_eo.classifier.PredictDeterministic(p.x_train)),
                             as_double(eg_eo_det), eg_eo_det)
                             .status());
  // 4. Threshold post-processing of the unconstrained scores.
  const fairness::Frame sex_tr = OnlyColumn(p.s_train, "sex");
  const std::vector<std::string>& sex_tr_col = sex_tr.columns[0];
  const std::vector<std::string>& sex_te_col = sex_te.columns[0];
  std::vector<fairness::OperatingPoint> ops;
  for (fairness::Constraint c :
       {fairness::Constraint::kTruePositiveRateParity, fairness::Constraint::kEqualizedOdds}) {
    WARDEN_ASSIGN_OR_RETURN(fairness::ThresholdPostprocessor pp,
                            fairness::FitThresholds(s_tr, p.y_train, sex_tr_col, c));
    WARDEN_ASSIGN_OR_RETURN(std::vector<double> e_tr, pp.ExpectedPrediction(s_tr, sex_tr_col));
    WARDEN_ASSIGN_OR_RETURN(std::vector<double> e_te, pp.ExpectedPrediction(s_te, sex_te_col));
    WARDEN_ASSIGN_OR_RETURN(std::vector<uint8_t> d_te, pp.Sample(s_te, sex_te_col, o.seed));
    WARDEN_RETURN_IF_ERROR(
        add("threshold post-processing, " + std::string(fairness::ConstraintName(c)), e_tr, e_te,
            d_te)
            .status());
    if (c == fairness::Constraint::kEqualizedOdds) {
      const auto tpr = GroupRates(p.y_test, e_te, g_te, 1),
                 fpr = GroupRates(p.y_test, e_te, g_te, 0);
      for (size_t k = 0; k < g_te.groups.size(); ++k) {
        ops.push_back({"post-processed EO, " + g_te.groups[k] + " (test)", fpr[k], tpr[k]});
      }
    }
  }
  {
    const auto e = as_double(lr_te);
    const auto tpr = GroupRates(p.y_test, e, g_te, 1), fpr = GroupRates(p.y_test, e, g_te, 0);
    for (size_t k = 0; k < g_te.groups.size(); ++k) {
      ops.insert(ops.begin() + static_cast<long>(k),
                 {"threshold 0.5, " + g_te.groups[k] + " (test)", fpr[k], tpr[k]});
    }
  }

  // 5. The epsilon trade-off.
  std::vector<fairness::TradeoffPoint> tpr_points, eo_points;
  const std::vector<double> eps_grid =
      o.quick ? std::vector<double>{o.epsilon}
              : std::vector<double>{0.002, 0.005, 0.01, 0.02, 0.05, 0.1};
  for (const MethodRow& r : rows) {
    if (r.name.rfind("logistic", 0) == 0) {
      tpr_points.push_back({"unconstrained", 0, r.test_error, r.test_frr_gap});
      eo_points.push_back({"unconstrained", 0, r.test_error, r.aod});
    } else if (r.name.rfind("threshold post-processing, TruePositive", 0) == 0) {
      tpr_points.push_back({"threshold post-processing", 0, r.test_error, r.test_frr_gap});
    } else if (r.name.rfind("threshold post-processing, Equalized", 0) == 0) {
      eo_points.push_back({"threshold post-processing", 0, r.test_error, r.aod});
    }
  }
  for (double eps : eps_grid) {
    fairness::ConstraintSpec s1{fairness::Constraint::kTruePositiveRateParity, eps, 0};
    WARDEN_ASSIGN_OR_RETURN(fairness::ReductionResult a,
                            fairness::ExponentiatedGradient(p.x_train, p.y_train, g_tr.ids,
                                                            g_tr.groups.size(), s1, ro));
    const auto e = a.classifier.ExpectedPrediction(p.x_test);
    tpr_points.push_back(
        {"exponentiated gradient", eps, ErrorOf(p.y_test, e), RateGap(p.y_test, e, g_te, 1)});
    WARDEN_ASSIGN_OR_RETURN(
        fairness::ReductionResult b,
        fairness::GridSearch(p.x_train, p.y_train, g_tr.ids, g_tr.groups.size(), s1, ro));
    const auto eb = as_double(b.classifier.PredictDeterministic(p.x_test));
    tpr_points.push_back(
        {"grid search", eps, ErrorOf(p.y_test, eb), RateGap(p.y_test, eb, g_te, 1)});
    fairness::ConstraintSpec s2{fairness::Constraint::kEqualizedOdds, eps, 0};
    WARDEN_ASSIGN_OR_RETURN(fairness::ReductionResult c,
                            fairness::ExponentiatedGradient(p.x_train, p.y_train, g_tr.ids,
                                                            g_tr.groups.size(), s2, ro));
    const auto ec = c.classifier.ExpectedPrediction(p.x_test);
    const auto tpr = GroupRates(p.y_test, ec, g_te, 1), fpr = GroupRates(p.y_test, ec, g_te, 0);
    eo_points.push_back({"exponentiated gradient", eps, ErrorOf(p.y_test, ec),
                         std::abs(0.5 * ((fpr[0] - fpr[1]) + (tpr[0] - tpr[1])))});
  }

  // ---- page ----
  const fairness::GroupingResult& sex = lr_audit.groupings[0];
  const fairness::Disparity& frr = DisparityOf(sex, fairness::Metric::kFalseRejection);
  std::string& md = page->markdown;
  md += "## Adult (UCI), sensitive attribute: sex\n\n";
  md += "Train " + std::to_string(p.y_train.size()) + " rows (adult.data), test " +
        std::to_string(p.y_test.size()) +
        " rows (adult.test). Features: age, workclass, "
        "education, education_num, marital_status, occupation, relationship, capital_gain, "
        "capital_loss, hours_per_week, native_country (fnlwgt, sex and race left out); numbers "
        "standardized on train, categories one-hot, missing ('?') and unseen categories as an "
        "all-zero block (" +
        std::to_string(p.test_stats.missing_values) + " missing and " +
        std::to_string(p.test_stats.unseen_categories) +
        " unseen values in test). Logistic "
        "regression: L2 1e-4 on the mean log-loss, Newton.\n\n";
  md += "### Unconstrained logistic regression, test set\n\n";
  md += "Error " + F(lr_audit.overall_value[static_cast<int>(fairness::Metric::kErrorRate)]) +
        " (AUC " + F(lr_audit.overall_auc) + "). False-rejection gap by sex: **" +
        F(frr.difference) + "** " + CiText(frr.difference_ci) + " (highest: " + frr.highest +
        ", lowest: " + frr.lowest +
        ").\n\n| group | n | creditworthy (y=1) | selection | FRR [95% CI] | FPR [95% CI] | error "
        "| AUC |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& g : sex.groups) {
    md += "| " + g.group + " | " + std::to_string(g.counts.n()) + " | " +
          std::to_string(g.counts.positives()) + " | " + F(g.value[0]) + " | " + F(g.value[3]) +
          " " + CiText(g.ci[3]) + " | " + F(g.value[2]) + " " + CiText(g.ci[2]) + " | " +
          F(g.value[5]) + " | " + F(g.auc) + " |\n";
  }
  md += "\nCertification (tolerance " + F(o.epsilon, 3) + "):\n\n";
  for (const auto& w : sex.warnings) {
    if (w.metric == fairness::Metric::kFalseRejection) md += "- " + w.message + "\n";
  }
  md += "\nWorst pairs in other groupings (false-rejection rate):\n\n";
  for (size_t k = 1; k < lr_audit.groupings.size(); ++k) {
    const auto& d = DisparityOf(lr_audit.groupings[k], fairness::Metric::kFalseRejection);
    md += "- " + lr_audit.groupings[k].name + ": " + F(d.difference) + " " +
          CiText(d.difference_ci) + " between " + d.highest + " and " + d.lowest + " (" +
          std::to_string(lr_audit.groupings[k].warnings.size()) + " small-group warnings)\n";
  }
  md += "\n### Methods compared (epsilon " + F(o.epsilon, 3) + ", groups: sex)\n\n";
  md +=
      "Gaps are pairwise between women and men. 'Draw' is one seeded realization of the "
      "(possibly randomized) classifier on test, audited with its bootstrap interval.\n\n"
      "| method | train error | train FRR gap | test error | test FRR gap | draw FRR gap [95% CI] "
      "| test FPR gap | avg. odds diff. |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    md += "| " + r.name + " | " + F(r.train_error) + " | " + F(r.train_frr_gap) + " | " +
          F(r.test_error) + " | " + F(r.test_frr_gap) + " | " + F(r.draw_frr_gap) + " " +
          CiText(r.draw_frr_ci) + " | " + F(r.test_fpr_gap) + " | " + F(r.aod) + " |\n";
    char buf[512];
    std::snprintf(
        buf, sizeof buf,
        "{\"dataset\":\"adult\",\"method\":\"%s\",\"train_error\":%.6f,\"train_frr_gap\":%.6f,"
        "\"test_error\":%.6f,\"test_frr_gap\":%.6f,\"draw_frr_gap\":%.6f,\"draw_frr_ci\":[%.6f,%."
        "6f],"
        "\"test_fpr_gap\":%.6f,\"avg_odds_diff\":%.6f}",
        r.name.c_str(), r.train_error, r.train_frr_gap, r.test_error, r.test_frr_gap,
        r.draw_frr_gap, r.draw_frr_ci.lo, r.draw_frr_ci.hi, r.test_fpr_gap, r.aod);
    page->Json(buf);
  }
  md += "\nExponentiated gradient (TPR parity): " + std::to_string(eg_tpr.report.iterations) +
        " iterations, duality gap " + F(eg_tpr.report.final_gap_nu, 6) + ", " +
        std::to_string(eg_tpr.classifier.models.size()) +
        " classifiers in the mixture (timing: see the benchmark in docs/fairness-eval.md). "
        "Equalized odds: " +
        std::to_string(eg_eo.report.iterations) + " iterations, gap " +
        F(eg_eo.report.final_gap_nu, 6) + ".\n\n";
  md += "Small-group warnings on the constrained classifier's draw (tolerance " + F(o.epsilon, 3) +
        "):\n\n";
  for (const auto& w : eg_tpr_audit.groupings[0].warnings) {
    if (w.metric == fairness::Metric::kFalseRejection) md += "- " + w.message + "\n";
  }
  md += "\n";
  // HTML: full audit, trade-off charts, ROC.
  std::vector<fairness::RocSeries> rocs;
  for (size_t k = 0; k < g_te.groups.size(); ++k) {
    std::vector<double> s;
    std::vector<uint8_t> y;
    for (size_t i = 0; i < s_te.size(); ++i) {
      if (g_te.ids[i] == k) s.push_back(s_te[i]), y.push_back(p.y_test[i]);
    }
    rocs.push_back({g_te.groups[k], fairness::RocCurve(s, y)});
  }
  page->html += "<h2>Adult: unconstrained logistic regression, test audit</h2>\n" +
                fairness::AuditToHtml(lr_audit, {}) +
                "<h2>Adult: trade-offs across epsilon (test)</h2>\n" +
                fairness::TradeoffSvg("TruePositiveRateParity: error vs false-rejection gap",
                                      "FRR gap (test)", tpr_points) +
                fairness::TradeoffSvg("EqualizedOdds: error vs average odds difference",
                                      "avg. odds difference (test)", eo_points) +
                "<h2>Adult: ROC curves by sex (test) with operating points</h2>\n" +
                fairness::RocSvg("ROC by sex, logistic regression scores", rocs, ops);
  md +=
      "Trade-off across epsilon (test; expected predictions):\n\n| method | epsilon | test error | "
      "test gap |\n|---|---|---|---|\n";
  for (const auto& t : tpr_points) {
    md += "| " + t.method + " (FRR gap) | " + F(t.epsilon, 3) + " | " + F(t.error) + " | " +
          F(t.disparity) + " |\n";
  }
  for (const auto& t : eo_points) {
    md += "| " + t.method + " (avg. odds) | " + F(t.epsilon, 3) + " | " + F(t.error) + " | " +
          F(t.disparity) + " |\n";
  }
  md += "\n";
  return Status::Ok();
}

}  // namespace warden::eval
