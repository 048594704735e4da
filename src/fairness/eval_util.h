// Helpers shared by the evaluation's parts (eval_adult.cc, eval_more.cc).
#ifndef WARDEN_FAIRNESS_EVAL_UTIL_H_
#define WARDEN_FAIRNESS_EVAL_UTIL_H_

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "warden/fairness_audit.h"
#include "warden/fairness_data.h"
#include "warden/fairness_eval.h"
#include "warden/fairness_report.h"
#include "warden/fairness_train.h"

namespace warden::fairness::eval {

struct Prepared {
  Encoder encoder;
  Matrix x_train, x_test;
  std::vector<uint8_t> y_train, y_test;
  Frame s_train, s_test;
  TransformStats test_stats;
};

Result<Prepared> Prepare(const LabeledData& train, const LabeledData& test);
// A seeded shuffle split of one data set (train_fraction of rows to train).
void SplitRows(const LabeledData& all, double train_fraction, uint64_t seed, LabeledData* train,
               LabeledData* test);
// Group ids of one sensitive column.
Grouping Groups(const Frame& sensitive, const std::string& column);
Frame OnlyColumn(const Frame& f, const std::string& column);

std::vector<uint8_t> Threshold(const std::vector<double>& scores, double t = 0.5);
std::vector<double> Scores(const LogisticModel& m, const Matrix& x);
double ErrorOf(const std::vector<uint8_t>& y, const std::vector<double>& expected);
// Largest pairwise gap of E[pred | y=label, group] over groups (expected
// predictions; NaN without groups).
double RateGap(const std::vector<uint8_t>& y, const std::vector<double>& expected,
               const Grouping& g, int label);

std::string F(double v, int digits = 4);
std::string CiText(const Interval& ci);
const Disparity& DisparityOf(const GroupingResult& g, Metric m);

// What each section contributes to the page, JSON and charts.
struct Page {
  std::string markdown;
  std::string html;
  std::string json_items;  // comma-separated JSON objects
  void Json(const std::string& object) {
    if (!json_items.empty()) json_items += ",\n";
    json_items += object;
  }
};

Status RunAdult(const EvalOptions& options, Page* page);
Status RunGerman(const EvalOptions& options, Page* page);
Status RunCommunities(const EvalOptions& options, Page* page);

}  // namespace warden::fairness::eval

#endif  // WARDEN_FAIRNESS_EVAL_UTIL_H_
