// The provenance evaluation behind `warden provenance eval` and
// docs/provenance-eval.md:
//  - IR-Plag (Karnalim et al.): 7 Java tasks, each an original, plagiarised
//    copies at levels L1-L6 and independent (non-plagiarised) solutions.
//    Each file is scored against its task's original by winnowing
//    containment through the index; ROC-AUC, precision and recall of
//    plagiarised-vs-independent per level, for three token streams (masked
//    lexer classes, lexer without masking, prose words); plus a renaming
//    attack (every identifier renamed) to show masking makes scores immune;
//  - text: passages from protected documents planted in other documents
//    verbatim, lightly edited, and with words swapped; recall and false
//    positives on clean documents;
//  - decode-time blocking: the embedded model trained on a corpus that
//    contains the protected texts several times, sampled with and without
//    the ProtectedNgramProcessor; protected n-grams emitted and perplexity.
//
// Thread safety: pure functions.
#ifndef WARDEN_SRC_EVAL_PROVENANCE_PROVENANCE_EVAL_H_
#define WARDEN_SRC_EVAL_PROVENANCE_PROVENANCE_EVAL_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/lm/ngram.h"

namespace warden::eval {

// Area under the ROC curve of positives-above-negatives (ties count half).
double RocAuc(std::span<const double> positives, std::span<const double> negatives);

struct IrPlagConfigResult {
  std::string config;                                      // "masked", "lexer-raw", "text-words"
  std::vector<std::string> levels;                         // "L1".."L6"
  std::vector<int> positives;                              // per level
  std::vector<double> auc, precision, recall, mean_score;  // per level, containment
  // ROC-AUC when the score is instead the share of the original's
  // fingerprints found in the file (doc_coverage).
  std::vector<double> auc_coverage;
  double negative_mean_score = 0;
  int negatives = 0;
  // Renaming attack: mean score of the plagiarised files before and after
  // renaming every identifier, and how many scores went down.
  double mean_before_rename = 0, mean_after_rename = 0;
  int lowered_by_rename = 0;
};

struct IrPlagResult {
  double threshold = 0;
  int tasks = 0;
  int files = 0;
  std::vector<IrPlagConfigResult> configs;
};

// `zip_path` is IR-Plag-Dataset.zip; it is unpacked to a temporary directory
// (with the `unzip` program) that is removed afterwards.
Result<IrPlagResult> EvaluateIrPlag(const std::string& zip_path, double threshold);

struct TextPlantResult {
  int protected_docs = 0, outputs_per_condition = 0, plant_words = 0;
  std::vector<std::string> conditions;  // "clean", "verbatim", "light-edit", "words-swapped"
  std::vector<double> flagged_rate;     // verdict != allow, per condition
  std::vector<double> span_rate;        // a span of >= min tokens, per condition
  std::vector<double> mean_containment;
  std::vector<double> auc_containment;  // condition vs clean (max containment)
  std::vector<double> auc_longest;      // condition vs clean (longest span)
};

// Protected documents and outputs from the held-out part of the default
// corpus (corpus.h), `n` outputs per condition.
Result<TextPlantResult> EvaluateTextPlants(int n, uint64_t seed);

struct BlockingRun {
  uint64_t generations = 0, tokens = 0;
  uint64_t protected_ngrams = 0;  // emitted n-grams that are protected
  uint64_t generations_with_protected = 0;
  double perplexity = 0;  // of the generated tokens, under the base model
  uint64_t steps = 0, prefix_hits = 0, vetoed = 0;
};

struct BlockingResult {
  int32_t n = 0;
  double fpr = 0;
  uint64_t protected_texts = 0, protected_ngrams = 0, bloom_bytes = 0;
  BlockingRun off, on;
};

struct BlockingOptions {
  int32_t n = 6;
  double false_positive_rate = 0.01;
  int32_t max_tokens = 60;
  int32_t prompt_words = 4;
  float temperature = 0.8f;
  uint64_t seed = 1;
};

// Generates from each prompt (the first words of each protected text) with
// and without the processor. `model` must have been trained on a corpus
// containing `protected_texts`.
Result<BlockingResult> RunBlockingExperiment(const lm::NgramModel& model,
                                             std::span<const std::string> protected_texts,
                                             const BlockingOptions& opts);

struct ProvenanceEvalOptions {
  std::string irplag_zip;  // empty: skip IR-Plag
  double irplag_threshold = 0.5;
  int text_outputs = 300;
  int blocking_texts = 100;
  uint64_t seed = 1;
};

struct ProvenanceEvalResult {
  bool has_irplag = false;
  IrPlagResult irplag;
  TextPlantResult text;
  BlockingResult blocking;
  std::string blocking_model;  // what was trained
};

Result<ProvenanceEvalResult> RunProvenanceEval(const ProvenanceEvalOptions& opts);
// The evaluation page (Markdown), with the command that reproduces it. The
// hand-written part of `previous_page` (notes and benchmark figures, after
// the marker "<!-- hand-written below: kept by provenance eval -->") is
// carried over unchanged.
std::string ProvenanceEvalMarkdown(const ProvenanceEvalResult& r, const std::string& command,
                                   std::string_view previous_page);

}  // namespace warden::eval

#endif  // WARDEN_SRC_EVAL_PROVENANCE_PROVENANCE_EVAL_H_
