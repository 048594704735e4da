// A trained fairness model as saved by `warden fairness train` and applied by
// `warden fairness predict`: the encoder fitted on the training features, the
// classifier (plain logistic regression, a randomized mixture from a
// reduction, or logistic scores followed by group thresholds), and the names
// of the columns it needs. Stored as one JSON document (format "warden-
// fairness-model", version 1).
//
// Thread safety: immutable after Load; Predict is const.
#ifndef WARDEN_FAIRNESS_MODEL_H_
#define WARDEN_FAIRNESS_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "warden/fairness/data.h"
#include "warden/fairness/postprocess.h"
#include "warden/fairness/train.h"

namespace warden::fairness {

enum class ModelKind { kLogistic, kRandomized, kThreshold };

struct FairnessModel {
  ModelKind kind = ModelKind::kLogistic;
  Encoder encoder;
  std::string label_column;
  std::string sensitive_column;     // needed at prediction time for kThreshold
  RandomizedClassifier classifier;  // kLogistic: one model, weight 1
  ThresholdPostprocessor thresholds;
  std::string description;  // how it was trained (method, constraint, epsilon)

  std::string ToJson() const;
  static Result<FairnessModel> FromJson(std::string_view json);
};

struct Predictions {
  std::vector<double> score;      // logistic probability (kRandomized: of the
                                  // best deterministic model)
  std::vector<double> expected;   // P(approve)
  std::vector<uint8_t> decision;  // a reproducible draw (deterministic models: the rule)
};

// `features` must hold every encoder column; `sensitive` the model's
// sensitive column for kThreshold (else may be empty). `deterministic`: use
// the best single classifier instead of the mixture.
Result<Predictions> Predict(const FairnessModel& model, const Frame& features,
                            const Frame& sensitive, uint64_t seed, bool deterministic = false);

}  // namespace warden::fairness

#endif  // WARDEN_FAIRNESS_MODEL_H_
