// `warden fairness audit|train|predict|eval`: argument parsing and printing;
// the work is in the library (warden/fairness_*.h).
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/common.h"
#include "eval/fairness/fairness_eval.h"
#include "warden/core/io.h"
#include "warden/core/paths.h"
#include "warden/fairness/pipeline.h"
#include "warden/fairness/report.h"

namespace warden::cli {
namespace {

using namespace warden::fairness;  // NOLINT: CLI glue

struct AuditArgs {
  std::string input, json, html;
  fairness::AuditColumns columns;
  std::vector<std::string> subgroup_attributes;
  bool no_subgroups = false;
  fairness::AuditOptions options;
};

void RunAudit(const AuditArgs& a) {
  fairness::CsvTable table = OrDie(fairness::ReadCsv(a.input));
  Result<fairness::AuditInput> in = fairness::AuditInputFromCsv(table, a.columns);
  if (!in.ok()) Fail(in.status().WithContext(a.input));
  fairness::AuditResult audit = OrDie(fairness::Audit(*in, a.options));
  std::vector<fairness::SubgroupFinding> subgroups;
  if (!a.no_subgroups) {
    subgroups = OrDie(
        fairness::RichSubgroupsFromCsv(table, *in, a.subgroup_attributes, a.columns.sensitive));
  }
  std::cout << fairness::AuditToText(audit, subgroups);
  if (!a.json.empty())
    OrDie(core::WriteFileAtomic(a.json, fairness::AuditToJson(audit, subgroups)));
  if (!a.html.empty()) {
    OrDie(
        core::WriteFileAtomic(a.html, fairness::HtmlPage("warden fairness audit: " + a.input,
                                                         fairness::AuditToHtml(audit, subgroups))));
  }
}

struct TrainArgs {
  fairness::TableSpec table;
  fairness::TrainSpec spec;
  std::string constraint = "TruePositiveRateParity";
  std::string out;
};

void RunTrain(TrainArgs& a) {
  a.spec.constraint.kind = OrDie(fairness::ParseConstraint(a.constraint));
  if (a.spec.group_column.empty() && !a.table.sensitive.empty()) {
    a.spec.group_column = a.table.sensitive[0];
  }
  fairness::LabeledData data = OrDie(fairness::LoadTable(a.table));
  fairness::TrainOutcome t = OrDie(TrainModel(data, a.spec));
  t.model.label_column = a.table.label;
  OrDie(core::WriteFileAtomic(a.out, t.model.ToJson()));
  std::printf("%s: %s; %zu rows, train error %.4f", a.out.c_str(), t.model.description.c_str(),
              data.labels.size(), t.train_error);
  if (a.spec.method == "expgrad" || a.spec.method == "grid") {
    std::printf(
        ", train gap %.4f (best deterministic: error %.4f, gap %.4f), %zu classifiers, %d "
        "iterations",
        t.train_gap, t.report.deterministic_error, t.report.deterministic_gap,
        t.model.classifier.models.size(), t.report.iterations);
  }
  std::printf("\n");
}

struct PredictArgs {
  fairness::TableSpec table;
  std::string model, out;
  uint64_t seed = 42;
  bool deterministic = false;
};

void RunPredict(PredictArgs& a) {
  fairness::FairnessModel model =
      OrDie(fairness::FairnessModel::FromJson(OrDie(core::ReadFile(a.model))));
  if (a.table.label.empty()) a.table.label = model.label_column;
  if (a.table.sensitive.empty() && !model.sensitive_column.empty()) {
    a.table.sensitive = {model.sensitive_column};
  }
  fairness::LabeledData data = OrDie(fairness::LoadTable(a.table));
  fairness::Predictions p =
      OrDie(Predict(model, data.features, data.sensitive, a.seed, a.deterministic));
  const std::string csv = fairness::PredictionsToCsv(p);
  if (a.out.empty() || a.out == "-") {
    std::cout << csv;
  } else {
    OrDie(core::WriteFileAtomic(a.out, csv));
  }
}

void AddTableOptions(CLI::App* c, fairness::TableSpec* t, bool label_required) {
  c->add_option("-i,--input", t->path, "CSV (or UCI file with --format)")->required();
  c->add_option("--format", t->format, "csv, adult or german")->capture_default_str();
  auto* l = c->add_option("--label", t->label, "label column (1 = favourable)");
  if (label_required) l->required();
  c->add_option("--sensitive", t->sensitive, "sensitive column(s), kept out of the features")
      ->delimiter(',');
  c->add_option("--drop", t->drop, "columns to ignore")->delimiter(',');
  c->add_option("--positive-label", t->positive_labels, "label values meaning 1 (besides 1)")
      ->delimiter(',');
}

}  // namespace

void RegisterFairness(CLI::App& app) {
  CLI::App* f =
      app.add_subcommand("fairness", "audit, train and evaluate classifiers for group fairness");
  f->require_subcommand(1);

  auto audit = std::make_shared<AuditArgs>();
  CLI::App* au = f->add_subcommand("audit",
                                   "per-group rates with bootstrap intervals, disparities, "
                                   "small-group warnings, rich subgroups");
  au->add_option("-i,--input", audit->input,
                 "CSV with labels, predictions or scores, sensitive columns")
      ->required();
  au->add_option("--label", audit->columns.label, "label column (1 = favourable)")->required();
  au->add_option("--prediction", audit->columns.prediction, "0/1 decision column (1 = approve)");
  au->add_option("--score", audit->columns.score,
                 "score column in [0,1] (enables AUC, calibration)");
  au->add_option("--threshold", audit->columns.threshold, "approve when score >= threshold")
      ->capture_default_str();
  au->add_option("--sensitive", audit->columns.sensitive, "sensitive column(s); intersections too")
      ->delimiter(',')
      ->required();
  au->add_option("--positive-label", audit->columns.positive_labels, "label values meaning 1")
      ->delimiter(',');
  au->add_option("--bootstrap", audit->options.bootstrap_resamples, "bootstrap resamples")
      ->capture_default_str();
  au->add_option("--seed", audit->options.seed, "bootstrap seed")->capture_default_str();
  au->add_option("--tolerance", audit->options.tolerance, "gap to certify (small-group warning)")
      ->capture_default_str();
  au->add_option("--min-group", audit->options.min_denominator,
                 "smallest denominator a group needs to enter a disparity")
      ->capture_default_str();
  au->add_option("--confidence", audit->options.confidence, "interval level")
      ->capture_default_str();
  au->add_option("--subgroup-attributes", audit->subgroup_attributes,
                 "numeric columns for the rich-subgroup audit (default: sensitive indicators)")
      ->delimiter(',');
  au->add_flag("--no-subgroups", audit->no_subgroups, "skip the rich-subgroup audit");
  au->add_option("--json", audit->json, "write the audit as JSON");
  au->add_option("--html", audit->html, "write a self-contained HTML report");
  au->callback([audit]() { RunAudit(*audit); });

  auto train = std::make_shared<TrainArgs>();
  CLI::App* tr =
      f->add_subcommand("train", "train logistic regression, optionally under a constraint");
  AddTableOptions(tr, &train->table, /*label_required=*/false);
  tr->add_option("--method", train->spec.method, "logistic, expgrad, grid or threshold")
      ->capture_default_str();
  tr->add_option("--constraint", train->constraint,
                 "DemographicParity, TruePositiveRateParity, FalsePositiveRateParity, "
                 "EqualizedOdds, ErrorRateParity")
      ->capture_default_str();
  tr->add_option("--group", train->spec.group_column,
                 "sensitive column constrained (default: first)");
  tr->add_option("--epsilon", train->spec.constraint.epsilon, "difference bound")
      ->capture_default_str();
  tr->add_option("--ratio", train->spec.constraint.ratio,
                 "ratio bound in (0,1] instead of epsilon");
  tr->add_option("--l2", train->spec.learner.l2, "L2 penalty")->capture_default_str();
  tr->add_option("--iterations", train->spec.reduction.max_iterations,
                 "exponentiated-gradient rounds")
      ->capture_default_str();
  tr->add_option("--grid-size", train->spec.reduction.grid_size, "grid search points")
      ->capture_default_str();
  tr->add_option("-o,--out", train->out, "model JSON")->required();
  tr->callback([train]() {
    train->spec.reduction.learner = train->spec.learner;
    RunTrain(*train);
  });

  auto predict = std::make_shared<PredictArgs>();
  CLI::App* pr = f->add_subcommand("predict", "apply a saved model: row,score,expected,decision");
  AddTableOptions(pr, &predict->table, /*label_required=*/false);
  pr->add_option("-m,--model", predict->model, "model JSON")->required();
  pr->add_option("-o,--out", predict->out, "output CSV (default stdout)");
  pr->add_option("--seed", predict->seed, "seed of the randomized decisions")
      ->capture_default_str();
  pr->add_flag("--deterministic", predict->deterministic, "use the best single classifier");
  pr->callback([predict]() { RunPredict(*predict); });

  auto ev = std::make_shared<eval::EvalOptions>();
  CLI::App* e = f->add_subcommand("eval", "the evaluation of docs/fairness-eval.md");
  e->add_option("--data-dir", ev->data_dir,
                "Adult, German credit, Communities files (default <data dir>/fairness: "
                "$WARDEN_DATA_DIR, else ../shared/data)");
  e->add_option("--out", ev->markdown_path, "markdown page to write");
  e->add_option("--html", ev->html_path, "HTML report to write");
  e->add_option("--json", ev->json_path, "JSON summary to write");
  e->add_option("--bootstrap", ev->bootstrap, "bootstrap resamples")->capture_default_str();
  e->add_option("--seed", ev->seed, "seed")->capture_default_str();
  e->add_option("--epsilon", ev->epsilon, "constraint bound")->capture_default_str();
  e->add_flag("--quick", ev->quick, "smoke test: fewer iterations and resamples, no sweep");
  e->callback([ev]() {
    if (ev->data_dir.empty()) ev->data_dir = core::ResolveResourcePaths({}).data_dir + "/fairness";
    ev->command =
        "warden fairness eval" + (ev->markdown_path.empty() ? "" : " --out " + ev->markdown_path) +
        (ev->html_path.empty() ? "" : " --html " + ev->html_path) +
        (ev->json_path.empty() ? "" : " --json " + ev->json_path) + (ev->quick ? " --quick" : "");
    const std::string md = OrDie(eval::RunFairnessEval(*ev));
    if (ev->markdown_path.empty()) std::cout << md;
  });
}

}  // namespace warden::cli
