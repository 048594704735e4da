// Guardrails: trained text classifiers and the scanners built on them.
//
// The model is multinomial logistic regression over hashed features of a
// normalized text: word unigrams and bigrams, character 3-5-grams of each
// word (with boundary marks, so misspellings and obfuscations still share
// most features) and optional named signals (the injection heuristics).
// Normalization folds what people use to dodge filters: invisible
// characters, NFKC, homoglyphs (normalize.h), case, leetspeak inside words
// ("sh1t" -> "shit"), letters spaced or dotted apart ("f.u.c.k"), and letter
// runs ("fuuuuck" -> "fuuck"). Training is AdaGrad with L2 and class
// weights; the probabilities are calibrated by temperature scaling on a split
// the weights never saw. Weights are stored as int16 with one scale per
// class, so a 2^18-bucket, 3-class model is 1.5 MB on disk and in memory.
//
// Model file (little-endian; docs in models/guard/MANIFEST.md):
//   "WGCLS\0\0\1" magic, u32 version, u32 hash_bits, u32 num_classes,
//   u32 flags (1 word unigrams, 2 word bigrams), u32 char_min, u32 char_max,
//   f32 temperature, then per class: u32 name length, name bytes, f32 bias,
//   f32 scale; then i16 weights[2^hash_bits][num_classes]; then u64 XXH3 of
//   every byte before it. Parse validates every field and the exact size.
//
// Thread safety: a LinearTextClassifier and the scanners are immutable after
// construction; every const method may run on any number of threads.
#ifndef WARDEN_GUARD_CLASSIFIER_H_
#define WARDEN_GUARD_CLASSIFIER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/guard/guard.h"
#include "warden/text/normalize.h"

namespace warden::guard {

struct FeatureOptions {
  uint32_t hash_bits = 18;  // 2^hash_bits buckets; 8..24
  bool word_unigrams = true;
  bool word_bigrams = true;
  uint32_t char_min = 3;  // character n-grams of each word; char_max 0 = off
  uint32_t char_max = 5;
};

// The normalized text the features are taken from (see the top comment).
// Invalid UTF-8 bytes are dropped first. Exposed for tests and evidence.
class ClassifierNormalizer {
 public:
  static Result<ClassifierNormalizer> Create();
  std::string Normalize(std::string_view text) const;

 private:
  explicit ClassifierNormalizer(text::Normalizer n) : unicode_(std::move(n)) {}
  text::Normalizer unicode_;
};

// Hashed features of one text. Every n-gram occurrence is a feature of
// value 1/sqrt(count), so a long text does not get larger logits than a short
// one; the named signals come last (`num_signals` of them) with value 1, so a
// heuristic that fires is not diluted by the length of the text around it.
struct FeatureVector {
  std::vector<uint32_t> buckets;
  std::vector<std::string> names;  // when asked: the word (or bigram, signal) of each
  float value = 0;
  size_t num_signals = 0;
  float ValueAt(size_t i) const { return i + num_signals >= buckets.size() ? 1.0f : value; }
};

// Turns normalized text (plus named signals) into hashed features.
void ExtractFeatures(const FeatureOptions& opts, std::string_view normalized,
                     const std::vector<std::string>& signals, bool with_names, FeatureVector* out);

struct LabeledText {
  std::string text;
  int label = 0;                     // index into the class names
  std::vector<std::string> signals;  // named extra features (may be empty)
};

struct TrainOptions {
  int epochs = 8;
  double learning_rate = 0.2;  // AdaGrad step
  double l2 = 1e-6;            // per update, on the touched weights
  // Class k weighs (n / (K n_k))^class_weight_power: 0 = none, 1 = balanced.
  double class_weight_power = 0.5;
  uint64_t seed = 1;
};

struct TrainReport {
  size_t train_examples = 0;
  size_t calibration_examples = 0;
  double temperature = 1;
  double calibration_nll_before = 0;  // mean NLL on the calibration split
  double calibration_nll_after = 0;
  double seconds = 0;
};

// One contribution to a decision: the feature and how much it moved the
// log-odds of the class asked about. A word's unigram and character n-grams
// add up under the word.
struct FeatureContribution {
  std::string feature;  // "word", "two words" (bigram), "signal:name"
  double weight = 0;
};

class LinearTextClassifier {
 public:
  // Trains on `train`, then fits the temperature on `calibration` (which may
  // be empty: temperature 1). Deterministic for a given seed.
  static Result<LinearTextClassifier> Train(const std::vector<std::string>& class_names,
                                            const std::vector<LabeledText>& train,
                                            const std::vector<LabeledText>& calibration,
                                            const FeatureOptions& features,
                                            const TrainOptions& opts, TrainReport* report);
  static Result<LinearTextClassifier> Parse(std::string_view bytes, std::string_view what);
  static Result<LinearTextClassifier> Load(const std::string& path);
  std::string Serialize() const;
  Status Save(const std::string& path) const;

  // Calibrated class probabilities for a raw text (normalized here).
  std::vector<double> Predict(std::string_view text,
                              const std::vector<std::string>& signals = {}) const;
  // Same for already normalized text.
  std::vector<double> PredictNormalized(std::string_view normalized,
                                        const std::vector<std::string>& signals) const;
  // The `top` features that most raise the log-odds of class `cls` against
  // the mean of the classes (or lower it, when `against` is true).
  std::vector<FeatureContribution> Explain(std::string_view text,
                                           const std::vector<std::string>& signals, int cls,
                                           size_t top, bool against = false) const;

  const std::vector<std::string>& class_names() const { return class_names_; }
  int ClassIndex(std::string_view name) const;  // -1 when absent
  const FeatureOptions& features() const { return features_; }
  double temperature() const { return temperature_; }
  const ClassifierNormalizer& normalizer() const { return *normalizer_; }
  size_t MemoryBytes() const { return weights_.size() * sizeof(int16_t); }

 private:
  LinearTextClassifier() = default;
  void Logits(const FeatureVector& f, std::vector<double>* logits) const;
  static Status Quantize(const std::vector<float>& w, const std::vector<float>& b, size_t k,
                         LinearTextClassifier* out);

  std::vector<std::string> class_names_;
  FeatureOptions features_;
  double temperature_ = 1;
  std::vector<float> bias_;
  std::vector<float> scale_;
  std::vector<int16_t> weights_;  // [bucket][class]
  std::shared_ptr<const ClassifierNormalizer> normalizer_;
};

// Options shared by the classifier scanners.
struct ClassifierScannerOptions {
  // Findings below this probability are not reported; policies set their
  // own, higher thresholds on the rest. (The toxicity model gives ordinary
  // text 0.05-0.2: three quarters of its training tweets are offensive.)
  double min_score = 0.25;
  // Texts longer than this are scored window by window (sentences packed up
  // to this many bytes), each window reported with its own span.
  size_t window_bytes = 600;
  size_t evidence_features = 4;
};

// Categories "toxicity" (1 - P(none)), "hate" and "offensive"; the model
// must have classes "hate", "offensive" and "none".
class ToxicityScanner : public Scanner {
 public:
  static Result<std::unique_ptr<ToxicityScanner>> Create(LinearTextClassifier model,
                                                         ClassifierScannerOptions opts = {});
  std::string_view name() const override { return "toxicity_classifier"; }
  Status Scan(std::string_view text, std::vector<Finding>* out) const override;
  const LinearTextClassifier& model() const { return model_; }

 private:
  ToxicityScanner(LinearTextClassifier m, ClassifierScannerOptions o)
      : model_(std::move(m)), opts_(o) {}
  LinearTextClassifier model_;
  ClassifierScannerOptions opts_;
  int hate_ = 0, offensive_ = 0, none_ = 0;
};

// Category "injection": the classifier's P(injection), with the heuristic
// signals (injection_heuristics) as features and as evidence. The model must
// have classes "benign" and "injection".
class InjectionScanner : public Scanner {
 public:
  static Result<std::unique_ptr<InjectionScanner>> Create(LinearTextClassifier model,
                                                          ClassifierScannerOptions opts = {});
  std::string_view name() const override { return "injection_classifier"; }
  Status Scan(std::string_view text, std::vector<Finding>* out) const override;
  // P(injection) of the whole text, for evaluation.
  double Score(std::string_view text) const;
  const LinearTextClassifier& model() const { return model_; }

 private:
  InjectionScanner(LinearTextClassifier m, ClassifierScannerOptions o)
      : model_(std::move(m)), opts_(o) {}
  LinearTextClassifier model_;
  ClassifierScannerOptions opts_;
  int injection_ = 0;
};

// The heuristic signals of a raw text, e.g. "override", "roleplay",
// "prompt_extraction", "delimiter", "encoded_base64", "encoded_rot13",
// "encoded_hex", "invisible", "tag_chars". Each with the byte span and text
// that triggered it.
struct InjectionSignal {
  std::string name;
  size_t begin = 0, end = 0;
};
std::vector<InjectionSignal> FindInjectionSignals(std::string_view text,
                                                  std::string_view normalized);

// File names inside a models directory.
inline constexpr std::string_view kToxicityModelFile = "toxicity.wgc";
inline constexpr std::string_view kInjectionModelFile = "injection.wgc";
inline constexpr std::string_view kDefaultGuardModelsDir = "models/guard";

// The toxicity and injection scanners from `models_dir` (models/guard/).
Result<std::vector<std::unique_ptr<Scanner>>> LoadClassifierScanners(
    const std::string& models_dir = std::string(kDefaultGuardModelsDir),
    const ClassifierScannerOptions& opts = {});

}  // namespace warden::guard

#endif  // WARDEN_GUARD_CLASSIFIER_H_
