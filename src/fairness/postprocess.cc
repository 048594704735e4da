// Group-specific randomized thresholds (see fairness_postprocess.h).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "warden/core/hash.h"
#include "warden/fairness/postprocess.h"

namespace warden::fairness {
namespace {

// A vertex of a hull: rate x, objective y (accuracy count or TPR), and the
// threshold that reaches it.
struct Vertex {
  double x = 0, y = 0, threshold = 0;
};

// Upper concave hull of points sorted by x (ties: the highest y kept).
std::vector<Vertex> UpperHull(std::vector<Vertex> pts) {
  std::stable_sort(pts.begin(), pts.end(), [](const Vertex& a, const Vertex& b) {
    return a.x < b.x || (a.x == b.x && a.y > b.y);
  });
  std::vector<Vertex> hull;
  for (const Vertex& p : pts) {
    if (!hull.empty() && hull.back().x == p.x) continue;  // lower y at same x
    while (hull.size() >= 2) {
      const Vertex& a = hull[hull.size() - 2];
      const Vertex& b = hull.back();
      // Drop b when it lies on or below the segment a-p.
      if ((b.y - a.y) * (p.x - a.x) <= (p.y - a.y) * (b.x - a.x)) {
        hull.pop_back();
      } else {
        break;
      }
    }
    hull.push_back(p);
  }
  return hull;
}

// Where x falls on the hull: the two vertices and the weight of the second.
struct HullPoint {
  size_t a = 0, b = 0;
  double p_b = 0, y = 0;
};
HullPoint Locate(const std::vector<Vertex>& hull, double x) {
  HullPoint hp;
  if (x <= hull.front().x) {
    hp.y = hull.front().y;
    return hp;
  }
  if (x >= hull.back().x) {
    hp.a = hp.b = hull.size() - 1;
    hp.y = hull.back().y;
    return hp;
  }
  size_t k = 1;
  while (k < hull.size() && hull[k].x < x) ++k;
  hp.a = k - 1;
  hp.b = k;
  const double span = hull[k].x - hull[k - 1].x;
  hp.p_b = span > 0 ? (x - hull[k - 1].x) / span : 0;
  hp.y = hull[k - 1].y + hp.p_b * (hull[k].y - hull[k - 1].y);
  return hp;
}

struct GroupData {
  std::string name;
  std::vector<double> scores;
  std::vector<uint8_t> labels;
  double pos = 0, neg = 0;
};

// Operating points of "approve score >= t" for every distinct t, from
// approving nobody to approving everyone.
struct Operating {
  double tp = 0, fp = 0, threshold = 0;
};
std::vector<Operating> Sweep(const GroupData& g, double above_all) {
  std::vector<size_t> order(g.scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return g.scores[a] > g.scores[b]; });
  std::vector<Operating> ops;
  ops.push_back({0, 0, above_all});
  double tp = 0, fp = 0;
  size_t i = 0;
  while (i < order.size()) {
    const double s = g.scores[order[i]];
    while (i < order.size() && g.scores[order[i]] == s) {
      (g.labels[order[i]] ? tp : fp) += 1;
      ++i;
    }
    ops.push_back({tp, fp, s});
  }
  return ops;
}

}  // namespace

double RowUniform(uint64_t seed, uint64_t row) {
  char key[16];
  std::memcpy(key, &seed, 8);
  std::memcpy(key + 8, &row, 8);
  return static_cast<double>(core::Hash64(std::string_view(key, 16)) >> 11) * 0x1.0p-53;
}

double GroupThreshold::ApproveProbability(double score) const {
  const double rule =
      (1 - p_b) * (score >= threshold_a ? 1.0 : 0.0) + p_b * (score >= threshold_b ? 1.0 : 0.0);
  return mix * rule + (1 - mix) * constant;
}

std::vector<RocPoint> RocCurve(const std::vector<double>& scores,
                               const std::vector<uint8_t>& labels) {
  GroupData g;
  g.scores = scores;
  g.labels = labels;
  for (uint8_t y : labels) (y ? g.pos : g.neg) += 1;
  double top = scores.empty() ? 1 : *std::max_element(scores.begin(), scores.end()) + 1;
  std::vector<RocPoint> roc;
  for (const Operating& o : Sweep(g, top)) {
    roc.push_back({g.neg ? o.fp / g.neg : 0, g.pos ? o.tp / g.pos : 0, o.threshold});
  }
  return roc;
}

Result<ThresholdPostprocessor> FitThresholds(const std::vector<double>& scores,
                                             const std::vector<uint8_t>& labels,
                                             const std::vector<std::string>& group_of_row,
                                             Constraint constraint, int grid_points) {
  if (scores.size() != labels.size() || scores.size() != group_of_row.size() || scores.empty()) {
    return Status::InvalidArgument("post-processing: scores, labels and groups differ in length");
  }
  if (constraint == Constraint::kErrorRateParity) {
    return Status::Unimplemented("post-processing: ErrorRateParity is not supported by thresholds");
  }
  std::map<std::string, GroupData> by_name;
  double top = -INFINITY;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (!std::isfinite(scores[i])) {
      return Status::InvalidArgument("post-processing: row " + std::to_string(i + 1) +
                                     ": score is not finite");
    }
    if (labels[i] > 1) {
      return Status::InvalidArgument("post-processing: row " + std::to_string(i + 1) +
                                     ": label is not 0 or 1");
    }
    GroupData& g = by_name[group_of_row[i]];
    g.name = group_of_row[i];
    g.scores.push_back(scores[i]);
    g.labels.push_back(labels[i]);
    (labels[i] ? g.pos : g.neg) += 1;
    top = std::max(top, scores[i]);
  }
  const double above_all = top + 1;
  const double n = static_cast<double>(scores.size());
  const bool needs_pos = constraint != Constraint::kDemographicParity &&
                         constraint != Constraint::kFalsePositiveRateParity;
  const bool needs_neg = constraint != Constraint::kDemographicParity &&
                         constraint != Constraint::kTruePositiveRateParity;
  std::vector<GroupData*> groups;
  std::vector<std::vector<Vertex>> hulls;
  for (auto& [name, g] : by_name) {
    if (needs_pos && g.pos == 0) {
      return Status::InvalidArgument("post-processing: group '" + name + "' has no positives, so " +
                                     std::string(ConstraintName(constraint)) +
                                     " cannot be met for it");
    }
    if (needs_neg && g.neg == 0) {
      return Status::InvalidArgument("post-processing: group '" + name + "' has no negatives, so " +
                                     std::string(ConstraintName(constraint)) +
                                     " cannot be met for it");
    }
    std::vector<Vertex> pts;
    for (const Operating& o : Sweep(g, above_all)) {
      Vertex v;
      v.threshold = o.threshold;
      const double total = g.pos + g.neg;
      switch (constraint) {
        case Constraint::kDemographicParity:
          v.x = (o.tp + o.fp) / total;
          break;
        case Constraint::kTruePositiveRateParity:
          v.x = o.tp / g.pos;
          break;
        case Constraint::kFalsePositiveRateParity:
          v.x = o.fp / g.neg;
          break;
        default:
          v.x = o.fp / g.neg;
          break;  // EqualizedOdds: ROC space
      }
      v.y = constraint == Constraint::kEqualizedOdds ? o.tp / g.pos : o.tp + (g.neg - o.fp);
      pts.push_back(v);
    }
    groups.push_back(&g);
    hulls.push_back(UpperHull(std::move(pts)));
  }
  // Candidate common rates: a grid plus every hull vertex (the optimum of a
  // sum or minimum of piecewise-linear concave functions sits at one).
  std::vector<double> xs;
  for (int k = 0; k < grid_points; ++k) xs.push_back(static_cast<double>(k) / (grid_points - 1));
  for (const auto& h : hulls) {
    for (const Vertex& v : h) xs.push_back(v.x);
  }
  std::sort(xs.begin(), xs.end());
  double best_x = 0, best_err = INFINITY;
  for (double x : xs) {
    double err = 0;
    if (constraint == Constraint::kEqualizedOdds) {
      double y = INFINITY;
      for (const auto& h : hulls) y = std::min(y, Locate(h, x).y);
      for (const GroupData* g : groups) err += g->pos * (1 - y) + g->neg * x;
    } else {
      for (size_t k = 0; k < groups.size(); ++k) {
        err += groups[k]->pos + groups[k]->neg - Locate(hulls[k], x).y;
      }
    }
    if (err < best_err - 1e-9) best_err = err, best_x = x;
  }
  ThresholdPostprocessor pp;
  pp.constraint = constraint;
  pp.train_error = best_err / n;
  double common_y = INFINITY;
  if (constraint == Constraint::kEqualizedOdds) {
    for (const auto& h : hulls) common_y = std::min(common_y, Locate(h, best_x).y);
  }
  for (size_t k = 0; k < groups.size(); ++k) {
    const HullPoint hp = Locate(hulls[k], best_x);
    GroupThreshold t;
    t.group = groups[k]->name;
    t.threshold_a = hulls[k][hp.a].threshold;
    t.threshold_b = hulls[k][hp.b].threshold;
    t.p_b = hp.p_b;
    t.target_x = best_x;
    t.target_y = constraint == Constraint::kEqualizedOdds ? common_y : hp.y;
    if (constraint == Constraint::kEqualizedOdds && hp.y - best_x > 1e-12) {
      t.mix = std::clamp((common_y - best_x) / (hp.y - best_x), 0.0, 1.0);
      t.constant = best_x;
    }
    pp.groups.push_back(t);
  }
  return pp;
}

Result<std::vector<double>> ThresholdPostprocessor::ExpectedPrediction(
    const std::vector<double>& scores, const std::vector<std::string>& group_of_row) const {
  if (scores.size() != group_of_row.size()) {
    return Status::InvalidArgument("post-processing: scores and groups differ in length");
  }
  std::map<std::string, const GroupThreshold*> index;
  for (const auto& g : groups) index[g.group] = &g;
  std::vector<double> p(scores.size());
  for (size_t i = 0; i < scores.size(); ++i) {
    auto it = index.find(group_of_row[i]);
    if (it == index.end()) {
      return Status::InvalidArgument("post-processing: row " + std::to_string(i + 1) + ": group '" +
                                     group_of_row[i] +
                                     "' was not seen when fitting the thresholds");
    }
    p[i] = it->second->ApproveProbability(scores[i]);
  }
  return p;
}

Result<std::vector<uint8_t>> ThresholdPostprocessor::Sample(
    const std::vector<double>& scores, const std::vector<std::string>& group_of_row,
    uint64_t seed) const {
  WARDEN_ASSIGN_OR_RETURN(std::vector<double> p, ExpectedPrediction(scores, group_of_row));
  std::vector<uint8_t> out(p.size());
  for (size_t i = 0; i < p.size(); ++i) out[i] = RowUniform(seed, i) < p[i] ? 1 : 0;
  return out;
}

}  // namespace warden::fairness
