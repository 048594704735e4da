// Checking an output against protected content: the spans it shares with
// indexed documents, near-copy scores per source document, a verdict under
// a policy, and attribution (which documents, where), ranked longest and
// rarest first (OLMoTrace-style).
//
// A span is a maximal run of output tokens that occurs in the index
// (matching statistics: the longest match at every position, kept where it
// is not inside the previous position's match). It is reported when it is
// at least `min_span_tokens` provenance tokens long and covers at least
// `min_span_chars` normalized characters (code points of the output span,
// whitespace runs counted once). The Copilot-style rule "about 150
// characters" is min_span_tokens = 1, min_span_chars = 150.
//
// Template code (user-supplied boilerplate such as a course skeleton) does
// not count: output tokens covered by a k-gram that also occurs in a
// template are left out of span lengths, and fingerprints found in a
// template are left out of near-copy scores (MOSS's "base file").
//
// Thread safety: a ProvenanceChecker is immutable after Create; Check is
// const and safe from any thread. The index must outlive the checker.
#ifndef WARDEN_PROVENANCE_CHECK_H_
#define WARDEN_PROVENANCE_CHECK_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "warden/core/status.h"
#include "warden/provenance/index.h"
#include "warden/provenance/tokens.h"

namespace warden::provenance {

enum class PolicyAction : uint8_t { kAllow = 0, kFlag = 1, kBlock = 2, kReplace = 3 };
std::string_view PolicyActionName(PolicyAction a);
Result<PolicyAction> ParsePolicyAction(std::string_view name);

struct ProvenancePolicy {
  int32_t min_span_tokens = 8;
  int32_t min_span_chars = 0;
  // A document whose fingerprints cover this fraction of the output's is a
  // near copy (winnowing containment).
  double near_copy_threshold = 0.5;
  // What the verdict is when a span or a near copy is found.
  PolicyAction on_match = PolicyAction::kFlag;
  std::string replacement = "[protected content removed]";
  size_t max_references = 5;  // per span, and near copies listed
};

struct CheckOptions {
  TokenizeOptions tokenize;  // must match how the protected documents were indexed
  ProvenancePolicy policy;
  std::vector<std::string> templates;  // texts whose content does not count
};

struct MatchedSpan {
  uint32_t token_begin = 0, token_end = 0;  // output provenance tokens
  uint32_t byte_begin = 0, byte_end = 0;    // output bytes
  uint32_t tokens_counted = 0;              // template-covered tokens excluded
  uint32_t chars = 0;                       // normalized characters
  uint64_t occurrences = 0;                 // in the index (rarity)
  std::vector<IndexOccurrence> sources;     // up to max_references
  std::string text;                         // the output's bytes of the span
};

struct CheckReport {
  uint64_t tokens = 0;
  std::vector<MatchedSpan> spans;  // longest first, then rarest
  std::vector<NearCopyScore> near_copies;
  double max_containment = 0;
  PolicyAction verdict = PolicyAction::kAllow;
  // The output with matched spans replaced (verdict kReplace), else empty.
  std::string replaced_text;
};

class ProvenanceChecker {
 public:
  static Result<std::unique_ptr<ProvenanceChecker>> Create(const ProvenanceIndex* index,
                                                           CheckOptions opts);
  ~ProvenanceChecker();
  Result<CheckReport> Check(std::string_view output) const;
  const CheckOptions& options() const;

 private:
  struct Impl;
  ProvenanceChecker();
  std::unique_ptr<Impl> impl_;
};

// One JSON object (a single line) describing the report.
std::string CheckReportJson(const CheckReport& report);

}  // namespace warden::provenance

#endif  // WARDEN_PROVENANCE_CHECK_H_
