// Fairness audit of a classifier's decisions: per-group and per-intersection
// rates with stratified bootstrap confidence intervals, disparities with the
// worst pair named, calibration, AUC, the "too small to certify" warning and
// the rich-subgroup (Kearns et al.) auditor.
//
// Label 1 = favourable (creditworthy); prediction 1 = approve. So
//   selection rate = P(pred=1), TPR = P(pred=1 | y=1), FPR = P(pred=1 | y=0),
//   false-rejection rate = P(pred=0 | y=1) (a creditworthy applicant refused,
//   identical to the FNR under this convention, reported under both names),
//   error rate, precision = P(y=1 | pred=1).
// A rate whose denominator is zero in a group (e.g. TPR in a group without
// positives) is NaN: it is left out of disparities and named in notes.
//
// Thread safety: pure functions.
#ifndef WARDEN_FAIRNESS_AUDIT_H_
#define WARDEN_FAIRNESS_AUDIT_H_

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/fairness/data.h"

namespace warden::fairness {

enum class Metric : int {
  kSelectionRate = 0,
  kTpr,
  kFpr,
  kFalseRejection,
  kFnr,
  kErrorRate,
  kPrecision,
};
inline constexpr int kNumMetrics = 7;
std::string_view MetricName(Metric m);

// Confusion counts of one group (or resample of it).
struct Counts {
  int64_t tp = 0, fp = 0, tn = 0, fn = 0;
  int64_t n() const { return tp + fp + tn + fn; }
  int64_t positives() const { return tp + fn; }
  int64_t negatives() const { return fp + tn; }
};
// The metric, or NaN when its denominator is zero.
double MetricValue(Metric m, const Counts& c);
// Number of rows the metric is an average over (its denominator).
int64_t MetricDenominator(Metric m, const Counts& c);

// Rows mapped to groups. With several columns the groups are their
// intersections, named "sex=Female&race=Black".
struct Grouping {
  std::string name;
  std::vector<std::string> groups;
  std::vector<uint32_t> ids;  // one per row
};
Grouping GroupBy(const Frame& sensitive, const std::vector<size_t>& columns);

struct Interval {
  double lo = std::numeric_limits<double>::quiet_NaN();
  double hi = std::numeric_limits<double>::quiet_NaN();
};

struct CalibrationBin {
  double lo = 0, hi = 0;
  int64_t count = 0;
  double mean_score = 0, positive_rate = 0;
};

struct GroupResult {
  std::string group;
  Counts counts;
  std::array<double, kNumMetrics> value{};
  std::array<Interval, kNumMetrics> ci{};
  double auc = std::numeric_limits<double>::quiet_NaN();  // needs scores
  Interval auc_ci;                                        // Hanley-McNeil
  std::vector<CalibrationBin> calibration;                // needs scores
};

struct Disparity {
  Metric metric = Metric::kSelectionRate;
  double difference = 0;  // max - min over groups where defined
  Interval difference_ci;
  double ratio = 0;  // min / max
  Interval ratio_ci;
  std::string highest, lowest;  // the worst pair
};

// A group whose interval on a rate is wider than the tolerance: it cannot
// certify "within tolerance". `needed` is the denominator (positives for the
// TPR / false-rejection rate) that would bring the normal-approximation
// half-width z*sqrt(p(1-p)/m) down to the tolerance.
struct SmallGroupWarning {
  std::string group;
  Metric metric = Metric::kTpr;
  int64_t denominator = 0;
  double half_width = 0;
  int64_t needed = 0;
  std::string message;
};

struct GroupingResult {
  std::string name;
  std::vector<GroupResult> groups;
  std::vector<Disparity> disparities;  // one per metric
  std::vector<SmallGroupWarning> warnings;
  std::vector<std::string> notes;
};

struct AuditOptions {
  int bootstrap_resamples = 1000;  // 0: no intervals
  uint64_t seed = 42;
  double confidence = 0.95;
  double tolerance = 0.01;  // the gap one wants to certify
  int calibration_bins = 10;
  bool intersections = true;  // also audit the intersection of all columns
  // Groups whose denominator for a metric (e.g. positives for the FRR) is
  // below this are reported but left out of that metric's disparity: the
  // bootstrap says nothing useful about a rate from a handful of rows (one
  // positive gives a rate of 0 or 1 with a zero-width interval).
  int64_t min_denominator = 30;
};

struct AuditInput {
  std::vector<uint8_t> labels;       // 0/1
  std::vector<uint8_t> predictions;  // 0/1
  std::vector<double> scores;        // optional, in [0,1]; empty: no AUC/calibration
  Frame sensitive;
};

struct AuditResult {
  Counts overall;
  std::array<double, kNumMetrics> overall_value{};
  double overall_auc = std::numeric_limits<double>::quiet_NaN();
  std::vector<GroupingResult> groupings;
  AuditOptions options;
};

Result<AuditResult> Audit(const AuditInput& input, const AuditOptions& options);

// ---- kernels (exposed for tests and benchmarks) ----

// Counts of each group.
std::vector<Counts> CountByGroup(const std::vector<uint32_t>& ids, size_t num_groups,
                                 const std::vector<uint8_t>& labels,
                                 const std::vector<uint8_t>& predictions);
// Stratified bootstrap: each resample redraws n_g rows with replacement inside
// every group g. Fast form: a multinomial draw over the group's four confusion
// cells (what resampling rows does to the counts), O(groups) per resample.
// Result: [resample * num_groups + g].
std::vector<Counts> BootstrapCountsFast(const std::vector<Counts>& groups, int resamples,
                                        uint64_t seed);
// Reference: resamples row indices one by one, O(rows) per resample.
std::vector<Counts> BootstrapCountsNaive(const std::vector<uint32_t>& ids, size_t num_groups,
                                         const std::vector<uint8_t>& labels,
                                         const std::vector<uint8_t>& predictions, int resamples,
                                         uint64_t seed);
// Mann-Whitney AUC with ties counted half; NaN without both classes.
double Auc(const std::vector<double>& scores, const std::vector<uint8_t>& labels);
// Reference O(P*N) AUC.
double AucNaive(const std::vector<double>& scores, const std::vector<uint8_t>& labels);
// Positives needed for half-width <= tolerance at rate p and quantile z.
int64_t RequiredDenominator(double p, double tolerance, double z);

}  // namespace warden::fairness

#endif  // WARDEN_FAIRNESS_AUDIT_H_
