// Guardrails: the datasets, training recipe and metrics of the guard
// classifiers (`warden guard train`; the evaluation page, `warden guard eval`,
// is src/eval/guard/classifier_eval.h).
//
// Data (never committed; ../shared/data/guard, see its SOURCES.md):
//   davidson_labeled_data.csv         tweets, class 0 hate / 1 offensive / 2 neither
//   toxigen_demonstrations/**/*.txt   hate_* and neutral_* statements, one a line
//   hatecheck_test_suite_cases.csv    functional tests, hateful / non-hateful
//   purplellama_prompt_injection.json attacks (user_input)
// and the committed benign request set data/guard/benign_requests.tsv.
//
// Splits are deterministic functions of the seed, so `eval` re-derives the
// held-out parts the committed models never saw:
//   Davidson: stratified by class, 20% test; of the rest, 10% calibration.
//     Test tweets whose normalized text also occurs in training are dropped
//     (retweets duplicate tweets). TOXIGEN: stratified, 20% held out; the
//     training part is repeated `toxigen_repeat` times (it is small and it is
//     the only data about statements on groups).
//   Injection: attacks stratified by variant, 50% test; benign requests split
//     by template (whole templates on one side, ~35% of them test), so a
//     sentence frame seen in training is never scored in evaluation. 15% of
//     each training side is calibration.
//
// Thread safety: plain functions over their arguments.
#ifndef WARDEN_GUARD_CLASSIFIER_RECIPE_H_
#define WARDEN_GUARD_CLASSIFIER_RECIPE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "warden/core/status.h"
#include "warden/guard/classifier.h"

namespace warden::guard {

// --- datasets ---------------------------------------------------------------

// Toxicity classes, in model order.
inline const std::vector<std::string>& ToxicityClasses() {
  static const std::vector<std::string> k = {"hate", "offensive", "none"};
  return k;
}
inline const std::vector<std::string>& InjectionClasses() {
  static const std::vector<std::string> k = {"benign", "injection"};
  return k;
}

// Rows of an RFC 4180 CSV text (quoted fields, doubled quotes, newlines
// inside quotes). Errors name the line.
Result<std::vector<std::vector<std::string>>> ParseCsv(std::string_view text,
                                                       std::string_view what);

Result<std::vector<LabeledText>> LoadDavidson(const std::string& path);
// Labels: files named hate_* are hate, neutral_* none.
Result<std::vector<LabeledText>> LoadToxigen(const std::string& dir);

struct HateCheckCase {
  std::string functionality;
  std::string text;
  bool hateful = false;
};
Result<std::vector<HateCheckCase>> LoadHateCheck(const std::string& path);

struct TextWithGroup {
  std::string group;  // injection variant, or benign template id
  std::string text;
};
Result<std::vector<TextWithGroup>> LoadInjectionAttacks(const std::string& path);
Result<std::vector<TextWithGroup>> LoadBenignRequests(const std::string& path);

// Split assignment per item: 0 train, 1 calibration, 2 test. Stratified by
// `strata`; deterministic in the seed.
enum Split : int { kTrain = 0, kCalibration = 1, kTest = 2 };
std::vector<int> StratifiedSplit(const std::vector<std::string>& strata, double test_fraction,
                                 double calibration_fraction, uint64_t seed);
// Whole groups to one side: a group is test with probability
// `test_fraction` (by hash of group and seed); 'calibration_fraction' of the
// remaining items are calibration.
std::vector<int> GroupSplit(const std::vector<std::string>& groups, double test_fraction,
                            double calibration_fraction, uint64_t seed);

// --- recipe -----------------------------------------------------------------

struct GuardDataConfig {
  std::string data_dir;     // the directory holding guard/
  std::string benign_path;  // data/guard/benign_requests.tsv
  uint64_t seed = 20240601;
};

// Every split both commands need.
struct GuardDatasets {
  std::vector<LabeledText> tox_train, tox_calibration, tox_test;  // Davidson
  // TOXIGEN, stratified 80/20: training part, and a held-out part for
  // choosing how much it weighs (never HateCheck).
  std::vector<LabeledText> toxigen_train, toxigen_test;
  size_t davidson_test_duplicates_dropped = 0;
  std::vector<LabeledText> inj_train, inj_calibration;
  std::vector<TextWithGroup> inj_test_attacks, inj_test_benign;
  size_t benign_templates_test = 0, benign_templates_total = 0;
  // "path sha256" for the manifest.
  std::vector<std::pair<std::string, std::string>> checksums;
};
Result<GuardDatasets> LoadGuardDatasets(const GuardDataConfig& cfg);

struct GuardTrainConfig {
  GuardDataConfig data;
  std::string out_dir = "models/guard";
  std::string command;  // recorded in the manifest
  FeatureOptions toxicity_features;
  TrainOptions toxicity_train;
  FeatureOptions injection_features;
  TrainOptions injection_train;
  int toxigen_repeat = 3;
  GuardTrainConfig();
};

// Trains both models, writes them and MANIFEST.md to out_dir; returns the
// manifest text.
Result<std::string> TrainGuardModels(const GuardTrainConfig& cfg);

// --- metrics ----------------------------------------------------------------

struct ClassMetrics {
  std::string name;
  double precision = 0, recall = 0, f1 = 0, roc_auc = 0;
  size_t support = 0;
};
struct MulticlassMetrics {
  std::vector<ClassMetrics> classes;
  double accuracy = 0, macro_f1 = 0, weighted_f1 = 0;
  std::vector<std::vector<size_t>> confusion;  // [true][predicted]
};
// Predictions are argmax of probs; AUC one-vs-rest from the probabilities
// (ties count half).
MulticlassMetrics ComputeMulticlassMetrics(const std::vector<std::string>& class_names,
                                           const std::vector<int>& labels,
                                           const std::vector<std::vector<double>>& probs);
// Area under the ROC curve of scores for positives vs negatives.
double RocAuc(const std::vector<double>& positive_scores,
              const std::vector<double>& negative_scores);
// Recall of the positives at the largest threshold whose false-positive rate
// on the negatives is at most `fpr` (a score counts as positive when it is
// strictly above the threshold); the threshold is returned too.
double RecallAtFpr(const std::vector<double>& positive_scores,
                   const std::vector<double>& negative_scores, double fpr, double* threshold);

}  // namespace warden::guard

#endif  // WARDEN_GUARD_CLASSIFIER_RECIPE_H_
