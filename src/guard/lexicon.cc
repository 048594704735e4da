// LexiconScanner: one trie of every term (lexicon_trie.h), walked over the
// folded skeleton of the text in windows (bounded memory for long texts),
// with the acceptance rules of lexicon_pattern.h applied to each candidate.
//
// Why not Vectorscan: the evasion-tolerant form of a term (leet classes,
// repeats, separators between letters) as a regular expression made
// building the database of the 2,000 data-list terms take 100 s (measured,
// 2 cores), too slow for a command-line tool; the trie builds in
// milliseconds and is checked against the per-term reference automaton.
#include <algorithm>
#include <map>
#include <unordered_set>

#include "guard/fold.h"
#include "guard/lexicon_pattern.h"
#include "guard/lexicon_trie.h"
#include "warden/guard/lexicon.h"

namespace warden::guard {
namespace {

// Texts are scanned in windows of this many bytes; a window also re-reads
// the previous kOverlap bytes so that matches across the seam are whole.
// Matches longer than kOverlap skeleton bytes that cross a seam are missed.
constexpr size_t kWindow = 64 * 1024;
constexpr size_t kOverlap = 256;

struct Candidate {
  size_t term;
  size_t begin;  // skeleton offsets
  size_t end;
};

size_t AlignBack(std::string_view text, size_t pos) {
  for (int k = 0;
       k < 3 && pos > 0 && pos < text.size() && (static_cast<uint8_t>(text[pos]) & 0xC0) == 0x80;
       ++k) {
    --pos;
  }
  return pos;
}

}  // namespace

struct LexiconScanner::Impl {
  std::vector<CompiledTerm> terms;
  std::vector<std::string> allow;  // skeletons of allowlisted words
  TermTrie word_trie;              // whole-word terms
  TermTrie substring_trie;         // "*term*" terms

  // Leftmost start per (term, end): starts are visited in increasing order
  // and the first to claim an end keeps it.
  struct Claims {
    std::unordered_set<uint64_t> seen;
    std::vector<Candidate>* out;
    void Claim(size_t term, size_t s, size_t e) {
      if (seen.insert((static_cast<uint64_t>(term) << 32) | e).second) out->push_back({term, s, e});
    }
  };

  void FastCandidates(std::string_view sk, std::vector<Candidate>* out) const {
    out->clear();
    Claims claims{{}, out};
    std::vector<std::pair<uint32_t, size_t>> ends;
    for (size_t s = 0; s < sk.size(); ++s) {
      ends.clear();
      if (s == 0 || !IsWordChar(sk[s - 1])) word_trie.Walk(sk, s, &ends);
      if (!substring_trie.empty()) substring_trie.Walk(sk, s, &ends);
      for (const auto& [id, e] : ends) {
        claims.Claim(id, s, e);
        if (terms[id].term.substring) continue;
        for (std::string_view suf : kSuffixes) {
          if (sk.substr(e, suf.size()) == suf) claims.Claim(id, s, e + suf.size());
        }
      }
    }
  }

  void ReferenceCandidates(std::string_view sk, std::vector<Candidate>* out) const {
    out->clear();
    Claims claims{{}, out};
    std::vector<size_t> ends;
    for (size_t id = 0; id < terms.size(); ++id) {
      for (size_t s = 0; s < sk.size(); ++s) {
        if (!MayStartAt(terms[id], sk, s)) continue;
        ReferenceEnds(terms[id], sk, s, &ends);
        for (size_t e : ends) claims.Claim(id, s, e);
      }
    }
  }

  bool Allowed(std::string_view sk, size_t b, size_t e) const {
    for (const std::string& a : allow) {
      // Occurrences of the allowed word that cover [b, e).
      const size_t lo = e >= a.size() ? e - a.size() : 0;
      for (size_t p = sk.find(a, lo); p != std::string_view::npos && p <= b;
           p = sk.find(a, p + 1)) {
        if (p + a.size() >= e) return true;
      }
    }
    return false;
  }

  // Runs windows over `text`, turning accepted candidates into findings.
  Status Run(std::string_view text, bool reference, std::vector<Finding>* out) const {
    FoldedText folded;
    std::vector<Candidate> cands;
    // term, original begin -> (original end, skeleton length) of the longest.
    std::map<std::pair<size_t, size_t>, size_t> best;
    size_t core = 0;
    while (core < text.size() || (core == 0 && text.empty())) {
      if (text.empty()) break;
      const size_t win_end = AlignBack(text, std::min(text.size(), core + kWindow));
      const size_t limit = win_end > core ? win_end : text.size();
      const size_t scan_begin =
          core == 0 ? 0 : AlignBack(text, core > kOverlap ? core - kOverlap : 0);
      FoldForMatching(text.substr(scan_begin, limit - scan_begin), scan_begin, &folded);
      const std::string_view sk = folded.chars;
      if (reference) {
        ReferenceCandidates(sk, &cands);
      } else {
        FastCandidates(sk, &cands);
      }
      const bool last = limit == text.size();
      for (const Candidate& c : cands) {
        const CompiledTerm& t = terms[c.term];
        if (!last && c.end >= sk.size()) continue;  // cut by the window end
        if (!AcceptCandidate(t, sk, c.begin, c.end, scan_begin == 0)) continue;
        if (Allowed(sk, c.begin, c.end)) continue;
        const auto [ob, oe] = folded.OriginalSpan(c.begin, c.end);
        auto [it, inserted] = best.try_emplace({c.term, ob}, oe);
        if (!inserted) it->second = std::max(it->second, oe);
      }
      core = limit;
    }
    // One finding per original span: the most severe term wins.
    std::map<std::pair<size_t, size_t>, size_t> by_span;
    for (const auto& [key, end] : best) {
      const auto span = std::make_pair(key.second, end);
      auto [it, inserted] = by_span.try_emplace(span, key.first);
      if (!inserted && terms[key.first].term.severity > terms[it->second].term.severity) {
        it->second = key.first;
      }
    }
    for (const auto& [span, id] : by_span) {
      const LexiconTerm& term = terms[id].term;
      Finding f;
      f.category = term.category;
      f.type = term.type;
      f.score = term.severity;
      f.begin = span.first;
      f.end = span.second;
      f.evidence =
          std::string(text.substr(span.first, std::min<size_t>(span.second - span.first, 80))) +
          " ~ " + term.text;
      f.scanner = "lexicon";
      out->push_back(std::move(f));
    }
    return Status::Ok();
  }
};

LexiconScanner::LexiconScanner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LexiconScanner::~LexiconScanner() = default;

Result<std::unique_ptr<LexiconScanner>> LexiconScanner::Create(std::vector<LexiconTerm> deny,
                                                               std::vector<std::string> allow) {
  auto impl = std::make_unique<Impl>();
  std::map<std::string, size_t> by_key;
  for (const LexiconTerm& term : deny) {
    WARDEN_ASSIGN_OR_RETURN(CompiledTerm t, CompileTerm(term));
    auto [it, inserted] = by_key.try_emplace(t.key, impl->terms.size());
    if (inserted) {
      impl->terms.push_back(std::move(t));
    } else if (term.severity > impl->terms[it->second].term.severity) {
      impl->terms[it->second] = std::move(t);
    }
  }
  if (impl->terms.empty()) return Status::InvalidArgument("lexicon: the deny list is empty");
  for (const std::string& a : allow) {
    FoldedText f;
    FoldForMatching(a, 0, &f);
    if (!f.chars.empty()) impl->allow.push_back(f.chars);
  }
  for (size_t i = 0; i < impl->terms.size(); ++i) {
    TermTrie& trie = impl->terms[i].term.substring ? impl->substring_trie : impl->word_trie;
    trie.Add(impl->terms[i], static_cast<uint32_t>(i));
  }
  return std::unique_ptr<LexiconScanner>(new LexiconScanner(std::move(impl)));
}

Status LexiconScanner::Scan(std::string_view text, std::vector<Finding>* out) const {
  return impl_->Run(text, /*reference=*/false, out);
}

Status LexiconScanner::ScanReference(std::string_view text, std::vector<Finding>* out) const {
  return impl_->Run(text, /*reference=*/true, out);
}

bool LexiconScanner::MatchEndsAtOrAfter(std::string_view text, size_t from) const {
  std::vector<Finding> found;
  if (!Scan(text, &found).ok()) return false;
  return std::any_of(found.begin(), found.end(), [&](const Finding& f) { return f.end > from; });
}

size_t LexiconScanner::term_count() const { return impl_->terms.size(); }

}  // namespace warden::guard
