// Exponentiated gradient and grid search (Agarwal et al., "A Reductions
// Approach to Fair Classification", ICML 2018). Each step solves one
// cost-sensitive classification problem, turned into weighted logistic
// regression: label 1[cost of predicting 1 < cost of predicting 0], weight
// |cost difference|.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "fairness/simplex.h"
#include "warden/fairness/postprocess.h"
#include "warden/fairness/train.h"

namespace warden::fairness {
namespace {

struct Learned {
  LogisticModel model;
  std::vector<double> h;  // 0/1 predictions on the training rows
  double error = 0;
  std::vector<double> gamma;
};

class BestResponse {
 public:
  BestResponse(const Matrix& x, const std::vector<uint8_t>& y, const Moments& moments,
               const LogisticOptions& options)
      : x_(x), y_(y), moments_(moments), options_(options) {}

  Result<Learned> Fit(const std::vector<double>& lambda, const LogisticModel* warm) {
    const std::vector<double> cost = moments_.Costs(lambda);
    std::vector<uint8_t> target(cost.size());
    std::vector<double> weight(cost.size());
    for (size_t i = 0; i < cost.size(); ++i) {
      target[i] = cost[i] < 0 ? 1 : 0;
      weight[i] = std::abs(cost[i]);
    }
    Learned out;
    WARDEN_ASSIGN_OR_RETURN(out.model, FitLogistic(x_, target, weight, options_, warm));
    Evaluate(&out);
    return out;
  }

  void Evaluate(Learned* l) const {
    l->h.resize(x_.rows);
    double wrong = 0;
    for (size_t i = 0; i < x_.rows; ++i) {
      l->h[i] = l->model.Probability(x_.Row(i)) >= 0.5 ? 1.0 : 0.0;
      wrong += l->h[i] != y_[i];
    }
    l->error = wrong / static_cast<double>(x_.rows);
    l->gamma = moments_.Gamma(l->h);
  }

 private:
  const Matrix& x_;
  const std::vector<uint8_t>& y_;
  const Moments& moments_;
  const LogisticOptions& options_;
};

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double MaxViolation(const std::vector<double>& gamma) {
  double v = 0;
  for (double g : gamma) v = std::max(v, g);
  return v;
}

// Mixture statistics over training rows.
std::vector<double> MixH(const std::vector<Learned>& hs, const std::vector<double>& q) {
  std::vector<double> h(hs.empty() ? 0 : hs[0].h.size(), 0.0);
  for (size_t j = 0; j < hs.size(); ++j) {
    if (q[j] == 0) continue;
    for (size_t i = 0; i < h.size(); ++i) h[i] += q[j] * hs[j].h[i];
  }
  return h;
}

ReductionResult Finish(const std::vector<Learned>& hs, std::vector<double> q, const Moments& mo,
                       const std::vector<uint8_t>& y, double bound, int iterations, double gap) {
  ReductionResult r;
  // Drop zero-weight classifiers so saved models stay small.
  size_t best = 0;
  double best_value = INFINITY;
  for (size_t j = 0; j < hs.size(); ++j) {
    const double v = hs[j].error + bound * MaxViolation(hs[j].gamma);
    if (v < best_value - 1e-15) best_value = v, best = j;
  }
  for (size_t j = 0; j < hs.size(); ++j) {
    if (q[j] <= 1e-9 && j != best) continue;
    if (j == best) r.classifier.best_deterministic = r.classifier.models.size();
    r.classifier.models.push_back(hs[j].model);
    r.classifier.weights.push_back(q[j] > 1e-9 ? q[j] : 0.0);
  }
  double sum = 0;
  for (double w : r.classifier.weights) sum += w;
  for (double& w : r.classifier.weights) w /= sum;
  const std::vector<double> h = MixH(hs, q);
  double err = 0;
  for (size_t i = 0; i < h.size(); ++i) err += y[i] ? 1 - h[i] : h[i];
  r.report.iterations = iterations;
  r.report.train_error = err / static_cast<double>(h.size());
  r.report.train_gap = mo.PairwiseGap(h);
  r.report.deterministic_error = hs[best].error;
  r.report.deterministic_gap = mo.PairwiseGap(hs[best].h);
  r.report.final_gap_nu = gap;
  return r;
}

Status CheckInputs(const Matrix& x, const std::vector<uint8_t>& labels,
                   const std::vector<uint32_t>& groups) {
  if (x.rows != labels.size() || x.rows != groups.size()) {
    return Status::InvalidArgument("train: features, labels and groups differ in length");
  }
  return Status::Ok();
}

}  // namespace

Result<ReductionResult> ExponentiatedGradient(const Matrix& x, const std::vector<uint8_t>& labels,
                                              const std::vector<uint32_t>& groups,
                                              size_t num_groups, const ConstraintSpec& spec,
                                              const ReductionOptions& options) {
  WARDEN_RETURN_IF_ERROR(CheckInputs(x, labels, groups));
  WARDEN_ASSIGN_OR_RETURN(Moments mo, Moments::Build(labels, groups, num_groups, spec));
  const size_t K = mo.num_constraints();
  const double eps_for_bound = spec.ratio == 0 ? spec.epsilon : 1 - spec.ratio;
  const double B = options.bound > 0 ? options.bound : 1.0 / std::max(eps_for_bound, 1e-3);
  const double nu = options.nu > 0 ? options.nu : 1e-3;
  BestResponse oracle(x, labels, mo, options.learner);

  std::vector<double> theta(K, 0.0);
  std::vector<Learned> hs;
  double eta = options.eta0 / B;
  double last_gap = INFINITY, best_gap_seen = INFINITY;
  int last_check = 5;
  double gap = INFINITY;
  int t = 0;
  LogisticModel warm_model;  // a copy: hs reallocates as it grows
  const LogisticModel* warm = nullptr;
  std::vector<double> q;
  auto mixture = [&](std::vector<double>* lambda_out) {
    std::vector<double> errors;
    std::vector<std::vector<double>> gammas(K);
    for (const Learned& l : hs) {
      errors.push_back(l.error);
      for (size_t k = 0; k < K; ++k) gammas[k].push_back(l.gamma[k]);
    }
    return BestMixture(errors, gammas, B, lambda_out);
  };
  for (; t < options.max_iterations; ++t) {
    std::vector<double> lambda(K);
    double z = 1;
    for (double th : theta) z += std::exp(th);
    for (size_t k = 0; k < K; ++k) lambda[k] = B * std::exp(theta[k]) / z;
    WARDEN_ASSIGN_OR_RETURN(Learned h, oracle.Fit(lambda, warm));
    hs.push_back(std::move(h));
    warm_model = hs.back().model;
    warm = &warm_model;
    const std::vector<double> gamma_t = hs.back().gamma;
    // Fairlearn's LP step: Q = the best mixture of the classifiers found so
    // far (a small LP) and lambda = its multipliers. The best response to
    // that lambda both certifies Q (the duality gap L(Q) - min_h L(h, lambda)
    // bounds its distance from the saddle point) and, added to the pool,
    // improves the next LP: column generation on top of the EG steps.
    std::vector<double> lambda_lp;
    q = mixture(&lambda_lp);
    double err_q = 0;
    std::vector<double> gamma_q(K, 0.0);
    for (size_t j = 0; j < hs.size(); ++j) {
      err_q += q[j] * hs[j].error;
      for (size_t k = 0; k < K; ++k) gamma_q[k] += q[j] * hs[j].gamma[k];
    }
    const double l_high = err_q + B * MaxViolation(gamma_q);
    const double l_mid = err_q + Dot(lambda_lp, gamma_q);
    WARDEN_ASSIGN_OR_RETURN(Learned h_lp, oracle.Fit(lambda_lp, warm));
    const double l_low = h_lp.error + Dot(lambda_lp, h_lp.gamma);
    hs.push_back(std::move(h_lp));
    gap = std::max(l_high - l_mid, l_mid - l_low);
    best_gap_seen = std::min(best_gap_seen, gap);
    if (gap < nu && t >= 2) {
      ++t;
      break;
    }
    // Shrink the step when the gap stalls (Fairlearn's heuristic).
    if (t >= last_check * 1.6) {
      if (best_gap_seen > last_gap * 0.8) eta *= 0.5;
      last_check = t;
      last_gap = best_gap_seen;
    }
    for (size_t k = 0; k < K; ++k) theta[k] += eta * gamma_t[k];
    warm_model = hs[hs.size() - 2].model;
  }
  q = mixture(nullptr);
  return Finish(hs, std::move(q), mo, labels, B, t, gap);
}

Result<ReductionResult> GridSearch(const Matrix& x, const std::vector<uint8_t>& labels,
                                   const std::vector<uint32_t>& groups, size_t num_groups,
                                   const ConstraintSpec& spec, const ReductionOptions& options) {
  WARDEN_RETURN_IF_ERROR(CheckInputs(x, labels, groups));
  WARDEN_ASSIGN_OR_RETURN(Moments mo, Moments::Build(labels, groups, num_groups, spec));
  const size_t K = mo.num_constraints();
  // One free multiplier (lambda+ - lambda-) per event and non-reference
  // group; group 0 of each event is the reference at zero, which loses
  // nothing with two groups (the two groups' constraints are redundant).
  std::vector<size_t> free_pairs;  // index of the "+" constraint
  {
    std::vector<bool> seen_event(3, false);
    for (size_t k = 0; k < K; k += 2) {
      const int e = mo.ConstraintEvent(k);
      if (!seen_event[e]) {
        seen_event[e] = true;
        continue;
      }
      free_pairs.push_back(k);
    }
  }
  const size_t dims = free_pairs.size();
  if (dims == 0) return Status::InvalidArgument("grid search: needs at least two groups");
  // Multipliers in [-limit, limit] on a cubic scale: useful values are often
  // a few hundredths (a group's rate weighs rows by 1/n_group, the error by
  // 1/n), so points crowd around zero.
  const double limit = 2.0;
  const int max_points = std::max(options.grid_size, 3);
  int per_dim = std::max(
      3,
      static_cast<int>(std::floor(std::pow(static_cast<double>(max_points), 1.0 / dims) + 1e-9)));
  if (dims == 1) per_dim = max_points;
  size_t total = 1;
  for (size_t d = 0; d < dims; ++d) total *= static_cast<size_t>(per_dim);
  if (total > 5000) return Status::InvalidArgument("grid search: too many groups for a grid");
  BestResponse oracle(x, labels, mo, options.learner);
  std::vector<Learned> hs;
  LogisticModel warm_model;
  const LogisticModel* warm = nullptr;
  for (size_t p = 0; p < total; ++p) {
    std::vector<double> lambda(K, 0.0);
    size_t rest = p;
    for (size_t d = 0; d < dims; ++d) {
      const int idx = static_cast<int>(rest % static_cast<size_t>(per_dim));
      rest /= static_cast<size_t>(per_dim);
      const double u = -1 + 2.0 * idx / (per_dim - 1);
      const double v = limit * u * u * u;
      (v >= 0 ? lambda[free_pairs[d]] : lambda[free_pairs[d] + 1]) = std::abs(v);
    }
    WARDEN_ASSIGN_OR_RETURN(Learned h, oracle.Fit(lambda, warm));
    hs.push_back(std::move(h));
    warm_model = hs.back().model;
    warm = &warm_model;
  }
  // Lowest error among feasible grid points, else the least violating.
  size_t best = 0;
  bool best_feasible = false;
  for (size_t j = 0; j < hs.size(); ++j) {
    const bool feasible = MaxViolation(hs[j].gamma) <= 0;
    if (feasible && (!best_feasible || hs[j].error < hs[best].error)) {
      best = j;
      best_feasible = true;
    } else if (!best_feasible && MaxViolation(hs[j].gamma) < MaxViolation(hs[best].gamma)) {
      best = j;
    }
  }
  std::vector<double> q(hs.size(), 0.0);
  q[best] = 1;
  const double big = 1e9;  // makes Finish pick the same classifier
  ReductionResult r = Finish(hs, std::move(q), mo, labels, big, static_cast<int>(total), 0);
  r.classifier.models = {hs[best].model};
  r.classifier.weights = {1.0};
  r.classifier.best_deterministic = 0;
  r.report.deterministic_error = hs[best].error;
  r.report.deterministic_gap = mo.PairwiseGap(hs[best].h);
  return r;
}

std::vector<double> RandomizedClassifier::ExpectedPrediction(const Matrix& x) const {
  std::vector<double> p(x.rows, 0.0);
  for (size_t j = 0; j < models.size(); ++j) {
    if (weights[j] == 0) continue;
    for (size_t i = 0; i < x.rows; ++i) {
      p[i] += weights[j] * (models[j].Probability(x.Row(i)) >= 0.5 ? 1.0 : 0.0);
    }
  }
  return p;
}

std::vector<uint8_t> RandomizedClassifier::Sample(const Matrix& x, uint64_t seed) const {
  std::vector<uint8_t> out(x.rows, 0);
  for (size_t i = 0; i < x.rows; ++i) {
    const double u = RowUniform(seed, i);
    double acc = 0;
    size_t pick = models.size() - 1;
    for (size_t j = 0; j < models.size(); ++j) {
      acc += weights[j];
      if (u < acc) {
        pick = j;
        break;
      }
    }
    out[i] = models[pick].Probability(x.Row(i)) >= 0.5 ? 1 : 0;
  }
  return out;
}

std::vector<uint8_t> RandomizedClassifier::PredictDeterministic(const Matrix& x) const {
  std::vector<uint8_t> out(x.rows);
  for (size_t i = 0; i < x.rows; ++i) {
    out[i] = models[best_deterministic].Probability(x.Row(i)) >= 0.5 ? 1 : 0;
  }
  return out;
}

}  // namespace warden::fairness
