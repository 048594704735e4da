// Training under fairness constraints: the logistic-regression base learner,
// the reductions of Agarwal et al. (2018) (exponentiated gradient and grid
// search) that turn a constraint into a sequence of weighted classification
// problems, and the randomized classifier they return.
//
// Constraints are "moments" over groups, all with label 1 = favourable:
//   DemographicParity        E[h | g]        equal across groups
//   TruePositiveRateParity   E[h | y=1, g]   (equal false-rejection rates)
//   FalsePositiveRateParity  E[h | y=0, g]
//   EqualizedOdds            both of the above
//   ErrorRateParity          E[|h - y| | g]
// Difference bound, pairwise (default): every two groups' rates within
// epsilon of each other, which is what "within 1%" means to a reader. It is
// enforced through the overall rate: with two groups |E[.|g] - E[.]| <=
// epsilon (1 - w_g), w_g the group's share of the event (exactly equivalent);
// with more, epsilon / 2 (sufficient). With `pairwise = false` the bound is
// Fairlearn's |E[.|g] - E[.]| <= epsilon, whose pairwise gap can exceed it.
// Ratio bound r in (0,1]: r E[.|g] <= E[.] and r E[.] <= E[.|g].
//
// Thread safety: pure functions; models are values.
#ifndef WARDEN_FAIRNESS_TRAIN_H_
#define WARDEN_FAIRNESS_TRAIN_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/fairness/data.h"

namespace warden::fairness {

struct LogisticOptions {
  double l2 = 1e-4;  // on the mean log-loss; the intercept is not penalized
  int max_iterations = 50;
  double tolerance = 1e-8;  // on the Newton decrement (half of it)
};

struct LogisticModel {
  std::vector<double> weights;
  double bias = 0;
  double Probability(const double* x) const;
};

// Newton's method on the weighted mean log-loss + l2/2 |w|^2. `sample_weights`
// empty means all 1. Deterministic. A warm start speeds up the reductions.
Result<LogisticModel> FitLogistic(const Matrix& x, const std::vector<uint8_t>& labels,
                                  const std::vector<double>& sample_weights,
                                  const LogisticOptions& options,
                                  const LogisticModel* warm_start = nullptr);

enum class Constraint {
  kDemographicParity,
  kTruePositiveRateParity,
  kFalsePositiveRateParity,
  kEqualizedOdds,
  kErrorRateParity,
};
Result<Constraint> ParseConstraint(std::string_view name);
std::string_view ConstraintName(Constraint c);

struct ConstraintSpec {
  Constraint kind = Constraint::kTruePositiveRateParity;
  double epsilon = 0.01;  // difference bound (used when ratio == 0)
  double ratio = 0;       // ratio bound in (0, 1]; 0: use the difference bound
  bool pairwise = true;   // see above
};

// The linear constraint system over a data set: gamma_k(h) = sum_i h_i a_ki
// + b_k <= 0 for each group, event and sign.
class Moments {
 public:
  static Result<Moments> Build(const std::vector<uint8_t>& labels,
                               const std::vector<uint32_t>& groups, size_t num_groups,
                               const ConstraintSpec& spec);
  size_t num_constraints() const { return constraints_.size(); }
  // Constraints come in (+, -) pairs per event and group, events in order.
  int ConstraintEvent(size_t k) const { return constraints_[k].event; }
  // Violations gamma(h) (slack included) for expected predictions h_i in [0,1].
  std::vector<double> Gamma(const std::vector<double>& h) const;
  // Largest |E[.|event,g] - E[.|event,g']| over pairs: the pairwise gap.
  double PairwiseGap(const std::vector<double>& h) const;
  // d(err + lambda.gamma)/dh_i for every row: the cost of predicting 1
  // minus predicting 0.
  std::vector<double> Costs(const std::vector<double>& lambda) const;

 private:
  struct Con {
    int event;  // 0: all rows, 1: y=1, 2: y=0
    uint32_t group;
    int sign;        // +1 / -1
    double epsilon;  // this constraint's slack against the overall rate
  };
  std::vector<uint8_t> labels_;
  std::vector<uint32_t> groups_;
  size_t num_groups_ = 0;
  ConstraintSpec spec_;
  std::vector<Con> constraints_;
  std::vector<int> events_;
  // Row counts by [event][group], and by event.
  std::vector<std::vector<double>> n_event_group_;
  std::vector<double> n_event_;
  bool error_moment_ = false;
};

// A distribution over deterministic classifiers (thresholded at 0.5).
struct RandomizedClassifier {
  std::vector<LogisticModel> models;
  std::vector<double> weights;    // sums to 1
  size_t best_deterministic = 0;  // index of the best single model
  // P(predict 1) per row.
  std::vector<double> ExpectedPrediction(const Matrix& x) const;
  // A draw per row, reproducible: row i uses a hash of (seed, i).
  std::vector<uint8_t> Sample(const Matrix& x, uint64_t seed) const;
  std::vector<uint8_t> PredictDeterministic(const Matrix& x) const;
};

struct ReductionOptions {
  int max_iterations = 50;
  double bound = 0;   // B, the l1 bound on the multipliers; 0: 1/epsilon
  double nu = 0;      // stopping duality gap; 0: 1e-3 (about Fairlearn's
                      // 0.5 sd(error)/sqrt(n) on Adult)
  double eta0 = 2.0;  // initial step
  LogisticOptions learner;
  int grid_size = 21;  // grid search: points per dimension cap
};

struct ReductionReport {
  int iterations = 0;
  double train_error = 0;          // of the randomized classifier (expected)
  double train_gap = 0;            // its pairwise gap (expected)
  double deterministic_error = 0;  // of models[best_deterministic]
  double deterministic_gap = 0;
  double final_gap_nu = 0;  // the duality gap reached
};

struct ReductionResult {
  RandomizedClassifier classifier;
  ReductionReport report;
};

Result<ReductionResult> ExponentiatedGradient(const Matrix& x, const std::vector<uint8_t>& labels,
                                              const std::vector<uint32_t>& groups,
                                              size_t num_groups, const ConstraintSpec& spec,
                                              const ReductionOptions& options);
// Grid search over Lagrange multipliers: one weighted fit per grid point; the
// result is the single classifier with the lowest training error among those
// meeting the bound (else the smallest violation). Deterministic.
Result<ReductionResult> GridSearch(const Matrix& x, const std::vector<uint8_t>& labels,
                                   const std::vector<uint32_t>& groups, size_t num_groups,
                                   const ConstraintSpec& spec, const ReductionOptions& options);

}  // namespace warden::fairness

#endif  // WARDEN_FAIRNESS_TRAIN_H_
