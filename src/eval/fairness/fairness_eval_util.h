// Helpers shared by the evaluation's parts (eval_adult.cc, eval_more.cc).
#ifndef WARDEN_SRC_EVAL_FAIRNESS_FAIRNESS_EVAL_UTIL_H_
#define WARDEN_SRC_EVAL_FAIRNESS_FAIRNESS_EVAL_UTIL_H_

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "eval/fairness/fairness_eval.h"
#include "warden/fairness/audit.h"
#include "warden/fairness/data.h"
#include "warden/fairness/report.h"
#include "warden/fairness/train.h"

namespace warden::eval {

struct Prepared {
  fairness::Encoder encoder;
  fairness::Matrix x_train, x_test;
  std::vector<uint8_t> y_train, y_test;
  fairness::Frame s_train, s_test;
  fairness::TransformStats test_stats;
};

Result<Prepared> Prepare(const fairness::LabeledData& train, const fairness::LabeledData& test);
// A seeded shuffle split of one data set (train_fraction of rows to train).
void SplitRows(const fairness::LabeledData& all, double train_fraction, uint64_t seed,
               fairness::LabeledData* train, fairness::LabeledData* test);
// Group ids of one sensitive column.
fairness::Grouping Groups(const fairness::Frame& sensitive, const std::string& column);
fairness::Frame OnlyColumn(const fairness::Frame& f, const std::string& column);

std::vector<uint8_t> Threshold(const std::vector<double>& scores, double t = 0.5);
std::vector<double> Scores(const fairness::LogisticModel& m, const fairness::Matrix& x);
double ErrorOf(const std::vector<uint8_t>& y, const std::vector<double>& expected);
// Largest pairwise gap of E[pred | y=label, group] over groups (expected
// predictions; NaN without groups).
double RateGap(const std::vector<uint8_t>& y, const std::vector<double>& expected,
               const fairness::Grouping& g, int label);

std::string F(double v, int digits = 4);
std::string CiText(const fairness::Interval& ci);
const fairness::Disparity& DisparityOf(const fairness::GroupingResult& g, fairness::Metric m);

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

}  // namespace warden::eval

#endif  // WARDEN_SRC_EVAL_FAIRNESS_FAIRNESS_EVAL_UTIL_H_
