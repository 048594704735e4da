// L2-regularized logistic regression by Newton's method with sample weights:
// the base learner of the reductions. The Hessian X'CX is one BLAS syrk per
// iteration, which keeps a 32k x 100 fit at a few tens of milliseconds.
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "fairness/linalg.h"
#include "warden/fairness/train.h"

namespace warden::fairness {
namespace {

double Sigmoid(double t) {
  if (t >= 0) return 1 / (1 + std::exp(-t));
  const double e = std::exp(t);
  return e / (1 + e);
}

// log(1 + exp(t)) without overflow.
double Softplus(double t) { return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t)); }

}  // namespace

double LogisticModel::Probability(const double* x) const {
  double t = bias;
  for (size_t j = 0; j < weights.size(); ++j) t += weights[j] * x[j];
  return Sigmoid(t);
}

Result<LogisticModel> FitLogistic(const Matrix& x, const std::vector<uint8_t>& labels,
                                  const std::vector<double>& sample_weights,
                                  const LogisticOptions& options, const LogisticModel* warm_start) {
  const size_t n = x.rows, d = x.cols;
  if (labels.size() != n) return Status::InvalidArgument("logistic: labels/rows size mismatch");
  if (!sample_weights.empty() && sample_weights.size() != n) {
    return Status::InvalidArgument("logistic: sample weights/rows size mismatch");
  }
  if (n == 0) return Status::InvalidArgument("logistic: no rows");
  if (!(options.l2 >= 0)) return Status::InvalidArgument("logistic: l2 must be >= 0");
  double total = 0;
  for (size_t i = 0; i < n; ++i) {
    const double s = sample_weights.empty() ? 1.0 : sample_weights[i];
    if (!(s >= 0) || !std::isfinite(s)) {
      return Status::InvalidArgument("logistic: sample weight of row " + std::to_string(i + 1) +
                                     " is negative or not finite");
    }
    total += s;
  }
  LogisticModel m;
  m.weights.assign(d, 0.0);
  if (total <= 0) return m;  // nothing to learn from: the constant 0.5 model
  if (warm_start && warm_start->weights.size() == d) m = *warm_start;
  auto weight = [&](size_t i) {
    return (sample_weights.empty() ? 1.0 : sample_weights[i]) / total;
  };

  std::vector<double> margin(n), z(n * d), h((d + 1) * (d + 1)), g(d + 1);
  auto objective = [&](const LogisticModel& mm, std::vector<double>* margins) {
    cblas_dgemv(CblasRowMajor, CblasNoTrans, static_cast<int>(n), static_cast<int>(d), 1.0,
                x.data.data(), static_cast<int>(d), mm.weights.data(), 1, 0.0, margins->data(), 1);
    double f = 0;
    for (size_t i = 0; i < n; ++i) {
      (*margins)[i] += mm.bias;
      const double t = (*margins)[i];
      f += weight(i) * (labels[i] ? Softplus(-t) : Softplus(t));
    }
    double r = 0;
    for (double w : mm.weights) r += w * w;
    return f + 0.5 * options.l2 * r;
  };
  double f = objective(m, &margin);
  std::vector<double> resid(n);
  for (int iter = 0; iter < options.max_iterations; ++iter) {
    double c_sum = 0, r_sum = 0;
    std::vector<double> xc(d, 0.0);
    for (size_t i = 0; i < n; ++i) {
      const double p = Sigmoid(margin[i]);
      const double s = weight(i);
      resid[i] = s * (p - labels[i]);
      const double c = s * p * (1 - p);
      const double sc = std::sqrt(c);
      const double* xi = x.Row(i);
      double* zi = z.data() + i * d;
      for (size_t j = 0; j < d; ++j) {
        zi[j] = sc * xi[j];
        xc[j] += c * xi[j];
      }
      c_sum += c;
      r_sum += resid[i];
    }
    // Gradient.
    cblas_dgemv(CblasRowMajor, CblasTrans, static_cast<int>(n), static_cast<int>(d), 1.0,
                x.data.data(), static_cast<int>(d), resid.data(), 1, 0.0, g.data(), 1);
    for (size_t j = 0; j < d; ++j) g[j] += options.l2 * m.weights[j];
    g[d] = r_sum;
    // Hessian: [X'CX + l2 I, X'c; c'X, sum c].
    std::vector<double> xtx(d * d, 0.0);
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, static_cast<int>(d), static_cast<int>(n),
                1.0, z.data(), static_cast<int>(d), 0.0, xtx.data(), static_cast<int>(d));
    for (size_t a = 0; a < d; ++a) {
      for (size_t b = 0; b < d; ++b) {
        h[a * (d + 1) + b] = a <= b ? xtx[a * d + b] : xtx[b * d + a];
      }
      h[a * (d + 1) + a] += options.l2 + 1e-12;
      h[a * (d + 1) + d] = xc[a];
      h[d * (d + 1) + a] = xc[a];
    }
    h[d * (d + 1) + d] = c_sum + 1e-12;
    std::vector<double> step = g;
    if (!detail::CholeskySolve(h, step, d + 1)) {
      return Status::Internal("logistic: Hessian not positive definite (add l2)");
    }
    double decrement = 0;
    for (size_t j = 0; j <= d; ++j) decrement += step[j] * g[j];
    if (decrement / 2 < options.tolerance) break;
    // Backtracking line search (Armijo).
    double t = 1;
    LogisticModel trial = m;
    std::vector<double> trial_margin(n);
    double f_new = f;
    for (int ls = 0; ls < 30; ++ls) {
      for (size_t j = 0; j < d; ++j) trial.weights[j] = m.weights[j] - t * step[j];
      trial.bias = m.bias - t * step[d];
      f_new = objective(trial, &trial_margin);
      if (f_new <= f - 0.25 * t * decrement) break;
      t /= 2;
    }
    if (!(f_new < f)) break;  // no progress at machine precision
    m = trial;
    margin.swap(trial_margin);
    f = f_new;
  }
  return m;
}

}  // namespace warden::fairness
