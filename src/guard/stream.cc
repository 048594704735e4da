// StreamGuard and LexiconVetoProcessor (see guard_stream.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "warden/guard/stream.h"

namespace warden::guard {

StreamGuard::StreamGuard(const Guard* guard, Direction direction, size_t overlap)
    : guard_(guard), direction_(direction), overlap_(overlap) {}

Result<std::string> StreamGuard::Feed(std::string_view chunk) {
  if (stopped_) return std::string();
  text_.append(chunk);
  return Step(/*final=*/false);
}

Result<std::string> StreamGuard::Finish() {
  if (stopped_) return std::string();
  return Step(/*final=*/true);
}

Result<std::string> StreamGuard::Step(bool final) {
  // Safe end: after the last whitespace, unless the held-back tail grew
  // past the overlap (a run without spaces is released in pieces).
  size_t safe = text_.size();
  if (!final) {
    const size_t ws = text_.find_last_of(" \t\n\r");
    safe = ws == std::string::npos || ws < released_ ? released_ : ws + 1;
    if (text_.size() - safe > overlap_) safe = text_.size() - overlap_ / 2;
    while (safe > released_ && safe < text_.size() &&
           (static_cast<uint8_t>(text_[safe]) & 0xC0) == 0x80)
      --safe;
  }
  size_t from = released_ > overlap_ ? released_ - overlap_ : 0;
  while (from > 0 && (static_cast<uint8_t>(text_[from]) & 0xC0) == 0x80) --from;
  const std::string_view window = std::string_view(text_).substr(from);
  std::vector<Finding> found;
  WARDEN_RETURN_IF_ERROR(guard_->ScanAll(window, &found));
  for (Finding& f : found) {
    f.begin += from;
    f.end += from;
  }
  // Only findings that reach into unreleased text matter now.
  std::erase_if(found, [&](const Finding& f) { return f.end <= released_; });
  Verdict v = guard_->Decide(text_, found, direction_, nullptr);
  for (const Finding& f : v.triggered) triggered_.push_back(f);
  if (v.blocked) {
    stopped_ = true;
    size_t cut = safe;
    for (const Finding& f : v.triggered) cut = std::min(cut, std::max(f.begin, released_));
    std::string out = text_.substr(released_, cut - released_);
    released_ = cut;
    return out;
  }
  // Masks inside [released_, safe); a masked span crossing `safe` is held.
  const DirectionPolicy& d = guard_->policy().For(direction_);
  std::vector<const Finding*> masks;
  for (const Finding& f : v.triggered) {
    const auto a = d.actions.find(f.category);
    if (a == d.actions.end() || !a->second.mask) continue;
    if (f.begin < safe && f.end > safe) safe = std::max(released_, f.begin);
    masks.push_back(&f);
  }
  std::sort(masks.begin(), masks.end(),
            [](const Finding* a, const Finding* b) { return a->begin < b->begin; });
  std::string out;
  size_t pos = released_;
  for (const Finding* f : masks) {
    if (f->begin < pos || f->end > safe) continue;
    out.append(text_, pos, f->begin - pos);
    out += "<" + (f->category == "profanity" ? std::string("PROFANITY") : f->type) + ">";
    std::transform(out.end() - static_cast<std::ptrdiff_t>(f->type.size()) - 1, out.end(),
                   out.end() - static_cast<std::ptrdiff_t>(f->type.size()) - 1,
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    pos = f->end;
  }
  if (safe > pos) out.append(text_, pos, safe - pos);
  released_ = std::max(released_, safe);
  return out;
}

LexiconVetoProcessor::LexiconVetoProcessor(const LexiconScanner* lexicon,
                                           const text::Tokenizer* tokenizer, double min_severity,
                                           size_t top_k)
    : lexicon_(lexicon), tokenizer_(tokenizer), min_severity_(min_severity), top_k_(top_k) {}

void LexiconVetoProcessor::Apply(std::span<const TokenId> history, lm::CandidateArray* c) {
  const size_t keep = std::min<size_t>(history.size(), 16);
  const std::string tail = tokenizer_->Decode(history.subspan(history.size() - keep));
  std::vector<size_t> order(c->size);
  std::iota(order.begin(), order.end(), 0);
  const size_t k = std::min(top_k_, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                    [&](size_t a, size_t b) { return c->data[a].logit > c->data[b].logit; });
  std::vector<Finding> found;
  for (size_t i = 0; i < k; ++i) {
    lm::TokenCandidate& cand = c->data[order[i]];
    if (!std::isfinite(cand.logit)) continue;
    const std::string text = tail + std::string(tokenizer_->TokenBytes(cand.id));
    found.clear();
    if (!lexicon_->Scan(text, &found).ok()) continue;
    for (const Finding& f : found) {
      if (f.end > tail.size() && f.score >= min_severity_) {
        cand.logit = -std::numeric_limits<float>::infinity();
        ++vetoed_;
        break;
      }
    }
  }
}

}  // namespace warden::guard
