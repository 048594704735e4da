// The fairness audit: groups, rates, intervals, disparities and warnings.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "warden/fairness/audit.h"

namespace warden::fairness {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Ratio(int64_t a, int64_t b) {
  return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : kNaN;
}

// Percentile (linear interpolation) of a sample, ignoring NaN.
Interval Percentiles(std::vector<double> v, double confidence) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  Interval out;
  if (v.empty()) return out;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    const double pos = q * static_cast<double>(v.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
  };
  out.lo = at((1 - confidence) / 2);
  out.hi = at(1 - (1 - confidence) / 2);
  return out;
}

// Two-sided standard normal quantile for a confidence level (Acklam-free:
// bisection on erfc is plenty for a handful of calls).
double NormalQuantile(double confidence) {
  const double tail = (1 - confidence) / 2;
  double lo = 0, hi = 10;
  for (int i = 0; i < 100; ++i) {
    const double mid = (lo + hi) / 2;
    (0.5 * std::erfc(mid / std::sqrt(2.0)) > tail ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

struct Spread {
  double difference = kNaN, ratio = kNaN;
  size_t high = 0, low = 0;
};

Spread SpreadOf(const std::vector<double>& values) {
  Spread s;
  bool any = false;
  for (size_t g = 0; g < values.size(); ++g) {
    if (std::isnan(values[g])) continue;
    if (!any || values[g] > values[s.high]) s.high = g;
    if (!any || values[g] < values[s.low]) s.low = g;
    any = true;
  }
  if (!any) return s;
  s.difference = values[s.high] - values[s.low];
  s.ratio = values[s.high] > 0 ? values[s.low] / values[s.high] : kNaN;
  return s;
}

GroupingResult AuditGrouping(const Grouping& grouping, const AuditInput& in,
                             const AuditOptions& opt) {
  GroupingResult out;
  out.name = grouping.name;
  const size_t G = grouping.groups.size();
  const std::vector<Counts> counts = CountByGroup(grouping.ids, G, in.labels, in.predictions);
  // A stable, grouping-specific seed so each grouping's intervals do not
  // depend on which other groupings were audited.
  const std::vector<Counts> boot =
      BootstrapCountsFast(counts, opt.bootstrap_resamples, opt.seed ^ (G * 0x9E3779B97F4A7C15ull));
  const double z = NormalQuantile(opt.confidence);

  std::vector<std::vector<size_t>> members(G);
  if (!in.scores.empty()) {
    for (size_t i = 0; i < grouping.ids.size(); ++i) members[grouping.ids[i]].push_back(i);
  }
  for (size_t g = 0; g < G; ++g) {
    GroupResult r;
    r.group = grouping.groups[g];
    r.counts = counts[g];
    for (int m = 0; m < kNumMetrics; ++m) {
      r.value[m] = MetricValue(static_cast<Metric>(m), counts[g]);
      std::vector<double> samples(static_cast<size_t>(opt.bootstrap_resamples));
      for (int b = 0; b < opt.bootstrap_resamples; ++b) {
        samples[b] = MetricValue(static_cast<Metric>(m), boot[static_cast<size_t>(b) * G + g]);
      }
      r.ci[m] = Percentiles(std::move(samples), opt.confidence);
    }
    if (!in.scores.empty()) {
      std::vector<double> s;
      std::vector<uint8_t> y;
      for (size_t i : members[g]) s.push_back(in.scores[i]), y.push_back(in.labels[i]);
      r.auc = Auc(s, y);
      if (!std::isnan(r.auc)) {
        // Hanley & McNeil (1982) standard error.
        const double a = r.auc, p = static_cast<double>(counts[g].positives()),
                     n = static_cast<double>(counts[g].negatives());
        const double q1 = a / (2 - a), q2 = 2 * a * a / (1 + a);
        const double se =
            std::sqrt((a * (1 - a) + (p - 1) * (q1 - a * a) + (n - 1) * (q2 - a * a)) / (p * n));
        r.auc_ci = {std::max(0.0, a - z * se), std::min(1.0, a + z * se)};
      }
      const int bins = std::max(1, opt.calibration_bins);
      r.calibration.resize(static_cast<size_t>(bins));
      std::vector<double> pos(static_cast<size_t>(bins), 0), sum(static_cast<size_t>(bins), 0);
      for (int k = 0; k < bins; ++k) {
        r.calibration[k].lo = static_cast<double>(k) / bins;
        r.calibration[k].hi = static_cast<double>(k + 1) / bins;
      }
      for (size_t i : members[g]) {
        const double sc = std::clamp(in.scores[i], 0.0, 1.0);
        const size_t k = std::min(static_cast<size_t>(sc * bins), static_cast<size_t>(bins - 1));
        r.calibration[k].count++;
        sum[k] += sc;
        pos[k] += in.labels[i];
      }
      for (int k = 0; k < bins; ++k) {
        if (r.calibration[k].count == 0) continue;
        const double c = static_cast<double>(r.calibration[k].count);
        r.calibration[k].mean_score = sum[k] / c;
        r.calibration[k].positive_rate = pos[k] / c;
      }
    }
    if (counts[g].positives() == 0) {
      out.notes.push_back("group '" + r.group +
                          "' has no positives: TPR, false-rejection rate and FNR are undefined "
                          "and left out of the disparities");
    }
    if (counts[g].negatives() == 0) {
      out.notes.push_back("group '" + r.group +
                          "' has no negatives: FPR is undefined and left out of the disparities");
    }
    // Certification warnings on the rates the lending case constrains.
    for (Metric m : {Metric::kFalseRejection, Metric::kFpr, Metric::kSelectionRate}) {
      const int64_t denom = MetricDenominator(m, counts[g]);
      if (denom == 0) continue;
      const double p = r.value[static_cast<int>(m)];
      const double half = z * std::sqrt(std::max(p * (1 - p), 0.01) / static_cast<double>(denom));
      if (half <= opt.tolerance) continue;
      SmallGroupWarning w;
      w.group = r.group;
      w.metric = m;
      w.denominator = denom;
      w.half_width = half;
      w.needed = RequiredDenominator(p, opt.tolerance, z);
      const char* what = m == Metric::kFpr             ? "negatives"
                         : m == Metric::kSelectionRate ? "rows"
                                                       : "positives";
      char buf[400];
      std::snprintf(buf, sizeof buf,
                    "group '%s': %s from %lld %s has a +/-%.3f interval, wider than the "
                    "tolerance %.3f; certifying it would need about %lld %s",
                    r.group.c_str(), std::string(MetricName(m)).c_str(),
                    static_cast<long long>(denom), what, half, opt.tolerance,
                    static_cast<long long>(w.needed), what);
      w.message = buf;
      out.warnings.push_back(std::move(w));
    }
    out.groups.push_back(std::move(r));
  }
  for (int m = 0; m < kNumMetrics; ++m) {
    Disparity d;
    d.metric = static_cast<Metric>(m);
    std::vector<double> values(G);
    size_t excluded = 0;
    for (size_t g = 0; g < G; ++g) {
      const bool too_small = MetricDenominator(d.metric, counts[g]) < opt.min_denominator;
      excluded += too_small && MetricDenominator(d.metric, counts[g]) > 0;
      values[g] = too_small ? kNaN : out.groups[g].value[m];
    }
    if (excluded > 0 && (d.metric == Metric::kFalseRejection || d.metric == Metric::kFpr)) {
      out.notes.push_back(std::to_string(excluded) + " group(s) with fewer than " +
                          std::to_string(opt.min_denominator) + " rows in the " +
                          std::string(MetricName(d.metric)) +
                          " denominator are left out of its disparity");
    }
    const Spread s = SpreadOf(values);
    d.difference = s.difference;
    d.ratio = s.ratio;
    if (!std::isnan(s.difference)) {
      d.highest = out.groups[s.high].group;
      d.lowest = out.groups[s.low].group;
    }
    // The interval is for the difference between the pair named by the
    // point estimate (highest minus lowest), resampled: a re-maximized
    // |max - min| would be biased upward when the true gap is near zero.
    std::vector<double> diffs, ratios;
    for (int b = 0; b < opt.bootstrap_resamples && !std::isnan(s.difference); ++b) {
      const double hi = MetricValue(d.metric, boot[static_cast<size_t>(b) * G + s.high]);
      const double lo = MetricValue(d.metric, boot[static_cast<size_t>(b) * G + s.low]);
      diffs.push_back(hi - lo);
      ratios.push_back(hi > 0 ? lo / hi : kNaN);
    }
    d.difference_ci = Percentiles(std::move(diffs), opt.confidence);
    d.ratio_ci = Percentiles(std::move(ratios), opt.confidence);
    out.disparities.push_back(d);
  }
  return out;
}

}  // namespace

std::string_view MetricName(Metric m) {
  switch (m) {
    case Metric::kSelectionRate:
      return "selection_rate";
    case Metric::kTpr:
      return "tpr";
    case Metric::kFpr:
      return "fpr";
    case Metric::kFalseRejection:
      return "false_rejection_rate";
    case Metric::kFnr:
      return "fnr";
    case Metric::kErrorRate:
      return "error_rate";
    case Metric::kPrecision:
      return "precision";
  }
  return "?";
}

int64_t MetricDenominator(Metric m, const Counts& c) {
  switch (m) {
    case Metric::kSelectionRate:
    case Metric::kErrorRate:
      return c.n();
    case Metric::kTpr:
    case Metric::kFalseRejection:
    case Metric::kFnr:
      return c.positives();
    case Metric::kFpr:
      return c.negatives();
    case Metric::kPrecision:
      return c.tp + c.fp;
  }
  return 0;
}

double MetricValue(Metric m, const Counts& c) {
  switch (m) {
    case Metric::kSelectionRate:
      return Ratio(c.tp + c.fp, c.n());
    case Metric::kTpr:
      return Ratio(c.tp, c.positives());
    case Metric::kFpr:
      return Ratio(c.fp, c.negatives());
    case Metric::kFalseRejection:
    case Metric::kFnr:
      return Ratio(c.fn, c.positives());
    case Metric::kErrorRate:
      return Ratio(c.fp + c.fn, c.n());
    case Metric::kPrecision:
      return Ratio(c.tp, c.tp + c.fp);
  }
  return kNaN;
}

Grouping GroupBy(const Frame& sensitive, const std::vector<size_t>& columns) {
  Grouping g;
  for (size_t k = 0; k < columns.size(); ++k) {
    g.name += (k ? "&" : "") + sensitive.names[columns[k]];
  }
  std::map<std::string, uint32_t> index;
  const size_t rows = sensitive.rows();
  g.ids.resize(rows);
  std::vector<std::string> keys(rows);
  for (size_t r = 0; r < rows; ++r) {
    std::string key;
    for (size_t k = 0; k < columns.size(); ++k) {
      const std::string& v = sensitive.columns[columns[k]][r];
      const std::string shown = IsMissing(v) ? "(missing)" : v;
      key +=
          columns.size() == 1 ? shown : (k ? "&" : "") + sensitive.names[columns[k]] + "=" + shown;
    }
    keys[r] = key;
    index.emplace(key, 0);
  }
  // Sorted names give ids independent of row order.
  for (auto& [key, id] : index) {
    id = static_cast<uint32_t>(g.groups.size());
    g.groups.push_back(key);
  }
  for (size_t r = 0; r < rows; ++r) g.ids[r] = index[keys[r]];
  return g;
}

Result<AuditResult> Audit(const AuditInput& in, const AuditOptions& opt) {
  const size_t n = in.labels.size();
  if (n == 0) return Status::InvalidArgument("audit: no rows");
  if (in.predictions.size() != n) return Status::InvalidArgument("audit: predictions/labels size");
  if (!in.scores.empty() && in.scores.size() != n) {
    return Status::InvalidArgument("audit: scores/labels size");
  }
  if (in.sensitive.columns.empty()) {
    return Status::InvalidArgument("audit: at least one sensitive column is needed");
  }
  if (in.sensitive.rows() != n) return Status::InvalidArgument("audit: sensitive/labels size");
  for (size_t i = 0; i < n; ++i) {
    if (in.labels[i] > 1 || in.predictions[i] > 1) {
      return Status::InvalidArgument("audit: row " + std::to_string(i + 1) +
                                     ": labels and predictions must be 0 or 1");
    }
    if (!in.scores.empty() && !(in.scores[i] >= 0 && in.scores[i] <= 1)) {
      return Status::InvalidArgument("audit: row " + std::to_string(i + 1) +
                                     ": score outside [0, 1]");
    }
  }
  if (opt.bootstrap_resamples < 0 || opt.bootstrap_resamples > 1000000) {
    return Status::InvalidArgument("audit: bootstrap resamples must be in [0, 1000000]");
  }
  if (!(opt.confidence > 0 && opt.confidence < 1)) {
    return Status::InvalidArgument("audit: confidence must be in (0, 1)");
  }
  AuditResult res;
  res.options = opt;
  for (size_t i = 0; i < n; ++i) {
    if (in.labels[i]) {
      (in.predictions[i] ? res.overall.tp : res.overall.fn)++;
    } else {
      (in.predictions[i] ? res.overall.fp : res.overall.tn)++;
    }
  }
  for (int m = 0; m < kNumMetrics; ++m) {
    res.overall_value[m] = MetricValue(static_cast<Metric>(m), res.overall);
  }
  if (!in.scores.empty()) res.overall_auc = Auc(in.scores, in.labels);
  const size_t cols = in.sensitive.columns.size();
  for (size_t c = 0; c < cols; ++c) {
    res.groupings.push_back(AuditGrouping(GroupBy(in.sensitive, {c}), in, opt));
  }
  if (cols > 1 && opt.intersections) {
    std::vector<size_t> all(cols);
    for (size_t c = 0; c < cols; ++c) all[c] = c;
    res.groupings.push_back(AuditGrouping(GroupBy(in.sensitive, all), in, opt));
  }
  return res;
}

}  // namespace warden::fairness
