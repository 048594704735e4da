// Guardrails: evaluation of the rule-based scanners (`warden guard
// eval-rules`, docs/guard-eval.md).
//
// PII: entity-level precision, recall and F1 per type on the Presidio
// synthetic dataset. A prediction is a true positive when an unmatched gold
// span of the mapped type overlaps it with intersection-over-union >= 0.5.
// The person-name gazetteer is built from the even-numbered records (the
// training half) and person/address figures are reported on the odd half
// only; structured types use no training and are scored on all records.
//
// Evasion: a suite built here, with a fixed seed, of obfuscated variants of
// lexicon terms (leetspeak, separators, repeats, homoglyphs, invisible
// characters, full-width, accents, combinations) inside a carrier sentence,
// and innocent look-alikes (dictionary words that contain a denied term,
// from GCIDE's headword index when installed, plus a hand-written list).
#ifndef WARDEN_SRC_EVAL_GUARD_RULES_EVAL_H_
#define WARDEN_SRC_EVAL_GUARD_RULES_EVAL_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "warden/core/paths.h"
#include "warden/core/status.h"
#include "warden/guard/lexicon.h"
#include "warden/guard/pii.h"
#include "warden/guard/policy.h"

namespace warden::eval {

struct TypeScores {
  int tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp == 0 ? 0 : static_cast<double>(tp) / (tp + fp); }
  double recall() const { return tp + fn == 0 ? 0 : static_cast<double>(tp) / (tp + fn); }
  double f1() const {
    const double p = precision(), r = recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }
};

struct PiiEval {
  std::map<std::string, TypeScores> by_type;  // warden type names
  size_t records = 0, held_out = 0;
  guard::NameGazetteer gazetteer;  // built from the training half
  double seconds = 0;              // scanning time, all records
  size_t bytes = 0;
};
Result<PiiEval> EvaluatePii(const std::string& presidio_json_path);

struct EvasionCase {
  std::string text;
  bool should_flag = false;
  std::string kind;  // transformation, or "lookalike"
  std::string term;  // the term or word it came from
};
std::vector<EvasionCase> BuildEvasionSuite(const std::vector<guard::LexiconTerm>& terms,
                                           uint64_t seed);

struct EvasionEval {
  std::map<std::string, std::pair<int, int>> by_kind;  // caught/flagged, total
  int positives = 0, caught = 0, negatives = 0, false_positives = 0;
  std::vector<std::string> missed, flagged_innocent;  // examples
};
EvasionEval EvaluateEvasion(const guard::LexiconScanner& lexicon,
                            const std::vector<EvasionCase>& suite);

// A policy on the evaluation sets: evasion variants it blocks, look-alikes
// it lets through, and structured PII values (email, phone, card, IBAN, SSN,
// IP) of the Presidio set that no longer appear in its output.
struct PolicyEval {
  int variants = 0, variants_blocked = 0;
  int lookalikes = 0, lookalikes_allowed = 0;
  int pii_values = 0, pii_hidden = 0, records = 0, records_blocked = 0;
};
Result<PolicyEval> EvaluatePolicy(const guard::Guard& guard, const std::vector<EvasionCase>& suite,
                                  const std::string& presidio_json_path);

// The whole of docs/guard-eval.md: PII, the evasion suite, and the shipped
// focus-group policy (rules only) on both.
struct RulesEvalOptions {
  // data_dir (holding guard/), policies_dir (focus-group), models_dir
  // (person names for the focus-group guard).
  core::ResourcePaths paths;
  // The --data-dir the page's command line shows ("" prints "<shared data>").
  std::string command_data_dir;
};
struct RulesEvalPage {
  std::string markdown;
  std::string gazetteer;  // person names from the training half, serialized
  double structured_f1 = 0, caught = 0, false_positive_rate = 0;
};
Result<RulesEvalPage> RenderRulesEval(const RulesEvalOptions& options);

}  // namespace warden::eval

#endif  // WARDEN_SRC_EVAL_GUARD_RULES_EVAL_H_
