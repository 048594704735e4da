// Kernels of the audit: per-group confusion counts, the stratified bootstrap
// (fast multinomial form and the naive row-resampling reference) and AUC.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "warden/fairness/audit.h"

namespace warden::fairness {
namespace {

// Cell order used by both bootstrap forms: tp, fp, tn, fn.
int64_t Binomial(std::mt19937_64& rng, int64_t n, double p) {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  std::binomial_distribution<int64_t> d(n, p);
  return d(rng);
}

}  // namespace

std::vector<Counts> CountByGroup(const std::vector<uint32_t>& ids, size_t num_groups,
                                 const std::vector<uint8_t>& labels,
                                 const std::vector<uint8_t>& predictions) {
  std::vector<Counts> out(num_groups);
  for (size_t i = 0; i < ids.size(); ++i) {
    Counts& c = out[ids[i]];
    if (labels[i]) {
      (predictions[i] ? c.tp : c.fn)++;
    } else {
      (predictions[i] ? c.fp : c.tn)++;
    }
  }
  return out;
}

std::vector<Counts> BootstrapCountsFast(const std::vector<Counts>& groups, int resamples,
                                        uint64_t seed) {
  std::vector<Counts> out(static_cast<size_t>(std::max(resamples, 0)) * groups.size());
  std::mt19937_64 rng(seed);
  for (int b = 0; b < resamples; ++b) {
    for (size_t g = 0; g < groups.size(); ++g) {
      const Counts& c = groups[g];
      Counts& r = out[static_cast<size_t>(b) * groups.size() + g];
      // Multinomial(n; tp, fp, tn, fn) as a chain of conditional binomials.
      int64_t left = c.n();
      int64_t mass = c.n();
      r.tp = Binomial(rng, left, mass ? static_cast<double>(c.tp) / mass : 0);
      left -= r.tp;
      mass -= c.tp;
      r.fp = Binomial(rng, left, mass ? static_cast<double>(c.fp) / mass : 0);
      left -= r.fp;
      mass -= c.fp;
      r.tn = Binomial(rng, left, mass ? static_cast<double>(c.tn) / mass : 0);
      left -= r.tn;
      r.fn = left;
    }
  }
  return out;
}

std::vector<Counts> BootstrapCountsNaive(const std::vector<uint32_t>& ids, size_t num_groups,
                                         const std::vector<uint8_t>& labels,
                                         const std::vector<uint8_t>& predictions, int resamples,
                                         uint64_t seed) {
  std::vector<std::vector<size_t>> members(num_groups);
  for (size_t i = 0; i < ids.size(); ++i) members[ids[i]].push_back(i);
  std::vector<Counts> out(static_cast<size_t>(std::max(resamples, 0)) * num_groups);
  std::mt19937_64 rng(seed);
  for (int b = 0; b < resamples; ++b) {
    for (size_t g = 0; g < num_groups; ++g) {
      const auto& m = members[g];
      Counts& r = out[static_cast<size_t>(b) * num_groups + g];
      if (m.empty()) continue;
      std::uniform_int_distribution<size_t> pick(0, m.size() - 1);
      for (size_t k = 0; k < m.size(); ++k) {
        const size_t i = m[pick(rng)];
        if (labels[i]) {
          (predictions[i] ? r.tp : r.fn)++;
        } else {
          (predictions[i] ? r.fp : r.tn)++;
        }
      }
    }
  }
  return out;
}

double Auc(const std::vector<double>& scores, const std::vector<uint8_t>& labels) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Sum of positive ranks with ties sharing their average rank.
  double rank_sum = 0;
  int64_t pos = 0, neg = 0;
  size_t i = 0;
  while (i < order.size()) {
    size_t j = i;
    int64_t tie_pos = 0;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) {
      tie_pos += labels[order[j]] ? 1 : 0;
      ++j;
    }
    const double avg_rank = (static_cast<double>(i) + static_cast<double>(j) + 1) / 2.0;
    rank_sum += avg_rank * static_cast<double>(tie_pos);
    pos += tie_pos;
    neg += static_cast<int64_t>(j - i) - tie_pos;
    i = j;
  }
  if (pos == 0 || neg == 0) return std::nan("");
  const double p = static_cast<double>(pos), n = static_cast<double>(neg);
  return (rank_sum - p * (p + 1) / 2) / (p * n);
}

double AucNaive(const std::vector<double>& scores, const std::vector<uint8_t>& labels) {
  double wins = 0;
  int64_t pairs = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (!labels[i]) continue;
    for (size_t j = 0; j < scores.size(); ++j) {
      if (labels[j]) continue;
      ++pairs;
      wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
    }
  }
  return pairs ? wins / static_cast<double>(pairs) : std::nan("");
}

int64_t RequiredDenominator(double p, double tolerance, double z) {
  if (!(tolerance > 0) || std::isnan(p)) return 0;
  // A rate estimated at exactly 0 or 1 still has sampling error: floor
  // p(1-p) at 0.01 so the answer is never "zero rows needed".
  const double v = std::max(p * (1 - p), 0.01);
  return static_cast<int64_t>(std::ceil(z * z * v / (tolerance * tolerance)));
}

}  // namespace warden::fairness
