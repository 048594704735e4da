// ProvenanceChecker: spans, near copies, verdict (see provenance.h).
#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "warden/core/hash.h"
#include "warden/provenance/check.h"
#include "warden/provenance/kernels.h"

namespace warden::provenance {

std::string_view PolicyActionName(PolicyAction a) {
  switch (a) {
    case PolicyAction::kFlag:
      return "flag";
    case PolicyAction::kBlock:
      return "block";
    case PolicyAction::kReplace:
      return "replace";
    case PolicyAction::kAllow:
      break;
  }
  return "allow";
}

Result<PolicyAction> ParsePolicyAction(std::string_view name) {
  for (PolicyAction a :
       {PolicyAction::kAllow, PolicyAction::kFlag, PolicyAction::kBlock, PolicyAction::kReplace}) {
    if (PolicyActionName(a) == name) return a;
  }
  return Status::InvalidArgument("unknown policy action \"" + std::string(name) +
                                 "\" (allow, flag, block, replace)");
}

namespace {

std::vector<uint64_t> TokenHashes(std::span<const ProvenanceToken> tokens) {
  std::vector<uint64_t> h;
  h.reserve(tokens.size());
  for (const ProvenanceToken& t : tokens) h.push_back(core::Hash64(t.key));
  return h;
}

// Code points, whitespace runs counted once.
uint32_t NormalizedChars(std::string_view s) {
  uint32_t n = 0;
  bool in_space = false;
  for (unsigned char c : s) {
    if ((c & 0xC0) == 0x80) continue;
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (!(space && in_space)) ++n;
    in_space = space;
  }
  return n;
}

}  // namespace

struct ProvenanceChecker::Impl {
  const ProvenanceIndex* index = nullptr;
  CheckOptions opts;
  std::unordered_set<uint64_t> template_kgrams;
  std::vector<uint64_t> template_fingerprints;
};

ProvenanceChecker::ProvenanceChecker() : impl_(std::make_unique<Impl>()) {}
ProvenanceChecker::~ProvenanceChecker() = default;
const CheckOptions& ProvenanceChecker::options() const { return impl_->opts; }

Result<std::unique_ptr<ProvenanceChecker>> ProvenanceChecker::Create(const ProvenanceIndex* index,
                                                                     CheckOptions opts) {
  const ProvenancePolicy& p = opts.policy;
  if (p.min_span_tokens < 1 || p.min_span_chars < 0 || !(p.near_copy_threshold > 0) ||
      p.near_copy_threshold > 1) {
    return Status::InvalidArgument(
        "policy: min span tokens must be >= 1, min chars >= 0, near-copy threshold in (0, 1]");
  }
  std::unique_ptr<ProvenanceChecker> c(new ProvenanceChecker());
  c->impl_->index = index;
  for (size_t i = 0; i < opts.templates.size(); ++i) {
    auto toks = TokenizeForProvenance(opts.templates[i], opts.tokenize);
    if (!toks.ok()) return toks.status().WithContext("template " + std::to_string(i + 1));
    for (uint64_t h : KgramHashes(TokenHashes(*toks), index->winnow_k())) {
      c->impl_->template_kgrams.insert(h);
    }
    for (uint64_t h : FingerprintHashes(*toks, index->winnow_k(), index->winnow_w())) {
      c->impl_->template_fingerprints.push_back(h);
    }
  }
  c->impl_->opts = std::move(opts);
  return c;
}

Result<CheckReport> ProvenanceChecker::Check(std::string_view output) const {
  const CheckOptions& o = impl_->opts;
  const ProvenancePolicy& p = o.policy;
  WARDEN_ASSIGN_OR_RETURN(std::vector<ProvenanceToken> toks,
                          TokenizeForProvenance(output, o.tokenize));
  CheckReport r;
  r.tokens = toks.size();

  // Tokens that belong to template content.
  std::vector<bool> covered(toks.size(), false);
  if (!impl_->template_kgrams.empty()) {
    const int k = impl_->index->winnow_k();
    const std::vector<uint64_t> kg = KgramHashes(TokenHashes(toks), k);
    for (size_t i = 0; i < kg.size(); ++i) {
      if (impl_->template_kgrams.contains(kg[i])) {
        for (int j = 0; j < k; ++j) covered[i + j] = true;
      }
    }
  }

  const std::vector<LongestMatch> ms = impl_->index->LongestMatches(toks);
  uint64_t prev_end = 0;
  for (size_t i = 0; i < ms.size(); ++i) {
    if (ms[i].length == 0 || i + ms[i].length <= prev_end) continue;  // inside the previous span
    prev_end = i + ms[i].length;
    MatchedSpan s;
    s.token_begin = static_cast<uint32_t>(i);
    s.token_end = static_cast<uint32_t>(i + ms[i].length);
    s.byte_begin = toks[s.token_begin].begin;
    s.byte_end = toks[s.token_end - 1].end;
    for (uint32_t t = s.token_begin; t < s.token_end; ++t) s.tokens_counted += covered[t] ? 0 : 1;
    s.text = std::string(output.substr(s.byte_begin, s.byte_end - s.byte_begin));
    s.chars = NormalizedChars(s.text);
    if (s.tokens_counted < static_cast<uint32_t>(p.min_span_tokens) ||
        s.chars < static_cast<uint32_t>(p.min_span_chars)) {
      continue;
    }
    s.occurrences = ms[i].count;
    s.sources = impl_->index->Locate(std::span(toks).subspan(i, ms[i].length), p.max_references);
    r.spans.push_back(std::move(s));
  }
  std::vector<MatchedSpan> by_position = r.spans;
  std::stable_sort(r.spans.begin(), r.spans.end(), [](const MatchedSpan& a, const MatchedSpan& b) {
    const uint32_t la = a.token_end - a.token_begin, lb = b.token_end - b.token_begin;
    if (la != lb) return la > lb;
    return a.occurrences < b.occurrences;
  });

  r.near_copies = impl_->index->NearCopies(toks, impl_->template_fingerprints, p.max_references);
  if (!r.near_copies.empty()) r.max_containment = r.near_copies.front().containment;

  const bool matched = !r.spans.empty() || r.max_containment >= p.near_copy_threshold;
  r.verdict = matched ? p.on_match : PolicyAction::kAllow;
  if (r.verdict == PolicyAction::kReplace) {
    // Spans overlap at most at their edges; merge byte ranges in order.
    size_t at = 0;
    for (const MatchedSpan& s : by_position) {
      if (s.byte_begin < at) {
        at = std::max<size_t>(at, s.byte_end);
        continue;
      }
      r.replaced_text.append(output.substr(at, s.byte_begin - at));
      r.replaced_text.append(p.replacement);
      at = s.byte_end;
    }
    r.replaced_text.append(output.substr(std::min(at, output.size())));
  }
  return r;
}

std::string CheckReportJson(const CheckReport& r) {
  nlohmann::json j;
  j["verdict"] = PolicyActionName(r.verdict);
  j["tokens"] = r.tokens;
  j["max_containment"] = r.max_containment;
  nlohmann::json spans = nlohmann::json::array();
  for (const MatchedSpan& s : r.spans) {
    nlohmann::json sources = nlohmann::json::array();
    for (const IndexOccurrence& o : s.sources) {
      sources.push_back(
          {{"doc_id", o.doc_id}, {"shard", o.shard}, {"token_offset", o.token_offset}});
    }
    spans.push_back({{"byte_begin", s.byte_begin},
                     {"byte_end", s.byte_end},
                     {"tokens", s.token_end - s.token_begin},
                     {"chars", s.chars},
                     {"occurrences", s.occurrences},
                     {"text", s.text},
                     {"sources", sources}});
  }
  j["spans"] = spans;
  nlohmann::json near = nlohmann::json::array();
  for (const NearCopyScore& n : r.near_copies) {
    near.push_back({{"doc_id", n.doc_id},
                    {"containment", n.containment},
                    {"doc_coverage", n.doc_coverage},
                    {"shared_fingerprints", n.shared}});
  }
  j["near_copies"] = near;
  if (r.verdict == PolicyAction::kReplace) j["replaced_text"] = r.replaced_text;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace warden::provenance
