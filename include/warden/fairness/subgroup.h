// Rich-subgroup audit (Kearns, Neel, Roth & Wu, "Preventing Fairness
// Gerrymandering", ICML 2018; the GerryFair auditor): among subgroups defined
// by a linear threshold on the sensitive attributes, g(a) = 1[w.a > t], find
// the one with the largest size-weighted violation
//   FPR: P(g=1 | y=0) * |FPR(g) - FPR|     FNR: P(g=1 | y=1) * |FNR(g) - FNR|.
// The objective is linear in membership (sum over g of pred_i - base), so the
// search is a cost-sensitive classification solved, as GerryFair does, by a
// least-squares regression of the per-row costs on the attributes; warden
// then scans every threshold along the fitted direction (exact in 1-D), which
// can only improve on the regression's own zero threshold.
//
// Thread safety: pure function.
#ifndef WARDEN_FAIRNESS_SUBGROUP_H_
#define WARDEN_FAIRNESS_SUBGROUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "warden/core/status.h"

namespace warden::fairness {

enum class SubgroupRate { kFpr, kFnr };

struct SubgroupFinding {
  SubgroupRate rate = SubgroupRate::kFpr;
  std::vector<std::string> attributes;
  std::vector<double> coefficients;  // w, on the raw attribute scale
  double threshold = 0;              // member when w.a > threshold
  int64_t size = 0;                  // rows in the subgroup (all labels)
  int64_t event_size = 0;            // rows in the subgroup with y=0 (FPR) / y=1 (FNR)
  double fraction = 0;               // size / rows
  double subgroup_rate = 0, base_rate = 0;
  double violation = 0;          // P(g=1 | event) * |rate(g) - base|
  std::string Describe() const;  // "0.8*racepctblack - 0.1*... > 0.3"
};

// attributes: [column][row]; predictions: P(approve) in [0,1] per row.
Result<SubgroupFinding> AuditRichSubgroup(const std::vector<std::string>& names,
                                          const std::vector<std::vector<double>>& attributes,
                                          const std::vector<uint8_t>& labels,
                                          const std::vector<double>& predictions, SubgroupRate rate,
                                          double ridge = 1e-6);

// Exhaustive reference for tests: the best violation over every threshold
// along a given direction (what the fast scan must match).
double BestViolationAlong(const std::vector<double>& direction,
                          const std::vector<std::vector<double>>& attributes,
                          const std::vector<uint8_t>& labels,
                          const std::vector<double>& predictions, SubgroupRate rate);

}  // namespace warden::fairness

#endif  // WARDEN_FAIRNESS_SUBGROUP_H_
