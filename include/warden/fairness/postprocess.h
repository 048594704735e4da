// Threshold post-processing (Hardt, Price & Srebro 2016): group-specific,
// randomized thresholds on a score so that the chosen rates match across
// groups while accuracy is as high as the per-group ROC curves allow.
//
// For DemographicParity / TruePositiveRateParity / FalsePositiveRateParity a
// common value x of the constrained rate is chosen on a fine grid; every group
// reaches x on the upper concave hull of its (rate, accuracy) curve by mixing
// two adjacent thresholds. For EqualizedOdds the common (FPR, TPR) point lies
// under every group's ROC hull; a group whose hull is above it mixes its hull
// point with the constant "approve with probability FPR" classifier (a point
// on the diagonal), as in the paper. The group is needed at prediction time.
//
// Thread safety: pure functions; the post-processor is a value.
#ifndef WARDEN_FAIRNESS_POSTPROCESS_H_
#define WARDEN_FAIRNESS_POSTPROCESS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "warden/core/status.h"
#include "warden/fairness/train.h"

namespace warden::fairness {

// One group's rule: with probability `mix` use the score rule (approve when
// score >= threshold_a, or, with probability p_b, when score >= threshold_b),
// otherwise approve with probability `constant`.
struct GroupThreshold {
  std::string group;
  double threshold_a = 0, threshold_b = 0, p_b = 0;
  double mix = 1, constant = 0;
  double target_x = 0, target_y = 0;  // the operating point reached (train)
  double ApproveProbability(double score) const;
};

struct ThresholdPostprocessor {
  Constraint constraint = Constraint::kEqualizedOdds;
  std::vector<GroupThreshold> groups;
  double train_error = 0;  // expected, on the fitting data
  // Expected approvals; a group unknown to the post-processor is an error.
  Result<std::vector<double>> ExpectedPrediction(const std::vector<double>& scores,
                                                 const std::vector<std::string>& groups) const;
  // Reproducible draws: row i uses a hash of (seed, i).
  Result<std::vector<uint8_t>> Sample(const std::vector<double>& scores,
                                      const std::vector<std::string>& groups, uint64_t seed) const;
};

// Points of one group's ROC curve: (FPR, TPR) for "approve score >= t" at each
// distinct score, plus (0,0) and (1,1).
struct RocPoint {
  double fpr = 0, tpr = 0, threshold = 0;
};
std::vector<RocPoint> RocCurve(const std::vector<double>& scores,
                               const std::vector<uint8_t>& labels);

Result<ThresholdPostprocessor> FitThresholds(const std::vector<double>& scores,
                                             const std::vector<uint8_t>& labels,
                                             const std::vector<std::string>& groups,
                                             Constraint constraint, int grid_points = 1001);

// Uniform [0,1) draw for (seed, row): shared by every randomized predictor.
double RowUniform(uint64_t seed, uint64_t row);

}  // namespace warden::fairness

#endif  // WARDEN_FAIRNESS_POSTPROCESS_H_
