// JSON (de)serialization and prediction of saved fairness models. Loading is
// strict: a malformed or foreign document is a Corruption error, never a
// crash (nlohmann::json is used without exceptions).
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "warden/fairness/model.h"

namespace warden::fairness {
namespace {

using nlohmann::json;

json LogisticToJson(const LogisticModel& m) { return {{"weights", m.weights}, {"bias", m.bias}}; }

bool NumberArray(const json& j, std::vector<double>* out) {
  if (!j.is_array()) return false;
  out->clear();
  for (const auto& v : j) {
    if (!v.is_number()) return false;
    out->push_back(v.get<double>());
  }
  return true;
}

const char* KindName(ModelKind k) {
  switch (k) {
    case ModelKind::kLogistic:
      return "logistic";
    case ModelKind::kRandomized:
      return "randomized";
    case ModelKind::kThreshold:
      return "threshold";
  }
  return "?";
}

}  // namespace

std::string FairnessModel::ToJson() const {
  json j;
  j["format"] = "warden-fairness-model";
  j["version"] = 1;
  j["kind"] = KindName(kind);
  j["description"] = description;
  j["label_column"] = label_column;
  j["sensitive_column"] = sensitive_column;
  j["encoder"] = json::parse(encoder.ToJson());
  json models = json::array();
  for (const auto& m : classifier.models) models.push_back(LogisticToJson(m));
  j["models"] = models;
  j["weights"] = classifier.weights;
  j["best_deterministic"] = classifier.best_deterministic;
  if (kind == ModelKind::kThreshold) {
    j["constraint"] = ConstraintName(thresholds.constraint);
    json groups = json::array();
    for (const auto& g : thresholds.groups) {
      groups.push_back({{"group", g.group},
                        {"threshold_a", g.threshold_a},
                        {"threshold_b", g.threshold_b},
                        {"p_b", g.p_b},
                        {"mix", g.mix},
                        {"constant", g.constant},
                        {"target_x", g.target_x},
                        {"target_y", g.target_y}});
    }
    j["thresholds"] = groups;
  }
  return j.dump(1);
}

Result<FairnessModel> FairnessModel::FromJson(std::string_view text) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto bad = [](const std::string& what) { return Status::Corruption("fairness model: " + what); };
  // A string field, "" when absent; another type is corruption (json::value
  // would throw on it, and exceptions must not leave the library).
  auto text_field = [&](const char* key) -> Result<std::string> {
    if (!j.contains(key)) return std::string();
    if (!j[key].is_string()) return bad(std::string("field '") + key + "' is not a string");
    return j[key].get<std::string>();
  };
  if (!j.is_object() || !j.contains("format") || !j["format"].is_string() ||
      j["format"].get<std::string>() != "warden-fairness-model") {
    return bad("not a warden fairness model (format field missing)");
  }
  if (!j.contains("version") || j["version"] != 1) return bad("unsupported version");
  FairnessModel m;
  WARDEN_ASSIGN_OR_RETURN(const std::string kind, text_field("kind"));
  if (kind == "logistic") {
    m.kind = ModelKind::kLogistic;
  } else if (kind == "randomized") {
    m.kind = ModelKind::kRandomized;
  } else if (kind == "threshold") {
    m.kind = ModelKind::kThreshold;
  } else {
    return bad("unknown kind '" + kind + "'");
  }
  WARDEN_ASSIGN_OR_RETURN(m.description, text_field("description"));
  WARDEN_ASSIGN_OR_RETURN(m.label_column, text_field("label_column"));
  WARDEN_ASSIGN_OR_RETURN(m.sensitive_column, text_field("sensitive_column"));
  if (!j.contains("encoder")) return bad("no encoder");
  WARDEN_ASSIGN_OR_RETURN(m.encoder, Encoder::FromJson(j["encoder"].dump()));
  const size_t width = m.encoder.output_width();
  if (!j.contains("models") || !j["models"].is_array() || j["models"].empty()) {
    return bad("no models");
  }
  for (const auto& mj : j["models"]) {
    LogisticModel lm;
    if (!mj.is_object() || !mj.contains("weights") || !NumberArray(mj["weights"], &lm.weights) ||
        !mj.contains("bias") || !mj["bias"].is_number()) {
      return bad("malformed logistic model");
    }
    if (lm.weights.size() != width) return bad("model width differs from the encoder's");
    lm.bias = mj["bias"].get<double>();
    m.classifier.models.push_back(std::move(lm));
  }
  if (!j.contains("weights") || !NumberArray(j["weights"], &m.classifier.weights) ||
      m.classifier.weights.size() != m.classifier.models.size()) {
    return bad("mixture weights missing or of the wrong length");
  }
  double sum = 0;
  for (double w : m.classifier.weights) {
    if (!(w >= 0)) return bad("negative mixture weight");
    sum += w;
  }
  if (std::abs(sum - 1) > 1e-6) return bad("mixture weights do not sum to 1");
  if (!j.contains("best_deterministic") || !j["best_deterministic"].is_number_unsigned() ||
      j["best_deterministic"].get<size_t>() >= m.classifier.models.size()) {
    return bad("best_deterministic out of range");
  }
  m.classifier.best_deterministic = j["best_deterministic"].get<size_t>();
  if (m.kind == ModelKind::kThreshold) {
    WARDEN_ASSIGN_OR_RETURN(const std::string constraint, text_field("constraint"));
    WARDEN_ASSIGN_OR_RETURN(m.thresholds.constraint, ParseConstraint(constraint));
    if (!j.contains("thresholds") || !j["thresholds"].is_array()) return bad("no thresholds");
    for (const auto& g : j["thresholds"]) {
      GroupThreshold t;
      if (!g.is_object() || !g.contains("group") || !g["group"].is_string()) {
        return bad("malformed threshold entry");
      }
      t.group = g["group"].get<std::string>();
      for (auto [key, field] : {std::pair{"threshold_a", &t.threshold_a},
                                {"threshold_b", &t.threshold_b},
                                {"p_b", &t.p_b},
                                {"mix", &t.mix},
                                {"constant", &t.constant},
                                {"target_x", &t.target_x},
                                {"target_y", &t.target_y}}) {
        if (!g.contains(key) || !g[key].is_number())
          return bad(std::string("threshold lacks ") + key);
        *field = g[key].get<double>();
      }
      m.thresholds.groups.push_back(std::move(t));
    }
    if (m.sensitive_column.empty()) return bad("threshold model without a sensitive column");
  }
  return m;
}

Result<Predictions> Predict(const FairnessModel& model, const Frame& features,
                            const Frame& sensitive, uint64_t seed, bool deterministic) {
  WARDEN_ASSIGN_OR_RETURN(Matrix x, model.encoder.Transform(features));
  Predictions p;
  const RandomizedClassifier& c = model.classifier;
  const LogisticModel& best = c.models[c.best_deterministic];
  p.score.resize(x.rows);
  for (size_t i = 0; i < x.rows; ++i) p.score[i] = best.Probability(x.Row(i));
  if (model.kind == ModelKind::kThreshold) {
    WARDEN_ASSIGN_OR_RETURN(size_t col, sensitive.Column(model.sensitive_column));
    WARDEN_ASSIGN_OR_RETURN(p.expected,
                            model.thresholds.ExpectedPrediction(p.score, sensitive.columns[col]));
    WARDEN_ASSIGN_OR_RETURN(p.decision,
                            model.thresholds.Sample(p.score, sensitive.columns[col], seed));
    return p;
  }
  if (model.kind == ModelKind::kLogistic || deterministic) {
    p.decision = c.PredictDeterministic(x);
    p.expected.assign(p.decision.begin(), p.decision.end());
    return p;
  }
  p.expected = c.ExpectedPrediction(x);
  p.decision = c.Sample(x, seed);
  return p;
}

}  // namespace warden::fairness
