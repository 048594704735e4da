// The steps behind the `warden fairness` commands, kept in the library so the
// CLI only parses arguments and prints: reading labelled CSVs, building an
// audit input from prediction/score columns, training a model with a chosen
// method, and writing predictions.
//
// Thread safety: pure functions.
#ifndef WARDEN_FAIRNESS_PIPELINE_H_
#define WARDEN_FAIRNESS_PIPELINE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "warden/fairness/audit.h"
#include "warden/fairness/data.h"
#include "warden/fairness/model.h"
#include "warden/fairness/subgroup.h"

namespace warden::fairness {

// A labelled table. format "csv" (header row; `label` and `sensitive` name
// columns; every other column not in `drop` is a feature), "adult" or
// "german" (UCI files; label and sensitive columns are the loader's, the
// `sensitive` list then selects among sex, race, age_group).
struct TableSpec {
  std::string path;
  std::string format = "csv";
  std::string label;
  std::vector<std::string> sensitive;
  std::vector<std::string> drop;
  std::vector<std::string> positive_labels;  // beyond "1"; e.g. ">50K"
};
Result<LabeledData> LoadTable(const TableSpec& spec);

// Audit input from a CSV with a label, and a prediction column (0/1) or a
// score column (thresholded at `threshold`), and sensitive columns.
struct AuditColumns {
  std::string label, prediction, score;
  double threshold = 0.5;
  std::vector<std::string> sensitive;
  std::vector<std::string> positive_labels;
};
Result<AuditInput> AuditInputFromCsv(const CsvTable& table, const AuditColumns& columns);

// Rich-subgroup audits (FPR and FNR) over numeric `attributes` columns of the
// table, or, when empty, over one-hot indicators of the sensitive columns.
Result<std::vector<SubgroupFinding>> RichSubgroupsFromCsv(
    const CsvTable& table, const AuditInput& input, const std::vector<std::string>& attributes,
    const std::vector<std::string>& sensitive);

struct TrainSpec {
  std::string method = "expgrad";  // logistic | expgrad | grid | threshold
  ConstraintSpec constraint;
  std::string group_column;  // sensitive column the constraint is over
  LogisticOptions learner;
  ReductionOptions reduction;
};
struct TrainOutcome {
  FairnessModel model;
  ReductionReport report;  // zero for logistic / threshold
  double train_error = 0, train_gap = 0;
};
Result<TrainOutcome> TrainModel(const LabeledData& data, const TrainSpec& spec);

// CSV text: row, score, expected, decision.
std::string PredictionsToCsv(const Predictions& p);

}  // namespace warden::fairness

#endif  // WARDEN_FAIRNESS_PIPELINE_H_
