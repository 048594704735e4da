// The GerryFair-style rich-subgroup auditor (see fairness_subgroup.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "fairness/linalg.h"
#include "warden/fairness/subgroup.h"

namespace warden::fairness {
namespace {

bool InEvent(SubgroupRate rate, uint8_t y) { return rate == SubgroupRate::kFpr ? y == 0 : y == 1; }
// The rate's per-row value: approve for FPR, reject for FNR.
double RateValue(SubgroupRate rate, double p) { return rate == SubgroupRate::kFpr ? p : 1 - p; }

struct Scan {
  double violation = 0, threshold = 0;
};

// Best threshold t along projections: maximize |sum_{proj > t, event} d_i| / n_event.
Scan ScanThresholds(const std::vector<double>& proj, const std::vector<double>& d,
                    const std::vector<uint8_t>& in_event, double n_event) {
  std::vector<size_t> order(proj.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return proj[a] > proj[b]; });
  Scan best;
  best.threshold = order.empty() ? 0 : proj[order[0]];  // empty subgroup
  double acc = 0;
  size_t i = 0;
  while (i < order.size()) {
    const double v = proj[order[i]];
    while (i < order.size() && proj[order[i]] == v) {
      if (in_event[order[i]]) acc += d[order[i]];
      ++i;
    }
    const double viol = std::abs(acc) / n_event;
    if (viol > best.violation) {
      best.violation = viol;
      // Strictly below v, above the next projection.
      best.threshold = i < order.size() ? (v + proj[order[i]]) / 2 : v - 1;
    }
  }
  return best;
}

}  // namespace

std::string SubgroupFinding::Describe() const {
  std::string s;
  char buf[64];
  for (size_t j = 0; j < coefficients.size(); ++j) {
    if (std::abs(coefficients[j]) < 1e-3) continue;
    std::snprintf(buf, sizeof buf, "%s%.3f*", s.empty() ? "" : " + ", coefficients[j]);
    s += buf + attributes[j];
  }
  std::snprintf(buf, sizeof buf, " > %.3f", threshold);
  return (s.empty() ? "0" : s) + buf;
}

double BestViolationAlong(const std::vector<double>& direction,
                          const std::vector<std::vector<double>>& attributes,
                          const std::vector<uint8_t>& labels,
                          const std::vector<double>& predictions, SubgroupRate rate) {
  const size_t n = labels.size();
  double base = 0, n_event = 0;
  for (size_t i = 0; i < n; ++i) {
    if (InEvent(rate, labels[i])) base += RateValue(rate, predictions[i]), n_event += 1;
  }
  if (n_event == 0) return 0;
  base /= n_event;
  std::vector<double> proj(n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < direction.size(); ++j) proj[i] += direction[j] * attributes[j][i];
  }
  // Brute force: every distinct projection as a threshold, recount each time.
  double best = 0;
  for (size_t t = 0; t < n; ++t) {
    double acc = 0;
    for (size_t i = 0; i < n; ++i) {
      if (proj[i] >= proj[t] && InEvent(rate, labels[i])) {
        acc += RateValue(rate, predictions[i]) - base;
      }
    }
    best = std::max(best, std::abs(acc) / n_event);
  }
  return best;
}

Result<SubgroupFinding> AuditRichSubgroup(const std::vector<std::string>& names,
                                          const std::vector<std::vector<double>>& attributes,
                                          const std::vector<uint8_t>& labels,
                                          const std::vector<double>& predictions, SubgroupRate rate,
                                          double ridge) {
  const size_t n = labels.size(), k = attributes.size();
  if (k == 0 || names.size() != k) {
    return Status::InvalidArgument("rich subgroup audit: no sensitive attributes");
  }
  if (predictions.size() != n || n == 0) {
    return Status::InvalidArgument("rich subgroup audit: predictions/labels size mismatch");
  }
  for (const auto& col : attributes) {
    if (col.size() != n) return Status::InvalidArgument("rich subgroup audit: column length");
    for (double v : col) {
      if (!std::isfinite(v))
        return Status::InvalidArgument("rich subgroup audit: non-finite value");
    }
  }
  std::vector<uint8_t> in_event(n);
  double base = 0, n_event = 0;
  for (size_t i = 0; i < n; ++i) {
    in_event[i] = InEvent(rate, labels[i]);
    if (in_event[i]) base += RateValue(rate, predictions[i]), n_event += 1;
  }
  if (n_event == 0) {
    return Status::InvalidArgument(std::string("rich subgroup audit: no rows with label ") +
                                   (rate == SubgroupRate::kFpr ? "0" : "1"));
  }
  base /= n_event;
  // Standardized attributes for a well-conditioned regression.
  std::vector<double> mean(k, 0), sd(k, 1);
  for (size_t j = 0; j < k; ++j) {
    double s = 0, s2 = 0;
    for (double v : attributes[j]) s += v, s2 += v * v;
    mean[j] = s / n;
    const double var = s2 / n - mean[j] * mean[j];
    sd[j] = var > 1e-18 ? std::sqrt(var) : 1;
  }
  // Costs d_i = rate_i - base on event rows, 0 elsewhere; regress d on a.
  std::vector<double> d(n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    if (in_event[i]) d[i] = RateValue(rate, predictions[i]) - base;
  }
  std::vector<double> ata(k * k, 0.0), atd(k, 0.0);
  std::vector<double> z(k);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < k; ++j) z[j] = (attributes[j][i] - mean[j]) / sd[j];
    for (size_t a = 0; a < k; ++a) {
      atd[a] += z[a] * d[i];
      for (size_t b = 0; b <= a; ++b) ata[a * k + b] += z[a] * z[b];
    }
  }
  for (size_t a = 0; a < k; ++a) {
    for (size_t b = 0; b < a; ++b) ata[b * k + a] = ata[a * k + b];
    ata[a * k + a] += ridge * n + 1e-12;
  }
  std::vector<double> w = atd;
  if (!detail::CholeskySolve(ata, w, k))
    return Status::Internal("rich subgroup audit: singular regression");
  // The regression predicts high cost where approvals (FPR) run above base;
  // scanning the projection finds the best threshold on either side.
  std::vector<double> proj(n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < k; ++j) proj[i] += w[j] * (attributes[j][i] - mean[j]) / sd[j];
  }
  Scan up = ScanThresholds(proj, d, in_event, n_event);
  std::vector<double> neg(proj);
  for (double& v : neg) v = -v;
  Scan down = ScanThresholds(neg, d, in_event, n_event);
  const bool flip = down.violation > up.violation;
  const Scan& best = flip ? down : up;
  SubgroupFinding f;
  f.rate = rate;
  f.attributes = names;
  // Back to the raw scale: w.(a - mean)/sd > t  <=>  (w/sd).a > t + sum w mean/sd.
  double shift = 0;
  for (size_t j = 0; j < k; ++j) {
    const double c = (flip ? -w[j] : w[j]) / sd[j];
    f.coefficients.push_back(c);
    shift += c * mean[j];
  }
  f.threshold = best.threshold + shift;
  const std::vector<double>& p = flip ? neg : proj;
  double sum_rate = 0;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] <= best.threshold) continue;
    ++f.size;
    if (in_event[i]) ++f.event_size, sum_rate += RateValue(rate, predictions[i]);
  }
  f.fraction = static_cast<double>(f.size) / n;
  f.base_rate = base;
  f.subgroup_rate = f.event_size ? sum_rate / f.event_size : base;
  f.violation = best.violation;
  return f;
}

}  // namespace warden::fairness
