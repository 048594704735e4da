// The fairness evaluation behind docs/fairness-eval.md (`warden fairness
// eval`): Adult by sex (unconstrained logistic regression, TPR parity and
// equalized odds by exponentiated gradient and grid search, threshold
// post-processing, the epsilon trade-off), German credit by age group, and
// the rich-subgroup audit before and after constrained training on
// Communities & Crime. Everything is seeded; the same command gives the same
// page.
//
// Thread safety: runs single-threaded; not re-entrant on the same paths.
#ifndef WARDEN_SRC_EVAL_FAIRNESS_FAIRNESS_EVAL_H_
#define WARDEN_SRC_EVAL_FAIRNESS_FAIRNESS_EVAL_H_

#include <cstdint>
#include <string>

#include "warden/core/status.h"

namespace warden::eval {

struct EvalOptions {
  std::string data_dir;       // holds adult.data, adult.test, german.data, communities*.csv
  std::string markdown_path;  // e.g. docs/fairness-eval.md ("" : not written)
  std::string html_path;      // e.g. docs/fairness-eval/report.html
  std::string json_path;      // machine-readable summary
  int bootstrap = 1000;
  uint64_t seed = 42;
  double epsilon = 0.01;
  bool quick = false;   // smoke test: few iterations, fewer resamples, no sweep
  std::string command;  // echoed into the page as the reproduction command
};

// Runs everything and returns the markdown (also written when a path is set).
Result<std::string> RunFairnessEval(const EvalOptions& options);

}  // namespace warden::eval

#endif  // WARDEN_SRC_EVAL_FAIRNESS_FAIRNESS_EVAL_H_
