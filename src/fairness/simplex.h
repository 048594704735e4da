// A small dense two-phase simplex for the reductions' final mixing step
// (tens of variables, tens of rows). Not a general LP solver: no sparsity,
// Bland's rule for termination, tolerances tuned for well-scaled problems.
//
// Thread safety: pure function.
#ifndef WARDEN_SRC_FAIRNESS_SIMPLEX_H_
#define WARDEN_SRC_FAIRNESS_SIMPLEX_H_

#include <vector>

namespace warden::fairness {

// min c'x subject to A x = b, x >= 0, with b >= 0 (rows may be negated by the
// caller). A is rows x c.size(), row-major. Returns false when infeasible or
// unbounded; x then is unspecified.
// `duals` (optional) receives y with A'y <= c at the optimum (b'y = c'x).
bool SolveStandardLp(const std::vector<double>& c, const std::vector<double>& a,
                     const std::vector<double>& b, std::vector<double>* x,
                     std::vector<double>* duals = nullptr);

// The reductions' LP: choose mixing weights q over classifiers (errors e_j,
// constraint violations gamma[k][j]) minimizing sum_j q_j e_j + B * s where
// s = max(0, max_k sum_j q_j gamma[k][j]). Returns q (sums to 1) and, when
// `lambda` is given, the LP's multipliers on the K constraints (>= 0, sum
// <= B): the saddle point's lambda restricted to these classifiers.
std::vector<double> BestMixture(const std::vector<double>& errors,
                                const std::vector<std::vector<double>>& gammas, double bound,
                                std::vector<double>* lambda = nullptr);

}  // namespace warden::fairness

#endif  // WARDEN_SRC_FAIRNESS_SIMPLEX_H_
