// Two-phase tableau simplex with Bland's rule (see simplex.h).
#include "fairness/simplex.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace warden::fairness {
namespace {

constexpr double kEps = 1e-11;

// Tableau: m rows of [A | b], objective row last as reduced costs [c | -z].
struct Tableau {
  size_t m = 0, n = 0;  // constraints, columns (without rhs)
  std::vector<double> t;
  std::vector<size_t> basis;
  double& at(size_t r, size_t col) { return t[r * (n + 1) + col]; }

  void Pivot(size_t r, size_t col) {
    const double p = at(r, col);
    for (size_t j = 0; j <= n; ++j) at(r, j) /= p;
    for (size_t i = 0; i <= m; ++i) {
      if (i == r) continue;
      const double f = at(i, col);
      if (f == 0) continue;
      for (size_t j = 0; j <= n; ++j) at(i, j) -= f * at(r, j);
    }
    basis[r] = col;
  }

  // Minimizes the objective row over columns < `allowed`; false if unbounded.
  bool Run(size_t allowed) {
    for (int iter = 0; iter < 100000; ++iter) {
      size_t enter = n;
      for (size_t j = 0; j < allowed; ++j) {
        if (at(m, j) < -kEps) {
          enter = j;  // Bland: lowest index
          break;
        }
      }
      if (enter == n) return true;
      size_t leave = m;
      double best = 0;
      for (size_t i = 0; i < m; ++i) {
        if (at(i, enter) > kEps) {
          const double ratio = at(i, n) / at(i, enter);
          if (leave == m || ratio < best - kEps ||
              (std::abs(ratio - best) <= kEps && basis[i] < basis[leave])) {
            leave = i;
            best = ratio;
          }
        }
      }
      if (leave == m) return false;
      Pivot(leave, enter);
    }
    return false;
  }
};

}  // namespace

bool SolveStandardLp(const std::vector<double>& c, const std::vector<double>& a,
                     const std::vector<double>& b, std::vector<double>* x,
                     std::vector<double>* duals) {
  const size_t m = b.size(), nv = c.size();
  Tableau tab;
  tab.m = m;
  tab.n = nv + m;  // originals + artificials
  tab.t.assign((m + 1) * (tab.n + 1), 0.0);
  tab.basis.resize(m);
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j < nv; ++j) tab.at(i, j) = a[i * nv + j];
    tab.at(i, nv + i) = 1;
    tab.at(i, tab.n) = b[i];
    tab.basis[i] = nv + i;
  }
  // Phase 1: minimize the sum of artificials.
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j <= tab.n; ++j) {
      if (j < nv || j == tab.n) tab.at(m, j) -= tab.at(i, j);
    }
  }
  if (!tab.Run(tab.n)) return false;
  if (-tab.at(m, tab.n) > 1e-8) return false;  // infeasible
  // Drive artificials out of the basis where possible.
  for (size_t i = 0; i < m; ++i) {
    if (tab.basis[i] < nv) continue;
    for (size_t j = 0; j < nv; ++j) {
      if (std::abs(tab.at(i, j)) > kEps) {
        tab.Pivot(i, j);
        break;
      }
    }
  }
  // Phase 2: the real objective over original columns only.
  for (size_t j = 0; j <= tab.n; ++j) tab.at(m, j) = j < nv ? c[j] : 0;
  for (size_t i = 0; i < m; ++i) {
    const size_t bcol = tab.basis[i];
    if (bcol >= nv) continue;
    const double f = tab.at(m, bcol);
    if (f == 0) continue;
    for (size_t j = 0; j <= tab.n; ++j) tab.at(m, j) -= f * tab.at(i, j);
  }
  if (!tab.Run(nv)) return false;
  x->assign(nv, 0.0);
  for (size_t i = 0; i < m; ++i) {
    if (tab.basis[i] < nv) (*x)[tab.basis[i]] = tab.at(i, tab.n);
  }
  // Artificial column i has cost 0 and column e_i, so its reduced cost is
  // -y_i.
  if (duals) {
    duals->resize(m);
    for (size_t i = 0; i < m; ++i) (*duals)[i] = -tab.at(m, nv + i);
  }
  return true;
}

std::vector<double> BestMixture(const std::vector<double>& errors,
                                const std::vector<std::vector<double>>& gammas, double bound,
                                std::vector<double>* lambda) {
  const size_t T = errors.size(), K = gammas.size();
  // Variables: q (T), s, slack (K). Rows: K of gamma.q - s + slack = 0, and
  // sum q = 1.
  const size_t nv = T + 1 + K;
  std::vector<double> c(nv, 0.0), a((K + 1) * nv, 0.0), b(K + 1, 0.0);
  for (size_t j = 0; j < T; ++j) c[j] = errors[j];
  c[T] = bound;
  for (size_t k = 0; k < K; ++k) {
    for (size_t j = 0; j < T; ++j) a[k * nv + j] = gammas[k][j];
    a[k * nv + T] = -1;
    a[k * nv + T + 1 + k] = 1;
  }
  for (size_t j = 0; j < T; ++j) a[K * nv + j] = 1;
  b[K] = 1;
  std::vector<double> x, y;
  std::vector<double> q(T, 0.0);
  if (lambda) lambda->assign(K, 0.0);
  if (T == 0) return q;
  if (!SolveStandardLp(c, a, b, &x, &y)) {
    // Cannot happen for this always-feasible, bounded LP barring numerics;
    // fall back to the best single classifier.
    size_t best = 0;
    double best_v = INFINITY;
    for (size_t j = 0; j < T; ++j) {
      double viol = 0;
      for (size_t k = 0; k < K; ++k) viol = std::max(viol, gammas[k][j]);
      if (errors[j] + bound * viol < best_v) best_v = errors[j] + bound * viol, best = j;
    }
    q[best] = 1;
    return q;
  }
  if (lambda) {
    // Rows gamma.q - s + slack = 0 have duals y_k <= 0; lambda_k = -y_k.
    for (size_t k = 0; k < K; ++k) (*lambda)[k] = std::max(0.0, -y[k]);
  }
  double sum = 0;
  for (size_t j = 0; j < T; ++j) sum += q[j] = std::max(0.0, x[j]);
  for (double& v : q) v /= sum;
  return q;
}

}  // namespace warden::fairness
