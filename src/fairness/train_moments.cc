// The constraint system of the reductions (see fairness_train.h): group and
// event counts, violations gamma(h), and the per-row costs of the Lagrangian.
#include <algorithm>
#include <cmath>
#include <string>

#include "warden/fairness/train.h"

namespace warden::fairness {
namespace {

bool InEvent(int event, uint8_t y) { return event == 0 || (event == 1 ? y == 1 : y == 0); }

}  // namespace

Result<Constraint> ParseConstraint(std::string_view name) {
  for (Constraint c : {Constraint::kDemographicParity, Constraint::kTruePositiveRateParity,
                       Constraint::kFalsePositiveRateParity, Constraint::kEqualizedOdds,
                       Constraint::kErrorRateParity}) {
    if (name == ConstraintName(c)) return c;
  }
  return Status::InvalidArgument(
      "unknown constraint '" + std::string(name) +
      "' (DemographicParity, TruePositiveRateParity, FalsePositiveRateParity, EqualizedOdds, "
      "ErrorRateParity)");
}

std::string_view ConstraintName(Constraint c) {
  switch (c) {
    case Constraint::kDemographicParity:
      return "DemographicParity";
    case Constraint::kTruePositiveRateParity:
      return "TruePositiveRateParity";
    case Constraint::kFalsePositiveRateParity:
      return "FalsePositiveRateParity";
    case Constraint::kEqualizedOdds:
      return "EqualizedOdds";
    case Constraint::kErrorRateParity:
      return "ErrorRateParity";
  }
  return "?";
}

Result<Moments> Moments::Build(const std::vector<uint8_t>& labels,
                               const std::vector<uint32_t>& groups, size_t num_groups,
                               const ConstraintSpec& spec) {
  if (labels.size() != groups.size() || labels.empty()) {
    return Status::InvalidArgument("constraint: labels and groups must be non-empty, same size");
  }
  if (spec.ratio == 0 && !(spec.epsilon >= 0 && spec.epsilon < 1)) {
    return Status::InvalidArgument("constraint: epsilon must be in [0, 1)");
  }
  if (spec.ratio != 0 && !(spec.ratio > 0 && spec.ratio <= 1)) {
    return Status::InvalidArgument("constraint: ratio bound must be in (0, 1]");
  }
  Moments mo;
  mo.labels_ = labels;
  mo.groups_ = groups;
  mo.num_groups_ = num_groups;
  mo.spec_ = spec;
  switch (spec.kind) {
    case Constraint::kDemographicParity:
      mo.events_ = {0};
      break;
    case Constraint::kTruePositiveRateParity:
      mo.events_ = {1};
      break;
    case Constraint::kFalsePositiveRateParity:
      mo.events_ = {2};
      break;
    case Constraint::kEqualizedOdds:
      mo.events_ = {1, 2};
      break;
    case Constraint::kErrorRateParity:
      mo.events_ = {0};
      mo.error_moment_ = true;
      break;
  }
  mo.n_event_group_.assign(3, std::vector<double>(num_groups, 0.0));
  mo.n_event_.assign(3, 0.0);
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] > 1) {
      return Status::InvalidArgument("row " + std::to_string(i + 1) + ": label " +
                                     std::to_string(labels[i]) + " is not 0 or 1");
    }
    if (groups[i] >= num_groups) return Status::InvalidArgument("group id out of range");
    for (int e = 0; e < 3; ++e) {
      if (InEvent(e, labels[i])) {
        mo.n_event_group_[e][groups[i]] += 1;
        mo.n_event_[e] += 1;
      }
    }
  }
  for (int e : mo.events_) {
    size_t present = 0;
    for (uint32_t g = 0; g < num_groups; ++g) present += mo.n_event_group_[e][g] > 0;
    if (mo.n_event_[e] == 0) {
      return Status::InvalidArgument(std::string("constraint ") +
                                     std::string(ConstraintName(spec.kind)) + ": no rows with " +
                                     (e == 1 ? "label 1" : "label 0"));
    }
    for (uint32_t g = 0; g < num_groups; ++g) {
      // A group absent from an event (e.g. without positives) has no rate to
      // constrain; it is skipped rather than divided by zero.
      if (mo.n_event_group_[e][g] == 0) continue;
      double eps = spec.epsilon;
      if (spec.pairwise) {
        eps = present == 2 ? spec.epsilon * (1 - mo.n_event_group_[e][g] / mo.n_event_[e])
                           : spec.epsilon / 2;
      }
      mo.constraints_.push_back({e, g, +1, eps});
      mo.constraints_.push_back({e, g, -1, eps});
    }
  }
  return mo;
}

std::vector<double> Moments::Gamma(const std::vector<double>& h) const {
  std::vector<std::vector<double>> sum_eg(3, std::vector<double>(num_groups_, 0.0));
  std::vector<double> sum_e(3, 0.0);
  for (size_t i = 0; i < h.size(); ++i) {
    const double v = error_moment_ ? (labels_[i] ? 1 - h[i] : h[i]) : h[i];
    for (int e : events_) {
      if (!InEvent(e, labels_[i])) continue;
      sum_eg[e][groups_[i]] += v;
      sum_e[e] += v;
    }
  }
  std::vector<double> gamma;
  gamma.reserve(constraints_.size());
  for (const Con& c : constraints_) {
    const double mu_g = sum_eg[c.event][c.group] / n_event_group_[c.event][c.group];
    const double mu = sum_e[c.event] / n_event_[c.event];
    if (spec_.ratio == 0) {
      gamma.push_back(c.sign * (mu_g - mu) - c.epsilon);
    } else {
      gamma.push_back(c.sign > 0 ? spec_.ratio * mu_g - mu : spec_.ratio * mu - mu_g);
    }
  }
  return gamma;
}

double Moments::PairwiseGap(const std::vector<double>& h) const {
  std::vector<std::vector<double>> sum_eg(3, std::vector<double>(num_groups_, 0.0));
  for (size_t i = 0; i < h.size(); ++i) {
    const double v = error_moment_ ? (labels_[i] ? 1 - h[i] : h[i]) : h[i];
    for (int e : events_) {
      if (InEvent(e, labels_[i])) sum_eg[e][groups_[i]] += v;
    }
  }
  double gap = 0;
  for (int e : events_) {
    double lo = INFINITY, hi = -INFINITY;
    for (size_t g = 0; g < num_groups_; ++g) {
      if (n_event_group_[e][g] == 0) continue;
      const double mu = sum_eg[e][g] / n_event_group_[e][g];
      lo = std::min(lo, mu);
      hi = std::max(hi, mu);
    }
    if (hi >= lo) gap = std::max(gap, hi - lo);
  }
  return gap;
}

std::vector<double> Moments::Costs(const std::vector<double>& lambda) const {
  const double n = static_cast<double>(labels_.size());
  // Coefficients on mu_{e,g} and mu_e, aggregated over constraints.
  std::vector<std::vector<double>> on_group(3, std::vector<double>(num_groups_, 0.0));
  std::vector<double> on_event(3, 0.0);
  for (size_t k = 0; k < constraints_.size(); ++k) {
    const Con& c = constraints_[k];
    const double l = lambda[k];
    if (spec_.ratio == 0) {
      on_group[c.event][c.group] += l * c.sign;
      on_event[c.event] -= l * c.sign;
    } else if (c.sign > 0) {
      on_group[c.event][c.group] += l * spec_.ratio;
      on_event[c.event] -= l;
    } else {
      on_group[c.event][c.group] -= l;
      on_event[c.event] += l * spec_.ratio;
    }
  }
  std::vector<double> cost(labels_.size());
  for (size_t i = 0; i < labels_.size(); ++i) {
    const double dv = error_moment_ ? (labels_[i] ? -1.0 : 1.0) : 1.0;
    double c = (labels_[i] ? -1.0 : 1.0) / n;  // d(error)/dh_i
    for (int e : events_) {
      if (!InEvent(e, labels_[i])) continue;
      const uint32_t g = groups_[i];
      c += dv * (on_group[e][g] / n_event_group_[e][g] + on_event[e] / n_event_[e]);
    }
    cost[i] = c;
  }
  return cost;
}

}  // namespace warden::fairness
