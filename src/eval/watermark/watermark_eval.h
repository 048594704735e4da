// The watermark evaluation behind `warden watermark eval` and the page
// docs/watermark-eval.md: how detectable each scheme is, whether the p-values
// are honest on human text, how much editing the watermark survives, and
// what it costs in text quality, all measured on the embedded n-gram model.
//
//   - Detectability: N watermarked generations of `tokens` tokens per
//     configuration (scheme x gamma x delta); the first T tokens are decoded
//     to text and detected the realistic way (normalize, re-tokenize,
//     score). TPR at a false-positive rate x = share of samples with p < x.
//   - Calibration: empirical false-positive rate on held-out human passages
//     (consecutive held-out documents of one source joined until they reach
//     `min_passage_tokens`, cut between words, plus "repetitive" passages that repeat a
//     short document 3-6 times), with repeated-pair removal on and off; and the share of 10-token
//     spans of human text that are all green vs gamma^10.
//   - Robustness: token deletion / insertion / substitution, WordNet synonym
//     substitution, and pasting the watermarked text into human text
//     (whole-text vs windowed detection).
//   - Quality: perplexity under the plain model of watermarked vs plain
//     generations from the same prompts and seeds.
//
// Everything is deterministic for a given seed, model and corpus (the
// thread count changes only the speed). The watermark key is a fixed,
// published evaluation key: nothing here is secret.
//
// Thread safety: RunWatermarkEval uses `threads` std::threads internally;
// the model and documents are only read. Rendering is pure.
#ifndef WARDEN_SRC_EVAL_WATERMARK_WATERMARK_EVAL_H_
#define WARDEN_SRC_EVAL_WATERMARK_WATERMARK_EVAL_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/lm/lm.h"
#include "warden/text/corpus.h"
#include "warden/watermark/watermark.h"

namespace warden::eval {

// The published secret of the evaluation key (WatermarkKey::FromSecret).
inline constexpr std::string_view kEvalKeySecret = "warden public watermark evaluation key v1";

struct WatermarkEvalOptions {
  int32_t samples = 200;  // watermarked generations per configuration
  int32_t tokens = 200;   // tokens per generation (min = max, no early stop)
  std::vector<int32_t> lengths = {25, 50, 100, 200};  // T: detected prefixes
  std::vector<double> gammas = {0.25, 0.5};
  std::vector<double> deltas = {1, 2, 5, std::numeric_limits<double>::infinity()};
  bool selfhash = true;      // also KGW SelfHash, h = 4
  int32_t prompt_words = 6;  // prompts: the first words of held-out documents

  int32_t human_passages = 10000;  // natural passages (at most)
  int32_t min_passage_tokens = 90;
  double repetitive_fraction = 0.12;  // extra passages, as a share of natural
  int32_t calibration_keys = 20;      // keys for the per-key FPR spread

  std::vector<double> attack_rates = {0.1, 0.2, 0.3};
  std::vector<double> paste_fractions = {0.1, 0.25};
  std::string wordnet_dir = "/usr/share/wordnet";

  int32_t threads = 0;  // 0 = hardware concurrency
  uint64_t seed = 1;
  // Progress messages ("generating kgw ... 3/25"); may be empty. Called from
  // the calling thread only.
  std::function<void(std::string_view)> log;

  // Tiny counts for a smoke test (seconds, not minutes).
  static WatermarkEvalOptions Quick();
  Status Validate() const;
};

// One detectability cell: a configuration detected on T-token prefixes.
struct DetectabilityRow {
  std::string label;  // "KGW LeftHash h=1", "Unigram", "Gumbel", ...
  watermark::WatermarkConfig config;
  int32_t length = 0;  // T
  int32_t samples = 0;
  double tpr_1e2 = 0;  // share with p < 1e-2
  double tpr_1e3 = 0;  // share with p < 1e-3
  double median_z = 0;
  double median_log10_p = 0;
  double mean_scored = 0;  // scored tokens after re-tokenization
};

// Empirical false-positive rate of one detector on one set of passages.
struct CalibrationRow {
  std::string label;
  watermark::WatermarkConfig config;
  bool ignore_repeated = true;
  std::string subset;  // "all", "natural", "repetitive"
  int64_t passages = 0;
  int64_t decided = 0;              // passages with at least min_tokens scored tokens
  int64_t fp_1e2 = 0, fp_1e3 = 0;   // passages with p < alpha
  double fpr_1e2 = 0, fpr_1e3 = 0;  // fp / passages
  // Sum of token scores / scored tokens over all passages: the green share
  // for KGW and Unigram (gamma under the null), the mean -log(1 - r) for
  // Gumbel (1 under the null). A bias here shifts every passage at once.
  double mean_token_score = 0;
};

// One scheme's calibration over many keys: the empirical FPR on all human
// passages (repeated pairs removed) under each key, summarized. Tells "this
// key is unlucky" (the mean over keys is near alpha) from "the test is
// biased" (it is not).
struct KeySpreadRow {
  std::string label;
  watermark::WatermarkConfig config;
  int32_t keys = 0;
  double mean_fpr_1e2 = 0, min_fpr_1e2 = 0, max_fpr_1e2 = 0;
  double mean_fpr_1e3 = 0, min_fpr_1e3 = 0, max_fpr_1e3 = 0;
};

// All-green runs of 10 consecutive scored tokens in human text.
struct GreenSpanRow {
  double gamma = 0;
  int64_t spans = 0;
  int64_t all_green = 0;
  double share = 0;
  double expected = 0;  // gamma^10
};

struct RobustnessRow {
  std::string label;         // scheme label
  std::string attack;        // "deletion", "insertion", "substitution", "synonym",
                             // "paste (whole)", "paste (windowed)", "none"
  double rate = 0;           // attack rate, or the watermarked share for paste
  double achieved_rate = 0;  // measured (synonyms may run out)
  int32_t samples = 0;
  double tpr_1e2 = 0;
  double median_z = 0;
};

struct QualityRow {
  std::string label;  // "plain" for the baseline
  watermark::WatermarkConfig config;
  bool watermarked = false;
  int32_t samples = 0;
  double perplexity = 0;         // pooled: exp(-sum log p / tokens)
  double median_perplexity = 0;  // of per-sample perplexities
  double distinct_bigrams = 0;   // share of distinct token bigrams (repetition)
};

struct WatermarkEvalReport {
  WatermarkEvalOptions options;  // as run (log cleared)
  std::string model_description;
  std::string key_id;
  int32_t vocab_size = 0;
  int64_t heldout_documents = 0;
  int64_t natural_passages = 0;
  int64_t repetitive_passages = 0;
  double mean_passage_tokens = 0;
  int64_t synonym_words = 0;  // WordNet words with at least one synonym

  std::vector<DetectabilityRow> detectability;
  std::vector<CalibrationRow> calibration;
  std::vector<KeySpreadRow> key_spread;
  std::vector<GreenSpanRow> green_spans;
  std::vector<RobustnessRow> robustness;
  std::vector<QualityRow> quality;
  // Human p-values of KGW gamma 0.25 (removal on), for the histogram and QQ
  // plot; sorted ascending.
  std::vector<double> human_p_values;
  std::string human_p_label;

  double seconds_generation = 0, seconds_calibration = 0, seconds_robustness = 0, seconds_total = 0;
};

// Runs the whole evaluation. `heldout` is the held-out part of the corpus the
// model was trained without (Corpus::heldout): prompts, human passages and
// paste-in text come from it. Fails on invalid options, a corpus too small to
// make a single passage, a missing WordNet, or a model error.
Result<WatermarkEvalReport> RunWatermarkEval(const lm::LanguageModel& model,
                                             std::span<const text::CorpusDocument> heldout,
                                             const WatermarkEvalOptions& opts);

// Context printed at the top of the page.
struct EvalPageInfo {
  std::string command_line;
  std::string date;     // UTC, e.g. "2026-11-28 19:02 UTC"
  std::string machine;  // "2 cores (nproc), <cpu model>"
};

// What EvalPageInfo needs from the system: the date now and the machine.
EvalPageInfo CollectEvalPageInfo(std::string command_line);

// A named SVG file that the page links to.
struct EvalFigure {
  std::string file_name;  // "tpr_vs_length.svg"
  std::string svg;
};

// The markdown page; figures are linked as `<svg_dir>/<file_name>`.
std::string RenderWatermarkEvalMarkdown(const WatermarkEvalReport& report, const EvalPageInfo& info,
                                        std::string_view svg_dir);
std::vector<EvalFigure> RenderWatermarkEvalFigures(const WatermarkEvalReport& report);

// Writes the page to `md_path` and its figures to a directory named after the
// page without ".md" (docs/watermark-eval.md -> docs/watermark-eval/),
// creating it; every file is written atomically.
Status WriteWatermarkEvalPage(const WatermarkEvalReport& report, const EvalPageInfo& info,
                              const std::string& md_path);

}  // namespace warden::eval

#endif  // WARDEN_SRC_EVAL_WATERMARK_WATERMARK_EVAL_H_
