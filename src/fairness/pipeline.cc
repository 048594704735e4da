// Library side of the `warden fairness` commands (see fairness_pipeline.h).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "warden/fairness/pipeline.h"
#include "warden/fairness/postprocess.h"

namespace warden::fairness {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Result<Frame> SelectColumns(const Frame& f, const std::vector<std::string>& names) {
  Frame out;
  for (const auto& n : names) {
    WARDEN_ASSIGN_OR_RETURN(size_t c, f.Column(n));
    out.names.push_back(n);
    out.columns.push_back(f.columns[c]);
  }
  return out;
}

Result<double> ParseScore(const std::string& s, size_t row, const std::string& column) {
  double v = 0;
  std::string_view t = s;
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || p != t.data() + t.size() || !std::isfinite(v)) {
    return Status::InvalidArgument("row " + std::to_string(row + 1) + ", column '" + column +
                                   "': '" + s + "' is not a number" +
                                   (IsMissing(s) ? " (missing)" : ""));
  }
  return v;
}

}  // namespace

Result<LabeledData> LoadTable(const TableSpec& spec) {
  LabeledData d;
  if (spec.format == "adult" || spec.format == "german") {
    WARDEN_ASSIGN_OR_RETURN(d,
                            spec.format == "adult" ? LoadAdult(spec.path) : LoadGerman(spec.path));
    if (!spec.sensitive.empty()) {
      Result<Frame> s = SelectColumns(d.sensitive, spec.sensitive);
      if (!s.ok()) return s.status().WithContext(spec.path);
      d.sensitive = std::move(s).value();
    }
    return d;
  }
  if (spec.format != "csv") {
    return Status::InvalidArgument("unknown format '" + spec.format + "' (csv, adult, german)");
  }
  WARDEN_ASSIGN_OR_RETURN(CsvTable t, ReadCsv(spec.path));
  Result<size_t> label = t.Column(spec.label);
  if (!label.ok()) return label.status().WithContext(spec.path);
  std::vector<std::string> label_col;
  for (const auto& row : t.rows) label_col.push_back(row[*label]);
  Result<std::vector<uint8_t>> labels =
      ParseLabels(label_col, spec.positive_labels, {}, spec.label);
  if (!labels.ok()) return labels.status().WithContext(spec.path);
  d.labels = std::move(labels).value();
  d.name = spec.path;
  for (const auto& s : spec.sensitive) {
    Result<size_t> c = t.Column(s);
    if (!c.ok()) return c.status().WithContext(spec.path);
  }
  for (size_t c = 0; c < t.header.size(); ++c) {
    const std::string& name = t.header[c];
    if (c == *label || Contains(spec.drop, name)) continue;
    std::vector<std::string> column;
    column.reserve(t.rows.size());
    for (const auto& row : t.rows) column.push_back(row[c]);
    Frame& target = Contains(spec.sensitive, name) ? d.sensitive : d.features;
    target.names.push_back(name);
    target.columns.push_back(std::move(column));
  }
  if (d.features.columns.empty()) {
    return Status::InvalidArgument(spec.path + ": no feature columns left");
  }
  return d;
}

Result<AuditInput> AuditInputFromCsv(const CsvTable& t, const AuditColumns& c) {
  if (c.prediction.empty() == c.score.empty()) {
    return Status::InvalidArgument(
        "audit: give exactly one of a prediction column or a score column");
  }
  if (c.sensitive.empty())
    return Status::InvalidArgument("audit: name at least one sensitive column");
  AuditInput in;
  WARDEN_ASSIGN_OR_RETURN(size_t label, t.Column(c.label));
  std::vector<std::string> label_col;
  for (const auto& row : t.rows) label_col.push_back(row[label]);
  WARDEN_ASSIGN_OR_RETURN(in.labels, ParseLabels(label_col, c.positive_labels, {}, c.label));
  if (!c.prediction.empty()) {
    WARDEN_ASSIGN_OR_RETURN(size_t pc, t.Column(c.prediction));
    std::vector<std::string> col;
    for (const auto& row : t.rows) col.push_back(row[pc]);
    WARDEN_ASSIGN_OR_RETURN(in.predictions, ParseLabels(col, c.positive_labels, {}, c.prediction));
  } else {
    WARDEN_ASSIGN_OR_RETURN(size_t sc, t.Column(c.score));
    for (size_t r = 0; r < t.rows.size(); ++r) {
      WARDEN_ASSIGN_OR_RETURN(double v, ParseScore(t.rows[r][sc], r, c.score));
      if (v < 0 || v > 1) {
        return Status::InvalidArgument("row " + std::to_string(r + 1) + ", column '" + c.score +
                                       "': score outside [0, 1]");
      }
      in.scores.push_back(v);
      in.predictions.push_back(v >= c.threshold ? 1 : 0);
    }
  }
  for (const auto& s : c.sensitive) {
    WARDEN_ASSIGN_OR_RETURN(size_t sc, t.Column(s));
    std::vector<std::string> col;
    for (const auto& row : t.rows) col.push_back(row[sc]);
    in.sensitive.names.push_back(s);
    in.sensitive.columns.push_back(std::move(col));
  }
  return in;
}

Result<std::vector<SubgroupFinding>> RichSubgroupsFromCsv(
    const CsvTable& t, const AuditInput& in, const std::vector<std::string>& attributes,
    const std::vector<std::string>& sensitive) {
  std::vector<std::string> names;
  std::vector<std::vector<double>> cols;
  if (!attributes.empty()) {
    for (const auto& a : attributes) {
      WARDEN_ASSIGN_OR_RETURN(size_t c, t.Column(a));
      std::vector<double> v;
      for (size_t r = 0; r < t.rows.size(); ++r) {
        WARDEN_ASSIGN_OR_RETURN(double x, ParseScore(t.rows[r][c], r, a));
        v.push_back(x);
      }
      names.push_back(a);
      cols.push_back(std::move(v));
    }
  } else {
    // One indicator per value of each sensitive column.
    Frame f;
    for (const auto& s : sensitive) {
      WARDEN_ASSIGN_OR_RETURN(size_t c, t.Column(s));
      f.names.push_back(s);
      std::vector<std::string> col;
      for (const auto& row : t.rows) col.push_back(row[c]);
      f.columns.push_back(std::move(col));
    }
    for (size_t c = 0; c < f.columns.size(); ++c) {
      const Grouping g = GroupBy(f, {c});
      for (size_t k = 0; k < g.groups.size(); ++k) {
        std::vector<double> v(g.ids.size());
        for (size_t r = 0; r < v.size(); ++r) v[r] = g.ids[r] == k ? 1 : 0;
        names.push_back(f.names[c] + "=" + g.groups[k]);
        cols.push_back(std::move(v));
      }
    }
  }
  const std::vector<double> pred(in.predictions.begin(), in.predictions.end());
  std::vector<SubgroupFinding> out;
  for (SubgroupRate rate : {SubgroupRate::kFpr, SubgroupRate::kFnr}) {
    Result<SubgroupFinding> f = AuditRichSubgroup(names, cols, in.labels, pred, rate);
    if (f.ok()) out.push_back(std::move(f).value());  // no negatives/positives: nothing to audit
  }
  return out;
}

Result<TrainOutcome> TrainModel(const LabeledData& data, const TrainSpec& spec) {
  TrainOutcome out;
  FairnessModel& m = out.model;
  WARDEN_ASSIGN_OR_RETURN(m.encoder, Encoder::Fit(data.features));
  WARDEN_ASSIGN_OR_RETURN(Matrix x, m.encoder.Transform(data.features));
  const bool constrained = spec.method != "logistic";
  Grouping groups;
  if (constrained) {
    if (spec.group_column.empty()) {
      return Status::InvalidArgument("train: method '" + spec.method +
                                     "' needs a sensitive column");
    }
    WARDEN_ASSIGN_OR_RETURN(size_t gc, data.sensitive.Column(spec.group_column));
    groups = GroupBy(data.sensitive, {gc});
    m.sensitive_column = spec.group_column;
  }
  std::string constraint_text =
      std::string(ConstraintName(spec.constraint.kind)) +
      (spec.constraint.ratio > 0 ? " ratio " + std::to_string(spec.constraint.ratio)
                                 : " epsilon " + std::to_string(spec.constraint.epsilon));
  if (spec.method == "logistic" || spec.method == "threshold") {
    WARDEN_ASSIGN_OR_RETURN(LogisticModel lr, FitLogistic(x, data.labels, {}, spec.learner));
    m.classifier.models = {lr};
    m.classifier.weights = {1.0};
    m.kind = ModelKind::kLogistic;
    m.description = "logistic regression";
    std::vector<double> s(x.rows);
    double err = 0;
    for (size_t i = 0; i < x.rows; ++i) {
      s[i] = lr.Probability(x.Row(i));
      err += (s[i] >= 0.5) != (data.labels[i] == 1);
    }
    out.train_error = err / static_cast<double>(x.rows);
    if (spec.method == "threshold") {
      const std::vector<std::string>& col =
          data.sensitive.columns[*data.sensitive.Column(spec.group_column)];
      WARDEN_ASSIGN_OR_RETURN(m.thresholds,
                              FitThresholds(s, data.labels, col, spec.constraint.kind));
      m.kind = ModelKind::kThreshold;
      m.description = "logistic regression + threshold post-processing for " +
                      std::string(ConstraintName(spec.constraint.kind));
      out.train_error = m.thresholds.train_error;
    }
    return out;
  }
  ReductionResult r;
  if (spec.method == "expgrad") {
    WARDEN_ASSIGN_OR_RETURN(
        r, ExponentiatedGradient(x, data.labels, groups.ids, groups.groups.size(), spec.constraint,
                                 spec.reduction));
  } else if (spec.method == "grid") {
    WARDEN_ASSIGN_OR_RETURN(r, GridSearch(x, data.labels, groups.ids, groups.groups.size(),
                                          spec.constraint, spec.reduction));
  } else {
    return Status::InvalidArgument("train: unknown method '" + spec.method +
                                   "' (logistic, expgrad, grid, threshold)");
  }
  m.kind = ModelKind::kRandomized;
  m.classifier = std::move(r.classifier);
  m.description =
      (spec.method == "expgrad" ? "exponentiated gradient, " : "grid search, ") + constraint_text;
  out.report = r.report;
  out.train_error = r.report.train_error;
  out.train_gap = r.report.train_gap;
  return out;
}

std::string PredictionsToCsv(const Predictions& p) {
  std::string out = "row,score,expected,decision\n";
  char buf[96];
  for (size_t i = 0; i < p.decision.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%zu,%.6f,%.6f,%d\n", i + 1, p.score[i], p.expected[i],
                  p.decision[i]);
    out += buf;
  }
  return out;
}

}  // namespace warden::fairness
